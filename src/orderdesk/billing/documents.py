"""Invoice and credit memo documents as HTML and PDF (WeasyPrint), and their e-mails.

Rendered from the stored invoice and memo rows, which never change once posted (the
bill-to is a snapshot, prices and amounts are the rows'), so a reprint shows what the
customer got. The PDF is made by the outbox worker for the e-mail attachment
("orderdesk.billing.documents:invoice_pdf", args {"invoice_id": …}) and on demand by the
pages and the API; never inside a posting transaction.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.loader import render_to_string

from orderdesk.core.money import QUANTITY_PLACES, minor_exponent
from orderdesk.orders.acknowledgement import company_name
from orderdesk.orders.documents import html_to_pdf, paper_size
from orderdesk.parties.models import Contact, Customer

from .models import CreditMemo, CreditMemoLine, Invoice, InvoiceCharge, InvoiceLine

_QTY_UNIT = Decimal(1).scaleb(-QUANTITY_PLACES)


def seller() -> dict[str, Any]:
    """The seller block: company name, and the address lines of
    settings.ORDERDESK_COMPANY_ADDRESS (a string with newlines, or a list) when set."""
    address = getattr(settings, "ORDERDESK_COMPANY_ADDRESS", "") or ""
    lines = address.splitlines() if isinstance(address, str) else [str(a) for a in address]
    return {"name": company_name(), "address": [ln for ln in lines if ln.strip()]}


def money(value: Decimal, currency: str) -> str:
    """An amount at least to the currency's minor unit, further non-zero digits kept
    ("125.00", "0.1234"): shown exactly as stored, never re-rounded."""
    exp = minor_exponent(currency)
    norm = value.normalize()
    exponent = norm.as_tuple().exponent
    if isinstance(exponent, int) and -exponent < exp:
        norm = norm.quantize(Decimal(1).scaleb(-exp))
    return f"{norm:f}"


def grouped(value: Decimal, currency: str) -> str:
    """An amount with thousands separators, for sentences ("pay 1,234.56 by …")."""
    text = money(value, currency)
    sign = "-" if text.startswith("-") else ""
    whole, _, frac = text.lstrip("-").partition(".")
    return f"{sign}{int(whole):,}" + (f".{frac}" if frac else "")


def qty(value: Decimal) -> str:
    return f"{value.normalize():f}"


def in_unit_ordered(base_qty: Decimal, factor: Decimal) -> str:
    """Base units back to the unit ordered (60 EA at 12 per CS → "5")."""
    if not factor or factor == 1:
        return qty(base_qty)
    return qty((base_qty / factor).quantize(_QTY_UNIT, rounding=ROUND_HALF_UP))


def terms_text(invoice: Invoice) -> str:
    """The payment terms as the customer reads them: "2% 10, net 30: pay 1,234.56 by
    2026-12-01, else 1,259.75 by 2026-12-21", or "Net 30: pay 1,259.75 by 2026-12-21"."""
    terms = invoice.payment_terms
    cur = invoice.currency
    full = f"pay {grouped(invoice.total, cur)} by {invoice.due_date.isoformat()}"
    if invoice.discount_date is not None and invoice.discount_amount:
        early = grouped(invoice.total - invoice.discount_amount, cur)
        return (
            f"{qty(terms.discount_percent)}% {terms.discount_days}, net {terms.net_days}: "
            f"pay {early} by {invoice.discount_date.isoformat()}, else {full}"
        )
    return f"Net {terms.net_days}: {full}"


def recipient_for(customer: Customer) -> tuple[str, str]:
    """(address, "") to send billing documents to: the primary contact's e-mail, else the
    customer's own; ("", why) when neither is a usable address."""
    candidates = list(
        Contact.objects.filter(customer_id=customer.pk, is_primary=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    if customer.email:
        candidates.append(customer.email)
    for address in candidates:
        try:
            validate_email(address)
        except ValidationError:
            continue
        return address, ""
    account = customer.account_number
    if candidates:
        return "", (
            f"no e-mail sent: {', '.join(candidates)} (customer {account}) is not a valid "
            "e-mail address"
        )
    return "", (
        f"no e-mail sent: customer {account} has no primary contact with an e-mail address "
        "and no e-mail address of its own"
    )


# -- invoice ----------------------------------------------------------------------------------


def _invoice_rows(invoice: Invoice) -> tuple[list[InvoiceLine], list[InvoiceCharge]]:
    lines = list(
        InvoiceLine.objects.filter(invoice=invoice)
        .select_related("order_line", "shipment_line")
        .order_by("line_no")
    )
    charges = list(InvoiceCharge.objects.filter(invoice=invoice).order_by("pk"))
    return lines, charges


def invoice_context(invoice: Invoice) -> dict[str, Any]:
    """Everything the invoice document shows, as display strings."""
    invoice = (
        Invoice.objects.select_related("customer", "order", "shipment", "payment_terms")
        .filter(pk=invoice.pk)
        .get()
    )
    cur = invoice.currency
    lines, charges = _invoice_rows(invoice)
    shipment = invoice.shipment
    rows = []
    for ln in lines:
        factor = ln.order_line.factor
        rows.append(
            {
                "line_no": ln.line_no,
                "order_line_no": ln.order_line.line_no,
                "sku": ln.sku,
                "description": ln.description,
                "lot": ln.lot,
                "quantity": in_unit_ordered(ln.quantity, factor),
                "base_quantity": qty(ln.quantity),
                "unit": ln.uom_code,
                "unit_price": money(ln.unit_price, cur),
                "net": money(ln.net, cur),
                "tax_rate": qty(ln.tax_rate),
                "tax": money(ln.tax, cur),
            }
        )
    return {
        "doc": "invoice",
        "title": f"Invoice {invoice.number}",
        "filename": f"{invoice.number}.pdf",
        "seller": seller(),
        "company": company_name(),
        "paper": paper_size(),
        "invoice": invoice,
        "number": invoice.number,
        "date": invoice.invoice_date.isoformat(),
        "customer": {"account": invoice.customer.account_number, "name": invoice.customer.name},
        "customer_po": invoice.customer_po,
        "order_number": invoice.order.number,
        "shipment_number": shipment.number if shipment else "",
        "ship_date": shipment.ship_date.isoformat() if shipment else "",
        "tracking": shipment.tracking_number if shipment else "",
        "bill_to": invoice.bill_to,
        "lines": rows,
        "charges": [
            {
                "code": c.code,
                "description": c.description or c.code,
                "amount": money(c.amount, cur),
                "tax_rate": qty(c.tax_rate),
                "tax": money(c.tax, cur),
            }
            for c in charges
        ],
        "merchandise": money(invoice.merchandise, cur),
        "charges_total": money(invoice.charges_total, cur),
        "tax_total": money(invoice.tax_total, cur),
        "total": money(invoice.total, cur),
        "currency": cur,
        "due_date": invoice.due_date.isoformat(),
        "discount_date": invoice.discount_date.isoformat() if invoice.discount_date else "",
        "discount_amount": money(invoice.discount_amount, cur),
        "terms": terms_text(invoice),
        "terms_code": invoice.payment_terms.code,
    }


def invoice_html(invoice: Invoice) -> str:
    """The invoice as one self-contained HTML page (the PDF's source; the page shows it)."""
    return render_to_string("billing/documents/invoice.html", invoice_context(invoice))


def invoice_pdf(*, invoice_id: int) -> bytes:
    """The invoice's PDF (the outbox renderer "orderdesk.billing.documents:invoice_pdf")."""
    return html_to_pdf(invoice_html(Invoice.objects.get(pk=invoice_id)))


def invoice_email(invoice: Invoice) -> tuple[str, str, str, str]:
    """(subject, text, html, attachment filename) of the invoice e-mail."""
    context = invoice_context(invoice)
    subject = f"Invoice {invoice.number}"
    if invoice.customer_po:
        subject += f" (your PO {invoice.customer_po})"
    return (
        subject,
        render_to_string("billing/email/invoice.txt", context),
        render_to_string("billing/email/invoice.html", context),
        context["filename"],
    )


# -- credit memo ------------------------------------------------------------------------------


def credit_memo_context(memo: CreditMemo) -> dict[str, Any]:
    memo = (
        CreditMemo.objects.select_related("customer", "invoice", "invoice__order")
        .filter(pk=memo.pk)
        .get()
    )
    cur = memo.currency
    lines = list(
        CreditMemoLine.objects.filter(memo=memo)
        .select_related("invoice_line__order_line")
        .order_by("line_no")
    )
    rows = []
    for ln in lines:
        il = ln.invoice_line
        rows.append(
            {
                "line_no": ln.line_no,
                "kind": ln.kind,
                "kind_label": ln.kind.replace("_", " "),
                "sku": il.sku if il else "",
                "description": il.description if il else ln.description,
                "lot": il.lot if il else "",
                "invoice_line_no": il.line_no if il else None,
                "quantity": in_unit_ordered(ln.quantity, il.order_line.factor) if il else "",
                "unit": il.uom_code if il else "",
                "unit_price": money(ln.unit_price, cur) if il else "",
                "net": money(ln.net, cur),
                "tax": money(ln.tax, cur),
            }
        )
    invoice = memo.invoice
    return {
        "doc": "credit_memo",
        "title": f"Credit memo {memo.number}",
        "filename": f"{memo.number}.pdf",
        "seller": seller(),
        "company": company_name(),
        "paper": paper_size(),
        "memo": memo,
        "number": memo.number,
        "date": memo.memo_date.isoformat(),
        "invoice_number": invoice.number,
        "invoice_date": invoice.invoice_date.isoformat(),
        "order_number": invoice.order.number,
        "customer_po": invoice.customer_po,
        "customer": {"account": memo.customer.account_number, "name": memo.customer.name},
        "bill_to": invoice.bill_to,
        "reference": memo.reference,
        "reason": memo.reason,
        "lines": rows,
        "merchandise": money(memo.merchandise, cur),
        "fees": money(memo.fees, cur),
        "tax_total": money(memo.tax_total, cur),
        "total": money(memo.total, cur),
        "currency": cur,
    }


def credit_memo_html(memo: CreditMemo) -> str:
    return render_to_string("billing/documents/credit_memo.html", credit_memo_context(memo))


def credit_memo_pdf(*, memo_id: int) -> bytes:
    """The memo's PDF (the outbox renderer "orderdesk.billing.documents:credit_memo_pdf")."""
    return html_to_pdf(credit_memo_html(CreditMemo.objects.get(pk=memo_id)))


def credit_memo_email(memo: CreditMemo) -> tuple[str, str, str, str]:
    context = credit_memo_context(memo)
    subject = f"Credit memo {memo.number} for invoice {context['invoice_number']}"
    if memo.reference:
        subject += f" ({memo.reference})"
    return (
        subject,
        render_to_string("billing/email/credit_memo.txt", context),
        render_to_string("billing/email/credit_memo.html", context),
        context["filename"],
    )

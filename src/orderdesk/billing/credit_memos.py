"""Credit memos: money given back against one invoice (a return, a price correction).

Goods are credited at the invoice line's own amounts, rounded cumulatively like invoices:
crediting q of an invoice line of quantity N and net X gives
amount_for(credited before + q) − what earlier memos credited, amount_for(Q) =
round_half_up(X × Q / N). So crediting a line in several memos gives back exactly its net
and tax, never a cent more. A charge (freight, a surcharge) can be given back the same way,
by amount, as a "freight" line.

A restocking fee is kept as a negative line of kind "restocking_fee":
−round_half_up(goods credited × fee % / 100). It is not taxed: the fee is a deduction from
the credit, and tax is credited on the goods as invoiced (the credit's tax is the invoice
tax of what comes back, so the invoice and its memos reconcile line by line).

The memo is an open item of its own (negative) and is applied at once to what is still
open on the invoice, so the customer's balance and the invoice's open amount agree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from orderdesk.core.audit import event_record
from orderdesk.core.errors import NotFound
from orderdesk.core.fields import AmountField, QuantityField
from orderdesk.core.locks import lock_one, lock_rows
from orderdesk.core.money import minor_exponent, round_half_up
from orderdesk.core.numbering import number_next
from orderdesk.core.roles import Capability, has_capability, require

from .documents import credit_memo_email, grouped, recipient_for
from .errors import BillingError, BillingErrorCode, plain
from .invoicing import amount_share
from .models import (
    CreditMemo,
    CreditMemoLine,
    Invoice,
    InvoiceCharge,
    InvoiceLine,
    InvoiceStatus,
    PaymentApplication,
    Receivable,
    ReceivableKind,
)
from .periods import posting_date_check

ZERO = Decimal(0)
GOODS = "goods"
RESTOCKING_FEE = "restocking_fee"
FREIGHT = "freight"

#: The worker makes the PDF attachment with this renderer.
CREDIT_MEMO_PDF_RENDERER = "orderdesk.billing.documents:credit_memo_pdf"


def _require_creditor(actor: Any) -> None:
    """Billing credits by hand; the returns desk issues the credit of an approved RMA."""
    if not has_capability(actor, Capability.RETURN_APPROVE):
        require(actor, Capability.BILLING_POST)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise BillingError(
            BillingErrorCode.REASON_REQUIRED,
            "say why the customer is credited",
            field="reason",
            fix="write the reason, e.g. 'damaged in transit, RMA000012'",
        )
    return reason[:200]


def _fee_percent(fee_percent: Decimal) -> Decimal:
    fee = Decimal(fee_percent)
    if fee < 0 or fee >= 100:
        raise BillingError(
            BillingErrorCode.FEE_INVALID,
            f"a restocking fee of {plain(fee)}% is not possible",
            field="fee_percent",
            fix="give a percentage from 0 up to (not including) 100",
        )
    return fee


def _credited_lines(ids: list[int]) -> dict[int, tuple[Decimal, Decimal, Decimal]]:
    """Quantity, net and tax earlier memos credited per invoice line."""
    rows = (
        CreditMemoLine.objects.filter(invoice_line_id__in=ids, kind=GOODS)
        .values("invoice_line_id")
        .annotate(
            q=Sum("quantity", output_field=QuantityField()),
            n=Sum("net", output_field=AmountField()),
            t=Sum("tax", output_field=AmountField()),
        )
    )
    return {r["invoice_line_id"]: (r["q"] or ZERO, r["n"] or ZERO, r["t"] or ZERO) for r in rows}


def _credited_charges(ids: list[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """Amount and tax earlier memos gave back per invoice charge."""
    rows = (
        CreditMemoLine.objects.filter(invoice_charge_id__in=ids)
        .values("invoice_charge_id")
        .annotate(
            n=Sum("net", output_field=AmountField()),
            t=Sum("tax", output_field=AmountField()),
        )
    )
    return {r["invoice_charge_id"]: (r["n"] or ZERO, r["t"] or ZERO) for r in rows}


def _goods_lines(
    invoice: Invoice, lines: Sequence[tuple[InvoiceLine, Decimal]]
) -> list[CreditMemoLine]:
    """The goods lines, every quantity checked against what is left to credit first."""
    asked: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_id: dict[int, InvoiceLine] = {}
    for invoice_line, quantity in lines:
        q = Decimal(quantity)
        if invoice_line.invoice_id != invoice.pk:
            raise BillingError(
                BillingErrorCode.LINE_NOT_ON_INVOICE,
                f"invoice line {invoice_line.pk} is not a line of invoice {invoice.number}",
                field="lines",
                fix="credit lines of the invoice named",
            )
        if q <= 0:
            raise BillingError(
                BillingErrorCode.QUANTITY_INVALID,
                f"line {invoice_line.line_no} ({invoice_line.sku}): credit a quantity above 0, "
                f"not {plain(q)}",
                field="lines",
                fix="leave a line out instead of crediting 0 of it",
            )
        asked[invoice_line.pk] += q
        by_id[invoice_line.pk] = invoice_line
    before = _credited_lines(list(asked))
    for pk, q in asked.items():
        il = by_id[pk]
        done = before.get(pk, (ZERO, ZERO, ZERO))[0]
        if done + q > il.quantity:
            raise BillingError(
                BillingErrorCode.OVER_CREDIT,
                f"line {il.line_no} ({il.sku}) of invoice {invoice.number}: {plain(il.quantity)} "
                f"invoiced, {plain(done)} already credited; {plain(q)} more would be too much",
                field="lines",
                fix=f"credit at most {plain(il.quantity - done)} of line {il.line_no}",
            )
    out: list[CreditMemoLine] = []
    for pk, q in asked.items():
        il = by_id[pk]
        done_q, done_net, done_tax = before.get(pk, (ZERO, ZERO, ZERO))
        upto = done_q + q
        out.append(
            CreditMemoLine(
                invoice_line=il,
                kind=GOODS,
                description=f"{il.sku} {il.description}".strip()[:250],
                quantity=q,
                unit_price=il.unit_price,
                net=amount_share(il.net, upto, il.quantity, invoice.currency) - done_net,
                tax_rate=il.tax_rate,
                tax=amount_share(il.tax, upto, il.quantity, invoice.currency) - done_tax,
            )
        )
    return out


def _charge_lines(
    invoice: Invoice, charges: Sequence[tuple[InvoiceCharge, Decimal]]
) -> list[CreditMemoLine]:
    asked: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_id: dict[int, InvoiceCharge] = {}
    for charge, amount in charges:
        a = Decimal(amount)
        if charge.invoice_id != invoice.pk:
            raise BillingError(
                BillingErrorCode.CHARGE_NOT_ON_INVOICE,
                f"charge {charge.pk} ({charge.code}) is not on invoice {invoice.number}",
                field="charges",
                fix="credit charges of the invoice named",
            )
        if a <= 0 or a != round_half_up(a, minor_exponent(invoice.currency)):
            raise BillingError(
                BillingErrorCode.AMOUNT_INVALID,
                f"{charge.description or charge.code}: give back an amount above 0 in whole "
                f"{invoice.currency} minor units, not {plain(a)}",
                field="charges",
            )
        asked[charge.pk] += a
        by_id[charge.pk] = charge
    before = _credited_charges(list(asked))
    out: list[CreditMemoLine] = []
    for pk, a in asked.items():
        charge = by_id[pk]
        done, done_tax = before.get(pk, (ZERO, ZERO))
        if done + a > charge.amount:
            raise BillingError(
                BillingErrorCode.OVER_CREDIT,
                f"{charge.description or charge.code} on invoice {invoice.number}: "
                f"{plain(charge.amount)} billed, {plain(done)} already given back; {plain(a)} "
                "more would be too much",
                field="charges",
                fix=f"give back at most {plain(charge.amount - done)}",
            )
        out.append(
            CreditMemoLine(
                invoice_charge=charge,
                kind=FREIGHT,
                description=(charge.description or charge.code)[:250],
                quantity=ZERO,
                unit_price=ZERO,
                net=a,
                tax_rate=charge.tax_rate,
                tax=amount_share(charge.tax, done + a, charge.amount, invoice.currency) - done_tax,
            )
        )
    return out


def _apply_to_invoice(
    *, memo: CreditMemo, invoice: Invoice, on: dt.date
) -> PaymentApplication | None:
    """Use the memo against what is still open on its invoice (both open items locked)."""
    assert invoice.receivable_id is not None and memo.receivable_id is not None
    rows = {
        r.pk: r
        for r in lock_rows(
            Receivable.objects.filter(pk__in=[invoice.receivable_id, memo.receivable_id])
        )
    }
    inv_item, memo_item = rows[invoice.receivable_id], rows[memo.receivable_id]
    amount = min(inv_item.open_amount, -memo_item.open_amount)
    if amount <= 0:
        return None
    inv_item.open_amount -= amount
    memo_item.open_amount += amount
    inv_item.save(update_fields=["open_amount"])
    memo_item.save(update_fields=["open_amount"])
    invoice.receivable = inv_item
    memo.receivable = memo_item
    return PaymentApplication.objects.create(
        payment=None,
        credit=memo_item,
        receivable=inv_item,
        amount=amount,
        applied_on=on,
        created_at=timezone.now(),
    )


def _invoice_status(invoice: Invoice) -> str:
    """credited once its memos give back its whole total; paid once nothing is open."""
    credited = (
        CreditMemo.objects.filter(invoice=invoice).aggregate(
            t=Sum("total", output_field=AmountField())
        )["t"]
        or ZERO
    )
    if credited >= invoice.total:
        return InvoiceStatus.CREDITED
    receivable = invoice.receivable
    if receivable is not None and receivable.open_amount == 0:
        return InvoiceStatus.PAID
    return InvoiceStatus.OPEN


def _queue_email(*, actor: Any, memo: CreditMemo) -> dict[str, Any]:
    to, why = recipient_for(memo.customer)
    if not to:
        event_record(
            actor=actor,
            obj=memo,
            action="credit_memo.email_skipped",
            after={"email": "skipped"},
            reason=why,
        )
        return {"email": "skipped"}
    from orderdesk.notify.models import Channel
    from orderdesk.notify.services import outbox_enqueue

    subject, text, html, filename = credit_memo_email(memo)
    message = outbox_enqueue(
        channel=Channel.EMAIL,
        to=to,
        subject=subject,
        body_text=text,
        body_html=html,
        attachments=[
            {
                "filename": filename,
                "mimetype": "application/pdf",
                "render": CREDIT_MEMO_PDF_RENDERER,
                "args": {"memo_id": memo.pk},
            }
        ],
        obj=memo,
        dedupe_key=f"credit_memo:{memo.number}",
    )
    memo.sent_message_id = message.pk
    memo.save(update_fields=["sent_message_id"])
    return {"sent_to": message.to, "message": message.pk}


def credit_memo_create(
    *,
    actor: Any,
    invoice: Invoice,
    lines: Sequence[tuple[InvoiceLine, Decimal]],
    reason: str,
    reference: str = "",
    fee_percent: Decimal = ZERO,
    memo_date: dt.date | None = None,
    charges: Sequence[tuple[InvoiceCharge, Decimal]] = (),
) -> CreditMemo:
    """Credit goods (quantities in base units, per invoice line) and charges (amounts) of
    one invoice, less an optional restocking fee; post the memo as a negative open item and
    apply it at once to what is open on the invoice.

    Refuses, writing nothing, a quantity above what is left to credit on a line (invoiced
    − already credited), a charge above what it billed, a date in a closed period or before
    the invoice. Billing (BILLING_POST) credits by hand; the returns service calls this for
    an approved RMA (RETURN_APPROVE), with the RMA number as `reference`.
    """
    _require_creditor(actor)
    reason = _reason(reason)
    fee_pct = _fee_percent(fee_percent)
    on = memo_date or timezone.localdate()
    if not lines and not charges:
        raise BillingError(
            BillingErrorCode.NOTHING_TO_CREDIT,
            "the credit memo names no line and no charge",
            field="lines",
            fix="give the invoice lines and quantities (or charges and amounts) to credit",
        )
    with transaction.atomic():
        # The ledger's order: open items first, then the documents (as payments lock them).
        receivable_id = (
            Invoice.objects.filter(pk=invoice.pk).values_list("receivable_id", flat=True).first()
        )
        if receivable_id is not None:
            lock_rows(Receivable.objects.filter(pk=receivable_id))
        invoice = lock_one(
            Invoice.objects.filter(pk=invoice.pk).select_related("customer", "receivable")
        )
        posting_date_check(on=on, what=f"the credit memo for invoice {invoice.number}")
        if on < invoice.invoice_date:
            raise BillingError(
                BillingErrorCode.INVALID,
                f"a credit memo for invoice {invoice.number} cannot be dated {on.isoformat()}, "
                f"before the invoice ({invoice.invoice_date.isoformat()})",
                field="memo_date",
                fix=f"date it {invoice.invoice_date.isoformat()} or later",
            )
        goods = _goods_lines(invoice, lines)
        freight = _charge_lines(invoice, charges)
        currency = invoice.currency
        goods_net = sum((ln.net for ln in goods), ZERO)
        fee = round_half_up(goods_net * fee_pct / 100, minor_exponent(currency))
        rows = [*goods, *freight]
        if fee:
            rows.append(
                CreditMemoLine(
                    kind=RESTOCKING_FEE,
                    description=(
                        f"Restocking fee {plain(fee_pct)}% of {grouped(goods_net, currency)}"
                    ),
                    quantity=ZERO,
                    unit_price=ZERO,
                    net=-fee,
                    tax_rate=ZERO,
                    tax=ZERO,
                )
            )
        merchandise = goods_net + sum((ln.net for ln in freight), ZERO)
        tax = sum((ln.tax for ln in rows), ZERO)
        total = merchandise - fee + tax
        if total != sum((ln.net + ln.tax for ln in rows), ZERO):
            raise BillingError(
                BillingErrorCode.DOES_NOT_RECONCILE,
                f"the credit memo does not add up: {merchandise} − {fee} + {tax} ≠ lines",
                fix="report this to the OrderDesk administrators; nothing was posted",
            )
        number = number_next(doc_type="credit_memo")
        receivable = Receivable.objects.create(
            customer=invoice.customer,
            kind=ReceivableKind.CREDIT_MEMO,
            document_number=number,
            document_date=on,
            due_date=on,
            currency=currency,
            amount=-total,
            open_amount=-total,
        )
        memo = CreditMemo.objects.create(
            number=number,
            customer=invoice.customer,
            invoice=invoice,
            memo_date=on,
            currency=currency,
            reason=reason,
            reference=(reference or "").strip()[:40],
            merchandise=merchandise,
            fees=fee,
            tax_total=tax,
            total=total,
            receivable=receivable,
            created_at=timezone.now(),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        for no, row in enumerate(rows, start=1):
            row.memo = memo
            row.line_no = no
        CreditMemoLine.objects.bulk_create(rows)
        application = _apply_to_invoice(memo=memo, invoice=invoice, on=on)
        before_status = invoice.status
        invoice.status = _invoice_status(invoice)
        if invoice.status != before_status:
            invoice.save(update_fields=["status"])
        if application is not None:
            from .payments import orders_close_when_settled

            orders_close_when_settled(
                actor=actor, order_ids=[invoice.order_id], reason=f"settled by {number}"
            )

        figures = {
            "number": number,
            "invoice": invoice.number,
            "memo_date": on,
            "reference": memo.reference,
            "merchandise": merchandise,
            "fees": fee,
            "tax": tax,
            "total": total,
            "applied": application.amount if application else ZERO,
            "currency": currency,
        }
        sent = _queue_email(actor=actor, memo=memo)
        event_record(
            actor=actor,
            obj=memo,
            action="credit_memo.created",
            after={**figures, **sent},
            reason=reason,
        )
        event_record(
            actor=actor,
            obj=invoice,
            action="invoice.credited",
            before={"status": before_status},
            after={**figures, "status": invoice.status},
            reason=reason,
        )
    return memo


def credit_memo_create_by_ids(
    *,
    actor: Any,
    invoice_id: int,
    lines: Sequence[tuple[int, Decimal]],
    reason: str,
    reference: str = "",
    fee_percent: Decimal = ZERO,
    memo_date: dt.date | None = None,
    charges: Sequence[tuple[int, Decimal]] = (),
) -> CreditMemo:
    """`credit_memo_create` with lines and charges named by id (the API and the pages).
    A portal user never reaches it: the role is checked before the invoice is looked up."""
    _require_creditor(actor)
    invoice = Invoice.objects.filter(pk=invoice_id).first()
    if invoice is None:
        raise NotFound("invoice", invoice_id)
    line_rows = {ln.pk: ln for ln in InvoiceLine.objects.filter(invoice=invoice)}
    charge_rows = {c.pk: c for c in InvoiceCharge.objects.filter(invoice=invoice)}
    unknown = [pk for pk, _ in lines if pk not in line_rows]
    if unknown:
        raise BillingError(
            BillingErrorCode.LINE_NOT_ON_INVOICE,
            f"invoice {invoice.number} has no line with id {unknown[0]}",
            field="lines",
            fix="use the ids of the invoice's lines (GET /invoices/{id})",
        )
    unknown = [pk for pk, _ in charges if pk not in charge_rows]
    if unknown:
        raise BillingError(
            BillingErrorCode.CHARGE_NOT_ON_INVOICE,
            f"invoice {invoice.number} has no charge with id {unknown[0]}",
            field="charges",
            fix="use the ids of the invoice's charges (GET /invoices/{id})",
        )
    return credit_memo_create(
        actor=actor,
        invoice=invoice,
        lines=[(line_rows[pk], q) for pk, q in lines],
        reason=reason,
        reference=reference,
        fee_percent=fee_percent,
        memo_date=memo_date,
        charges=[(charge_rows[pk], a) for pk, a in charges],
    )

"""Invoices from what shipped: never from what was ordered.

The ship service calls `invoice_for_shipment` inside its own transaction once a shipment's
lines are saved and the order lines' `qty_shipped` raised; deployments that invoice by hand
(settings.ORDERDESK_INVOICE_ON_SHIP = False) call `invoice_for_order` from the billing desk.

Amounts are the order's frozen prices, rounded *cumulatively*: the n-th invoice of an order
line bills amount_for(all invoiced so far) − what the earlier invoices billed, with
amount_for(Q) = round_half_up(line.net × Q / billable quantity) to the currency's minor unit
(billable = ordered − cancelled, the quantity `line.net` is for). So however a line ships in
parts, its invoices add up to the line's net and tax to the cent. Order charges (freight,
surcharges) go on the order's first invoice, once. An invoice row never changes afterwards:
its documents are rendered from it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone

from orderdesk.catalog.models import KitComponent
from orderdesk.core.audit import event_record
from orderdesk.core.bulk import update_rows
from orderdesk.core.errors import NotFound
from orderdesk.core.fields import AmountField, QuantityField
from orderdesk.core.locks import lock_one, lock_rows
from orderdesk.core.money import minor_exponent, round_half_up
from orderdesk.core.numbering import number_next
from orderdesk.core.roles import Capability, has_capability, require
from orderdesk.fulfilment.models import Shipment, ShipmentLine
from orderdesk.orders.models import OrderCharge, SalesOrder, SalesOrderLine
from orderdesk.orders.progress import order_progress
from orderdesk.orders.services import lines_restatus
from orderdesk.parties.models import Address, AddressKind, Customer

from .documents import invoice_email, recipient_for
from .errors import BillingError, BillingErrorCode, plain
from .models import Invoice, InvoiceCharge, InvoiceLine, Receivable, ReceivableKind
from .periods import posting_date_check

ZERO = Decimal(0)

#: The worker makes the PDF attachment with this renderer.
INVOICE_PDF_RENDERER = "orderdesk.billing.documents:invoice_pdf"


def invoice_on_ship() -> bool:
    """Whether the ship service invoices each shipment at once (the default) or billing
    invoices by hand with `invoice_for_order` (settings.ORDERDESK_INVOICE_ON_SHIP)."""
    return bool(getattr(settings, "ORDERDESK_INVOICE_ON_SHIP", True))


def amount_share(total: Decimal, quantity: Decimal, of: Decimal, currency: str) -> Decimal:
    """round_half_up(total × quantity / of) to the currency's minor unit: the part of a line
    amount that `quantity` of its `of` units carries. The one rounding of invoices and
    credit memos."""
    if of == 0:
        return ZERO
    return round_half_up(total * quantity / of, minor_exponent(currency))


def bill_to_snapshot(order: SalesOrder) -> dict[str, str]:
    """The bill-to as it stands today, frozen on the invoice: the order's bill-to, else the
    customer's default bill-to address, else just the customer's name."""
    address = order.bill_to
    if address is None:
        address = (
            Address.objects.filter(
                customer_id=order.customer_id, kind=AddressKind.BILL_TO, active=True
            )
            .order_by("-is_default", "pk")
            .first()
        )
    customer: Customer = order.customer
    if address is None:
        return {"name": customer.name, "line1": "", "line2": "", "city": "", "region": "",
                "postal_code": "", "country": ""}  # fmt: skip
    return {
        "code": address.code,
        "name": address.name or customer.name,
        "line1": address.line1,
        "line2": address.line2,
        "city": address.city,
        "region": address.region,
        "postal_code": address.postal_code,
        "country": address.country,
    }


@dataclass
class _Billed:
    """What the earlier invoices of one order line billed."""

    quantity: Decimal = ZERO
    net: Decimal = ZERO
    tax: Decimal = ZERO


def _billed_before(line_ids: list[int]) -> dict[int, _Billed]:
    rows = (
        InvoiceLine.objects.filter(order_line_id__in=line_ids)
        .values("order_line_id")
        .annotate(
            q=Sum("quantity", output_field=QuantityField()),
            n=Sum("net", output_field=AmountField()),
            t=Sum("tax", output_field=AmountField()),
        )
    )
    out: dict[int, _Billed] = defaultdict(_Billed)
    for row in rows:
        out[row["order_line_id"]] = _Billed(row["q"] or ZERO, row["n"] or ZERO, row["t"] or ZERO)
    return out


def _invoiced_of_shipment(shipment: Shipment) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """Quantities of this shipment already invoiced: by shipment line, and by order line."""
    by_sl: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_line: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for sl_id, line_id, qty in InvoiceLine.objects.filter(invoice__shipment=shipment).values_list(
        "shipment_line_id", "order_line_id", "quantity"
    ):
        if sl_id is not None:
            by_sl[sl_id] += qty
        by_line[line_id] += qty
    return by_sl, by_line


@dataclass
class _Bill:
    """One invoice line to write: `quantity` of an order line from a shipment line."""

    line: SalesOrderLine
    shipment_line: ShipmentLine | None
    quantity: Decimal
    lot: str


def _kit_units(
    line: SalesOrderLine, parts: list[ShipmentLine], components: dict[int, Decimal]
) -> Decimal:
    """Whole kits a shipment's component lines make: the scarcest component decides."""
    shipped: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for sl in parts:
        shipped[sl.item_id] += sl.quantity
    if not components:
        return ZERO
    return min(
        (shipped.get(c, ZERO) / per).to_integral_value(rounding="ROUND_FLOOR")
        for c, per in components.items()
    )


def _bills(
    shipment: Shipment, lines: dict[int, SalesOrderLine], shipment_lines: list[ShipmentLine]
) -> list[_Bill]:
    """What this shipment still has to bill, line by line, never above what the order line
    shows shipped and not invoiced. A kit line ships as its components and is billed as
    whole kits, once per shipment."""
    done_sl, done_line = _invoiced_of_shipment(shipment)
    room = {pk: ln.qty_shipped - ln.qty_invoiced for pk, ln in lines.items()}
    kit_parts: dict[int, list[ShipmentLine]] = defaultdict(list)
    bills: list[_Bill] = []
    for sl in shipment_lines:
        line = lines[sl.order_line_id]
        if line.item_id is not None and sl.item_id != line.item_id:
            kit_parts[line.pk].append(sl)
            continue
        q = min(sl.quantity - done_sl[sl.pk], room[line.pk])
        if q > 0:
            room[line.pk] -= q
            bills.append(_Bill(line, sl, q, sl.lot))
    if kit_parts:
        components: dict[int, dict[int, Decimal]] = defaultdict(dict)
        kit_ids = {lines[pk].item_id for pk in kit_parts}
        for kit_id, comp_id, per in KitComponent.objects.filter(kit_id__in=kit_ids).values_list(
            "kit_id", "component_id", "quantity"
        ):
            components[kit_id][comp_id] = per
        for pk, parts in kit_parts.items():
            line = lines[pk]
            assert line.item_id is not None
            kits = _kit_units(line, parts, components[line.item_id])
            q = min(kits - done_line[pk], room[pk])
            if q > 0:
                room[pk] -= q
                bills.append(_Bill(line, parts[0], q, ""))
    return bills


def _require_invoicer(actor: Any) -> None:
    """Shipping invoices as it ships (warehouse roles); billing invoices by hand."""
    if not has_capability(actor, Capability.WAREHOUSE_OPS):
        require(actor, Capability.BILLING_POST)


def _terms_dates(
    invoice_date: dt.date, order: SalesOrder, total: Decimal
) -> tuple[dt.date, dt.date | None, Decimal]:
    terms = order.payment_terms
    due = invoice_date + dt.timedelta(days=terms.net_days)
    if terms.discount_percent > 0 and terms.discount_days > 0:
        discount = round_half_up(
            total * terms.discount_percent / 100, minor_exponent(order.currency)
        )
        return due, invoice_date + dt.timedelta(days=terms.discount_days), discount
    return due, None, ZERO


def _invoice_lines(
    invoice: Invoice, bills: list[_Bill], currency: str
) -> tuple[list[InvoiceLine], list[SalesOrderLine]]:
    billed = _billed_before(sorted({b.line.pk for b in bills}))
    rows: list[InvoiceLine] = []
    touched: dict[int, SalesOrderLine] = {}
    for no, bill in enumerate(bills, start=1):
        line = bill.line
        before = billed[line.pk]
        billable = line.qty_ordered - line.qty_cancelled
        upto = before.quantity + bill.quantity
        net = amount_share(line.net, upto, billable, currency) - before.net
        tax = amount_share(line.tax, upto, billable, currency) - before.tax
        billed[line.pk] = _Billed(upto, before.net + net, before.tax + tax)
        item = line.item
        rows.append(
            InvoiceLine(
                invoice=invoice,
                line_no=no,
                order_line=line,
                shipment_line=bill.shipment_line,
                item=item,
                sku=item.sku if item is not None else line.sku,
                description=(line.description or (item.description if item else ""))[:250],
                lot=bill.lot,
                quantity=bill.quantity,
                uom_code=line.uom_code or (item.base_uom.code if item is not None else ""),
                unit_price=line.unit_price,
                net=net,
                tax_rate=line.tax_rate,
                tax=tax,
            )
        )
        line.qty_invoiced += bill.quantity
        touched[line.pk] = line
    return rows, list(touched.values())


def _invoice_charges(invoice: Invoice, order: SalesOrder) -> list[InvoiceCharge]:
    """The order's charges not billed yet (on its first invoice: all of them)."""
    pending = OrderCharge.objects.filter(order=order).exclude(
        pk__in=InvoiceCharge.objects.filter(order_charge__order=order).values("order_charge_id")
    )
    return [
        InvoiceCharge(
            invoice=invoice,
            order_charge=c,
            code=c.code,
            description=c.description,
            amount=c.amount,
            tax_rate=c.tax_rate,
            tax=c.tax,
        )
        for c in pending.order_by("pk")
    ]


def _reconcile(invoice: Invoice, lines: list[InvoiceLine], charges: list[InvoiceCharge]) -> None:
    """The document adds up: lines + charges + tax = total, every figure from its rows."""
    merchandise = sum((ln.net for ln in lines), ZERO)
    charges_total = sum((c.amount for c in charges), ZERO)
    tax = sum((ln.tax for ln in lines), ZERO) + sum((c.tax for c in charges), ZERO)
    if (
        invoice.merchandise != merchandise
        or invoice.charges_total != charges_total
        or invoice.tax_total != tax
        or invoice.total != merchandise + charges_total + tax
    ):
        raise BillingError(
            BillingErrorCode.DOES_NOT_RECONCILE,
            f"invoice {invoice.number} does not add up: {merchandise} + {charges_total} + "
            f"{tax} ≠ {invoice.total}",
            fix="report this to the OrderDesk administrators; nothing was posted",
        )


def _queue_email(*, actor: Any, invoice: Invoice, order: SalesOrder) -> dict[str, Any]:
    to, why = recipient_for(order.customer)
    if not to:
        event_record(
            actor=actor,
            obj=invoice,
            action="invoice.email_skipped",
            after={"email": "skipped"},
            reason=why,
        )
        return {"email": "skipped"}
    from orderdesk.notify.models import Channel
    from orderdesk.notify.services import outbox_enqueue

    subject, text, html, filename = invoice_email(invoice)
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
                "render": INVOICE_PDF_RENDERER,
                "args": {"invoice_id": invoice.pk},
            }
        ],
        obj=invoice,
        dedupe_key=f"invoice:{invoice.number}",
    )
    invoice.sent_message_id = message.pk
    invoice.save(update_fields=["sent_message_id"])
    return {"sent_to": message.to, "message": message.pk}


def _lock_order(order_id: int) -> tuple[SalesOrder, dict[int, SalesOrderLine]]:
    order = lock_one(
        SalesOrder.objects.filter(pk=order_id).select_related(
            "customer", "bill_to", "payment_terms"
        )
    )
    lines = {
        ln.pk: ln
        for ln in lock_rows(
            SalesOrderLine.objects.filter(order_id=order_id).select_related("item__base_uom")
        )
    }
    return order, lines


def _invoice_one(
    *,
    actor: Any,
    order: SalesOrder,
    lines: dict[int, SalesOrderLine],
    shipment: Shipment,
    invoice_date: dt.date | None,
) -> Invoice | None:
    """Invoice what of `shipment` is not invoiced yet; None when nothing is left. Caller
    holds the order and its lines locked."""
    shipment_lines = list(ShipmentLine.objects.filter(shipment=shipment).order_by("pk"))
    bills = _bills(shipment, lines, shipment_lines)
    if not bills:
        return None
    on = invoice_date or shipment.ship_date
    posting_date_check(on=on, what=f"the invoice for shipment {shipment.number}")
    if on < shipment.ship_date:
        raise BillingError(
            BillingErrorCode.INVALID,
            f"an invoice for shipment {shipment.number} cannot be dated {on.isoformat()}, "
            f"before the goods left on {shipment.ship_date.isoformat()}",
            field="invoice_date",
            fix=f"date it {shipment.ship_date.isoformat()} or later",
        )
    currency = order.currency
    invoice = Invoice(
        number=number_next(doc_type="invoice"),
        customer=order.customer,
        order=order,
        shipment=shipment,
        invoice_date=on,
        payment_terms=order.payment_terms,
        currency=currency,
        bill_to=bill_to_snapshot(order),
        customer_po=order.customer_po,
        created_at=timezone.now(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    rows, touched = _invoice_lines(invoice, bills, currency)
    charges = _invoice_charges(invoice, order)
    invoice.merchandise = sum((ln.net for ln in rows), ZERO)
    invoice.charges_total = sum((c.amount for c in charges), ZERO)
    invoice.tax_total = sum((ln.tax for ln in rows), ZERO) + sum((c.tax for c in charges), ZERO)
    invoice.total = invoice.merchandise + invoice.charges_total + invoice.tax_total
    _reconcile(invoice, rows, charges)
    invoice.due_date, invoice.discount_date, invoice.discount_amount = _terms_dates(
        on, order, invoice.total
    )
    invoice.receivable = Receivable.objects.create(
        customer=order.customer,
        kind=ReceivableKind.INVOICE,
        document_number=invoice.number,
        document_date=on,
        due_date=invoice.due_date,
        currency=currency,
        amount=invoice.total,
        open_amount=invoice.total,
    )
    invoice.save()
    for row in rows:
        row.invoice = invoice
    for charge in charges:
        charge.invoice = invoice
    InvoiceLine.objects.bulk_create(rows)
    InvoiceCharge.objects.bulk_create(charges)

    over = [ln for ln in touched if ln.qty_invoiced > ln.qty_shipped]
    if over:  # _bills never bills above shipped; the CHECK constraint would refuse it too
        raise BillingError(
            BillingErrorCode.NOT_INVOICEABLE,
            f"line {over[0].line_no} would be invoiced {plain(over[0].qty_invoiced)}, above "
            f"the {plain(over[0].qty_shipped)} shipped",
        )
    update_rows(SalesOrderLine, touched, ["qty_invoiced"])
    lines_restatus(actor=actor, lines=touched, reason=f"invoice {invoice.number}")

    figures = {
        "number": invoice.number,
        "shipment": shipment.number,
        "invoice_date": on,
        "lines": len(rows),
        "merchandise": invoice.merchandise,
        "charges": invoice.charges_total,
        "tax": invoice.tax_total,
        "total": invoice.total,
        "due_date": invoice.due_date,
        "currency": currency,
    }
    sent = _queue_email(actor=actor, invoice=invoice, order=order)
    event_record(actor=actor, obj=invoice, action="invoice.created", after={**figures, **sent})
    event_record(actor=actor, obj=order, action="invoice.created", after=figures)
    from orderdesk.edi.outbound import edi_outbound_queue

    edi_outbound_queue(kind="810", obj=invoice)
    order_progress(actor=actor, order=order, reason=f"invoice {invoice.number}")
    return invoice


def invoice_for_shipment(
    *, actor: Any, shipment: Shipment, invoice_date: dt.date | None = None
) -> Invoice:
    """Invoice a shipment: each of its lines at the order's frozen prices, plus the order's
    charges on its first invoice; open item, order progress, events and the e-mail with the
    PDF queued.

    Preconditions: the shipment's lines are saved and the order lines' `qty_shipped` raised
    (the ship service calls this inside its transaction). `invoice_date` defaults to the
    ship date and must not fall in a closed period. Idempotent: a shipment already invoiced
    in full gives back its latest invoice and writes nothing.
    """
    _require_invoicer(actor)
    with transaction.atomic():
        order, lines = _lock_order(shipment.order_id)
        invoice = _invoice_one(
            actor=actor, order=order, lines=lines, shipment=shipment, invoice_date=invoice_date
        )
        if invoice is not None:
            return invoice
        existing = Invoice.objects.filter(shipment=shipment).order_by("-pk").first()
        if existing is not None:
            return existing
    raise BillingError(
        BillingErrorCode.NOTHING_TO_INVOICE,
        f"shipment {shipment.number} has nothing to invoice: no line of it shows as shipped "
        "and not invoiced on the order",
        fix="ship the goods first (the order line's shipped quantity must include them)",
    )


def invoice_for_order(
    *, actor: Any, order: SalesOrder, invoice_date: dt.date | None = None
) -> list[Invoice]:
    """Invoice every shipment of the order with shipped-not-invoiced quantities, one invoice
    per shipment, oldest shipment first (for desks that invoice by hand). Ordered but
    unshipped quantities are never invoiced; an order with nothing to invoice is refused."""
    require(actor, Capability.BILLING_POST)
    with transaction.atomic():
        locked, lines = _lock_order(order.pk)
        made: list[Invoice] = []
        for shipment in Shipment.objects.filter(order=locked).order_by("ship_date", "pk"):
            invoice = _invoice_one(
                actor=actor,
                order=locked,
                lines=lines,
                shipment=shipment,
                invoice_date=invoice_date,
            )
            if invoice is not None:
                made.append(invoice)
        if not made:
            raise BillingError(
                BillingErrorCode.NOTHING_TO_INVOICE,
                f"order {locked.number} has nothing shipped that is not invoiced yet",
                fix="invoices are made from shipments: ship the goods first",
            )
    return made


def invoices_of(order: SalesOrder) -> QuerySet[Invoice]:
    return Invoice.objects.filter(order=order).order_by("invoice_date", "pk")


def invoice_for_order_by_id(
    *, actor: Any, order_id: int, invoice_date: dt.date | None = None
) -> list[Invoice]:
    """`invoice_for_order` for an order named by id (the API and the pages); the role is
    checked before the id is looked up, so a refused caller learns nothing."""
    require(actor, Capability.BILLING_POST)
    order = SalesOrder.objects.filter(pk=order_id).first()
    if order is None:
        raise NotFound("order", order_id)
    return invoice_for_order(actor=actor, order=order, invoice_date=invoice_date)

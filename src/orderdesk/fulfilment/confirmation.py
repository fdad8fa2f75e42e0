"""The shipment confirmation e-mail: what left, how, and what the customer still waits for.

Queued through the outbox inside the ship transaction (a rolled-back shipment sends
nothing); the packing list PDF is a render attachment the outbox worker makes just before
sending, as the order acknowledgement does.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.loader import render_to_string

from orderdesk.core.money import QUANTITY_PLACES
from orderdesk.notify.models import Channel, OutboxMessage
from orderdesk.notify.services import outbox_enqueue
from orderdesk.orders.acknowledgement import company_name
from orderdesk.orders.models import SalesOrder, SalesOrderLine
from orderdesk.parties.models import Contact

from .models import DocumentKind, Shipment, ShipmentLine, ShippingDocument

PDF_RENDERER = "orderdesk.fulfilment.documents:document_pdf"
#: The e-mail lists this many lines at most; the packing list has all of them.
EMAIL_MAX_LINES = 100
_QTY_UNIT = Decimal(1).scaleb(-QUANTITY_PLACES)


def _qty(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _unit_ordered(base: Decimal, factor: Decimal) -> str:
    if not factor or factor == 1:
        return _qty(base)
    return _qty((base / factor).quantize(_QTY_UNIT, rounding=ROUND_HALF_UP))


def recipient_for(order: SalesOrder) -> tuple[str, str]:
    """(address, "") of the customer's primary contact, else the customer's own e-mail;
    ("", why) when neither is a usable address."""
    candidates = list(
        Contact.objects.filter(customer_id=order.customer_id, is_primary=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    if order.customer.email:
        candidates.append(order.customer.email)
    for address in candidates:
        try:
            validate_email(address)
        except ValidationError:
            continue
        return address, ""
    return "", (
        f"no shipment confirmation sent: customer {order.customer.account_number} has no "
        "usable e-mail address"
    )


def confirmation_subject(shipment: Shipment, order: SalesOrder) -> str:
    subject = f"Shipped: order {order.number}"
    if order.customer_po:
        subject += f" (your PO {order.customer_po})"
    return subject + f", shipment {shipment.number}"


def confirmation_context(shipment: Shipment, order: SalesOrder) -> dict[str, Any]:
    """What the e-mail shows: carrier, service, tracking, date, what shipped (per order line
    and lot, in the unit ordered) and what is still backordered."""
    rows = (
        ShipmentLine.objects.filter(shipment=shipment)
        .select_related("order_line", "item")
        .order_by("order_line__line_no", "pk")
    )
    shipped: dict[tuple[int, str, str, bool], Decimal] = defaultdict(Decimal)
    lines: dict[int, SalesOrderLine] = {}
    for row in rows:
        ol = row.order_line
        lines[ol.line_no] = ol
        component = row.item_id != ol.item_id  # a kit line ships its components
        shipped[(ol.line_no, row.item.sku, row.lot, component)] += row.quantity
    shipped_rows = [
        {
            "line_no": line_no,
            "sku": sku,
            "description": lines[line_no].description,
            "quantity": _qty(q) if component else _unit_ordered(q, lines[line_no].factor),
            "unit": "" if component else lines[line_no].uom_code,
            "lot": lot,
            "component": component,
        }
        for (line_no, sku, lot, component), q in shipped.items()
    ]
    waiting = [
        {
            "line_no": ol.line_no,
            "sku": ol.sku,
            "description": ol.description,
            "quantity": _unit_ordered(ol.qty_backordered + ol.qty_open, ol.factor),
            "unit": ol.uom_code,
            "promised_date": ol.promised_date,
        }
        for ol in SalesOrderLine.objects.filter(order=order).order_by("line_no")
        if ol.qty_backordered + ol.qty_open > 0
    ]
    method = shipment.ship_method
    return {
        "company": company_name(),
        "order": order,
        "shipment": shipment,
        "carrier": shipment.carrier,
        "method": method,
        "shipped": shipped_rows[:EMAIL_MAX_LINES],
        "more_lines": max(len(shipped_rows) - EMAIL_MAX_LINES, 0),
        "waiting": waiting,
        "ship_to": order.ship_to,
    }


def shipment_confirmation_queue(
    *, shipment: Shipment, order: SalesOrder, documents: list[ShippingDocument]
) -> tuple[OutboxMessage | None, str]:
    """Queue the confirmation (dedupe key "shipment:<number>"); (message, "") or
    (None, why nothing was queued). Caller is inside the ship transaction."""
    to, why = recipient_for(order)
    if not to:
        return None, why
    from .documents import document_filename

    context = confirmation_context(shipment, order)
    packing = next((d for d in documents if d.kind == DocumentKind.PACKING_LIST), None)
    attachments = []
    if packing is not None:
        attachments.append(
            {
                "filename": document_filename(packing),
                "mimetype": "application/pdf",
                "render": PDF_RENDERER,
                "args": {"document_id": packing.pk},
            }
        )
        context["attachment"] = document_filename(packing)
    message = outbox_enqueue(
        channel=Channel.EMAIL,
        to=to,
        subject=confirmation_subject(shipment, order),
        body_text=render_to_string("fulfilment/email/shipment.txt", context),
        body_html=render_to_string("fulfilment/email/shipment.html", context),
        attachments=attachments,
        obj=shipment,
        dedupe_key=f"shipment:{shipment.number}",
    )
    return message, ""

"""Order acknowledgements: what the customer is told, revision by revision.

`ack_data` turns an order into plain JSON data: the one source the acknowledgement e-mail,
its PDF and (later) the EDI 855 are made from, so that the three never disagree. It is
frozen on the `Acknowledgement` row; documents of a revision are rendered from that row,
never from the order as it is now.

`order_acknowledge` runs in the intake or change transaction and has to be cheap there: it
writes the next revision, stamps the change log and queues the e-mail through the outbox.
The PDF is not made here: the e-mail carries a *render* attachment, and the outbox worker
calls `orders.documents.acknowledgement_pdf` just before sending (a render that fails is
retried like a send that fails).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.utils import timezone

from orderdesk.core.audit import event_record
from orderdesk.core.money import QUANTITY_PLACES, minor_exponent
from orderdesk.notify.models import Channel
from orderdesk.notify.services import outbox_enqueue
from orderdesk.parties.models import Address, Contact, ShipMethod

from .models import (
    Acknowledgement,
    ChangeStatus,
    OrderChange,
    OrderCharge,
    SalesOrder,
    SalesOrderLine,
)
from .states import LineStatus

#: Bumped when the shape of `ack_data` changes (stored rows keep the version they were made
#: with, so an 855 or a PDF of an old revision can still be read correctly).
ACK_SCHEMA = 1
#: The worker makes the PDF with this renderer (a dotted path: no registration needed).
PDF_RENDERER = "orderdesk.orders.documents:acknowledgement_pdf"
#: The e-mail body lists this many lines at most; the PDF always has all of them.
EMAIL_MAX_LINES = 100

_QTY_UNIT = Decimal(1).scaleb(-QUANTITY_PLACES)


def company_name() -> str:
    """The seller's name on documents and e-mails (settings.ORDERDESK_COMPANY_NAME)."""
    return str(getattr(settings, "ORDERDESK_COMPANY_NAME", "") or "OrderDesk")


# -- formatting: Decimals as strings, fixed so the data is the same on every database -------


def _qty(value: Decimal) -> str:
    """A quantity without trailing zeros and never in exponent form: "5", "2.5", "60"."""
    return f"{value.normalize():f}"


def _in_unit_ordered(base_qty: Decimal, factor: Decimal) -> str:
    """Base units back to the unit ordered (60 EA at 12 per CS → "5"); a part case is
    rounded half-up to the quantity precision (4 places), the one rounding made here."""
    if not factor or factor == 1:
        return _qty(base_qty)
    return _qty((base_qty / factor).quantize(_QTY_UNIT, rounding=ROUND_HALF_UP))


def _amount(value: Decimal, currency: str) -> str:
    """An amount with at least the currency's minor unit ("125.00", JPY "1500") and any
    further non-zero digits kept ("0.1234" unit price): no rounding, the value is exact."""
    exp = minor_exponent(currency)
    norm = value.normalize()
    exponent = norm.as_tuple().exponent
    if isinstance(exponent, int) and -exponent < exp:
        norm = norm.quantize(Decimal(1).scaleb(-exp))
    return f"{norm:f}"


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _sorted_json(value: Any) -> Any:
    """JSON with object keys in order (PostgreSQL's jsonb reorders them; SQLite does not)."""
    if isinstance(value, dict):
        return {str(k): _sorted_json(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list):
        return [_sorted_json(v) for v in value]
    return value


def _address(address: Address | None) -> dict[str, str] | None:
    if address is None:
        return None
    return {
        "code": address.code,
        "name": address.name,
        "line1": address.line1,
        "line2": address.line2,
        "city": address.city,
        "region": address.region,
        "postal_code": address.postal_code,
        "country": address.country,
        "phone": address.phone,
    }


# -- the data -------------------------------------------------------------------------------


def _line(line: SalesOrderLine, currency: str, kinds: list[str], marker: str) -> dict[str, Any]:
    factor = line.factor
    item = line.item
    unit = line.uom_code or (item.base_uom.code if item is not None else "")
    promised = _date(line.promised_date)
    buckets = [
        ("allocated", line.qty_allocated, promised),
        ("backordered", line.qty_backordered, promised),
        ("open", line.qty_open, promised),
        ("shipped", line.qty_shipped, None),
        ("cancelled", line.qty_cancelled, None),
    ]
    return {
        "line_no": line.line_no,
        "sku": item.sku if item is not None else line.sku,
        "customer_sku": line.sku,
        "description": line.description or (item.description if item is not None else ""),
        "quantity": _qty(line.quantity),
        "unit": unit,
        "unit_price": _amount(line.unit_price, currency),
        "customer_price": (
            _amount(line.customer_price, currency) if line.customer_price is not None else None
        ),
        "net": _amount(line.net, currency),
        "tax_rate": _qty(line.tax_rate),
        "tax": _amount(line.tax, currency),
        "status": line.status,
        "quantity_allocated": _in_unit_ordered(line.qty_allocated, factor),
        "quantity_backordered": _in_unit_ordered(line.qty_backordered, factor),
        "quantity_cancelled": _in_unit_ordered(line.qty_cancelled, factor),
        "requested_date": _date(line.requested_date),
        "promised_date": promised,
        "change": marker,
        "change_kinds": kinds,
        "schedule": [
            {
                "status": status,
                "quantity": _in_unit_ordered(qty, factor),
                "unit": unit,
                "date": date,
            }
            for status, qty, date in buckets
            if qty > 0
        ],
    }


def _unacknowledged_changes(order: SalesOrder) -> list[OrderChange]:
    return list(
        OrderChange.objects.filter(
            order_id=order.pk, acknowledged_revision__isnull=True, status=ChangeStatus.APPLIED
        )
        # An approved request is shown through the changes it applied, not as itself.
        .exclude(kind="request")
        .order_by("pk")
    )


_RELATIONS = ("customer", "bill_to", "ship_to", "ship_method", "payment_terms")


def _load(order: SalesOrder) -> SalesOrder:
    """The order with what the acknowledgement shows of its relations: the caller's instance
    when it holds them all already (intake has just built the order: no query), else read
    once with select_related."""
    meta = SalesOrder._meta
    if all(meta.get_field(name).is_cached(order) for name in _RELATIONS):  # type: ignore[union-attr]
        method = order.ship_method
        if method is None or ShipMethod._meta.get_field("carrier").is_cached(method):  # type: ignore[union-attr]
            return order
    return SalesOrder.objects.select_related(
        "customer", "bill_to", "ship_to", "ship_method__carrier", "payment_terms"
    ).get(pk=order.pk)


def _build(order: SalesOrder, changes: list[OrderChange], revision: int) -> dict[str, Any]:
    """The data of one revision; `order` comes from `_load` (then 2 queries: lines, charges)."""
    lines = list(
        SalesOrderLine.objects.filter(order_id=order.pk)
        .select_related("item__base_uom")
        .order_by("line_no")
    )
    charges = list(OrderCharge.objects.filter(order_id=order.pk).order_by("pk"))
    currency = order.currency
    kinds_by_line: dict[int, list[str]] = {}
    for change in changes:
        if change.line_no is not None:
            kinds = kinds_by_line.setdefault(change.line_no, [])
            if change.kind not in kinds:
                kinds.append(change.kind)

    def marker(line: SalesOrderLine) -> str:
        kinds = kinds_by_line.get(line.line_no)
        if not kinds:
            return ""
        if "add_line" in kinds:
            return "added"
        if "cancel_line" in kinds or line.status == LineStatus.CANCELLED:
            return "cancelled"
        return "changed"

    merchandise = sum((ln.net for ln in lines), Decimal(0))
    charges_total = sum((c.amount for c in charges), Decimal(0))
    tax = sum((ln.tax for ln in lines), Decimal(0)) + sum((c.tax for c in charges), Decimal(0))
    method = order.ship_method
    terms = order.payment_terms
    return {
        "schema": ACK_SCHEMA,
        "order_number": order.number,
        "revision": revision,
        "status": order.status,
        "customer": {"account": order.customer.account_number, "name": order.customer.name},
        "customer_po": order.customer_po,
        "order_date": _date(order.order_date),
        "requested_date": _date(order.requested_date),
        "currency": currency,
        "bill_to": _address(order.bill_to),
        "ship_to": _address(order.ship_to),
        "ship_method": (
            {
                "code": method.code,
                "name": method.name,
                "carrier_scac": method.carrier.scac,
                "carrier_name": method.carrier.name,
                "transit_days": method.transit_days,
            }
            if method is not None
            else None
        ),
        "freight_terms": {
            "incoterm": order.incoterm,
            "incoterm_place": order.incoterm_place,
            "fob_point": order.fob_point,
            "freight_payment": order.freight_payment,
        },
        "payment_terms": {
            "code": terms.code,
            "description": terms.description,
            "net_days": terms.net_days,
            "discount_percent": _qty(terms.discount_percent),
            "discount_days": terms.discount_days,
        },
        "lines": [
            _line(ln, currency, kinds_by_line.get(ln.line_no, []), marker(ln)) for ln in lines
        ],
        "charges": [
            {
                "code": c.code,
                "description": c.description,
                "amount": _amount(c.amount, currency),
                "tax_rate": _qty(c.tax_rate),
                "tax": _amount(c.tax, currency),
            }
            for c in charges
        ],
        "totals": {
            "line_count": len(lines),
            "merchandise": _amount(merchandise, currency),
            "charges": _amount(charges_total, currency),
            "tax": _amount(tax, currency),
            "total": _amount(merchandise + charges_total + tax, currency),
        },
        "changes": [
            {
                "kind": c.kind,
                "line_no": c.line_no,
                "before": _sorted_json(c.before),
                "after": _sorted_json(c.after),
            }
            for c in changes
        ],
    }


def ack_data(order: SalesOrder, *, revision: int | None = None) -> dict[str, Any]:
    """The order acknowledgement as JSON-ready data, the source of the e-mail, the PDF and
    the EDI 855.

    It is the *next* revision (order.revision + 1 unless `revision` is given) and lists the
    applied changes not yet acknowledged. Deterministic: the same order rows give the same
    data on SQLite and PostgreSQL (Decimals as strings, dates ISO 8601, no timestamps, keys
    of change before/after sorted). Quantities on lines are in the unit ordered; amounts in
    `currency`; totals are summed from the lines and charges shown, so they reconcile:
    merchandise = Σ line net, tax = Σ line tax + Σ charge tax, total = merchandise +
    charges + tax (the pricing engine's rule, so they equal the order's totals).

    How it maps to an X12 855 (the outbound mapping and the partner profile decide codes):

    - BAK: `revision` (1 → BAK01 "00" original, later → "05" replace), BAK02 from whether
      anything differs from the PO ("AD" no change / "AC" with change: `changes`, a line's
      `unit_price` ≠ `customer_price`, `promised_date` ≠ `requested_date`, backorders),
      `customer_po` → BAK03, `order_date` → BAK04, `order_number` → BAK08.
    - CUR: `currency`. DTM: `requested_date`. ITD: `payment_terms`. FOB: `freight_terms`
      (freight_payment → FOB01, incoterm → FOB05 "01" / FOB06, incoterm_place → FOB07).
      TD5: `ship_method` (carrier_scac → TD503). N1/N3/N4: `bill_to` (BT), `ship_to` (ST),
      their `code` as the N104 party id.
    - PO1 per line: `line_no` → PO101, `quantity` → PO102, `unit` → PO103, `unit_price`
      → PO104, `sku` → VP (vendor's part number), `customer_sku` → BP (buyer's part
      number); PID: `description`.
    - ACK per entry of a line's `schedule` (one per quantity bucket, in the unit ordered):
      allocated / open → "IA" accepted, backordered → "IB", cancelled → "ID" deleted
      (or "IQ" quantity changed); "IC" where a line's `change` is "changed" (its
      `change_kinds` say what: quantity, date …), "added" / "cancelled" for lines added or
      cancelled since the last revision; `date` → ACK05 with ACK04 "068" current schedule
      ship.
    - SAC per `charges` entry; CTT: `totals.line_count`; AMT: `totals.total`.
    """
    revision = order.revision + 1 if revision is None else revision
    return _build(_load(order), _unacknowledged_changes(order), revision)


def _recipient(order: SalesOrder) -> tuple[str, str]:
    """(address, "") for the customer's primary contact's e-mail, else the customer's own;
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
    account = order.customer.account_number
    if candidates:
        return "", (
            f"no e-mail sent: {', '.join(candidates)} (customer {account}) is not a valid "
            "e-mail address"
        )
    return "", (
        f"no e-mail sent: customer {account} has no primary contact with an e-mail address "
        "and no e-mail address of its own"
    )


def ack_subject(data: dict[str, Any]) -> str:
    subject = f"Order acknowledgement {data['order_number']}"
    if data["revision"] > 1:
        subject += f" revision {data['revision']}"
    if data["customer_po"]:
        subject += f" (your PO {data['customer_po']})"
    return subject


def ack_pdf_filename(data: dict[str, Any]) -> str:
    return f"{data['order_number']}-acknowledgement-{data['revision']}.pdf"


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


#: How the change service's kinds read on the customer's documents.
CHANGE_LABELS = {"add_line": "line added", "cancel_line": "line cancelled", "date": "date"}


def change_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The change log of an acknowledgement as rows a person reads: one per changed field
    ("quantity: 10 → 12"), for the e-mail and the PDF."""
    rows = []
    for change in data["changes"]:
        before, after = change["before"] or {}, change["after"] or {}
        if not isinstance(before, dict) or not isinstance(after, dict):
            before, after = {"value": before}, {"value": after}
        fields = [
            {
                "field": key.replace("_", " "),
                "before": _shown(before.get(key)),
                "after": _shown(after.get(key)),
            }
            for key in sorted(set(before) | set(after))
        ]
        kind = change["kind"]
        rows.append(
            {
                "kind": CHANGE_LABELS.get(kind, kind.replace("_", " ")),
                "line_no": change["line_no"],
                "fields": fields,
            }
        )
    return rows


def _email_context(data: dict[str, Any]) -> dict[str, Any]:
    lines = data["lines"]
    return {
        "ack": data,
        "company": company_name(),
        "lines": lines[:EMAIL_MAX_LINES],
        "more_lines": max(len(lines) - EMAIL_MAX_LINES, 0),
        "changes": change_rows(data),
        "pdf_filename": ack_pdf_filename(data),
    }


def order_acknowledge(*, actor: Any, order: SalesOrder) -> Acknowledgement:
    """Acknowledge the order's current state to the customer as the next revision.

    Preconditions: called inside the caller's transaction (intake or change service) after
    the order was accepted or allocated, with the order row locked by that caller (so two
    revisions cannot get the same number; the unique (order, revision) constraint would
    refuse it), and with its lines, charges and change log saved: they are read back from
    the database, the order's own fields from the instance. Updates `order.revision` and
    `order.acknowledged_at` on the instance too.

    Stamps the applied, not yet acknowledged changes with this revision, records
    "order.acknowledged" and queues the e-mail (dedupe key "ack:<number>:<revision>") to the
    primary contact, else the customer's e-mail; with no valid address, no e-mail is queued
    (the order is still acknowledged) and the event says why. No PDF is made here: the
    outbox worker renders it before sending.
    """
    now = timezone.now()
    revision = order.revision + 1
    changes = _unacknowledged_changes(order)
    shown = _load(order)
    data = _build(shown, changes, revision)
    ack = Acknowledgement.objects.create(order=order, revision=revision, data=data, created_at=now)
    if changes:
        OrderChange.objects.filter(pk__in=[c.pk for c in changes]).update(
            acknowledged_revision=revision
        )
    order.revision = revision
    order.acknowledged_at = now
    order.save(update_fields=["revision", "acknowledged_at", "updated_at"])

    to, reason = _recipient(shown)
    after: dict[str, Any] = {"revision": revision, "changes": len(changes)}
    if to:
        context = _email_context(data)
        message = outbox_enqueue(
            channel=Channel.EMAIL,
            to=to,
            subject=ack_subject(data),
            body_text=render_to_string("orders/email/acknowledgement.txt", context),
            body_html=render_to_string("orders/email/acknowledgement.html", context),
            attachments=[
                {
                    "filename": ack_pdf_filename(data),
                    "mimetype": "application/pdf",
                    "render": PDF_RENDERER,
                    "args": {"ack_id": ack.pk},
                }
            ],
            obj=order,
            dedupe_key=f"ack:{order.number}:{revision}",
        )
        ack.sent_to = message.to
        ack.outbox_message_id = message.pk
        ack.save(update_fields=["sent_to", "outbox_message_id"])
        after.update(sent_to=message.to, message=message.pk)
    else:
        after["email"] = "skipped"
    event_record(
        actor=actor,
        obj=order,
        action="order.acknowledged",
        before={"revision": revision - 1},
        after=after,
        reason=reason,
    )
    from orderdesk.edi.outbound import edi_outbound_queue

    edi_outbound_queue(kind="855", obj=ack)
    return ack

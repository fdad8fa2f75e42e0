"""Purchase order commands: create, change while draft, send, cancel, receive.

Status changes go through one service, `purchase_order_transition`, which checks the move
against `ALLOWED_TRANSITIONS` and records the event. Receiving books stock through
`inventory.services.stock_move` (kind RECEIPT) in the same transaction as the received
quantities; a drop-ship purchase order never touches stock: its receipt is the vendor's
confirmation that the goods reached the customer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from orderdesk.catalog.models import Item, ItemStatus
from orderdesk.core.audit import changed, event_record, snapshot
from orderdesk.core.fields import to_units, units_value
from orderdesk.core.locks import lock_one, lock_rows
from orderdesk.core.money import AMOUNT_PLACES, QUANTITY_PLACES, to_decimal
from orderdesk.core.numbering import number_next
from orderdesk.core.roles import Capability, require
from orderdesk.inventory.models import MovementKind, Warehouse
from orderdesk.inventory.services import stock_move
from orderdesk.notify.models import Channel
from orderdesk.notify.services import outbox_enqueue
from orderdesk.orders.allocation import backorders_fill
from orderdesk.parties.models import Address, AddressKind, Vendor

from .errors import PurchaseOrderStateError, PurchasingError, PurchasingErrorCode, plain
from .models import PurchaseOrder, PurchaseOrderLine, PurchaseOrderStatus

S = PurchaseOrderStatus

#: Every status move a purchase order may make; anything else is refused.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.OPEN, S.CANCELLED}),
    S.OPEN: frozenset({S.PARTIALLY_RECEIVED, S.RECEIVED, S.CANCELLED}),
    # Cancelling a partly received order cancels its open remainder ("close short").
    S.PARTIALLY_RECEIVED: frozenset({S.RECEIVED, S.CANCELLED}),
    S.RECEIVED: frozenset(),
    S.CANCELLED: frozenset(),
}

#: Receiving more than ordered is refused beyond this share of the ordered quantity
#: (override with the Django setting PURCHASING_OVER_RECEIPT_TOLERANCE, e.g. "0.10").
DEFAULT_OVER_RECEIPT_TOLERANCE = Decimal("0.05")

_RECEIVABLE = {S.OPEN, S.PARTIALLY_RECEIVED}


class LineInput(NamedTuple):
    """One line to order; a plain (item, quantity, unit_cost[, expected_date]) tuple works too."""

    item: Item
    quantity: Decimal
    unit_cost: Decimal
    expected_date: dt.date | None = None


class Receipt(NamedTuple):
    """Goods received against one line; a plain (line_no, quantity[, lot]) tuple works too."""

    line_no: int
    quantity: Decimal
    lot: str = ""


def over_receipt_tolerance() -> Decimal:
    return to_decimal(
        getattr(settings, "PURCHASING_OVER_RECEIPT_TOLERANCE", DEFAULT_OVER_RECEIPT_TOLERANCE)
    )


def _decimal(value: Any, places: int, *, field: str, code: str) -> Decimal:
    try:
        d = to_decimal(value)
        to_units(d, places)
    except ValueError as exc:
        raise PurchasingError(
            code, f"{field}: {exc}", field=field, fix=f"at most {places} decimal places"
        ) from exc
    return d


def _line_input(line: Any) -> LineInput:
    if isinstance(line, Mapping):
        return LineInput(
            line["item"], line["quantity"], line["unit_cost"], line.get("expected_date")
        )
    return LineInput(*line)


def _receipt_input(receipt: Any) -> Receipt:
    if isinstance(receipt, Mapping):
        return Receipt(receipt["line_no"], receipt["quantity"], receipt.get("lot") or "")
    return Receipt(*receipt)


def _clean_lines(
    lines: Sequence[Any], *, header_date: dt.date, order_date: dt.date
) -> list[dict[str, Any]]:
    if not lines:
        raise PurchasingError(
            PurchasingErrorCode.NO_LINES,
            "a purchase order needs at least one line",
            field="lines",
        )
    out: list[dict[str, Any]] = []
    for n, raw in enumerate(lines, start=1):
        line = _line_input(raw)
        where = f"lines.{n - 1}"
        q = _decimal(
            line.quantity,
            QUANTITY_PLACES,
            field=f"{where}.quantity",
            code=PurchasingErrorCode.QUANTITY_INVALID,
        )
        if q <= 0:
            raise PurchasingError(
                PurchasingErrorCode.QUANTITY_INVALID,
                f"line {n}: order a positive quantity of {line.item.sku} (got {q})",
                field=f"{where}.quantity",
            )
        cost = _decimal(
            line.unit_cost,
            AMOUNT_PLACES,
            field=f"{where}.unit_cost",
            code=PurchasingErrorCode.COST_INVALID,
        )
        if cost < 0:
            raise PurchasingError(
                PurchasingErrorCode.COST_INVALID,
                f"line {n}: the unit cost of {line.item.sku} cannot be negative",
                field=f"{where}.unit_cost",
            )
        if line.item.status == ItemStatus.DISCONTINUED:
            raise PurchasingError(
                PurchasingErrorCode.ITEM_DISCONTINUED,
                f"line {n}: {line.item.sku} is discontinued",
                field=f"{where}.item",
                fix="order its replacement item",
            )
        expected = line.expected_date or header_date
        _check_date(expected, order_date, field=f"{where}.expected_date")
        out.append(
            {
                "line_no": n,
                "item": line.item,
                "quantity_ordered": q,
                "unit_cost": cost,
                "expected_date": expected,
            }
        )
    return out


def _check_date(expected: dt.date, order_date: dt.date, *, field: str) -> None:
    if expected < order_date:
        raise PurchasingError(
            PurchasingErrorCode.DATE_INVALID,
            f"expected date {expected} is before the order date {order_date}",
            field=field,
        )


def _check_destination(
    *, drop_ship: bool, warehouse: Warehouse | None, ship_to: Address | None
) -> None:
    if drop_ship:
        if ship_to is None or ship_to.kind != AddressKind.SHIP_TO:
            raise PurchasingError(
                PurchasingErrorCode.SHIP_TO_REQUIRED,
                "a drop-ship purchase order needs the customer's ship-to address",
                field="ship_to",
            )
        return
    if ship_to is not None:
        raise PurchasingError(
            PurchasingErrorCode.SHIP_TO_NOT_ALLOWED,
            "only a drop-ship purchase order has a customer ship-to; this one goes to a warehouse",
            field="ship_to",
        )
    if warehouse is None:
        raise PurchasingError(
            PurchasingErrorCode.WAREHOUSE_REQUIRED,
            "name the warehouse the goods are delivered to",
            field="warehouse",
        )
    if not warehouse.active:
        raise PurchasingError(
            PurchasingErrorCode.WAREHOUSE_INACTIVE,
            f"warehouse {warehouse.code} is inactive",
            field="warehouse",
        )


def _check_currency(currency: str) -> str:
    currency = currency.strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise PurchasingError(
            PurchasingErrorCode.CURRENCY_INVALID,
            f"{currency!r} is not an ISO 4217 currency code",
            field="currency",
        )
    return currency


def _lines_snapshot(po: PurchaseOrder) -> list[dict[str, Any]]:
    return [
        {
            "line_no": ln.line_no,
            "item": ln.item_id,
            "quantity_ordered": ln.quantity_ordered,
            "unit_cost": ln.unit_cost,
            "expected_date": ln.expected_date,
        }
        for ln in po.lines.order_by("line_no")
    ]


def _create_lines(po: PurchaseOrder, lines: list[dict[str, Any]]) -> None:
    PurchaseOrderLine.objects.bulk_create(
        [PurchaseOrderLine(purchase_order=po, **values) for values in lines]
    )


def purchase_order_create(
    *,
    actor: Any,
    vendor: Vendor,
    warehouse: Warehouse | None,
    expected_date: dt.date,
    lines: Sequence[LineInput | tuple[Any, ...] | Mapping[str, Any]],
    drop_ship: bool = False,
    ship_to: Address | None = None,
    currency: str | None = None,
    vendor_reference: str = "",
    notes: str = "",
) -> PurchaseOrder:
    """A draft purchase order, numbered gap-free; lines default to the header's date."""
    require(actor, Capability.PURCHASING)
    if not vendor.active:
        raise PurchasingError(
            PurchasingErrorCode.VENDOR_INACTIVE,
            f"vendor {vendor.code} is inactive",
            field="vendor",
        )
    _check_destination(drop_ship=drop_ship, warehouse=warehouse, ship_to=ship_to)
    order_date = timezone.localdate()
    _check_date(expected_date, order_date, field="expected_date")
    clean = _clean_lines(lines, header_date=expected_date, order_date=order_date)
    with transaction.atomic():
        po = PurchaseOrder.objects.create(
            number=number_next(doc_type="purchase_order"),
            vendor=vendor,
            warehouse=warehouse,
            order_date=order_date,
            expected_date=expected_date,
            currency=_check_currency(currency or vendor.currency),
            drop_ship=drop_ship,
            ship_to=ship_to,
            vendor_reference=vendor_reference.strip(),
            notes=notes,
        )
        _create_lines(po, clean)
        event_record(
            actor=actor,
            obj=po,
            action="purchase_order.created",
            after={**snapshot(po), "lines": _lines_snapshot(po)},
        )
    return po


def _lock_po(purchase_order: PurchaseOrder) -> PurchaseOrder:
    return lock_one(
        PurchaseOrder.objects.select_related("vendor", "warehouse").filter(pk=purchase_order.pk)
    )


def purchase_order_update(
    *,
    actor: Any,
    purchase_order: PurchaseOrder,
    expected_date: dt.date | None = None,
    warehouse: Warehouse | None = None,
    ship_to: Address | None = None,
    currency: str | None = None,
    vendor_reference: str | None = None,
    notes: str | None = None,
    lines: Sequence[LineInput | tuple[Any, ...] | Mapping[str, Any]] | None = None,
    reason: str = "",
) -> PurchaseOrder:
    """Change a draft purchase order (None = leave as is); `lines` replaces all lines."""
    require(actor, Capability.PURCHASING)
    with transaction.atomic():
        po = _lock_po(purchase_order)
        if po.status != S.DRAFT:
            raise PurchaseOrderStateError(
                PurchasingErrorCode.NOT_DRAFT,
                f"purchase order {po.number} is {po.get_status_display().lower()}: "
                "only a draft can be changed",
                fix="cancel it and order again, or ask the vendor to amend it",
            )
        before = snapshot(po)
        lines_before = _lines_snapshot(po)
        if expected_date is not None:
            _check_date(expected_date, po.order_date, field="expected_date")
            po.expected_date = expected_date
        if warehouse is not None:
            po.warehouse = warehouse
        if ship_to is not None:
            po.ship_to = ship_to
        _check_destination(drop_ship=po.drop_ship, warehouse=po.warehouse, ship_to=po.ship_to)
        if currency is not None:
            po.currency = _check_currency(currency)
        if vendor_reference is not None:
            po.vendor_reference = vendor_reference.strip()
        if notes is not None:
            po.notes = notes
        if lines is not None:
            clean = _clean_lines(lines, header_date=po.expected_date, order_date=po.order_date)
            po.lines.all().delete()
            _create_lines(po, clean)
        po.save()
        old, new = changed(before, snapshot(po))
        lines_after = _lines_snapshot(po)
        if lines_after != lines_before:
            old["lines"], new["lines"] = lines_before, lines_after
        if new:
            event_record(
                actor=actor,
                obj=po,
                action="purchase_order.updated",
                before=old,
                after=new,
                reason=reason,
            )
    return po


def purchase_order_transition(
    *, actor: Any, purchase_order: PurchaseOrder, to_status: str, reason: str = ""
) -> PurchaseOrder:
    """Move a purchase order to `to_status` if ALLOWED_TRANSITIONS permits; records the event."""
    require(actor, Capability.PURCHASING)
    target = S(to_status)
    with transaction.atomic():
        po = _lock_po(purchase_order)
        if target not in ALLOWED_TRANSITIONS[po.status]:
            allowed = ", ".join(sorted(ALLOWED_TRANSITIONS[po.status])) or "none"
            raise PurchaseOrderStateError(
                PurchasingErrorCode.TRANSITION_NOT_ALLOWED,
                f"purchase order {po.number} cannot go from {po.status} to {target.value} "
                f"(allowed: {allowed})",
                field="status",
            )
        before = po.status
        po.status = target
        po.save(update_fields=["status"])
        event_record(
            actor=actor,
            obj=po,
            action=f"purchase_order.{target.value}",
            before={"status": before},
            after={"status": target.value},
            reason=reason,
        )
    purchase_order.status = po.status
    return po


def _vendor_email_text(po: PurchaseOrder) -> str:
    rows = [
        f"{ln.line_no:>3}  {ln.item.sku:<20} {ln.quantity_ordered:>12} {ln.item.base_uom.code:<4}"
        f" @ {ln.unit_cost} {po.currency}  due {ln.expected_date}"
        for ln in po.lines.select_related("item", "item__base_uom").order_by("line_no")
    ]
    if po.drop_ship and po.ship_to is not None:
        deliver_to = f"Drop-ship to: {po.ship_to.name}, {po.ship_to.one_line()}"
    elif po.warehouse is not None:
        wh = po.warehouse
        deliver_to = f"Deliver to: {wh.name}, " + ", ".join(
            p for p in [wh.line1, wh.city, wh.region, wh.postal_code, wh.country] if p
        )
    else:
        deliver_to = ""
    return "\n".join(
        [
            f"Purchase order {po.number} of {po.order_date}",
            f"Vendor: {po.vendor.code} {po.vendor.name}",
            deliver_to,
            f"Expected: {po.expected_date}",
            "",
            *rows,
            "",
            "Please confirm quantities and dates, quoting our purchase order number.",
        ]
    )


def purchase_order_send(*, actor: Any, purchase_order: PurchaseOrder) -> PurchaseOrder:
    """Release a draft to the vendor (draft → open); e-mails it when the vendor has an address.

    The e-mail goes through the outbox, so it leaves only if this transaction commits.
    """
    with transaction.atomic():
        po = purchase_order_transition(actor=actor, purchase_order=purchase_order, to_status=S.OPEN)
        if po.vendor.email:
            outbox_enqueue(
                channel=Channel.EMAIL,
                to=po.vendor.email,
                subject=f"Purchase order {po.number}",
                body_text=_vendor_email_text(po),
                obj=po,
                dedupe_key=f"purchase_order_sent:{po.number}",
            )
    return po


def purchase_order_cancel(
    *, actor: Any, purchase_order: PurchaseOrder, reason: str
) -> PurchaseOrder:
    """Cancel a purchase order, or the open remainder of a partly received one."""
    if not (reason or "").strip():
        raise PurchasingError(
            PurchasingErrorCode.REASON_REQUIRED,
            "give the reason for cancelling",
            field="reason",
        )
    return purchase_order_transition(
        actor=actor, purchase_order=purchase_order, to_status=S.CANCELLED, reason=reason.strip()
    )


def _receipt_limit(line: PurchaseOrderLine, tolerance: Decimal) -> Decimal:
    step = Decimal(1).scaleb(-QUANTITY_PLACES)
    return (line.quantity_ordered * (1 + tolerance)).quantize(step, rounding=ROUND_DOWN)


def purchase_order_receive(
    *,
    actor: Any,
    purchase_order: PurchaseOrder,
    receipts: Sequence[Receipt | tuple[Any, ...] | Mapping[str, Any]],
    reference: str = "",
) -> PurchaseOrder:
    """Receive goods against lines: stock into the PO's warehouse, received quantities up.

    All receipts apply or none do. More than ordered is refused beyond the over-receipt
    tolerance. The purchase order and its lines are locked while this runs, so two clerks
    receiving the same order at once queue instead of both passing the tolerance check.
    """
    require(actor, Capability.PURCHASING)
    wanted = [_receipt_input(r) for r in receipts]
    if not wanted:
        raise PurchasingError(
            PurchasingErrorCode.QUANTITY_INVALID, "nothing to receive", field="receipts"
        )
    tolerance = over_receipt_tolerance()
    with transaction.atomic():
        po = _lock_po(purchase_order)
        if po.status not in _RECEIVABLE:
            raise PurchaseOrderStateError(
                PurchasingErrorCode.NOT_RECEIVABLE,
                f"purchase order {po.number} is {po.get_status_display().lower()}: "
                "only an open purchase order can be received",
                field="status",
            )
        lines = {
            ln.line_no: ln for ln in lock_rows(PurchaseOrderLine.objects.filter(purchase_order=po))
        }
        items = {i.pk: i for i in Item.objects.filter(pk__in=[ln.item_id for ln in lines.values()])}
        totals: dict[int, Decimal] = {}
        for n, r in enumerate(wanted):
            where = f"receipts.{n}"
            line = lines.get(int(r.line_no))
            if line is None:
                raise PurchasingError(
                    PurchasingErrorCode.LINE_NOT_FOUND,
                    f"purchase order {po.number} has no line {r.line_no}",
                    field=f"{where}.line_no",
                )
            q = _decimal(
                r.quantity,
                QUANTITY_PLACES,
                field=f"{where}.quantity",
                code=PurchasingErrorCode.QUANTITY_INVALID,
            )
            if q <= 0:
                raise PurchasingError(
                    PurchasingErrorCode.QUANTITY_INVALID,
                    f"line {line.line_no}: receive a positive quantity (got {q})",
                    field=f"{where}.quantity",
                )
            totals[line.line_no] = totals.get(line.line_no, Decimal(0)) + q
        for line_no, total in totals.items():
            line = lines[line_no]
            limit = _receipt_limit(line, tolerance)
            if line.quantity_received + total > limit:
                raise PurchasingError(
                    PurchasingErrorCode.OVER_RECEIPT,
                    f"line {line_no} ({items[line.item_id].sku}): ordered "
                    f"{plain(line.quantity_ordered)}, already received "
                    f"{plain(line.quantity_received)}, receiving {plain(total)} would exceed "
                    f"the {tolerance:%} over-receipt tolerance (at most {plain(limit)} in all)",
                    field="receipts",
                    fix="receive only what was ordered, or order the extra quantity first",
                )
            updated = PurchaseOrderLine.objects.filter(
                pk=line.pk, quantity_received__lte=limit - total
            ).update(quantity_received=F("quantity_received") + units_value(total))
            if updated != 1:  # only without the lock (never expected): refuse, don't overbook
                raise PurchasingError(
                    PurchasingErrorCode.OVER_RECEIPT,
                    f"line {line_no} was received by someone else meanwhile: try again",
                    field="receipts",
                )
        booked: list[dict[str, Any]] = []
        for r in wanted:
            line = lines[int(r.line_no)]
            q = to_decimal(r.quantity)
            item = items[line.item_id]
            movement = None
            if not po.drop_ship:
                assert po.warehouse is not None  # a stocked PO always has one (create checks)
                movement = stock_move(
                    actor=actor,
                    item=item,
                    warehouse=po.warehouse,
                    quantity=q,
                    kind=MovementKind.RECEIPT,
                    lot=r.lot,
                    reference=reference or po.number,
                    reason=f"receipt on {po.number} line {line.line_no}",
                )
            booked.append(
                {
                    "line_no": line.line_no,
                    "sku": item.sku,
                    "quantity": q,
                    "lot": r.lot if movement is not None else "",
                    "movement": movement.pk if movement is not None else None,
                }
            )
        event_record(
            actor=actor,
            obj=po,
            action="purchase_order.delivery_confirmed"
            if po.drop_ship
            else "purchase_order.receipt",
            after={"receipts": booked, "reference": reference},
        )
        fresh = list(PurchaseOrderLine.objects.filter(purchase_order=po))
        done = all(ln.quantity_received >= ln.quantity_ordered for ln in fresh)
        target = S.RECEIVED if done else S.PARTIALLY_RECEIVED
        if target != po.status:
            po = purchase_order_transition(actor=actor, purchase_order=po, to_status=target)
    purchase_order.status = po.status
    if not po.drop_ship:
        # The next step, called explicitly once the receipt is committed: stock that came in
        # goes to the backorders waiting for it, in queue order (each order its own commit).
        backorders_fill(
            actor=actor,
            item_ids=sorted({lines[int(r.line_no)].item_id for r in wanted}),
            warehouse_id=po.warehouse_id,
            today=timezone.localdate(),
        )
    return po

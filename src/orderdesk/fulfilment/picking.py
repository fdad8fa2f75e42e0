"""Pick confirmation: what the picker took, lot or serial as scanned; the rest is short.

The picker scans what the shelf holds. A lot other than the one allocated is taken when it
has free stock and no quality hold: the reservation moves to it (and the order's Allocation
row with it), so the ledger never shows one lot reserved and another gone. A lot or serial
on quality hold is refused with the hold's reason.

What is not picked is short: its reservation is given back and the order line waits for it
as a backorder (allocated → backordered). A kit line ships in whole kits only, so
components picked beyond whole kits go back to the shelf too. A ship-complete order with a
short ships nothing: its released stock goes back to the shelf (still reserved, released
again once the backorder is filled) and its pick lists are cancelled.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from orderdesk.catalog.models import Tracking
from orderdesk.core.audit import event_record
from orderdesk.core.locks import lock_one
from orderdesk.core.money import QUANTITY_PLACES
from orderdesk.core.roles import Capability, require
from orderdesk.inventory.models import Lot, StockLevel
from orderdesk.inventory.reservations import reservable_levels, stock_reserve, stock_unreserve
from orderdesk.orders.models import Allocation, SalesOrder, SalesOrderLine
from orderdesk.orders.progress import order_progress
from orderdesk.orders.services import lines_restatus

from .allocations import allocation_add, allocation_take, kit_parts, whole_kits
from .errors import FulfilmentConflict, FulfilmentError, FulfilmentErrorCode
from .models import Pick, PickLine, PickList, PickListStatus
from .scan import Scan, ScanError, scan_parse
from .waves import wave_settle

ZERO = Decimal(0)
ONE = Decimal(1)
_QTY_STEP = Decimal(1).scaleb(-QUANTITY_PLACES)


@dataclass(frozen=True, slots=True)
class PickInput:
    """One scan at the shelf: the pick line, the quantity taken and what was scanned (a lot
    or serial number, or a GS1 label). Without a quantity: the label's count (AI 37), or 1
    for a serial."""

    pick_line: int
    quantity: Decimal | None = None
    scanned: str = ""


@dataclass
class _Taken:
    line: PickLine
    lot: str
    quantity: Decimal
    raw: str


def _q(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _what(line: PickLine) -> str:
    return f"line {line.order_line.line_no} ({line.item.sku})"


def _read(n: int, given: PickInput, line: PickLine, serials: set[str]) -> _Taken:
    """One input checked on its own: the scan read, the lot or serial it names, the quantity."""
    where = f"picks[{n}]"
    item = line.item
    try:
        scan = scan_parse(given.scanned or "")
    except ScanError as exc:
        raise FulfilmentError(
            FulfilmentErrorCode.SCAN_INVALID,
            f"{_what(line)}: the scan cannot be read: {exc}",
            field=f"{where}.scanned",
            fix="scan the barcode again, or type the lot number printed on the goods",
        ) from exc
    serial = item.tracking == Tracking.SERIAL
    quantity = given.quantity
    if quantity is None:
        quantity = Decimal(scan.count) if scan.count is not None else (ONE if serial else None)
    if (
        quantity is None
        or not quantity.is_finite()
        or quantity <= 0
        or quantity != quantity.quantize(_QTY_STEP)
    ):
        raise FulfilmentError(
            FulfilmentErrorCode.QUANTITY_INVALID,
            f"{_what(line)}: give the quantity taken (a positive number, at most "
            f"{QUANTITY_PLACES} decimal places)",
            field=f"{where}.quantity",
        )
    lot = _code(scan, line, where, serial)
    if serial:
        if quantity != ONE:
            raise FulfilmentError(
                FulfilmentErrorCode.QUANTITY_INVALID,
                f"{_what(line)}: {item.sku} is serial controlled: scan one serial per unit "
                f"(got quantity {_q(quantity)} for serial {lot})",
                field=f"{where}.quantity",
                fix="scan each unit's serial number on its own",
            )
        if lot in serials:
            raise FulfilmentError(
                FulfilmentErrorCode.SERIAL_DUPLICATE,
                f"{_what(line)}: serial {lot} of {item.sku} is scanned twice",
                field=f"{where}.scanned",
                fix="scan the serial of the next unit",
            )
        serials.add(lot)
    return _Taken(line, lot, quantity, (given.scanned or "").strip()[:120])


def _code(scan: Scan, line: PickLine, where: str, serial: bool) -> str:
    item = line.item
    if item.tracking == Tracking.NONE:
        return ""
    code = scan.code_for(serial=serial).strip()
    if code:
        return code
    what = "serial" if serial else "lot"
    ai = "(21)" if serial else "(10)"
    if scan.gs1:
        message = f"{_what(line)}: the label scanned carries no {what} number {ai}"
        fix = f"scan the barcode that holds the {what}, or type the {what} number"
    else:
        message = f"{_what(line)}: {item.sku} is {what} controlled: scan its {what} number"
        fix = f"scan the {what} barcode on the goods, or type the {what} number"
    raise FulfilmentError(
        FulfilmentErrorCode.SERIAL_REQUIRED if serial else FulfilmentErrorCode.LOT_REQUIRED,
        message,
        field=f"{where}.scanned",
        fix=fix,
    )


def _check_lots(taken: list[_Taken], warehouse_id: int) -> None:
    """Held lots refused; another lot than allocated needs free stock; a serial must be here."""
    tracked = [t for t in taken if t.lot]
    if not tracked:
        return
    item_ids = {t.line.item_id for t in tracked}
    numbers = {t.lot for t in tracked}
    lots = {
        (row.item_id, row.number): row
        for row in Lot.objects.filter(item_id__in=item_ids, number__in=numbers)
    }
    levels = {
        (item_id, lot): (on_hand, allocated)
        for item_id, lot, on_hand, allocated in StockLevel.objects.filter(
            item_id__in=item_ids, warehouse_id=warehouse_id, lot__in=numbers
        ).values_list("item_id", "lot", "on_hand", "allocated")
    }
    wanted: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for t in tracked:
        if t.lot != t.line.lot:
            wanted[(t.line.item_id, t.lot)] += t.quantity
    for t in tracked:
        key = (t.line.item_id, t.lot)
        item = t.line.item
        serial = item.tracking == Tracking.SERIAL
        what = "serial" if serial else "lot"
        lot_row = lots.get(key)
        if lot_row is not None and lot_row.quality_hold:
            raise FulfilmentError(
                FulfilmentErrorCode.LOT_ON_HOLD,
                f"{_what(t.line)}: {what} {t.lot} of {item.sku} is on quality hold "
                f"({lot_row.hold_reason or 'no reason given'}): it may not be picked",
                field="scanned",
                fix=f"put it back and take another {what}; quality releases the hold",
            )
        on_hand, allocated = levels.get(key, (ZERO, ZERO))
        if on_hand <= 0:
            code = (
                FulfilmentErrorCode.SERIAL_NOT_IN_STOCK
                if serial
                else FulfilmentErrorCode.LOT_UNKNOWN
            )
            raise FulfilmentError(
                code,
                f"{_what(t.line)}: {what} {t.lot} of {item.sku} is not in stock in this warehouse",
                field="scanned",
                fix=f"check the label: scan the {what} of the goods you hold",
            )
        need = wanted.get(key, ZERO)
        if need and on_hand - allocated < need:
            free = max(on_hand - allocated, ZERO)
            raise FulfilmentError(
                FulfilmentErrorCode.LOT_NOT_FREE,
                f"{_what(t.line)}: {what} {t.lot} of {item.sku} has {_q(free)} free "
                f"(the rest is reserved for other orders), {_q(need)} scanned",
                field="scanned",
                fix=f"take the allocated {what} {t.line.lot}" if t.line.lot else "take another",
            )


def _reserve_exactly(item_id: int, warehouse_id: int, lot: str, quantity: Decimal) -> None:
    """Reserve `quantity` of this very lot (not any lot FEFO would pick)."""
    levels = reservable_levels([item_id], warehouse_ids=[warehouse_id]).get(
        (item_id, warehouse_id), []
    )
    mine = [lv for lv in levels if lv.lot == lot]
    taken = (
        stock_reserve(item_id=item_id, warehouse_id=warehouse_id, quantity=quantity, levels=mine)
        if mine
        else []
    )
    got = sum((q for _, q in taken), ZERO)
    if got != quantity or any(other != lot for other, _ in taken):
        # Raising rolls the whole confirmation back, whatever stock_reserve took meanwhile.
        raise FulfilmentConflict(
            FulfilmentErrorCode.LOT_NOT_FREE,
            f"lot {lot} was taken by another order meanwhile: scan it again",
            field="scanned",
        )


def _move_lot(t: _Taken, warehouse_id: int) -> None:
    line = t.line
    stock_unreserve(
        item_id=line.item_id, warehouse_id=warehouse_id, lot=line.lot, quantity=t.quantity
    )
    _reserve_exactly(line.item_id, warehouse_id, t.lot, t.quantity)
    common = {"line_id": line.order_line_id, "item_id": line.item_id, "warehouse_id": warehouse_id}
    allocation_take(**common, lot=line.lot, quantity=t.quantity, released=True)
    allocation_add(**common, lot=t.lot, quantity=t.quantity, released=True)


def _give_back(line: PickLine, warehouse_id: int, lot: str, quantity: Decimal) -> None:
    if quantity <= 0:
        return
    stock_unreserve(item_id=line.item_id, warehouse_id=warehouse_id, lot=lot, quantity=quantity)
    allocation_take(
        line_id=line.order_line_id,
        item_id=line.item_id,
        warehouse_id=warehouse_id,
        lot=lot,
        quantity=quantity,
        released=True,
    )


def _kits_whole(
    lines: list[PickLine], picks: dict[int, list[Pick]], warehouse_id: int
) -> dict[int, Decimal]:
    """Put back components picked beyond whole kits; returns kit line id → kit units short.
    Pick rows and pick lines are brought down to what stays picked."""
    order_lines = {ln.order_line_id: ln.order_line for ln in lines}
    parts = kit_parts(list(order_lines.values()))
    short_units: dict[int, Decimal] = {}
    by_kit: dict[int, list[PickLine]] = defaultdict(list)
    for ln in lines:
        ol = order_lines[ln.order_line_id]
        if ol.item_id in parts:
            by_kit[ol.pk].append(ln)
    for kit_line_id, comp_lines in by_kit.items():
        per_kit = parts.get(order_lines[kit_line_id].item_id or 0, {})
        released: dict[int, Decimal] = defaultdict(lambda: ZERO)
        have: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for ln in comp_lines:
            released[ln.item_id] += ln.quantity
            have[ln.item_id] += ln.qty_picked
        units_released = whole_kits(released, per_kit)
        units = whole_kits(have, per_kit)
        short_units[kit_line_id] = units_released - units
        keep = {c: units * q for c, q in per_kit.items()}
        for ln in reversed(comp_lines):
            excess = min(have[ln.item_id] - keep[ln.item_id], ln.qty_picked)
            if excess <= 0:
                continue
            have[ln.item_id] -= excess
            ln.qty_picked -= excess
            ln.qty_short += excess
            for pick in reversed(picks.get(ln.pk, [])):
                if excess <= 0:
                    break
                back = min(excess, pick.quantity)
                _give_back(ln, warehouse_id, pick.lot, back)
                pick.quantity -= back
                excess -= back
    return short_units


def _save_picks(picks: dict[int, list[Pick]]) -> None:
    rows = [p for group in picks.values() for p in group]
    Pick.objects.bulk_create([p for p in rows if p.quantity > 0])


def _cancel_order_pick_lists(actor: Any, order: SalesOrder, reason: str) -> list[str]:
    """Ship-complete with a short: every released allocation of the order back on the shelf
    (still reserved), every pick list not yet shipped cancelled."""
    Allocation.objects.filter(line__order=order, released=True).update(released=False)
    open_lists = list(
        PickList.objects.filter(order=order).exclude(
            status__in=[PickListStatus.SHIPPED, PickListStatus.CANCELLED]
        )
    )
    for pl in open_lists:
        before = pl.status
        pl.status = PickListStatus.CANCELLED
        pl.save(update_fields=["status"])
        event_record(
            actor=actor,
            obj=pl,
            action="pick_list.cancelled",
            before={"status": before},
            after={"status": PickListStatus.CANCELLED},
            reason=reason,
        )
        wave_settle(actor=actor, wave_id=pl.wave_id)
    return [pl.number for pl in open_lists]


def pick_confirm(
    *, actor: Any, pick_list: PickList, picks: list[PickInput], short_reason: str = ""
) -> PickList:
    """Record the picks of an open pick list; whatever is not picked is short.

    Refused with nothing changed (422) for a scan that does not read, a lot or serial that is
    missing, on hold, not here or not free, a serial twice, more than the line asks for, or a
    short without a reason; 409 when the pick list is no longer open.
    """
    require(actor, Capability.WAREHOUSE_OPS)
    now = timezone.now()
    with transaction.atomic():
        order = lock_one(SalesOrder.objects.filter(pk=pick_list.order_id))
        pl = lock_one(PickList.objects.filter(pk=pick_list.pk))
        if pl.status != PickListStatus.OPEN:
            raise FulfilmentConflict(
                FulfilmentErrorCode.WRONG_STATUS,
                f"pick list {pl.number} is {pl.get_status_display().lower()}: it cannot be "
                "picked again",
                field="status",
            )
        lines = list(
            PickLine.objects.filter(pick_list=pl)
            .select_related("item", "order_line__item")
            .order_by("pk")
        )
        by_id = {ln.pk: ln for ln in lines}
        serials: set[str] = set()
        taken: list[_Taken] = []
        for n, given in enumerate(picks):
            line = by_id.get(given.pick_line)
            if line is None:
                raise FulfilmentError(
                    FulfilmentErrorCode.PICK_LINE_UNKNOWN,
                    f"pick line {given.pick_line} is not on pick list {pl.number}",
                    field=f"picks[{n}].pick_line",
                )
            taken.append(_read(n, given, line, serials))
        picked: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for t in taken:
            picked[t.line.pk] += t.quantity
        for ln in lines:
            if picked[ln.pk] > ln.quantity:
                raise FulfilmentError(
                    FulfilmentErrorCode.OVER_PICKED,
                    f"{_what(ln)}: {_q(picked[ln.pk])} picked, the pick line asks for "
                    f"{_q(ln.quantity)}",
                    field="picks",
                    fix="put the extra back on the shelf",
                )
        _check_lots(taken, pl.warehouse_id)
        shorts = {ln.pk: ln.quantity - picked[ln.pk] for ln in lines}
        reason = (short_reason or "").strip()
        if any(q > 0 for q in shorts.values()) and not reason:
            missing = [f"{_what(ln)} short {_q(shorts[ln.pk])}" for ln in lines if shorts[ln.pk]]
            raise FulfilmentError(
                FulfilmentErrorCode.SHORT_REASON_REQUIRED,
                "say why these were not picked: " + "; ".join(missing),
                field="short_reason",
                fix="e.g. 'bin empty', 'damaged on the shelf'",
            )
        wh = pl.warehouse_id
        rows: dict[int, list[Pick]] = defaultdict(list)
        for t in taken:
            if t.lot != t.line.lot:
                _move_lot(t, wh)
            rows[t.line.pk].append(
                Pick(
                    pick_line=t.line,
                    lot=t.lot,
                    quantity=t.quantity,
                    scanned=t.raw,
                    at=now,
                    by=actor if getattr(actor, "pk", None) else None,
                )
            )
        for ln in lines:
            ln.qty_picked = picked[ln.pk]
            ln.qty_short = shorts[ln.pk]
            _give_back(ln, wh, ln.lot, shorts[ln.pk])  # what was not taken, on the lot allocated
        kit_short = _kits_whole(lines, rows, wh)
        _save_picks(rows)
        PickLine.objects.bulk_update(lines, ["qty_picked", "qty_short"])
        _settle_order(actor, order, pl, lines, kit_short, reason, now)
    pl.refresh_from_db()
    return pl


def _settle_order(
    actor: Any,
    order: SalesOrder,
    pl: PickList,
    lines: list[PickLine],
    kit_short: dict[int, Decimal],
    reason: str,
    now: Any,
) -> None:
    """Order lines, pick list status, events, order status after the picks."""
    short_by_line: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for ln in lines:
        if ln.order_line_id not in kit_short:
            short_by_line[ln.order_line_id] += ln.qty_short
    for kit_line_id, units in kit_short.items():
        short_by_line[kit_line_id] = units
    order_lines = {ln.order_line_id: ln.order_line for ln in lines}
    changed: list[SalesOrderLine] = []
    for line_id, q in short_by_line.items():
        if q > 0:
            ol = order_lines[line_id]
            ol.qty_allocated -= q
            ol.qty_backordered += q
            changed.append(ol)
    any_short = bool(changed)
    picked_total = sum((ln.qty_picked for ln in lines), ZERO)
    detail = {
        "pick_list": pl.number,
        "lines": [
            {
                "line_no": ln.order_line.line_no,
                "sku": ln.item.sku,
                "lot": ln.lot,
                "quantity": ln.quantity,
                "picked": ln.qty_picked,
                "short": ln.qty_short,
            }
            for ln in lines
        ],
    }
    cancelled: list[str] = []
    if any_short:
        if changed:
            lines_restatus(actor=actor, lines=changed, reason=f"short pick: {reason}")
        short_detail = {
            "pick_list": pl.number,
            "backordered": [
                {"line_no": ol.line_no, "quantity": short_by_line[ol.pk]} for ol in changed
            ],
        }
        event_record(actor=actor, obj=pl, action="pick.short", after=short_detail, reason=reason)
        event_record(actor=actor, obj=order, action="pick.short", after=short_detail, reason=reason)
    if any_short and order.ship_complete:
        cancelled = _cancel_order_pick_lists(actor, order, f"ship complete, short: {reason}")
        rest = list(
            SalesOrderLine.objects.filter(order=order).exclude(pk__in=[c.pk for c in changed])
        )
        lines_restatus(actor=actor, lines=rest, reason="ship complete: back on the shelf")
    elif picked_total <= 0:
        cancelled = _cancel_pick_list(actor, pl, "nothing picked: " + reason)
    else:
        pl.status = PickListStatus.PICKED
        pl.picked_at = now
        pl.picked_by = actor if getattr(actor, "pk", None) else None
        pl.save(update_fields=["status", "picked_at", "picked_by"])
    event_record(
        actor=actor,
        obj=pl,
        action="pick_list.picked",
        after={**detail, "status": pl.status if not cancelled else PickListStatus.CANCELLED},
        reason=reason,
    )
    order_progress(actor=actor, order=order, reason=f"picked on {pl.number}")


def _cancel_pick_list(actor: Any, pl: PickList, reason: str) -> list[str]:
    pl.status = PickListStatus.CANCELLED
    pl.save(update_fields=["status"])
    event_record(
        actor=actor,
        obj=pl,
        action="pick_list.cancelled",
        before={"status": PickListStatus.OPEN},
        after={"status": PickListStatus.CANCELLED},
        reason=reason,
    )
    wave_settle(actor=actor, wave_id=pl.wave_id)
    return [pl.number]

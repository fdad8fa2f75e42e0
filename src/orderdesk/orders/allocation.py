"""Allocation of sales orders: stock reserved for lines, backorders with promise dates,
drop-ship requests to vendors, kits from their components.

How a line is served:
- a drop-ship item waits on a draft purchase order to its default vendor (one per vendor and
  order), shipped by the vendor to the order's ship-to; the quantity is backordered with the
  vendor's lead time as the promise;
- a kit takes its components' stock, all or nothing per kit unit, each kit unit's components
  from one warehouse;
- a stock item takes stock from the line's warehouse if it has one (pinned), else from the
  order's warehouse first, then from the warehouses with most available; a line comes from
  more than one warehouse only if the order allows splits. What cannot be reserved is
  backordered, promised from ATP (expected receipts, backorders ahead) or the lead time.
A ship-complete order reserves only if every line can be filled whole; otherwise it waits
whole, every line backordered.

Locks: the order row first (`core.locks`), then stock rows through the conditional updates
of `inventory.reservations`, always in (item, warehouse, FEFO lot) order, so two allocations
never wait on each other in a circle; then the purchase-order number sequence.
Backorders are filled in queue order (priority, requested date, entry) by `backorders_fill`,
which purchasing calls after a receipt; whoever books a positive stock adjustment calls it
the same way (inventory itself does not: it sits below orders).
The desk's line actions (expedite, decommit, move warehouse) are in `allocation_desk`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from orderdesk.catalog.models import Item, KitComponent
from orderdesk.core.audit import event_record
from orderdesk.core.errors import DomainError
from orderdesk.core.locks import lock_one
from orderdesk.core.numbering import number_next
from orderdesk.inventory.atp import kit_units, promise_date, warehouse_plan
from orderdesk.inventory.availability import atp_profiles, available_by_warehouse, backorder_demand
from orderdesk.inventory.reservations import (
    Level,
    reservable_levels,
    stock_reserve,
    stock_take_many,
    stock_unreserve,
)
from orderdesk.purchasing.models import PurchaseOrder, PurchaseOrderLine, PurchaseOrderStatus

from .errors import OrderConflict, OrderErrorCode
from .models import Allocation, SalesOrder, SalesOrderLine
from .services import lines_restatus, order_transition
from .states import ALLOCATABLE, OrderStatus

logger = logging.getLogger(__name__)

ZERO = Decimal(0)
#: Reservation rounds when other transactions took stock between the read and the update.
PASSES = 2


class _NotWhole(Exception):
    """A ship-complete order could not be reserved whole: roll its reservations back."""


@dataclass
class _Want:
    """What one line still needs in this run (line base units; kit units for a kit)."""

    line: SalesOrderLine
    need: Decimal
    got: Decimal = ZERO
    taken: list[tuple[int, int, str, Decimal]] = field(default_factory=list)  # item, wh, lot, q
    warehouses: set[int] = field(default_factory=set)

    @property
    def rest(self) -> Decimal:
        return self.need - self.got

    @property
    def kit(self) -> bool:
        return bool(self.line.item and self.line.item.is_kit)

    @property
    def item_id(self) -> int:
        assert self.line.item_id is not None  # lines without an item are never allocated
        return self.line.item_id

    def parts(self, kits: dict[int, dict[int, Decimal]]) -> dict[int, Decimal]:
        """Stock item id → quantity per line unit: the item itself, or a kit's components."""
        return kits.get(self.item_id, {}) if self.kit else {self.item_id: Decimal(1)}


@dataclass
class _Request:
    want: _Want
    item_id: int
    warehouse_id: int
    quantity: Decimal
    per_unit: Decimal  # item quantity per line unit: 1, or the component quantity of a kit
    units: Decimal  # line units this request is part of
    lots: list[tuple[str, Decimal]] = field(default_factory=list)

    @property
    def got(self) -> Decimal:
        return sum((q for _, q in self.lots), ZERO)


@dataclass
class _Outcome:
    reserved: dict[int, Decimal] = field(default_factory=dict)  # item id → quantity
    lines_filled: int = 0


def _lock_order(order: SalesOrder | int) -> SalesOrder:
    pk = order if isinstance(order, int) else order.pk
    return lock_one(SalesOrder.objects.filter(pk=pk))


def _check_allocatable(order: SalesOrder) -> None:
    if order.status == OrderStatus.HELD:
        raise OrderConflict(
            OrderErrorCode.ON_HOLD,
            f"order {order.number} is on hold: it cannot be allocated",
            field="status",
            fix="release its holds first",
        )
    if order.status not in ALLOCATABLE:
        raise OrderConflict(
            OrderErrorCode.TRANSITION_NOT_ALLOWED,
            f"order {order.number} is {order.get_status_display().lower()}: it cannot be allocated",
            field="status",
        )


def _components(kit_ids: Iterable[int]) -> dict[int, dict[int, Decimal]]:
    out: dict[int, dict[int, Decimal]] = {}
    for kit_id, component_id, quantity in KitComponent.objects.filter(
        kit_id__in=list(kit_ids)
    ).values_list("kit_id", "component_id", "quantity"):
        out.setdefault(kit_id, {})[component_id] = quantity
    return out


def _plan(
    wants: Sequence[_Want],
    avail: dict[int, dict[int, Decimal]],
    kits: dict[int, dict[int, Decimal]],
    order: SalesOrder,
) -> list[_Request]:
    """Decide, in memory, which warehouse serves what; `avail` is drawn down as planned."""
    requests: list[_Request] = []
    for want in wants:
        line = want.line
        per_kit = want.parts(kits)
        if not per_kit:
            continue  # a kit without components cannot be served from stock
        if want.kit:
            places = {w for c in per_kit for w in avail.get(c, {})}
            free = {
                w: kit_units({c: avail.get(c, {}).get(w, ZERO) for c in per_kit}, per_kit)
                for w in places
            }
        else:
            free = dict(avail.get(want.item_id, {}))
        plan = warehouse_plan(
            want.rest,
            free,
            pinned=line.warehouse_id,
            preferred=order.warehouse_id,
            allow_split=order.allow_split,
        )
        for w, units in plan:
            for component, per in per_kit.items():
                q = units * per
                avail.setdefault(component, {})[w] = avail.get(component, {}).get(w, ZERO) - q
                requests.append(_Request(want, component, w, q, per, units))
    return requests


def _reserve(requests: list[_Request], levels: dict[tuple[int, int], list[Level]]) -> bool:
    """Reserve the planned requests, in (item, warehouse) order; True if all got in full."""
    groups: dict[tuple[int, int], list[_Request]] = defaultdict(list)
    for r in requests:
        groups[(r.item_id, r.warehouse_id)].append(r)
    whole = True
    totals = {key: sum((r.quantity for r in group), ZERO) for key, group in groups.items()}
    # Fast path: a group one level covers goes into one batched UPDATE with the others;
    # what that misses (another order took the stock meanwhile) goes the careful way.
    fast = {
        key: levels[key][0]
        for key, total in totals.items()
        if total > 0 and levels.get(key) and levels[key][0].available >= total
    }
    involved = [lv.pk for key in groups for lv in levels.get(key, [])]
    taken_ids = stock_take_many(
        {level.pk: totals[key] for key, level in fast.items()}, lock=involved
    )
    for key in sorted(groups):
        group = groups[key]
        total = totals[key]
        level = fast.get(key)
        if level is not None and level.pk in taken_ids:
            level.available -= total
            lots = [(level.lot, total)]
        else:
            lots = stock_reserve(
                item_id=key[0], warehouse_id=key[1], quantity=total, levels=levels.get(key, [])
            )
        whole &= sum((q for _, q in lots), ZERO) == total
        pool = [lot for lot, _ in lots]
        rest = [q for _, q in lots]
        for r in group:  # hand out in line order
            left = r.quantity
            for n, lot in enumerate(pool):
                take = min(left, rest[n])
                if take > 0:
                    r.lots.append((lot, take))
                    rest[n] -= take
                    left -= take
    return whole


def _settle(requests: list[_Request]) -> None:
    """Credit what was reserved to the lines; a kit keeps only whole kit units of what its
    components got in each warehouse, and gives the odd components back."""
    by_unit: dict[tuple[int, int], list[_Request]] = defaultdict(list)
    for r in requests:
        by_unit[(id(r.want), r.warehouse_id)].append(r)
    for group in by_unit.values():
        want, planned = group[0].want, group[0].units
        units: Decimal = min(r.got / r.per_unit for r in group)
        if units < planned and want.kit:
            units = units.to_integral_value(rounding=ROUND_FLOOR)
        for r in group:
            keep = units * r.per_unit
            for lot, q in r.lots:
                mine = min(keep, q)
                if mine > 0:
                    want.taken.append((r.item_id, r.warehouse_id, lot, mine))
                    keep -= mine
                if q > mine:
                    stock_unreserve(
                        item_id=r.item_id, warehouse_id=r.warehouse_id, lot=lot, quantity=q - mine
                    )
        want.got += units
        if units > 0:
            want.warehouses.add(group[0].warehouse_id)


def _reserve_wants(
    wants: list[_Want], order: SalesOrder, kits: dict[int, dict[int, Decimal]]
) -> None:
    """Reserve stock for the wants; for a ship-complete order all of it or none."""
    for _ in range(PASSES):
        pending = [w for w in wants if w.rest > 0]
        if not pending:
            return
        item_ids: set[int] = set()
        for w in pending:
            item_ids |= set(w.parts(kits))
        levels = reservable_levels(item_ids)
        avail: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for (item_id, wh), rows in levels.items():
            avail[item_id][wh] = sum((lv.available for lv in rows), ZERO)
        requests = _plan(pending, avail, kits, order)
        if order.ship_complete:
            planned: dict[int, Decimal] = defaultdict(lambda: ZERO)
            for (want_key, _), units in {
                (id(r.want), r.warehouse_id): r.units for r in requests
            }.items():
                planned[want_key] += units
            if any(planned[id(w)] < w.rest for w in pending):
                return
            try:
                with transaction.atomic():
                    _reserve(requests, levels)
                    _settle(requests)
                    if any(w.rest > 0 for w in pending):
                        raise _NotWhole
            except _NotWhole:
                for w in wants:
                    w.got, w.taken, w.warehouses = ZERO, [], set()
            return
        whole = _reserve(requests, levels)
        _settle(requests)
        if whole:
            return


def _promises(
    order: SalesOrder, wants: list[_Want], kits: dict[int, dict[int, Decimal]], today: dt.date
) -> dict[int, dt.date]:
    """Line id → the date its backorder can be promised (today when nothing waits).

    ATP per item over the line's warehouse (or all), less the backorders ahead of this order;
    two lines of one item in the order queue one after the other. Two queries per warehouse
    the waiting lines are pinned to, plus one for the components' lead times.
    """
    out = {w.line.pk: today for w in wants if w.rest <= 0}
    scopes: dict[int | None, list[_Want]] = defaultdict(list)
    for w in wants:
        if w.rest > 0:
            scopes[w.line.warehouse_id].append(w)
    if not scopes:
        return out
    lead = {w.item_id: w.line.item.lead_time_days for w in wants if w.line.item}
    parts = {c for w in wants if w.kit for c in w.parts(kits)} - set(lead)
    if parts:
        lead.update(Item.objects.filter(pk__in=parts).values_list("pk", "lead_time_days"))
    for scope, group in scopes.items():
        ids = {c for w in group for c in w.parts(kits)}
        demand = backorder_demand(ids, warehouse=scope, ahead_of=order)
        profiles = atp_profiles(ids, today=today, demand=demand, warehouse=scope)
        queued: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for w in group:
            dates = []
            for component, quantity in w.parts(kits).items():
                queued[component] += w.rest * quantity
                fallback = today + dt.timedelta(days=lead.get(component, 0))
                found = promise_date(profiles.get(component, []), queued[component], fallback)
                dates.append(found or fallback)
            own = today + dt.timedelta(days=lead.get(w.item_id, 0))  # a kit without parts
            out[w.line.pk] = max(dates, default=own)
    return out


def _drop_ship(
    *, actor: Any, order: SalesOrder, wants: list[_Want], today: dt.date
) -> tuple[dict[int, dt.date], list[str]]:
    """Draft drop-ship purchase orders, one per vendor, for the drop-ship lines.

    An item without an active default vendor still waits as a drop-ship line: the buyer
    orders it by hand (the event says so). Returns (line id → promise, purchase order numbers).
    """
    promises: dict[int, dt.date] = {}
    by_vendor: dict[int, list[_Want]] = defaultdict(list)
    orphans: list[int] = []
    for w in wants:
        item = w.line.item
        assert item is not None
        vendor = item.default_vendor
        days = vendor.lead_time_days if vendor is not None else item.lead_time_days
        promises[w.line.pk] = today + dt.timedelta(days=days)
        w.line.drop_ship = True
        if vendor is not None and vendor.active:
            by_vendor[vendor.pk].append(w)
        else:
            orphans.append(w.line.line_no)
    numbers: list[str] = []
    for vendor_id in sorted(by_vendor):
        group = by_vendor[vendor_id]
        vendor = group[0].line.item.default_vendor  # type: ignore[union-attr]
        assert vendor is not None
        expected = today + dt.timedelta(days=vendor.lead_time_days)
        po = PurchaseOrder.objects.create(
            number=number_next(doc_type="purchase_order"),
            vendor=vendor,
            warehouse=None,
            status=PurchaseOrderStatus.DRAFT,
            order_date=today,
            expected_date=expected,
            currency=vendor.currency,
            drop_ship=True,
            ship_to_id=order.ship_to_id,
            notes=f"Drop-ship for sales order {order.number}",
        )
        PurchaseOrderLine.objects.bulk_create(
            [
                PurchaseOrderLine(
                    purchase_order=po,
                    line_no=n,
                    item_id=w.item_id,
                    quantity_ordered=w.need,
                    unit_cost=ZERO,
                    expected_date=expected,
                )
                for n, w in enumerate(group, start=1)
            ]
        )
        event_record(
            actor=actor,
            obj=po,
            action="purchase_order.created",
            after={
                "status": po.status,
                "vendor": vendor.code,
                "drop_ship": True,
                "sales_order": order.number,
                "lines": [
                    {"line_no": n, "sales_order_line": w.line.line_no, "quantity": w.need}
                    for n, w in enumerate(group, start=1)
                ],
            },
            reason=f"drop-ship request for sales order {order.number}",
        )
        numbers.append(po.number)
    if orphans:
        event_record(
            actor=actor,
            obj=order,
            action="order.drop_ship_unsourced",
            after={"lines": orphans},
            reason="drop-ship items without an active default vendor: order them by hand",
        )
    return promises, numbers


def _allocate(
    *,
    actor: Any,
    order: SalesOrder,
    line_ids: Iterable[int] | None,
    today: dt.date,
    reason: str,
) -> _Outcome:
    """Allocate the lines (all, or these ids) that still need stock. Caller holds the order
    lock inside a transaction and has checked the order is allocatable. A ship-complete
    order is always allocated whole: every line that needs stock, whatever `line_ids` says.
    """
    qs = SalesOrderLine.objects.filter(
        Q(qty_open__gt=0) | Q(qty_backordered__gt=0),
        order=order,
        item__isnull=False,
        drop_ship=False,
    ).select_related("item", "item__default_vendor")
    if line_ids is not None and not order.ship_complete:
        qs = qs.filter(pk__in=list(line_ids))
    wants = [_Want(ln, ln.qty_open + ln.qty_backordered) for ln in qs.order_by("line_no")]
    outcome = _Outcome()
    if not wants:
        return outcome
    drops = [w for w in wants if w.line.item and w.line.item.drop_ship]
    stock = [w for w in wants if not (w.line.item and w.line.item.drop_ship)]
    kits = _components({w.item_id for w in stock if w.kit})
    _reserve_wants(stock, order, kits)
    for w in stock:
        if not order.allow_split and w.rest > 0 and len(w.warehouses) == 1:
            w.line.warehouse_id = next(iter(w.warehouses))  # the rest waits where it started
    promises = _promises(order, stock, kits, today)
    if order.ship_complete and any(w.rest > 0 for w in stock):
        latest = max(promises[w.line.pk] for w in stock)
        promises.update({w.line.pk: latest for w in stock})  # it ships whole, when it can
    drop_promises, numbers = _drop_ship(actor=actor, order=order, wants=drops, today=today)
    promises.update(drop_promises)
    now = timezone.now()
    rows: list[Allocation] = []
    for w in wants:
        line = w.line
        line.qty_allocated += w.got
        line.qty_backordered = w.rest
        line.qty_open = ZERO
        wanted = line.requested_date or order.requested_date or today
        line.promised_date = max(promises[line.pk], wanted)
        rows.extend(
            Allocation(line=line, item_id=i, warehouse_id=wh, lot=lot, quantity=q, created_at=now)
            for i, wh, lot, q in w.taken
        )
        for i, _, _, q in w.taken:
            outcome.reserved[i] = outcome.reserved.get(i, ZERO) + q
        outcome.lines_filled += w.got > 0
    Allocation.objects.bulk_create(rows, batch_size=500)
    lines_restatus(actor=actor, lines=[w.line for w in wants], reason=reason)
    event_record(
        actor=actor,
        obj=order,
        action="order.allocation",
        after={
            "lines": [
                {
                    "line_no": w.line.line_no,
                    "allocated": w.got,
                    "backordered": w.rest,
                    "promised_date": w.line.promised_date,
                    **({"drop_ship": True} if w.line.drop_ship else {}),
                }
                for w in wants
            ],
            **({"purchase_orders": numbers} if numbers else {}),
        },
        reason=reason,
    )
    _order_restatus(actor=actor, order=order, reason=reason)
    return outcome


def _order_restatus(*, actor: Any, order: SalesOrder, reason: str) -> None:
    """Backordered while any line waits for stock (drop-ship lines wait on the vendor)."""
    waiting = SalesOrderLine.objects.filter(
        order=order, qty_backordered__gt=0, drop_ship=False
    ).exists()
    target = OrderStatus.BACKORDERED if waiting else OrderStatus.ALLOCATED
    order_transition(actor=actor, order=order, to=target, reason=reason)


def _sync(given: Sequence[SalesOrderLine] | None) -> None:
    """Bring the caller's line objects up to date with what was saved."""
    if not given:
        return
    fields = [
        "status",
        "qty_open",
        "qty_allocated",
        "qty_backordered",
        "promised_date",
        "warehouse_id",
        "drop_ship",
    ]
    fresh = {
        row["id"]: row
        for row in SalesOrderLine.objects.filter(pk__in=[ln.pk for ln in given]).values(
            "id", *fields
        )
    }
    for ln in given:
        for name in fields:
            if ln.pk in fresh:
                setattr(ln, name, fresh[ln.pk][name])


def order_allocate(
    *,
    actor: Any,
    order: SalesOrder,
    lines: list[SalesOrderLine] | None = None,
    today: dt.date,
) -> None:
    """Allocate the order's lines that still wait (these lines, or all of them).

    Precondition: the order is allocatable (accepted, allocated or backordered); a held or
    cancelled order is refused (OrderConflict) with nothing changed. Runs inside the
    caller's transaction (intake, changes, hold release); the order row is locked here (a
    no-op if the caller already holds it), so the same order is never allocated twice at
    once. `order.status` and the given lines are brought up to date; other line objects
    the caller holds are not (a ship-complete order allocates all its lines).
    """
    with transaction.atomic():
        locked = _lock_order(order)
        _check_allocatable(locked)
        order.status = locked.status
        ids = [ln.pk for ln in lines] if lines is not None else None
        _allocate(actor=actor, order=order, line_ids=ids, today=today, reason="allocation")
    _sync(lines)


def backorders_fill(
    *, actor: Any, item_ids: Sequence[int], warehouse_id: int | None = None, today: dt.date
) -> int:
    """Fill backordered lines of these items (or of kits made of them) from free stock, in
    queue order: lower priority number first, then earlier requested date, then earlier
    entry. Returns how many lines got stock.

    Called after stock arrives (a purchase receipt, a positive adjustment) with the items
    that came in; `warehouse_id` keeps to lines waiting on that warehouse or on none in
    particular. Held and cancelled orders are passed over. Each order is its own
    transaction (a savepoint inside a caller's); a refused order is logged and skipped.
    Stops once the items' free stock, as read at the start, is used up.
    """
    ids = set(item_ids)
    if not ids:
        return 0
    kit_ids = set(
        KitComponent.objects.filter(component_id__in=ids).values_list("kit_id", flat=True)
    )
    qs = SalesOrderLine.objects.filter(
        Q(item_id__in=ids) | Q(item_id__in=kit_ids),
        qty_backordered__gt=0,
        drop_ship=False,
        order__status__in=list(ALLOCATABLE),
    )
    if warehouse_id is not None:
        qs = qs.filter(Q(warehouse_id=warehouse_id) | Q(warehouse__isnull=True))
    queue: dict[int, list[int]] = {}
    for order_id, line_id in qs.order_by(
        "order__priority",
        F("order__requested_date").asc(nulls_last=True),
        "order__created_at",
        "order_id",
        "line_no",
    ).values_list("order_id", "id"):
        queue.setdefault(order_id, []).append(line_id)
    free = {i: sum(by_wh.values(), ZERO) for i, by_wh in available_by_warehouse(ids).items()}
    filled = 0
    for order_id, line_ids in queue.items():
        if all(free.get(i, ZERO) <= 0 for i in ids):
            break
        try:
            with transaction.atomic():
                order = _lock_order(order_id)
                if order.status not in ALLOCATABLE:
                    continue  # held or cancelled since the queue was read
                outcome = _allocate(
                    actor=actor,
                    order=order,
                    line_ids=line_ids,
                    today=today,
                    reason="backorder fill",
                )
        except DomainError as exc:  # refused for a reason of its own: the queue goes on
            logger.warning("backorder fill skipped order %s: %s", order_id, exc.message)
            continue
        filled += outcome.lines_filled
        for i, q in outcome.reserved.items():
            free[i] = free.get(i, ZERO) - q
    return filled

"""Release: allocated stock goes to the warehouse floor as pick lists, grouped into waves.

A wave is the work that leaves with one carrier pick-up: pick lists of one warehouse whose
orders go with the same carrier, by the same cut-off, at the same priority. The floor works
waves in cut-off order, then priority (rush first), so the truck that leaves first is
loaded first.

Which stock is released: the Allocation rows not yet released in that warehouse, of orders
that are allocated, backordered or already released elsewhere (never held, received or
cancelled). A ship-complete order goes only once every remaining quantity of every line is
allocated; any other order ships what it has (a partial shipment) and the rest waits.

Locks: the warehouse row first (two releases of one warehouse queue, so an open wave is
never made twice), then each order row in id order (as allocation locks it).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from orderdesk.core.audit import event_record, event_record_many
from orderdesk.core.bulk import update_rows
from orderdesk.core.locks import lock_one
from orderdesk.core.numbering import number_next
from orderdesk.core.roles import Capability, require
from orderdesk.inventory.models import Warehouse
from orderdesk.orders.models import Allocation, SalesOrder, SalesOrderLine
from orderdesk.orders.progress import order_progress
from orderdesk.orders.states import LineStatus, OrderStatus
from orderdesk.parties.models import Carrier

from .errors import FulfilmentConflict, FulfilmentErrorCode
from .models import PickLine, PickList, Wave, WaveStatus

#: Orders whose unreleased allocations may go to the floor (released: another warehouse's
#: share of a split order went first).
RELEASABLE = frozenset({OrderStatus.ALLOCATED, OrderStatus.BACKORDERED, OrderStatus.RELEASED})


def carrier_cutoff(
    carrier: Carrier | None, warehouse: Warehouse, *, today: dt.date, now: dt.datetime
) -> dt.datetime | None:
    """The carrier's next pick-up cut-off at this warehouse: today's at the warehouse's local
    time, or tomorrow's when today's has passed at `now`; None without a cut-off."""
    if carrier is None or carrier.pickup_cutoff is None:
        return None
    tz = zoneinfo.ZoneInfo(warehouse.timezone)
    cutoff = dt.datetime.combine(today, carrier.pickup_cutoff, tzinfo=tz)
    if now > cutoff:
        cutoff = dt.datetime.combine(today + dt.timedelta(days=1), carrier.pickup_cutoff, tzinfo=tz)
    return cutoff


def ship_complete_gap(order: SalesOrder) -> str:
    """Why a ship-complete order cannot go yet ("" when every remaining quantity is
    allocated): the lines still open or backordered."""
    if not order.ship_complete:
        return ""
    waiting = list(
        SalesOrderLine.objects.filter(order=order, drop_ship=False)
        .filter(Q(qty_open__gt=0) | Q(qty_backordered__gt=0))
        .order_by("line_no")
        .values_list("line_no", "qty_open", "qty_backordered")
    )
    if not waiting:
        return ""
    parts = [f"line {no}: {(o + b).normalize():f} not allocated" for no, o, b in waiting]
    return "ship complete, still waiting for stock (" + "; ".join(parts) + ")"


def release_refusal(order: SalesOrder) -> str:
    """Why this order may not be released at all ("" when it may)."""
    if order.status not in RELEASABLE:
        return f"order {order.number} is {order.get_status_display().lower()}"
    return ship_complete_gap(order)


@dataclass
class _Waves:
    warehouse: Warehouse
    today: dt.date
    now: dt.datetime
    actor: Any
    touched: dict[int, Wave]

    def for_order(self, order: SalesOrder) -> Wave:
        method = order.ship_method
        carrier = method.carrier if method is not None else None
        cutoff = carrier_cutoff(carrier, self.warehouse, today=self.today, now=self.now)
        key = Q(
            warehouse=self.warehouse,
            status=WaveStatus.OPEN,
            priority=order.priority,
        )
        key &= Q(carrier=carrier) if carrier is not None else Q(carrier__isnull=True)
        key &= Q(cutoff=cutoff) if cutoff is not None else Q(cutoff__isnull=True)
        wave = Wave.objects.filter(key).order_by("pk").first()
        if wave is None:
            wave = Wave.objects.create(
                number=number_next(doc_type="wave"),
                warehouse=self.warehouse,
                carrier=carrier,
                cutoff=cutoff,
                priority=order.priority,
                created_at=self.now,
                created_by=_user(self.actor),
            )
            event_record(
                actor=self.actor,
                obj=wave,
                action="wave.created",
                after={
                    "warehouse": self.warehouse.code,
                    "carrier": carrier.scac if carrier is not None else None,
                    "cutoff": cutoff,
                    "priority": order.priority,
                },
            )
        self.touched[wave.pk] = wave
        return wave


def _user(actor: Any) -> Any:
    return (
        actor if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) else None
    )


def _candidates(warehouse: Warehouse, orders: list[SalesOrder] | None) -> list[int]:
    if orders is not None:
        return sorted({o.pk for o in orders})
    return sorted(
        set(
            Allocation.objects.filter(
                warehouse=warehouse,
                released=False,
                line__order__status__in=list(RELEASABLE),
            ).values_list("line__order_id", flat=True)
        )
    )


def _release_one(
    *, actor: Any, order: SalesOrder, warehouse: Warehouse, waves: _Waves
) -> PickList | None:
    allocations = list(
        Allocation.objects.filter(line__order=order, warehouse=warehouse, released=False)
        .select_related("line", "item")
        .order_by("line__line_no", "pk")
    )
    if not allocations:
        return None
    wave = waves.for_order(order)
    pick_list = PickList.objects.create(
        number=number_next(doc_type="pick_list"),
        wave=wave,
        order=order,
        warehouse=warehouse,
        created_at=waves.now,
    )
    PickLine.objects.bulk_create(
        [
            PickLine(
                pick_list=pick_list,
                order_line=a.line,
                allocation=a,
                item=a.item,
                lot=a.lot,
                quantity=a.quantity,
            )
            for a in allocations
        ]
    )
    Allocation.objects.filter(pk__in=[a.pk for a in allocations]).update(released=True)
    lines = list({a.line_id: a.line for a in allocations}.values())
    moved = [ln for ln in lines if ln.status != LineStatus.RELEASED]
    records: list[tuple[Any, str, dict[str, Any] | None, dict[str, Any] | None]] = [
        (ln, "line.released", {"status": ln.status}, {"status": str(LineStatus.RELEASED)})
        for ln in moved
    ]
    for ln in moved:
        ln.status = LineStatus.RELEASED
    update_rows(SalesOrderLine, moved, ["status"])
    event_record_many(actor=actor, records=records, reason=f"pick list {pick_list.number}")
    detail = {
        "pick_list": pick_list.number,
        "wave": wave.number,
        "warehouse": warehouse.code,
        "lines": [
            {"line_no": a.line.line_no, "sku": a.item.sku, "lot": a.lot, "quantity": a.quantity}
            for a in allocations
        ],
    }
    event_record(actor=actor, obj=pick_list, action="pick_list.created", after=detail)
    event_record(actor=actor, obj=order, action="order.pick_list_created", after=detail)
    event_record(
        actor=actor,
        obj=wave,
        action="wave.pick_list_added",
        after={"pick_list": pick_list.number, "order": order.number},
    )
    order_progress(actor=actor, order=order, reason=f"released on pick list {pick_list.number}")
    return pick_list


def orders_release(
    *,
    actor: Any,
    warehouse: Warehouse,
    orders: list[SalesOrder] | None = None,
    today: dt.date,
    now: dt.datetime | None = None,
) -> list[Wave]:
    """Release the orders' unreleased allocations in the warehouse as pick lists (one per
    order) in waves; returns the waves that got pick lists, first cut-off first.

    `orders=None` releases every order that may go (a ship-complete order not yet complete
    waits, unnoticed); orders named explicitly must all be releasable, or nothing is
    released and the refusal names the first that is not (409). `today` is the date at the
    warehouse, `now` the moment that decides whether today's carrier cut-off has passed.
    """
    require(actor, Capability.WAREHOUSE_OPS)
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_one(Warehouse.objects.filter(pk=warehouse.pk))
        waves = _Waves(locked, today, now, actor, {})
        explicit = orders is not None
        for order_id in _candidates(locked, orders):
            order = lock_one(
                SalesOrder.objects.select_related("ship_method__carrier").filter(pk=order_id)
            )
            why = release_refusal(order)
            if why and not explicit:
                continue
            if why:
                raise FulfilmentConflict(
                    FulfilmentErrorCode.RELEASE_REFUSED,
                    f"{order.number} cannot be released: {why}",
                    field="orders",
                    fix="release it once its holds are cleared and its stock is allocated",
                )
            made = _release_one(actor=actor, order=order, warehouse=locked, waves=waves)
            if made is None and explicit:
                raise FulfilmentConflict(
                    FulfilmentErrorCode.RELEASE_REFUSED,
                    f"{order.number} has no allocated stock in {locked.code} waiting for release",
                    field="orders",
                )
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(waves.touched.values(), key=lambda w: (w.cutoff or far, w.priority, w.pk))

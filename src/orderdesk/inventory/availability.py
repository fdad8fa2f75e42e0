"""What can be promised: free stock by warehouse, ATP by date, promise dates. Read-only.

The order-entry SKU look-up calls these as the clerk types, so each answer is a fixed, small
number of queries whatever the item. ATP itself is computed by the pure `inventory.atp`.

Demand already promised is the backordered quantity of open sales orders: those orders are
ahead in the queue for the next receipts. It is read here (from `orders.models`, which
imports nothing of inventory) so that every promise, on the desk or in allocation, counts it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce

from orderdesk.catalog.models import Item, KitComponent
from orderdesk.core.fields import QuantityField
from orderdesk.orders.models import SalesOrder, SalesOrderLine
from orderdesk.orders.states import ALLOCATABLE
from orderdesk.purchasing.models import PurchaseOrderLine
from orderdesk.purchasing.selectors import EXPECTED_STATUSES, expected_receipts

from .atp import Profile, atp_profile, promise_date
from .models import Lot, StockLevel, Warehouse

ZERO = Decimal(0)
#: How far ahead expected receipts count for a promise.
HORIZON_DAYS = 90

Demand = Sequence[tuple[dt.date, Decimal]]


def _pk(obj: Any) -> Any:
    """The id of a row or of an id (None stays None)."""
    return obj if obj is None or isinstance(obj, int) else obj.pk


def _held_lot() -> Exists:
    return Exists(
        Lot.objects.filter(item_id=OuterRef("item_id"), number=OuterRef("lot"), quality_hold=True)
    )


def available_by_warehouse(item_ids: Iterable[int]) -> dict[int, dict[int, Decimal]]:
    """Item id → warehouse id → free stock (on hand − allocated), active warehouses only and
    lots on quality hold left out. One query. Items without stock are absent."""
    rows = (
        StockLevel.objects.filter(item_id__in=list(item_ids), warehouse__active=True)
        .filter(~_held_lot())
        .order_by()
        .values("item_id", "warehouse_id")
        .annotate(free=Sum(F("on_hand") - F("allocated"), output_field=QuantityField()))
        .values_list("item_id", "warehouse_id", "free")
    )
    out: dict[int, dict[int, Decimal]] = {}
    for item_id, warehouse_id, free in rows:
        out.setdefault(item_id, {})[warehouse_id] = free
    return out


def stock_totals(
    item_ids: Iterable[int], *, warehouse: Warehouse | int | None = None
) -> dict[int, tuple[Decimal, Decimal, Decimal]]:
    """Item id → (on hand, allocated, unallocated stock on quality hold) over active
    warehouses (or one warehouse). One query."""
    qs = StockLevel.objects.filter(item_id__in=list(item_ids), warehouse__active=True)
    if warehouse is not None:
        qs = qs.filter(warehouse_id=_pk(warehouse))
    rows = (
        qs.annotate(held=_held_lot())
        .order_by()
        .values("item_id")
        .annotate(
            on_hand_total=Sum("on_hand", output_field=QuantityField()),
            allocated_total=Sum("allocated", output_field=QuantityField()),
            held_total=Coalesce(
                Sum(F("on_hand") - F("allocated"), filter=Q(held=True)),
                Value(0),
                output_field=QuantityField(),
            ),
        )
        .values_list("item_id", "on_hand_total", "allocated_total", "held_total")
    )
    return {item_id: (on_hand, allocated, held) for item_id, on_hand, allocated, held in rows}


def expected_receipts_by_item(
    item_ids: Iterable[int], *, warehouse: Warehouse | int | None = None, until: dt.date
) -> dict[int, list[tuple[dt.date, Decimal]]]:
    """`purchasing.selectors.expected_receipts` for many items in one query."""
    qs = PurchaseOrderLine.objects.filter(
        item_id__in=list(item_ids),
        purchase_order__status__in=EXPECTED_STATUSES,
        purchase_order__drop_ship=False,
        quantity_received__lt=F("quantity_ordered"),
        expected_date__lte=until,
    )
    if warehouse is not None:
        qs = qs.filter(purchase_order__warehouse_id=_pk(warehouse))
    rows = (
        qs.order_by()
        .values("item_id", "expected_date")
        .annotate(
            total=Sum(F("quantity_ordered") - F("quantity_received"), output_field=QuantityField())
        )
        .order_by("item_id", "expected_date")
        .values_list("item_id", "expected_date", "total")
    )
    out: dict[int, list[tuple[dt.date, Decimal]]] = {}
    for item_id, day, total in rows:
        out.setdefault(item_id, []).append((day, total))
    return out


def backorder_demand(
    item_ids: Iterable[int],
    *,
    warehouse: Warehouse | int | None = None,
    ahead_of: SalesOrder | None = None,
) -> dict[int, Decimal]:
    """Item id → quantity backordered on open, allocatable orders (drop-ship lines are the
    vendor's, not ours). With `ahead_of`, only orders before it in the allocation queue
    (priority, requested date, entry time); with `warehouse`, lines waiting on that warehouse
    or on none in particular. One query."""
    qs = SalesOrderLine.objects.filter(
        item_id__in=list(item_ids),
        qty_backordered__gt=0,
        drop_ship=False,
        order__status__in=list(ALLOCATABLE),
    )
    if warehouse is not None:
        qs = qs.filter(Q(warehouse_id=_pk(warehouse)) | Q(warehouse__isnull=True))
    if ahead_of is not None:
        qs = qs.exclude(order_id=ahead_of.pk).filter(queue_ahead_of(ahead_of, prefix="order__"))
    rows = (
        qs.order_by()
        .values("item_id")
        .annotate(total=Sum("qty_backordered", output_field=QuantityField()))
        .values_list("item_id", "total")
    )
    return dict(rows)


def queue_key(order: SalesOrder) -> tuple[int, dt.date, dt.datetime, int]:
    """Where an order stands in the allocation queue: lower priority number first, then
    earlier requested date (none = last), then earlier entry."""
    return (order.priority, order.requested_date or dt.date.max, order.created_at, order.pk)


def queue_ahead_of(order: SalesOrder, *, prefix: str = "") -> Q:
    """Orders (or lines, with prefix "order__") before `order` in the queue of `queue_key`."""
    p, r, c, pk = queue_key(order)
    same_p = Q(**{f"{prefix}priority": p})
    r_null = Q(**{f"{prefix}requested_date__isnull": True})
    if r == dt.date.max:
        earlier_r = ~r_null
        same_r = r_null
    else:
        earlier_r = Q(**{f"{prefix}requested_date__lt": r})
        same_r = Q(**{f"{prefix}requested_date": r})
    pk_field = f"{prefix}id" if prefix else "pk"
    return (
        Q(**{f"{prefix}priority__lt": p})
        | (same_p & earlier_r)
        | (same_p & same_r & Q(**{f"{prefix}created_at__lt": c}))
        | (same_p & same_r & Q(**{f"{prefix}created_at": c}) & Q(**{f"{pk_field}__lt": pk}))
    )


def atp_for(
    item: Item | int,
    warehouse: Warehouse | int | None,
    today: dt.date,
    horizon_days: int = HORIZON_DAYS,
    *,
    demand: Demand | None = None,
) -> Profile:
    """Cumulative ATP of an item by date, in one warehouse or over all active ones.

    Receipts of sent purchase orders within the horizon count on their expected dates;
    `demand` defaults to every backorder of the item (all ahead of a new order). Three
    queries.
    """
    item_id = _pk(item)
    assert item_id is not None
    on_hand, allocated, held = stock_totals([item_id], warehouse=warehouse).get(
        item_id, (ZERO, ZERO, ZERO)
    )
    receipts = expected_receipts(
        item=item_id, warehouse=warehouse, until=today + dt.timedelta(days=horizon_days)
    )
    if demand is None:
        waiting = backorder_demand([item_id], warehouse=warehouse).get(item_id, ZERO)
        demand = [(today, waiting)] if waiting else []
    return atp_profile(
        on_hand,
        allocated,
        held,
        [(r.expected_date, r.quantity) for r in receipts],
        today,
        demand,
    )


def lead_time_days(item: Item) -> int:
    """Days to get more of an item: the vendor's for drop-ship items, else the item's."""
    if item.drop_ship and item.default_vendor_id is not None:
        return int(item.default_vendor.lead_time_days)  # type: ignore[union-attr]
    return int(item.lead_time_days)


def promise_for(
    item: Item | int,
    warehouse: Warehouse | int | None,
    quantity: Decimal,
    today: dt.date,
    *,
    demand: Demand | None = None,
) -> dt.date:
    """The date `quantity` (base units) can be promised from the warehouse (or any).

    Drop-ship items: today + the vendor's lead time. Kits: the latest of their components'
    dates. When stock and receipts never cover the quantity: today + the lead time.
    """
    row = (
        item
        if isinstance(item, Item)
        else Item.objects.select_related("default_vendor").get(pk=item)
    )
    if row.drop_ship:
        return today + dt.timedelta(days=lead_time_days(row))
    if row.is_kit:
        components = list(KitComponent.objects.filter(kit=row).select_related("component"))
        dates = [
            promise_for(c.component, warehouse, quantity * c.quantity, today) for c in components
        ]
        return max(dates, default=today + dt.timedelta(days=row.lead_time_days))
    fallback = today + dt.timedelta(days=lead_time_days(row))
    found = promise_date(atp_for(row, warehouse, today, demand=demand), quantity, fallback)
    return found or fallback


def atp_profiles(
    item_ids: Iterable[int],
    *,
    today: dt.date,
    demand: Mapping[int, Decimal],
    warehouse: Warehouse | int | None = None,
    horizon_days: int = HORIZON_DAYS,
) -> dict[int, Profile]:
    """Item id → ATP profile (see `atp_for`) for many items in two queries.

    `demand` is what is ahead in the queue (see `backorder_demand`), counted from today.
    """
    ids = list(item_ids)
    if not ids:
        return {}
    totals = stock_totals(ids, warehouse=warehouse)
    receipts = expected_receipts_by_item(
        ids, warehouse=warehouse, until=today + dt.timedelta(days=horizon_days)
    )
    out: dict[int, Profile] = {}
    for item_id in ids:
        on_hand, allocated, held = totals.get(item_id, (ZERO, ZERO, ZERO))
        ahead = demand.get(item_id, ZERO)
        out[item_id] = atp_profile(
            on_hand,
            allocated,
            held,
            receipts.get(item_id, []),
            today,
            [(today, ahead)] if ahead else [],
        )
    return out

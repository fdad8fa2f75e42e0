"""Warehouse queries: waves, pick lists, shipments and their documents, the release queue.

Waves and pick lists are the warehouse's (WAREHOUSE_OPS). Shipments are read by anyone who
reads orders; a portal user reaches only their own customer's (another's is not found).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from orderdesk.core.access import scope_to_customer
from orderdesk.core.errors import NotFound
from orderdesk.core.roles import Capability, require
from orderdesk.inventory.models import Lot, StockLevel, Warehouse
from orderdesk.orders.models import Allocation, SalesOrder
from orderdesk.parties.models import ShipMethod

from .models import (
    Package,
    PackageLine,
    Pick,
    PickLine,
    PickList,
    PickListStatus,
    Shipment,
    ShipmentLine,
    ShippingDocument,
    Wave,
    WaveStatus,
)
from .release import RELEASABLE, carrier_cutoff, ship_complete_gap

ZERO = Decimal(0)


def warehouse_today(warehouse: Warehouse, now: dt.datetime | None = None) -> dt.date:
    """The date at the warehouse (its own time zone)."""
    return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(warehouse.timezone)).date()


def warehouses(*, user: Any) -> QuerySet[Warehouse]:
    require(user, Capability.WAREHOUSE_OPS)
    return Warehouse.objects.filter(active=True).order_by("code")


def warehouse_get(*, user: Any, pk: int) -> Warehouse:
    found = warehouses(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound("warehouse", pk)
    return found


# -- waves and pick lists ----------------------------------------------------------------------


def wave_list(
    *, user: Any, warehouse_id: int | None = None, status: str | None = None
) -> QuerySet[Wave]:
    require(user, Capability.WAREHOUSE_OPS)
    qs = Wave.objects.select_related("warehouse", "carrier").annotate(
        pick_list_count=Count("pick_lists", distinct=True),
        open_count=Count(
            "pick_lists",
            filter=~Q(pick_lists__status__in=[PickListStatus.SHIPPED, PickListStatus.CANCELLED]),
            distinct=True,
        ),
    )
    if warehouse_id:
        qs = qs.filter(warehouse_id=warehouse_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by(F("cutoff").asc(nulls_last=True), "priority", "id")


def _pick_lists_base() -> QuerySet[PickList]:
    return PickList.objects.select_related(
        "order", "order__customer", "order__ship_method", "warehouse", "wave", "wave__carrier"
    ).annotate(line_count=Count("lines", distinct=True))


def wave_get(*, user: Any, pk: int) -> Wave:
    require(user, Capability.WAREHOUSE_OPS)
    wave = (
        Wave.objects.select_related("warehouse", "carrier")
        .prefetch_related(
            Prefetch("pick_lists", queryset=_pick_lists_base().order_by("order__priority", "pk"))
        )
        .filter(pk=pk)
        .first()
    )
    if wave is None:
        raise NotFound("wave", pk)
    return wave


def pick_list_list(
    *,
    user: Any,
    warehouse_id: int | None = None,
    status: str | None = None,
    wave_id: int | None = None,
) -> QuerySet[PickList]:
    require(user, Capability.WAREHOUSE_OPS)
    qs = _pick_lists_base()
    if warehouse_id:
        qs = qs.filter(warehouse_id=warehouse_id)
    if status:
        qs = qs.filter(status=status)
    if wave_id:
        qs = qs.filter(wave_id=wave_id)
    return qs.order_by("-pk")


def pick_list_get(*, user: Any, pk: int) -> PickList:
    """A pick list with its lines (item, order line, picks), packages and shipment."""
    require(user, Capability.WAREHOUSE_OPS)
    found = (
        PickList.objects.select_related(
            "order",
            "order__customer",
            "order__ship_to",
            "order__ship_method",
            "order__ship_method__carrier",
            "warehouse",
            "wave",
            "wave__carrier",
        )
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=PickLine.objects.select_related("item__base_uom", "order_line").order_by(
                    "order_line__line_no", "pk"
                ),
            ),
            Prefetch("lines__picks", queryset=Pick.objects.order_by("pk")),
            Prefetch("packages", queryset=Package.objects.order_by("pk")),
            Prefetch(
                "packages__lines",
                queryset=PackageLine.objects.select_related(
                    "pick_line__item", "pick_line__order_line"
                ).order_by("pk"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound("pick list", pk)
    return found


def pick_list_shipment(pick_list: PickList) -> Shipment | None:
    return Shipment.objects.filter(pick_list=pick_list).first()


@dataclass
class ShelfLot:
    """A lot (or serial) of an item on the shelf in a warehouse: what a picker may take."""

    lot: str
    free: Decimal
    on_hand: Decimal
    expiry: dt.date | None
    on_hold: bool
    hold_reason: str


def shelf_lots(pick_list: PickList) -> dict[int, list[ShelfLot]]:
    """Item id → its lots in the pick list's warehouse, first expiring first (FEFO), for the
    pick screen: the lot to take and what else is there. One query for stock, one for lots."""
    item_ids = {ln.item_id for ln in pick_list.lines.all() if ln.lot}
    if not item_ids:
        return {}
    levels = list(
        StockLevel.objects.filter(
            item_id__in=item_ids, warehouse_id=pick_list.warehouse_id, on_hand__gt=0
        )
        .exclude(lot="")
        .values_list("item_id", "lot", "on_hand", "allocated")
    )
    lots = {
        (row.item_id, row.number): row
        for row in Lot.objects.filter(item_id__in=item_ids, number__in={lv[1] for lv in levels})
    }
    far = dt.date.max
    out: dict[int, list[ShelfLot]] = {}
    for item_id, lot, on_hand, allocated in levels:
        row = lots.get((item_id, lot))
        out.setdefault(item_id, []).append(
            ShelfLot(
                lot=lot,
                free=on_hand - allocated,
                on_hand=on_hand,
                expiry=row.expiry_date if row else None,
                on_hold=bool(row and row.quality_hold),
                hold_reason=row.hold_reason if row else "",
            )
        )
    for rows in out.values():
        rows.sort(key=lambda r: (r.expiry or far, r.lot))
    return out


# -- the release queue -------------------------------------------------------------------------


@dataclass
class ReleaseRow:
    """An order with allocated stock in the warehouse not yet released to the floor."""

    order: SalesOrder
    quantity: Decimal
    lines: int
    cutoff: dt.datetime | None
    ready: bool
    why_not: str


def release_queue(
    *, user: Any, warehouse: Warehouse, today: dt.date, now: dt.datetime | None = None
) -> list[ReleaseRow]:
    """Orders with unreleased allocations in the warehouse, in the order waves go: carrier
    cut-off, then priority; each says whether it may go now and, if not, why."""
    require(user, Capability.WAREHOUSE_OPS)
    now = now or timezone.now()
    waiting = (
        Allocation.objects.filter(warehouse=warehouse, released=False)
        .values("line__order_id")
        .annotate(quantity=Sum("quantity"), lines=Count("line_id", distinct=True))
    )
    stats = {row["line__order_id"]: row for row in waiting}
    orders = list(
        SalesOrder.objects.filter(pk__in=list(stats), status__in=list(RELEASABLE))
        .select_related("customer", "ship_method__carrier")
        .order_by("priority", "pk")
    )
    complete = _ship_complete_ready([o for o in orders if o.ship_complete])
    rows = []
    for order in orders:
        method = order.ship_method
        carrier = method.carrier if method is not None else None
        why = "" if complete.get(order.pk, True) else ship_complete_gap(order)
        rows.append(
            ReleaseRow(
                order=order,
                quantity=stats[order.pk]["quantity"],
                lines=stats[order.pk]["lines"],
                cutoff=carrier_cutoff(carrier, warehouse, today=today, now=now),
                ready=not why,
                why_not=why,
            )
        )
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    rows.sort(key=lambda r: (not r.ready, r.cutoff or far, r.order.priority, r.order.pk))
    return rows


def _ship_complete_ready(orders: list[SalesOrder]) -> dict[int, bool]:
    if not orders:
        return {}
    from orderdesk.orders.models import SalesOrderLine

    waiting = set(
        SalesOrderLine.objects.filter(order__in=orders, drop_ship=False)
        .filter(Q(qty_open__gt=0) | Q(qty_backordered__gt=0))
        .values_list("order_id", flat=True)
    )
    return {o.pk: o.pk not in waiting for o in orders}


def ship_methods() -> QuerySet[ShipMethod]:
    return ShipMethod.objects.filter(active=True).select_related("carrier").order_by("code")


# -- shipments ---------------------------------------------------------------------------------


def _shipments(user: Any) -> QuerySet[Shipment]:
    require(user, Capability.ORDER_VIEW)
    return scope_to_customer(Shipment.objects.all(), user)


def shipment_list(
    *,
    user: Any,
    customer_id: int | None = None,
    order_id: int | None = None,
    warehouse_id: int | None = None,
    q: str | None = None,
) -> QuerySet[Shipment]:
    qs = _shipments(user).select_related("order", "customer", "warehouse", "ship_method", "carrier")
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if order_id:
        qs = qs.filter(order_id=order_id)
    if warehouse_id:
        qs = qs.filter(warehouse_id=warehouse_id)
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(number__iexact=q)
            | Q(order__number__iexact=q)
            | Q(order__customer_po__icontains=q)
            | Q(tracking_number__iexact=q)
            | Q(customer__account_number__iexact=q)
            | Exists(ShipmentLine.objects.filter(shipment=OuterRef("pk"), lot__iexact=q))
        )
    return qs.order_by("-ship_date", "-pk")


def shipment_get(*, user: Any, pk: int) -> Shipment:
    """A shipment with lines (item, order line, package), packages, documents and invoices;
    a fixed number of queries however many lines it has."""
    from orderdesk.billing.models import Invoice

    found = (
        _shipments(user)
        .select_related(
            "order",
            "order__ship_to",
            "customer",
            "warehouse",
            "ship_method",
            "carrier",
            "ship_to",
            "pick_list",
            "created_by",
        )
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=ShipmentLine.objects.select_related(
                    "item", "order_line", "package"
                ).order_by("order_line__line_no", "pk"),
            ),
            Prefetch("packages", queryset=Package.objects.order_by("pk")),
            Prefetch("documents", queryset=ShippingDocument.objects.order_by("pk")),
            Prefetch(
                "invoices",
                queryset=Invoice.objects.order_by("pk").only(
                    "pk", "number", "shipment_id", "total", "currency", "status", "invoice_date"
                ),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound("shipment", pk)
    return found


def shipment_document_get(*, user: Any, shipment_id: int, kind: str) -> ShippingDocument:
    doc = (
        ShippingDocument.objects.filter(
            shipment__in=_shipments(user).filter(pk=shipment_id), kind=kind
        )
        .select_related("shipment")
        .first()
    )
    if doc is None:
        raise NotFound("document", kind)
    return doc


def open_wave_count(warehouse: Warehouse) -> int:
    return Wave.objects.filter(warehouse=warehouse, status=WaveStatus.OPEN).count()

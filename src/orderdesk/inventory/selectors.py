"""Queries on warehouses, stock levels, lots and the stock ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from orderdesk.catalog.models import Item
from orderdesk.core.errors import NotFound
from orderdesk.core.fields import QuantityField

from .models import Lot, StockLevel, StockMovement, Warehouse


def warehouse_list(*, active: bool | None = None) -> QuerySet[Warehouse]:
    qs = Warehouse.objects.all()
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by("code")


def warehouse_get(*, pk: int) -> Warehouse:
    found = Warehouse.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound("warehouse", pk)
    return found


def stock_level_list(
    *,
    item: Item | int | None = None,
    warehouse: Warehouse | int | None = None,
    lot: str | None = None,
    in_stock_only: bool = False,
) -> QuerySet[StockLevel]:
    """Stock levels with their item, unit and warehouse joined (no N+1 when listed)."""
    qs = StockLevel.objects.select_related("item", "item__base_uom", "warehouse")
    if item is not None:
        qs = qs.filter(item=item)
    if warehouse is not None:
        qs = qs.filter(warehouse=warehouse)
    if lot is not None:
        qs = qs.filter(lot=lot)
    if in_stock_only:
        qs = qs.filter(on_hand__gt=Decimal(0))
    return qs.order_by("item__sku", "warehouse__code", "lot")


def stock_on_hand(
    item: Item | int, warehouse: Warehouse | int | None = None, *, lot: str | None = None
) -> Decimal:
    """On-hand of an item, in one warehouse or all of them (base unit)."""
    qs = StockLevel.objects.filter(item=item)
    if warehouse is not None:
        qs = qs.filter(warehouse=warehouse)
    if lot is not None:
        qs = qs.filter(lot=lot)
    total = qs.aggregate(total=Sum("on_hand", output_field=QuantityField()))["total"]
    return total if total is not None else Decimal(0)


def movements(
    *,
    item: Item | int | None = None,
    warehouse: Warehouse | int | None = None,
    lot: str | None = None,
    kind: str | None = None,
    reference: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[StockMovement]:
    """The stock ledger, oldest first, filtered; `until` is exclusive."""
    qs = StockMovement.objects.select_related("item", "warehouse", "actor")
    if item is not None:
        qs = qs.filter(item=item)
    if warehouse is not None:
        qs = qs.filter(warehouse=warehouse)
    if lot is not None:
        qs = qs.filter(lot=lot)
    if kind:
        qs = qs.filter(kind=kind)
    if reference:
        qs = qs.filter(reference=reference)
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lt=until)
    return qs.order_by("at", "id")


def lot_list(*, item: Item | int | None = None, on_hold: bool | None = None) -> QuerySet[Lot]:
    qs = Lot.objects.select_related("item")
    if item is not None:
        qs = qs.filter(item=item)
    if on_hold is not None:
        qs = qs.filter(quality_hold=on_hold)
    return qs.order_by("item__sku", "number")


def lot_get(*, pk: int) -> Lot:
    found = Lot.objects.select_related("item").filter(pk=pk).first()
    if found is None:
        raise NotFound("lot", pk)
    return found


def ledger_discrepancies() -> QuerySet[StockLevel]:
    """Stock levels whose on-hand differs from the sum of their movements. Always empty.

    Each row carries `ledger_quantity` (the sum of its movements) for the report.
    """
    ledger = (
        StockMovement.objects.filter(
            item=OuterRef("item"), warehouse=OuterRef("warehouse"), lot=OuterRef("lot")
        )
        .order_by()
        .values("item")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return (
        StockLevel.objects.select_related("item", "warehouse")
        .annotate(
            ledger_quantity=Coalesce(Subquery(ledger), Value(0), output_field=QuantityField())
        )
        .filter(~Q(on_hand=F("ledger_quantity")))
        .order_by("item__sku", "warehouse__code", "lot")
    )


def available_subquery() -> Subquery:
    """On hand minus allocated over all warehouses and lots of the outer item."""
    per_item = (
        StockLevel.objects.filter(item=OuterRef("pk"))
        .order_by()
        .values("item")
        .annotate(total=Sum("on_hand") - Sum("allocated"))
        .values("total")
    )
    return Subquery(per_item, output_field=QuantityField())


def last_movement_by_warehouse(item_id: int) -> dict[int, dt.datetime]:
    """Warehouse id → time of the item's last stock movement there."""
    return dict(
        StockMovement.objects.filter(item_id=item_id)
        .order_by()
        .values("warehouse_id")
        .annotate(last=Max("at"))
        .values_list("warehouse_id", "last")
    )

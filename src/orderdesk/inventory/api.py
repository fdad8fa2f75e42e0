"""Warehouses, stock levels, the stock ledger and stock adjustments over REST.

The inventory selectors take no user, so each read handler states its capability with
`requires`; the write services check theirs again. Ids in a path that name nothing are 404,
ids in a body that name nothing are 422.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from orderdesk.catalog.models import Item
from orderdesk.core.apitools import Page, answers, body_row, one_or_404, requires
from orderdesk.core.roles import Capability

from . import selectors, services
from .models import Warehouse
from .schemas import (
    StockAdjustmentIn,
    StockAdjustmentOut,
    StockLevelFilter,
    StockLevelOut,
    StockMovementFilter,
    StockMovementOut,
    WarehouseFilter,
    WarehouseIn,
    WarehouseOut,
    WarehousePatch,
)

router = Router(tags=["inventory"])

VIEW = Capability.MASTER_DATA_VIEW


@router.get("/warehouses", response=answers(list[WarehouseOut]), summary="List warehouses")
@paginate(Page)
@requires(VIEW)
def warehouses_list(request: HttpRequest, filters: Query[WarehouseFilter]) -> Any:
    return selectors.warehouse_list(active=filters.active)


@router.get("/warehouses/{warehouse_id}", response=answers(WarehouseOut), summary="Warehouse")
@requires(VIEW)
def warehouses_read(request: HttpRequest, warehouse_id: int) -> Any:
    return selectors.warehouse_get(pk=warehouse_id)


@router.post(
    "/warehouses", response=answers(WarehouseOut, status=201, write=True), summary="Add warehouse"
)
def warehouses_create(request: HttpRequest, payload: WarehouseIn) -> Any:
    return 201, services.warehouse_create(actor=request.user, **payload.dict())


@router.patch(
    "/warehouses/{warehouse_id}",
    response=answers(WarehouseOut, write=True),
    summary="Change a warehouse",
)
@requires(Capability.MASTER_DATA_EDIT)
def warehouses_update(request: HttpRequest, warehouse_id: int, payload: WarehousePatch) -> Any:
    return services.warehouse_update(
        actor=request.user,
        warehouse=one_or_404(Warehouse.objects.all(), warehouse_id, "warehouse"),
        **payload.dict(exclude_unset=True),
    )


@router.get("/stock-levels", response=answers(list[StockLevelOut]), summary="List stock levels")
@paginate(Page)
@requires(VIEW)
def stock_levels_list(request: HttpRequest, filters: Query[StockLevelFilter]) -> Any:
    """By item and warehouse (and lot); `in_stock=true` leaves out empty levels."""
    f = filters
    return selectors.stock_level_list(
        item=f.item, warehouse=f.warehouse, lot=f.lot, in_stock_only=f.in_stock
    )


@router.get("/stock-levels/{level_id}", response=answers(StockLevelOut), summary="Stock level")
@requires(VIEW)
def stock_levels_read(request: HttpRequest, level_id: int) -> Any:
    return one_or_404(selectors.stock_level_list(), level_id, "stock level")


@router.get(
    "/stock-movements", response=answers(list[StockMovementOut]), summary="The stock ledger"
)
@paginate(Page)
@requires(VIEW)
def stock_movements_list(request: HttpRequest, filters: Query[StockMovementFilter]) -> Any:
    """Oldest first; `until` is exclusive. The sum of a level's movements is its on-hand."""
    return selectors.movements(**filters.dict())


@router.post(
    "/stock-adjustments",
    response={200: StockAdjustmentOut, **answers(StockAdjustmentOut, status=201, write=True)},
    summary="Adjust stock to a count or by a difference",
)
@requires(Capability.STOCK_ADJUST)
def stock_adjustments_create(request: HttpRequest, payload: StockAdjustmentIn) -> Any:
    """201 with the movement booked; 200 with `movement: null` when the count matched."""
    p = payload
    movement = services.stock_adjust(
        actor=request.user,
        item=body_row(Item, p.item_id, field="item_id", what="item"),
        warehouse=body_row(Warehouse, p.warehouse_id, field="warehouse_id", what="warehouse"),
        reason=p.reason,
        counted=p.counted,
        delta=p.delta,
        lot=p.lot,
        reference=p.reference,
    )
    return (200 if movement is None else 201), {"movement": movement}

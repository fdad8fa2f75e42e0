"""Request and response shapes of the inventory API. Quantities are in the item's base unit
and travel as strings."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from orderdesk.core.apitools import QuantityIn, ScaledOut

from .models import MovementKind, StockLevel, StockMovement


class WarehouseOut(Schema):
    id: int
    code: str
    name: str
    timezone: str
    line1: str
    city: str
    region: str
    postal_code: str
    country: str
    active: bool


class WarehouseIn(Schema):
    code: str = Field(min_length=1, max_length=10)
    name: str = Field(min_length=1, max_length=100)
    timezone: str = Field("America/Chicago", description="IANA name; local times are shown in it")
    line1: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = "US"
    active: bool = True


class WarehousePatch(Schema):
    """The code is the warehouse's natural key and cannot change."""

    name: str | None = None
    timezone: str | None = None
    line1: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    active: bool | None = Field(None, description="Refused while the warehouse holds stock")


class WarehouseFilter(Schema):
    active: bool | None = None


class StockLevelOut(Schema):
    id: int
    item_id: int
    item_sku: str
    uom_code: str
    warehouse_id: int
    warehouse_code: str
    lot: str
    on_hand: ScaledOut
    allocated: ScaledOut
    available: ScaledOut

    @staticmethod
    def resolve_item_sku(obj: StockLevel) -> str:
        return obj.item.sku

    @staticmethod
    def resolve_uom_code(obj: StockLevel) -> str:
        return obj.item.base_uom.code

    @staticmethod
    def resolve_warehouse_code(obj: StockLevel) -> str:
        return obj.warehouse.code


class StockLevelFilter(Schema):
    item: int | None = Field(None, description="Item id")
    warehouse: int | None = Field(None, description="Warehouse id")
    lot: str | None = None
    in_stock: bool = Field(False, description="Only levels with stock on hand")


class StockMovementOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    item_id: int
    item_sku: str
    warehouse_id: int
    warehouse_code: str
    lot: str
    quantity: ScaledOut = Field(description="Signed: receipts positive, issues negative")
    reference: str
    reason: str
    actor: str | None

    @staticmethod
    def resolve_item_sku(obj: StockMovement) -> str:
        return obj.item.sku

    @staticmethod
    def resolve_warehouse_code(obj: StockMovement) -> str:
        return obj.warehouse.code

    @staticmethod
    def resolve_actor(obj: StockMovement) -> str | None:
        return obj.actor.username if obj.actor else None


class StockMovementFilter(Schema):
    item: int | None = Field(None, description="Item id")
    warehouse: int | None = Field(None, description="Warehouse id")
    lot: str | None = None
    kind: MovementKind | None = None
    reference: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = Field(None, description="Exclusive")


class StockAdjustmentIn(Schema):
    """Either what was counted (the difference to the book is booked) or the difference."""

    item_id: int
    warehouse_id: int
    reason: str = Field(min_length=1, examples=["cycle count aisle 4"])
    counted: QuantityIn | None = None
    delta: QuantityIn | None = None
    lot: str = ""
    reference: str = ""


class StockAdjustmentOut(Schema):
    movement: StockMovementOut | None = Field(
        description="The adjustment booked; null when the count matched the book"
    )

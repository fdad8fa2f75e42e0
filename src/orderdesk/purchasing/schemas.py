"""Request and response shapes of the purchasing API. Quantities and costs travel as strings."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from orderdesk.core.apitools import AmountIn, QuantityIn, ScaledOut

from .models import PurchaseOrder, PurchaseOrderLine, PurchaseOrderStatus


class PurchaseOrderLineOut(Schema):
    line_no: int
    item_id: int
    item_sku: str
    uom_code: str
    quantity_ordered: ScaledOut
    quantity_received: ScaledOut
    quantity_open: ScaledOut
    unit_cost: ScaledOut
    expected_date: dt.date

    @staticmethod
    def resolve_item_sku(obj: PurchaseOrderLine) -> str:
        return obj.item.sku

    @staticmethod
    def resolve_uom_code(obj: PurchaseOrderLine) -> str:
        return obj.item.base_uom.code


class PurchaseOrderOut(Schema):
    id: int
    number: str
    vendor_id: int
    vendor_code: str
    warehouse_id: int | None
    warehouse_code: str | None
    status: str
    order_date: dt.date
    expected_date: dt.date
    currency: str
    drop_ship: bool
    ship_to_id: int | None
    vendor_reference: str
    notes: str
    created_at: dt.datetime

    @staticmethod
    def resolve_vendor_code(obj: PurchaseOrder) -> str:
        return obj.vendor.code

    @staticmethod
    def resolve_warehouse_code(obj: PurchaseOrder) -> str | None:
        return obj.warehouse.code if obj.warehouse else None


class PurchaseOrderDetailOut(PurchaseOrderOut):
    lines: list[PurchaseOrderLineOut]


class PurchaseOrderLineIn(Schema):
    item_id: int
    quantity: QuantityIn = Field(gt=0, description="In the item's base unit")
    unit_cost: AmountIn = Field(ge=0, description="In the purchase order's currency")
    expected_date: dt.date | None = Field(None, description="Defaults to the header's date")


class PurchaseOrderIn(Schema):
    vendor_id: int
    warehouse_id: int | None = Field(None, description="Where the goods go (not for drop-ship)")
    expected_date: dt.date
    lines: list[PurchaseOrderLineIn] = Field(min_length=1)
    drop_ship: bool = False
    ship_to_id: int | None = Field(None, description="Drop-ship: the customer's ship-to")
    currency: str | None = Field(None, description="Defaults to the vendor's currency")
    vendor_reference: str = ""
    notes: str = ""


class PurchaseOrderPatch(Schema):
    """Only a draft can change; `lines`, when sent, replaces all lines."""

    expected_date: dt.date | None = None
    warehouse_id: int | None = None
    ship_to_id: int | None = None
    currency: str | None = None
    vendor_reference: str | None = None
    notes: str | None = None
    lines: list[PurchaseOrderLineIn] | None = Field(None, min_length=1)
    reason: str = ""


class PurchaseOrderFilter(Schema):
    status: PurchaseOrderStatus | None = None
    vendor: int | None = Field(None, description="Vendor id")
    warehouse: int | None = Field(None, description="Warehouse id")
    drop_ship: bool | None = None
    q: str | None = Field(None, description="Part of our number or the vendor's reference")


class ReceiptLineIn(Schema):
    line_no: int
    quantity: QuantityIn = Field(gt=0)
    lot: str = Field("", description="Lot or serial number, for tracked items")


class ReceiptIn(Schema):
    receipts: list[ReceiptLineIn] = Field(min_length=1)
    reference: str = Field("", description="Packing slip or ASN number")


class CancelIn(Schema):
    reason: str = Field(min_length=1)

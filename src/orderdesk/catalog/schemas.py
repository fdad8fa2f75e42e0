"""Request and response shapes of the catalog API.

Related rows are named by id in requests (stable, unambiguous) and by id and code in
responses, so a client can show "EA" or "SKU-123" without a second request.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from orderdesk.core.apitools import DecimalOut, LengthIn, QuantityIn

from .models import Item, ItemStatus, KitComponent, Tracking, UnitConversion


class UnitOut(Schema):
    id: int
    code: str
    name: str


class UnitIn(Schema):
    code: str = Field(min_length=1, max_length=8, examples=["CS"])
    name: str = Field(min_length=1, max_length=50, examples=["Case"])


class UnitPatch(Schema):
    code: str | None = None
    name: str | None = None


class UnitFilter(Schema):
    q: str | None = Field(None, description="Part of the code or name")


class ConversionOut(Schema):
    id: int
    item_id: int
    item_sku: str
    uom_id: int
    uom_code: str
    factor: DecimalOut = Field(description="Base units in one of this unit")
    base_uom_code: str

    @staticmethod
    def resolve_item_sku(obj: UnitConversion) -> str:
        return obj.item.sku

    @staticmethod
    def resolve_uom_code(obj: UnitConversion) -> str:
        return obj.uom.code

    @staticmethod
    def resolve_base_uom_code(obj: UnitConversion) -> str:
        return obj.item.base_uom.code


class ConversionIn(Schema):
    item_id: int
    uom_id: int
    factor: QuantityIn = Field(gt=0, description="Base units in one of this unit, e.g. 12")


class ConversionPatch(Schema):
    uom_id: int | None = None
    factor: QuantityIn | None = Field(None, gt=0)


class ConversionFilter(Schema):
    item: int | None = Field(None, description="Item id")
    uom: int | None = Field(None, description="Unit id")


class KitComponentOut(Schema):
    id: int
    kit_id: int
    kit_sku: str
    component_id: int
    component_sku: str
    component_description: str
    quantity: DecimalOut
    component_uom_code: str

    @staticmethod
    def resolve_kit_sku(obj: KitComponent) -> str:
        return obj.kit.sku

    @staticmethod
    def resolve_component_sku(obj: KitComponent) -> str:
        return obj.component.sku

    @staticmethod
    def resolve_component_description(obj: KitComponent) -> str:
        return obj.component.description

    @staticmethod
    def resolve_component_uom_code(obj: KitComponent) -> str:
        return obj.component.base_uom.code


class KitComponentIn(Schema):
    kit_id: int
    component_id: int
    quantity: QuantityIn = Field(gt=0, description="In the component's base unit, per kit")


class KitComponentPatch(Schema):
    quantity: QuantityIn | None = Field(None, gt=0)


class KitComponentFilter(Schema):
    kit: int | None = Field(None, description="Kit item id")
    component: int | None = Field(None, description="Component item id: kits that use it")


class ItemOut(Schema):
    id: int
    sku: str
    description: str
    item_group: str
    base_uom_id: int
    base_uom_code: str
    status: str
    replacement_id: int | None
    replacement_sku: str | None
    tracking: str
    weight_kg: DecimalOut
    length_cm: DecimalOut
    width_cm: DecimalOut
    height_cm: DecimalOut
    min_order_qty: DecimalOut
    order_multiple: DecimalOut
    lead_time_days: int
    product_tax_code: str
    default_vendor_id: int | None
    default_vendor_code: str | None
    drop_ship: bool
    is_kit: bool
    hs_code: str
    country_of_origin: str
    un_number: str
    hazmat_class: str
    packing_group: str
    proper_shipping_name: str
    export_control_class: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_base_uom_code(obj: Item) -> str:
        return obj.base_uom.code

    @staticmethod
    def resolve_replacement_sku(obj: Item) -> str | None:
        return obj.replacement.sku if obj.replacement else None

    @staticmethod
    def resolve_default_vendor_code(obj: Item) -> str | None:
        return obj.default_vendor.code if obj.default_vendor else None


class ItemDetailOut(ItemOut):
    conversions: list[ConversionOut]
    components: list[KitComponentOut]


class ItemIn(Schema):
    sku: str = Field(min_length=1, max_length=40)
    description: str = Field(min_length=1, max_length=250)
    base_uom_id: int
    item_group: str = ""
    status: ItemStatus = ItemStatus.ACTIVE
    replacement_id: int | None = Field(None, description="Only for a discontinued item")
    tracking: Tracking = Tracking.NONE
    weight_kg: QuantityIn = Field(Decimal(0), ge=0)
    length_cm: LengthIn = Field(Decimal(0), ge=0)
    width_cm: LengthIn = Field(Decimal(0), ge=0)
    height_cm: LengthIn = Field(Decimal(0), ge=0)
    min_order_qty: QuantityIn = Field(Decimal(1), ge=0)
    order_multiple: QuantityIn = Field(Decimal(1), gt=0)
    lead_time_days: int = Field(0, ge=0)
    product_tax_code: str = "GENERAL"
    default_vendor_id: int | None = None
    drop_ship: bool = False
    is_kit: bool = False
    hs_code: str = ""
    country_of_origin: str = Field("", description="ISO 3166 two-letter code")
    un_number: str = Field("", description="UN and four digits, e.g. UN1950")
    hazmat_class: str = ""
    packing_group: str = Field("", description="I, II or III")
    proper_shipping_name: str = ""
    export_control_class: str = Field("", description="ECCN, e.g. EAR99")


class ItemPatch(Schema):
    sku: str | None = None
    description: str | None = None
    base_uom_id: int | None = None
    item_group: str | None = None
    status: ItemStatus | None = None
    replacement_id: int | None = None
    tracking: Tracking | None = None
    weight_kg: QuantityIn | None = Field(None, ge=0)
    length_cm: LengthIn | None = Field(None, ge=0)
    width_cm: LengthIn | None = Field(None, ge=0)
    height_cm: LengthIn | None = Field(None, ge=0)
    min_order_qty: QuantityIn | None = Field(None, ge=0)
    order_multiple: QuantityIn | None = Field(None, gt=0)
    lead_time_days: int | None = Field(None, ge=0)
    product_tax_code: str | None = None
    default_vendor_id: int | None = None
    drop_ship: bool | None = None
    is_kit: bool | None = None
    hs_code: str | None = None
    country_of_origin: str | None = None
    un_number: str | None = None
    hazmat_class: str | None = None
    packing_group: str | None = None
    proper_shipping_name: str | None = None
    export_control_class: str | None = None


class ItemFilter(Schema):
    q: str | None = Field(None, description="Part of the SKU, or words of the description")
    status: ItemStatus | None = None
    item_group: str | None = None
    tracking: Tracking | None = None
    is_kit: bool | None = None
    vendor: int | None = Field(None, description="Default vendor id")

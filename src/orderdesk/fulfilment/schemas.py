"""Request and response shapes of the warehouse API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from ninja import Field, Schema

from orderdesk.core.apitools import DecimalOut, LengthIn, QuantityIn, ScaledOut

from .models import PackageKind

WeightIn = QuantityIn  # kg, 4 places like the package's stored weight


class ReleaseIn(Schema):
    orders: list[int] | None = Field(
        None, description="Order ids to release; null = every order that may go now"
    )
    today: dt.date | None = Field(None, description="The warehouse's date; blank = today there")


class PickListSummaryOut(Schema):
    id: int
    number: str
    status: str
    order_id: int
    order: str
    customer: str
    warehouse: str
    wave: str | None
    priority: int
    line_count: int = 0

    @staticmethod
    def resolve_order(obj: Any) -> str:
        return str(obj.order.number)

    @staticmethod
    def resolve_customer(obj: Any) -> str:
        return str(obj.order.customer.account_number)

    @staticmethod
    def resolve_warehouse(obj: Any) -> str:
        return str(obj.warehouse.code)

    @staticmethod
    def resolve_wave(obj: Any) -> str | None:
        return obj.wave.number if obj.wave_id else None

    @staticmethod
    def resolve_priority(obj: Any) -> int:
        return int(obj.order.priority)


class WaveOut(Schema):
    id: int
    number: str
    warehouse: str
    carrier: str | None
    cutoff: dt.datetime | None
    priority: int
    status: str
    pick_list_count: int = 0
    open_count: int = 0

    @staticmethod
    def resolve_warehouse(obj: Any) -> str:
        return str(obj.warehouse.code)

    @staticmethod
    def resolve_carrier(obj: Any) -> str | None:
        return obj.carrier.scac if obj.carrier_id else None


class WaveDetailOut(WaveOut):
    pick_lists: list[PickListSummaryOut]

    @staticmethod
    def resolve_pick_lists(obj: Any) -> list[Any]:
        return list(obj.pick_lists.all())

    @staticmethod
    def resolve_pick_list_count(obj: Any) -> int:
        return len(obj.pick_lists.all())


class PickOut(Schema):
    lot: str
    quantity: ScaledOut
    scanned: str
    at: dt.datetime


class PickLineOut(Schema):
    id: int
    line_no: int
    sku: str
    description: str
    tracking: str
    lot: str
    quantity: ScaledOut
    qty_picked: ScaledOut
    qty_short: ScaledOut
    picks: list[PickOut]

    @staticmethod
    def resolve_line_no(obj: Any) -> int:
        return int(obj.order_line.line_no)

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return str(obj.item.sku)

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return str(obj.item.description)

    @staticmethod
    def resolve_tracking(obj: Any) -> str:
        return str(obj.item.tracking)

    @staticmethod
    def resolve_picks(obj: Any) -> list[Any]:
        return list(obj.picks.all())


class PackageLineOut(Schema):
    pick_line: int = Field(alias="pick_line_id")
    sku: str
    lot: str
    quantity: ScaledOut

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return str(obj.pick_line.item.sku)


class PackageOut(Schema):
    id: int
    number: str
    kind: str
    weight_kg: ScaledOut
    length_cm: DecimalOut
    width_cm: DecimalOut
    height_cm: DecimalOut
    contents: list[PackageLineOut]

    @staticmethod
    def resolve_contents(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class PickListOut(PickListSummaryOut):
    lines: list[PickLineOut]
    packages: list[PackageOut]
    picked_at: dt.datetime | None
    packed_at: dt.datetime | None

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_packages(obj: Any) -> list[Any]:
        return list(obj.packages.all())

    @staticmethod
    def resolve_line_count(obj: Any) -> int:
        return len(obj.lines.all())


class PickIn(Schema):
    pick_line: int
    quantity: QuantityIn | None = Field(
        None, gt=0, description="Blank: the label's count (AI 37), or 1 for a serial"
    )
    scanned: str = Field(
        "",
        max_length=200,
        description="Lot or serial number as scanned: plain, or a GS1-128 string "
        "('(01)…(10)LOT', or raw with GS separators and an optional ]C1 prefix)",
    )


class PicksIn(Schema):
    picks: list[PickIn] = Field(default_factory=list)
    short_reason: str = Field("", description="Required when anything is left short")


class ContentIn(Schema):
    pick_line: int
    quantity: QuantityIn = Field(gt=0)
    lot: str = Field("", description="Blank: the one lot the line was picked from")


class PackageIn(Schema):
    kind: str = Field(PackageKind.CARTON, description="carton, pallet, crate, envelope, drum")
    weight_kg: WeightIn = Field(gt=0)
    length_cm: LengthIn = Field(default=Decimal(0), ge=0)
    width_cm: LengthIn = Field(default=Decimal(0), ge=0)
    height_cm: LengthIn = Field(default=Decimal(0), ge=0)
    contents: list[ContentIn] = Field(min_length=1)


class PackIn(Schema):
    packages: list[PackageIn] | None = Field(
        None, description="null: one carton holding everything, weighed from the items"
    )


class ShipIn(Schema):
    ship_date: dt.date | None = Field(None, description="Blank: today at the warehouse")
    ship_method: str = Field("", description="Ship method code; blank = the order's")
    tracking_number: str = Field("", max_length=40)
    pro_number: str = Field("", max_length=40)
    third_party_bill_to: dict[str, str] | None = Field(
        None, description="name, line1, city, region, postal_code, country, account"
    )
    export_reason: str = Field("", description="sale, sample, gift, repair, return …")


class ShipmentLineOut(Schema):
    line_no: int
    sku: str
    description: str
    lot: str
    quantity: ScaledOut
    package: str | None

    @staticmethod
    def resolve_line_no(obj: Any) -> int:
        return int(obj.order_line.line_no)

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return str(obj.item.sku)

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return str(obj.item.description)

    @staticmethod
    def resolve_package(obj: Any) -> str | None:
        return obj.package.number if obj.package_id else None


class ShipmentPackageOut(Schema):
    number: str
    kind: str
    weight_kg: ScaledOut
    length_cm: DecimalOut
    width_cm: DecimalOut
    height_cm: DecimalOut
    tracking_number: str


class DocumentOut(Schema):
    kind: str
    number: str
    html: str
    pdf: str

    @staticmethod
    def resolve_html(obj: Any) -> str:
        return reverse(
            "api:shipment_document_html", kwargs={"shipment_id": obj.shipment_id, "kind": obj.kind}
        )

    @staticmethod
    def resolve_pdf(obj: Any) -> str:
        return reverse(
            "api:shipment_document_pdf", kwargs={"shipment_id": obj.shipment_id, "kind": obj.kind}
        )


class ShipmentSummaryOut(Schema):
    id: int
    number: str
    order_id: int
    order: str
    customer_id: int
    customer: str
    warehouse: str
    ship_method: str
    carrier: str
    tracking_number: str
    pro_number: str
    ship_date: dt.date
    status: str
    handling_units: int
    weight_kg: ScaledOut
    declared_value: ScaledOut
    currency: str

    @staticmethod
    def resolve_order(obj: Any) -> str:
        return str(obj.order.number)

    @staticmethod
    def resolve_customer(obj: Any) -> str:
        return str(obj.customer.account_number)

    @staticmethod
    def resolve_warehouse(obj: Any) -> str:
        return str(obj.warehouse.code)

    @staticmethod
    def resolve_ship_method(obj: Any) -> str:
        return str(obj.ship_method.code)

    @staticmethod
    def resolve_carrier(obj: Any) -> str:
        return str(obj.carrier.scac)


class ShipmentOut(ShipmentSummaryOut):
    pick_list: str
    freight_payment: str
    third_party_bill_to: dict[str, Any]
    export_reason: str
    lines: list[ShipmentLineOut]
    packages: list[ShipmentPackageOut]
    documents: list[DocumentOut]
    invoices: list[str]

    @staticmethod
    def resolve_pick_list(obj: Any) -> str:
        return str(obj.pick_list.number)

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_packages(obj: Any) -> list[Any]:
        return list(obj.packages.all())

    @staticmethod
    def resolve_documents(obj: Any) -> list[Any]:
        return list(obj.documents.all())

    @staticmethod
    def resolve_invoices(obj: Any) -> list[str]:
        return [inv.number for inv in obj.invoices.all()]


class PickListFilter(Schema):
    warehouse: int | None = Field(None, description="Warehouse id")
    status: str | None = Field(None, description="open, picked, packed, shipped, cancelled")
    wave: int | None = Field(None, description="Wave id")


class WaveFilter(Schema):
    warehouse: int | None = Field(None, description="Warehouse id")
    status: str | None = Field(None, description="open or done")


class ShipmentFilter(Schema):
    customer_id: int | None = None
    order_id: int | None = None
    warehouse: int | None = Field(None, description="Warehouse id")
    q: str | None = Field(None, description="Shipment, order or tracking number, PO, lot")

"""Request and response shapes of the orders API."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from orderdesk.core.apitools import AmountIn, DecimalOut, QuantityIn, ScaledOut


class LineIn(Schema):
    sku: str = Field(min_length=1, max_length=40, examples=["HVAC-0001"])
    quantity: QuantityIn = Field(gt=0, examples=["4"])
    uom: str = Field("", description="Unit ordered; blank = the item's base unit")
    requested_date: dt.date | None = None
    customer_price: AmountIn | None = Field(
        None, description="The unit price on the customer's PO; checked against ours"
    )
    warehouse: str = Field("", description="Warehouse code; blank = allocation chooses")
    notes: str = ""


class OrderIn(Schema):
    customer: str = Field("", description="Account number (a portal user's own account when blank)")
    customer_po: str = Field("", max_length=40)
    bill_to: str = Field("", description="Bill-to code; blank = the customer's default")
    ship_to: str = Field("", description="Ship-to code; blank = the customer's default")
    requested_date: dt.date | None = None
    ship_method: str = Field("", examples=["UPS-GND"])
    incoterm: str = Field("", description="Incoterms 2020 code, e.g. FCA or DAP")
    incoterm_place: str = ""
    fob_point: str = Field("", description="origin or destination")
    freight_payment: str = Field("", description="prepaid, prepaid_add, collect, third_party")
    rush: bool = False
    ship_complete: bool | None = None
    warehouse: str = ""
    notes: str = ""
    lines: list[LineIn] = Field(min_length=1)


class FindingOut(Schema):
    id: int
    code: str
    severity: str
    hold_kind: str
    message: str
    fix: str
    field: str
    line_no: int | None
    action: dict
    status: str
    close_reason: str

    @staticmethod
    def resolve_line_no(obj: object) -> int | None:
        line = getattr(obj, "line", None)
        return line.line_no if line is not None else None

    @staticmethod
    def resolve_action(obj: object) -> dict:
        return dict(getattr(obj, "data", None) or {})


class AllocationOut(Schema):
    warehouse: str
    lot: str
    sku: str
    quantity: ScaledOut

    @staticmethod
    def resolve_warehouse(obj: object) -> str:
        return obj.warehouse.code  # type: ignore[attr-defined]

    @staticmethod
    def resolve_sku(obj: object) -> str:
        return obj.item.sku  # type: ignore[attr-defined]


class LineOut(Schema):
    line_no: int
    sku: str
    description: str
    quantity: ScaledOut
    uom: str = Field(alias="uom_code")
    status: str
    qty_ordered: ScaledOut
    qty_open: ScaledOut
    qty_allocated: ScaledOut
    qty_backordered: ScaledOut
    qty_shipped: ScaledOut
    qty_cancelled: ScaledOut
    qty_invoiced: ScaledOut
    requested_date: dt.date | None
    promised_date: dt.date | None
    warehouse: str | None
    drop_ship: bool
    customer_price: ScaledOut | None
    list_price: ScaledOut
    unit_price: ScaledOut
    gross: ScaledOut
    discount: ScaledOut
    net: ScaledOut
    tax_rate: DecimalOut
    tax: ScaledOut
    price_source: str
    price_trace: list[str]
    allocations: list[AllocationOut]

    @staticmethod
    def resolve_warehouse(obj: object) -> str | None:
        wh = getattr(obj, "warehouse", None)
        return wh.code if wh is not None else None

    @staticmethod
    def resolve_allocations(obj: object) -> list:
        return list(obj.allocations.all())  # type: ignore[attr-defined]


class ChargeOut(Schema):
    code: str
    description: str
    amount: ScaledOut
    tax: ScaledOut


class AckOut(Schema):
    revision: int
    created_at: dt.datetime
    sent_to: str


class OrderSummaryOut(Schema):
    id: int
    number: str
    customer_id: int
    customer: str
    customer_name: str
    customer_po: str
    channel: str
    status: str
    rush: bool
    priority: int
    order_date: dt.date
    requested_date: dt.date | None
    total: ScaledOut
    currency: str
    created_at: dt.datetime

    @staticmethod
    def resolve_customer(obj: object) -> str:
        return obj.customer.account_number  # type: ignore[attr-defined]

    @staticmethod
    def resolve_customer_name(obj: object) -> str:
        return obj.customer.name  # type: ignore[attr-defined]


class OrderOut(OrderSummaryOut):
    source_document: str
    bill_to: str | None
    ship_to: str | None
    ship_method: str | None
    incoterm: str
    incoterm_place: str
    fob_point: str
    freight_payment: str
    payment_terms: str
    ship_complete: bool
    allow_split: bool
    notes: str
    merchandise: ScaledOut
    charges_total: ScaledOut
    tax_total: ScaledOut
    revision: int
    lines: list[LineOut]
    charges: list[ChargeOut]
    findings: list[FindingOut]
    acknowledgements: list[AckOut]

    @staticmethod
    def resolve_bill_to(obj: object) -> str | None:
        a = getattr(obj, "bill_to", None)
        return a.code if a is not None else None

    @staticmethod
    def resolve_ship_to(obj: object) -> str | None:
        a = getattr(obj, "ship_to", None)
        return a.code if a is not None else None

    @staticmethod
    def resolve_ship_method(obj: object) -> str | None:
        m = getattr(obj, "ship_method", None)
        return m.code if m is not None else None

    @staticmethod
    def resolve_payment_terms(obj: object) -> str:
        return obj.payment_terms.code  # type: ignore[attr-defined]

    @staticmethod
    def resolve_lines(obj: object) -> list:
        return list(obj.lines.all())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_charges(obj: object) -> list:
        return list(obj.charges.all())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_findings(obj: object) -> list:
        return list(obj.findings.all())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_acknowledgements(obj: object) -> list:
        return list(obj.acks.all())  # type: ignore[attr-defined]


class OrderFilter(Schema):
    status: str | None = None
    hold_kind: str | None = Field(None, description="price, credit, data, compliance …")
    customer_id: int | None = None
    rush: bool | None = None
    q: str | None = Field(None, description="Order number, customer PO, account or name")
    backorders_due_by: dt.date | None = None


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=1000)


class EventOut(Schema):
    at: dt.datetime
    actor: str = Field(alias="actor_label")
    object_type: str
    object_label: str
    action: str
    before: dict | None
    after: dict | None
    reason: str


class LineChangeIn(Schema):
    line_no: int
    quantity: QuantityIn | None = Field(None, gt=0)
    requested_date: dt.date | None = None
    cancel: bool = False


class ChangeIn(Schema):
    reason: str = Field(min_length=1, max_length=1000)
    lines: list[LineChangeIn] = []
    add: list[LineIn] = []
    requested_date: dt.date | None = None
    notes: str | None = None


class ChangeOut(Schema):
    id: int
    kind: str
    line_no: int | None
    before: dict
    after: dict
    status: str
    reason: str
    value_delta: ScaledOut
    acknowledged_revision: int | None


class ChangeResultOut(Schema):
    order: OrderOut
    pending_change: ChangeOut | None
    applied: list[ChangeOut]


class MoveIn(ReasonIn):
    warehouse: str = Field(min_length=1, description="Code of the warehouse to serve from")

"""Request and response shapes of the returns and recall API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from orderdesk.core.apitools import QuantityIn, ScaledOut


class RmaLineIn(Schema):
    line_no: int = Field(ge=1, description="Line number on the order")
    quantity: QuantityIn = Field(gt=0, description="Base units coming back")
    lot: str = Field("", max_length=40, description="Lot or serial; blank = the only one shipped")
    reason_code: str = Field("", max_length=20, examples=["DAMAGED"])


class RmaIn(Schema):
    order_id: int
    reason: str = Field(min_length=1, max_length=500)
    resolution: str = Field("credit", description="credit or exchange")
    lines: list[RmaLineIn] = Field(min_length=1)


class ReasonIn(Schema):
    reason: str = Field("", max_length=500)


class ReceiptLineIn(Schema):
    line_no: int = Field(ge=1, description="Line number on the RMA")
    quantity: QuantityIn = Field(gt=0)
    lot: str = Field("", max_length=40)
    condition: str = Field(description="new, opened, damaged, defective")
    disposition: str = Field(description="restock, scrap, repair, return_to_vendor")
    notes: str = Field("", max_length=500)
    vendor_id: int | None = Field(None, description="Return to vendor: blank = item's default")


class ReceiptIn(Schema):
    warehouse_id: int
    received_on: dt.date | None = None
    lines: list[ReceiptLineIn] = Field(min_length=1)


class CreditIn(Schema):
    memo_date: dt.date | None = Field(None, description="Blank = today")


class RmaFilter(Schema):
    status: str | None = Field(
        None,
        description="requested, approved, received, credited, or done (closed/rejected/cancelled)",
    )
    customer_id: int | None = None
    order_id: int | None = None
    q: str | None = Field(None, description="RMA or order number, PO, account or customer name")


class PolicyFindingOut(Schema):
    code: str
    line_no: int
    message: str
    fix: str
    status: str
    reason: str = ""


class ReturnLineOut(Schema):
    id: int
    line_no: int
    order_line_no: int
    sku: str
    lot: str
    quantity: ScaledOut
    reason_code: str
    qty_received: ScaledOut
    qty_credited: ScaledOut
    invoice_line_id: int | None

    @staticmethod
    def resolve_order_line_no(obj: Any) -> int:
        return int(obj.order_line.line_no)

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return str(obj.item.sku)


class ReceiptLineOut(Schema):
    line_no: int
    lot: str
    quantity: ScaledOut
    condition: str
    disposition: str
    vendor: str | None
    notes: str

    @staticmethod
    def resolve_line_no(obj: Any) -> int:
        return int(obj.return_line.line_no)

    @staticmethod
    def resolve_vendor(obj: Any) -> str | None:
        return obj.vendor.code if obj.vendor_id else None


class ReceiptOut(Schema):
    id: int
    number: str
    rma_id: int
    warehouse: str
    received_on: dt.date
    lines: list[ReceiptLineOut]

    @staticmethod
    def resolve_warehouse(obj: Any) -> str:
        return str(obj.warehouse.code)

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.select_related("return_line", "vendor").all())


def _number(row: Any) -> str | None:
    return row.number if row is not None else None


class RmaSummaryOut(Schema):
    id: int
    number: str
    status: str
    resolution: str
    channel: str
    customer_id: int
    customer: str
    order_id: int
    order_number: str
    invoice_number: str | None
    credit_memo_number: str | None
    requested_at: dt.datetime
    findings: int

    @staticmethod
    def resolve_customer(obj: Any) -> str:
        return str(obj.customer.account_number)

    @staticmethod
    def resolve_order_number(obj: Any) -> str:
        return str(obj.order.number)

    @staticmethod
    def resolve_invoice_number(obj: Any) -> str | None:
        return _number(obj.invoice)

    @staticmethod
    def resolve_credit_memo_number(obj: Any) -> str | None:
        return _number(obj.credit_memo)

    @staticmethod
    def resolve_findings(obj: Any) -> int:
        return sum(1 for f in obj.policy_findings if f.get("status") == "open")


class RmaOut(RmaSummaryOut):
    reason: str
    warehouse: str | None
    restocking_fee_percent: ScaledOut
    policy_findings: list[PolicyFindingOut]
    decided_at: dt.datetime | None
    decision_reason: str
    credit_memo_id: int | None
    replacement_order_id: int | None
    replacement_order_number: str | None
    lines: list[ReturnLineOut]
    receipts: list[ReceiptOut]

    @staticmethod
    def resolve_warehouse(obj: Any) -> str | None:
        return obj.warehouse.code if obj.warehouse_id else None

    @staticmethod
    def resolve_replacement_order_number(obj: Any) -> str | None:
        return _number(obj.replacement_order)

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_receipts(obj: Any) -> list[Any]:
        return list(obj.receipts.all())


class CreditOut(Schema):
    id: int
    number: str
    invoice_id: int
    invoice_number: str
    memo_date: dt.date
    currency: str
    merchandise: ScaledOut
    fees: ScaledOut
    tax_total: ScaledOut
    total: ScaledOut
    reference: str

    @staticmethod
    def resolve_invoice_number(obj: Any) -> str:
        return str(obj.invoice.number)


class ExchangeOut(Schema):
    credit_memo: CreditOut
    replacement_order_id: int
    replacement_order_number: str
    replacement_order_status: str


# -- recall ---------------------------------------------------------------------------------


class RecallFilter(Schema):
    number: str = Field(description="Lot or serial number")
    item: str = Field("", description="SKU; blank = every item with this lot number")


class TraceLotOut(Schema):
    id: int
    sku: str
    number: str
    expiry_date: dt.date | None
    quality_hold: bool
    hold_reason: str


class TraceInvoiceOut(Schema):
    id: int
    number: str
    invoice_date: dt.date
    quantity: ScaledOut


class TraceDispositionOut(Schema):
    receipt: str
    received_on: dt.date
    warehouse: str
    quantity: ScaledOut
    condition: str
    disposition: str


class TraceReturnOut(Schema):
    rma_id: int
    rma_number: str
    status: str
    quantity: ScaledOut
    received: ScaledOut
    dispositions: list[TraceDispositionOut]


class TraceShipmentOut(Schema):
    shipment_id: int
    shipment_number: str
    ship_date: dt.date
    warehouse: str
    carrier: str
    scac: str
    tracking_number: str
    pro_number: str
    order_id: int
    order_number: str
    customer_po: str
    customer_id: int
    account_number: str
    customer_name: str
    customer_email: str
    customer_phone: str
    contact_name: str
    contact_email: str
    contact_phone: str
    ship_to_code: str
    ship_to_name: str
    ship_to_address: str
    sku: str
    lot: str
    quantity: ScaledOut
    invoices: list[TraceInvoiceOut]
    returns: list[TraceReturnOut]


class TraceStockOut(Schema):
    warehouse: str
    sku: str
    lot: str
    on_hand: ScaledOut
    allocated: ScaledOut


class TraceOut(Schema):
    number: str
    item: str | None
    on_hold: bool
    customers: int
    shipped: ScaledOut
    returned: ScaledOut
    on_hand: ScaledOut
    lots: list[TraceLotOut]
    shipments: list[TraceShipmentOut]
    stock: list[TraceStockOut]


class LotOut(Schema):
    id: int
    sku: str
    number: str
    quality_hold: bool
    hold_reason: str

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return str(obj.item.sku)

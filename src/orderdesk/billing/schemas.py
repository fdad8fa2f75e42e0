"""Request and response shapes of the invoicing, credit memo and period API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from orderdesk.core.apitools import AmountIn, DecimalOut, PercentIn, QuantityIn, ScaledOut


class InvoiceFilter(Schema):
    customer_id: int | None = None
    order_id: int | None = None
    status: str | None = Field(None, description="open, paid or credited")
    date_from: dt.date | None = Field(None, description="Invoice date on or after")
    date_to: dt.date | None = Field(None, description="Invoice date on or before")
    overdue: bool | None = Field(None, description="Open and past the due date")
    q: str | None = Field(None, description="Invoice, order or PO number, account or name")


class CreditMemoFilter(Schema):
    customer_id: int | None = None
    invoice_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str | None = Field(None, description="Memo, invoice or RMA number, account or name")


class InvoiceSummaryOut(Schema):
    id: int
    number: str
    customer_id: int
    customer: str
    customer_name: str
    order_id: int
    order_number: str
    shipment_number: str | None
    customer_po: str
    invoice_date: dt.date
    due_date: dt.date
    currency: str
    total: ScaledOut
    open_amount: ScaledOut
    status: str

    @staticmethod
    def resolve_customer(obj: object) -> str:
        return obj.customer.account_number  # type: ignore[attr-defined]

    @staticmethod
    def resolve_customer_name(obj: object) -> str:
        return obj.customer.name  # type: ignore[attr-defined]

    @staticmethod
    def resolve_order_number(obj: object) -> str:
        return obj.order.number  # type: ignore[attr-defined]

    @staticmethod
    def resolve_shipment_number(obj: object) -> str | None:
        shipment = obj.shipment  # type: ignore[attr-defined]
        return shipment.number if shipment is not None else None

    @staticmethod
    def resolve_open_amount(obj: object) -> Decimal:
        receivable = obj.receivable  # type: ignore[attr-defined]
        return receivable.open_amount if receivable is not None else Decimal(0)


class InvoiceLineOut(Schema):
    id: int
    line_no: int
    order_line_no: int
    sku: str
    description: str
    lot: str
    quantity: ScaledOut = Field(description="Base units")
    quantity_ordered_unit: DecimalOut = Field(description="In the unit ordered")
    uom: str = Field(alias="uom_code")
    unit_price: ScaledOut
    net: ScaledOut
    tax_rate: DecimalOut
    tax: ScaledOut

    @staticmethod
    def resolve_order_line_no(obj: object) -> int:
        return obj.order_line.line_no  # type: ignore[attr-defined]

    @staticmethod
    def resolve_quantity_ordered_unit(obj: object) -> Decimal:
        factor = obj.order_line.factor or Decimal(1)  # type: ignore[attr-defined]
        return (obj.quantity / factor).normalize()  # type: ignore[attr-defined, no-any-return]


class InvoiceChargeOut(Schema):
    id: int
    code: str
    description: str
    amount: ScaledOut
    tax_rate: DecimalOut
    tax: ScaledOut


class CreditMemoSummaryOut(Schema):
    id: int
    number: str
    customer_id: int
    customer: str
    invoice_id: int
    invoice_number: str
    memo_date: dt.date
    reason: str
    reference: str
    currency: str
    merchandise: ScaledOut
    fees: ScaledOut
    tax_total: ScaledOut
    total: ScaledOut
    open_amount: ScaledOut

    @staticmethod
    def resolve_customer(obj: object) -> str:
        return obj.customer.account_number  # type: ignore[attr-defined]

    @staticmethod
    def resolve_invoice_number(obj: object) -> str:
        return obj.invoice.number  # type: ignore[attr-defined]

    @staticmethod
    def resolve_open_amount(obj: object) -> Decimal:
        receivable = obj.receivable  # type: ignore[attr-defined]
        return receivable.open_amount if receivable is not None else Decimal(0)


class InvoiceOut(InvoiceSummaryOut):
    bill_to: dict
    payment_terms: str
    discount_date: dt.date | None
    discount_amount: ScaledOut
    merchandise: ScaledOut
    charges_total: ScaledOut
    tax_total: ScaledOut
    lines: list[InvoiceLineOut]
    charges: list[InvoiceChargeOut]
    credit_memos: list[CreditMemoSummaryOut]

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
    def resolve_credit_memos(obj: object) -> list:
        return list(obj.credit_memos.all())  # type: ignore[attr-defined]


class CreditMemoLineOut(Schema):
    line_no: int
    kind: str
    description: str
    invoice_line_id: int | None
    invoice_charge_id: int | None
    quantity: ScaledOut
    unit_price: ScaledOut
    net: ScaledOut
    tax_rate: DecimalOut
    tax: ScaledOut


class CreditMemoOut(CreditMemoSummaryOut):
    lines: list[CreditMemoLineOut]

    @staticmethod
    def resolve_lines(obj: object) -> list:
        return list(obj.lines.all())  # type: ignore[attr-defined]


class InvoiceOrderIn(Schema):
    invoice_date: dt.date | None = Field(None, description="Blank = each shipment's ship date")


class CreditLineIn(Schema):
    invoice_line_id: int
    quantity: QuantityIn = Field(gt=0, description="Base units, as on the invoice line")


class CreditChargeIn(Schema):
    invoice_charge_id: int
    amount: AmountIn = Field(gt=0, description="Part of the charge to give back, before tax")


class CreditMemoIn(Schema):
    reason: str = Field(min_length=1, max_length=200)
    reference: str = Field("", max_length=40, description="RMA number, if any")
    fee_percent: PercentIn = Field(Decimal(0), ge=0, lt=100, description="Restocking fee %")
    memo_date: dt.date | None = Field(None, description="Blank = today")
    lines: list[CreditLineIn] = []
    charges: list[CreditChargeIn] = []


class PeriodOut(Schema):
    closed_through: dt.date | None
    reason: str
    closed_by: str | None
    closed_at: dt.datetime | None
    history: list[PeriodHistoryOut]


class PeriodHistoryOut(Schema):
    closed_through: dt.date
    reason: str
    closed_by: str | None
    closed_at: dt.datetime

    @staticmethod
    def resolve_closed_by(obj: object) -> str | None:
        user = obj.closed_by  # type: ignore[attr-defined]
        return user.username if user is not None else None


class PeriodIn(Schema):
    through: dt.date = Field(description="Last date of the closed period (inclusive)")
    reason: str = Field("", max_length=200)


PeriodOut.model_rebuild()

"""Request and response shapes of the ledger API: payments, ledger, aging, discrepancies,
month-end. Amounts are exact decimal strings at the stored scale ("150.0000"), each with
its currency."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from orderdesk.core.apitools import AmountIn, ScaledOut

from .models import PaymentMethod


class ApplicationIn(Schema):
    receivable_id: int = Field(description="The open item (invoice) to apply to")
    amount: AmountIn = Field(gt=0, examples=["250.00"])


class PaymentIn(Schema):
    customer_id: int
    amount: AmountIn = Field(gt=0, examples=["1250.00"])
    received_date: dt.date
    method: str = Field(PaymentMethod.CHECK, description=", ".join(PaymentMethod.values))
    reference: str = Field("", max_length=60, description="Check number, remittance id …")
    currency: str | None = Field(None, description="ISO 4217; blank = the customer's")
    apply_to: list[ApplicationIn] | None = Field(
        None,
        description="Where the cash goes; omitted = open credit memos first, then oldest due "
        "first with early-payment discounts in terms; [] = keep it all unapplied",
    )


class ApplyIn(Schema):
    applications: list[ApplicationIn] | None = Field(None, description="Omitted = oldest due first")
    on: dt.date | None = Field(None, description="Application date; blank = today")


class ApplicationOut(Schema):
    id: int
    payment_id: int | None
    credit_id: int | None = Field(description="The credit memo's open item, when one was used")
    receivable_id: int
    document_number: str
    amount: ScaledOut
    discount: ScaledOut
    applied_on: dt.date

    @staticmethod
    def resolve_document_number(obj: Any) -> str:
        return str(obj.receivable.document_number)


class PaymentOut(Schema):
    id: int
    number: str
    customer_id: int
    account_number: str
    received_date: dt.date
    currency: str
    amount: ScaledOut
    unapplied: ScaledOut
    method: str
    reference: str
    applications: list[ApplicationOut]

    @staticmethod
    def resolve_account_number(obj: Any) -> str:
        return str(obj.customer.account_number)

    @staticmethod
    def resolve_applications(obj: Any) -> list[Any]:
        return list(obj.applications.all())


class PaymentFilter(Schema):
    customer_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    unapplied: bool | None = Field(None, description="true = with cash still unapplied")


class EntryOut(Schema):
    date: dt.date
    kind: str = Field(description="opening, invoice, credit_memo, payment or discount")
    number: str
    description: str
    amount: ScaledOut = Field(description="+ owed by the customer, − paid or credited")
    balance: ScaledOut
    due_date: dt.date | None
    open_amount: ScaledOut | None
    invoice_id: int | None
    credit_memo_id: int | None
    payment_id: int | None


class BalanceOut(Schema):
    currency: str
    invoices: ScaledOut
    credits: ScaledOut
    payments: ScaledOut
    discounts: ScaledOut
    open_items: ScaledOut
    unapplied: ScaledOut
    balance: ScaledOut


class AgingOut(Schema):
    customer_id: int
    account_number: str
    name: str
    currency: str
    current: ScaledOut
    d1_30: ScaledOut
    d31_60: ScaledOut
    d61_90: ScaledOut
    d90_plus: ScaledOut
    unapplied: ScaledOut
    total: ScaledOut


class OpenItemOut(Schema):
    receivable_id: int
    kind: str
    document_number: str
    document_date: dt.date
    due_date: dt.date
    amount: ScaledOut
    open_amount: ScaledOut
    days_past_due: int
    bucket: str
    discount_date: dt.date | None
    discount_amount: ScaledOut

    @staticmethod
    def resolve_receivable_id(obj: Any) -> int:
        return int(obj.item.pk)

    @staticmethod
    def resolve_kind(obj: Any) -> str:
        return str(obj.item.kind)

    @staticmethod
    def resolve_document_number(obj: Any) -> str:
        return str(obj.item.document_number)

    @staticmethod
    def resolve_document_date(obj: Any) -> dt.date:
        return obj.item.document_date  # type: ignore[no-any-return]

    @staticmethod
    def resolve_due_date(obj: Any) -> dt.date:
        return obj.item.due_date  # type: ignore[no-any-return]

    @staticmethod
    def resolve_amount(obj: Any) -> Any:
        return obj.item.amount

    @staticmethod
    def resolve_open_amount(obj: Any) -> Any:
        return obj.item.open_amount


class LedgerOut(Schema):
    customer_id: int
    account_number: str
    name: str
    currency: str
    as_of: dt.date
    start: dt.date | None
    end: dt.date | None
    opening: ScaledOut = Field(description="Balance before `start`")
    closing: ScaledOut
    balance: BalanceOut
    aging: AgingOut
    open_items: list[OpenItemOut]
    entries: list[EntryOut]

    @staticmethod
    def resolve_customer_id(obj: Any) -> int:
        return int(obj.customer.pk)

    @staticmethod
    def resolve_account_number(obj: Any) -> str:
        return str(obj.customer.account_number)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.customer.name)

    @staticmethod
    def resolve_currency(obj: Any) -> str:
        return str(obj.ledger.currency)

    @staticmethod
    def resolve_start(obj: Any) -> dt.date | None:
        return obj.ledger.start  # type: ignore[no-any-return]

    @staticmethod
    def resolve_end(obj: Any) -> dt.date | None:
        return obj.ledger.end  # type: ignore[no-any-return]

    @staticmethod
    def resolve_opening(obj: Any) -> Any:
        return obj.ledger.opening

    @staticmethod
    def resolve_closing(obj: Any) -> Any:
        return obj.ledger.closing

    @staticmethod
    def resolve_entries(obj: Any) -> list[Any]:
        return list(obj.ledger.entries)


class AgingTotalOut(Schema):
    currency: str
    customers: int
    current: ScaledOut
    d1_30: ScaledOut
    d31_60: ScaledOut
    d61_90: ScaledOut
    d90_plus: ScaledOut
    unapplied: ScaledOut
    total: ScaledOut


class AgingReportOut(Schema):
    as_of: dt.date
    rows: list[AgingOut]
    totals: list[AgingTotalOut]


class DiscrepancyFilter(Schema):
    customer_id: int | None = None
    order_id: int | None = None
    kind: str = Field(
        "",
        description="shipped_not_invoiced, invoiced_not_shipped, short_shipped, "
        "over_shipped or counter_mismatch; blank = all",
    )


class DiscrepancyOut(Schema):
    kind: str
    order_id: int
    order_number: str
    order_status: str
    customer_id: int
    account_number: str
    line_id: int
    line_no: int
    sku: str
    ordered: ScaledOut = Field(description="Ordered less cancelled, base units")
    shipped: ScaledOut
    invoiced: ScaledOut
    detail: str


class GapOut(Schema):
    order_id: int
    order_number: str
    account_number: str
    customer_name: str
    line_no: int
    sku: str
    shipped: ScaledOut
    invoiced: ScaledOut
    quantity: ScaledOut
    unit_price: ScaledOut
    value: ScaledOut
    currency: str
    last_ship_date: dt.date | None


class BacklogOut(Schema):
    customer_id: int
    account_number: str
    customer_name: str
    currency: str
    orders: int
    lines: int
    value: ScaledOut


class RevenueOut(Schema):
    key: str
    label: str
    currency: str
    invoices: int
    merchandise: ScaledOut
    charges: ScaledOut
    tax: ScaledOut
    total: ScaledOut


class CreditsOut(Schema):
    account_number: str
    customer_name: str
    currency: str
    memos: int
    merchandise: ScaledOut
    fees: ScaledOut
    tax: ScaledOut
    total: ScaledOut


class CashOut(Schema):
    account_number: str
    customer_name: str
    currency: str
    payments: int
    received: ScaledOut
    unapplied: ScaledOut
    discounts: ScaledOut


class PeriodStatusOut(Schema):
    closed_through: dt.date | None
    closed: bool = Field(description="The whole report period is on or before the cut-off")
    closed_by: str
    closed_at: dt.datetime | None
    reason: str


class MonthEndOut(Schema):
    start: dt.date
    end: dt.date
    shipped_not_invoiced: list[GapOut]
    invoiced_not_shipped: list[GapOut]
    backlog: list[BacklogOut]
    revenue_by_month: list[RevenueOut]
    revenue_by_customer: list[RevenueOut]
    credits: list[CreditsOut]
    cash: list[CashOut]
    receivables: list[AgingTotalOut]
    period: PeriodStatusOut
    totals: dict[str, dict[str, dict[str, ScaledOut]]] = Field(
        description="Per section, per currency, the sums of its amount columns"
    )

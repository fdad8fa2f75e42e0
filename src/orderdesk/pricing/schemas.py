"""Request and response shapes of the pricing API. Every amount travels as a string."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from orderdesk.core.apitools import AmountIn, DecimalOut, PercentIn, QuantityIn

from .models import ContractPrice, PriceListEntry, SurchargeBasis


class PriceListOut(Schema):
    id: int
    code: str
    name: str
    currency: str
    is_default: bool


class PriceListIn(Schema):
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=100)
    currency: str = Field("USD", description="ISO 4217; fixed once prices or customers use it")
    is_default: bool = Field(False, description="The fallback list of its currency")


class PriceListPatch(Schema):
    code: str | None = None
    name: str | None = None
    currency: str | None = None
    is_default: bool | None = None


class PriceListFilter(Schema):
    q: str | None = Field(None, description="Part of the code or name")
    currency: str | None = None


class PriceListEntryOut(Schema):
    id: int
    price_list_id: int
    price_list_code: str
    item_id: int
    item_sku: str
    min_quantity: DecimalOut
    unit_price: DecimalOut
    currency: str

    @staticmethod
    def resolve_price_list_code(obj: PriceListEntry) -> str:
        return obj.price_list.code

    @staticmethod
    def resolve_item_sku(obj: PriceListEntry) -> str:
        return obj.item.sku

    @staticmethod
    def resolve_currency(obj: PriceListEntry) -> str:
        return obj.price_list.currency


class PriceListEntryIn(Schema):
    price_list_id: int
    item_id: int
    min_quantity: QuantityIn = Field(
        Decimal(1), gt=0, description="The break: this price from here up"
    )
    unit_price: AmountIn = Field(ge=0, description="In the price list's currency")


class PriceListEntryPatch(Schema):
    min_quantity: QuantityIn | None = Field(None, gt=0)
    unit_price: AmountIn | None = Field(None, ge=0)


class PriceListEntryFilter(Schema):
    price_list: int | None = Field(None, description="Price list id")
    item: int | None = Field(None, description="Item id")


class ContractPriceOut(Schema):
    id: int
    customer_id: int
    customer_account_number: str
    item_id: int
    item_sku: str
    unit_price: DecimalOut
    currency: str
    valid_from: dt.date
    valid_to: dt.date | None
    contract_ref: str

    @staticmethod
    def resolve_customer_account_number(obj: ContractPrice) -> str:
        return obj.customer.account_number

    @staticmethod
    def resolve_item_sku(obj: ContractPrice) -> str:
        return obj.item.sku


class ContractPriceIn(Schema):
    customer_id: int
    item_id: int
    unit_price: AmountIn = Field(ge=0)
    valid_from: dt.date
    valid_to: dt.date | None = Field(None, description="Empty = open-ended")
    currency: str | None = Field(None, description="Defaults to the customer's currency")
    contract_ref: str = ""


class ContractPricePatch(Schema):
    unit_price: AmountIn | None = Field(None, ge=0)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    currency: str | None = None
    contract_ref: str | None = None


class ContractPriceFilter(Schema):
    customer: int | None = Field(None, description="Customer id")
    item: int | None = Field(None, description="Item id")
    valid_on: dt.date | None = Field(None, description="Only those in force on this day")


class SurchargeOut(Schema):
    id: int
    code: str
    name: str
    basis: str
    amount: DecimalOut
    currency: str
    item_group: str
    hazmat_only: bool
    below_order_value: DecimalOut | None
    active: bool


class SurchargeIn(Schema):
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=100)
    basis: SurchargeBasis
    amount: AmountIn = Field(ge=0, description="Percent for percent_line, else an amount")
    currency: str = "USD"
    item_group: str = Field("", description="Empty = every item group")
    hazmat_only: bool = False
    below_order_value: AmountIn | None = Field(None, gt=0, description="Small-order fee limit")
    active: bool = True


class SurchargePatch(Schema):
    code: str | None = None
    name: str | None = None
    basis: SurchargeBasis | None = None
    amount: AmountIn | None = Field(None, ge=0)
    currency: str | None = None
    item_group: str | None = None
    hazmat_only: bool | None = None
    below_order_value: AmountIn | None = Field(None, gt=0)
    active: bool | None = None


class SurchargeFilter(Schema):
    q: str | None = Field(None, description="Part of the code or name")
    active: bool | None = None


class TaxRateOut(Schema):
    id: int
    country: str
    region: str
    product_tax_code: str
    rate_percent: DecimalOut
    name: str
    valid_from: dt.date


class TaxRateIn(Schema):
    country: str = Field(min_length=2, max_length=2, description="ISO 3166 two-letter code")
    region: str = Field("", description="State or province; empty = the whole country")
    product_tax_code: str = "GENERAL"
    rate_percent: PercentIn = Field(ge=0, le=100)
    name: str = ""
    valid_from: dt.date


class TaxRatePatch(Schema):
    country: str | None = None
    region: str | None = None
    product_tax_code: str | None = None
    rate_percent: PercentIn | None = Field(None, ge=0, le=100)
    name: str | None = None
    valid_from: dt.date | None = None


class TaxRateFilter(Schema):
    country: str | None = None
    region: str | None = Field(None, description="Exact region; empty string = country-wide")
    product_tax_code: str | None = None

"""Request and response shapes of the parties API.

Create schemas list what a new row needs; patch schemas make every field optional and the
handler forwards only the fields the client sent (`exclude_unset`), so a PATCH never resets
a field it did not mention.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from orderdesk.core.apitools import AmountIn, CoordinateIn, DecimalOut, PercentIn

from .models import AddressKind, Customer, CustomerStatus, ServiceTier, Vendor


class PaymentTermsOut(Schema):
    id: int
    code: str
    description: str
    net_days: int
    discount_percent: DecimalOut
    discount_days: int


class PaymentTermsIn(Schema):
    code: str = Field(min_length=1, max_length=20, examples=["2/10NET30"])
    description: str = Field(min_length=1, max_length=100, examples=["2% 10 days, net 30"])
    net_days: int = Field(30, ge=0)
    discount_percent: PercentIn = Decimal(0)
    discount_days: int = Field(0, ge=0)


class PaymentTermsPatch(Schema):
    code: str | None = None
    description: str | None = None
    net_days: int | None = Field(None, ge=0)
    discount_percent: PercentIn | None = None
    discount_days: int | None = Field(None, ge=0)


class PaymentTermsFilter(Schema):
    q: str | None = Field(None, description="Part of the code or description")


class AddressOut(Schema):
    id: int
    customer_id: int
    kind: str
    code: str
    name: str
    line1: str
    line2: str
    city: str
    region: str
    postal_code: str
    country: str
    phone: str
    is_default: bool
    delivery_instructions: str
    latitude: DecimalOut | None
    longitude: DecimalOut | None
    active: bool


class AddressIn(Schema):
    customer_id: int
    kind: AddressKind
    code: str = Field(min_length=1, max_length=30, description="The customer's own ship-to id")
    name: str = Field(min_length=1, max_length=200)
    line1: str = Field(min_length=1, max_length=200)
    line2: str = ""
    city: str = Field(min_length=1, max_length=100)
    region: str = Field("", description="State or province code")
    postal_code: str = Field("", description="Checked against the country's format")
    country: str = Field("US", description="ISO 3166 two-letter code")
    phone: str = ""
    is_default: bool = False
    delivery_instructions: str = ""
    latitude: CoordinateIn | None = None
    longitude: CoordinateIn | None = None
    active: bool = True


class AddressPatch(Schema):
    kind: AddressKind | None = None
    code: str | None = None
    name: str | None = None
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    phone: str | None = None
    is_default: bool | None = None
    delivery_instructions: str | None = None
    latitude: CoordinateIn | None = None
    longitude: CoordinateIn | None = None
    active: bool | None = None


class AddressFilter(Schema):
    customer: int | None = Field(None, description="Customer id")
    kind: AddressKind | None = None
    q: str | None = Field(None, description="Part of the code, name, city, or postal code start")
    active: bool | None = None


class ContactOut(Schema):
    id: int
    customer_id: int
    name: str
    email: str
    phone: str
    job_title: str
    is_primary: bool


class ContactIn(Schema):
    customer_id: int
    name: str = Field(min_length=1, max_length=150)
    email: str = ""
    phone: str = ""
    job_title: str = ""
    is_primary: bool = False


class ContactPatch(Schema):
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    job_title: str | None = None
    is_primary: bool | None = None


class ContactFilter(Schema):
    customer: int | None = Field(None, description="Customer id")
    q: str | None = Field(None, description="Part of the name or e-mail")


class CustomerOut(Schema):
    id: int
    account_number: str
    name: str
    status: str
    currency: str
    payment_terms_id: int
    payment_terms_code: str
    credit_limit: DecimalOut
    tax_id: str
    tax_exempt: bool
    exemption_certificate: str
    price_list_id: int | None
    price_list_code: str | None
    discount_percent: DecimalOut
    service_tier: str
    email: str
    phone: str
    delivery_instructions: str
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_payment_terms_code(obj: Customer) -> str:
        return obj.payment_terms.code

    @staticmethod
    def resolve_price_list_code(obj: Customer) -> str | None:
        return obj.price_list.code if obj.price_list else None


class CustomerDetailOut(CustomerOut):
    """One customer with its addresses and contacts: what a clerk needs on the phone."""

    addresses: list[AddressOut]
    contacts: list[ContactOut]


class CustomerIn(Schema):
    account_number: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=200)
    payment_terms_id: int
    status: CustomerStatus = CustomerStatus.ACTIVE
    currency: str = Field("USD", description="ISO 4217 code")
    credit_limit: AmountIn = Field(Decimal(0), description="Needs the credit_edit capability")
    tax_id: str = ""
    tax_exempt: bool = False
    exemption_certificate: str = Field("", description="Required when tax_exempt")
    price_list_id: int | None = None
    discount_percent: PercentIn = Field(Decimal(0), description="Needs pricing_edit")
    service_tier: ServiceTier = ServiceTier.STANDARD
    email: str = ""
    phone: str = ""
    delivery_instructions: str = ""
    notes: str = ""


class CustomerPatch(Schema):
    account_number: str | None = None
    name: str | None = None
    payment_terms_id: int | None = None
    status: CustomerStatus | None = None
    currency: str | None = None
    credit_limit: AmountIn | None = None
    tax_id: str | None = None
    tax_exempt: bool | None = None
    exemption_certificate: str | None = None
    price_list_id: int | None = None
    discount_percent: PercentIn | None = None
    service_tier: ServiceTier | None = None
    email: str | None = None
    phone: str | None = None
    delivery_instructions: str | None = None
    notes: str | None = None


class CustomerFilter(Schema):
    q: str | None = Field(None, description="Part of account number, name, e-mail; or tax ID")
    status: CustomerStatus | None = None
    service_tier: ServiceTier | None = None
    price_list_id: int | None = None


class VendorOut(Schema):
    id: int
    code: str
    name: str
    currency: str
    payment_terms_id: int | None
    payment_terms_code: str | None
    lead_time_days: int
    email: str
    phone: str
    line1: str
    city: str
    region: str
    postal_code: str
    country: str
    active: bool

    @staticmethod
    def resolve_payment_terms_code(obj: Vendor) -> str | None:
        return obj.payment_terms.code if obj.payment_terms else None


class VendorIn(Schema):
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=200)
    currency: str = "USD"
    payment_terms_id: int | None = None
    lead_time_days: int = Field(7, ge=0)
    email: str = ""
    phone: str = ""
    line1: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = "US"
    active: bool = True


class VendorPatch(Schema):
    code: str | None = None
    name: str | None = None
    currency: str | None = None
    payment_terms_id: int | None = None
    lead_time_days: int | None = Field(None, ge=0)
    email: str | None = None
    phone: str | None = None
    line1: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    active: bool | None = None


class VendorFilter(Schema):
    q: str | None = Field(None, description="Part of the code or name")
    active: bool | None = None

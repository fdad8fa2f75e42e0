"""factory_boy factories for master data, shared by every app's tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from orderdesk.catalog.models import Item, UnitOfMeasure
from orderdesk.core.models import User
from orderdesk.core.roles import Role
from orderdesk.inventory.models import Warehouse
from orderdesk.parties.models import Address, AddressKind, Contact, Customer, PaymentTerms, Vendor
from orderdesk.pricing.models import ContractPrice, PriceList, PriceListEntry


class PaymentTermsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentTerms
        django_get_or_create = ("code",)

    code = "NET30"
    description = "Net 30 days"
    net_days = 30


class PriceListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceList
        django_get_or_create = ("code",)

    code = "LIST"
    name = "List prices"
    currency = "USD"
    is_default = True


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    account_number = factory.Sequence(lambda n: f"C{n:05d}")
    name = factory.Sequence(lambda n: f"Customer {n} Mechanical")
    payment_terms = factory.SubFactory(PaymentTermsFactory)
    credit_limit = Decimal("50000")
    price_list = factory.SubFactory(PriceListFactory)
    email = factory.LazyAttribute(lambda o: f"ap@{o.account_number.lower()}.example.com")


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    customer = factory.SubFactory(CustomerFactory)
    kind = AddressKind.SHIP_TO
    code = factory.Sequence(lambda n: f"ST{n:03d}")
    name = factory.LazyAttribute(lambda o: o.customer.name)
    line1 = "100 Main St"
    city = "Springfield"
    region = "IL"
    postal_code = "62701"
    country = "US"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.com")


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    code = factory.Sequence(lambda n: f"V{n:04d}")
    name = factory.Sequence(lambda n: f"Vendor {n} Supply")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitOfMeasure
        django_get_or_create = ("code",)

    code = "EA"
    name = "Each"


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    description = factory.Sequence(lambda n: f"Contactor 3-pole {n}A")
    base_uom = factory.SubFactory(UnitFactory)
    weight_kg = Decimal("0.5")


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse
        django_get_or_create = ("code",)

    code = "CHI"
    name = "Chicago DC"


class PriceListEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceListEntry

    price_list = factory.SubFactory(PriceListFactory)
    item = factory.SubFactory(ItemFactory)
    min_quantity = Decimal(1)
    unit_price = Decimal("10.00")


class ContractPriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractPrice

    customer = factory.SubFactory(CustomerFactory)
    item = factory.SubFactory(ItemFactory)
    unit_price = Decimal("9.00")
    valid_from = dt.date(2020, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.ORDER_CLERK
    password = factory.django.Password("pass-word-123")

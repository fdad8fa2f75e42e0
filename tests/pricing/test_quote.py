"""The pricing loader: the rows in force on the date, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
import pytest
from django.db import IntegrityError, transaction

from orderdesk.parties.models import Carrier, ShipMethod
from orderdesk.pricing.models import (
    FreightRate,
    Promotion,
    PromotionKind,
    Surcharge,
    TaxRate,
)
from orderdesk.pricing.quote import (
    QuoteLine,
    order_input,
    price_lookup,
    price_order_for,
)

from ..factories import (
    AddressFactory,
    ContractPriceFactory,
    CustomerFactory,
    ItemFactory,
    PriceListEntryFactory,
    PriceListFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = dt.date(2026, 5, 15)


class CarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carrier
        django_get_or_create = ("scac",)

    scac = "UPSN"
    name = "UPS"


class ShipMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShipMethod
        django_get_or_create = ("code",)

    code = "UPS-GND"
    carrier = factory.SubFactory(CarrierFactory)
    name = "UPS Ground"


class PromotionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Promotion

    code = factory.Sequence(lambda n: f"PROMO{n}")
    name = "Spring promotion"
    kind = PromotionKind.PERCENT
    percent = D("10")
    valid_from = dt.date(2026, 5, 1)
    valid_to = dt.date(2026, 5, 31)


class FreightRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FreightRate

    ship_method = factory.SubFactory(ShipMethodFactory)
    currency = "USD"
    per_order = D("12.50")
    per_kg = D("0.85")
    free_above = D("500")


def tax(country: str, region: str, code: str, rate: str, valid_from: str = "2000-01-01") -> None:
    TaxRate.objects.create(
        country=country,
        region=region,
        product_tax_code=code,
        rate_percent=D(rate),
        valid_from=dt.date.fromisoformat(valid_from),
    )


def quote(customer, lines, *, ship_to=None, ship_method=None, bill_freight=False, on=TODAY):
    return order_input(
        customer=customer,
        ship_to=ship_to,
        ship_method=ship_method,
        bill_freight=bill_freight,
        on_date=on,
        lines=lines,
    )


@pytest.fixture
def customer():
    return CustomerFactory()


@pytest.fixture
def item():
    entry = PriceListEntryFactory(unit_price=D("12.50"))
    PriceListEntryFactory(item=entry.item, min_quantity=D(10), unit_price=D("11.90"))
    return entry.item


# --- price list -------------------------------------------------------------------------------


def test_breaks_come_from_the_customers_price_list(item):
    contractor = PriceListFactory(code="CONTRACTOR", is_default=False)
    PriceListEntryFactory(price_list=contractor, item=item, unit_price=D("10.60"))
    customer = CustomerFactory(price_list=contractor)

    line = quote(customer, [QuoteLine("1", item, D(12))]).lines[0]

    assert [(b.min_quantity, b.unit_price) for b in line.breaks] == [(D(1), D("10.60"))]


def test_without_a_price_list_the_default_list_in_the_customers_currency(item):
    cad = PriceListFactory(code="CAD", currency="CAD", is_default=True)
    PriceListEntryFactory(price_list=cad, item=item, unit_price=D("17.10"))
    PriceListFactory(code="CAD-OLD", currency="CAD", is_default=False)
    customer = CustomerFactory(price_list=None, currency="CAD")

    priced = price_order_for(
        customer=customer,
        ship_to=None,
        ship_method=None,
        bill_freight=False,
        on_date=TODAY,
        lines=[QuoteLine("1", item, D(2))],
    )

    assert (priced.currency, priced.lines[0].unit_price) == ("CAD", D("17.1000"))


def test_item_without_a_price_is_flagged_missing(customer):
    bare = ItemFactory(sku="NO-PRICE-1")

    p = price_order_for(
        customer=customer,
        ship_to=None,
        ship_method=None,
        bill_freight=False,
        on_date=TODAY,
        lines=[QuoteLine("1", bare, D(1))],
    ).lines[0]

    assert p.missing_price is True
    assert "no list price for SKU NO-PRICE-1: add one to the price list" in p.trace


def test_line_carries_the_items_attributes(customer):
    hazmat = ItemFactory(
        item_group="REFRIGERANT", un_number="UN3163", weight_kg=D("13.6"), product_tax_code="GAS"
    )

    line = quote(customer, [QuoteLine("7", hazmat, D(3))]).lines[0]

    assert (line.key, line.sku, line.item_group, line.hazmat, line.weight_kg, line.tax_code) == (
        "7",
        hazmat.sku,
        "REFRIGERANT",
        True,
        D("13.6"),
        "GAS",
    )


# --- contracts --------------------------------------------------------------------------------


def test_contract_in_force_on_the_date_is_used(customer, item):
    ContractPriceFactory(
        customer=customer,
        item=item,
        unit_price=D("9.40"),
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 12, 31),
        contract_ref="CTR-2026-001",
    )

    unit, trace = price_lookup(customer=customer, item=item, quantity=D(1), on_date=TODAY)

    assert unit == D("9.4000")
    assert trace[-1].startswith("contract CTR-2026-001: 9.4000")


def test_expired_and_future_contracts_are_ignored(customer, item):
    ContractPriceFactory(
        customer=customer,
        item=item,
        unit_price=D("9.00"),
        valid_from=dt.date(2025, 1, 1),
        valid_to=dt.date(2026, 5, 14),
    )
    ContractPriceFactory(
        customer=customer, item=item, unit_price=D("8.00"), valid_from=dt.date(2026, 5, 16)
    )

    line = quote(customer, [QuoteLine("1", item, D(1))]).lines[0]

    assert line.contract is None


def test_contract_valid_to_is_inclusive_and_latest_start_wins(customer, item):
    ContractPriceFactory(
        customer=customer,
        item=item,
        unit_price=D("9.00"),
        valid_from=dt.date(2025, 1, 1),
        valid_to=TODAY,
        contract_ref="OLD",
    )
    ContractPriceFactory(
        customer=customer, item=item, unit_price=D("8.80"), valid_from=TODAY, contract_ref="NEW"
    )

    line = quote(customer, [QuoteLine("1", item, D(1))]).lines[0]

    assert line.contract is not None
    assert (line.contract.unit_price, line.contract.reference) == (D("8.80"), "NEW")


def test_another_customers_contract_is_not_used(customer, item):
    ContractPriceFactory(item=item, unit_price=D("5.00"))

    assert quote(customer, [QuoteLine("1", item, D(1))]).lines[0].contract is None


# --- promotions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "applies"),
    [
        (dt.date(2026, 4, 30), False),
        (dt.date(2026, 5, 1), True),
        (dt.date(2026, 5, 31), True),
        (dt.date(2026, 6, 1), False),
    ],
)
def test_promotion_applies_between_its_dates_inclusive(customer, item, on, applies):
    PromotionFactory(code="MAY10", item=item)

    line = quote(customer, [QuoteLine("1", item, D(1))], on=on).lines[0]

    assert [p.code for p in line.promotions] == (["MAY10"] if applies else [])


def test_promotions_by_item_group_and_for_everything(customer):
    filters = ItemFactory(item_group="FILTERS")
    wire = ItemFactory(item_group="WIRE")
    PromotionFactory(code="FILTERS8", item_group="FILTERS", percent=D(8))
    PromotionFactory(code="ALL2", percent=D(2))
    PromotionFactory(
        code="WIRE-B10G1",
        item=wire,
        kind=PromotionKind.BUY_X_GET_Y,
        percent=0,
        buy_quantity=D(10),
        free_quantity=D(1),
    )
    PromotionFactory(code="OFF", item_group="FILTERS", active=False)

    lines = quote(customer, [QuoteLine("1", filters, D(1)), QuoteLine("2", wire, D(1))]).lines

    assert [sorted(p.code for p in line.promotions) for line in lines] == [
        ["ALL2", "FILTERS8"],
        ["ALL2", "WIRE-B10G1"],
    ]
    assert lines[1].promotions[0].kind == "buy_x_get_y"


def test_price_lookup_applies_promotion_and_customer_discount(item):
    customer = CustomerFactory(discount_percent=5)  # as made, not re-read: an int
    PromotionFactory(code="MAY10", item=item)

    unit, trace = price_lookup(customer=customer, item=item, quantity=D(12), on_date=TODAY)

    # break 11.90, less 10 % = 10.71, less 5 % = 10.1745
    assert unit == D("10.1745")
    assert trace == (
        "list 12.5000; break ≥ 10: 11.9000",
        "promotion MAY10: 10% off: 10.7100",
        "customer discount 5%: 10.1745",
    )


# --- surcharges and freight ------------------------------------------------------------------


def test_active_surcharges_fixed_amounts_only_in_the_order_currency(customer, item):
    Surcharge.objects.create(code="FUEL", name="Fuel", basis="percent_line", amount=D("2.5"))
    Surcharge.objects.create(
        code="FUELCA", name="Fuel", basis="percent_line", amount=1, currency="CAD"
    )
    Surcharge.objects.create(
        code="SMALL", name="Small", basis="per_order", amount=25, below_order_value=150
    )
    Surcharge.objects.create(
        code="SMALLCA",
        name="Small",
        basis="per_order",
        amount=35,
        currency="CAD",
        below_order_value=200,
    )
    Surcharge.objects.create(code="OLD", name="Old", basis="per_order", amount=5, active=False)

    surcharges = quote(customer, [QuoteLine("1", item, D(1))]).surcharges

    assert [s.code for s in surcharges] == ["FUEL", "FUELCA", "SMALL"]


def test_freight_rate_for_the_ship_method_in_the_customers_currency(customer, item):
    rate = FreightRateFactory()
    FreightRateFactory(ship_method=rate.ship_method, currency="CAD", per_order=D("17"))
    other = ShipMethodFactory(code="FDX-PRI", name="FedEx Priority")

    billed = quote(customer, [], ship_method=rate.ship_method, bill_freight=True)
    collect = quote(customer, [], ship_method=rate.ship_method, bill_freight=False)
    unrated = quote(customer, [], ship_method=other, bill_freight=True)

    assert billed.freight is not None
    assert (billed.freight.ship_method, billed.freight.per_order, billed.freight.free_above) == (
        "UPS-GND",
        D("12.50"),
        D("500"),
    )
    assert (collect.freight, unrated.freight) == (None, None)


# --- tax --------------------------------------------------------------------------------------


def test_regional_tax_rate_overrides_the_country_rate(customer):
    tax("US", "", "GENERAL", "5")
    tax("US", "", "FREIGHT", "1")
    tax("US", "TX", "GENERAL", "6.25")
    tax("US", "IL", "GENERAL", "6.5")
    tax("CA", "", "GENERAL", "5")
    ship_to = AddressFactory(customer=customer, region="TX")

    o = quote(customer, [], ship_to=ship_to)

    assert dict(o.tax_rates) == {"GENERAL": D("6.25"), "FREIGHT": D("1")}
    assert o.jurisdiction == "US-TX"


def test_latest_tax_rate_valid_on_the_date_wins(customer):
    tax("US", "TX", "GENERAL", "6", "2020-01-01")
    tax("US", "TX", "GENERAL", "6.25", "2026-01-01")
    tax("US", "TX", "GENERAL", "7", "2026-06-01")
    ship_to = AddressFactory(customer=customer, region="TX")

    assert quote(customer, [], ship_to=ship_to).tax_rates == {"GENERAL": D("6.25")}


def test_future_regional_rate_falls_back_to_the_country_rate(customer):
    tax("MX", "", "GENERAL", "16")
    tax("MX", "BCN", "GENERAL", "8", "2027-01-01")
    ship_to = AddressFactory(customer=customer, country="MX", region="BCN")

    assert quote(customer, [], ship_to=ship_to).tax_rates == {"GENERAL": D("16")}


def test_no_ship_to_means_no_tax_rates_and_a_trace(customer, item):
    tax("US", "", "GENERAL", "5")

    p = price_order_for(
        customer=customer,
        ship_to=None,
        ship_method=None,
        bill_freight=False,
        on_date=TODAY,
        lines=[QuoteLine("1", item, D(1))],
    ).lines[0]

    assert "no tax rate for GENERAL in (no ship-to)" in p.trace


def test_exempt_customer_carries_its_certificate(item):
    customer = CustomerFactory(tax_exempt=True, exemption_certificate="TX-EX-1")

    o = quote(customer, [QuoteLine("1", item, D(1))])

    assert (o.tax_exempt, o.exemption_certificate) == (True, "TX-EX-1")


# --- a whole order, and the query pin ---------------------------------------------------------


def _setup_order(customer, n_items: int):
    items = []
    for i in range(n_items):
        entry = PriceListEntryFactory(unit_price=D("12.50"))
        PriceListEntryFactory(item=entry.item, min_quantity=D(10), unit_price=D("11.90"))
        items.append(entry.item)
        if i % 3 == 0:
            ContractPriceFactory(customer=customer, item=entry.item, unit_price=D("9.00"))
    PromotionFactory(code="ALL2", percent=D(2))
    Surcharge.objects.create(code="FUEL", name="Fuel", basis="percent_line", amount=D("2.5"))
    tax("US", "IL", "GENERAL", "6.25")
    tax("US", "IL", "FREIGHT", "6.25")
    return items


def test_whole_order_priced_end_to_end(customer):
    items = _setup_order(customer, 2)
    rate = FreightRateFactory()
    ship_to = AddressFactory(customer=customer, region="IL")

    priced = price_order_for(
        customer=customer,
        ship_to=ship_to,
        ship_method=rate.ship_method,
        bill_freight=True,
        on_date=TODAY,
        lines=[QuoteLine("1", items[0], D(10)), QuoteLine("2", items[1], D(4))],
    )

    # line 1: contract 9.00 × 10 = 90.00; line 2: 12.50 less 2 % = 12.25 × 4 = 49.00
    assert [p.net for p in priced.lines] == [D("90.00"), D("49.00")]
    # fuel 2.5 % of 139.00 = 3.48; freight 12.50 + 0.85 × 7 kg = 18.45
    assert [(c.code, c.amount) for c in priced.charges] == [
        ("FUEL", D("3.48")),
        ("FREIGHT", D("18.45")),
    ]
    assert priced.tax_total == D("5.63") + D("3.06") + D("0.22") + D("1.15")
    assert priced.total == priced.merchandise + priced.charges_total + priced.tax_total


@pytest.mark.parametrize("n_lines", [1, 200])
def test_query_count_does_not_grow_with_lines(customer, django_assert_num_queries, n_lines):
    items = _setup_order(customer, n_lines)
    rate = FreightRateFactory()
    ship_to = AddressFactory(customer=customer, region="IL")
    lines = [QuoteLine(str(n), item, D(n % 20 + 1)) for n, item in enumerate(items)]

    # breaks, contracts, promotions, surcharges, freight rate, tax rates
    with django_assert_num_queries(6):
        priced = price_order_for(
            customer=customer,
            ship_to=ship_to,
            ship_method=rate.ship_method,
            bill_freight=True,
            on_date=TODAY,
            lines=lines,
        )

    assert len(priced.lines) == n_lines
    assert not any(p.missing_price for p in priced.lines)


def test_price_lookup_takes_three_queries(customer, item, django_assert_num_queries):
    with django_assert_num_queries(3):
        price_lookup(customer=customer, item=item, quantity=D(1), on_date=TODAY)


# --- the table keeps out what the engine would refuse -----------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        {"percent": D("100.0001")},
        {"percent": D("-1")},
        {"free_quantity": D("-1")},
        {"valid_to": dt.date(2026, 4, 30)},
    ],
)
def test_promotion_the_engine_would_refuse_is_refused_by_the_database(bad):
    with pytest.raises(IntegrityError), transaction.atomic():
        PromotionFactory(**bad)

    assert Promotion.objects.count() == 0


def test_promotion_of_a_hundred_percent_is_allowed():
    PromotionFactory(percent=D(100))

    assert Promotion.objects.get().percent == D(100)


@pytest.mark.parametrize("bad", [{"per_order": D(-1)}, {"per_kg": D(-1)}, {"free_above": D(-1)}])
def test_negative_freight_rate_is_refused_by_the_database(bad):
    method = ShipMethodFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        FreightRateFactory(ship_method=method, **bad)

    assert FreightRate.objects.count() == 0

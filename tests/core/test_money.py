"""Money is exact in Python and after a round trip through SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orderdesk.core.fields import to_units
from orderdesk.core.money import CurrencyMismatch, Money, allocate, money_sum, to_decimal
from orderdesk.inventory.models import MovementKind, StockMovement
from orderdesk.pricing.models import ContractPrice

from ..factories import CustomerFactory, ItemFactory, WarehouseFactory

amounts = st.decimals(
    min_value=Decimal("-99999999999.9999"),
    max_value=Decimal("99999999999.9999"),
    places=4,
    allow_nan=False,
    allow_infinity=False,
)
FIXTURE = HealthCheck.function_scoped_fixture
prices = st.decimals(min_value=Decimal(0), max_value=Decimal("999999.9999"), places=4)


def test_adding_cents_is_exact():
    total = money_sum([Money(Decimal("0.10"), "USD")] * 3, "USD")
    assert total == Money(Decimal("0.30"), "USD")


def test_currencies_never_mix():
    with pytest.raises(CurrencyMismatch):
        Money(Decimal(1), "USD") + Money(Decimal(1), "CAD")


def test_floats_are_refused_as_factors():
    with pytest.raises(TypeError):
        Money(Decimal(1), "USD") * 1.1  # type: ignore[operator]


def test_rounding_is_half_up_to_the_currency_minor_unit():
    assert Money(Decimal("2.345"), "USD").rounded().amount == Decimal("2.35")
    assert Money(Decimal("-2.345"), "USD").rounded().amount == Decimal("-2.35")
    assert Money(Decimal("1234.5"), "JPY").rounded().amount == Decimal("1235")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1,234.50", Decimal("1234.50")), ("-12,000", Decimal("-12000")), ("0.1", Decimal("0.1"))],
)
def test_thousands_separators_are_read(text, expected):
    assert to_decimal(text) == expected


@pytest.mark.parametrize("text", ["12,5", "1,23", "1,2345.6", "abc", "NaN"])
def test_decimal_commas_and_non_numbers_are_refused(text):
    with pytest.raises(ValueError, match="not a"):
        to_decimal(text)


def test_value_with_more_places_than_stored_is_refused():
    with pytest.raises(ValueError, match="more than 4 decimal places"):
        to_units(Decimal("1.00001"), 4)


@given(st.lists(prices, min_size=1, max_size=30), st.sampled_from(["USD", "JPY", "KWD"]))
def test_allocation_parts_add_up_to_the_rounded_total(weights, currency):
    total = Money(sum(weights, Decimal(0)) * 3, currency).rounded()
    parts = allocate(total, weights)
    assert money_sum(parts, currency) == total
    assert all(p.rounded() == p for p in parts)


@given(st.lists(amounts.filter(lambda d: d != 0), min_size=1, max_size=20))
@settings(max_examples=60, deadline=None, suppress_health_check=[FIXTURE])
@pytest.mark.django_db
def test_quantities_and_their_sum_survive_the_database_exactly(values):
    item, warehouse = ItemFactory(), WarehouseFactory()
    rows = StockMovement.objects.bulk_create(
        StockMovement(
            at=timezone.now(),
            item=item,
            warehouse=warehouse,
            quantity=v,
            kind=MovementKind.ADJUSTMENT,
        )
        for v in values
    )
    stored = list(
        StockMovement.objects.filter(item=item).order_by("id").values_list("quantity", flat=True)
    )
    assert stored == values
    assert all(isinstance(v, Decimal) for v in stored)
    db_sum = StockMovement.objects.filter(item=item).aggregate(s=Sum("quantity"))["s"]
    assert db_sum == sum(values, Decimal(0))
    assert len(rows) == len(values)


@given(st.lists(prices, min_size=1, max_size=12), st.integers(min_value=1, max_value=999))
@settings(max_examples=40, deadline=None, suppress_health_check=[FIXTURE])
@pytest.mark.django_db
def test_prices_round_trip_and_line_totals_reconcile(unit_prices, quantity):
    customer = CustomerFactory()
    for i, price in enumerate(unit_prices):
        ContractPrice.objects.create(
            customer=customer,
            item=ItemFactory(),
            unit_price=price,
            valid_from=dt.date(2026, 1, 1) + dt.timedelta(days=i),
        )
    stored = list(
        ContractPrice.objects.filter(customer=customer)
        .order_by("valid_from")
        .values_list("unit_price", flat=True)
    )
    assert stored == unit_prices
    lines = [(Money(p, "USD") * quantity).rounded() for p in stored]
    expected = [(Money(p, "USD") * quantity).rounded() for p in unit_prices]
    assert money_sum(lines, "USD") == money_sum(expected, "USD")
    db_total = ContractPrice.objects.filter(customer=customer).aggregate(s=Sum("unit_price"))["s"]
    assert db_total == sum(unit_prices, Decimal(0))

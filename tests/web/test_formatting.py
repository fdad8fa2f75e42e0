"""How numbers read on the pages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orderdesk.web.templatetags.desk import amount, percent, price, qty


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("10.0000"), "10"),
        (Decimal("2.5000"), "2.5"),
        (Decimal("1234.5"), "1,234.5"),
        (Decimal("100"), "100"),
        (Decimal("0"), "0"),
        (None, ""),
    ],
)
def test_qty(value, shown):
    assert qty(value) == shown


@pytest.mark.parametrize(
    ("value", "currency", "shown"),
    [
        (Decimal("50000"), "USD", "50,000.00"),
        (Decimal("0.005"), "USD", "0.01"),
        (Decimal("1500.4"), "JPY", "1,500"),
        (Decimal("1.2345"), "KWD", "1.235"),
    ],
)
def test_amount_rounds_to_the_currency_minor_unit(value, currency, shown):
    assert amount(value, currency) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("41.2375"), "41.2375"),
        (Decimal("45.0000"), "45.00"),
        (Decimal("0.1230"), "0.123"),
    ],
)
def test_price_keeps_meaningful_places(value, shown):
    assert price(value, "USD") == shown


def test_percent_hides_zero():
    assert (percent(Decimal("2.5000")), percent(Decimal(0))) == ("2.5%", "")

"""Number formatting for pages: quantities and money as a clerk reads them.

Stored values carry four decimals (10.0000); a clerk wants "10", "2.5", "1,250.00 USD".
Amounts are shown at the currency's minor unit; unit prices keep extra places only when
they have them (a price of 0.1234 per metre must not be shown as 0.12).
"""

from __future__ import annotations

from decimal import Decimal

from django import template

from orderdesk.core.money import minor_exponent, round_half_up, to_decimal

register = template.Library()


def _group(value: Decimal, places: int) -> str:
    return f"{value:,.{places}f}"


@register.filter
def qty(value: object) -> str:
    """1234.5000 → "1,234.5"; 10.0000 → "10"."""
    if value is None or value == "":
        return ""
    try:
        d = to_decimal(value)
    except ValueError:
        return str(value)
    d = d.normalize()
    exponent = d.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return _group(d, places)


@register.filter
def amount(value: object, currency: str = "USD") -> str:
    """A total or limit, rounded half-up to the currency's minor unit: "50,000.00"."""
    if value is None or value == "":
        return ""
    try:
        d = to_decimal(value)
    except ValueError:
        return str(value)
    places = minor_exponent(currency or "USD")
    return _group(round_half_up(d, places), places)


@register.filter
def price(value: object, currency: str = "USD") -> str:
    """A unit price: at least the minor unit, more places only when they are not zero."""
    if value is None or value == "":
        return ""
    try:
        d = to_decimal(value)
    except ValueError:
        return str(value)
    minor = minor_exponent(currency or "USD")
    exponent = d.normalize().as_tuple().exponent
    places = max(minor, -exponent if isinstance(exponent, int) else 0)
    return _group(d, places)


@register.filter
def percent(value: object) -> str:
    """2.5000 → "2.5%"; zero → "" so an empty discount does not clutter the header."""
    if value is None or value == "":
        return ""
    d = to_decimal(value)
    return "" if d == 0 else f"{qty(d)}%"

"""Money and quantities on Decimal, with the currency travelling with every amount.

Pure: no Django. Rounding to a currency's minor unit happens only in `Money.rounded()`,
called at the documented places (line extension, tax per line, document totals), so that
documents reconcile: the sum of rounded lines is the document total, never a re-rounded sum.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 minor-unit exponents for the currencies a distributor meets; others default to 2.
CURRENCY_EXPONENT: dict[str, int] = {
    "USD": 2, "CAD": 2, "MXN": 2, "EUR": 2, "GBP": 2, "CHF": 2, "AUD": 2, "CNY": 2,
    "JPY": 0, "KRW": 0, "BHD": 3, "KWD": 3,
}  # fmt: skip

#: Amounts are stored with this many decimal places (unit prices need more than cents).
AMOUNT_PLACES = 4
#: Quantities are stored with this many decimal places (metres of cable, litres of coolant).
QUANTITY_PLACES = 4


_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were combined."""


def to_decimal(value: object) -> Decimal:
    """Read a user or file value as Decimal; floats go through str() so 0.1 stays 0.1."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError("a boolean is not an amount")
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip()
    if "," in text:
        # Only thousands separators may go ("1,234.50"); "12,5" is a decimal comma and would
        # silently become 125, so it is refused with the reason.
        if not _THOUSANDS.match(text):
            raise ValueError(f"{value!r} is not a number: use a point for decimals, as 12.5")
        text = text.replace(",", "")
    try:
        result = Decimal(text)
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"{value!r} is not a number") from exc
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return result


def minor_exponent(currency: str) -> int:
    return CURRENCY_EXPONENT.get(currency.upper(), 2)


def round_half_up(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))
        if len(self.currency) != 3 or not self.currency.isalpha():
            raise ValueError(f"{self.currency!r} is not an ISO 4217 currency code")
        object.__setattr__(self, "currency", self.currency.upper())

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def _check(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency} cannot be combined")

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, float | Money):
            raise TypeError("multiply Money by a Decimal or int, never a float or Money")
        return Money(self.amount * Decimal(factor), self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._check(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._check(other)
        return self.amount >= other.amount

    def rounded(self) -> Money:
        """Round half-up to the currency's minor unit (cents for USD, none for JPY)."""
        return Money(round_half_up(self.amount, minor_exponent(self.currency)), self.currency)

    def is_zero(self) -> bool:
        return self.amount == 0

    def __str__(self) -> str:
        return f"{self.rounded().amount:,} {self.currency}"


def money_sum(amounts: Iterable[Money], currency: str) -> Money:
    total = Money.zero(currency)
    for amount in amounts:
        total = total + amount
    return total


def allocate(total: Money, weights: list[Decimal]) -> list[Money]:
    """Split a rounded total over weights so the parts add up to it exactly (largest remainder).

    Used where an order-level charge is spread over lines: the parts must reconcile to the cent.
    """
    exp = minor_exponent(total.currency)
    unit = Decimal(1).scaleb(-exp)
    rounded_total = total.rounded().amount
    weight_sum = sum(weights, Decimal(0))
    if not weights:
        return []
    if weight_sum == 0:
        weights = [Decimal(1)] * len(weights)
        weight_sum = Decimal(len(weights))
    raw = [rounded_total * w / weight_sum for w in weights]
    floors = [r.quantize(unit, rounding="ROUND_FLOOR") for r in raw]
    remainder = int((rounded_total - sum(floors, Decimal(0))) / unit)
    order = sorted(range(len(raw)), key=lambda i: (floors[i] - raw[i], i))
    for i in order[:remainder]:
        floors[i] += unit
    return [Money(f, total.currency) for f in floors]

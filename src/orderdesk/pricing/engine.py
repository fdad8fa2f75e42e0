"""The pricing engine: plain values in, a priced order with its reasons out. Pure: no Django.

The loader (`pricing.quote`) reads the rows that apply on a date; this module decides what
they mean, so every rule below is tested without a database and prices 1,000 lines in a few
milliseconds. Every figure a clerk sees comes with a trace line saying where it came from,
because "why is this price different from last month?" is the question the desk answers most.

Rules, and why they are so:

* List price. The unit price is the quantity break with the largest `min_quantity` that the
  ordered quantity reaches (breaks may come in any order). `list_price` on the line is the
  lowest break (the single-unit catalogue price) so the saving can be shown. When no break
  applies the line is priced at 0 and flagged `missing_price`: it must go to the exception
  queue, not out at a made-up price.
* Contract price. A contract price is the negotiated net price: it replaces list and break
  price, and neither promotions nor the customer discount apply to it (the contract was
  priced knowing them; stacking them would give away margin twice).
* Promotions. Otherwise at most one promotion applies per line: the one giving the lowest
  line net (compared exactly, before rounding; a tie keeps the line unpromoted, and between
  promotions the first by code wins, so the choice never depends on row order). A percent
  promotion reduces the unit price; buy-X-get-Y makes floor(q / (X + Y)) × Y units free,
  shown as a line discount of free units × unit price so the invoice shows what was given.
* Customer discount. The customer's standing discount then reduces the unit price; it
  compounds with a percent promotion (10 % then 5 % is 14.5 %, not 15 %).
* Rounding. Unit prices are rounded half-up to 4 places after each step (the trace shows
  every step at the precision stored); line gross, discount and net are rounded to the
  currency's minor unit once, at the line. Tax is rounded per line and per charge. Totals
  are plain sums of rounded figures, so the document always reconciles:
  total = merchandise + charges_total + tax_total, merchandise = Σ line net,
  tax_total = Σ line tax + Σ charge tax.
* Surcharges. percent_line: a percent of the net of the matching lines (blank item group =
  every line; hazmat_only = hazmat lines only), rounded once on the sum; per_unit: amount ×
  the quantity of matching lines; per_order: the amount once if any line matches.
  `below_order_value` limits a surcharge to orders whose merchandise is below it (the
  small-order fee). A surcharge that computes to 0 is left off. Surcharges are taxed at the
  ship-to's GENERAL rate.
* Freight. Billed only on prepaid-and-add terms (`bill_freight`) and when a rate exists:
  per_order + per_kg × Σ(weight × quantity), rounded; nothing when the merchandise reaches
  `free_above`. A freight charge of 0 is left off, with the reason in the trace. Freight is
  taxed at the FREIGHT tax code's rate: many jurisdictions do not tax it, so a missing rate
  means 0 (traced), not an error.
* Tax. Per line and per charge, round(net × rate / 100) half-up at the tax code's rate for
  the ship-to jurisdiction. An exempt customer pays none (the certificate is traced, since
  an auditor asks for it); a tax code without a rate is taxed at 0 and traced, so the gap in
  the tax table is visible.
* Negative inputs (quantities, prices, rates, percents above 100) raise ValueError: with
  them a result could go negative, and a negative price is a data error, not a credit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from orderdesk.core.money import minor_exponent

UNIT_PLACES = 4
ZERO = Decimal(0)
HUNDRED = Decimal(100)
GENERAL = "GENERAL"
FREIGHT = "FREIGHT"

PERCENT = "percent"
BUY_X_GET_Y = "buy_x_get_y"

PERCENT_LINE = "percent_line"
PER_UNIT = "per_unit"
PER_ORDER = "per_order"


# --- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PriceBreak:
    min_quantity: Decimal
    unit_price: Decimal


@dataclass(frozen=True, slots=True)
class ContractTerm:
    unit_price: Decimal
    reference: str


@dataclass(frozen=True, slots=True)
class PromotionTerm:
    code: str
    kind: str  # 'percent' | 'buy_x_get_y'
    percent: Decimal
    buy_quantity: Decimal
    free_quantity: Decimal


@dataclass(frozen=True, slots=True)
class SurchargeTerm:
    code: str
    name: str
    basis: str  # 'percent_line' | 'per_unit' | 'per_order'
    amount: Decimal
    item_group: str
    hazmat_only: bool
    below_order_value: Decimal | None


@dataclass(frozen=True, slots=True)
class FreightTerm:
    ship_method: str
    per_order: Decimal
    per_kg: Decimal
    free_above: Decimal | None


@dataclass(frozen=True, slots=True)
class LineInput:
    key: str
    sku: str
    item_group: str
    quantity: Decimal  # base units
    weight_kg: Decimal  # per base unit
    hazmat: bool
    tax_code: str
    breaks: tuple[PriceBreak, ...]
    contract: ContractTerm | None
    promotions: tuple[PromotionTerm, ...]


@dataclass(frozen=True, slots=True)
class OrderInput:
    currency: str
    lines: tuple[LineInput, ...]
    customer_discount_percent: Decimal
    surcharges: tuple[SurchargeTerm, ...]
    freight: FreightTerm | None
    bill_freight: bool
    tax_rates: Mapping[str, Decimal]  # product tax code -> percent at the ship-to
    tax_exempt: bool
    exemption_certificate: str
    jurisdiction: str  # "US-TX", for the trace


# --- outputs ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PricedLine:
    key: str
    list_price: Decimal
    unit_price: Decimal
    gross: Decimal
    discount: Decimal
    net: Decimal
    tax_rate: Decimal
    tax: Decimal
    trace: tuple[str, ...]
    price_source: str  # 'list' | 'break' | 'contract' | 'promotion' | 'customer_discount' | 'none'
    missing_price: bool


@dataclass(frozen=True, slots=True)
class Charge:
    code: str
    description: str
    amount: Decimal
    tax_code: str
    tax_rate: Decimal
    tax: Decimal


@dataclass(frozen=True, slots=True)
class PricedOrder:
    currency: str
    lines: tuple[PricedLine, ...]
    charges: tuple[Charge, ...]
    merchandise: Decimal
    charges_total: Decimal
    tax_total: Decimal
    total: Decimal
    trace: tuple[str, ...]


# --- helpers ----------------------------------------------------------------------------------


def _num(value: Decimal) -> str:
    """A quantity or percent for people: 10, 2.5, never 1E+1 or 10.0000."""
    return f"{value.normalize():f}"


@cache
def _quantum(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def _round(value: Decimal, places: int) -> Decimal:
    """`core.money.round_half_up` with the quantum cached: this runs ~10 times per line."""
    return value.quantize(_quantum(places), rounding=ROUND_HALF_UP)


_UNIT_QUANTUM = _quantum(UNIT_PLACES)


def _unit(value: Decimal) -> Decimal:
    return value.quantize(_UNIT_QUANTUM, rounding=ROUND_HALF_UP)


def _nonneg(value: Decimal, what: str) -> None:
    if type(value) is not Decimal and not isinstance(value, Decimal):
        raise TypeError(f"{what} must be a Decimal, not {type(value).__name__}")
    if not value.is_finite() or value < 0:
        raise ValueError(f"{what} must be a finite number of at least 0, not {value}")


def _percent(value: Decimal, what: str) -> None:
    _nonneg(value, what)
    if value > HUNDRED:
        raise ValueError(f"{what} must be at most 100, not {value}")


def _check_line(line: LineInput) -> None:
    _nonneg(line.quantity, f"line {line.key}: quantity")
    _nonneg(line.weight_kg, f"line {line.key}: weight")
    for b in line.breaks:
        _nonneg(b.min_quantity, f"line {line.key}: break quantity")
        _nonneg(b.unit_price, f"line {line.key}: break price")
    if line.contract is not None:
        _nonneg(line.contract.unit_price, f"line {line.key}: contract price")
    for p in line.promotions:
        if p.kind == PERCENT:
            _percent(p.percent, f"promotion {p.code}: percent")
        elif p.kind == BUY_X_GET_Y:
            _nonneg(p.buy_quantity, f"promotion {p.code}: buy quantity")
            _nonneg(p.free_quantity, f"promotion {p.code}: free quantity")
        else:
            raise ValueError(f"promotion {p.code}: unknown kind {p.kind!r}")


@dataclass(frozen=True, slots=True)
class _Unit:
    """A line's unit price before amounts: what `unit_price_for` shows as the clerk types."""

    list_price: Decimal
    unit_price: Decimal
    free_units: Decimal
    source: str
    trace: tuple[str, ...]
    missing: bool


def _discounted(price: Decimal, percent: Decimal) -> Decimal:
    return _unit(price * (HUNDRED - percent) / HUNDRED)


def _free_units(quantity: Decimal, promo: PromotionTerm) -> Decimal:
    group = promo.buy_quantity + promo.free_quantity
    if group <= 0 or promo.free_quantity <= 0:
        return ZERO
    return (quantity // group) * promo.free_quantity


def _price_unit(line: LineInput, discount_percent: Decimal) -> _Unit:
    trace: list[str] = []
    quantity = line.quantity
    # One pass over the (unsorted) breaks: the lowest is the list price, the highest reached
    # is the price. Equal break quantities (only in hand-made input) take the lower price, so
    # the result never depends on the order the rows came in.
    first: PriceBreak | None = None
    chosen: PriceBreak | None = None
    for b in line.breaks:
        if first is None or (b.min_quantity, b.unit_price) < (first.min_quantity, first.unit_price):
            first = b
        if b.min_quantity <= quantity and (
            chosen is None
            or b.min_quantity > chosen.min_quantity
            or (b.min_quantity == chosen.min_quantity and b.unit_price < chosen.unit_price)
        ):
            chosen = b
    list_price = ZERO
    base: Decimal | None = None
    source = "none"
    if chosen is not None:
        assert first is not None
        list_price = _unit(first.unit_price)
        base = _unit(chosen.unit_price)
        if chosen.min_quantity == first.min_quantity:
            trace.append(f"list {list_price}")
            source = "list"
        else:
            trace.append(f"list {list_price}; break ≥ {_num(chosen.min_quantity)}: {base}")
            source = "break"

    if line.contract is not None:
        price = _unit(line.contract.unit_price)
        ref = f"contract {line.contract.reference}" if line.contract.reference else "contract"
        trace.append(
            f"{ref}: {price} (promotions and customer discount do not apply to contract prices)"
        )
        return _Unit(list_price, price, ZERO, "contract", tuple(trace), False)

    if base is None:
        trace.append(f"no list price for SKU {line.sku}: add one to the price list")
        return _Unit(ZERO, ZERO, ZERO, "none", tuple(trace), True)

    # The best promotion: lowest exact net for the line; "none" wins ties.
    best_net = line.quantity * base
    best: PromotionTerm | None = None
    best_unit, best_free = base, ZERO
    for promo in sorted(line.promotions, key=lambda p: p.code):
        if promo.kind == PERCENT:
            unit, free = _discounted(base, promo.percent), ZERO
        else:
            unit, free = base, _free_units(line.quantity, promo)
        net = (line.quantity - free) * unit
        if net < best_net:
            best, best_net, best_unit, best_free = promo, net, unit, free
    if best is not None:
        source = "promotion"
        if best.kind == PERCENT:
            trace.append(f"promotion {best.code}: {_num(best.percent)}% off: {best_unit}")
        else:
            trace.append(
                f"promotion {best.code}: buy {_num(best.buy_quantity)} get "
                f"{_num(best.free_quantity)} free: {_num(best_free)} free unit"
                + ("" if best_free == 1 else "s")
            )
        if len(line.promotions) > 1:
            trace.append(f"best of {len(line.promotions)} promotions: {best.code}")
    elif line.promotions:
        trace.append(
            "promotion "
            + ", ".join(sorted(p.code for p in line.promotions))
            + " gives nothing at this quantity"
        )

    unit = best_unit
    if discount_percent > 0:
        unit = _discounted(unit, discount_percent)
        trace.append(f"customer discount {_num(discount_percent)}%: {unit}")
        if best is None:
            source = "customer_discount"
    return _Unit(list_price, unit, best_free, source, tuple(trace), False)


def unit_price_for(
    line: LineInput, customer_discount_percent: Decimal
) -> tuple[Decimal, tuple[str, ...], str]:
    """(unit price, trace, price source) for one line: the SKU look-up as the clerk types.

    A buy-X-get-Y promotion leaves the unit price as it is (the free units are a line
    discount); the trace says how many units it makes free at this quantity.
    """
    _check_line(line)
    _percent(customer_discount_percent, "customer discount")
    unit = _price_unit(line, customer_discount_percent)
    return unit.unit_price, unit.trace, unit.source


# --- the order --------------------------------------------------------------------------------


def _tax(
    order: OrderInput, code: str, amount: Decimal, exp: int, trace: list[str]
) -> tuple[Decimal, Decimal]:
    """(rate, tax) for an amount under a tax code at the ship-to; appends the reason."""
    if order.tax_exempt:
        certificate = order.exemption_certificate or "none on file"
        trace.append(f"tax: exempt (certificate {certificate})")
        return ZERO, _round(ZERO, exp)
    rate = order.tax_rates.get(code)
    if rate is None:
        trace.append(f"no tax rate for {code} in {order.jurisdiction}")
        return ZERO, _round(ZERO, exp)
    tax = _round(amount * rate / HUNDRED, exp)
    trace.append(f"tax {code} {_num(rate)}% in {order.jurisdiction}: {tax}")
    return rate, tax


def _price_line(order: OrderInput, line: LineInput, exp: int) -> PricedLine:
    unit = _price_unit(line, order.customer_discount_percent)
    gross = _round(line.quantity * unit.unit_price, exp)
    discount = _round(unit.free_units * unit.unit_price, exp)
    net = gross - discount
    trace = list(unit.trace)
    if discount:
        trace.append(f"{_num(line.quantity)} × {unit.unit_price} = {gross}, less {discount}")
    else:
        trace.append(f"{_num(line.quantity)} × {unit.unit_price} = {gross}")
    rate, tax = _tax(order, line.tax_code, net, exp, trace)
    return PricedLine(
        key=line.key,
        list_price=unit.list_price,
        unit_price=unit.unit_price,
        gross=gross,
        discount=discount,
        net=net,
        tax_rate=rate,
        tax=tax,
        trace=tuple(trace),
        price_source=unit.source,
        missing_price=unit.missing,
    )


def _matches(surcharge: SurchargeTerm, line: LineInput) -> bool:
    if surcharge.item_group and surcharge.item_group != line.item_group:
        return False
    return line.hazmat or not surcharge.hazmat_only


def _surcharge_amount(
    surcharge: SurchargeTerm,
    lines: tuple[LineInput, ...],
    priced: list[PricedLine],
    exp: int,
) -> tuple[Decimal, str]:
    matching = [i for i, line in enumerate(lines) if _matches(surcharge, line)]
    if surcharge.basis == PERCENT_LINE:
        base = sum((priced[i].net for i in matching), ZERO)
        amount = _round(base * surcharge.amount / HUNDRED, exp)
        return amount, f"{_num(surcharge.amount)}% of {base}"
    if surcharge.basis == PER_UNIT:
        units = sum((lines[i].quantity for i in matching), ZERO)
        amount = _round(units * surcharge.amount, exp)
        return amount, f"{_num(units)} units × {_num(surcharge.amount)}"
    if surcharge.basis == PER_ORDER:
        amount = _round(surcharge.amount if matching else ZERO, exp)
        return amount, "per order"
    raise ValueError(f"surcharge {surcharge.code}: unknown basis {surcharge.basis!r}")


def _check_order(order: OrderInput) -> None:
    _percent(order.customer_discount_percent, "customer discount")
    for s in order.surcharges:
        if s.basis == PERCENT_LINE:
            _percent(s.amount, f"surcharge {s.code}: percent")
        else:
            _nonneg(s.amount, f"surcharge {s.code}: amount")
        if s.below_order_value is not None:
            _nonneg(s.below_order_value, f"surcharge {s.code}: below order value")
    if order.freight is not None:
        _nonneg(order.freight.per_order, "freight per order")
        _nonneg(order.freight.per_kg, "freight per kg")
        if order.freight.free_above is not None:
            _nonneg(order.freight.free_above, "freight free above")
    for code, rate in order.tax_rates.items():
        _nonneg(rate, f"tax rate {code}")


def _freight(order: OrderInput, merchandise: Decimal, exp: int, trace: list[str]) -> Decimal | None:
    """The freight to bill, or None when none is billed (with the reason in the trace)."""
    if not order.bill_freight:
        trace.append("freight: not billed (freight terms are not prepaid-and-add)")
        return None
    terms = order.freight
    if terms is None:
        trace.append(f"freight: no freight rate for this ship method in {order.currency}")
        return None
    if terms.free_above is not None and merchandise >= terms.free_above:
        trace.append(
            f"freight {terms.ship_method}: free, merchandise {merchandise} "
            f"≥ {_round(terms.free_above, exp)}"
        )
        return None
    weight = sum((line.weight_kg * line.quantity for line in order.lines), ZERO)
    amount = _round(terms.per_order + terms.per_kg * weight, exp)
    trace.append(
        f"freight {terms.ship_method}: {terms.per_order} + {terms.per_kg}/kg × "
        f"{_num(weight)} kg = {amount}"
    )
    return amount if amount > 0 else None


def price_order(order: OrderInput) -> PricedOrder:
    """Price every line, add surcharges and freight, tax all of it; see the module rules."""
    _check_order(order)
    for line in order.lines:
        _check_line(line)
    exp = minor_exponent(order.currency)
    priced = [_price_line(order, line, exp) for line in order.lines]
    merchandise = _round(sum((p.net for p in priced), ZERO), exp)
    trace: list[str] = []
    charges: list[Charge] = []

    for surcharge in order.surcharges:
        if surcharge.below_order_value is not None and merchandise >= surcharge.below_order_value:
            trace.append(
                f"{surcharge.code}: not charged, merchandise {merchandise} "
                f"≥ {_round(surcharge.below_order_value, exp)}"
            )
            continue
        amount, how = _surcharge_amount(surcharge, order.lines, priced, exp)
        if amount <= 0:
            continue
        trace.append(f"{surcharge.code} {surcharge.name}: {how} = {amount}")
        rate, tax = _tax(order, GENERAL, amount, exp, trace)
        charges.append(Charge(surcharge.code, surcharge.name, amount, GENERAL, rate, tax))

    freight = _freight(order, merchandise, exp, trace)
    if freight is not None:
        assert order.freight is not None
        rate, tax = _tax(order, FREIGHT, freight, exp, trace)
        charges.append(
            Charge(FREIGHT, f"Freight {order.freight.ship_method}", freight, FREIGHT, rate, tax)
        )

    charges_total = _round(sum((c.amount for c in charges), ZERO), exp)
    tax_total = _round(
        sum((p.tax for p in priced), ZERO) + sum((c.tax for c in charges), ZERO), exp
    )
    return PricedOrder(
        currency=order.currency,
        lines=tuple(priced),
        charges=tuple(charges),
        merchandise=merchandise,
        charges_total=charges_total,
        tax_total=tax_total,
        total=merchandise + charges_total + tax_total,
        trace=tuple(trace),
    )

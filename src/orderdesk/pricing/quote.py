"""Loading what prices an order on a date, for the pure engine in `pricing.engine`.

The loader answers "which rows apply?" and the engine "what do they mean?". It reads with
a fixed number of queries whatever the number of lines (one per kind of row, each filtered
to the order's items), so a 500-line EDI order costs what a 1-line phone order does:

* quantity breaks from the customer's own price list, or else the default price list in
  the customer's currency;
* contract prices of the customer in its currency in force on the date (latest start wins
  if two overlap);
* active promotions in force on the date (both dates inclusive) for the item, its group,
  or every item;
* active surcharges: percent surcharges in any currency, fixed amounts only in the order's
  currency (a USD 25 fee is not a CAD 25 fee);
* the freight rate of the ship method in the customer's currency, when freight is billed;
* tax rates of the ship-to's country and region valid on the date: a region's rate
  overrides the country-wide rate for the same tax code, and the latest `valid_from` on or
  before the date wins within each.

Precondition: each `QuoteLine.item` is a loaded Item and its quantity is in base units.
Values read from the given instances (discount, weight, quantity) go through `to_decimal`,
since an instance not re-read from the database may still hold the int it was made with.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from orderdesk.catalog.models import Item
from orderdesk.core.money import to_decimal
from orderdesk.parties.models import Address, Customer, ShipMethod

from .engine import (
    ContractTerm,
    FreightTerm,
    LineInput,
    OrderInput,
    PriceBreak,
    PricedOrder,
    PromotionTerm,
    SurchargeTerm,
    price_order,
    unit_price_for,
)
from .models import (
    ContractPrice,
    FreightRate,
    PriceListEntry,
    Promotion,
    Surcharge,
    SurchargeBasis,
    TaxRate,
)


@dataclass(frozen=True, slots=True)
class QuoteLine:
    key: str
    item: Item
    quantity: Decimal  # base units


def _breaks(customer: Customer, item_ids: list[int]) -> dict[int, list[PriceBreak]]:
    qs = PriceListEntry.objects.filter(item_id__in=item_ids)
    if customer.price_list_id is not None:
        qs = qs.filter(price_list_id=customer.price_list_id)
    else:
        qs = qs.filter(price_list__is_default=True, price_list__currency=customer.currency)
    found: dict[int, list[PriceBreak]] = defaultdict(list)
    for item_id, min_quantity, unit_price in qs.values_list(
        "item_id", "min_quantity", "unit_price"
    ):
        found[item_id].append(PriceBreak(min_quantity, unit_price))
    return found


def _contracts(customer: Customer, item_ids: list[int], on: dt.date) -> dict[int, ContractTerm]:
    qs = (
        ContractPrice.objects.filter(
            customer_id=customer.pk,
            currency=customer.currency,
            item_id__in=item_ids,
            valid_from__lte=on,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("item_id", "valid_from")
    )
    # Ordered by start: a later contract overwrites an earlier one still formally in force.
    return {
        item_id: ContractTerm(price, ref)
        for item_id, price, ref in qs.values_list("item_id", "unit_price", "contract_ref")
    }


def _promotions(items: Sequence[Item], on: dt.date) -> dict[int, tuple[PromotionTerm, ...]]:
    item_ids = sorted({item.pk for item in items})
    groups = sorted({item.item_group for item in items if item.item_group})
    rows = (
        Promotion.objects.filter(active=True, valid_from__lte=on, valid_to__gte=on)
        .filter(
            Q(item_id__in=item_ids)
            | Q(item__isnull=True, item_group__in=groups)
            | Q(item__isnull=True, item_group="")
        )
        .order_by("code")
        .values_list(
            "code", "kind", "percent", "buy_quantity", "free_quantity", "item_id", "item_group"
        )
    )
    by_item: dict[int, list[PromotionTerm]] = defaultdict(list)
    by_group: dict[str, list[PromotionTerm]] = defaultdict(list)
    everything: list[PromotionTerm] = []
    for code, kind, percent, buy, free, item_id, group in rows:
        term = PromotionTerm(code, kind, percent, buy, free)
        if item_id is not None:
            by_item[item_id].append(term)
        elif group:
            by_group[group].append(term)
        else:
            everything.append(term)
    return {
        item.pk: (*by_item.get(item.pk, ()), *by_group.get(item.item_group, ()), *everything)
        for item in items
    }


def _surcharges(currency: str) -> tuple[SurchargeTerm, ...]:
    qs = (
        Surcharge.objects.filter(active=True)
        .filter(
            Q(currency=currency)
            | Q(basis=SurchargeBasis.PERCENT_OF_LINE, below_order_value__isnull=True)
        )
        .order_by("code")
    )
    return tuple(
        SurchargeTerm(
            code=s.code,
            name=s.name,
            basis=s.basis,
            amount=s.amount,
            item_group=s.item_group,
            hazmat_only=s.hazmat_only,
            below_order_value=s.below_order_value,
        )
        for s in qs
    )


def _freight(ship_method: ShipMethod, currency: str) -> FreightTerm | None:
    rate = FreightRate.objects.filter(ship_method_id=ship_method.pk, currency=currency).first()
    if rate is None:
        return None
    return FreightTerm(ship_method.code, rate.per_order, rate.per_kg, rate.free_above)


def _jurisdiction(ship_to: Address | None) -> tuple[str, str]:
    if ship_to is None:
        return "", ""
    return ship_to.country.strip().upper(), ship_to.region.strip().upper()


def _tax_rates(country: str, region: str, on: dt.date) -> dict[str, Decimal]:
    if not country:
        return {}
    regions = ["", region] if region else [""]
    rows = (
        TaxRate.objects.filter(country=country, region__in=regions, valid_from__lte=on)
        .order_by("valid_from")
        .values_list("region", "product_tax_code", "rate_percent")
    )
    national: dict[str, Decimal] = {}
    regional: dict[str, Decimal] = {}
    for row_region, code, rate in rows:  # by start date: the latest overwrites
        (regional if row_region else national)[code] = rate
    return {**national, **regional}


def _line(
    line: QuoteLine,
    breaks: dict[int, list[PriceBreak]],
    contracts: dict[int, ContractTerm],
    promotions: dict[int, tuple[PromotionTerm, ...]],
) -> LineInput:
    item = line.item
    return LineInput(
        key=line.key,
        sku=item.sku,
        item_group=item.item_group,
        quantity=to_decimal(line.quantity),
        weight_kg=to_decimal(item.weight_kg),
        hazmat=item.is_hazmat,
        tax_code=item.product_tax_code,
        breaks=tuple(breaks.get(item.pk, ())),
        contract=contracts.get(item.pk),
        promotions=promotions.get(item.pk, ()),
    )


def order_input(
    *,
    customer: Customer,
    ship_to: Address | None,
    ship_method: ShipMethod | None,
    bill_freight: bool,
    on_date: dt.date,
    lines: Sequence[QuoteLine],
) -> OrderInput:
    """Everything that prices these lines for this customer on `on_date`, in ≤ 6 queries."""
    items = [line.item for line in lines]
    item_ids = sorted({item.pk for item in items})
    currency = customer.currency
    breaks = _breaks(customer, item_ids)
    contracts = _contracts(customer, item_ids, on_date)
    promotions = _promotions(items, on_date)
    country, region = _jurisdiction(ship_to)
    freight = _freight(ship_method, currency) if bill_freight and ship_method else None
    if ship_to is None:
        jurisdiction = "(no ship-to)"
    else:
        jurisdiction = f"{country}-{region}" if region else country
    return OrderInput(
        currency=currency,
        lines=tuple(_line(line, breaks, contracts, promotions) for line in lines),
        customer_discount_percent=to_decimal(customer.discount_percent),
        surcharges=_surcharges(currency),
        freight=freight,
        bill_freight=bill_freight,
        tax_rates=_tax_rates(country, region, on_date),
        tax_exempt=customer.tax_exempt,
        exemption_certificate=customer.exemption_certificate,
        jurisdiction=jurisdiction,
    )


def price_order_for(
    *,
    customer: Customer,
    ship_to: Address | None,
    ship_method: ShipMethod | None,
    bill_freight: bool,
    on_date: dt.date,
    lines: Sequence[QuoteLine],
) -> PricedOrder:
    """Load and price in one call: `price_order(order_input(...))`."""
    return price_order(
        order_input(
            customer=customer,
            ship_to=ship_to,
            ship_method=ship_method,
            bill_freight=bill_freight,
            on_date=on_date,
            lines=lines,
        )
    )


def price_lookup(
    *, customer: Customer, item: Item, quantity: Decimal, on_date: dt.date
) -> tuple[Decimal, tuple[str, ...]]:
    """(unit price, trace) of one SKU at a quantity, for order entry as the clerk types.

    Three queries (breaks, contract, promotions); no tax, surcharge or freight, which
    depend on the whole order.
    """
    line = QuoteLine(key=item.sku, item=item, quantity=quantity)
    breaks = _breaks(customer, [item.pk])
    contracts = _contracts(customer, [item.pk], on_date)
    promotions = _promotions([item], on_date)
    unit, trace, _source = unit_price_for(
        _line(line, breaks, contracts, promotions), to_decimal(customer.discount_percent)
    )
    return unit, trace

"""Price lists with quantity breaks, customer contracts, surcharges and tax rates.

Breaks sit where buyers actually cross them (a case of filters, a reel of wire), and some
contract prices are expired or not yet valid, so the pricing engine meets every date case
on the first day of the demo.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .data_commercial import (
    CAD_RATE,
    CONTRACTOR_FACTOR,
    PAYMENT_TERMS,
    PRICE_LISTS,
    SURCHARGES,
    TAX_RATES,
)
from .rows import (
    ContractPriceRow,
    DemoData,
    ItemRow,
    PriceEntryRow,
    PriceListRow,
    SurchargeRow,
    TaxRateRow,
    TermsRow,
)

#: Quantity breaks per group: (minimum quantity, percent of the single-unit price).
BREAKS: dict[str, tuple[tuple[int, int], ...]] = {
    "CAPACITORS": ((10, 94), (50, 88)),
    "CONTACTORS": ((10, 95), (50, 90)),
    "FILTERS": ((12, 94), (48, 88)),
    "FITTINGS": ((50, 92), (250, 85)),
    "CONDUIT": ((10, 95), (100, 88)),
    "BREAKERS": ((10, 95),),
    "CHEMICALS": ((12, 93),),
    "WIRE": ((500, 92), (2500, 85)),
    "REFRIGERANT": ((10, 96),),
}
#: Contracts: how many customers have one, and how many items each covers.
CONTRACT_CUSTOMERS = 40
CONTRACT_ITEMS = (10, 40)

#: Jurisdictions that tax freight billed on prepaid-and-add terms (at the general rate);
#: elsewhere in the US separately stated delivery is exempt. Canada, Mexico and Europe tax
#: delivery with the goods, so every non-US rate gets a FREIGHT twin.
FREIGHT_TAXED_STATES = ("TX", "IN", "WI", "MN", "GA", "OH", "TN")

# ship method code, currency, per order, per kg, free above (None = never free)
FREIGHT_RATES: tuple[tuple[str, str, str, str, str | None], ...] = (
    ("UPS-GND", "USD", "12.50", "0.85", "500.00"),
    ("UPS-GND", "CAD", "17.00", "1.15", "700.00"),
    ("UPS-2DA", "USD", "28.00", "2.10", None),
    ("FDX-PRI", "USD", "45.00", "3.40", None),
    ("LTL-STD", "USD", "95.00", "0.32", "5000.00"),
    ("LTL-STD", "CAD", "130.00", "0.44", "6800.00"),
    ("DHL-INTL", "USD", "65.00", "6.50", None),
    ("WILL-CALL", "USD", "0.00", "0.00", None),
    ("WILL-CALL", "CAD", "0.00", "0.00", None),
)


@dataclass(frozen=True, slots=True)
class PromotionRow:
    """A promotion; `sku` blank = by `item_group` (blank too = every item)."""

    code: str
    name: str
    kind: str
    percent: Decimal
    buy_quantity: Decimal
    free_quantity: Decimal
    sku: str
    item_group: str
    valid_from: dt.date
    valid_to: dt.date
    active: bool


@dataclass(frozen=True, slots=True)
class FreightRateRow:
    """A freight rate, keyed by the ship method's code (the loader resolves it)."""

    ship_method_code: str
    currency: str
    per_order: Decimal
    per_kg: Decimal
    free_above: Decimal | None


def _money(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _places(item: ItemRow) -> int:
    return 4 if item.base_uom == "FT" else 2


def generate_setup(data: DemoData) -> None:
    data.terms.extend(
        TermsRow(code, text, days, Decimal(pct), disc)
        for code, text, days, pct, disc in PAYMENT_TERMS
    )
    data.price_lists.extend(PriceListRow(*row) for row in PRICE_LISTS)
    data.surcharges.extend(
        SurchargeRow(
            code=code,
            name=name,
            basis=basis,
            amount=Decimal(amount),
            currency="USD",
            item_group=group,
            hazmat_only=hazmat,
            below_order_value=Decimal(below) if below else None,
        )
        for code, name, basis, amount, group, hazmat, below in SURCHARGES
    )
    data.tax_rates.extend(
        TaxRateRow(country, region, "GENERAL", Decimal(rate), name)
        for country, region, rate, name in TAX_RATES
    )
    data.tax_rates.extend(
        TaxRateRow(country, region, "FREIGHT", Decimal(rate), f"{name} on freight")
        for country, region, rate, name in TAX_RATES
        if country != "US" or region in FREIGHT_TAXED_STATES
    )


def generate_prices(rng: random.Random, data: DemoData) -> dict[tuple[str, str], Decimal]:
    """Write every list's entries; return the single-unit price per (list, SKU) for contracts."""
    single: dict[tuple[str, str], Decimal] = {}
    for item in data.items:
        places = _places(item)
        markup = Decimal(rng.randint(140, 185)).scaleb(-2)
        base = {
            "LIST": _money(item.cost * markup, places),
        }
        base["CAD"] = _money(base["LIST"] * Decimal(CAD_RATE), places)
        base["CONTRACTOR"] = _money(base["LIST"] * Decimal(CONTRACTOR_FACTOR), places)
        for code, price in base.items():
            single[(code, item.sku)] = price
            data.price_entries.append(PriceEntryRow(code, item.sku, Decimal(1), price))
            for minimum, percent in BREAKS.get(item.item_group, ()):
                data.price_entries.append(
                    PriceEntryRow(
                        code,
                        item.sku,
                        Decimal(minimum),
                        _money(price * Decimal(percent).scaleb(-2), places),
                    )
                )
    return single


def generate_contracts(
    rng: random.Random, data: DemoData, single: dict[tuple[str, str], Decimal]
) -> None:
    today = data.today
    eligible = [c for c in data.customers if c.status == "active"]
    chosen = sorted(rng.sample(range(len(eligible)), CONTRACT_CUSTOMERS))
    sellable = [i for i in data.items if i.status == "active"]
    for n, index in enumerate(chosen, start=1):
        customer = eligible[index]
        list_code = "CAD" if customer.currency == "CAD" else "LIST"
        ref = f"CTR-{today.year}-{n:03d}"
        if n % 13 == 0:  # signed, starts next month: priced at list until then
            valid_from = today + dt.timedelta(days=rng.randint(10, 40))
        else:
            valid_from = today - dt.timedelta(days=rng.randint(15, 300))
        valid_to = None if n % 5 == 0 else valid_from + dt.timedelta(days=364)
        items = rng.sample(sellable, rng.randint(*CONTRACT_ITEMS))
        for item in sorted(items, key=lambda i: i.sku):
            places = _places(item)
            listed = single[(list_code, item.sku)]
            price = _money(listed * Decimal(rng.randint(70, 90)).scaleb(-2), places)
            row = ContractPriceRow(
                customer.account_number,
                item.sku,
                price,
                customer.currency,
                valid_from,
                valid_to,
                ref,
            )
            data.contract_prices.append(row)
            if n % 4 == 0:  # last year's price, expired: history the desk can look back on
                data.contract_prices.append(
                    ContractPriceRow(
                        customer.account_number,
                        item.sku,
                        _money(price * Decimal("1.04"), places),
                        customer.currency,
                        valid_from - dt.timedelta(days=365),
                        valid_from - dt.timedelta(days=1),
                        f"CTR-{today.year - 1}-{n:03d}",
                    )
                )


def generate_promotions(data: DemoData) -> list[PromotionRow]:
    """This month's promotions, derived from the catalogue and `today` (no random draws).

    Deterministic without the generator's random stream, so adding them changes no other
    demo row. One running on a group, one buy-10-get-1 on a single item, one expired and one
    not yet started, so the engine meets each date case on the first day of the demo.
    """
    today = data.today
    active = sorted(
        (i for i in data.items if i.status == "active" and not i.is_kit),
        key=lambda i: i.sku,
    )
    cleaner = next((i for i in active if i.item_group == "CHEMICALS"), None)
    rows = [
        PromotionRow(
            "FILTERS8", "Spring filter change-out: 8% off filters", "percent",
            Decimal(8), Decimal(0), Decimal(0), "", "FILTERS",
            today - dt.timedelta(days=10), today + dt.timedelta(days=20), True,
        ),
        PromotionRow(
            "CAPS15", "Capacitor clearance: 15% off", "percent",
            Decimal(15), Decimal(0), Decimal(0), "", "CAPACITORS",
            today - dt.timedelta(days=60), today - dt.timedelta(days=31), True,
        ),
        PromotionRow(
            "WIRE5", "Copper wire pre-season: 5% off", "percent",
            Decimal(5), Decimal(0), Decimal(0), "", "WIRE",
            today + dt.timedelta(days=7), today + dt.timedelta(days=37), True,
        ),
    ]  # fmt: skip
    if cleaner is not None:
        rows.append(
            PromotionRow(
                "B10G1-CLEAN", f"Buy 10 get 1 free: {cleaner.description}"[:100], "buy_x_get_y",
                Decimal(0), Decimal(10), Decimal(1), cleaner.sku, "",
                today - dt.timedelta(days=5), today + dt.timedelta(days=25), True,
            )
        )  # fmt: skip
    return rows


def generate_freight_rates() -> list[FreightRateRow]:
    """Freight rates per ship method code (the ship methods themselves are demo parties)."""
    return [
        FreightRateRow(
            code, currency, Decimal(per_order), Decimal(per_kg),
            Decimal(free) if free is not None else None,
        )
        for code, currency, per_order, per_kg, free in FREIGHT_RATES
    ]  # fmt: skip

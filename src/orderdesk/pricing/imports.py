"""Import formats of price lists, list prices with quantity breaks, contract prices,
surcharges and tax rates.

The pricing services' rules hold here too: a price list in use keeps its currency, one
default list per currency, a contract price is in the customer's currency and never
overlaps another for the same item, percentages stay within 0-100.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from orderdesk.catalog.models import Item
from orderdesk.core.importing import KEEP, Column, Context, Ref, Row, Spec, register, upsert
from orderdesk.core.roles import Capability
from orderdesk.parties.imports import (
    HUNDRED,
    country_check,
    currency_check,
    keep_one,
    one_per_group,
)
from orderdesk.parties.models import Customer

from .models import ContractPrice, PriceList, PriceListEntry, Surcharge, SurchargeBasis, TaxRate

ZERO = Decimal(0)


ITEM_REF = Ref(Item, ("sku",), "item", "use a SKU from the items import")


# --- price lists ---------------------------------------------------------------------------


def _apply_price_lists(ctx: Context, rows: list[Row]) -> None:
    """A list with prices or customers keeps its currency: its entries carry none of their own."""
    current = dict(
        PriceList.objects.filter(code__in=[r.values["code"] for r in rows]).values_list(
            "code", "currency"
        )
    )
    for row in rows:
        was = current.get(row.values["code"])
        new = row.values.get("currency", was)
        if was and new != was:
            in_use = PriceList.objects.filter(code=row.values["code"])
            if (
                in_use.filter(entries__isnull=False).exists()
                or Customer.objects.filter(price_list__code=row.values["code"]).exists()
            ):
                row.error(
                    "currency",
                    f"price list {row.values['code']} has prices or customers in {was}",
                    f"create a new price list in {new} instead",
                )
    rows = [r for r in rows if not r.errors]
    upsert(ctx, PriceList, ["code"], [(r, ctx.spec.record(r)) for r in rows], entity="price_list")
    keep_one(ctx, PriceList, rows, flag="is_default", group=("currency",), entity="price_list")


PRICE_LISTS = Spec(
    name="price_lists",
    model=PriceList,
    key=("code",),
    entity="price_list",
    order=15,
    help="Price lists; the default list of a currency prices customers without their own.",
    capability=Capability.PRICING_EDIT,
    checks=[one_per_group("is_default", ("currency",), "the default list of this currency")],
    apply=_apply_price_lists,
    columns=[
        Column("code", required=True, help="price list code", example="LIST"),
        Column("name", required=True, help="name", example="List prices 2025"),
        Column(
            "currency",
            upper=True,
            check=currency_check,
            help="ISO 4217 (blank = USD)",
            example="USD",
        ),
        Column("is_default", "bool", help="yes = default list of its currency", example="yes"),
    ],
)


PRICE_LIST_ENTRIES = Spec(
    name="price_list_entries",
    model=PriceListEntry,
    key=("price_list", "sku", "min_quantity"),
    entity="price_list_entry",
    order=90,
    help="List prices: one row per item and quantity break (the price from min_quantity up).",
    capability=Capability.PRICING_EDIT,
    columns=[
        Column(
            "price_list",
            "ref",
            required=True,
            help="price list code",
            example="LIST",
            ref=Ref(PriceList, ("code",), "price list", "use a code from price_lists"),
        ),
        Column(
            "sku",
            "ref",
            field="item",
            required=True,
            help="the item",
            example="CTR-3P-40A",
            ref=ITEM_REF,
        ),
        Column(
            "min_quantity",
            "decimal",
            positive=True,
            default=Decimal(1),
            help="the break: price applies from this quantity (blank = 1)",
            example="1",
        ),
        Column(
            "unit_price",
            "decimal",
            required=True,
            minimum=ZERO,
            help="price per base unit in the list's currency",
            example="48.50",
        ),
    ],
)


# --- contract prices -----------------------------------------------------------------------


def _check_contract(row: Row, ctx: Context) -> None:
    customer, v = row.extra.get("customer"), row.values
    if customer is None:
        return
    currency = v.setdefault("currency", customer["currency"])
    if currency and currency != customer["currency"]:
        row.error(
            "currency",
            f"{row.texts['customer']} buys in {customer['currency']}, not {currency}",
            f"agree the price in {customer['currency']}",
        )
    if row.has("valid_from", "valid_to") and v["valid_to"] and v["valid_to"] < v["valid_from"]:
        row.error(
            "valid_to",
            f"the contract ends ({v['valid_to']}) before it starts ({v['valid_from']})",
            "make valid_to on or after valid_from, or leave it empty (open-ended)",
        )


def _overlaps(a: tuple[dt.date, dt.date | None], b: tuple[dt.date, dt.date | None]) -> bool:
    return (b[1] is None or b[1] >= a[0]) and (a[1] is None or a[1] >= b[0])


def _apply_contracts(ctx: Context, rows: list[Row]) -> None:
    """Two prices for the same item on the same day would make an order's price a coin toss.

    Periods are checked as they will be after the batch: stored ones, overridden by the
    batch's rows for the same start date, so a file may end one contract and start the next.
    """
    periods: dict[tuple[int, int], dict[dt.date, tuple[dt.date | None, int]]] = {}
    pairs = {(r.values["customer"], r.values["sku"]) for r in rows}
    stored = ContractPrice.objects.filter(
        customer_id__in={p[0] for p in pairs}, item_id__in={p[1] for p in pairs}
    ).values_list("customer_id", "item_id", "valid_from", "valid_to")
    for customer, item, start, end in stored:
        periods.setdefault((customer, item), {})[start] = (end, 0)
    for row in rows:
        pair = (row.values["customer"], row.values["sku"])
        periods.setdefault(pair, {})[row.values["valid_from"]] = (
            row.values.get("valid_to"),
            row.number,
        )
    for row in rows:
        pair, start = (row.values["customer"], row.values["sku"]), row.values["valid_from"]
        mine = (start, periods[pair][start][0])
        for other, (end, number) in sorted(periods[pair].items()):
            if other != start and (number < row.number) and _overlaps(mine, (other, end)):
                where = f"row {number}" if number else "a stored contract price"
                row.error(
                    "valid_from",
                    f"{where} for this item runs {other} to {end or 'open end'}",
                    "end the other contract price the day before this one starts",
                )
                break
    good = [r for r in rows if not r.errors]
    key = ["customer_id", "item_id", "valid_from"]
    upsert(
        ctx, ContractPrice, key, [(r, ctx.spec.record(r)) for r in good], entity="contract_price"
    )


CONTRACT_PRICES = Spec(
    name="contract_prices",
    model=ContractPrice,
    key=("customer", "sku", "valid_from"),
    entity="contract_price",
    order=95,
    help="Prices agreed with one customer for one item, valid between two dates.",
    capability=Capability.PRICING_EDIT,
    checks=[_check_contract],
    apply=_apply_contracts,
    columns=[
        Column(
            "customer",
            "ref",
            required=True,
            upper=True,
            help="the customer's account number",
            example="C10042",
            ref=Ref(
                Customer,
                ("account_number",),
                "customer",
                "use an account number from the customers import",
                extra=("currency",),
            ),
        ),
        Column(
            "sku",
            "ref",
            field="item",
            required=True,
            help="the item",
            example="CTR-3P-40A",
            ref=ITEM_REF,
        ),
        Column(
            "unit_price",
            "decimal",
            required=True,
            minimum=ZERO,
            help="agreed price per base unit",
            example="41.00",
        ),
        Column(
            "currency",
            upper=True,
            check=currency_check,
            default=KEEP,
            help="must be the customer's currency (blank = the customer's)",
            example="USD",
        ),
        Column(
            "valid_from", "date", required=True, help="first day (YYYY-MM-DD)", example="2025-01-01"
        ),
        Column("valid_to", "date", help="last day (blank = open-ended)", example="2025-12-31"),
        Column("contract_ref", help="the contract's reference", example="AGR-2025-017"),
    ],
)


# --- surcharges and tax rates --------------------------------------------------------------


def _check_surcharge(row: Row, ctx: Context) -> None:
    v = row.values
    if v.get("basis") == SurchargeBasis.PERCENT_OF_LINE and v.get("amount", ZERO) > HUNDRED:
        row.error("amount", f"{v['amount']} percent is more than 100", "enter 100 or less")


SURCHARGES = Spec(
    name="surcharges",
    model=Surcharge,
    key=("code",),
    entity="surcharge",
    order=96,
    help="Extra charges: fuel, hazmat handling, small-order fee, metals surcharge.",
    capability=Capability.PRICING_EDIT,
    checks=[_check_surcharge],
    columns=[
        Column("code", required=True, help="surcharge code", example="FUEL"),
        Column("name", required=True, help="name on the invoice", example="Fuel surcharge"),
        Column(
            "basis",
            required=True,
            help="percent_line, per_unit or per_order",
            example="percent_line",
        ),
        Column(
            "amount",
            "decimal",
            required=True,
            minimum=ZERO,
            help="percent, or amount in the currency",
            example="2.5",
        ),
        Column(
            "currency",
            upper=True,
            check=currency_check,
            help="ISO 4217 (blank = USD)",
            example="USD",
        ),
        Column("item_group", help="only items of this group (blank = all)", example=""),
        Column("hazmat_only", "bool", help="yes = only dangerous goods", example="no"),
        Column(
            "below_order_value",
            "decimal",
            positive=True,
            help="only orders below this value (small-order fee)",
            example="",
        ),
        Column("active", "bool", help="no = not charged (blank = yes)", example="yes"),
    ],
)


TAX_RATES = Spec(
    name="tax_rates",
    model=TaxRate,
    key=("country", "region", "product_tax_code", "valid_from"),
    entity="tax_rate",
    order=97,
    help="Sales tax by jurisdiction and product tax code, from a date (a new rate = a new row).",
    capability=Capability.PRICING_EDIT,
    columns=[
        Column(
            "country",
            required=True,
            upper=True,
            check=country_check,
            help="ISO 3166 country",
            example="US",
        ),
        Column(
            "region",
            upper=True,
            default="",
            help="state or province (blank = whole country)",
            example="IL",
        ),
        Column(
            "product_tax_code",
            default="GENERAL",
            help="product tax code (blank = GENERAL)",
            example="GENERAL",
        ),
        Column(
            "rate_percent",
            "decimal",
            required=True,
            minimum=ZERO,
            maximum=HUNDRED,
            help="rate in percent",
            example="6.25",
        ),
        Column("name", help="name on the invoice", example="Illinois state tax"),
        Column(
            "valid_from",
            "date",
            default=dt.date(2000, 1, 1),
            help="first day (blank = 2000-01-01)",
            example="2025-01-01",
        ),
    ],
)

register(PRICE_LISTS, PRICE_LIST_ENTRIES, CONTRACT_PRICES, SURCHARGES, TAX_RATES)

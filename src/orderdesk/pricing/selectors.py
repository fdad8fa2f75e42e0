"""Queries on price lists, quantity breaks, contract prices, surcharges and tax rates.

Contract prices are the one pricing record a portal user may read, and only their own:
the queryset is scoped to their customer, so another customer's contract is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from orderdesk.core.access import scope_to_customer
from orderdesk.core.errors import NotFound
from orderdesk.parties.selectors import require_reader

from .models import ContractPrice, PriceList, PriceListEntry, Surcharge, TaxRate


def price_list_list(
    *, user: Any, q: str | None = None, currency: str | None = None
) -> QuerySet[PriceList]:
    require_reader(user)
    qs = PriceList.objects.all()
    if currency:
        qs = qs.filter(currency=currency.upper())
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return qs.order_by("code")


def price_list_get(*, user: Any, pk: int) -> PriceList:
    price_list = price_list_list(user=user).filter(pk=pk).first()
    if price_list is None:
        raise NotFound("price list", pk)
    return price_list


def price_list_entry_list(
    *, user: Any, price_list_id: int | None = None, item_id: int | None = None
) -> QuerySet[PriceListEntry]:
    """Quantity breaks, lowest quantity first within each item of each list."""
    require_reader(user)
    qs = PriceListEntry.objects.select_related("price_list", "item")
    if price_list_id is not None:
        qs = qs.filter(price_list_id=price_list_id)
    if item_id is not None:
        qs = qs.filter(item_id=item_id)
    return qs.order_by("price_list__code", "item__sku", "min_quantity")


def price_list_entry_get(*, user: Any, pk: int) -> PriceListEntry:
    entry = price_list_entry_list(user=user).filter(pk=pk).first()
    if entry is None:
        raise NotFound("price list entry", pk)
    return entry


def contract_price_list(
    *,
    user: Any,
    customer_id: int | None = None,
    item_id: int | None = None,
    valid_on: dt.date | None = None,
) -> QuerySet[ContractPrice]:
    """Contract prices; `valid_on` keeps those in force that day (the pricing question)."""
    require_reader(user, portal=True)
    qs = scope_to_customer(ContractPrice.objects.select_related("customer", "item"), user)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    if item_id is not None:
        qs = qs.filter(item_id=item_id)
    if valid_on is not None:
        qs = qs.filter(valid_from__lte=valid_on).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=valid_on)
        )
    return qs.order_by("customer__account_number", "item__sku", "valid_from")


def contract_price_get(*, user: Any, pk: int) -> ContractPrice:
    contract = contract_price_list(user=user).filter(pk=pk).first()
    if contract is None:
        raise NotFound("contract price", pk)
    return contract


def surcharge_list(
    *, user: Any, q: str | None = None, active: bool | None = None
) -> QuerySet[Surcharge]:
    require_reader(user)
    qs = Surcharge.objects.all()
    if active is not None:
        qs = qs.filter(active=active)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return qs.order_by("code")


def surcharge_get(*, user: Any, pk: int) -> Surcharge:
    surcharge = surcharge_list(user=user).filter(pk=pk).first()
    if surcharge is None:
        raise NotFound("surcharge", pk)
    return surcharge


def tax_rate_list(
    *,
    user: Any,
    country: str | None = None,
    region: str | None = None,
    product_tax_code: str | None = None,
) -> QuerySet[TaxRate]:
    require_reader(user)
    qs = TaxRate.objects.all()
    if country:
        qs = qs.filter(country=country.upper())
    if region is not None:
        qs = qs.filter(region=region.upper())
    if product_tax_code:
        qs = qs.filter(product_tax_code=product_tax_code)
    return qs.order_by("country", "region", "product_tax_code", "valid_from")


def tax_rate_get(*, user: Any, pk: int) -> TaxRate:
    rate = tax_rate_list(user=user).filter(pk=pk).first()
    if rate is None:
        raise NotFound("tax rate", pk)
    return rate

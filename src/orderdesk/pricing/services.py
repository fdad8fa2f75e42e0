"""Commands on price lists and their quantity breaks, contract prices, surcharges, tax rates.

All of them need PRICING_EDIT: a price is a promise to a customer, so fewer roles may make
one than may edit an address. Amounts are checked to the stored scale before any write, so
an amount is either stored exactly or refused, never rounded on the way in.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.db import transaction
from django.db.models import Q

from orderdesk.catalog.models import Item
from orderdesk.core.audit import event_record, snapshot
from orderdesk.core.errors import Conflict
from orderdesk.core.roles import Capability, require
from orderdesk.parties.errors import (
    apply,
    check_fields,
    clean_country,
    clean_currency,
    clean_decimal,
    invalid,
    locked,
    reference,
    save_unique,
    taken,
)
from orderdesk.parties.models import Customer
from orderdesk.parties.services import record_create, record_update

from .errors import PricingErrorCode as C
from .models import ContractPrice, PriceList, PriceListEntry, Surcharge, SurchargeBasis, TaxRate

# --- price lists -----------------------------------------------------------------------------


class PriceListChanges(TypedDict, total=False):
    code: str
    name: str
    currency: str
    is_default: bool


def _check_price_list(price_list: PriceList, before_currency: str | None) -> None:
    price_list.code = (price_list.code or "").strip()
    price_list.currency = clean_currency(price_list.currency)
    if before_currency and price_list.currency != before_currency:
        # Entries carry no currency of their own: changing the list's would re-denominate
        # every price in it, and customers buying in the old currency would be mispriced.
        in_use = (
            price_list.entries.exists()
            or Customer.objects.filter(price_list_id=price_list.pk).exists()
        )
        if in_use:
            raise invalid(
                C.PRICE_LIST_CURRENCY_LOCKED,
                f"price list {price_list.code} has prices or customers in {before_currency}",
                field="currency",
                fix=f"create a new price list in {price_list.currency} instead",
            )
    check_fields(price_list)
    if PriceList.objects.filter(code=price_list.code).exclude(pk=price_list.pk).exists():
        raise taken(C.PRICE_LIST_CODE_TAKEN, "price list", price_list.code, field="code")


def _one_default(actor: Any, price_list: PriceList) -> None:
    """One default price list per currency: the fallback for customers without their own."""
    if not price_list.is_default:
        return
    others = PriceList.objects.filter(currency=price_list.currency, is_default=True)
    for other in others.exclude(pk=price_list.pk):
        other.is_default = False
        other.save(update_fields=["is_default"])
        event_record(
            actor=actor,
            obj=other,
            action="price_list.updated",
            before={"is_default": True},
            after={"is_default": False},
            reason=f"{price_list.code} became the default {price_list.currency} price list",
        )


def price_list_create(
    *, actor: Any, code: str, name: str, currency: str = "USD", is_default: bool = False
) -> PriceList:
    require(actor, Capability.PRICING_EDIT)
    price_list = PriceList(code=code, name=name, currency=currency, is_default=is_default)
    with transaction.atomic():
        _check_price_list(price_list, None)
        save_unique(
            price_list, taken(C.PRICE_LIST_CODE_TAKEN, "price list", price_list.code, field="code")
        )
        _one_default(actor, price_list)
        record_create(actor, price_list, "price_list.created")
    return price_list


def price_list_update(
    *, actor: Any, price_list_id: int, reason: str = "", **changes: Unpack[PriceListChanges]
) -> PriceList:
    require(actor, Capability.PRICING_EDIT)
    with transaction.atomic():
        price_list = locked(PriceList, price_list_id, "price list")
        before = snapshot(price_list)
        apply(price_list, dict(changes))
        _check_price_list(price_list, before["currency"])
        _one_default(actor, price_list)
        record_update(actor, price_list, before, "price_list.updated", reason)
    return price_list


# --- price list entries (quantity breaks) ----------------------------------------------------


class EntryChanges(TypedDict, total=False):
    min_quantity: Decimal
    unit_price: Decimal


def _check_entry(entry: PriceListEntry) -> None:
    entry.min_quantity = clean_decimal(
        entry.min_quantity, field="min_quantity", places=4, positive=True
    )
    entry.unit_price = clean_decimal(entry.unit_price, field="unit_price", places=4, minimum=0)


def _break_taken(entry: PriceListEntry) -> Conflict:
    return taken(
        C.PRICE_BREAK_TAKEN, "price break from quantity", entry.min_quantity, field="min_quantity"
    )


def price_list_entry_upsert(
    *,
    actor: Any,
    price_list_id: int,
    item_id: int,
    unit_price: Decimal,
    min_quantity: Decimal = Decimal(1),
) -> tuple[PriceListEntry, bool]:
    """Set the price of an item from a quantity up; (entry, created).

    Keyed by price list, item and break quantity, so loading the same price file twice
    changes nothing and records nothing the second time.
    """
    require(actor, Capability.PRICING_EDIT)
    with transaction.atomic():
        price_list = reference(PriceList, price_list_id, field="price_list_id", what="price list")
        item = reference(Item, item_id, field="item_id", what="item")
        values: dict[str, Any] = {"min_quantity": min_quantity, "unit_price": unit_price}
        probe = PriceListEntry(price_list=price_list, item=item, **values)
        _check_entry(probe)
        existing = PriceListEntry.objects.filter(
            price_list=price_list, item=item, min_quantity=probe.min_quantity
        ).first()
        if existing is None:
            save_unique(probe, _break_taken(probe))
            record_create(actor, probe, "price_list_entry.created")
            return probe, True
        entry = locked(PriceListEntry, existing.pk, "price list entry")
        before = snapshot(entry)
        entry.unit_price = probe.unit_price
        record_update(actor, entry, before, "price_list_entry.updated", "")
    return entry, False


def price_list_entry_update(
    *, actor: Any, entry_id: int, reason: str = "", **changes: Unpack[EntryChanges]
) -> PriceListEntry:
    require(actor, Capability.PRICING_EDIT)
    with transaction.atomic():
        entry = locked(PriceListEntry, entry_id, "price list entry")
        before = snapshot(entry)
        apply(entry, dict(changes))
        _check_entry(entry)
        dup = PriceListEntry.objects.filter(
            price_list_id=entry.price_list_id,
            item_id=entry.item_id,
            min_quantity=entry.min_quantity,
        )
        if dup.exclude(pk=entry.pk).exists():
            raise _break_taken(entry)
        record_update(actor, entry, before, "price_list_entry.updated", reason)
    return entry


# --- contract prices -------------------------------------------------------------------------


class ContractChanges(TypedDict, total=False):
    unit_price: Decimal
    currency: str
    valid_from: dt.date
    valid_to: dt.date | None
    contract_ref: str


def _check_contract(contract: ContractPrice) -> None:
    contract.currency = clean_currency(contract.currency)
    contract.unit_price = clean_decimal(
        contract.unit_price, field="unit_price", places=4, minimum=0
    )
    customer = contract.customer
    if contract.currency != customer.currency:
        raise invalid(
            C.CONTRACT_CURRENCY_MISMATCH,
            f"{customer.account_number} buys in {customer.currency}, not {contract.currency}",
            field="currency",
            fix=f"agree the price in {customer.currency}",
        )
    if contract.valid_from is None:
        raise invalid(
            C.CONTRACT_DATES_INVALID,
            "a contract price needs the date it starts",
            field="valid_from",
            fix="enter valid_from",
        )
    if contract.valid_to is not None and contract.valid_to < contract.valid_from:
        raise invalid(
            C.CONTRACT_DATES_INVALID,
            f"the contract ends ({contract.valid_to}) before it starts ({contract.valid_from})",
            field="valid_to",
            fix="make valid_to on or after valid_from, or leave it empty (open-ended)",
        )
    overlap = ContractPrice.objects.filter(
        customer_id=contract.customer_id, item_id=contract.item_id
    ).exclude(pk=contract.pk)
    overlap = overlap.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=contract.valid_from))
    if contract.valid_to is not None:
        overlap = overlap.filter(valid_from__lte=contract.valid_to)
    clash = overlap.order_by("valid_from").first()
    if clash is not None:
        # Two prices for the same day would make the order price depend on query order.
        until = clash.valid_to or "open end"
        raise invalid(
            C.CONTRACT_OVERLAP,
            f"another contract price for this item runs {clash.valid_from} to {until}",
            field="valid_from",
            fix="end the other contract price the day before this one starts",
        )
    check_fields(contract)


def contract_price_create(
    *,
    actor: Any,
    customer_id: int,
    item_id: int,
    unit_price: Decimal,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    currency: str | None = None,
    contract_ref: str = "",
) -> ContractPrice:
    """A customer's agreed price; the currency defaults to the one the customer buys in."""
    require(actor, Capability.PRICING_EDIT)
    with transaction.atomic():
        customer = reference(Customer, customer_id, field="customer_id", what="customer")
        item = reference(Item, item_id, field="item_id", what="item")
        fields: dict[str, Any] = {
            "customer": customer,
            "item": item,
            "unit_price": unit_price,
            "currency": currency or customer.currency,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "contract_ref": contract_ref,
        }
        contract = ContractPrice(**fields)
        _check_contract(contract)
        save_unique(
            contract,
            invalid(
                C.CONTRACT_OVERLAP,
                "a contract price for this item starts on the same day",
                field="valid_from",
                fix="change the start date, or update the existing contract price",
            ),
        )
        record_create(actor, contract, "contract_price.created")
    return contract


def contract_price_update(
    *, actor: Any, contract_price_id: int, reason: str = "", **changes: Unpack[ContractChanges]
) -> ContractPrice:
    require(actor, Capability.PRICING_EDIT)
    with transaction.atomic():
        contract = locked(ContractPrice, contract_price_id, "contract price")
        before = snapshot(contract)
        apply(contract, dict(changes))
        _check_contract(contract)
        record_update(actor, contract, before, "contract_price.updated", reason)
    return contract


# --- surcharges ------------------------------------------------------------------------------


class SurchargeChanges(TypedDict, total=False):
    code: str
    name: str
    basis: str
    amount: Decimal
    currency: str
    item_group: str
    hazmat_only: bool
    below_order_value: Decimal | None
    active: bool


def _check_surcharge(surcharge: Surcharge) -> None:
    surcharge.code = (surcharge.code or "").strip()
    surcharge.currency = clean_currency(surcharge.currency)
    percent = surcharge.basis == SurchargeBasis.PERCENT_OF_LINE
    surcharge.amount = clean_decimal(
        surcharge.amount, field="amount", places=4, minimum=0, maximum=100 if percent else None
    )
    if surcharge.below_order_value is not None:
        surcharge.below_order_value = clean_decimal(
            surcharge.below_order_value, field="below_order_value", places=4, positive=True
        )
    check_fields(surcharge)
    if Surcharge.objects.filter(code=surcharge.code).exclude(pk=surcharge.pk).exists():
        raise taken(C.SURCHARGE_CODE_TAKEN, "surcharge", surcharge.code, field="code")


def surcharge_create(
    *,
    actor: Any,
    code: str,
    name: str,
    basis: str,
    amount: Decimal,
    currency: str = "USD",
    item_group: str = "",
    hazmat_only: bool = False,
    below_order_value: Decimal | None = None,
    active: bool = True,
) -> Surcharge:
    require(actor, Capability.PRICING_EDIT)
    fields: dict[str, Any] = {
        "code": code,
        "name": name,
        "basis": basis,
        "amount": amount,
        "currency": currency,
        "item_group": item_group,
        "hazmat_only": hazmat_only,
        "below_order_value": below_order_value,
        "active": active,
    }
    surcharge = Surcharge(**fields)
    with transaction.atomic():
        _check_surcharge(surcharge)
        save_unique(
            surcharge, taken(C.SURCHARGE_CODE_TAKEN, "surcharge", surcharge.code, field="code")
        )
        record_create(actor, surcharge, "surcharge.created")
    return surcharge


def surcharge_update(
    *, actor: Any, surcharge_id: int, reason: str = "", **changes: Unpack[SurchargeChanges]
) -> Surcharge:
    require(actor, Capability.PRICING_EDIT)
    with transaction.atomic():
        surcharge = locked(Surcharge, surcharge_id, "surcharge")
        before = snapshot(surcharge)
        apply(surcharge, dict(changes))
        _check_surcharge(surcharge)
        record_update(actor, surcharge, before, "surcharge.updated", reason)
    return surcharge


# --- tax rates -------------------------------------------------------------------------------


class TaxRateChanges(TypedDict, total=False):
    country: str
    region: str
    product_tax_code: str
    rate_percent: Decimal
    name: str
    valid_from: dt.date


def _check_tax_rate(rate: TaxRate) -> None:
    rate.country = clean_country(rate.country)
    rate.region = (rate.region or "").strip().upper()
    rate.product_tax_code = (rate.product_tax_code or "").strip()
    rate.rate_percent = clean_decimal(
        rate.rate_percent, field="rate_percent", places=4, minimum=0, maximum=100
    )
    check_fields(rate)
    dup = TaxRate.objects.filter(
        country=rate.country,
        region=rate.region,
        product_tax_code=rate.product_tax_code,
        valid_from=rate.valid_from,
    ).exclude(pk=rate.pk)
    if dup.exists():
        raise _rate_taken(rate)


def _rate_taken(rate: TaxRate) -> Conflict:
    where = f"{rate.country}-{rate.region}" if rate.region else rate.country
    return taken(
        C.TAX_RATE_TAKEN,
        "tax rate",
        f"{where} {rate.product_tax_code} from {rate.valid_from}",
        field="valid_from",
    )


def tax_rate_create(
    *,
    actor: Any,
    country: str,
    rate_percent: Decimal,
    valid_from: dt.date,
    region: str = "",
    product_tax_code: str = "GENERAL",
    name: str = "",
) -> TaxRate:
    """A rate for a jurisdiction from a date; a new rate gets a new row, so history stays."""
    require(actor, Capability.PRICING_EDIT)
    fields: dict[str, Any] = {
        "country": country,
        "region": region,
        "product_tax_code": product_tax_code,
        "rate_percent": rate_percent,
        "name": name,
        "valid_from": valid_from,
    }
    rate = TaxRate(**fields)
    with transaction.atomic():
        _check_tax_rate(rate)
        save_unique(rate, _rate_taken(rate))
        record_create(actor, rate, "tax_rate.created")
    return rate


def tax_rate_update(
    *, actor: Any, tax_rate_id: int, reason: str = "", **changes: Unpack[TaxRateChanges]
) -> TaxRate:
    require(actor, Capability.PRICING_EDIT)
    with transaction.atomic():
        rate = locked(TaxRate, tax_rate_id, "tax rate")
        before = snapshot(rate)
        apply(rate, dict(changes))
        _check_tax_rate(rate)
        record_update(actor, rate, before, "tax_rate.updated", reason)
    return rate

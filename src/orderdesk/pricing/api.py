"""Price lists, quantity breaks, contract prices, surcharges and tax rates over REST.

Thin by rule: each handler parses, calls one selector or service, and returns what it got.
Writes need pricing_edit; a portal user reads only their own contract prices.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from orderdesk.core.apitools import CUSTOMER_SCOPED, Page, answers

from . import selectors, services
from .schemas import (
    ContractPriceFilter,
    ContractPriceIn,
    ContractPriceOut,
    ContractPricePatch,
    PriceListEntryFilter,
    PriceListEntryIn,
    PriceListEntryOut,
    PriceListEntryPatch,
    PriceListFilter,
    PriceListIn,
    PriceListOut,
    PriceListPatch,
    SurchargeFilter,
    SurchargeIn,
    SurchargeOut,
    SurchargePatch,
    TaxRateFilter,
    TaxRateIn,
    TaxRateOut,
    TaxRatePatch,
)

router = Router(tags=["pricing"])


# --- price lists -----------------------------------------------------------------------------


@router.get("/price-lists", response=answers(list[PriceListOut]), summary="List price lists")
@paginate(Page)
def price_lists_list(request: HttpRequest, filters: Query[PriceListFilter]) -> Any:
    return selectors.price_list_list(user=request.user, **filters.dict())


@router.get("/price-lists/{price_list_id}", response=answers(PriceListOut), summary="Price list")
def price_lists_read(request: HttpRequest, price_list_id: int) -> Any:
    return selectors.price_list_get(user=request.user, pk=price_list_id)


@router.post(
    "/price-lists",
    response=answers(PriceListOut, status=201, write=True),
    summary="Create a price list",
)
def price_lists_create(request: HttpRequest, payload: PriceListIn) -> Any:
    return 201, services.price_list_create(actor=request.user, **payload.dict())


@router.patch(
    "/price-lists/{price_list_id}",
    response=answers(PriceListOut, write=True),
    summary="Change a price list",
)
def price_lists_update(request: HttpRequest, price_list_id: int, payload: PriceListPatch) -> Any:
    return services.price_list_update(
        actor=request.user, price_list_id=price_list_id, **payload.dict(exclude_unset=True)
    )


# --- price list entries ----------------------------------------------------------------------


@router.get(
    "/price-list-entries",
    response=answers(list[PriceListEntryOut]),
    summary="List prices and quantity breaks",
)
@paginate(Page)
def entries_list(request: HttpRequest, filters: Query[PriceListEntryFilter]) -> Any:
    return selectors.price_list_entry_list(
        user=request.user, price_list_id=filters.price_list, item_id=filters.item
    )


@router.get(
    "/price-list-entries/{entry_id}", response=answers(PriceListEntryOut), summary="Price break"
)
def entries_read(request: HttpRequest, entry_id: int) -> Any:
    return selectors.price_list_entry_get(user=request.user, pk=entry_id)


@router.post(
    "/price-list-entries",
    response={200: PriceListEntryOut, **answers(PriceListEntryOut, status=201, write=True)},
    summary="Set a price (upsert by list, item and break quantity)",
)
def entries_upsert(request: HttpRequest, payload: PriceListEntryIn) -> Any:
    """201 when the break is new, 200 when an existing break's price was set."""
    entry, created = services.price_list_entry_upsert(actor=request.user, **payload.dict())
    return (201 if created else 200), entry


@router.patch(
    "/price-list-entries/{entry_id}",
    response=answers(PriceListEntryOut, write=True),
    summary="Change a price break",
)
def entries_update(request: HttpRequest, entry_id: int, payload: PriceListEntryPatch) -> Any:
    return services.price_list_entry_update(
        actor=request.user, entry_id=entry_id, **payload.dict(exclude_unset=True)
    )


# --- contract prices -------------------------------------------------------------------------


@router.get(
    "/contract-prices",
    response=answers(list[ContractPriceOut]),
    summary="List contract prices",
    openapi_extra=CUSTOMER_SCOPED,
)
@paginate(Page)
def contract_prices_list(request: HttpRequest, filters: Query[ContractPriceFilter]) -> Any:
    """A portal user sees their own customer's contract prices only."""
    return selectors.contract_price_list(
        user=request.user,
        customer_id=filters.customer,
        item_id=filters.item,
        valid_on=filters.valid_on,
    )


@router.get(
    "/contract-prices/{contract_price_id}",
    response=answers(ContractPriceOut),
    summary="Contract price",
    openapi_extra=CUSTOMER_SCOPED,
)
def contract_prices_read(request: HttpRequest, contract_price_id: int) -> Any:
    return selectors.contract_price_get(user=request.user, pk=contract_price_id)


@router.post(
    "/contract-prices",
    response=answers(ContractPriceOut, status=201, write=True),
    summary="Agree a contract price",
)
def contract_prices_create(request: HttpRequest, payload: ContractPriceIn) -> Any:
    """Validity periods of one customer's item may not overlap."""
    return 201, services.contract_price_create(actor=request.user, **payload.dict())


@router.patch(
    "/contract-prices/{contract_price_id}",
    response=answers(ContractPriceOut, write=True),
    summary="Change a contract price",
)
def contract_prices_update(
    request: HttpRequest, contract_price_id: int, payload: ContractPricePatch
) -> Any:
    return services.contract_price_update(
        actor=request.user, contract_price_id=contract_price_id, **payload.dict(exclude_unset=True)
    )


# --- surcharges ------------------------------------------------------------------------------


@router.get("/surcharges", response=answers(list[SurchargeOut]), summary="List surcharges")
@paginate(Page)
def surcharges_list(request: HttpRequest, filters: Query[SurchargeFilter]) -> Any:
    return selectors.surcharge_list(user=request.user, **filters.dict())


@router.get("/surcharges/{surcharge_id}", response=answers(SurchargeOut), summary="Surcharge")
def surcharges_read(request: HttpRequest, surcharge_id: int) -> Any:
    return selectors.surcharge_get(user=request.user, pk=surcharge_id)


@router.post(
    "/surcharges", response=answers(SurchargeOut, status=201, write=True), summary="Add surcharge"
)
def surcharges_create(request: HttpRequest, payload: SurchargeIn) -> Any:
    return 201, services.surcharge_create(actor=request.user, **payload.dict())


@router.patch(
    "/surcharges/{surcharge_id}",
    response=answers(SurchargeOut, write=True),
    summary="Change a surcharge",
)
def surcharges_update(request: HttpRequest, surcharge_id: int, payload: SurchargePatch) -> Any:
    return services.surcharge_update(
        actor=request.user, surcharge_id=surcharge_id, **payload.dict(exclude_unset=True)
    )


# --- tax rates -------------------------------------------------------------------------------


@router.get("/tax-rates", response=answers(list[TaxRateOut]), summary="List tax rates")
@paginate(Page)
def tax_rates_list(request: HttpRequest, filters: Query[TaxRateFilter]) -> Any:
    return selectors.tax_rate_list(user=request.user, **filters.dict())


@router.get("/tax-rates/{tax_rate_id}", response=answers(TaxRateOut), summary="Tax rate")
def tax_rates_read(request: HttpRequest, tax_rate_id: int) -> Any:
    return selectors.tax_rate_get(user=request.user, pk=tax_rate_id)


@router.post(
    "/tax-rates", response=answers(TaxRateOut, status=201, write=True), summary="Add a tax rate"
)
def tax_rates_create(request: HttpRequest, payload: TaxRateIn) -> Any:
    return 201, services.tax_rate_create(actor=request.user, **payload.dict())


@router.patch(
    "/tax-rates/{tax_rate_id}", response=answers(TaxRateOut, write=True), summary="Change tax rate"
)
def tax_rates_update(request: HttpRequest, tax_rate_id: int, payload: TaxRatePatch) -> Any:
    return services.tax_rate_update(
        actor=request.user, tax_rate_id=tax_rate_id, **payload.dict(exclude_unset=True)
    )

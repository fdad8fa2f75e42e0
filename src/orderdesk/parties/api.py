"""Customers, addresses, contacts, payment terms and vendors over REST.

Thin by rule: each handler parses, calls one selector or service, and returns what it got.
Roles and ownership are checked inside that call, so the pages and importers that call the
same functions get the same answers.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from orderdesk.core.apitools import CUSTOMER_SCOPED, Page, answers

from . import selectors, services
from .schemas import (
    AddressFilter,
    AddressIn,
    AddressOut,
    AddressPatch,
    ContactFilter,
    ContactIn,
    ContactOut,
    ContactPatch,
    CustomerDetailOut,
    CustomerFilter,
    CustomerIn,
    CustomerOut,
    CustomerPatch,
    PaymentTermsFilter,
    PaymentTermsIn,
    PaymentTermsOut,
    PaymentTermsPatch,
    VendorFilter,
    VendorIn,
    VendorOut,
    VendorPatch,
)

router = Router(tags=["parties"])


# --- customers -------------------------------------------------------------------------------


@router.get(
    "/customers",
    response=answers(list[CustomerOut]),
    summary="List customers",
    openapi_extra=CUSTOMER_SCOPED,
)
@paginate(Page)
def customers_list(request: HttpRequest, filters: Query[CustomerFilter]) -> Any:
    """A portal user's list holds their own customer only."""
    return selectors.customer_list(user=request.user, **filters.dict())


@router.get(
    "/customers/{customer_id}",
    response=answers(CustomerDetailOut),
    summary="Customer",
    openapi_extra=CUSTOMER_SCOPED,
)
def customers_read(request: HttpRequest, customer_id: int) -> Any:
    return selectors.customer_get(user=request.user, pk=customer_id)


@router.post(
    "/customers",
    response=answers(CustomerDetailOut, status=201, write=True),
    summary="Create a customer",
)
def customers_create(request: HttpRequest, payload: CustomerIn) -> Any:
    """A credit limit above 0 needs credit_edit, a discount pricing_edit."""
    return 201, services.customer_create(actor=request.user, **payload.dict())


@router.patch(
    "/customers/{customer_id}",
    response=answers(CustomerDetailOut, write=True),
    summary="Change a customer",
)
def customers_update(request: HttpRequest, customer_id: int, payload: CustomerPatch) -> Any:
    """Changing credit_limit needs credit_edit; discount_percent needs pricing_edit."""
    return services.customer_update(
        actor=request.user, customer_id=customer_id, **payload.dict(exclude_unset=True)
    )


# --- addresses -------------------------------------------------------------------------------


@router.get(
    "/addresses",
    response=answers(list[AddressOut]),
    summary="List bill-to/ship-tos",
    openapi_extra=CUSTOMER_SCOPED,
)
@paginate(Page)
def addresses_list(request: HttpRequest, filters: Query[AddressFilter]) -> Any:
    f = filters
    return selectors.address_list(
        user=request.user, customer_id=f.customer, kind=f.kind, q=f.q, active=f.active
    )


@router.get(
    "/addresses/{address_id}",
    response=answers(AddressOut),
    summary="Address",
    openapi_extra=CUSTOMER_SCOPED,
)
def addresses_read(request: HttpRequest, address_id: int) -> Any:
    return selectors.address_get(user=request.user, pk=address_id)


@router.post(
    "/addresses", response=answers(AddressOut, status=201, write=True), summary="Add an address"
)
def addresses_create(request: HttpRequest, payload: AddressIn) -> Any:
    """The customer's first active address of a kind becomes its default."""
    return 201, services.address_create(actor=request.user, **payload.dict())


@router.patch(
    "/addresses/{address_id}", response=answers(AddressOut, write=True), summary="Change address"
)
def addresses_update(request: HttpRequest, address_id: int, payload: AddressPatch) -> Any:
    return services.address_update(
        actor=request.user, address_id=address_id, **payload.dict(exclude_unset=True)
    )


# --- contacts --------------------------------------------------------------------------------


@router.get(
    "/contacts",
    response=answers(list[ContactOut]),
    summary="List contacts",
    openapi_extra=CUSTOMER_SCOPED,
)
@paginate(Page)
def contacts_list(request: HttpRequest, filters: Query[ContactFilter]) -> Any:
    return selectors.contact_list(user=request.user, customer_id=filters.customer, q=filters.q)


@router.get(
    "/contacts/{contact_id}",
    response=answers(ContactOut),
    summary="Contact",
    openapi_extra=CUSTOMER_SCOPED,
)
def contacts_read(request: HttpRequest, contact_id: int) -> Any:
    return selectors.contact_get(user=request.user, pk=contact_id)


@router.post(
    "/contacts", response=answers(ContactOut, status=201, write=True), summary="Add a contact"
)
def contacts_create(request: HttpRequest, payload: ContactIn) -> Any:
    return 201, services.contact_create(actor=request.user, **payload.dict())


@router.patch(
    "/contacts/{contact_id}", response=answers(ContactOut, write=True), summary="Change contact"
)
def contacts_update(request: HttpRequest, contact_id: int, payload: ContactPatch) -> Any:
    return services.contact_update(
        actor=request.user, contact_id=contact_id, **payload.dict(exclude_unset=True)
    )


# --- payment terms ---------------------------------------------------------------------------


@router.get("/payment-terms", response=answers(list[PaymentTermsOut]), summary="List payment terms")
@paginate(Page)
def payment_terms_list(request: HttpRequest, filters: Query[PaymentTermsFilter]) -> Any:
    return selectors.payment_terms_list(user=request.user, **filters.dict())


@router.get("/payment-terms/{payment_terms_id}", response=answers(PaymentTermsOut), summary="Terms")
def payment_terms_read(request: HttpRequest, payment_terms_id: int) -> Any:
    return selectors.payment_terms_get(user=request.user, pk=payment_terms_id)


@router.post(
    "/payment-terms",
    response=answers(PaymentTermsOut, status=201, write=True),
    summary="Create payment terms",
)
def payment_terms_create(request: HttpRequest, payload: PaymentTermsIn) -> Any:
    return 201, services.payment_terms_create(actor=request.user, **payload.dict())


@router.patch(
    "/payment-terms/{payment_terms_id}",
    response=answers(PaymentTermsOut, write=True),
    summary="Change payment terms",
)
def payment_terms_update(
    request: HttpRequest, payment_terms_id: int, payload: PaymentTermsPatch
) -> Any:
    return services.payment_terms_update(
        actor=request.user, payment_terms_id=payment_terms_id, **payload.dict(exclude_unset=True)
    )


# --- vendors ---------------------------------------------------------------------------------


@router.get("/vendors", response=answers(list[VendorOut]), summary="List vendors")
@paginate(Page)
def vendors_list(request: HttpRequest, filters: Query[VendorFilter]) -> Any:
    return selectors.vendor_list(user=request.user, **filters.dict())


@router.get("/vendors/{vendor_id}", response=answers(VendorOut), summary="Vendor")
def vendors_read(request: HttpRequest, vendor_id: int) -> Any:
    return selectors.vendor_get(user=request.user, pk=vendor_id)


@router.post("/vendors", response=answers(VendorOut, status=201, write=True), summary="Add vendor")
def vendors_create(request: HttpRequest, payload: VendorIn) -> Any:
    return 201, services.vendor_create(actor=request.user, **payload.dict())


@router.patch(
    "/vendors/{vendor_id}", response=answers(VendorOut, write=True), summary="Change vendor"
)
def vendors_update(request: HttpRequest, vendor_id: int, payload: VendorPatch) -> Any:
    return services.vendor_update(
        actor=request.user, vendor_id=vendor_id, **payload.dict(exclude_unset=True)
    )

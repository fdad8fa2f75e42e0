"""Queries on customers and vendors, scoped to what the asking user may see.

Staff read master data with MASTER_DATA_VIEW. A portal user may read their own customer,
its addresses and contacts: those querysets are scoped to that customer, so another
customer's row is simply not found (404) and its existence is not confirmed. Everything else
(vendors, payment terms) is refused to them outright (403).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from orderdesk.core.access import scope_to_customer
from orderdesk.core.errors import NotFound
from orderdesk.core.roles import Capability, is_portal, require

from .models import Address, AddressKind, Contact, Customer, PaymentTerms, Vendor


def require_reader(user: Any, *, portal: bool = False) -> None:
    """Raise Forbidden unless the user may read master data (`portal`: scoped reads allowed)."""
    if portal and is_portal(user):
        return
    require(user, Capability.MASTER_DATA_VIEW)


def customer_list(
    *,
    user: Any,
    q: str | None = None,
    status: str | None = None,
    service_tier: str | None = None,
    price_list_id: int | None = None,
) -> QuerySet[Customer]:
    """Customers matching `q` (account number, name, e-mail or exact tax ID)."""
    require_reader(user, portal=True)
    qs = scope_to_customer(
        Customer.objects.select_related("payment_terms", "price_list"), user, path=""
    )
    if status:
        qs = qs.filter(status=status)
    if service_tier:
        qs = qs.filter(service_tier=service_tier)
    if price_list_id is not None:
        qs = qs.filter(price_list_id=price_list_id)
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(account_number__icontains=q)
            | Q(name__icontains=q)
            | Q(email__icontains=q)
            | Q(tax_id__iexact=q)
        )
    return qs.order_by("name", "account_number")


def customer_get(*, user: Any, pk: int) -> Customer:
    require_reader(user, portal=True)
    customer = (
        scope_to_customer(Customer.objects.select_related("payment_terms", "price_list"), user, "")
        .prefetch_related("addresses", "contacts")
        .filter(pk=pk)
        .first()
    )
    if customer is None:
        raise NotFound("customer", pk)
    return customer


def address_list(
    *,
    user: Any,
    customer_id: int | None = None,
    kind: str | None = None,
    q: str | None = None,
    active: bool | None = None,
) -> QuerySet[Address]:
    """Addresses; `q` finds a ship-to by its code, name, city or postal code."""
    require_reader(user, portal=True)
    qs = scope_to_customer(Address.objects.select_related("customer"), user)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    if kind:
        qs = qs.filter(kind=kind)
    if active is not None:
        qs = qs.filter(active=active)
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(code__icontains=q)
            | Q(name__icontains=q)
            | Q(city__icontains=q)
            | Q(postal_code__istartswith=q)
        )
    return qs.order_by("customer_id", "kind", "code")


def address_get(*, user: Any, pk: int) -> Address:
    require_reader(user, portal=True)
    address = address_list(user=user).filter(pk=pk).first()
    if address is None:
        raise NotFound("address", pk)
    return address


def contact_list(
    *, user: Any, customer_id: int | None = None, q: str | None = None
) -> QuerySet[Contact]:
    require_reader(user, portal=True)
    qs = scope_to_customer(Contact.objects.select_related("customer"), user)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    if q:
        q = q.strip()
        qs = qs.filter(Q(name__icontains=q) | Q(email__icontains=q))
    return qs.order_by("customer_id", "-is_primary", "name")


def contact_get(*, user: Any, pk: int) -> Contact:
    contact = contact_list(user=user).filter(pk=pk).first()
    if contact is None:
        raise NotFound("contact", pk)
    return contact


def payment_terms_list(*, user: Any, q: str | None = None) -> QuerySet[PaymentTerms]:
    require_reader(user)
    qs = PaymentTerms.objects.all()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(description__icontains=q))
    return qs.order_by("code")


def payment_terms_get(*, user: Any, pk: int) -> PaymentTerms:
    terms = payment_terms_list(user=user).filter(pk=pk).first()
    if terms is None:
        raise NotFound("payment terms", pk)
    return terms


def vendor_list(
    *, q: str | None = None, active: bool | None = None, user: Any = None
) -> QuerySet[Vendor]:
    """Vendors. `user` is checked when given; internal callers that checked already omit it."""
    if user is not None:
        require_reader(user)
    qs = Vendor.objects.select_related("payment_terms")
    if active is not None:
        qs = qs.filter(active=active)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return qs.order_by("code")


def vendor_get(*, user: Any, pk: int) -> Vendor:
    require_reader(user)
    vendor = vendor_list().filter(pk=pk).first()
    if vendor is None:
        raise NotFound("vendor", pk)
    return vendor


def bill_to_prefetch() -> Prefetch:
    """Active bill-tos, default first, as `customer.bill_tos`."""
    return Prefetch(
        "addresses",
        queryset=Address.objects.filter(kind=AddressKind.BILL_TO, active=True).order_by(
            "-is_default", "code"
        ),
        to_attr="bill_tos",
    )

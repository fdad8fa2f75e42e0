"""Queries on customers and vendors, scoped to what the asking user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from orderdesk.core.access import scope_to_customer
from orderdesk.core.errors import NotFound

from .models import Address, Contact, Customer, Vendor


def customer_list(
    *, user: Any, q: str | None = None, status: str | None = None
) -> QuerySet[Customer]:
    """Customers matching `q` (account number, name, or a ship-to's city or postal code)."""
    qs = scope_to_customer(
        Customer.objects.select_related("payment_terms", "price_list"), user, path=""
    )
    if status:
        qs = qs.filter(status=status)
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
    customer = (
        scope_to_customer(Customer.objects.select_related("payment_terms", "price_list"), user, "")
        .prefetch_related("addresses", "contacts")
        .filter(pk=pk)
        .first()
    )
    if customer is None:
        raise NotFound("customer", pk)
    return customer


def address_list(*, user: Any, customer_id: int | None = None) -> QuerySet[Address]:
    qs = scope_to_customer(Address.objects.select_related("customer"), user)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    return qs


def contact_list(*, user: Any, customer_id: int | None = None) -> QuerySet[Contact]:
    qs = scope_to_customer(Contact.objects.select_related("customer"), user)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    return qs


def vendor_list(*, q: str | None = None) -> QuerySet[Vendor]:
    qs = Vendor.objects.select_related("payment_terms")
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return qs

"""Commands on customers, their addresses and contacts, payment terms and vendors.

Each command checks the actor's role first (so a refused caller learns nothing about the
row), validates everything before it writes, and records one event per changed row in the
same transaction: a refused or invalid command leaves no trace but its error.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.db import models, transaction

from orderdesk.core.audit import changed, event_record, snapshot
from orderdesk.core.roles import Capability, has_capability, require
from orderdesk.pricing.models import PriceList

from .errors import PartiesErrorCode as C
from .errors import (
    apply,
    check_fields,
    clean_country,
    clean_currency,
    clean_decimal,
    clean_postal_code,
    invalid,
    locked,
    reference,
    save_unique,
    taken,
)
from .models import (
    Address,
    Contact,
    Customer,
    CustomerStatus,
    PaymentTerms,
    ServiceTier,
    Vendor,
)

M = models.Model


def record_update(actor: Any, obj: M, before: dict[str, Any], action: str, reason: str) -> bool:
    """Save and record the change; False (no write, no event) when nothing changed.

    Shared by the catalog and pricing services: every master-data update is recorded alike.
    """
    old, new = changed(before, snapshot(obj))
    if not new:
        return False
    obj.save()
    event_record(actor=actor, obj=obj, action=action, before=old, after=new, reason=reason)
    return True


def record_create(actor: Any, obj: M, action: str, reason: str = "") -> None:
    event_record(actor=actor, obj=obj, action=action, after=snapshot(obj), reason=reason)


# --- payment terms ---------------------------------------------------------------------------


class PaymentTermsChanges(TypedDict, total=False):
    code: str
    description: str
    net_days: int
    discount_percent: Decimal
    discount_days: int


def _check_terms(terms: PaymentTerms) -> None:
    terms.code = (terms.code or "").strip()
    terms.discount_percent = clean_decimal(
        terms.discount_percent, field="discount_percent", places=4, minimum=0, maximum=100
    )
    if terms.discount_days > terms.net_days:
        raise invalid(
            C.TERMS_INVALID,
            f"the discount period ({terms.discount_days} days) ends after the due date "
            f"({terms.net_days} days)",
            field="discount_days",
            fix="make discount days at most the net days",
        )
    if terms.discount_days and not terms.discount_percent:
        raise invalid(
            C.TERMS_INVALID,
            "discount days are set but the discount percent is 0",
            field="discount_percent",
            fix="enter the discount percent, or set discount days to 0",
        )
    check_fields(terms)
    dup = PaymentTerms.objects.filter(code=terms.code).exclude(pk=terms.pk)
    if dup.exists():
        raise taken(C.PAYMENT_TERMS_CODE_TAKEN, "payment terms", terms.code, field="code")


def payment_terms_create(
    *,
    actor: Any,
    code: str,
    description: str,
    net_days: int = 30,
    discount_percent: Decimal = Decimal(0),
    discount_days: int = 0,
) -> PaymentTerms:
    require(actor, Capability.MASTER_DATA_EDIT)
    fields: dict[str, Any] = {
        "code": code,
        "description": description,
        "net_days": net_days,
        "discount_percent": discount_percent,
        "discount_days": discount_days,
    }
    terms = PaymentTerms(**fields)
    with transaction.atomic():
        _check_terms(terms)
        save_unique(terms, taken(C.PAYMENT_TERMS_CODE_TAKEN, "payment terms", code, field="code"))
        record_create(actor, terms, "payment_terms.created")
    return terms


def payment_terms_update(
    *, actor: Any, payment_terms_id: int, reason: str = "", **changes: Unpack[PaymentTermsChanges]
) -> PaymentTerms:
    require(actor, Capability.MASTER_DATA_EDIT)
    with transaction.atomic():
        terms = locked(PaymentTerms, payment_terms_id, "payment terms")
        before = snapshot(terms)
        apply(terms, dict(changes))
        _check_terms(terms)
        record_update(actor, terms, before, "payment_terms.updated", reason)
    return terms


# --- customers -------------------------------------------------------------------------------


class CustomerChanges(TypedDict, total=False):
    account_number: str
    name: str
    status: str
    currency: str
    payment_terms_id: int
    credit_limit: Decimal
    tax_id: str
    tax_exempt: bool
    exemption_certificate: str
    price_list_id: int | None
    discount_percent: Decimal
    service_tier: str
    email: str
    phone: str
    delivery_instructions: str
    notes: str


#: Fields whose change needs more than MASTER_DATA_EDIT: credit exposure is billing's call,
#: a standing discount is pricing's.
_FIELD_CAPABILITY = {
    "credit_limit": Capability.CREDIT_EDIT,
    "discount_percent": Capability.PRICING_EDIT,
}
_CUSTOMER_WRITERS = (Capability.MASTER_DATA_EDIT, Capability.CREDIT_EDIT, Capability.PRICING_EDIT)


def _require_customer_fields(actor: Any, fields: list[str]) -> None:
    for cap in sorted({_FIELD_CAPABILITY.get(f, Capability.MASTER_DATA_EDIT) for f in fields}):
        require(actor, cap)


def _check_customer(customer: Customer) -> None:
    customer.account_number = (customer.account_number or "").strip()
    customer.name = (customer.name or "").strip()
    customer.currency = clean_currency(customer.currency)
    customer.credit_limit = clean_decimal(
        customer.credit_limit, field="credit_limit", places=4, minimum=0
    )
    customer.discount_percent = clean_decimal(
        customer.discount_percent, field="discount_percent", places=4, minimum=0, maximum=100
    )
    reference(
        PaymentTerms, customer.payment_terms_id, field="payment_terms_id", what="payment terms"
    )
    if customer.price_list_id is not None:
        price_list = reference(
            PriceList, customer.price_list_id, field="price_list_id", what="price list"
        )
        if price_list.currency != customer.currency:
            raise invalid(
                C.CURRENCY_MISMATCH,
                f"price list {price_list.code} is in {price_list.currency}, "
                f"the customer buys in {customer.currency}",
                field="price_list_id",
                fix=f"choose a price list in {customer.currency}, or change the currency",
            )
    if customer.tax_exempt and not customer.exemption_certificate.strip():
        raise invalid(
            C.EXEMPTION_CERTIFICATE_MISSING,
            "a tax-exempt customer needs an exemption certificate number",
            field="exemption_certificate",
            fix="enter the certificate number from the customer's exemption form",
        )
    check_fields(customer)
    dup = Customer.objects.filter(account_number=customer.account_number).exclude(pk=customer.pk)
    if dup.exists():
        raise taken(
            C.ACCOUNT_NUMBER_TAKEN, "customer", customer.account_number, field="account_number"
        )


def customer_create(
    *,
    actor: Any,
    account_number: str,
    name: str,
    payment_terms_id: int,
    currency: str = "USD",
    status: str = CustomerStatus.ACTIVE,
    credit_limit: Decimal = Decimal(0),
    tax_id: str = "",
    tax_exempt: bool = False,
    exemption_certificate: str = "",
    price_list_id: int | None = None,
    discount_percent: Decimal = Decimal(0),
    service_tier: str = ServiceTier.STANDARD,
    email: str = "",
    phone: str = "",
    delivery_instructions: str = "",
    notes: str = "",
    reason: str = "",
) -> Customer:
    """A new customer account; a credit limit or a discount needs those roles too."""
    needs = ["account_number"]
    if Decimal(credit_limit or 0):
        needs.append("credit_limit")
    if Decimal(discount_percent or 0):
        needs.append("discount_percent")
    _require_customer_fields(actor, needs)
    fields: dict[str, Any] = {
        "account_number": account_number,
        "name": name,
        "status": status,
        "currency": currency,
        "payment_terms_id": payment_terms_id,
        "credit_limit": credit_limit,
        "tax_id": tax_id,
        "tax_exempt": tax_exempt,
        "exemption_certificate": exemption_certificate,
        "price_list_id": price_list_id,
        "discount_percent": discount_percent,
        "service_tier": service_tier,
        "email": email,
        "phone": phone,
        "delivery_instructions": delivery_instructions,
        "notes": notes,
    }
    customer = Customer(**fields)
    with transaction.atomic():
        _check_customer(customer)
        save_unique(
            customer,
            taken(
                C.ACCOUNT_NUMBER_TAKEN, "customer", customer.account_number, field="account_number"
            ),
        )
        record_create(actor, customer, "customer.created", reason)
    return customer


def customer_update(
    *, actor: Any, customer_id: int, reason: str = "", **changes: Unpack[CustomerChanges]
) -> Customer:
    """Change a customer; each changed field is checked against the role that owns it.

    The role is checked on what actually changes, so a client that sends the whole record
    back with the credit limit untouched is not refused for lacking credit rights.
    """
    if not any(has_capability(actor, cap) for cap in _CUSTOMER_WRITERS):
        require(actor, Capability.MASTER_DATA_EDIT)
    with transaction.atomic():
        customer = locked(Customer, customer_id, "customer")
        before = snapshot(customer)
        apply(customer, dict(changes))
        _check_customer(customer)
        old, _new = changed(before, snapshot(customer))
        _require_customer_fields(actor, list(old))
        record_update(actor, customer, before, "customer.updated", reason)
    return customer


# --- addresses -------------------------------------------------------------------------------


class AddressChanges(TypedDict, total=False):
    kind: str
    code: str
    name: str
    line1: str
    line2: str
    city: str
    region: str
    postal_code: str
    country: str
    phone: str
    is_default: bool
    delivery_instructions: str
    latitude: Decimal | None
    longitude: Decimal | None
    active: bool


def _check_address(address: Address) -> None:
    address.code = (address.code or "").strip()
    address.country = clean_country(address.country)
    address.postal_code = clean_postal_code(address.country, address.postal_code)
    address.region = (address.region or "").strip().upper()
    for axis, limit in (("latitude", 90), ("longitude", 180)):
        value = getattr(address, axis)
        if value is not None:
            setattr(
                address,
                axis,
                clean_decimal(value, field=axis, places=6, minimum=-limit, maximum=limit),
            )
    if address.is_default and not address.active:
        raise invalid(
            C.VALUE_INVALID,
            "an inactive address cannot be the default",
            field="is_default",
            fix="make the address active, or choose another default",
        )
    check_fields(address)
    dup = Address.objects.filter(
        customer_id=address.customer_id, kind=address.kind, code=address.code
    ).exclude(pk=address.pk)
    if dup.exists():
        raise taken(C.ADDRESS_CODE_TAKEN, f"{address.kind} address", address.code, field="code")


def _one_default(actor: Any, address: Address) -> None:
    """Only one default bill-to and one default ship-to per customer: demote the others."""
    if not address.is_default:
        return
    others = Address.objects.filter(
        customer_id=address.customer_id, kind=address.kind, is_default=True
    ).exclude(pk=address.pk)
    for other in others:
        other.is_default = False
        other.save(update_fields=["is_default"])
        event_record(
            actor=actor,
            obj=other,
            action="address.updated",
            before={"is_default": True},
            after={"is_default": False},
            reason=f"{address.code} became the default {address.kind}",
        )


def address_create(
    *,
    actor: Any,
    customer_id: int,
    kind: str,
    code: str,
    name: str,
    line1: str,
    city: str,
    country: str = "US",
    postal_code: str = "",
    region: str = "",
    line2: str = "",
    phone: str = "",
    is_default: bool = False,
    delivery_instructions: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    active: bool = True,
) -> Address:
    """A bill-to or ship-to; the customer's first one of its kind becomes the default."""
    require(actor, Capability.MASTER_DATA_EDIT)
    fields: dict[str, Any] = {
        "kind": kind,
        "code": code,
        "name": name,
        "line1": line1,
        "line2": line2,
        "city": city,
        "region": region,
        "postal_code": postal_code,
        "country": country,
        "phone": phone,
        "is_default": is_default,
        "delivery_instructions": delivery_instructions,
        "latitude": latitude,
        "longitude": longitude,
        "active": active,
    }
    address = Address(**fields)
    with transaction.atomic():
        customer = reference(Customer, customer_id, field="customer_id", what="customer")
        address.customer = customer
        _check_address(address)
        if active and not Address.objects.filter(customer=customer, kind=kind).exists():
            address.is_default = True
        save_unique(
            address, taken(C.ADDRESS_CODE_TAKEN, f"{kind} address", address.code, field="code")
        )
        _one_default(actor, address)
        record_create(actor, address, "address.created")
    return address


def address_update(
    *, actor: Any, address_id: int, reason: str = "", **changes: Unpack[AddressChanges]
) -> Address:
    require(actor, Capability.MASTER_DATA_EDIT)
    with transaction.atomic():
        address = locked(Address, address_id, "address")
        before = snapshot(address)
        apply(address, dict(changes))
        _check_address(address)
        _one_default(actor, address)
        record_update(actor, address, before, "address.updated", reason)
    return address


# --- contacts --------------------------------------------------------------------------------


class ContactChanges(TypedDict, total=False):
    name: str
    email: str
    phone: str
    job_title: str
    is_primary: bool


def _check_contact(contact: Contact) -> None:
    contact.name = (contact.name or "").strip()
    contact.email = (contact.email or "").strip()
    check_fields(contact)
    dup = Contact.objects.filter(customer_id=contact.customer_id, name=contact.name)
    if dup.exclude(pk=contact.pk).exists():
        raise taken(C.CONTACT_NAME_TAKEN, "contact", contact.name, field="name")


def _one_primary(actor: Any, contact: Contact) -> None:
    if not contact.is_primary:
        return
    others = Contact.objects.filter(customer_id=contact.customer_id, is_primary=True)
    for other in others.exclude(pk=contact.pk):
        other.is_primary = False
        other.save(update_fields=["is_primary"])
        event_record(
            actor=actor,
            obj=other,
            action="contact.updated",
            before={"is_primary": True},
            after={"is_primary": False},
            reason=f"{contact.name} became the primary contact",
        )


def contact_create(
    *,
    actor: Any,
    customer_id: int,
    name: str,
    email: str = "",
    phone: str = "",
    job_title: str = "",
    is_primary: bool = False,
) -> Contact:
    require(actor, Capability.MASTER_DATA_EDIT)
    contact = Contact(
        name=name, email=email, phone=phone, job_title=job_title, is_primary=is_primary
    )
    with transaction.atomic():
        contact.customer = reference(Customer, customer_id, field="customer_id", what="customer")
        _check_contact(contact)
        save_unique(contact, taken(C.CONTACT_NAME_TAKEN, "contact", contact.name, field="name"))
        _one_primary(actor, contact)
        record_create(actor, contact, "contact.created")
    return contact


def contact_update(
    *, actor: Any, contact_id: int, reason: str = "", **changes: Unpack[ContactChanges]
) -> Contact:
    require(actor, Capability.MASTER_DATA_EDIT)
    with transaction.atomic():
        contact = locked(Contact, contact_id, "contact")
        before = snapshot(contact)
        apply(contact, dict(changes))
        _check_contact(contact)
        _one_primary(actor, contact)
        record_update(actor, contact, before, "contact.updated", reason)
    return contact


# --- vendors ---------------------------------------------------------------------------------


class VendorChanges(TypedDict, total=False):
    code: str
    name: str
    currency: str
    payment_terms_id: int | None
    lead_time_days: int
    email: str
    phone: str
    line1: str
    city: str
    region: str
    postal_code: str
    country: str
    active: bool


def _check_vendor(vendor: Vendor) -> None:
    vendor.code = (vendor.code or "").strip()
    vendor.name = (vendor.name or "").strip()
    vendor.currency = clean_currency(vendor.currency)
    vendor.country = clean_country(vendor.country)
    if vendor.postal_code or vendor.line1:
        # A vendor's address is optional; once one is given, it must be deliverable.
        vendor.postal_code = clean_postal_code(vendor.country, vendor.postal_code)
    if vendor.payment_terms_id is not None:
        reference(
            PaymentTerms, vendor.payment_terms_id, field="payment_terms_id", what="payment terms"
        )
    check_fields(vendor)
    if Vendor.objects.filter(code=vendor.code).exclude(pk=vendor.pk).exists():
        raise taken(C.VENDOR_CODE_TAKEN, "vendor", vendor.code, field="code")


def vendor_create(
    *,
    actor: Any,
    code: str,
    name: str,
    currency: str = "USD",
    payment_terms_id: int | None = None,
    lead_time_days: int = 7,
    email: str = "",
    phone: str = "",
    line1: str = "",
    city: str = "",
    region: str = "",
    postal_code: str = "",
    country: str = "US",
    active: bool = True,
) -> Vendor:
    require(actor, Capability.MASTER_DATA_EDIT)
    vendor = Vendor(
        code=code,
        name=name,
        currency=currency,
        payment_terms_id=payment_terms_id,
        lead_time_days=lead_time_days,
        email=email,
        phone=phone,
        line1=line1,
        city=city,
        region=region,
        postal_code=postal_code,
        country=country,
        active=active,
    )
    with transaction.atomic():
        _check_vendor(vendor)
        save_unique(vendor, taken(C.VENDOR_CODE_TAKEN, "vendor", vendor.code, field="code"))
        record_create(actor, vendor, "vendor.created")
    return vendor


def vendor_update(
    *, actor: Any, vendor_id: int, reason: str = "", **changes: Unpack[VendorChanges]
) -> Vendor:
    require(actor, Capability.MASTER_DATA_EDIT)
    with transaction.atomic():
        vendor = locked(Vendor, vendor_id, "vendor")
        before = snapshot(vendor)
        apply(vendor, dict(changes))
        _check_vendor(vendor)
        record_update(actor, vendor, before, "vendor.updated", reason)
    return vendor

"""Customers, addresses, contacts, terms and vendors in the admin (admin role; edits audited).

Day-to-day changes go through the pages and the API, whose services check postal codes,
currencies and roles; the admin is for looking things up and for the rare repair.
"""

from __future__ import annotations

from django.contrib import admin

from orderdesk.core.admin import AuditedAdmin

from .models import Address, Carrier, Contact, Customer, PaymentTerms, ShipMethod, Vendor


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0
    fields = (
        "kind",
        "code",
        "name",
        "line1",
        "city",
        "region",
        "postal_code",
        "country",
        "is_default",
        "active",
    )


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ("name", "email", "phone", "job_title", "is_primary")


@admin.register(Customer)
class CustomerAdmin(AuditedAdmin):
    list_display = ("account_number", "name", "status", "currency", "credit_limit", "service_tier")
    list_filter = ("status", "service_tier", "currency", "tax_exempt")
    search_fields = ("account_number", "name", "email", "tax_id")
    list_select_related = ("payment_terms", "price_list")
    readonly_fields = ("created_at", "updated_at")
    inlines = (AddressInline, ContactInline)


@admin.register(Address)
class AddressAdmin(AuditedAdmin):
    list_display = (
        "customer",
        "kind",
        "code",
        "name",
        "city",
        "postal_code",
        "country",
        "is_default",
    )
    list_filter = ("kind", "country", "active")
    search_fields = ("code", "name", "city", "postal_code", "customer__account_number")
    list_select_related = ("customer",)
    raw_id_fields = ("customer",)


@admin.register(Contact)
class ContactAdmin(AuditedAdmin):
    list_display = ("name", "customer", "email", "phone", "job_title", "is_primary")
    search_fields = ("name", "email", "customer__account_number", "customer__name")
    list_select_related = ("customer",)
    raw_id_fields = ("customer",)


@admin.register(PaymentTerms)
class PaymentTermsAdmin(AuditedAdmin):
    list_display = ("code", "description", "net_days", "discount_percent", "discount_days")
    search_fields = ("code", "description")


@admin.register(Vendor)
class VendorAdmin(AuditedAdmin):
    list_display = ("code", "name", "currency", "lead_time_days", "country", "active")
    list_filter = ("active", "currency", "country")
    search_fields = ("code", "name", "email")
    list_select_related = ("payment_terms",)


class ShipMethodInline(admin.TabularInline):
    model = ShipMethod
    extra = 0
    fields = ("code", "name", "transit_days", "hazmat_allowed", "international", "active")


@admin.register(Carrier)
class CarrierAdmin(AuditedAdmin):
    list_display = ("scac", "name", "active")
    search_fields = ("scac", "name")
    inlines = (ShipMethodInline,)


@admin.register(ShipMethod)
class ShipMethodAdmin(AuditedAdmin):
    list_display = ("code", "name", "carrier", "transit_days", "hazmat_allowed", "international")
    list_filter = ("carrier", "hazmat_allowed", "international", "active")
    search_fields = ("code", "name")

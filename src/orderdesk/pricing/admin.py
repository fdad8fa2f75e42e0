"""Price lists, contracts, promotions, surcharges, freight and tax in the admin (audited)."""

from __future__ import annotations

from django.contrib import admin

from orderdesk.core.admin import AuditedAdmin

from .models import (
    ContractPrice,
    FreightRate,
    PriceList,
    PriceListEntry,
    Promotion,
    Surcharge,
    TaxRate,
)


@admin.register(PriceList)
class PriceListAdmin(AuditedAdmin):
    list_display = ("code", "name", "currency", "is_default")
    list_filter = ("currency", "is_default")
    search_fields = ("code", "name")


@admin.register(PriceListEntry)
class PriceListEntryAdmin(AuditedAdmin):
    list_display = ("price_list", "item", "min_quantity", "unit_price")
    list_filter = ("price_list",)
    search_fields = ("item__sku",)
    list_select_related = ("price_list", "item")
    raw_id_fields = ("item",)


@admin.register(ContractPrice)
class ContractPriceAdmin(AuditedAdmin):
    list_display = ("customer", "item", "unit_price", "currency", "valid_from", "valid_to")
    search_fields = ("customer__account_number", "customer__name", "item__sku", "contract_ref")
    list_select_related = ("customer", "item")
    raw_id_fields = ("customer", "item")


@admin.register(Surcharge)
class SurchargeAdmin(AuditedAdmin):
    list_display = ("code", "name", "basis", "amount", "currency", "active")
    list_filter = ("basis", "active")
    search_fields = ("code", "name")


@admin.register(TaxRate)
class TaxRateAdmin(AuditedAdmin):
    list_display = ("country", "region", "product_tax_code", "rate_percent", "valid_from")
    list_filter = ("country",)
    search_fields = ("region", "product_tax_code", "name")


@admin.register(Promotion)
class PromotionAdmin(AuditedAdmin):
    list_display = (
        "code", "name", "kind", "item", "item_group", "valid_from", "valid_to", "active",
    )  # fmt: skip
    list_filter = ("kind", "active")
    search_fields = ("code", "name", "item__sku", "item_group")
    list_select_related = ("item",)
    raw_id_fields = ("item",)


@admin.register(FreightRate)
class FreightRateAdmin(AuditedAdmin):
    list_display = ("ship_method", "currency", "per_order", "per_kg", "free_above")
    list_filter = ("currency",)
    search_fields = ("ship_method__code", "ship_method__name")
    list_select_related = ("ship_method",)

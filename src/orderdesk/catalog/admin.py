"""Units, items, conversions and kits in the admin (admin role; edits audited)."""

from __future__ import annotations

from django.contrib import admin

from orderdesk.core.admin import AuditedAdmin

from .models import ExportRestriction, Item, KitComponent, UnitConversion, UnitOfMeasure


class ConversionInline(admin.TabularInline):
    model = UnitConversion
    extra = 0


class ComponentInline(admin.TabularInline):
    model = KitComponent
    fk_name = "kit"
    extra = 0
    raw_id_fields = ("component",)


@admin.register(UnitOfMeasure)
class UnitOfMeasureAdmin(AuditedAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Item)
class ItemAdmin(AuditedAdmin):
    list_display = ("sku", "description", "status", "base_uom", "tracking", "is_kit", "un_number")
    list_filter = ("status", "tracking", "is_kit", "drop_ship", "item_group")
    search_fields = ("sku", "description", "hs_code", "un_number")
    list_select_related = ("base_uom",)
    raw_id_fields = ("replacement", "default_vendor")
    readonly_fields = ("created_at", "updated_at")
    inlines = (ConversionInline, ComponentInline)


@admin.register(UnitConversion)
class UnitConversionAdmin(AuditedAdmin):
    list_display = ("item", "uom", "factor")
    search_fields = ("item__sku",)
    list_select_related = ("item__base_uom", "uom")
    raw_id_fields = ("item",)


@admin.register(KitComponent)
class KitComponentAdmin(AuditedAdmin):
    list_display = ("kit", "component", "quantity")
    search_fields = ("kit__sku", "component__sku")
    list_select_related = ("kit", "component")
    raw_id_fields = ("kit", "component")


@admin.register(ExportRestriction)
class ExportRestrictionAdmin(AuditedAdmin):
    list_display = ("country", "control_class", "reason")
    search_fields = ("country", "control_class", "reason")

"""Warehouse records in the admin, read-only: they change only through release, pick, pack
and ship, which lock, reserve and book stock; the admin is for the rare investigation."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from orderdesk.core.admin import RoleAdmin

from .models import PickLine, PickList, Shipment, ShipmentLine, ShippingDocument, Wave


class ReadOnly(RoleAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PickLineInline(ReadOnlyInline):
    model = PickLine
    fields = ("order_line", "item", "lot", "quantity", "qty_picked", "qty_short")
    readonly_fields = fields


class ShipmentLineInline(ReadOnlyInline):
    model = ShipmentLine
    fields = ("order_line", "item", "lot", "quantity", "package")
    readonly_fields = fields


class DocumentInline(ReadOnlyInline):
    model = ShippingDocument
    fields = ("kind", "number", "created_at")
    readonly_fields = fields


@admin.register(Wave)
class WaveAdmin(ReadOnly):
    list_display = ("number", "warehouse", "carrier", "cutoff", "priority", "status")
    list_filter = ("status", "warehouse")
    search_fields = ("number",)
    list_select_related = ("warehouse", "carrier")


@admin.register(PickList)
class PickListAdmin(ReadOnly):
    list_display = ("number", "order", "warehouse", "wave", "status", "created_at")
    list_filter = ("status", "warehouse")
    search_fields = ("number", "order__number")
    list_select_related = ("order", "warehouse", "wave")
    inlines = (PickLineInline,)


@admin.register(Shipment)
class ShipmentAdmin(ReadOnly):
    list_display = ("number", "order", "customer", "carrier", "tracking_number", "ship_date")
    list_filter = ("status", "warehouse", "carrier")
    search_fields = ("number", "order__number", "tracking_number", "customer__account_number")
    list_select_related = ("order", "customer", "carrier")
    inlines = (ShipmentLineInline, DocumentInline)

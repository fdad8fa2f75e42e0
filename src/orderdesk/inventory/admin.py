"""Warehouses, lots, stock levels and the ledger in the admin.

All read-only here: on-hand changes only through `inventory.services.stock_move`, which
keeps the level equal to the sum of its movements, and warehouses and lots have rules of
their own in the services (no deactivating a warehouse that holds stock, reasons for holds).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from orderdesk.core.admin import RoleAdmin

from .models import Lot, StockLevel, StockMovement, Warehouse


class ReadOnlyAdmin(RoleAdmin):
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Warehouse)
class WarehouseAdmin(ReadOnlyAdmin):
    """Changed through the API or the services: a warehouse holding stock stays active."""

    list_display = ("code", "name", "timezone", "city", "country", "active")
    list_filter = ("active", "country")
    search_fields = ("code", "name", "city")


@admin.register(Lot)
class LotAdmin(ReadOnlyAdmin):
    """Holds and releases go through the lot services (they need a reason and an event)."""

    list_display = ("item", "number", "expiry_date", "quality_hold", "hold_reason")
    list_filter = ("quality_hold",)
    search_fields = ("number", "item__sku")
    list_select_related = ("item",)


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdmin):
    list_display = ("item", "warehouse", "lot", "on_hand", "allocated")
    list_filter = ("warehouse",)
    search_fields = ("item__sku", "lot")
    list_select_related = ("item", "warehouse")


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "item", "warehouse", "lot", "quantity", "reference", "actor")
    list_filter = ("kind", "warehouse")
    search_fields = ("item__sku", "reference", "lot")
    date_hierarchy = "at"
    list_select_related = ("item", "warehouse", "actor")

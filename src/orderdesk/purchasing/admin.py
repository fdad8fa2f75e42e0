"""Purchase orders in the admin: to look them up. Read-only, because every change of a
purchase order (lines, status, receipts) has rules and events in `purchasing.services`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from orderdesk.core.admin import RoleAdmin

from .models import PurchaseOrder, PurchaseOrderLine


class PurchaseOrderLineInline(admin.TabularInline):
    model = PurchaseOrderLine
    extra = 0
    can_delete = False
    fields = (
        "line_no",
        "item",
        "quantity_ordered",
        "quantity_received",
        "unit_cost",
        "expected_date",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(RoleAdmin):
    list_display = (
        "number",
        "vendor",
        "warehouse",
        "status",
        "order_date",
        "expected_date",
        "drop_ship",
    )
    list_filter = ("status", "drop_ship", "warehouse")
    search_fields = ("number", "vendor__code", "vendor__name", "vendor_reference")
    date_hierarchy = "order_date"
    list_select_related = ("vendor", "warehouse")
    inlines = (PurchaseOrderLineInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in PurchaseOrder._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

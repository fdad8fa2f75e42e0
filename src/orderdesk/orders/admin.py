"""Orders in the admin: read-only look-ups, and the per-customer order policies.

Orders change only through their services (intake, the exception queue, changes), which
check holds, roles and stock; the admin shows them for the rare investigation. Order
policies (tolerances, ship-complete, credit grace, duplicate window, change approval) are
plain settings and are edited here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from orderdesk.core.admin import AuditedAdmin, RoleAdmin

from .models import ColumnMapping, OrderPolicy, SalesOrder, SalesOrderLine


class ReadOnly(RoleAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LineInline(admin.TabularInline):
    model = SalesOrderLine
    extra = 0
    can_delete = False
    fields = (
        "line_no",
        "sku",
        "quantity",
        "uom_code",
        "status",
        "qty_allocated",
        "qty_backordered",
        "unit_price",
        "net",
        "promised_date",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SalesOrder)
class SalesOrderAdmin(ReadOnly):
    list_display = ("number", "customer", "customer_po", "channel", "status", "total", "created_at")
    list_filter = ("status", "channel", "rush")
    search_fields = ("number", "customer_po", "customer__account_number", "customer__name")
    list_select_related = ("customer",)
    inlines = (LineInline,)


@admin.register(OrderPolicy)
class OrderPolicyAdmin(AuditedAdmin):
    list_display = (
        "customer",
        "price_tolerance_percent",
        "ship_complete",
        "credit_grace_days",
        "duplicate_window_days",
        "change_approval_amount",
    )
    search_fields = ("customer__account_number", "customer__name")
    raw_id_fields = ("customer",)


@admin.register(ColumnMapping)
class ColumnMappingAdmin(AuditedAdmin):
    list_display = ("name", "customer", "updated_at")
    search_fields = ("name", "customer__account_number")
    raw_id_fields = ("customer",)

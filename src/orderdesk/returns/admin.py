"""Return policies (edited here, audited) and RMAs with their receipts (read-only here:
they move only through the returns services, which check the policy, the stock ledger and
the credit)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from orderdesk.core.admin import AuditedAdmin, RoleAdmin

from .models import ReturnAuthorization, ReturnLine, ReturnPolicy, ReturnReceipt, ReturnReceiptLine


@admin.register(ReturnPolicy)
class ReturnPolicyAdmin(AuditedAdmin):
    list_display = ("__str__", "customer", "window_days", "restocking_fee_percent", "updated_at")
    search_fields = ("customer__account_number", "customer__name")
    list_select_related = ("customer",)
    raw_id_fields = ("customer",)


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


class ReturnLineInline(ReadOnlyInline):
    model = ReturnLine
    fields = ("line_no", "item", "lot", "quantity", "reason_code", "qty_received", "qty_credited")
    readonly_fields = fields


@admin.register(ReturnAuthorization)
class ReturnAuthorizationAdmin(ReadOnly):
    list_display = ("number", "customer", "order", "status", "resolution", "requested_at")
    list_filter = ("status", "resolution", "channel")
    search_fields = ("number", "order__number", "customer__account_number", "customer__name")
    list_select_related = ("customer", "order")
    date_hierarchy = "requested_at"
    inlines = (ReturnLineInline,)


class ReturnReceiptLineInline(ReadOnlyInline):
    model = ReturnReceiptLine
    fields = ("return_line", "lot", "quantity", "condition", "disposition", "vendor", "notes")
    readonly_fields = fields


@admin.register(ReturnReceipt)
class ReturnReceiptAdmin(ReadOnly):
    list_display = ("number", "rma", "warehouse", "received_on", "received_by")
    search_fields = ("number", "rma__number")
    list_select_related = ("rma", "warehouse", "received_by")
    date_hierarchy = "received_on"
    inlines = (ReturnReceiptLineInline,)

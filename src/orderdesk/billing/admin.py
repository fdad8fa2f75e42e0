"""The customer ledger, invoices and credit memos in the admin (admin role; edits audited).

Receivables come from invoicing and from the open_receivables import; the admin is for
looking an item up and for the rare repair. Invoices, credit memos, payments and period
closes are posted only through their services (numbering, the period cut-off, the ledger
must agree), so they are read-only here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from orderdesk.core.admin import AuditedAdmin, RoleAdmin

from .models import (
    CreditMemo,
    CreditMemoLine,
    Invoice,
    InvoiceCharge,
    InvoiceLine,
    Payment,
    PeriodClose,
    Receivable,
)


@admin.register(Receivable)
class ReceivableAdmin(AuditedAdmin):
    list_display = (
        "document_number",
        "customer",
        "kind",
        "document_date",
        "due_date",
        "currency",
        "amount",
        "open_amount",
    )
    list_filter = ("kind", "currency")
    search_fields = ("document_number", "customer__account_number", "customer__name")
    list_select_related = ("customer",)
    raw_id_fields = ("customer",)
    date_hierarchy = "due_date"


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


class InvoiceLineInline(ReadOnlyInline):
    model = InvoiceLine
    fields = ("line_no", "sku", "lot", "quantity", "uom_code", "unit_price", "net", "tax")
    readonly_fields = fields


class InvoiceChargeInline(ReadOnlyInline):
    model = InvoiceCharge
    fields = ("code", "description", "amount", "tax")
    readonly_fields = fields


@admin.register(Invoice)
class InvoiceAdmin(ReadOnly):
    list_display = ("number", "customer", "invoice_date", "due_date", "total", "status")
    list_filter = ("status", "currency")
    search_fields = ("number", "customer_po", "customer__account_number", "order__number")
    list_select_related = ("customer",)
    date_hierarchy = "invoice_date"
    inlines = (InvoiceLineInline, InvoiceChargeInline)


class CreditMemoLineInline(ReadOnlyInline):
    model = CreditMemoLine
    fields = ("line_no", "kind", "description", "quantity", "unit_price", "net", "tax")
    readonly_fields = fields


@admin.register(CreditMemo)
class CreditMemoAdmin(ReadOnly):
    list_display = ("number", "customer", "invoice", "memo_date", "reference", "total")
    search_fields = ("number", "reference", "invoice__number", "customer__account_number")
    list_select_related = ("customer", "invoice")
    date_hierarchy = "memo_date"
    inlines = (CreditMemoLineInline,)


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ("number", "customer", "received_date", "amount", "unapplied", "method")
    list_filter = ("method", "currency")
    search_fields = ("number", "reference", "customer__account_number")
    list_select_related = ("customer",)
    date_hierarchy = "received_date"


@admin.register(PeriodClose)
class PeriodCloseAdmin(ReadOnly):
    list_display = ("closed_through", "reason", "closed_by", "closed_at")

"""The customer ledger in the admin (admin role; edits audited like every admin change).

Receivables come from invoicing and from the open_receivables import; the admin is for
looking an item up and for the rare repair.
"""

from __future__ import annotations

from django.contrib import admin

from orderdesk.core.admin import AuditedAdmin

from .models import Receivable


@admin.register(Receivable)
class ReceivableAdmin(AuditedAdmin):
    list_display = (
        "document_number",
        "customer",
        "document_date",
        "due_date",
        "currency",
        "amount",
        "open_amount",
    )
    list_filter = ("currency",)
    search_fields = ("document_number", "customer__account_number", "customer__name")
    list_select_related = ("customer",)
    raw_id_fields = ("customer",)
    date_hierarchy = "due_date"

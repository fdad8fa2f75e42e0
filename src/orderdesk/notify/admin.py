"""The outbox in the Django admin: read what was sent, retry what failed. Never edited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from orderdesk.core.errors import DomainError

from .models import OutboxMessage, OutboxStatus
from .services import outbox_message_retry


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "created_at",
        "channel",
        "to",
        "subject",
        "status",
        "attempts",
        "sent_at",
        "next_attempt_at",
    )
    list_filter = ("status", "channel")
    search_fields = ("to", "subject", "dedupe_key", "object_id")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    actions = ("retry_failed",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Retry the selected failed messages")
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        done = 0
        for message in queryset.filter(status=OutboxStatus.FAILED):
            try:
                outbox_message_retry(actor=request.user, message=message, reason="admin retry")
                done += 1
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
        self.message_user(request, f"{done} message(s) queued again", messages.SUCCESS)

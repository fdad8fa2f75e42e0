"""Queries on the outbox: what was sent, to whom, what is waiting or failed and why."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from orderdesk.core.errors import Forbidden, NotFound
from orderdesk.core.roles import Role

from .models import OutboxMessage

#: Outgoing messages carry customers' addresses and documents: only these roles read them.
OUTBOX_ROLES = frozenset({Role.MANAGER, Role.ADMIN, Role.BILLING})


def can_see_outbox(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "is_superuser", False)) or getattr(user, "role", None) in OUTBOX_ROLES


def _require_outbox(user: Any) -> None:
    if not can_see_outbox(user):
        raise Forbidden("only managers, billing and administrators may read the outbox")


def outbox_message_list(
    *,
    user: Any,
    status: str | None = None,
    channel: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
) -> QuerySet[OutboxMessage]:
    """Messages, newest first; the body stays out of the list (read one to see it)."""
    _require_outbox(user)
    qs = OutboxMessage.objects.defer("body_text", "body_html")
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    return qs.order_by("-created_at", "-id")


def outbox_message_get(*, user: Any, pk: int) -> OutboxMessage:
    _require_outbox(user)
    found = OutboxMessage.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound("message", pk)
    return found

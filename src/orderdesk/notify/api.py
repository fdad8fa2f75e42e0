"""The outbox over REST: what was sent, what waits and what failed (read-only).

Only managers, billing and administrators may read it; the check is in the selectors.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from orderdesk.core.apitools import Page, answers

from . import selectors
from .models import Channel, OutboxStatus

router = Router(tags=["notify"])


class AttachmentOut(Schema):
    filename: str
    mimetype: str


class OutboxMessageOut(Schema):
    id: int
    channel: Channel
    to: str
    subject: str
    status: OutboxStatus
    attempts: int
    max_attempts: int
    next_attempt_at: dt.datetime | None
    last_error: str
    object_type: str
    object_id: str
    dedupe_key: str | None
    created_at: dt.datetime
    sent_at: dt.datetime | None


class OutboxMessageDetailOut(OutboxMessageOut):
    body_text: str
    body_html: str
    attachments: list[AttachmentOut]


class OutboxFilter(Schema):
    status: OutboxStatus | None = None
    channel: Channel | None = None
    object_type: str | None = None
    object_id: str | None = None


@router.get(
    "/outbox-messages", response=answers(list[OutboxMessageOut]), summary="List outbox messages"
)
@paginate(Page)
def outbox_messages_list(request: HttpRequest, filters: Query[OutboxFilter]) -> Any:
    """Newest first; filter by status (pending, sending, sent, failed), channel or object."""
    return selectors.outbox_message_list(user=request.user, **filters.dict())


@router.get(
    "/outbox-messages/{message_id}",
    response=answers(OutboxMessageDetailOut),
    summary="Outbox message",
)
def outbox_messages_read(request: HttpRequest, message_id: int) -> Any:
    return selectors.outbox_message_get(user=request.user, pk=message_id)

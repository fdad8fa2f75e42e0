"""Recording events: every service that writes calls `event_record` in its transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from .models import Event


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of a row, JSON-ready (foreign keys by id)."""
    out: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        out[field.name] = _jsonable(getattr(obj, field.attname))
    return out


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the keys whose values differ, for a compact before/after."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    return getattr(actor, "username", None) or str(actor)


def event_record(
    *,
    actor: Any,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: object = None,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> Event:
    """Append one event. Caller is inside the transaction that made the change."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
    if not object_type:
        raise ValueError("event_record needs obj or object_type")
    user = (
        actor if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) else None
    )
    return Event.objects.create(
        at=timezone.now(),
        actor=user,
        actor_label=actor_label(actor),
        object_type=object_type,
        object_id=str(object_id),
        object_label=str(obj)[:200] if obj is not None else "",
        action=action,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        reason=reason,
    )


def event_record_many(
    *,
    actor: Any,
    records: list[tuple[models.Model, str, dict[str, Any] | None, dict[str, Any] | None]],
    reason: str = "",
) -> None:
    """Append many events in one insert: `records` are (obj, action, before, after).

    For documents with hundreds of lines, where one INSERT per line event would dominate
    the time of the whole command. Caller is inside the transaction that made the changes.
    """
    if not records:
        return
    at = timezone.now()
    user = (
        actor if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) else None
    )
    label = actor_label(actor)
    Event.objects.bulk_create(
        [
            Event(
                at=at,
                actor=user,
                actor_label=label,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                object_label=str(obj)[:200],
                action=action,
                before=_jsonable(before) if before is not None else None,
                after=_jsonable(after) if after is not None else None,
                reason=reason,
            )
            for obj, action, before, after in records
        ],
        batch_size=500,
    )


def events_for(obj: models.Model) -> models.QuerySet[Event]:
    return Event.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")

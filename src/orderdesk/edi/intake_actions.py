"""The clerk's side of the intake queue: resolve (taken in by hand), dismiss, retry.

Each action locks the item, refuses one that is no longer waiting, and records who did what
and why; retry reads the stored original again with the reading rules of `edi.intake`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from orderdesk.core.audit import event_record
from orderdesk.core.errors import CoreErrorCode, NotFound
from orderdesk.core.locks import lock_one
from orderdesk.core.roles import Capability, require
from orderdesk.orders.models import SalesOrder

from .errors import EdiConflict, EdiErrorCode, EdiInvalid
from .intake import (
    _ITEM_FIELDS,
    BY_HAND_FILE,
    NO_ATTACHMENT,
    _outline,
    _read_email,
    _read_part,
    _Reading,
    _settle,
)
from .mailparts import Attachment, mail_read, text_as_utf8
from .models import IntakeItem, IntakeSource, IntakeStatus


def _waiting_item(item: IntakeItem) -> IntakeItem:
    """The item, locked, if it still waits; a second clerk's click finds it closed."""
    try:
        locked = lock_one(IntakeItem.objects.filter(pk=item.pk))
    except IntakeItem.DoesNotExist as exc:
        raise NotFound("intake item", item.pk) from exc
    if locked.status != IntakeStatus.WAITING:
        raise EdiConflict(
            EdiErrorCode.INTAKE_ITEM_CLOSED,
            f"intake item {locked.pk} is {locked.get_status_display().lower()} already",
            field="item",
            fix="reload the intake queue",
        )
    return locked


def _state(item: IntakeItem) -> dict[str, Any]:
    return {"status": item.status, "orders": list(item.orders or []), "reason": item.reason}


def _close(item: IntakeItem, actor: Any, status: str, note: str) -> None:
    item.status = status
    item.resolved_by = actor if getattr(actor, "pk", None) else None
    item.resolved_at = timezone.now()
    if note:
        item.note = f"{item.note}\n{note}".strip()


def intake_item_resolve(
    *, actor: Any, item: IntakeItem, note: str, orders: list[str] | None = None
) -> IntakeItem:
    """Done by hand (the clerk entered the order); `orders` are the numbers entered."""
    require(actor, Capability.EDI_OPERATE)
    numbers = list(dict.fromkeys(n.strip() for n in (orders or []) if n and n.strip()))
    found = set(SalesOrder.objects.filter(number__in=numbers).values_list("number", flat=True))
    missing = [n for n in numbers if n not in found]
    if missing:
        raise EdiInvalid(
            CoreErrorCode.INVALID,
            f"no sales order {', '.join(missing)}",
            field="orders",
            fix="give the numbers of the orders entered for this item",
        )
    with transaction.atomic():
        item = _waiting_item(item)
        before = _state(item)
        item.orders = list(dict.fromkeys([*(item.orders or []), *numbers]))
        _close(item, actor, IntakeStatus.DONE, note.strip())
        item.save(update_fields=[*_ITEM_FIELDS, "note"])
        event_record(
            actor=actor,
            obj=item,
            action="edi.intake_item.resolved",
            before=before,
            after=_state(item),
            reason=note.strip(),
        )
    return item


def intake_item_dismiss(*, actor: Any, item: IntakeItem, note: str) -> IntakeItem:
    """Nothing to take in (spam, a reply, a duplicate sent by other means); says why."""
    require(actor, Capability.EDI_OPERATE)
    if not note.strip():
        raise EdiInvalid(
            CoreErrorCode.INVALID,
            "say why the item is dismissed",
            field="note",
            fix="e.g. spam, or: the PO came again as EDI",
        )
    with transaction.atomic():
        item = _waiting_item(item)
        before = _state(item)
        _close(item, actor, IntakeStatus.DISMISSED, note.strip())
        item.save(update_fields=[*_ITEM_FIELDS, "note"])
        event_record(
            actor=actor,
            obj=item,
            action="edi.intake_item.dismissed",
            before=before,
            after=_state(item),
            reason=note.strip(),
        )
    return item


def intake_item_retry(*, actor: Any, item: IntakeItem, today: dt.date | None = None) -> IntakeItem:
    """Read the original again (after a contact, mapping or item was added): only the
    attachments still waiting are read, so nothing taken in before is taken in twice."""
    require(actor, Capability.EDI_OPERATE)
    today = today or timezone.localdate()
    with transaction.atomic():
        item = _waiting_item(item)
        before = _state(item)
        try:
            with item.original.open("rb") as fh:
                raw = fh.read()
        except (OSError, ValueError) as exc:  # no file, or storage lost it
            raise EdiInvalid(
                EdiErrorCode.FILE_UNREADABLE,
                f"the original of intake item {item.pk} is no longer in storage",
                field="item",
                fix="enter the order by hand, then resolve the item",
            ) from exc
        parts = {e.get("part") for e in item.errors or []}
        only = None if None in parts or not parts else {int(p) for p in parts if p is not None}
        if item.source == IntakeSource.EMAIL:
            mail = mail_read(raw)
            outcomes = _read_email(item, mail, actor=actor, today=today, only=only)
            nothing = NO_ATTACHMENT
        else:
            how = _Reading(actor, today, item.customer, BY_HAND_FILE, "the file", item.source)
            outcomes = [_read_part(Attachment(0, item.filename, "", text_as_utf8(raw), False), how)]
            nothing = outcomes[0].reason
        _settle(item, outcomes, taken_before=only is not None or bool(item.orders), nothing=nothing)
        if item.status == IntakeStatus.DONE:
            _close(item, actor, IntakeStatus.DONE, "")
        item.save(update_fields=_ITEM_FIELDS)
        event_record(
            actor=actor,
            obj=item,
            action="edi.intake_item.retried",
            before=before,
            after={**_state(item), "parts": _outline(outcomes)},
        )
    return item

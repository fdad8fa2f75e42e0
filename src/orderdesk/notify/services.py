"""The transactional outbox: write a message with the business change, send it after commit.

`outbox_enqueue` runs inside the caller's transaction: the message row commits or rolls back
with the order, invoice or work order it is about, and only on commit is the delivery task
enqueued. Delivery (`outbox_message_deliver`, run by the `outbox_deliver` task) claims the
row under a row lock, sends outside any transaction (no lock held while a mail server
thinks), then records the outcome. A message already sent or claimed by another worker is
skipped, so a task that runs twice sends once. If a worker dies between sending and
recording, the claim runs out and the message is sent again: delivery is at least once,
never silently lost. `outbox_sweep_due` (the `outbox_sweep` task and command) re-enqueues
what is due, for when an enqueue was lost or the task backend cannot defer retries.

An attachment is either a stored file or a document rendered by the worker just before
sending (`{"render": name, "args": {...}}`): a PDF that takes a few hundred milliseconds
to make then costs the business transaction nothing, and a failed render is retried and
recorded like a failed send.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import logging
import mimetypes
import uuid
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from orderdesk.core.audit import event_record
from orderdesk.core.errors import Forbidden
from orderdesk.core.locks import lock_one, lock_rows

from .errors import (
    ChannelNotConfigured,
    DeliveryError,
    NotifyError,
    NotifyErrorCode,
    NotifyStateError,
)
from .models import Channel, OutboxMessage, OutboxStatus
from .selectors import can_see_outbox

#: First retry after a minute, then doubling: 1, 2, 4, 8 … minutes, never more than 6 hours.
RETRY_BASE = dt.timedelta(minutes=1)
RETRY_CAP = dt.timedelta(hours=6)
#: How long a worker's claim on a message lasts; keep EMAIL_TIMEOUT well below it.
CLAIM_LEASE = dt.timedelta(minutes=15)
#: The sweep leaves a message this long to its own delivery task before enqueuing another.
SWEEP_GRACE = dt.timedelta(minutes=1)
#: Where attachments given as content are stored (in Django's default storage).
ATTACHMENT_DIR = "outbox"

Outcome = str  # "sent", "retry", "failed", "skipped", "not_due", "missing"

logger = logging.getLogger(__name__)

#: A renderer makes an attachment's content from JSON arguments: `func(**args) -> bytes`.
Renderer = Callable[..., bytes | str]

#: Renderers known by a short name, registered by the app that owns the document
#: (`attachment_renderer_register`). A name of the form "package.module:function" needs no
#: registration: it is imported on first use, but only under these packages, so that a
#: message row can never name arbitrary code.
ATTACHMENT_RENDERERS: dict[str, Renderer] = {}
RENDERER_PACKAGES: tuple[str, ...] = ("orderdesk.",)


class AttachmentRenderError(DeliveryError):
    """Rendering an attachment at delivery failed; retried like a failed send (the document
    may not be committed yet on a replica, or a worker may run older code during a deploy)."""


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt (exponential backoff, capped)."""
    delay = RETRY_BASE * (2 ** max(attempts - 1, 0))
    return min(delay, RETRY_CAP)


def _recipients(channel: Channel, to: str | Iterable[str]) -> list[str]:
    raw = to.split(",") if isinstance(to, str) else list(to)
    out = [r.strip() for r in raw if r and r.strip()]
    if not out:
        raise NotifyError(
            NotifyErrorCode.RECIPIENT_INVALID, "a message needs a recipient", field="to"
        )
    if channel == Channel.EMAIL:
        for address in out:
            try:
                validate_email(address)
            except ValidationError as exc:
                raise NotifyError(
                    NotifyErrorCode.RECIPIENT_INVALID,
                    f"{address!r} is not an e-mail address",
                    field="to",
                ) from exc
    return out


def attachment_renderer_register(name: str, func: Renderer) -> None:
    """Make `func` available to messages as `{"render": name}` (call from AppConfig.ready)."""
    ATTACHMENT_RENDERERS[name] = func


def attachment_renderer(name: str) -> Renderer:
    """The renderer called `name`: registered, or imported from "package.module:function".

    Raises LookupError when there is none (or the path is outside RENDERER_PACKAGES).
    """
    func = ATTACHMENT_RENDERERS.get(name)
    if func is not None:
        return func
    module_name, sep, attr = name.partition(":")
    if not sep or not attr or not module_name.startswith(RENDERER_PACKAGES):
        raise LookupError(
            f"no attachment renderer {name!r}: register it, or name it as "
            f"package.module:function under {', '.join(RENDERER_PACKAGES)}"
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise LookupError(f"no attachment renderer {name!r}: {exc}") from exc
    func = getattr(module, attr, None)
    if not callable(func):
        raise LookupError(f"no attachment renderer {name!r}: {module_name} has no {attr}()")
    return func


def _invalid_attachment(message: str) -> NotifyError:
    return NotifyError(NotifyErrorCode.ATTACHMENT_INVALID, message, field="attachments")


def _render_spec(filename: str, mimetype: str, spec: Mapping[str, Any]) -> dict[str, Any]:
    """{filename, mimetype, render, args}: checked now, rendered by the worker when sending."""
    name = spec.get("render")
    if not isinstance(name, str) or not name.strip():
        raise _invalid_attachment(f"attachment {filename}: render needs a renderer name")
    try:
        attachment_renderer(name)
    except LookupError as exc:
        raise _invalid_attachment(f"attachment {filename}: {exc}") from exc
    args = spec.get("args") or {}
    if not isinstance(args, Mapping):
        raise _invalid_attachment(f"attachment {filename}: render args must be an object")
    try:
        plain = json.loads(json.dumps(dict(args)))
    except (TypeError, ValueError) as exc:
        raise _invalid_attachment(
            f"attachment {filename}: render args must be plain JSON values ({exc})"
        ) from exc
    return {"filename": filename, "mimetype": mimetype, "render": name, "args": plain}


def _attachment(spec: Mapping[str, Any]) -> dict[str, Any]:
    """{filename, mimetype, path}: `path` names a file in default storage, or `content`
    (bytes or text) is stored there now. Stored files must be reachable by every worker.

    Or {filename, mimetype, render, args}: `render` names a renderer (see
    `attachment_renderer`) that the worker calls as `render(**args)` just before sending.
    """
    filename = str(spec.get("filename") or "").strip()
    if not filename or "/" in filename or "\\" in filename:
        raise NotifyError(
            NotifyErrorCode.ATTACHMENT_INVALID,
            f"attachment needs a plain file name (got {filename!r})",
            field="attachments",
        )
    mimetype = spec.get("mimetype") or mimetypes.guess_type(filename)[0]
    mimetype = mimetype or "application/octet-stream"
    if "render" in spec:
        return _render_spec(filename, str(mimetype), spec)
    path = spec.get("path")
    if path is None:
        content = spec.get("content")
        if content is None:
            raise NotifyError(
                NotifyErrorCode.ATTACHMENT_INVALID,
                f"attachment {filename}: give its stored path or its content",
                field="attachments",
            )
        data = content.encode() if isinstance(content, str) else bytes(content)
        path = default_storage.save(
            f"{ATTACHMENT_DIR}/{uuid.uuid4().hex}/{filename}", ContentFile(data)
        )
    elif not default_storage.exists(str(path)):
        raise NotifyError(
            NotifyErrorCode.ATTACHMENT_INVALID,
            f"attachment {filename}: no stored file {path}",
            field="attachments",
        )
    return {"filename": filename, "mimetype": str(mimetype), "path": str(path)}


def _enqueue_delivery(message_id: int, run_after: dt.datetime | None = None) -> None:
    """Hand the message to the task backend; a lost enqueue is picked up by the sweep."""
    from .tasks import outbox_deliver

    task = outbox_deliver
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # this backend cannot wait: the periodic sweep delivers it when due
        task = task.using(run_after=run_after)
    task.enqueue(message_id)


def outbox_enqueue(
    *,
    channel: str,
    to: str | Iterable[str],
    subject: str,
    body_text: str,
    body_html: str = "",
    attachments: Iterable[Mapping[str, Any]] = (),
    obj: models.Model | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Write a message in the caller's transaction; delivery is enqueued on commit.

    Precondition: called inside the business transaction (`transaction.atomic()`), so a
    rolled-back change sends nothing. With a `dedupe_key` already used, the existing message
    is returned and nothing new is sent.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "outbox_enqueue must run inside the business transaction (transaction.atomic)"
        )
    try:
        chan = Channel(channel)
    except ValueError as exc:
        raise NotifyError(
            NotifyErrorCode.CHANNEL_INVALID,
            f"unknown channel {channel!r}",
            field="channel",
            fix="one of " + ", ".join(Channel.values),
        ) from exc
    recipients = _recipients(chan, to)
    if dedupe_key:
        existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    stored = [_attachment(a) for a in attachments]
    values: dict[str, Any] = {
        "channel": chan,
        "to": ", ".join(recipients),
        "subject": subject[:250],
        "body_text": body_text,
        "body_html": body_html,
        "attachments": stored,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None else "",
        "dedupe_key": dedupe_key or None,
        "next_attempt_at": timezone.now(),
    }
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(**values)
    except IntegrityError:
        if not dedupe_key:
            raise
        return OutboxMessage.objects.get(dedupe_key=dedupe_key)  # a concurrent twin won
    event_record(
        actor=None,
        obj=obj if obj is not None else message,
        action="notification.queued",
        after={
            "message": message.pk,
            "channel": chan.value,
            "to": message.to,
            "subject": message.subject,
        },
    )
    transaction.on_commit(partial(_enqueue_delivery, message.pk), robust=True)
    return message


def _attachment_content(att: Mapping[str, Any]) -> bytes:
    """The bytes of one attachment: read from storage, or rendered now (in the worker)."""
    if "render" not in att:
        with default_storage.open(att["path"], "rb") as fh:
            return bytes(fh.read())
    name = att["render"]
    try:
        content = attachment_renderer(name)(**(att.get("args") or {}))
        if isinstance(content, str):
            content = content.encode()
        if not isinstance(content, bytes | bytearray | memoryview):
            raise TypeError(f"the renderer returned {type(content).__name__}, not bytes")
        return bytes(content)
    except Exception as exc:
        logger.warning(
            "outbox: rendering attachment %s with %s failed", att["filename"], name, exc_info=True
        )
        raise AttachmentRenderError(
            f"attachment {att['filename']}: rendering with {name} failed: "
            f"{type(exc).__name__}: {exc}"
        ) from exc


def _send(message: OutboxMessage) -> None:
    """Send by channel; raises DeliveryError (or any exception) when it did not go."""
    if message.channel == Channel.EMAIL:
        # Attachments first: a render that fails sends nothing and is retried.
        files = [
            (att["filename"], _attachment_content(att), att.get("mimetype") or None)
            for att in message.attachments or []
        ]
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[a.strip() for a in message.to.split(",") if a.strip()],
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        for filename, content, mimetype in files:
            email.attach(filename, content, mimetype)
        if email.send(fail_silently=False) != 1:
            raise DeliveryError("the e-mail backend accepted no message")
        return
    what = {Channel.SMS: "SMS", Channel.WEBHOOK: "webhook"}.get(
        Channel(message.channel), message.channel
    )
    raise ChannelNotConfigured(
        f"{what} channel not configured: this installation has no {what} provider set up, "
        "so the message cannot be sent"
    )


def _claim(message_id: int) -> OutboxMessage | Outcome:
    now = timezone.now()
    with transaction.atomic():
        rows = lock_rows(OutboxMessage.objects.filter(pk=message_id))
        if not rows:
            return "missing"
        message = rows[0]
        if message.status == OutboxStatus.SENDING:
            if message.claimed_until is not None and message.claimed_until > now:
                return "skipped"  # another worker is sending it right now
            if message.attempts >= message.max_attempts:
                return _give_up(message, "the worker sending it stopped before recording")
        elif message.status != OutboxStatus.PENDING:
            return "skipped"  # sent or failed already
        elif message.next_attempt_at is not None and message.next_attempt_at > now:
            return "not_due"
        message.status = OutboxStatus.SENDING
        message.claimed_until = now + CLAIM_LEASE
        message.attempts += 1
        message.save(update_fields=["status", "claimed_until", "attempts"])
    return message


def _give_up(message: OutboxMessage, error: str) -> Outcome:
    """Caller holds the message row lock."""
    message.status = OutboxStatus.FAILED
    message.claimed_until = None
    message.next_attempt_at = None
    message.last_error = error
    message.save(update_fields=["status", "claimed_until", "next_attempt_at", "last_error"])
    event_record(
        actor=None,
        obj=message,
        action="notification.failed",
        after={"status": message.status, "attempts": message.attempts, "last_error": error},
    )
    return "failed"


def outbox_message_deliver(*, message_id: int) -> Outcome:
    """Try to send one message once; record sent, a retry with backoff, or failed."""
    claimed = _claim(message_id)
    if isinstance(claimed, str):
        return claimed
    error: BaseException | None = None
    try:
        _send(claimed)
    except Exception as exc:  # any failure of the channel is recorded on the message
        error = exc
    now = timezone.now()
    with transaction.atomic():
        message = lock_one(OutboxMessage.objects.filter(pk=message_id))
        message.claimed_until = None
        if error is None:
            message.status = OutboxStatus.SENT
            message.sent_at = now
            message.next_attempt_at = None
            outcome = "sent"
        else:
            message.last_error = f"{type(error).__name__}: {error}"[:4000]
            if getattr(error, "permanent", False) or message.attempts >= message.max_attempts:
                message.status = OutboxStatus.FAILED
                message.next_attempt_at = None
                outcome = "failed"
            else:
                message.status = OutboxStatus.PENDING
                message.next_attempt_at = now + retry_delay(message.attempts)
                outcome = "retry"
                transaction.on_commit(
                    partial(_enqueue_delivery, message.pk, message.next_attempt_at), robust=True
                )
        message.save(
            update_fields=["status", "sent_at", "next_attempt_at", "claimed_until", "last_error"]
        )
        if outcome != "retry":
            event_record(
                actor=None,
                obj=message,
                action=f"notification.{outcome}",
                after={
                    "status": message.status,
                    "attempts": message.attempts,
                    "last_error": message.last_error if outcome == "failed" else "",
                },
            )
    return outcome


def outbox_sweep_due(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Enqueue delivery of every due pending message and every send whose claim ran out."""
    now = now or timezone.now()
    due = (
        OutboxMessage.objects.filter(
            Q(status=OutboxStatus.PENDING, next_attempt_at__isnull=True)
            | Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now - SWEEP_GRACE)
            | Q(status=OutboxStatus.SENDING, claimed_until__lt=now)
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    ids = list(due)
    for message_id in ids:
        _enqueue_delivery(message_id)
    return len(ids)


def outbox_message_retry(*, actor: Any, message: OutboxMessage, reason: str = "") -> OutboxMessage:
    """Give a failed message a fresh set of attempts (e.g. after fixing the mail server)."""
    if not can_see_outbox(actor):
        raise Forbidden("only managers, billing and administrators may retry messages")
    with transaction.atomic():
        row = lock_one(OutboxMessage.objects.filter(pk=message.pk))
        if row.status != OutboxStatus.FAILED:
            raise NotifyStateError(
                NotifyErrorCode.NOT_FAILED,
                f"message {row.pk} is {row.status}: only a failed message is retried",
                field="status",
            )
        row.status = OutboxStatus.PENDING
        row.attempts = 0
        row.next_attempt_at = timezone.now()
        row.save(update_fields=["status", "attempts", "next_attempt_at"])
        event_record(
            actor=actor,
            obj=row,
            action="notification.retried",
            before={"status": OutboxStatus.FAILED.value},
            after={"status": row.status},
            reason=reason,
        )
        transaction.on_commit(partial(_enqueue_delivery, row.pk), robust=True)
    return row

"""Attachments rendered by the worker just before sending ({"render": name, "args": {...}})."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from orderdesk.core.models import Event
from orderdesk.core.money import to_decimal
from orderdesk.notify import services
from orderdesk.notify.errors import NotifyError
from orderdesk.notify.models import Channel, OutboxMessage
from orderdesk.notify.services import (
    attachment_renderer,
    attachment_renderer_register,
    outbox_enqueue,
    outbox_message_deliver,
)

pytestmark = pytest.mark.django_db


class Recorder:
    """A renderer that records its calls and fails while `failures` is above zero."""

    def __init__(self, failures: int = 0, result: object = None) -> None:
        self.calls: list[dict[str, object]] = []
        self.failures = failures
        self.result = result

    def __call__(self, **args: object) -> Any:
        self.calls.append(args)
        if self.failures:
            self.failures -= 1
            raise RuntimeError("template invoice.html not found")
        if self.result is not None:
            return self.result
        return f"%PDF-1.7 invoice {args['invoice']}".encode()


@pytest.fixture
def renderers():
    """The registry as the test leaves it is put back afterwards."""
    saved = dict(services.ATTACHMENT_RENDERERS)
    yield services.ATTACHMENT_RENDERERS
    services.ATTACHMENT_RENDERERS.clear()
    services.ATTACHMENT_RENDERERS.update(saved)


def _enqueue(render: str = "tests.invoice", args: object = None, **spec: object) -> OutboxMessage:
    attachment = {
        "filename": "INV000042.pdf",
        "render": render,
        "args": {"invoice": 42} if args is None else args,
        **spec,
    }
    return outbox_enqueue(
        channel=Channel.EMAIL,
        to="ap@acme.example.com",
        subject="Invoice INV000042",
        body_text="Your invoice is attached.",
        attachments=[attachment],
    )


def _due_now(message: OutboxMessage) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )


def test_the_attachment_is_rendered_by_the_worker_after_commit(
    renderers, immediate_tasks, django_capture_on_commit_callbacks
):
    render = Recorder()
    attachment_renderer_register("tests.invoice", render)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = _enqueue()
        assert render.calls == []  # nothing is rendered in the business transaction
    assert render.calls == [{"invoice": 42}]
    (sent,) = mail.outbox
    assert sent.attachments == [("INV000042.pdf", b"%PDF-1.7 invoice 42", "application/pdf")]
    message.refresh_from_db()
    assert message.status == "sent"
    assert message.attachments == [
        {
            "filename": "INV000042.pdf",
            "mimetype": "application/pdf",
            "render": "tests.invoice",
            "args": {"invoice": 42},
        }
    ]


def test_text_from_a_renderer_is_sent_as_utf8(renderers, immediate_tasks):
    renderers["tests.csv"] = Recorder(result="sku;qty\nCAP-45;2 µF\n")
    message = _enqueue(render="tests.csv", filename="lines.csv")
    assert outbox_message_deliver(message_id=message.pk) == "sent"
    # Django gives text attachments to the mail as str (it decodes the UTF-8 bytes).
    assert mail.outbox[0].attachments == [("lines.csv", "sku;qty\nCAP-45;2 µF\n", "text/csv")]


def test_a_dotted_path_under_orderdesk_needs_no_registration():
    assert attachment_renderer("orderdesk.core.money:to_decimal") is to_decimal


@pytest.mark.parametrize(
    ("render", "args", "message"),
    [
        ("tests.unknown", None, "no attachment renderer 'tests.unknown'"),
        ("", None, "render needs a renderer name"),
        ("os:system", None, "under orderdesk."),
        ("orderdesk.nothing_here:render", None, "No module named 'orderdesk.nothing_here'"),
        ("orderdesk.core.money:no_such_function", None, "orderdesk.core.money has no"),
        ("tests.invoice", {"amount": Decimal("1.5")}, "render args must be plain JSON values"),
        ("tests.invoice", ["ack", 1], "render args must be an object"),
    ],
)
def test_a_render_attachment_that_cannot_work_is_refused_at_enqueue(
    renderers, render, args, message
):
    renderers["tests.invoice"] = Recorder()
    with pytest.raises(NotifyError) as exc:
        _enqueue(render=render, args=args)
    assert (exc.value.code, exc.value.field) == ("attachment_invalid", "attachments")
    assert message in exc.value.message
    assert (OutboxMessage.objects.count(), Event.objects.count()) == (0, 0)


def test_a_failing_render_is_retried_with_backoff_and_recorded_then_sent(
    renderers, immediate_tasks
):
    render = Recorder(failures=2)
    renderers["tests.invoice"] = render
    message = _enqueue()
    outcomes = []
    for _ in range(3):
        _due_now(message)
        outcomes.append(outbox_message_deliver(message_id=message.pk))
        message.refresh_from_db()
        if outcomes[-1] == "retry":
            assert message.last_error == (
                "AttachmentRenderError: attachment INV000042.pdf: rendering with tests.invoice "
                "failed: RuntimeError: template invoice.html not found"
            )
            assert mail.outbox == []
    assert outcomes == ["retry", "retry", "sent"]
    assert (message.status, message.attempts, len(render.calls), len(mail.outbox)) == (
        "sent",
        3,
        3,
        1,
    )


def test_a_render_that_never_works_fails_after_max_attempts(renderers, immediate_tasks):
    renderers["tests.invoice"] = Recorder(failures=99)
    message = _enqueue()
    outcomes = []
    for _ in range(5):
        _due_now(message)
        outcomes.append(outbox_message_deliver(message_id=message.pk))
    assert outcomes == ["retry", "retry", "retry", "retry", "failed"]
    failed = Event.objects.get(action="notification.failed")
    assert failed.after == {
        "status": "failed",
        "attempts": 5,
        "last_error": (
            "AttachmentRenderError: attachment INV000042.pdf: rendering with tests.invoice "
            "failed: RuntimeError: template invoice.html not found"
        ),
    }
    assert mail.outbox == []


def test_a_renderer_that_returns_no_bytes_is_a_render_failure(renderers, immediate_tasks):
    renderers["tests.invoice"] = Recorder(result=12345)
    message = _enqueue()
    assert outbox_message_deliver(message_id=message.pk) == "retry"
    message.refresh_from_db()
    assert message.last_error.endswith("TypeError: the renderer returned int, not bytes")


def test_a_renderer_gone_from_the_worker_is_retried_not_lost(renderers, immediate_tasks):
    """A worker still on older code during a deploy: the next attempt may find it."""
    renderers["tests.invoice"] = Recorder()
    message = _enqueue()
    del renderers["tests.invoice"]
    assert outbox_message_deliver(message_id=message.pk) == "retry"
    message.refresh_from_db()
    assert "LookupError: no attachment renderer 'tests.invoice'" in message.last_error
    renderers["tests.invoice"] = Recorder()
    _due_now(message)
    assert outbox_message_deliver(message_id=message.pk) == "sent"


def test_stored_and_rendered_attachments_go_together(
    renderers, immediate_tasks, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    renderers["tests.invoice"] = Recorder()
    with transaction.atomic():
        message = outbox_enqueue(
            channel=Channel.EMAIL,
            to="ap@acme.example.com",
            subject="Invoice INV000042",
            body_text="Attached.",
            attachments=[
                {"filename": "terms.txt", "content": "Net 30"},
                {"filename": "INV000042.pdf", "render": "tests.invoice", "args": {"invoice": 42}},
            ],
        )
    assert outbox_message_deliver(message_id=message.pk) == "sent"
    assert mail.outbox[0].attachments == [
        ("terms.txt", "Net 30", "text/plain"),
        ("INV000042.pdf", b"%PDF-1.7 invoice 42", "application/pdf"),
    ]

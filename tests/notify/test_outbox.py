from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from orderdesk.core.models import Event
from orderdesk.notify.errors import NotifyError
from orderdesk.notify.models import Channel, OutboxMessage, OutboxStatus
from orderdesk.notify.services import (
    CLAIM_LEASE,
    outbox_enqueue,
    outbox_message_deliver,
    outbox_sweep_due,
    retry_delay,
)

from ..factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _enqueue(**kwargs) -> OutboxMessage:
    values = {
        "channel": Channel.EMAIL,
        "to": "ap@acme.example.com",
        "subject": "Order SO000123 acknowledged",
        "body_text": "We have your order.",
    }
    values.update(kwargs)
    return outbox_enqueue(**values)


def _due_now(message: OutboxMessage) -> None:
    """Let the backoff time pass."""
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )


def test_rolled_back_business_change_leaves_no_message_and_sends_no_mail(
    immediate_tasks, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _enqueue(obj=CustomerFactory())
        raise RuntimeError("order failed validation")
    assert callbacks == []
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_committed_change_sends_exactly_one_mail(
    immediate_tasks, django_capture_on_commit_callbacks
):
    customer = CustomerFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        message = _enqueue(obj=customer, to=["ap@acme.example.com", "buyer@acme.example.com"])
    assert len(callbacks) == 1
    assert [(m.subject, m.to, m.from_email) for m in mail.outbox] == [
        (
            "Order SO000123 acknowledged",
            ["ap@acme.example.com", "buyer@acme.example.com"],
            "orderdesk@example.com",
        )
    ]
    message.refresh_from_db()
    assert (message.status, message.attempts, message.claimed_until) == ("sent", 1, None)
    assert message.sent_at is not None
    assert (message.object_type, message.object_id) == ("parties.customer", str(customer.pk))
    assert list(Event.objects.values_list("action", "object_type")) == [
        ("notification.queued", "parties.customer"),
        ("notification.sent", "notify.outboxmessage"),
    ]


def test_html_body_and_attachments_go_with_the_mail(
    immediate_tasks, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _enqueue(
            body_html="<p>We have your order.</p>",
            attachments=[{"filename": "SO000123.pdf", "content": b"%PDF-1.7 ack"}],
        )
    (sent,) = mail.outbox
    assert sent.alternatives[0][0] == "<p>We have your order.</p>"
    assert sent.attachments == [("SO000123.pdf", b"%PDF-1.7 ack", "application/pdf")]
    stored = OutboxMessage.objects.get().attachments
    assert [(a["filename"], a["mimetype"]) for a in stored] == [("SO000123.pdf", "application/pdf")]
    assert (tmp_path / stored[0]["path"]).read_bytes() == b"%PDF-1.7 ack"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"to": "not-an-address"}, "recipient_invalid"),
        ({"to": " , "}, "recipient_invalid"),
        ({"channel": "pigeon"}, "channel_invalid"),
        ({"attachments": [{"filename": "../x.pdf", "content": b"x"}]}, "attachment_invalid"),
        ({"attachments": [{"filename": "x.pdf"}]}, "attachment_invalid"),
        (
            {"attachments": [{"filename": "x.pdf", "path": "outbox/nope/x.pdf"}]},
            "attachment_invalid",
        ),
    ],
)
def test_bad_messages_are_refused(kwargs, code):
    with pytest.raises(NotifyError) as exc:
        _enqueue(**kwargs)
    assert exc.value.code == code
    assert (OutboxMessage.objects.count(), Event.objects.count()) == (0, 0)


def test_failing_mail_server_is_retried_with_backoff_then_failed(failing_mail):
    message = _enqueue()  # still inside the test transaction: delivered by hand below
    outcomes, delays = [], []
    for _ in range(5):
        _due_now(message)
        started = timezone.now()
        outcomes.append(outbox_message_deliver(message_id=message.pk))
        message.refresh_from_db()
        if message.next_attempt_at is not None:
            delays.append(round((message.next_attempt_at - started).total_seconds() / 60))
    assert outcomes == ["retry", "retry", "retry", "retry", "failed"]
    assert delays == [1, 2, 4, 8]
    assert (message.status, message.attempts, message.next_attempt_at) == ("failed", 5, None)
    assert message.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert mail.outbox == []
    failed = Event.objects.get(action="notification.failed")
    assert failed.after == {
        "status": "failed",
        "attempts": 5,
        "last_error": "SMTPServerDisconnected: Connection unexpectedly closed",
    }
    assert outbox_message_deliver(message_id=message.pk) == "skipped"


def test_a_retry_is_not_sent_before_its_time(failing_mail):
    message = _enqueue()
    assert outbox_message_deliver(message_id=message.pk) == "retry"
    assert outbox_message_deliver(message_id=message.pk) == "not_due"
    message.refresh_from_db()
    assert message.attempts == 1


def test_with_the_database_backend_a_retry_is_a_deferred_task(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.notify.backends.FailingBackend"
    message = _enqueue()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_message_deliver(message_id=message.pk) == "retry"
    message.refresh_from_db()
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.args_kwargs, task.run_after) == (
        "orderdesk.notify.tasks.outbox_deliver",
        {"args": [message.pk], "kwargs": {}},
        message.next_attempt_at,
    )


def test_the_database_backend_gets_one_task_per_committed_message(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = _enqueue()
    assert [(t.args_kwargs, t.task.run_after) for t in DBTaskResult.objects.all()] == [
        ({"args": [message.pk], "kwargs": {}}, None)
    ]
    assert OutboxMessage.objects.get().status == "pending"  # until a worker runs it


def test_delivering_twice_sends_one_mail(immediate_tasks):
    message = _enqueue()
    assert outbox_message_deliver(message_id=message.pk) == "sent"
    assert outbox_message_deliver(message_id=message.pk) == "skipped"
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get().attempts == 1


def test_a_message_claimed_by_another_worker_is_left_alone(immediate_tasks):
    message = _enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENDING, claimed_until=timezone.now() + CLAIM_LEASE, attempts=1
    )
    assert outbox_message_deliver(message_id=message.pk) == "skipped"
    assert mail.outbox == []


def test_a_send_whose_worker_died_is_swept_up_and_sent(immediate_tasks):
    message = _enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENDING,
        claimed_until=timezone.now() - dt.timedelta(seconds=1),
        attempts=1,
    )
    assert outbox_sweep_due() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, len(mail.outbox)) == ("sent", 2, 1)


def test_a_dead_send_out_of_attempts_is_failed_not_sent(immediate_tasks):
    message = _enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENDING,
        claimed_until=timezone.now() - dt.timedelta(seconds=1),
        attempts=5,
    )
    assert outbox_message_deliver(message_id=message.pk) == "failed"
    assert mail.outbox == []
    assert OutboxMessage.objects.get().last_error == (
        "the worker sending it stopped before recording"
    )


@pytest.mark.parametrize(("channel", "name"), [(Channel.SMS, "SMS"), (Channel.WEBHOOK, "webhook")])
def test_unconfigured_channels_fail_at_once_with_a_clear_error(immediate_tasks, channel, name):
    message = _enqueue(channel=channel, to="+13125550100")
    assert outbox_message_deliver(message_id=message.pk) == "failed"
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 1)
    assert message.last_error == (
        f"ChannelNotConfigured: {name} channel not configured: this installation has no {name} "
        "provider set up, so the message cannot be sent"
    )


def test_same_dedupe_key_gives_the_same_message(
    immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = _enqueue(dedupe_key="ack:SO000123")
        second = _enqueue(dedupe_key="ack:SO000123", subject="again")
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1
    assert len(mail.outbox) == 1


def test_sweep_enqueues_only_due_messages(immediate_tasks):
    due, later, fresh = _enqueue(), _enqueue(), _enqueue()
    OutboxMessage.objects.filter(pk=due.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(minutes=5)
    )
    OutboxMessage.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + dt.timedelta(minutes=5)
    )
    assert outbox_sweep_due() == 1  # `fresh` is left to its own task for the grace minute
    assert [m.to for m in mail.outbox] == [["ap@acme.example.com"]]
    assert OutboxMessage.objects.get(pk=due.pk).status == "sent"
    assert OutboxMessage.objects.get(pk=fresh.pk).status == "pending"


def test_sweep_command_reports_what_it_enqueued(immediate_tasks, capsys):
    message = _enqueue()
    _due_now(message)
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(minutes=2)
    )
    call_command("outbox_sweep")
    assert capsys.readouterr().out == "outbox sweep: 1 message(s) enqueued for delivery\n"
    assert len(mail.outbox) == 1


def test_retry_delay_doubles_and_is_capped():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 5)] == [60, 120, 240, 480, 960]
    assert retry_delay(30) == dt.timedelta(hours=6)

"""The outbox against real commits (no wrapping test transaction), and concurrent workers."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core import mail
from django.db import transaction

from orderdesk.notify.models import Channel, OutboxMessage
from orderdesk.notify.services import outbox_enqueue

from ..concurrency import run_in_processes

# These tests take `transactional_db` as an argument rather than the django_db marker, so
# the database is flushed while conftest's SQLite flush patch (for the append-only event
# triggers) is still in place.


def _enqueue() -> OutboxMessage:
    return outbox_enqueue(
        channel=Channel.EMAIL,
        to="ap@acme.example.com",
        subject="Invoice INV000042",
        body_text="Your invoice is attached.",
    )


def test_real_commit_sends_after_the_transaction_and_never_inside_it(
    transactional_db, immediate_tasks
):
    with transaction.atomic():
        _enqueue()
        assert mail.outbox == []  # nothing leaves before commit
    assert [m.subject for m in mail.outbox] == ["Invoice INV000042"]
    assert OutboxMessage.objects.get().status == "sent"


def test_real_rollback_sends_nothing(transactional_db, immediate_tasks):
    with pytest.raises(ValueError), transaction.atomic():
        _enqueue()
        raise ValueError("invoice did not reconcile")
    assert (OutboxMessage.objects.count(), mail.outbox) == (0, [])


def test_enqueue_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(RuntimeError, match="inside the business transaction"):
        _enqueue()
    assert OutboxMessage.objects.count() == 0


def deliver_once(message_id: int, mail_dir: str, start_at: float) -> str:
    """One worker running the delivery task for the message, mail written to `mail_dir`."""
    from django.conf import settings

    from orderdesk.notify.services import outbox_message_deliver

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = mail_dir
    time.sleep(max(0.0, start_at - time.time()))
    return outbox_message_deliver(message_id=message_id)


@pytest.mark.postgres
def test_8_workers_delivering_the_same_message_at_once_send_one_mail(
    transactional_db, settings, tmp_path: Path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with transaction.atomic():
        message = _enqueue()
    mail_dir = tmp_path / "mail"
    outcomes = run_in_processes(
        "tests.notify.test_outbox_commit:deliver_once",
        [(message.pk, str(mail_dir), time.time() + 10)] * 8,
    )
    assert sorted(outcomes) == ["sent"] + ["skipped"] * 7
    assert len(list(mail_dir.iterdir())) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 1)

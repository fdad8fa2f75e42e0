from __future__ import annotations

import pytest
from django.db import transaction

from orderdesk.core.errors import Forbidden
from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.notify.errors import NotifyStateError
from orderdesk.notify.models import Channel, OutboxMessage, OutboxStatus
from orderdesk.notify.services import outbox_enqueue, outbox_message_retry

pytestmark = pytest.mark.django_db


def _failed() -> OutboxMessage:
    with transaction.atomic():
        message = outbox_enqueue(
            channel=Channel.EMAIL, to="ap@acme.example.com", subject="s", body_text="b"
        )
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.FAILED, attempts=5)
    return OutboxMessage.objects.get(pk=message.pk)


def test_retry_gives_a_failed_message_fresh_attempts(make_user):
    message = _failed()
    again = outbox_message_retry(actor=make_user(Role.MANAGER), message=message, reason="fixed")
    assert (again.status, again.attempts) == ("pending", 0)
    event = Event.objects.get(action="notification.retried")
    assert (event.before, event.after, event.reason) == (
        {"status": "failed"},
        {"status": "pending"},
        "fixed",
    )


def test_only_a_failed_message_is_retried(make_user):
    message = _failed()
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.SENT)
    with pytest.raises(NotifyStateError) as exc:
        outbox_message_retry(actor=make_user(Role.MANAGER), message=message)
    assert exc.value.code == "not_failed"
    assert OutboxMessage.objects.get(pk=message.pk).status == "sent"


def test_an_order_clerk_may_not_retry(make_user):
    message = _failed()
    with pytest.raises(Forbidden):
        outbox_message_retry(actor=make_user(Role.ORDER_CLERK), message=message)
    assert OutboxMessage.objects.get(pk=message.pk).status == "failed"
    assert not Event.objects.filter(action="notification.retried").exists()

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from orderdesk.core.roles import Role
from orderdesk.notify.models import Channel, OutboxMessage, OutboxStatus
from orderdesk.notify.services import outbox_enqueue

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/outbox-messages"


def _messages() -> list[OutboxMessage]:
    with transaction.atomic():
        made = [
            outbox_enqueue(
                channel=Channel.EMAIL,
                to=f"ap{n}@acme.example.com",
                subject=f"Invoice INV00000{n}",
                body_text=f"Invoice {n} attached.",
                body_html=f"<p>Invoice {n}</p>",
            )
            for n in range(3)
        ]
    OutboxMessage.objects.filter(pk=made[0].pk).update(
        status=OutboxStatus.FAILED, last_error="SMTPServerDisconnected: closed", attempts=5
    )
    return made


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN, Role.BILLING])
def test_list_newest_first_with_status_filter(api_client, role, django_assert_max_num_queries):
    made = _messages()
    client = api_client(role)
    with django_assert_max_num_queries(4):
        body = client.get(URL).json()
    assert body["count"] == 3
    assert [m["id"] for m in body["items"]] == [m.pk for m in reversed(made)]
    assert "body_text" not in body["items"][0]
    failed = client.get(URL, {"status": "failed"}).json()
    assert [(m["id"], m["status"], m["attempts"], m["last_error"]) for m in failed["items"]] == [
        (made[0].pk, "failed", 5, "SMTPServerDisconnected: closed")
    ]


def test_read_one_shows_the_body(api_client):
    made = _messages()
    response = api_client(Role.BILLING).get(f"{URL}/{made[1].pk}")
    assert response.status_code == 200
    body = response.json()
    assert (body["subject"], body["body_text"], body["body_html"], body["attachments"]) == (
        "Invoice INV000001",
        "Invoice 1 attached.",
        "<p>Invoice 1</p>",
        [],
    )


def test_unknown_message_is_404(api_client):
    response = api_client(Role.MANAGER).get(f"{URL}/999")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize(
    "role",
    [Role.ORDER_CLERK, Role.DESK_COORDINATOR, Role.DISPATCHER, Role.TECHNICIAN, Role.PORTAL],
)
def test_other_roles_are_refused(api_client, role):
    made = _messages()
    client = api_client(role)
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}/{made[0].pk}").status_code == 403


def test_anonymous_is_401():
    assert Client().get(URL).status_code == 401


def test_bad_status_filter_is_422(api_client):
    response = api_client(Role.MANAGER).get(URL, {"status": "lost"})
    assert (response.status_code, response.json()["field"]) == (422, "status")


def test_admin_lists_messages_and_retries_a_failed_one(client, django_capture_on_commit_callbacks):
    made = _messages()
    admin = UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get("/admin/notify/outboxmessage/").status_code == 200
    assert client.get(f"/admin/notify/outboxmessage/{made[0].pk}/change/").status_code == 200
    with django_capture_on_commit_callbacks():
        response = client.post(
            "/admin/notify/outboxmessage/",
            {"action": "retry_failed", "_selected_action": [m.pk for m in made]},
        )
    assert response.status_code == 302
    again = OutboxMessage.objects.get(pk=made[0].pk)
    assert (again.status, again.attempts) == ("pending", 0)

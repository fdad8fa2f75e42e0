"""The intake queue API: list, read, original as an attachment, resolve, dismiss, retry;
EDI_OPERATE only; pinned query counts."""

from __future__ import annotations

import pytest

from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.edi.models import IntakeStatus

from .pages_world import held_order, intake_item, media  # noqa: F401
from .world import build_edi_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
API = "/api/v1/edi/intake-items"


def _post(client, url, body=None):  # type: ignore[no-untyped-def]
    return client.post(url, body or {}, content_type="application/json")


def test_list_waiting_by_default_all_on_request(clerk_api):
    waiting = intake_item(subject="PO 1")
    intake_item(subject="PO 2", status=IntakeStatus.DISMISSED)

    default = clerk_api.get(API).json()
    every = clerk_api.get(API, {"status": "all"}).json()

    assert [x["id"] for x in default["items"]] == [waiting.pk]
    assert default["items"][0]["reason"] == "no attachment OrderDesk reads (X12, CSV or XLSX)"
    assert every["count"] == 2


def test_read_and_original(clerk_api):
    item = intake_item(body=b"Subject: hi\r\n\r\nbody", filename="hi.eml")

    read = clerk_api.get(f"{API}/{item.pk}").json()
    original = clerk_api.get(f"{API}/{item.pk}/original")

    assert (read["subject"], read["filename"], read["status"]) == (
        item.subject,
        "hi.eml",
        "waiting",
    )
    assert original["Content-Disposition"] == 'attachment; filename="hi.eml"'
    assert original["Content-Type"] == "application/octet-stream"
    assert b"".join(original.streaming_content) == b"Subject: hi\r\n\r\nbody"


def test_resolve_with_orders(clerk_api):
    order = held_order(build_edi_world(), "PO-0099")
    item = intake_item()

    response = _post(
        clerk_api, f"{API}/{item.pk}/resolve", {"note": "entered", "orders": [order.number]}
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["orders"]) == ("done", [order.number])
    assert response.json()["resolved_by"] == clerk_api.user.username


def test_resolve_with_an_unknown_order_is_422_and_changes_nothing(clerk_api):
    item = intake_item()

    response = _post(clerk_api, f"{API}/{item.pk}/resolve", {"note": "x", "orders": ["SO-NO"]})

    assert (response.status_code, response.json()["field"]) == (422, "orders")
    item.refresh_from_db()
    assert item.status == IntakeStatus.WAITING


def test_dismiss_then_dismiss_again_is_409(clerk_api):
    item = intake_item()

    first = _post(clerk_api, f"{API}/{item.pk}/dismiss", {"note": "spam"})
    second = _post(clerk_api, f"{API}/{item.pk}/dismiss", {"note": "spam"})

    assert first.json()["status"] == "dismissed"
    assert (second.status_code, second.json()["code"]) == (409, "edi_intake_item_closed")
    assert Event.objects.filter(action="edi.intake_item.dismissed").count() == 1


def test_retry_keeps_an_unreadable_item_waiting(clerk_api):
    item = intake_item()

    response = _post(clerk_api, f"{API}/{item.pk}/retry")

    assert (response.status_code, response.json()["status"]) == (200, "waiting")


@pytest.mark.parametrize("role", [Role.PORTAL, Role.TECHNICIAN, Role.WAREHOUSE, Role.BILLING])
def test_intake_needs_edi_operate(api_client, role):
    item = intake_item()
    client = api_client(role)

    answers = [
        client.get(API),
        client.get(f"{API}/{item.pk}"),
        client.get(f"{API}/{item.pk}/original"),
        _post(client, f"{API}/{item.pk}/dismiss", {"note": "mine"}),
    ]

    assert [r.status_code for r in answers] == [403] * 4
    item.refresh_from_db()
    assert item.status == IntakeStatus.WAITING


def test_list_query_count_is_fixed(clerk_api, django_assert_max_num_queries):
    clerk_api.get(API)
    for _ in range(30):
        intake_item()

    with django_assert_max_num_queries(4):
        body = clerk_api.get(API, {"limit": 100}).json()

    assert body["count"] == 30

"""The intake queue pages: items waiting for a clerk, the item with its original as a
download (only for users who work the queue), resolve / dismiss / retry through the intake
services; access by role; query counts."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.utils import timezone

from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.edi.models import IntakeStatus

from ..factories import UserFactory
from .pages_world import browser, held_order, intake_item, media  # noqa: F401
from .world import build_edi_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def clerk():  # type: ignore[no-untyped-def]
    return browser(UserFactory(role=Role.ORDER_CLERK, first_name="Ida", last_name="Moss"))


def _text(fragment: str) -> str:
    inline = re.sub(r"</?(?:span|mark|a|strong|code|em)\b[^>]*>", "", fragment)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline)).strip())


def test_queue_lists_waiting_items_oldest_first_with_sender_and_reason():
    now = timezone.now()
    new = intake_item(subject="Order for next week", received_at=now)
    old = intake_item(
        subject="PO 77 attached", sender="jo@shop.example", received_at=now - dt.timedelta(days=1)
    )
    intake_item(subject="Done one", status=IntakeStatus.DONE)

    response = clerk().get("/edi/intake/")
    text = _text(response.content.decode())

    assert [x.pk for x in response.context["page"]] == [old.pk, new.pk]
    assert "jo@shop.example PO 77 attached" in text
    assert "No attachment OrderDesk reads (X12, CSV or XLSX)" in text
    assert "Done one" not in text
    assert response.context["status_tabs"][0] == ("waiting", "Waiting", 2)


def test_other_tabs_and_search():
    intake_item(subject="Order for next week")
    intake_item(subject="Done one", status=IntakeStatus.DONE)
    client = clerk()

    done = client.get("/edi/intake/?status=done")
    found = client.get("/edi/intake/?status=all&q=next week")

    assert [x.subject for x in done.context["page"]] == ["Done one"]
    assert [x.subject for x in found.context["page"]] == ["Order for next week"]


def test_item_page_shows_why_it_waits_and_offers_the_original():
    item = intake_item(
        subject="PO 12",
        errors=[
            {
                "part": 1,
                "attachment": "po12.csv",
                "code": "sku_unknown",
                "row": 3,
                "column": "sku",
                "message": "there is no item ZX-9",
                "fix": "use one of our SKUs",
            }
        ],
    )

    html = clerk().get(f"/edi/intake/{item.pk}/").content.decode()
    text = _text(html)

    assert "PO 12 Waiting for a clerk" in text
    assert "po12.csv row 3, sku: There is no item ZX-9 — use one of our SKUs" in text
    assert f'href="/edi/intake/{item.pk}/original/"' in html
    for action in ("resolve", "dismiss", "retry"):
        assert f'action="/edi/intake/{item.pk}/{action}/"' in html


def test_original_is_served_as_an_attachment_never_inline():
    item = intake_item(body=b"<html><script>alert(1)</script></html>", filename="po 1.eml")

    response = clerk().get(f"/edi/intake/{item.pk}/original/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="po_1.eml"'
    assert response["Content-Type"] == "message/rfc822"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"<html><script>alert(1)</script></html>"


@pytest.mark.parametrize(
    "role", [Role.PORTAL, Role.TECHNICIAN, Role.WAREHOUSE, Role.BILLING, Role.DISPATCHER]
)
def test_original_and_queue_refused_without_edi_operate(make_user, role):
    item = intake_item()
    client = browser(make_user(role))

    assert client.get(f"/edi/intake/{item.pk}/original/").status_code == 403
    assert client.get("/edi/intake/").status_code == 403
    assert client.post(f"/edi/intake/{item.pk}/dismiss/", {"note": "spam"}).status_code == 403
    item.refresh_from_db()
    assert item.status == IntakeStatus.WAITING


def test_resolve_with_the_order_numbers_closes_the_item():
    edi = build_edi_world()
    order = held_order(edi, "PO-0077")
    item = intake_item()

    response = clerk().post(
        f"/edi/intake/{item.pk}/resolve/",
        {"note": "entered from the PDF", "orders": f" {order.number}, "},
        follow=True,
    )

    item.refresh_from_db()
    assert (item.status, item.orders, item.resolved_by.first_name) == (
        "done",
        [order.number],
        "Ida",
    )
    assert f"Taken in as {order.number}." in _text(response.content.decode())
    assert Event.objects.filter(action="edi.intake_item.resolved").count() == 1


def test_resolve_with_an_unknown_order_number_is_refused_with_what_was_typed():
    item = intake_item()

    response = clerk().post(
        f"/edi/intake/{item.pk}/resolve/", {"note": "entered", "orders": "SO-NOPE"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "No sales order SO-NOPE" in _text(html)
    assert 'value="SO-NOPE"' in html and 'value="entered"' in html
    item.refresh_from_db()
    assert item.status == IntakeStatus.WAITING


def test_dismiss_needs_a_note():
    item = intake_item()
    client = clerk()

    refused = client.post(f"/edi/intake/{item.pk}/dismiss/", {"note": ""})
    item.refresh_from_db()
    assert (refused.status_code, item.status) == (200, IntakeStatus.WAITING)
    assert "Type a note" in _text(refused.content.decode())

    done = client.post(f"/edi/intake/{item.pk}/dismiss/", {"note": "newsletter"})
    item.refresh_from_db()
    assert (done["Location"], item.status, item.note) == ("/edi/intake/", "dismissed", "newsletter")


def test_second_clerk_acting_on_a_closed_item_is_told_so():
    item = intake_item()
    clerk().post(f"/edi/intake/{item.pk}/dismiss/", {"note": "spam"})

    response = clerk().post(f"/edi/intake/{item.pk}/dismiss/", {"note": "spam too"})

    assert "is dismissed already" in _text(response.content.decode())
    assert Event.objects.filter(action="edi.intake_item.dismissed").count() == 1


def test_retry_of_an_unreadable_email_keeps_it_waiting_and_says_why():
    item = intake_item()

    response = clerk().post(f"/edi/intake/{item.pk}/retry/", follow=True)

    item.refresh_from_db()
    assert item.status == IntakeStatus.WAITING
    assert "Still not readable on its own" in _text(response.content.decode())
    assert Event.objects.filter(action="edi.intake_item.retried").count() == 1


def test_intake_tab_counts_waiting_items():
    intake_item()
    intake_item()

    html = clerk().get("/edi/").content.decode()

    assert 'Intake queue <span class="count">2</span>' in html


def test_queue_query_count_does_not_grow_with_items(django_assert_max_num_queries):
    client = clerk()
    client.get("/edi/intake/")
    for _ in range(30):
        intake_item()

    with django_assert_max_num_queries(7):
        response = client.get("/edi/intake/")

    assert len(response.context["page"]) == 25

"""The EDI monitor page: rows read business identity first, who acts, status, the order and
its holds; filters; interchanges with their raw files; access by role; query counts."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from orderdesk.core.roles import Role
from orderdesk.edi.models import EdiDocument

from ..factories import UserFactory
from .pages_world import Monitor, browser, build_monitor, media  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def mon(tmp_path) -> Monitor:
    return build_monitor(tmp_path)


def clerk() -> Client:
    return browser(UserFactory(role=Role.ORDER_CLERK))


def _row(html: str, reference: str) -> str:
    """The table row whose link names `reference`."""
    for row in re.findall(r"<tr[^>]*>.*?</tr>", html, flags=re.S):
        if reference in row:
            return row
    raise AssertionError(f"no row for {reference}")


def _text(fragment: str) -> str:
    """What a reader sees: inline tags vanish, block tags separate words."""
    inline = re.sub(r"</?(?:span|mark|a|strong|code|em)\b[^>]*>", "", fragment)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline)).strip())


def test_monitor_lists_documents_newest_first_with_business_identity_first(mon):
    response = clerk().get("/edi/")

    assert response.status_code == 200
    rows = [r.doc.pk for r in response.context["rows"]]
    assert rows == list(
        EdiDocument.objects.order_by("-created_at", "-id").values_list("pk", flat=True)
    )
    row = _text(_row(response.content.decode(), "PO-4471"))
    assert row.startswith("Acme Retail Purchase order 850 Inbound PO PO-4471 2026-11-20 Partner")
    assert "Rejected: the partner must resend" in row
    assert "PO1-03 'EACH' is not a unit code; did you mean EA?" in row


def test_price_hold_of_the_order_an_850_made_is_on_the_monitor(mon):
    html = clerk().get("/edi/").content.decode()

    row = _text(_row(html, "PO-4470"))
    assert f"{mon.order.number} On hold Price hold" in row
    assert f'href="/orders/{mon.order.pk}/"' in _row(html, "PO-4470")


def test_outbound_document_past_its_997_time_is_flagged_overdue(mon):
    html = clerk().get("/edi/").content.decode()

    assert "997 overdue" in _text(_row(html, "PO-4400"))
    assert "997 overdue" not in _text(_row(html, "PO-4471"))
    assert 'class="row--overdue-997"' in _row(html, "PO-4400")


def test_cards_count_what_waits_for_us_for_the_partner_and_late_997s(mon):
    response = clerk().get("/edi/")

    assert response.context["counts"] == {"us": 1, "partner": 2, "overdue": 1, "intake": 0}


@pytest.mark.parametrize(
    ("query", "references"),
    [
        ("action_by=us", ["PO-4472"]),
        ("action_by=partner", ["PO-4400", "PO-4471"]),
        ("overdue=1", ["PO-4400"]),
        ("direction=out&set=855", ["PO-4400"]),
        ("set=850&status=processed", ["PO-4470"]),
        ("q=po-4471", ["PO-4471"]),
        ("q=0007", ["PO-4471"]),
    ],
)
def test_filters(mon, query, references):
    response = clerk().get(f"/edi/?{query}")

    assert sorted(r.doc.reference for r in response.context["rows"]) == references


def test_partner_filter_and_garbage_filters_are_ignored_not_errors(mon):
    other = clerk().get(f"/edi/?partner={mon.edi.partner.pk + 1}")
    garbage = clerk().get("/edi/?partner=x&direction=sideways&status=nope&set=ab&action_by=me")

    assert other.context["rows"] == []
    assert (garbage.status_code, len(garbage.context["rows"])) == (200, 5)


def test_htmx_filter_answers_the_table_only(mon):
    response = clerk().get("/edi/?action_by=us", HTTP_HX_REQUEST="true")
    html = response.content.decode()

    assert response.status_code == 200
    assert "<h1>" not in html
    assert "PO-4472" in html and "PO-4471" not in html
    assert 'aria-live="polite" hx-swap-oob="true">' in html  # the live result count
    cards = html[html.index('id="edi-cards"') :]
    assert 'hx-swap-oob="true"' in cards[:80]
    assert 'href="?action_by=us" aria-current="page"' in cards
    assert "HX-Request" in response["Vary"]


def test_interchanges_with_status_ta1_and_raw_download(mon):
    mon.interchange.ta1_code = "025"
    mon.interchange.save()
    client = clerk()

    listed = client.get("/edi/interchanges/?direction=in").content.decode()
    raw = client.get(f"/edi/interchanges/{mon.interchange.pk}/raw/")

    assert "000000101" in listed and "025" in listed
    assert "000000001" not in listed  # the outbound reply is filtered out
    assert raw.status_code == 200
    assert raw["Content-Disposition"] == 'attachment; filename="in-000000101.x12"'
    assert b"".join(raw.streaming_content).endswith(b"SE*9*0007~\n")


def test_interchange_without_a_kept_file_is_404(mon):
    out = mon.overdue.interchange

    assert clerk().get(f"/edi/interchanges/{out.pk}/raw/").status_code == 404


@pytest.mark.parametrize(
    "url", ["/edi/", "/edi/interchanges/", "/edi/documents/{doc}/", "/edi/documents/{doc}/raw/"]
)
@pytest.mark.parametrize(
    "role", [Role.PORTAL, Role.TECHNICIAN, Role.WAREHOUSE, Role.BILLING, Role.SERVICE_CLERK]
)
def test_roles_without_edi_operate_get_403(mon, make_user, url, role):
    user = make_user(role)

    response = browser(user).get(url.format(doc=mon.failed.pk))

    assert response.status_code == 403


def test_anonymous_is_sent_to_log_in(mon):
    response = Client().get("/edi/")

    assert (response.status_code, response["Location"]) == (302, "/login/?next=/edi/")


@pytest.mark.parametrize("role", [Role.ORDER_CLERK, Role.DESK_COORDINATOR, Role.MANAGER])
def test_edi_operators_open_the_monitor(mon, make_user, role):
    assert browser(make_user(role)).get("/edi/").status_code == 200


def test_monitor_query_count_does_not_grow_with_rows(mon, django_assert_max_num_queries):
    client = clerk()
    client.get("/edi/")  # session and user warmed up
    for n in range(30):
        EdiDocument.objects.create(
            direction="in",
            partner=mon.edi.partner,
            interchange=mon.interchange,
            set_id="850",
            reference=f"PO-X{n}",
            status="processed",
            sales_order=mon.order,
        )

    with django_assert_max_num_queries(10):
        response = client.get("/edi/")

    assert len(response.context["rows"]) == 25


def test_empty_monitor_says_how_documents_arrive(db):
    html = clerk().get("/edi/").content.decode()

    assert "No EDI document received or sent yet" in html

"""The document page: business identity, who must act, the failing levels in words with
the bad element marked, the raw set, the reply, the history, the actions; and the pure
explanation of error entries it is built on."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.test import Client

from orderdesk.core.audit import event_record
from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.edi import explain
from orderdesk.edi.models import DocumentStatus

from ..factories import UserFactory
from .pages_world import FAILED_ERRORS, Monitor, browser, build_monitor, media  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def mon(tmp_path) -> Monitor:
    return build_monitor(tmp_path)


def clerk() -> Client:
    return browser(UserFactory(role=Role.ORDER_CLERK))


def _text(fragment: str) -> str:
    """What a reader sees: inline tags vanish, block tags separate words."""
    inline = re.sub(r"</?(?:span|mark|a|strong|code|em)\b[^>]*>", "", fragment)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline)).strip())


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_business_identity_then_who_acts_then_the_failing_levels(mon):
    html = clerk().get(f"/edi/documents/{mon.failed.pk}/").content.decode()
    text = _text(html)

    assert "Purchase order 850 PO-4471 Rejected: the partner must resend" in text
    assert "From Acme Retail" in text and "PO PO-4471 · dated 2026-11-20" in text
    identity, who, wrong = (
        text.index("From Acme Retail"),
        text.index("Who must act: The partner"),
        text.index("What is wrong"),
    )
    assert identity < who < wrong
    errors = _text(_section(html, "h-errors"))
    assert errors.index("Transaction set (ST/SE) AK502 5: One or more segments in error") < (
        errors.index("Segment PO1 at position 7 in loop PO1 AK304 8")
    )
    assert (
        "Element PO1-03 of segment PO1 at position 7 in loop PO1 AK403 7: Invalid code value"
        in errors
    )
    assert "PO1-03 'EACH' is not a unit code; did you mean EA?" in errors
    assert "Field: PO1-03 Unit or Basis for Measurement Code · value “EACH”" in errors


def test_the_bad_element_is_marked_in_the_raw_segment_and_in_the_set(mon):
    html = clerk().get(f"/edi/documents/{mon.failed.pk}/").content.decode()

    marked = '<mark title="the element in error">EACH</mark>'
    assert f"PO1*3*10*{marked}*9.5**BP*X1" in _section(html, "h-errors")
    raw = _section(html, "h-raw")
    assert f'<li class="bad"><span>7</span><span>PO1*3*10*{marked}*9.5**BP*X1</span></li>' in raw
    assert "<li><span>1</span><span>ST*850*0007</span></li>" in raw
    assert raw.count("<li") == 9


def test_raw_text_is_escaped_not_rendered(mon):
    mon.failed.raw = "ST*850*0007~\nN1*ST*<script>alert(1)</script>~\nSE*3*0007~\n"
    mon.failed.errors = [{**FAILED_ERRORS[0], "segment_position": 2, "segment_id": "N1",
                          "element": 2, "raw": "N1*ST*<script>alert(1)</script>"}]  # fmt: skip
    mon.failed.save()

    html = clerk().get(f"/edi/documents/{mon.failed.pk}/").content.decode()

    assert "<script>alert(1)" not in html
    assert (
        'N1*ST*<mark title="the element in error">&lt;script&gt;alert(1)&lt;/script&gt;</mark>'
        in html
    )


def test_links_the_order_it_made_with_its_price_hold(mon):
    html = clerk().get(f"/edi/documents/{mon.held.pk}/").content.decode()

    facts = _text(_section(html, "h-who"))
    assert f"Order {mon.order.number} On hold Price hold" in facts
    assert f'href="/orders/{mon.order.pk}/"' in html
    assert "Who must act: Nobody" in facts
    assert 'id="h-actions"' not in html  # processed: nothing to put right


def test_shows_the_997_we_replied_with(mon):
    html = clerk().get(f"/edi/documents/{mon.failed.pk}/").content.decode()

    reply = _section(html, "h-reply")
    assert "997 in interchange 000000001" in _text(reply)
    assert "AK4*3**7*EACH~" in reply
    assert f'href="/edi/interchanges/{mon.reply.pk}/raw/"' in reply


def test_business_error_says_we_fix_it_and_offers_retry_and_reprocess(mon):
    html = clerk().get(f"/edi/documents/{mon.unknown_item.pk}/").content.decode()
    text = _text(html)

    assert "Who must act: Us" in text
    assert "Segment PO1 at position 5 in loop PO1 code edi_item_unknown We fix" in text
    assert (
        "buyer part BP-99 is not cross-referenced for Acme Retail; add BP-99 to the partner's "
        "item cross-references, then retry" in text
    )
    assert f'action="/edi/documents/{mon.unknown_item.pk}/retry/"' in html
    assert f'action="/edi/documents/{mon.unknown_item.pk}/reprocess/"' in html
    assert f'action="/edi/documents/{mon.unknown_item.pk}/resolve/"' in html
    textarea = re.search(r'<textarea id="raw-edit"[^>]*>(.*?)</textarea>', html, re.S)
    assert textarea is not None and unescape(textarea.group(1)) == mon.unknown_item.raw


def test_overdue_outbound_document_says_so_and_offers_resend_not_reprocess(mon):
    html = clerk().get(f"/edi/documents/{mon.overdue.pk}/").content.decode()
    text = _text(html)

    assert "Purchase order acknowledgement 855 PO-4400 Sent: waiting for 997 997 overdue" in text
    assert "To Acme Retail" in text
    assert "The 997 for this document was due" in text
    assert 'action="/edi/documents/' + str(mon.overdue.pk) + '/retry/"' in html
    assert "/reprocess/" not in html


def test_history_lists_the_document_events(mon, make_user):
    user = make_user(Role.ORDER_CLERK, first_name="Olga", last_name="Berg")
    event_record(actor=user, obj=mon.failed, action="edi.document.resolved", reason="phoned")

    html = browser(user).get(f"/edi/documents/{mon.failed.pk}/").content.decode()

    assert "Olga Berg edi.document.resolved “phoned”" in _text(_section(html, "h-history"))


def test_raw_download_is_an_attachment(mon):
    response = clerk().get(f"/edi/documents/{mon.failed.pk}/raw/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="850-PO-4471.x12"'
    assert response.content.decode() == mon.failed.raw


def test_unknown_document_is_404(mon):
    assert clerk().get("/edi/documents/999999/").status_code == 404


def test_document_page_query_count_is_fixed(mon, django_assert_max_num_queries):
    client = clerk()
    client.get(f"/edi/documents/{mon.failed.pk}/")
    for n in range(20):
        event_record(actor=None, obj=mon.failed, action=f"edi.test.{n}")

    with django_assert_max_num_queries(9):
        client.get(f"/edi/documents/{mon.failed.pk}/")


# -- actions (the services' answers are faked only where the state makes them refuse) ----------


def test_resolve_without_reason_is_refused_with_nothing_changed(mon):
    before = Event.objects.count()

    response = clerk().post(f"/edi/documents/{mon.unknown_item.pk}/resolve/", {"reason": ""})

    assert response.status_code == 200
    assert "Type the reason" in _text(_section(response.content.decode(), "h-actions"))
    mon.unknown_item.refresh_from_db()
    assert (mon.unknown_item.status, Event.objects.count()) == (DocumentStatus.FAILED, before)


def test_resolve_with_reason_takes_the_document_off_the_queue(mon):
    client = clerk()

    response = client.post(
        f"/edi/documents/{mon.unknown_item.pk}/resolve/",
        {"reason": "entered by hand, partner told"},
        follow=True,
    )

    mon.unknown_item.refresh_from_db()
    assert mon.unknown_item.status == DocumentStatus.RESOLVED
    assert "850 PO-4472 is marked resolved and off the queue." in _text(response.content.decode())
    event = Event.objects.get(action="edi.document.resolved")
    assert (event.object_id, event.reason) == (
        str(mon.unknown_item.pk),
        "entered by hand, partner told",
    )
    assert client.get("/edi/?action_by=us").context["rows"] == []


def test_refused_resolve_keeps_what_was_typed_at_its_form(mon):
    response = clerk().post(f"/edi/documents/{mon.unknown_item.pk}/resolve/", {"reason": "ok"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="resolve-error" role="alert">Say why' in html
    assert 'id="reason-resolve" name="reason" maxlength="500"' in html
    assert 'value="ok" aria-invalid="true"' in html
    mon.unknown_item.refresh_from_db()
    assert mon.unknown_item.status == DocumentStatus.FAILED


def test_envelope_errors_and_ta1_code_of_the_interchange_come_first(mon):
    mon.interchange.ta1_code = "027"
    mon.interchange.errors = [
        {
            "level": "interchange",
            "code": "027",
            "message": "ISA16 '*' is also the element separator",
            "fix": "the partner must use another component separator",
            "severity": "error",
            "action_by": "partner",
        }
    ]
    mon.interchange.save()

    errors = _text(
        _section(clerk().get(f"/edi/documents/{mon.failed.pk}/").content.decode(), "h-errors")
    )

    assert errors.removeprefix('id="h-errors">').startswith(
        "What is wrong 4 Interchange ISA 000000101 TA1 code 027: Invalid component element "
        "separator Interchange (ISA/IEA envelope) TA105 027: Invalid component element separator"
    )
    assert errors.index("ISA16") < errors.index("Transaction set (ST/SE)")


def test_retry_of_a_rejected_document_is_not_offered_and_refused_if_posted(mon):
    response = clerk().post(
        f"/edi/documents/{mon.failed.pk}/retry/", {"reason": "try again please"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "breaks the X12 grammar" in _text(html.split('id="h-who"')[0])
    assert f'action="/edi/documents/{mon.failed.pk}/retry/"' not in html
    mon.failed.refresh_from_db()
    assert mon.failed.status == DocumentStatus.REJECTED


def test_actions_need_edi_operate(mon, make_user):
    response = browser(make_user(Role.WAREHOUSE)).post(
        f"/edi/documents/{mon.unknown_item.pk}/resolve/", {"reason": "not mine to do"}
    )

    assert response.status_code == 403
    mon.unknown_item.refresh_from_db()
    assert mon.unknown_item.status == DocumentStatus.FAILED


# -- the explanation ------------------------------------------------------------------------


def test_code_texts_of_every_level():
    assert explain.code_text("interchange", "025") == "Duplicate interchange control number"
    assert explain.code_text("group", "5") == (
        "Number of included transaction sets does not match actual count"
    )
    assert explain.code_text("set", "05") == "One or more segments in error"
    assert explain.code_text("segment", "3") == "Mandatory segment missing"
    assert explain.code_text("element", "7") == "Invalid code value"
    assert explain.code_text("business", "edi_item_unknown") == ""


@pytest.mark.parametrize(
    ("entry", "where"),
    [
        ({"level": "interchange", "code": "025"}, "Interchange (ISA/IEA envelope)"),
        ({"level": "group", "code": "5"}, "Functional group (GS/GE)"),
        (
            {"level": "element", "segment_id": "N1", "segment_position": 4, "element": 4},
            "Element N1-04 of segment N1 at position 4",
        ),
        (
            {"level": "element", "segment_id": "SLN", "segment_position": 9, "loop": "PO1/SLN",
             "element": 5, "component": 2},
            "Element SLN-05-2 of segment SLN at position 9 in loop PO1/SLN",
        ),
        ({"level": "segment", "segment_id": "CTT", "segment_position": 12},
         "Segment CTT at position 12"),
    ],
)  # fmt: skip
def test_where_in_words(entry: dict[str, Any], where: str):
    assert explain.where_text(entry) == where


@pytest.mark.parametrize(
    ("raw", "element", "component", "marked"),
    [
        ("PO1*1*10*EACH*9.5", 3, None, "PO1*1*10*<mark>EACH</mark>*9.5"),
        ("REF|DP|<b>", 2, None, "REF|DP|<mark>&lt;b&gt;</mark>"),
        ("PO1*1", 4, None, "PO1*1***<mark></mark>"),
        ("SLN*1**I*3*EA>X", 5, 2, "SLN*1**I*3*EA&gt;<mark>X</mark>"),
        ("BEG*00", None, None, "BEG*00"),
    ],
)
def test_mark_element(raw, element, component, marked):
    out = explain.mark_element(raw, raw[:3].rstrip("*|"), element, component, ">")

    assert re.sub(r' title="[^"]*"', "", str(out)) == marked


def test_errors_first_outermost_level_first():
    entries = [
        {"level": "element", "segment_position": 7, "severity": "error"},
        {"level": "segment", "segment_position": 3, "severity": "warning"},
        {"level": "set", "severity": "error"},
        "not an entry",
    ]

    assert [e.level for e in explain.explain_all(entries)] == ["set", "element", "segment"]


@pytest.mark.parametrize(
    "raw",
    [
        "ST*850*0001~BEG*00~SE*3*0001~",
        "ST*850*0001~\r\nBEG*00~\r\nSE*3*0001~\r\n",
        "ST*850*0001\nBEG*00\nSE*3*0001\n",
        "\ufeffST|850|0001^BEG|00^SE|3|0001^",
    ],
)
def test_split_segments_finds_the_terminator(raw):
    segments = explain.split_segments(raw)

    assert [s[:2] for s in segments] == ["ST", "BE", "SE"]


def test_split_segments_never_fails_on_garbage():
    assert explain.split_segments("") == []
    assert explain.split_segments("not x12 at all") == ["not x12 at all"]

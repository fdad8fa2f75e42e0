"""The EDI documents and interchanges API: filters, the error list in words, raw downloads,
the clerk's actions, roles, pinned query counts."""

from __future__ import annotations

import pytest

from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.edi.models import DocumentStatus, EdiDocument

from .pages_world import Monitor, build_monitor, media  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
API = "/api/v1/edi"


@pytest.fixture
def mon(tmp_path) -> Monitor:
    return build_monitor(tmp_path)


def test_list_newest_first_with_identity_who_acts_and_order_holds(mon, clerk_api):
    body = clerk_api.get(f"{API}/documents").json()

    assert body["count"] == 5
    refs = [d["reference"] for d in body["items"]]
    assert refs == list(
        EdiDocument.objects.order_by("-created_at", "-id").values_list("reference", flat=True)
    )
    held = next(d for d in body["items"] if d["reference"] == "PO-4470")
    assert {k: held[k] for k in ("document", "partner", "order_number", "order_status")} == {
        "document": "Purchase order 850",
        "partner": "acme",
        "order_number": mon.order.number,
        "order_status": "held",
    }
    assert held["order_holds"] == ["price"]
    late = next(d for d in body["items"] if d["reference"] == "PO-4400")
    assert (late["overdue"], late["action_by"], late["direction"]) == (True, "partner", "out")


@pytest.mark.parametrize(
    ("query", "refs"),
    [
        ({"action_by": "us"}, ["PO-4472"]),
        ({"overdue": "true"}, ["PO-4400"]),
        ({"direction": "in", "status": "rejected"}, ["PO-4471"]),
        ({"set_id": "997"}, [""]),
        ({"q": "PO-4470"}, ["PO-4470"]),
    ],
)
def test_list_filters(mon, clerk_api, query, refs):
    body = clerk_api.get(f"{API}/documents", query).json()

    assert sorted(d["reference"] for d in body["items"]) == refs


def test_read_gives_the_errors_with_the_failing_level_in_words(mon, clerk_api):
    body = clerk_api.get(f"{API}/documents/{mon.failed.pk}").json()

    element = next(e for e in body["errors"] if e["level"] == "element")
    assert element == {
        "level": "element",
        "code": "7",
        "code_element": "AK403",
        "code_text": "Invalid code value",
        "where": "Element PO1-03 of segment PO1 at position 7 in loop PO1",
        "segment_id": "PO1",
        "segment_position": 7,
        "loop": "PO1",
        "element": 3,
        "component": None,
        "value": "EACH",
        "field": "PO1-03 Unit or Basis for Measurement Code",
        "message": "PO1-03 'EACH' is not a unit code",
        "fix": "did you mean EA?",
        "raw": "PO1*3*10*EACH*9.5**BP*X1",
        "severity": "error",
        "action_by": "partner",
    }
    assert body["raw"] == mon.failed.raw
    assert body["reply_interchange_id"] == mon.reply.pk


def test_raw_download(mon, clerk_api):
    response = clerk_api.get(f"{API}/documents/{mon.failed.pk}/raw")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="850-PO-4471.x12"'
    assert response.content.decode() == mon.failed.raw


def test_interchanges_list_and_raw(mon, clerk_api):
    listed = clerk_api.get(f"{API}/interchanges", {"direction": "in"}).json()
    raw = clerk_api.get(f"{API}/interchanges/{mon.interchange.pk}/raw")
    missing = clerk_api.get(f"{API}/interchanges/{mon.overdue.interchange_id}/raw")

    assert [x["control_number"] for x in listed["items"]] == ["000000101"]
    assert raw.status_code == 200 and b"".join(raw.streaming_content).startswith(b"ISA*")
    assert missing.status_code == 404


def test_resolve_with_reason(mon, clerk_api):
    response = clerk_api.post(
        f"{API}/documents/{mon.unknown_item.pk}/resolve",
        {"reason": "entered by hand as SO-1"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["action_by"]) == ("resolved", "")
    assert Event.objects.get(action="edi.document.resolved").reason == "entered by hand as SO-1"


def test_resolve_without_reason_is_422_and_changes_nothing(mon, clerk_api):
    response = clerk_api.post(
        f"{API}/documents/{mon.unknown_item.pk}/resolve",
        {"reason": ""},
        content_type="application/json",
    )

    assert (response.status_code, response.json()["field"]) == (422, "reason")
    mon.unknown_item.refresh_from_db()
    assert mon.unknown_item.status == DocumentStatus.FAILED


def test_retry_of_a_rejected_document_is_409(mon, clerk_api):
    response = clerk_api.post(
        f"{API}/documents/{mon.failed.pk}/retry",
        {"reason": "try again"},
        content_type="application/json",
    )

    assert (response.status_code, response.json()["code"]) == (409, "edi_document_not_retryable")
    assert Event.objects.filter(object_type="edi.edidocument").count() == 0


def test_reprocess_of_a_processed_document_is_409(mon, clerk_api):
    response = clerk_api.post(
        f"{API}/documents/{mon.held.pk}/reprocess",
        {"reason": "again"},
        content_type="application/json",
    )

    assert response.status_code == 409
    mon.held.refresh_from_db()
    assert mon.held.status == DocumentStatus.PROCESSED


def test_unknown_document_is_404(mon, clerk_api):
    assert clerk_api.get(f"{API}/documents/999999").status_code == 404


@pytest.mark.parametrize(
    "role", [Role.PORTAL, Role.TECHNICIAN, Role.WAREHOUSE, Role.BILLING, Role.DISPATCHER]
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/documents"),
        ("get", "/documents/{doc}"),
        ("get", "/documents/{doc}/raw"),
        ("post", "/documents/{doc}/resolve"),
        ("get", "/interchanges"),
    ],
)
def test_roles_without_edi_operate_get_403(mon, api_client, role, method, path):
    client = api_client(role)
    url = f"{API}{path.format(doc=mon.unknown_item.pk)}"

    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, {"reason": "mine now"}, content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    mon.unknown_item.refresh_from_db()
    assert mon.unknown_item.status == DocumentStatus.FAILED


def test_list_query_count_does_not_grow_with_rows(mon, clerk_api, django_assert_max_num_queries):
    clerk_api.get(f"{API}/documents")
    for n in range(40):
        EdiDocument.objects.create(
            direction="in",
            partner=mon.edi.partner,
            interchange=mon.interchange,
            set_id="850",
            reference=f"PO-Y{n}",
            status="processed",
            sales_order=mon.order,
        )

    with django_assert_max_num_queries(5):
        body = clerk_api.get(f"{API}/documents", {"limit": 100}).json()

    assert body["count"] == 45


def test_read_query_count_is_fixed(mon, clerk_api, django_assert_max_num_queries):
    clerk_api.get(f"{API}/documents/{mon.held.pk}")

    with django_assert_max_num_queries(4):
        clerk_api.get(f"{API}/documents/{mon.held.pk}")

"""The returns and recall API: the whole walk, refusals as 4xx with the fix, portal scoping,
staff-only recall look-ups and the quality hold."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from orderdesk.billing.models import CreditMemo
from orderdesk.core.models import ApiToken
from orderdesk.inventory.models import Lot
from orderdesk.returns.models import ReturnAuthorization

from ..factories import CustomerFactory, UserFactory
from .world import Desk, build_desk, days_ago, invoice_of, place, ship

pytestmark = pytest.mark.django_db
D = Decimal
API = "/api/v1"


def client_for(user: Any) -> Client:
    _, raw = ApiToken.issue(user, "test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client: Client, path: str, body: dict | None = None) -> tuple[int, dict]:
    r = client.post(f"{API}{path}", json.dumps(body or {}), content_type="application/json")
    return r.status_code, r.json()


@pytest.fixture
def desk() -> Desk:
    desk = build_desk()
    order = place(desk, (desk.plain, 10), (desk.lotted, 4))
    desk.extra["order"] = order
    desk.extra["shipment"] = ship(desk, order, on=days_ago(5))
    return desk


def request_body(desk: Desk, **kw: Any) -> dict:
    body = {
        "order_id": desk.extra["order"].pk,
        "reason": "two crushed in transit",
        "lines": [{"line_no": 1, "quantity": "2", "reason_code": "DAMAGED"}],
    }
    body.update(kw)
    return body


def test_the_whole_walk_through_the_api(desk: Desk) -> None:
    clerk, boss = client_for(desk.clerk), client_for(desk.coordinator)
    dock = client_for(desk.warehouse_user)

    status, rma = post(clerk, "/rmas", request_body(desk))
    assert status == 201, rma
    assert (rma["status"], rma["channel"], rma["customer_id"]) == (
        "requested",
        "api",
        desk.customer.pk,
    )
    assert rma["lines"][0] | {"id": 0} == {
        "id": 0,
        "line_no": 1,
        "order_line_no": 1,
        "sku": desk.plain.sku,
        "lot": "",
        "quantity": "2.0000",
        "reason_code": "DAMAGED",
        "qty_received": "0.0000",
        "qty_credited": "0.0000",
        "invoice_line_id": invoice_of(desk.extra["shipment"]).lines.get(item=desk.plain).pk,
    }
    rid = rma["id"]

    status, body = post(boss, f"/rmas/{rid}/approve", {"reason": ""})
    assert (status, body["status"]) == (200, "approved")
    status, receipt = post(
        dock,
        f"/rmas/{rid}/receipts",
        {
            "warehouse_id": desk.warehouse.pk,
            "lines": [
                {"line_no": 1, "quantity": "1", "condition": "new", "disposition": "restock"},
                {"line_no": 1, "quantity": "1", "condition": "damaged", "disposition": "scrap"},
            ],
        },
    )
    assert status == 201, receipt
    assert [(x["disposition"], x["quantity"]) for x in receipt["lines"]] == [
        ("restock", "1.0000"),
        ("scrap", "1.0000"),
    ]
    status, memo = post(boss, f"/rmas/{rid}/credit")
    assert status == 201, memo
    assert (memo["invoice_number"], memo["reference"], memo["merchandise"]) == (
        invoice_of(desk.extra["shipment"]).number,
        rma["number"],
        "20.0000",
    )
    status, again = post(boss, f"/rmas/{rid}/credit")
    assert (status, again["code"]) == (409, "nothing_to_credit")
    assert CreditMemo.objects.count() == 1
    read = boss.get(f"{API}/rmas/{rid}").json()
    assert (read["status"], read["credit_memo_number"]) == ("credited", memo["number"])


def test_over_return_answers_422_with_the_field_and_fix(desk: Desk) -> None:
    body = request_body(desk, lines=[{"line_no": 1, "quantity": "11"}])

    status, error = post(client_for(desk.clerk), "/rmas", body)

    assert (status, error["code"], error["field"], error["fix"]) == (
        422,
        "over_return",
        "lines[0].quantity",
        "return at most 10",
    )
    assert ReturnAuthorization.objects.count() == 0


def test_exchange_through_the_api(desk: Desk) -> None:
    boss = client_for(desk.coordinator)
    _, rma = post(boss, "/rmas", request_body(desk, resolution="exchange"))
    post(boss, f"/rmas/{rma['id']}/approve")
    post(
        boss,
        f"/rmas/{rma['id']}/receipts",
        {
            "warehouse_id": desk.warehouse.pk,
            "lines": [
                {"line_no": 1, "quantity": "2", "condition": "defective", "disposition": "repair"}
            ],
        },
    )

    status, body = post(boss, f"/rmas/{rma['id']}/exchange")

    assert status == 201, body
    assert body["replacement_order_status"] == "allocated"
    assert body["credit_memo"]["merchandise"] == "20.0000"
    read = boss.get(f"{API}/rmas/{rma['id']}").json()
    assert read["replacement_order_number"] == body["replacement_order_number"]


def test_portal_asks_for_own_returns_and_sees_only_them(desk: Desk) -> None:
    portal = client_for(desk.portal)
    stranger_customer = CustomerFactory()
    stranger = client_for(UserFactory(role="portal", customer=stranger_customer))

    status, mine = post(portal, "/rmas", request_body(desk))
    assert (status, mine["channel"]) == (201, "portal")
    status, error = post(stranger, "/rmas", request_body(desk))
    assert (status, error["code"], error["field"]) == (422, "reference_unknown", "order_id")

    assert stranger.get(f"{API}/rmas/{mine['id']}").status_code == 404
    assert stranger.get(f"{API}/rmas").json()["count"] == 0
    listed = portal.get(f"{API}/rmas").json()
    assert [r["number"] for r in listed["items"]] == [mine["number"]]
    status, _ = post(stranger, f"/rmas/{mine['id']}/cancel", {"reason": "not mine at all"})
    assert status == 404
    status, error = post(portal, f"/rmas/{mine['id']}/approve", {"reason": "approve myself"})
    assert (status, error["code"]) == (403, "forbidden")
    status, body = post(portal, f"/rmas/{mine['id']}/cancel", {"reason": "kept them after all"})
    assert (status, body["status"]) == (200, "cancelled")


def test_rma_list_query_count_is_fixed(desk: Desk) -> None:
    clerk = client_for(desk.clerk)
    post(clerk, "/rmas", request_body(desk))
    with CaptureQueriesContext(connection) as one:
        assert clerk.get(f"{API}/rmas").json()["count"] == 1
    post(clerk, "/rmas", request_body(desk, lines=[{"line_no": 2, "quantity": "1"}]))
    post(clerk, "/rmas", request_body(desk))

    with CaptureQueriesContext(connection) as three:
        assert clerk.get(f"{API}/rmas").json()["count"] == 3

    assert len(one) == len(three)


def test_recall_look_up_and_exports_are_for_staff(desk: Desk) -> None:
    clerk, portal = client_for(desk.clerk), client_for(desk.portal)

    body = clerk.get(f"{API}/recall", {"number": "LOT-A", "item": "CAP-45-5"}).json()
    assert (body["customers"], body["shipped"], body["on_hold"]) == (1, "4.0000", False)
    assert body["shipments"][0]["order_number"] == desk.extra["order"].number
    assert portal.get(f"{API}/recall", {"number": "LOT-A"}).status_code == 403
    assert portal.get(f"{API}/recall/export.csv", {"number": "LOT-A"}).status_code == 403

    response = clerk.get(f"{API}/recall/export.csv", {"number": "LOT-A"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="recall-LOT-A.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [desk.customer.account_number]
    xlsx = clerk.get(f"{API}/recall/export.xlsx", {"number": "LOT-A"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    missing = clerk.get(f"{API}/recall", {"number": "LOT-A", "item": "NOPE"})
    assert (missing.status_code, missing.json()["code"]) == (422, "item_unknown")


def test_quality_hold_from_the_api_blocks_allocation(desk: Desk) -> None:
    lot = Lot.objects.get(item=desk.lotted, number="LOT-A")

    status, error = post(client_for(desk.clerk), f"/lots/{lot.pk}/hold", {"reason": "recall"})
    assert (status, error["code"]) == (403, "forbidden")
    status, body = post(
        client_for(desk.coordinator), f"/lots/{lot.pk}/hold", {"reason": "supplier recall"}
    )

    assert (status, body["quality_hold"], body["hold_reason"]) == (200, True, "supplier recall")
    order = place(desk, (desk.lotted, 2))
    assert [a.lot for a in order.lines.get().allocations.all()] == ["LOT-B"]


def test_rma_of_makes_records_the_access_suite_can_use(api_client: Any) -> None:
    """tests/test_api_access.py needs RECORD_OF["/api/v1/rmas/{rma_id}"] = rma_of(c).pk and
    LIST_OF["/api/v1/rmas"] = ("customer_id", rma_of); this is that check, run here."""
    from .world import rma_of

    own, other = CustomerFactory(), CustomerFactory()
    portal = api_client("portal", customer=own)
    mine, theirs = rma_of(own), rma_of(other)

    assert portal.get(f"{API}/rmas/{theirs.pk}").json()["code"] == "not_found"
    assert portal.get(f"{API}/rmas/{mine.pk}").status_code == 200
    items = portal.get(f"{API}/rmas").json()["items"]
    assert [(i["id"], i["customer_id"]) for i in items] == [(mine.pk, own.pk)]
    assert portal.get(f"{API}/rmas", {"customer_id": other.pk}).json()["count"] == 0

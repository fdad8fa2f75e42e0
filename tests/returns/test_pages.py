"""The returns pages with Django's test client: queue, request form, RMA page actions, the
recall look-up with its exports and quality hold; access by role and ownership."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from orderdesk.billing.models import CreditMemo
from orderdesk.inventory.models import Lot, StockMovement
from orderdesk.returns.models import ReturnAuthorization, ReturnReceipt
from orderdesk.returns.receiving import rma_receive
from orderdesk.returns.services import rma_approve, rma_request

from ..factories import CustomerFactory, UserFactory
from .world import Desk, build_desk, days_ago, place, ship

pytestmark = pytest.mark.django_db
D = Decimal


def browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def desk() -> Desk:
    desk = build_desk()
    order = place(desk, (desk.plain, 10), (desk.lotted, 4), po="PO-PAGES")
    ship(desk, order, on=days_ago(5))
    desk.extra["order"] = order
    return desk


def asked(desk: Desk, quantity: str = "2", **kw: Any) -> ReturnAuthorization:
    order = desk.extra["order"]
    return rma_request(
        actor=desk.clerk,
        order=order,
        lines=[(order.lines.get(line_no=1), D(quantity), "", "DAMAGED")],
        reason="crushed in transit",
        **kw,
    )


def test_queue_shows_requests_with_their_policy_findings(desk: Desk) -> None:
    late = place(desk, (desk.final, 3), on=days_ago(90))
    ship(desk, late, on=days_ago(80))
    rma = rma_request(
        actor=desk.clerk, order=late, lines=[(late.lines.get(), D(1), "", "")], reason="cut wrong"
    )

    page = browser(desk.coordinator).get("/returns/")

    assert page.status_code == 200
    html = page.content.decode()
    assert rma.number in html
    assert "line 1 (FLT-CUT) is sold as non-returnable" in html
    assert "80 days ago: the return window is 30 days" in html
    assert page.context["queues"][0] == ("requested", "Waiting for a decision", 1)


def test_portal_list_shows_own_returns_only(desk: Desk) -> None:
    mine = asked(desk)
    stranger = UserFactory(role="portal", customer=CustomerFactory())

    assert mine.number in browser(desk.portal).get("/returns/").content.decode()
    assert mine.number not in browser(stranger).get("/returns/").content.decode()
    assert browser(stranger).get(f"/returns/{mine.pk}/").status_code == 404
    assert Client().get("/returns/").status_code == 302


def test_request_form_lists_shipped_lines_and_lots_and_makes_the_rma(desk: Desk) -> None:
    order = desk.extra["order"]
    client = browser(desk.portal)

    form = client.get("/returns/new/", {"order": order.number})
    assert form.status_code == 200
    rows = form.context["rows"]
    assert [(r.line.line.line_no, r.lot.lot, r.lot.available) for r in rows] == [
        (1, "", D(10)),
        (2, "LOT-A", D(4)),
    ]
    response = client.post(
        "/returns/new/",
        {
            "order": order.number,
            "rows-1-quantity": "2",
            "rows-1-reason_code": "DEFECTIVE",
            "reason": "two capacitors bulged",
            "resolution": "exchange",
        },
    )

    rma = ReturnAuthorization.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/returns/{rma.pk}/"
    assert (rma.channel, rma.resolution) == ("portal", "exchange")
    assert [(ln.lot, ln.quantity, ln.reason_code) for ln in rma.lines.all()] == [
        ("LOT-A", D(2), "DEFECTIVE")
    ]


def test_request_form_shows_the_refusal_at_the_row_and_writes_nothing(desk: Desk) -> None:
    order = desk.extra["order"]

    response = browser(desk.clerk).post(
        "/returns/new/",
        {"order": order.number, "rows-0-quantity": "11", "reason": "all of it back"},
    )

    assert response.status_code == 200
    row = response.context["rows"][0]
    assert (
        row.error
        == "Line 1 (" + desk.plain.sku + "): 11 asked back, but 10 shipped — return at most 10"
    )
    assert ReturnAuthorization.objects.count() == 0


def test_portal_user_cannot_find_another_customers_order(desk: Desk) -> None:
    stranger = UserFactory(role="portal", customer=CustomerFactory())

    response = browser(stranger).get("/returns/new/", {"order": desk.extra["order"].number})

    assert (
        response.context["lookup_error"]
        == f"There is no order {desk.extra['order'].number} of yours."
    )
    assert response.context["returnable"] is None


def test_approve_outside_policy_without_reason_shows_the_error_at_the_form(desk: Desk) -> None:
    late = place(desk, (desk.plain, 3), on=days_ago(90))
    ship(desk, late, on=days_ago(60))
    rma = rma_request(
        actor=desk.clerk, order=late, lines=[(late.lines.get(), D(1), "", "")], reason="late one"
    )
    client = browser(desk.coordinator)

    refused = client.post(f"/returns/{rma.pk}/approve/", {"reason": ""})
    assert refused.status_code == 200
    assert refused.context["state"].at == "decide"
    assert "outside the policy" in refused.context["state"].error
    done = client.post(f"/returns/{rma.pk}/approve/", {"reason": "goodwill, top account"})

    assert done.status_code == 302
    rma.refresh_from_db()
    assert (rma.status, rma.decision_reason) == ("approved", "goodwill, top account")


def test_clerk_sees_no_decide_form_and_may_not_post_it(desk: Desk) -> None:
    rma = asked(desk)
    client = browser(desk.clerk)

    page = client.get(f"/returns/{rma.pk}/")

    assert page.context["can_decide"] is False
    assert client.post(f"/returns/{rma.pk}/approve/", {"reason": "ok"}).status_code == 403
    rma.refresh_from_db()
    assert rma.status == "requested"


def test_receive_credit_through_the_page(desk: Desk) -> None:
    rma = rma_approve(actor=desk.coordinator, rma=asked(desk, "3"))
    dock = browser(desk.warehouse_user)
    form = dock.get(f"/returns/{rma.pk}/")
    assert [r.remaining for r in form.context["receive_rows"]] == [D(3)]

    over = dock.post(
        f"/returns/{rma.pk}/receive/",
        {
            "warehouse": desk.warehouse.pk,
            "line-1-quantity": "4",
            "line-1-condition": "new",
            "line-1-disposition": "restock",
        },
    )
    assert over.status_code == 200
    assert over.context["state"].error.startswith("RMA line 1 (")
    assert ReturnReceipt.objects.count() == 0
    done = dock.post(
        f"/returns/{rma.pk}/receive/",
        {
            "warehouse": desk.warehouse.pk,
            "line-1-quantity": "3",
            "line-1-condition": "opened",
            "line-1-disposition": "restock",
            "line-1-notes": "boxes re-taped",
        },
    )
    assert done.status_code == 302
    assert StockMovement.objects.filter(kind="return", reference=rma.number).count() == 1

    credited = browser(desk.coordinator).post(f"/returns/{rma.pk}/credit/")
    assert credited.status_code == 302
    memo = CreditMemo.objects.get()
    assert memo.reference == rma.number
    page = browser(desk.coordinator).get(f"/returns/{rma.pk}/")
    assert memo.number in page.content.decode()
    again = browser(desk.coordinator).post(f"/returns/{rma.pk}/credit/")
    assert again.status_code == 200
    assert "already credited by" in again.context["state"].error
    assert CreditMemo.objects.count() == 1


def test_rma_page_query_count_does_not_grow_with_lines_and_receipts(desk: Desk) -> None:
    one = rma_approve(actor=desk.coordinator, rma=asked(desk, "2"))
    order = desk.extra["order"]
    two = rma_request(
        actor=desk.clerk,
        order=order,
        lines=[
            (order.lines.get(line_no=1), D(2), "", ""),
            (order.lines.get(line_no=2), D(2), "", ""),
        ],
        reason="several lines back",
    )
    rma_approve(actor=desk.coordinator, rma=two)
    for rma in (one, two):
        for rl in rma.lines.all():
            rma_receive(
                actor=desk.warehouse_user,
                rma=rma,
                warehouse=desk.warehouse,
                lines=[(rl, D(1), "", "new", "restock", "")],
            )
    client = browser(desk.coordinator)

    with CaptureQueriesContext(connection) as small:
        assert client.get(f"/returns/{one.pk}/").status_code == 200
    with CaptureQueriesContext(connection) as big:
        assert client.get(f"/returns/{two.pk}/").status_code == 200

    assert len(small) == len(big)


def test_recall_page_traces_and_exports(desk: Desk) -> None:
    client = browser(desk.clerk)

    page = client.get("/returns/recall/", {"number": "LOT-A"})

    assert page.status_code == 200
    trace = page.context["trace"]
    assert (trace.customers, trace.shipped) == (1, D(4))
    html = page.content.decode()
    assert "PO-PAGES" in html and desk.extra["order"].number in html
    export = client.get("/returns/recall/export.csv", {"number": "LOT-A"})
    assert export["Content-Disposition"] == 'attachment; filename="recall-LOT-A.csv"'
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[1][RECALL_SHIPPED] == "4"
    assert browser(desk.portal).get("/returns/recall/", {"number": "LOT-A"}).status_code == 403


RECALL_SHIPPED = 13


def test_quality_hold_from_the_recall_page(desk: Desk) -> None:
    lot = Lot.objects.get(item=desk.lotted, number="LOT-A")
    client = browser(desk.coordinator)

    refused = client.post(f"/returns/lots/{lot.pk}/hold/", {"number": "LOT-A", "reason": ""})
    assert refused.status_code == 200
    assert refused.context["hold_lot"] == lot.pk
    assert refused.context["hold_error"].startswith("Give the reason")
    done = client.post(
        f"/returns/lots/{lot.pk}/hold/", {"number": "LOT-A", "reason": "supplier recall"}
    )

    assert done.status_code == 302
    assert done["Location"] == "/returns/recall/?number=LOT-A"
    lot.refresh_from_db()
    assert (lot.quality_hold, lot.hold_reason) == (True, "supplier recall")
    assert (
        browser(desk.clerk)
        .post(f"/returns/lots/{lot.pk}/hold/", {"number": "LOT-A", "reason": "again"})
        .status_code
        == 403
    )


def test_rework_queue_lists_repairs_and_returns_to_vendor(desk: Desk) -> None:
    rma = rma_approve(actor=desk.coordinator, rma=asked(desk, "2"))
    rl = rma.lines.get()
    rma_receive(
        actor=desk.warehouse_user,
        rma=rma,
        warehouse=desk.warehouse,
        lines=[(rl, D(1), "", "defective", "repair", "hums"), (rl, D(1), "", "new", "scrap", "")],
    )

    page = browser(desk.warehouse_user).get("/returns/", {"queue": "rework"})

    assert page.status_code == 200
    assert [(r.disposition, r.notes) for r in page.context["rework"]] == [("repair", "hums")]
    assert "hums" in page.content.decode()


def test_exchange_and_close_through_the_page(desk: Desk) -> None:
    rma = rma_approve(actor=desk.coordinator, rma=asked(desk, "2", resolution="exchange"))
    rma_receive(
        actor=desk.warehouse_user,
        rma=rma,
        warehouse=desk.warehouse,
        lines=[(rma.lines.get(), D(1), "", "defective", "scrap", "")],
    )
    client = browser(desk.coordinator)

    done = client.post(f"/returns/{rma.pk}/exchange/")
    assert done.status_code == 302
    rma.refresh_from_db()
    assert rma.replacement_order.customer_po == f"{rma.number} replacement"
    page = client.get(f"/returns/{rma.pk}/")
    assert f'href="/orders/{rma.replacement_order_id}/"' in page.content.decode()
    closed = client.post(f"/returns/{rma.pk}/close/", {"reason": ""})

    assert closed.status_code == 302
    rma.refresh_from_db()
    assert rma.status == "closed"

"""Real concurrent API clients (one OS process each) on PostgreSQL: requests for the same
shipped goods never ask back more than shipped, and a credit asked for at the same time
by several coordinators is issued once."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from orderdesk.billing.models import CreditMemo
from orderdesk.core.models import ApiToken
from orderdesk.returns.models import ReturnLine
from orderdesk.returns.receiving import rma_receive
from orderdesk.returns.services import rma_approve, rma_request

from ..concurrency import run_in_processes
from .world import build_desk, days_ago, place, ship

D = Decimal


def ask(token: str, order_id: int, quantity: str) -> int:
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {
        "order_id": order_id,
        "reason": "concurrent return",
        "lines": [{"line_no": 1, "quantity": quantity}],
    }
    r = client.post("/api/v1/rmas", json.dumps(body), content_type="application/json")
    return r.status_code


def credit(token: str, rma_id: int) -> int:
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    r = client.post(f"/api/v1/rmas/{rma_id}/credit", "{}", content_type="application/json")
    return r.status_code


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_never_ask_back_more_than_shipped() -> None:
    desk = build_desk()
    order = place(desk, (desk.plain, 10))
    ship(desk, order, on=days_ago(3))
    tokens = [ApiToken.issue(desk.clerk, f"t{n}")[1] for n in range(8)]

    statuses = run_in_processes(
        "tests.returns.test_concurrency:ask", [(t, order.pk, "3") for t in tokens]
    )

    assert sorted(statuses) == [201, 201, 201, 422, 422, 422, 422, 422]
    asked = sum((rl.quantity for rl in ReturnLine.objects.all()), D(0))
    assert asked == D(9)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_credits_issue_one_memo() -> None:
    desk = build_desk()
    order = place(desk, (desk.plain, 10))
    ship(desk, order, on=days_ago(3))
    rma = rma_request(
        actor=desk.clerk, order=order, lines=[(order.lines.get(), D(4), "", "")], reason="race"
    )
    rma_approve(actor=desk.coordinator, rma=rma)
    rma_receive(
        actor=desk.warehouse_user,
        rma=rma,
        warehouse=desk.warehouse,
        lines=[(rma.lines.get(), D(4), "", "new", "restock", "")],
    )
    tokens = [ApiToken.issue(desk.coordinator, f"c{n}")[1] for n in range(6)]

    statuses = run_in_processes(
        "tests.returns.test_concurrency:credit", [(t, rma.pk) for t in tokens]
    )

    assert sorted(statuses) == [201, 409, 409, 409, 409, 409]
    memo = CreditMemo.objects.get()
    assert memo.lines.get(kind="goods").quantity == D(4)
    assert rma.lines.get().qty_credited == D(4)

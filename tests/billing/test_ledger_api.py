"""The ledger API: payments, ledger and aging (portal scoped), reports, month-end exports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderdesk.billing.models import Payment, PaymentApplication, Receivable
from orderdesk.billing.payments import payment_record
from orderdesk.billing.periods import period_close
from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.orders.states import OrderStatus

from ..orders.test_allocation import SalesOrderFactory, SalesOrderLineFactory
from .ledger_world import billing, customer, opening, posted_credit, posted_invoice

pytestmark = pytest.mark.django_db

D = Decimal
API = "/api/v1"
DAY = dt.date(2026, 10, 1)


@pytest.fixture
def books():  # type: ignore[no-untyped-def]
    c = customer(account_number="C70001", name="Lakeside HVAC")
    i1 = posted_invoice(c, "INV-1", "100.00", invoice_date=DAY, due_date=DAY + dt.timedelta(10))
    i2 = posted_invoice(c, "INV-2", "200.00", invoice_date=DAY, due_date=DAY + dt.timedelta(20))
    return c, i1, i2


def _post(client, path, body):  # type: ignore[no-untyped-def]
    return client.post(f"{API}{path}", body, content_type="application/json")


def test_billing_records_a_payment_and_gets_it_back_applied(api_client, books):
    c, _i1, _i2 = books
    client = api_client(Role.BILLING)
    response = _post(
        client,
        "/payments",
        {
            "customer_id": c.pk,
            "amount": "150.00",
            "received_date": "2026-10-05",
            "method": "ach",
            "reference": "REM-881",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["account_number"], body["amount"], body["unapplied"], body["method"]) == (
        "C70001",
        "150.0000",
        "0.0000",
        "ach",
    )
    assert [(a["document_number"], a["amount"], a["discount"]) for a in body["applications"]] == [
        ("INV-1", "100.0000", "0.0000"),
        ("INV-2", "50.0000", "0.0000"),
    ]
    listed = client.get(f"{API}/payments", {"customer_id": c.pk}).json()
    assert (listed["count"], listed["items"][0]["number"]) == (1, body["number"])
    assert client.get(f"{API}/payments/{body['id']}").json()["reference"] == "REM-881"


def test_named_applications_and_their_refusals(api_client, books):
    c, i1, i2 = books
    client = api_client(Role.BILLING)
    over = _post(
        client,
        "/payments",
        {
            "customer_id": c.pk,
            "amount": "500.00",
            "received_date": "2026-10-05",
            "apply_to": [{"receivable_id": i1.receivable_id, "amount": "100.01"}],
        },
    )
    assert (over.status_code, over.json()["code"]) == (409, "over_applied")
    unknown = _post(
        client,
        "/payments",
        {
            "customer_id": c.pk,
            "amount": "5.00",
            "received_date": "2026-10-05",
            "apply_to": [{"receivable_id": 999999, "amount": "5.00"}],
        },
    )
    assert (unknown.status_code, unknown.json()["code"]) == (422, "reference_unknown")
    nobody = _post(
        client, "/payments", {"customer_id": 999999, "amount": "5", "received_date": "2026-10-05"}
    )
    assert (nobody.status_code, nobody.json()["field"]) == (422, "customer_id")
    cents = _post(
        client, "/payments", {"customer_id": c.pk, "amount": "5.001", "received_date": "2026-10-05"}
    )
    assert cents.status_code == 422
    assert Payment.objects.count() == 0
    kept = _post(
        client,
        "/payments",
        {
            "customer_id": c.pk,
            "amount": "300.00",
            "received_date": "2026-10-05",
            "apply_to": [{"receivable_id": i2.receivable_id, "amount": "200.00"}],
        },
    )
    assert kept.status_code == 201 and kept.json()["unapplied"] == "100.0000"
    applied = _post(client, f"/payments/{kept.json()['id']}/apply", {"on": "2026-10-06"})
    assert applied.status_code == 200
    assert [(a["document_number"], a["amount"]) for a in applied.json()] == [("INV-1", "100.0000")]
    again = _post(client, f"/payments/{kept.json()['id']}/apply", {})
    assert (again.status_code, again.json()["code"]) == (409, "over_applied")
    assert _post(client, "/payments/999999/apply", {}).status_code == 404


def test_a_credit_memo_is_applied_to_an_invoice(api_client, books):
    c, _i1, i2 = books
    memo = posted_credit(c, "CM-1", "30.00", memo_date=DAY, invoice=i2)
    client = api_client(Role.BILLING)
    response = _post(
        client,
        f"/receivables/{memo.receivable_id}/apply",
        {"applications": [{"receivable_id": i2.receivable_id, "amount": "30.00"}]},
    )
    assert response.status_code == 200, response.json()
    assert response.json()[0]["credit_id"] == memo.receivable_id
    assert response.json()[0]["payment_id"] is None
    assert Receivable.objects.get(pk=i2.receivable_id).open_amount == D(170)


@pytest.mark.parametrize("role", [Role.ORDER_CLERK, Role.WAREHOUSE, Role.PORTAL])
def test_only_billing_roles_post_payments(api_client, books, role):
    c, i1, _ = books
    client = api_client(role, customer=c) if role == Role.PORTAL else api_client(role)
    events = Event.objects.count()
    response = _post(
        client, "/payments", {"customer_id": c.pk, "amount": "10", "received_date": "2026-10-05"}
    )
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    applied = _post(client, f"/receivables/{i1.receivable_id}/apply", {})
    assert applied.status_code == 403
    assert Payment.objects.count() == 0 and PaymentApplication.objects.count() == 0
    assert Event.objects.count() == events


def test_a_payment_dated_in_a_closed_period_is_refused(api_client, books):
    c, _, _ = books
    period_close(actor=billing(), through=dt.date(2026, 10, 31), reason="October")
    response = _post(
        api_client(Role.BILLING),
        "/payments",
        {"customer_id": c.pk, "amount": "10", "received_date": "2026-10-31"},
    )
    assert (response.status_code, response.json()["code"]) == (422, "period_closed")
    assert "2026-11-01" not in response.json()["message"]
    assert Payment.objects.count() == 0


def test_the_ledger_answers_a_portal_user_for_their_own_account_only(api_client, books):
    c, _i1, _i2 = books
    opening(c, "OLD-1", "40.00", due=DAY - dt.timedelta(days=45), dated=DAY - dt.timedelta(60))
    other = customer()
    portal = api_client(Role.PORTAL, customer=c)
    url = f"{API}/customers/{c.pk}/ledger"
    with CaptureQueriesContext(connection) as ctx:
        mine = portal.get(url, {"as_of": "2026-10-20", "start": "2026-09-01"})
    assert mine.status_code == 200, mine.json()
    assert len(ctx.captured_queries) == 13
    body = mine.json()
    assert (body["account_number"], body["opening"], body["closing"]) == (
        "C70001",
        "40.0000",
        "340.0000",
    )
    assert [(e["number"], e["amount"], e["balance"]) for e in body["entries"]] == [
        ("INV-1", "100.0000", "140.0000"),
        ("INV-2", "200.0000", "340.0000"),
    ]
    assert [
        (o["document_number"], o["days_past_due"], o["bucket"]) for o in body["open_items"]
    ] == [
        ("OLD-1", 64, "d61_90"),
        ("INV-1", 9, "d1_30"),
        ("INV-2", 0, "current"),
    ]
    assert (body["aging"]["d61_90"], body["aging"]["total"]) == ("40.0000", "340.0000")
    assert body["balance"]["balance"] == "340.0000"
    assert portal.get(f"{API}/customers/{other.pk}/ledger").status_code == 404
    aging = portal.get(f"{API}/customers/{c.pk}/aging", {"as_of": "2026-10-20"}).json()
    assert (aging["current"], aging["d1_30"], aging["d61_90"]) == (
        "200.0000",
        "100.0000",
        "40.0000",
    )
    assert portal.get(f"{API}/customers/{other.pk}/aging").status_code == 404
    # more of everything costs no more queries
    for n in range(3, 9):
        inv = posted_invoice(c, f"INV-{n}", "10.00", invoice_date=DAY + dt.timedelta(n))
        posted_credit(c, f"CM-{n}", "1.00", memo_date=DAY + dt.timedelta(n), invoice=inv)
    payment_record(actor=billing(), customer=c, amount=D("25.00"), received_date=DAY)
    with CaptureQueriesContext(connection) as ctx:
        assert portal.get(url, {"as_of": "2026-10-20"}).status_code == 200
    assert len(ctx.captured_queries) == 13
    for path in ("/payments", "/billing/aging", "/billing/discrepancies"):
        assert portal.get(f"{API}{path}").status_code == 403, path
    month = portal.get(f"{API}/billing/month-end", {"start": "2026-10-01", "end": "2026-10-31"})
    assert month.status_code == 403


def test_aging_and_discrepancies_for_billing(api_client, books):
    c, _i1, _i2 = books
    opening(customer(account_number="A00001"), "X-1", "75.00", due=dt.date(2026, 6, 1))
    order = SalesOrderFactory(customer=c, ship_to=None, status=OrderStatus.SHIPPED)
    SalesOrderLineFactory(
        order=order, line_no=1, quantity=D(2), qty_open=D(0), qty_shipped=D(2)
    )  # the line says shipped, no shipment or invoice says so
    client = api_client(Role.BILLING)
    report = client.get(f"{API}/billing/aging", {"as_of": "2026-10-31"}).json()
    assert [(r["account_number"], r["total"]) for r in report["rows"]] == [
        ("A00001", "75.0000"),
        ("C70001", "300.0000"),
    ]
    assert report["totals"][0]["d90_plus"] == "75.0000"
    assert report["totals"][0]["total"] == "375.0000"
    found = client.get(f"{API}/billing/discrepancies", {"customer_id": c.pk}).json()
    assert [(r["kind"], r["order_number"], r["ordered"], r["shipped"]) for r in found["items"]] == [
        ("short_shipped", order.number, "2.0000", "0.0000"),
        ("counter_mismatch", order.number, "2.0000", "0.0000"),
    ]
    only = client.get(f"{API}/billing/discrepancies", {"kind": "counter_mismatch"}).json()
    assert only["count"] == 1


def test_month_end_as_data_and_as_files(api_client, books):
    client = api_client(Role.BILLING)
    answer = client.get(f"{API}/billing/month-end", {"start": "2026-10-01", "end": "2026-10-31"})
    assert answer.status_code == 200
    body = answer.json()
    assert [(r["key"], r["invoices"], r["total"]) for r in body["revenue_by_customer"]] == [
        ("C70001", 2, "300.0000")
    ]
    assert body["totals"]["revenue"]["USD"]["total"] == "300.0000"
    assert body["period"]["closed"] is False
    csv_file = client.get(
        f"{API}/billing/month-end.csv",
        {"start": "2026-10-01", "end": "2026-10-31", "section": "revenue-by-customer"},
    )
    assert csv_file.status_code == 200
    assert csv_file["Content-Disposition"] == (
        'attachment; filename="month-end-2026-10-01-2026-10-31-revenue-by-customer.csv"'
    )
    assert csv_file.content.decode("utf-8-sig").splitlines()[1].startswith("C70001,Lakeside HVAC,2")
    xlsx = client.get(f"{API}/billing/month-end.xlsx", {"start": "2026-10-01", "end": "2026-10-31"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    bad = client.get(f"{API}/billing/month-end", {"start": "2026-10-31", "end": "2026-10-01"})
    assert (bad.status_code, bad.json()["field"]) == (422, "end")
    nosection = client.get(
        f"{API}/billing/month-end.csv", {"start": "2026-10-01", "end": "2026-10-31", "section": "x"}
    )
    assert nosection.status_code == 422

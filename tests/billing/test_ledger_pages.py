"""Ledger pages without a browser: who sees what, the payment form, month-end close."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orderdesk.billing.models import Payment, PeriodClose, Receivable
from orderdesk.core.roles import Role

from ..conftest import PASSWORD
from ..factories import UserFactory
from .ledger_world import customer, opening, posted_credit, posted_invoice

pytestmark = pytest.mark.django_db

D = Decimal
DAY = dt.date(2026, 10, 1)


def _client(role: str, **kwargs) -> Client:  # type: ignore[no-untyped-def]
    user = UserFactory(role=role, **kwargs)
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def books():  # type: ignore[no-untyped-def]
    c = customer(account_number="C80001", name="Prairie Refrigeration")
    i1 = posted_invoice(c, "INV-1", "100.00", invoice_date=DAY, due_date=DAY + dt.timedelta(10))
    i2 = posted_invoice(c, "INV-2", "250.00", invoice_date=DAY, due_date=DAY + dt.timedelta(40))
    return c, i1, i2


def test_billing_sees_the_ledger_and_records_a_payment(books):
    c, _i1, i2 = books
    client = _client(Role.BILLING)
    url = reverse("billing:ledger", args=[c.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Prairie Refrigeration" in html and 'id="payment-form"' in html
    assert 'id="balance">350.00' in html
    response = client.post(
        url,
        {
            "amount": "120.00",
            "received_date": "2026-10-20",
            "method": "wire",
            "reference": "FW-22",
            "apply": "named",
            f"apply_{i2.receivable_id}": "120.00",
        },
        follow=True,
    )
    assert response.redirect_chain == [(url, 302)]
    payment = Payment.objects.get()
    assert (payment.method, payment.reference, payment.unapplied) == ("wire", "FW-22", D(0))
    assert Receivable.objects.get(pk=i2.receivable_id).open_amount == D(130)
    text = response.content.decode()
    assert (
        f"Payment {payment.number} of 120.00 USD recorded: 120.00 applied, 0.00 unapplied." in text
    )
    assert 'id="balance">230.00' in text


def test_a_refused_payment_shows_the_error_and_what_was_typed(books):
    c, i1, _ = books
    client = _client(Role.BILLING)
    response = client.post(
        reverse("billing:ledger", args=[c.pk]),
        {
            "amount": "500.00",
            "received_date": "2026-10-20",
            "method": "check",
            "apply": "named",
            f"apply_{i1.receivable_id}": "100.50",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "is more than the 100 USD open on INV-1" in html
    assert 'value="100.50"' in html and 'value="500.00"' in html
    assert Payment.objects.count() == 0


def test_unapplied_cash_and_an_open_credit_are_applied_from_the_page(books):
    c, i1, i2 = books
    client = _client(Role.BILLING)
    url = reverse("billing:ledger", args=[c.pk])
    client.post(url, {"amount": "60", "received_date": "2026-10-02", "method": "check",
                      "apply": "none"})  # fmt: skip
    payment = Payment.objects.get()
    assert payment.unapplied == D(60)
    memo = posted_credit(c, "CM-1", "15.00", memo_date=DAY, invoice=i2)
    assert "Apply oldest first" in client.get(url).content.decode()
    client.post(reverse("billing:payment_apply", args=[payment.pk]), {"customer": c.pk})
    client.post(reverse("billing:credit_apply", args=[memo.receivable_id]), {"customer": c.pk})
    assert Receivable.objects.get(pk=i1.receivable_id).open_amount == D(25)
    assert Receivable.objects.get(pk=memo.receivable_id).open_amount == D(0)


def test_a_portal_user_reads_their_own_account_only(books):
    c, _, _ = books
    client = _client(Role.PORTAL, customer=c)
    own = client.get(reverse("billing:ledger", args=[c.pk]))
    assert own.status_code == 200
    html = own.content.decode()
    assert "My statement" in html and 'id="payment-form"' not in html
    assert "Apply to oldest invoices" not in html
    assert client.get(reverse("billing:my_ledger")).url == reverse("billing:ledger", args=[c.pk])
    assert client.get(reverse("billing:ledger", args=[customer().pk])).status_code == 404
    posted = client.post(
        reverse("billing:ledger", args=[c.pk]),
        {"amount": "1", "received_date": "2026-10-20", "method": "check", "apply": "oldest"},
    )
    assert posted.status_code == 403 and Payment.objects.count() == 0
    for name in ("billing:aging", "billing:month_end", "billing:discrepancies"):
        assert client.get(reverse(name)).status_code == 403, name


def test_an_order_clerk_reads_the_ledger_but_cannot_post(books):
    c, _, _ = books
    client = _client(Role.ORDER_CLERK)
    page = client.get(reverse("billing:ledger", args=[c.pk]))
    assert page.status_code == 200 and 'id="payment-form"' not in page.content.decode()
    posted = client.post(
        reverse("billing:ledger", args=[c.pk]),
        {"amount": "1", "received_date": "2026-10-20", "method": "check", "apply": "oldest"},
    )
    assert posted.status_code == 403


def test_the_aging_page_lists_sorts_and_links_each_customer(books):
    c, _, _ = books
    other = customer(account_number="A00009", name="Alder Mechanical")
    opening(other, "OB-9", "900.00", due=dt.date(2026, 6, 1))
    client = _client(Role.MANAGER)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("billing:aging"), {"as_of": "2026-10-31"})
    assert page.status_code == 200
    assert len(ctx.captured_queries) <= 12
    html = page.content.decode()
    assert html.index("A00009") < html.index("C80001")
    assert reverse("billing:ledger", args=[c.pk]) in html
    by_total = client.get(
        reverse("billing:aging"), {"as_of": "2026-10-31", "sort": "total", "dir": "asc"}
    ).content.decode()
    assert by_total.index("C80001") < by_total.index("A00009")  # 350 before 900
    assert 'aria-sort="ascending"' in by_total


def test_month_end_page_closes_the_period_and_exports(books):
    client = _client(Role.BILLING)
    url = reverse("billing:month_end")
    page = client.get(url, {"start": "2026-10-01", "end": "2026-10-31"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="close-form"' in html and "No period has been closed yet." in html
    assert "October 2026" in html
    closed = client.post(
        f"{url}?start=2026-10-01&end=2026-10-31",
        {"through": "2026-10-31", "reason": "October reconciled", "action": "close"},
        follow=True,
    )
    assert closed.status_code == 200
    assert "The books are closed through 2026-10-31." in closed.content.decode()
    assert PeriodClose.objects.get().closed_through == dt.date(2026, 10, 31)
    again = client.post(url, {"through": "2026-10-15", "action": "close"})
    assert again.status_code == 200 and "would move the cut-off back" in again.content.decode()
    assert PeriodClose.objects.count() == 1
    export = client.get(
        reverse("billing:month_end_export", args=["revenue-by-customer", "csv"]),
        {"start": "2026-10-01", "end": "2026-10-31"},
    )
    assert export.status_code == 200
    assert export.content.decode("utf-8-sig").splitlines()[1].startswith("C80001,")
    missing = client.get(reverse("billing:month_end_export", args=["nothing", "csv"]))
    assert missing.status_code == 404
    clerk = _client(Role.ORDER_CLERK)
    assert clerk.get(url).status_code == 200
    assert 'id="close-form"' not in clerk.get(url).content.decode()
    assert clerk.post(url, {"through": "2026-11-01", "action": "close"}).status_code == 403


def test_the_discrepancy_page_lists_the_lines(books):
    from orderdesk.orders.states import OrderStatus

    from ..orders.test_allocation import SalesOrderFactory, SalesOrderLineFactory

    c, _, _ = books
    order = SalesOrderFactory(customer=c, ship_to=None, status=OrderStatus.SHIPPED)
    SalesOrderLineFactory(order=order, line_no=1, quantity=D(2), qty_open=D(0), qty_shipped=D(2))
    page = _client(Role.BILLING).get(reverse("billing:discrepancies"), {"kind": "counter_mismatch"})
    assert page.status_code == 200
    html = page.content.decode()
    assert order.number in html and "line says 2 shipped, shipments 0" in html
    assert "short shipped" not in html

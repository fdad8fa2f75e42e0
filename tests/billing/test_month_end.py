"""Month-end for October 2026 from a known history, then the period closed: a back-dated
posting is refused and the report does not change."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from orderdesk.billing.credit_memos import credit_memo_create
from orderdesk.billing.errors import BillingErrorCode
from orderdesk.billing.invoicing import invoice_for_shipment
from orderdesk.billing.models import CreditMemo, Invoice, Payment
from orderdesk.billing.month_end import month_end_export, month_end_report
from orderdesk.billing.payments import payment_record
from orderdesk.billing.periods import period_close
from orderdesk.core.errors import DomainError
from orderdesk.orders.states import OrderStatus
from orderdesk.pricing.models import FreightRate

from ..orders.test_allocation import SalesOrderFactory, SalesOrderLineFactory
from .invoicing_world import place, ship
from .ledger_world import billing, customer, invoice_rows, posted_invoice

pytestmark = pytest.mark.django_db

D = Decimal
START, END = dt.date(2026, 10, 1), dt.date(2026, 10, 31)


def _history(world: Any) -> dict[str, Any]:
    w = world
    rate = FreightRate.objects.create(ship_method=w.ship_method, per_order=D("12.50"))
    o1 = place(w, (w.items[0].sku, "4"), freight_payment="prepaid_add")
    rate.delete()
    o_sep = place(w, (w.items[3].sku, "1"), customer_po="PO-SEP")
    o2 = place(w, (w.items[1].sku, "5"), customer_po="PO-2")
    o3 = place(w, (w.items[2].sku, "7"), customer_po="PO-3")
    inv_sep = invoice_for_shipment(
        actor=billing(), shipment=ship(o_sep, {1: "1"}, ship_date=dt.date(2026, 9, 28))
    )
    inv1 = invoice_for_shipment(
        actor=billing(), shipment=ship(o1, {1: "4"}, ship_date=dt.date(2026, 10, 5))
    )
    s2 = ship(o2, {1: "3"}, ship_date=dt.date(2026, 10, 20))  # invoiced only in November
    memo = credit_memo_create(
        actor=billing(),
        invoice=inv1,
        lines=[(inv1.lines.get(), D(1))],
        reason="one unit damaged",
        memo_date=dt.date(2026, 10, 10),
    )
    pay = payment_record(
        actor=billing(), customer=w.customer, amount=D("20.00"), received_date=dt.date(2026, 10, 15)
    )
    # Another customer billed for 2 units that never shipped (entered by hand, wrongly).
    other = customer(account_number="B0001", name='=HYPERLINK("http://x.example","pay")')
    o_b = SalesOrderFactory(customer=other, ship_to=None, status=OrderStatus.INVOICED)
    line_b = SalesOrderLineFactory(
        order=o_b, line_no=1, quantity=D(2), unit_price=D("10.00"), net=D("20.00")
    )
    inv_b = posted_invoice(other, "INV-B1", "20.00", invoice_date=dt.date(2026, 10, 25), order=o_b)
    invoice_rows(inv_b, [(line_b, "2")])
    return {"o1": o1, "o2": o2, "o3": o3, "o_b": o_b, "s2": s2, "inv1": inv1,
            "inv_sep": inv_sep, "memo": memo, "pay": pay, "other": other}  # fmt: skip


def test_month_end_numbers_for_a_known_history(world):
    h = _history(world)
    assert (h["inv1"].merchandise, h["inv1"].charges_total, h["inv1"].tax_total) == (
        D("40.00"),
        D("12.50"),
        D("2.50"),
    )
    r = month_end_report(start=START, end=END)
    cust = world.customer.account_number
    assert [
        (g.order_number, g.line_no, g.shipped, g.invoiced, g.quantity, g.value, g.last_ship_date)
        for g in r.shipped_not_invoiced
    ] == [(h["o2"].number, 1, D(3), D(0), D(3), D("30.00"), dt.date(2026, 10, 20))]
    assert [
        (g.order_number, g.account_number, g.shipped, g.invoiced, g.value)
        for g in r.invoiced_not_shipped
    ] == [(h["o_b"].number, "B0001", D(0), D(2), D("20.00"))]
    assert [(b.account_number, b.orders, b.lines, b.value) for b in r.backlog] == [
        (cust, 2, 2, D("90.00"))  # 2 of 5 left on PO-2, 7 on PO-3
    ]
    assert [
        (m.key, m.invoices, m.merchandise, m.charges, m.tax, m.total) for m in r.revenue_by_month
    ] == [("2026-10", 2, D("60.00"), D("12.50"), D("2.50"), D("75.00"))]
    assert [(m.key, m.invoices, m.total) for m in r.revenue_by_customer] == [
        ("B0001", 1, D("20.00")),
        (cust, 1, D("55.00")),
    ]
    assert [(c.account_number, c.memos, c.merchandise, c.tax, c.total) for c in r.credits] == [
        (cust, 1, D("10.00"), D("0.63"), D("10.63"))
    ]
    assert [(c.account_number, c.payments, c.received, c.unapplied) for c in r.cash] == [
        (cust, 1, D("20.00"), D(0))
    ]
    # Receivables at the end: September's 10.63 paid first, then 9.37 of 55.00 − 10.63.
    [usd] = r.receivables
    assert (usd.total, usd.customers) == (D("35.00") + D("20.00"), 2)
    assert r.totals["revenue"] == {
        "USD": {
            "merchandise": D("60.00"),
            "charges": D("12.50"),
            "tax": D("2.50"),
            "total": D("75.00"),
        }
    }
    assert r.period.closed_through is None and r.period.closed is False
    h["inv_sep"].refresh_from_db()
    h["inv_sep"].order.refresh_from_db()
    assert (h["inv_sep"].status, h["inv_sep"].order.status) == ("paid", OrderStatus.CLOSED)


def test_after_the_close_a_back_dated_posting_is_refused_and_the_report_stands(world):
    h = _history(world)
    period_close(actor=billing(), through=END, reason="October books")
    before = month_end_report(start=START, end=END)
    assert before.period.closed and before.period.closed_through == END
    assert before.period.reason == "October books"
    counts = (Payment.objects.count(), Invoice.objects.count(), CreditMemo.objects.count())
    with pytest.raises(DomainError) as err:
        payment_record(
            actor=billing(),
            customer=world.customer,
            amount=D("5.00"),
            received_date=dt.date(2026, 10, 30),
        )
    assert err.value.code == BillingErrorCode.PERIOD_CLOSED
    with pytest.raises(DomainError) as err:
        invoice_for_shipment(actor=billing(), shipment=h["s2"], invoice_date=dt.date(2026, 10, 31))
    assert err.value.code == BillingErrorCode.PERIOD_CLOSED
    assert counts == (Payment.objects.count(), Invoice.objects.count(), CreditMemo.objects.count())
    # November's postings go through and leave October's report as it was.
    invoice_for_shipment(actor=billing(), shipment=h["s2"], invoice_date=dt.date(2026, 11, 2))
    payment_record(
        actor=billing(),
        customer=world.customer,
        amount=D("5.00"),
        received_date=dt.date(2026, 11, 3),
    )
    after = month_end_report(start=START, end=END)
    assert after == before
    november = month_end_report(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30))
    assert november.shipped_not_invoiced == [] and not november.period.closed
    assert [(m.key, m.total) for m in november.revenue_by_month] == [("2026-11", D("31.88"))]


def test_each_section_exports_as_csv_and_xlsx_without_running_formulas(world):
    _history(world)
    r = month_end_report(start=START, end=END)
    data, ctype, name = month_end_export(r, section="invoiced-not-shipped", fmt="csv")
    assert ctype.startswith("text/csv")
    assert name == "month-end-2026-10-01-2026-10-31-invoiced-not-shipped.csv"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["order", "customer", "customer name", "line", "sku"]
    assert rows[1][1:3] == ["B0001", '\'=HYPERLINK("http://x.example","pay")']
    assert rows[1][5:10] == ["0", "2", "2", "10", "20"]
    data, ctype, _ = month_end_export(r, section="revenue-by-customer", fmt="xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][:3] == ["B0001", '\'=HYPERLINK("http://x.example","pay")', 1]
    for section in ("shipped-not-invoiced", "backlog", "revenue", "credits", "cash"):
        for fmt in ("csv", "xlsx"):
            assert month_end_export(r, section=section, fmt=fmt)[0]
    with pytest.raises(DomainError):
        month_end_export(r, section="nope", fmt="csv")


def test_a_period_that_ends_before_it_starts_is_refused(db):
    with pytest.raises(DomainError) as err:
        month_end_report(start=END, end=START)
    assert err.value.field == "end"

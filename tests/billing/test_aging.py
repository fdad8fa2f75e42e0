"""Aging buckets: exact at the boundaries, credits current, unapplied cash, past dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from orderdesk.billing.ledger import aging, aging_totals, bucket_of
from orderdesk.billing.payments import payment_apply, payment_record
from orderdesk.billing.selectors import exposure

from .ledger_world import billing, customer, opening, posted_credit, posted_invoice

pytestmark = pytest.mark.django_db

D = Decimal
AS_OF = dt.date(2026, 10, 31)

#: days past due → the bucket it must land in
BOUNDARIES = [
    (-5, "current"),
    (0, "current"),
    (1, "d1_30"),
    (30, "d1_30"),
    (31, "d31_60"),
    (60, "d31_60"),
    (61, "d61_90"),
    (90, "d61_90"),
    (91, "d90_plus"),
    (400, "d90_plus"),
]


@pytest.mark.parametrize(("days", "bucket"), BOUNDARIES)
def test_bucket_of_each_boundary(days, bucket):
    assert bucket_of(days) == bucket
    assert bucket_of(days, credit=True) == "current"


def _buckets(row) -> dict[str, Decimal]:  # type: ignore[no-untyped-def]
    return {
        "current": row.current,
        "d1_30": row.d1_30,
        "d31_60": row.d31_60,
        "d61_90": row.d61_90,
        "d90_plus": row.d90_plus,
    }


def test_aging_puts_each_item_in_its_bucket_exactly_at_the_boundaries():
    c = customer()
    # Amounts are powers of two, so every bucket's sum says exactly which items are in it.
    for n, (days, _) in enumerate(BOUNDARIES):
        due = AS_OF - dt.timedelta(days=days)
        opening(c, f"OB-{n}", str(2**n), due=due, dated=min(due, AS_OF))
    row = aging(as_of=AS_OF, customer=c)
    assert len(row) == 1
    assert _buckets(row[0]) == {
        "current": D(1 + 2),
        "d1_30": D(4 + 8),
        "d31_60": D(16 + 32),
        "d61_90": D(64 + 128),
        "d90_plus": D(256 + 512),
    }
    assert row[0].total == D(1023) and row[0].unapplied == D(0)


def test_credits_are_current_and_unapplied_cash_comes_off_the_total():
    c = customer()
    inv = posted_invoice(
        c,
        "INV-1",
        "500.00",
        invoice_date=AS_OF - dt.timedelta(70),
        due_date=AS_OF - dt.timedelta(40),
    )
    posted_credit(c, "CM-1", "80.00", memo_date=AS_OF - dt.timedelta(100), invoice=inv)
    payment_record(
        actor=billing(),
        customer=c,
        amount=D("50.00"),
        received_date=AS_OF,
        apply_to=[],
    )
    [row] = aging(as_of=AS_OF, customer=c)
    assert _buckets(row) == {
        "current": D("-80.00"),
        "d1_30": D(0),
        "d31_60": D("500.00"),
        "d61_90": D(0),
        "d90_plus": D(0),
    }
    assert (row.unapplied, row.total, row.past_due) == (D(50), D("370.00"), D(500))
    # the credit check reads the same figures
    ex = exposure(c, today=AS_OF, grace_days=0)
    assert (ex.open_receivables, ex.unapplied_cash, ex.past_due) == (D(370), D(50), D(500))
    assert ex.oldest_past_due_days == 40


def test_aging_of_a_past_day_shows_the_ledger_as_it_stood_then():
    c = customer()
    day1 = dt.date(2026, 9, 1)
    inv = posted_invoice(c, "INV-1", "300.00", invoice_date=day1, due_date=day1)
    pay = payment_record(
        actor=billing(), customer=c, amount=D("100.00"), received_date=dt.date(2026, 9, 10)
    )
    assert pay.unapplied == D(0)
    later = payment_record(
        actor=billing(),
        customer=c,
        amount=D("120.00"),
        received_date=dt.date(2026, 9, 20),
        apply_to=[],
    )
    payment_apply(actor=billing(), payment=later, on=dt.date(2026, 10, 5))
    memo = posted_credit(c, "CM-1", "30.00", memo_date=dt.date(2026, 9, 25), invoice=inv)
    payment_apply(actor=billing(), credit=memo.receivable, on=dt.date(2026, 10, 6))
    posted_invoice(c, "INV-2", "999.00", invoice_date=dt.date(2026, 10, 2))

    def figures(day: dt.date) -> tuple[Decimal, ...]:
        [row] = aging(as_of=day, customer=c)
        return (row.current, row.d1_30, row.d31_60, row.unapplied, row.total)

    assert aging(as_of=dt.date(2026, 8, 31), customer=c) == []
    assert figures(dt.date(2026, 9, 1)) == (D(300), D(0), D(0), D(0), D(300))
    assert figures(dt.date(2026, 9, 10)) == (D(0), D(200), D(0), D(0), D(200))
    assert figures(dt.date(2026, 9, 30)) == (D(-30), D(200), D(0), D(120), D(50))
    # 10-05: the cash went to INV-1 (80 left), the credit is used only the next day
    assert figures(dt.date(2026, 10, 5)) == (D(969), D(0), D(80), D(0), D(1049))
    assert figures(dt.date(2026, 10, 6)) == (D(999), D(0), D(50), D(0), D(1049))
    assert figures(AS_OF) == figures(dt.date(2026, 10, 6))


def test_aging_has_a_row_per_customer_and_totals_per_currency():
    a, b = customer(account_number="A0001"), customer(account_number="B0001")
    cad = customer(account_number="C0001", currency="CAD")
    opening(a, "A-1", "100", due=AS_OF - dt.timedelta(days=5))
    opening(b, "B-1", "40", due=AS_OF + dt.timedelta(days=5))
    opening(cad, "C-1", "70", due=AS_OF - dt.timedelta(days=95))
    opening(customer(), "Z-1", "10", due=AS_OF, open_amount="0")  # settled: no row
    rows = aging(as_of=AS_OF)
    assert [(r.account_number, r.currency, r.total) for r in rows] == [
        ("A0001", "USD", D(100)),
        ("B0001", "USD", D(40)),
        ("C0001", "CAD", D(70)),
    ]
    totals = {t.currency: t for t in aging_totals(rows)}
    assert (totals["USD"].current, totals["USD"].d1_30, totals["USD"].total) == (
        D(40),
        D(100),
        D(140),
    )
    assert (totals["CAD"].d90_plus, totals["CAD"].customers) == (D(70), 1)

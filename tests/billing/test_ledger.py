"""The customer ledger through the services: entries, running balance, balance identity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderdesk.billing.credit_memos import credit_memo_create
from orderdesk.billing.invoicing import invoice_for_shipment
from orderdesk.billing.ledger import customer_balance, ledger, open_items
from orderdesk.billing.models import Receivable
from orderdesk.billing.payments import payment_record
from orderdesk.billing.selectors import exposure

from .invoicing_world import place, ship
from .ledger_world import billing, opening, shipped_and_invoiced, two_ten_net_30

pytestmark = pytest.mark.django_db

D = Decimal


def _history(world):  # type: ignore[no-untyped-def]
    """Two invoices (4 × 10.00 and 2 × 10.00 with 6.25% tax), a credit memo for one unit of
    the first, a payment of 50.00 and an opening balance imported half paid."""
    # both orders placed before anything is past due, so no credit hold stops the second
    o1 = place(world, (world.items[0].sku, "4"))
    o2 = place(world, (world.items[1].sku, "2"), customer_po="PO-2")
    inv1 = invoice_for_shipment(
        actor=billing(), shipment=ship(o1, {1: "4"}, ship_date=dt.date(2026, 10, 5))
    )
    inv2 = invoice_for_shipment(
        actor=billing(), shipment=ship(o2, {1: "2"}, ship_date=dt.date(2026, 10, 8))
    )
    opening(world.customer, "OLD-1", "90.00", due=dt.date(2026, 9, 1), open_amount="45.00",
            dated=dt.date(2026, 8, 1))  # fmt: skip
    memo = credit_memo_create(
        actor=billing(),
        invoice=inv1,
        lines=[(inv1.lines.get(), D(1))],
        reason="damaged in transit",
        memo_date=dt.date(2026, 10, 10),
    )
    pay = payment_record(
        actor=billing(),
        customer=world.customer,
        amount=D("50.00"),
        received_date=dt.date(2026, 10, 15),
        reference="CHK 4411",
    )
    return inv1, inv2, memo, pay


def test_the_ledger_lists_every_posting_with_its_running_balance(world):
    inv1, inv2, memo, pay = _history(world)
    assert (inv1.total, inv2.total, memo.total) == (D("42.50"), D("21.25"), D("10.63"))
    with CaptureQueriesContext(connection) as ctx:
        book = ledger(customer=world.customer)
    assert len(ctx.captured_queries) == 3
    assert [(e.date.isoformat(), e.kind, e.number, e.amount, e.balance) for e in book.entries] == [
        ("2026-08-01", "opening", "OLD-1", D("45.00"), D("45.00")),
        ("2026-10-05", "invoice", inv1.number, D("42.50"), D("87.50")),
        ("2026-10-08", "invoice", inv2.number, D("21.25"), D("108.75")),
        ("2026-10-10", "credit_memo", memo.number, D("-10.63"), D("98.12")),
        ("2026-10-15", "payment", pay.number, D("-50.00"), D("48.12")),
    ]
    assert book.opening == D(0) and book.closing == D("48.12")
    assert book.entries[1].description == f"Invoice, order {inv1.order.number}"
    assert book.entries[3].description == "Credit memo: damaged in transit"
    assert book.entries[4].description == "Payment, Check CHK 4411"
    assert book.entries[4].detail == f"Applied to OLD-1 45.00, {inv1.number} 5.00"
    assert book.entries[3].detail == f"Applied to {inv1.number} 10.63"
    # the opening item was paid first (oldest due), then the first invoice
    assert [(e.number, e.open_amount) for e in book.entries] == [
        ("OLD-1", D(0)),
        (inv1.number, D("31.87") - D("5.00")),
        (inv2.number, D("21.25")),
        (memo.number, D(0)),
        (pay.number, D(0)),
    ]


def test_a_ledger_between_two_dates_starts_from_the_balance_before_them(world):
    _, inv2, memo, _ = _history(world)
    book = ledger(customer=world.customer, start=dt.date(2026, 10, 6), end=dt.date(2026, 10, 10))
    assert book.opening == D("87.50")
    assert [(e.number, e.balance) for e in book.entries] == [
        (inv2.number, D("108.75")),
        (memo.number, D("98.12")),
    ]
    assert book.closing == D("98.12")


def test_the_balance_is_invoices_less_credits_less_payments(world):
    inv1, inv2, memo, pay = _history(world)
    balance = customer_balance(world.customer)
    assert (balance.invoices, balance.credits, balance.payments, balance.discounts) == (
        D("45.00") + inv1.total + inv2.total,
        memo.total,
        pay.amount,
        D(0),
    )
    assert balance.balance == D("48.12") == ledger(customer=world.customer).closing
    items = Receivable.objects.filter(customer=world.customer)
    assert balance.open_items == sum((r.open_amount for r in items), D(0))
    assert exposure(world.customer, today=dt.date(2026, 10, 15)).open_receivables == D("48.12")


def test_a_discount_taken_is_a_ledger_entry_and_keeps_the_balance(world):
    world.customer.payment_terms = two_ten_net_30()
    world.customer.save(update_fields=["payment_terms"])
    _, inv = shipped_and_invoiced(world, (world.items[0].sku, "10"), ship_date=dt.date(2026, 10, 1))
    assert (inv.total, inv.discount_amount, inv.discount_date) == (
        D("106.25"),
        D("2.13"),
        dt.date(2026, 10, 11),
    )
    payment_record(
        actor=billing(),
        customer=world.customer,
        amount=D("104.12"),
        received_date=dt.date(2026, 10, 11),
    )
    book = ledger(customer=world.customer)
    assert [(e.kind, e.amount, e.balance) for e in book.entries] == [
        ("invoice", D("106.25"), D("106.25")),
        ("payment", D("-104.12"), D("2.13")),
        ("discount", D("-2.13"), D(0)),
    ]
    balance = customer_balance(world.customer)
    assert (balance.discounts, balance.balance) == (D("2.13"), D(0))


def test_open_items_say_how_many_days_past_due(world):
    _, inv1 = shipped_and_invoiced(world, (world.items[0].sku, "1"), ship_date=dt.date(2026, 9, 1))
    rows = open_items(world.customer, as_of=dt.date(2026, 10, 5))
    assert [(r.item.document_number, r.days_past_due, r.bucket) for r in rows] == [
        (inv1.number, 4, "d1_30")
    ]

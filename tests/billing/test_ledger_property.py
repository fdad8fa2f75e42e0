"""Property: for any sequence of invoices, payments, applications and credit memos posted
through the services, the ledger reconciles with the documents after every step.

Checked after each step: Σ open − Σ unapplied = Σ invoice totals − Σ credit memo totals −
Σ payments − Σ discounts taken; no invoice item below 0 or above its amount, no credit item
above 0 or below its amount, no payment's unapplied cash outside 0..amount; each item's
movement equals its applications; each payment's applied cash equals its applications; an
invoice with nothing open is paid or credited, one with something open is open; and the
ledger, the balance, the credit exposure and the aging (as of every day so far) agree.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.db.models import F, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orderdesk.billing.credit_memos import credit_memo_create
from orderdesk.billing.invoicing import invoice_for_shipment
from orderdesk.billing.ledger import aging, customer_balance, ledger
from orderdesk.billing.models import (
    CreditMemo,
    CreditMemoLine,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentApplication,
    Receivable,
)
from orderdesk.billing.payments import payment_apply, payment_record
from orderdesk.billing.selectors import exposure
from orderdesk.core.fields import AmountField, QuantityField

from .invoicing_world import place, ship
from .ledger_world import billing, two_ten_net_30

pytestmark = pytest.mark.django_db

D = Decimal
ZERO = D(0)
BASE = dt.date(2026, 9, 1)

SHIP = st.tuples(st.just("ship"), st.integers(1, 6), st.integers(0, 3))
OPS = st.one_of(
    SHIP,
    SHIP,
    st.tuples(
        st.just("pay"),
        st.integers(1, 130),
        st.integers(0, 20),
        st.sampled_from(["auto", "named", "none"]),
    ),
    st.tuples(st.just("settle"), st.integers(0, 14)),
    st.tuples(st.just("apply"), st.integers(0, 9), st.integers(0, 5)),
    st.tuples(st.just("credit"), st.integers(0, 9), st.integers(1, 3), st.integers(0, 5)),
)


def _sum(qs: Any, field: Any) -> Decimal:
    return qs.aggregate(s=Sum(field, output_field=AmountField()))["s"] or ZERO


def _check(customer: Any, days: list[dt.date]) -> None:
    items = Receivable.objects.filter(customer=customer)
    pays = Payment.objects.filter(customer=customer)
    apps = PaymentApplication.objects.filter(receivable__customer=customer)
    open_total = _sum(items, "open_amount")
    unapplied = _sum(pays, "unapplied")
    documents = (
        _sum(Invoice.objects.filter(customer=customer), "total")
        - _sum(CreditMemo.objects.filter(customer=customer), "total")
        - _sum(pays, "amount")
        - _sum(apps, "discount")
    )
    assert open_total - unapplied == documents
    for r in items:
        into = _sum(apps.filter(receivable=r), F("amount") + F("discount"))
        given_ = _sum(PaymentApplication.objects.filter(credit=r), "amount")
        assert r.amount - r.open_amount == into - given_, r.document_number
        if r.amount > 0:
            assert ZERO <= r.open_amount <= r.amount, r.document_number
        else:
            assert r.amount <= r.open_amount <= ZERO, r.document_number
    for p in pays:
        assert ZERO <= p.unapplied <= p.amount
        assert p.amount - p.unapplied == _sum(apps.filter(payment=p), "amount")
    for inv in Invoice.objects.filter(customer=customer).select_related("receivable"):
        settled = inv.receivable.open_amount == 0
        assert (inv.status != InvoiceStatus.OPEN) == settled, inv.number
    balance = customer_balance(customer)
    assert balance.balance == documents == ledger(customer=customer).closing
    assert exposure(customer, today=BASE + dt.timedelta(400)).open_receivables == documents
    for day in days:
        rows = aging(as_of=day, customer=customer)
        total = sum((r.total for r in rows), ZERO)
        assert total == ledger(customer=customer, end=day).closing, day


def _run(world: Any, ops: list[tuple[Any, ...]]) -> None:
    actor = billing()
    customer = world.customer
    order = place(world, (world.items[0].sku, "30"))
    invoices: list[Invoice] = []
    payments: list[Payment] = []
    days: list[dt.date] = [BASE]
    day = BASE
    for op in ops:
        kind = op[0]
        if kind == "ship":
            line = order.lines.get()
            q = min(op[1], int(line.qty_remaining))
            if q <= 0:
                continue
            day = day + dt.timedelta(days=op[2])
            invoices.append(
                invoice_for_shipment(actor=actor, shipment=ship(order, {1: str(q)}, ship_date=day))
            )
        elif kind == "pay":
            # a share of what is open (up to 130 %: some cash stays unapplied), received a
            # few days after the latest invoice (within its 2/10 discount days or not)
            owed = _sum(Receivable.objects.filter(customer=customer), "open_amount")
            amount = max(D("0.01"), (owed * op[1] / 100).quantize(D("0.01")))
            received = day + dt.timedelta(days=op[2])
            apply_to: Any = None
            if op[3] == "none":
                apply_to = []
            elif op[3] == "named":
                open_items = list(Receivable.objects.filter(customer=customer, open_amount__gt=0))
                if open_items:
                    last = open_items[-1]
                    apply_to = [(last, min(amount, last.open_amount))]
            payments.append(
                payment_record(
                    actor=actor,
                    customer=customer,
                    amount=amount,
                    received_date=received,
                    apply_to=apply_to,
                )
            )
            days.append(received)
        elif kind == "settle":
            # the oldest open invoice less its early-payment discount, in time or too late
            oldest = (
                Receivable.objects.filter(customer=customer, open_amount__gt=0)
                .select_related("invoice")
                .order_by("due_date", "document_date", "pk")
                .first()
            )
            if oldest is None:
                continue
            discount = oldest.invoice.discount_amount if oldest.open_amount == oldest.amount else 0
            received = oldest.document_date + dt.timedelta(days=op[1])
            payments.append(
                payment_record(
                    actor=actor,
                    customer=customer,
                    amount=oldest.open_amount - discount,
                    received_date=received,
                )
            )
            days.append(received)
        elif kind == "apply":
            if not payments:
                continue
            pay = Payment.objects.get(pk=payments[op[1] % len(payments)].pk)
            has_open = Receivable.objects.filter(customer=customer, open_amount__gt=0).exists()
            if pay.unapplied == 0 or not has_open:
                continue
            on = pay.received_date + dt.timedelta(days=op[2])
            payment_apply(actor=actor, payment=pay, on=on)
            days.append(on)
        elif kind == "credit":
            if not invoices:
                continue
            inv = invoices[op[1] % len(invoices)]
            inv_line = inv.lines.get()
            credited = (
                CreditMemoLine.objects.filter(invoice_line=inv_line).aggregate(
                    s=Sum("quantity", output_field=QuantityField())
                )["s"]
                or ZERO
            )
            q = min(D(op[2]), inv_line.quantity - credited)
            if q <= 0:
                continue
            on = inv.invoice_date + dt.timedelta(days=op[3])
            credit_memo_create(
                actor=actor, invoice=inv, lines=[(inv_line, q)], reason="returned", memo_date=on
            )
            days.append(on)
        days.append(day)
        _check(customer, sorted(set(days)))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    ops=st.tuples(SHIP).flatmap(
        lambda first: st.lists(OPS, max_size=12).map(lambda rest: [*first, *rest])
    )
)
def test_the_ledger_reconciles_after_any_sequence_of_postings(world, ops):
    world.customer.payment_terms = two_ten_net_30()  # discounts within 10 days
    world.customer.save(update_fields=["payment_terms"])
    with transaction.atomic():
        _run(world, ops)
        transaction.set_rollback(True)

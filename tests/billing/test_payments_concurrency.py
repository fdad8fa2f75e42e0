"""Payments recorded at the same moment by real concurrent clients never over-apply.

PostgreSQL only: each client is its own process with its own connection. The customer's
open items are locked before any cash is planned, so the second payment sees what the
first left open.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import F, Sum

from orderdesk.billing.models import Payment, PaymentApplication, Receivable
from orderdesk.core.fields import AmountField
from orderdesk.core.roles import Role

from ..concurrency import run_in_processes
from ..factories import UserFactory
from .ledger_world import customer, posted_invoice

D = Decimal
DAY = dt.date(2026, 10, 1)
HERE = "tests.billing.test_payments_concurrency"


def record(user_id: int, customer_id: int, amount: str, apply_to: list[tuple[int, str]],
           barrier: Any) -> str:  # fmt: skip
    """One client: wait for the others, then record one payment; "ok" or the refusal code."""
    from orderdesk.billing.payments import payment_record
    from orderdesk.core.errors import DomainError
    from orderdesk.core.models import User
    from orderdesk.parties.models import Customer

    user = User.objects.get(pk=user_id)
    cust = Customer.objects.get(pk=customer_id)
    items = [(Receivable.objects.get(pk=pk), D(a)) for pk, a in apply_to]
    barrier.wait(timeout=120)
    try:
        payment_record(
            actor=user,
            customer=cust,
            amount=D(amount),
            received_date=DAY,
            apply_to=items or None,
        )
    except DomainError as exc:
        return exc.code
    return "ok"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_clients_paying_at_once_settle_each_invoice_exactly_once():
    c = customer()
    invoices = [
        posted_invoice(c, f"INV-{n}", "100.00", invoice_date=DAY, due_date=DAY + dt.timedelta(n))
        for n in range(5)
    ]
    user = UserFactory(role=Role.BILLING)
    barrier = multiprocessing.get_context("spawn").Barrier(10)
    results = run_in_processes(
        f"{HERE}:record", [(user.pk, c.pk, "80.00", [], barrier) for _ in range(10)]
    )
    assert results == ["ok"] * 10
    assert (
        list(
            Receivable.objects.filter(pk__in=[i.receivable_id for i in invoices])
            .order_by("pk")
            .values_list("open_amount", flat=True)
        )
        == [D(0)] * 5
    )
    applied = PaymentApplication.objects.aggregate(s=Sum("amount", output_field=AmountField()))
    assert applied["s"] == D("500.00")
    pays = Payment.objects.aggregate(
        a=Sum("amount", output_field=AmountField()), u=Sum("unapplied", output_field=AmountField())
    )
    assert (pays["a"], pays["u"]) == (D("800.00"), D("300.00"))
    per_item = (
        PaymentApplication.objects.values("receivable_id")
        .annotate(s=Sum(F("amount") + F("discount"), output_field=AmountField()))
        .values_list("s", flat=True)
    )
    assert sorted(per_item) == [D("100.00")] * 5
    # the payments really overlapped: more than one of them applied cash
    assert Payment.objects.filter(unapplied__lt=F("amount")).count() > 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clients_naming_the_same_invoice_cannot_both_apply_to_it():
    c = customer()
    inv = posted_invoice(c, "INV-1", "100.00", invoice_date=DAY)
    user = UserFactory(role=Role.BILLING)
    barrier = multiprocessing.get_context("spawn").Barrier(8)
    results = run_in_processes(
        f"{HERE}:record",
        [(user.pk, c.pk, "60.00", [(inv.receivable_id, "60.00")], barrier) for _ in range(8)],
    )
    assert sorted(results) == ["ok"] + ["over_applied"] * 7
    assert Receivable.objects.get(pk=inv.receivable_id).open_amount == D("40.00")
    assert Payment.objects.count() == 1
    assert PaymentApplication.objects.get().amount == D("60.00")

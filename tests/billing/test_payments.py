"""Payments: oldest due first, partial, unapplied, discounts in terms, credits, order close."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from orderdesk.billing.errors import BillingErrorCode
from orderdesk.billing.models import (
    InvoiceStatus,
    Payment,
    PaymentApplication,
    PeriodClose,
    Receivable,
)
from orderdesk.billing.payments import payment_apply, payment_record
from orderdesk.billing.periods import period_close
from orderdesk.core.errors import DomainError, Forbidden
from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.orders.states import OrderStatus

from ..factories import UserFactory
from .ledger_world import (
    billing,
    customer,
    opening,
    posted_credit,
    posted_invoice,
    shipped_and_invoiced,
)

pytestmark = pytest.mark.django_db

D = Decimal
DAY = dt.date(2026, 10, 1)


def _opens(*items: Receivable) -> list[Decimal]:
    return [Receivable.objects.get(pk=i.pk).open_amount for i in items]


def _three(c):  # type: ignore[no-untyped-def]
    # created newest first, so the oldest-due order is not the insertion order
    i3 = posted_invoice(c, "INV-3", "300.00", invoice_date=DAY, due_date=DAY + dt.timedelta(30))
    i1 = posted_invoice(c, "INV-1", "100.00", invoice_date=DAY, due_date=DAY + dt.timedelta(10))
    i2 = posted_invoice(c, "INV-2", "200.00", invoice_date=DAY, due_date=DAY + dt.timedelta(20))
    return i1, i2, i3


def test_cash_goes_to_the_oldest_due_first_and_a_partial_leaves_the_rest_open():
    c = customer()
    i1, i2, i3 = _three(c)
    pay = payment_record(actor=billing(), customer=c, amount=D("250.00"), received_date=DAY)
    assert pay.number.startswith("PAY")
    assert pay.unapplied == D(0) == Payment.objects.get(pk=pay.pk).unapplied
    assert _opens(i1.receivable, i2.receivable, i3.receivable) == [D(0), D(50), D(300)]
    apps = list(PaymentApplication.objects.filter(payment=pay).order_by("pk"))
    assert [(a.receivable.document_number, a.amount, a.discount) for a in apps] == [
        ("INV-1", D(100), D(0)),
        ("INV-2", D(150), D(0)),
    ]
    assert all(a.applied_on == DAY for a in apps)
    i1.refresh_from_db()
    i2.refresh_from_db()
    assert (i1.status, i2.status) == (InvoiceStatus.PAID, InvoiceStatus.OPEN)


def test_cash_beyond_what_is_open_stays_unapplied():
    c = customer()
    i1, i2, i3 = _three(c)
    pay = payment_record(actor=billing(), customer=c, amount=D("650.00"), received_date=DAY)
    assert _opens(i1.receivable, i2.receivable, i3.receivable) == [D(0), D(0), D(0)]
    assert Payment.objects.get(pk=pay.pk).unapplied == D("50.00")


def test_cash_to_the_items_billing_names_and_the_rest_unapplied():
    c = customer()
    i1, i2, i3 = _three(c)
    pay = payment_record(
        actor=billing(),
        customer=c,
        amount=D("400.00"),
        received_date=DAY,
        apply_to=[(i3.receivable, D("300.00")), (i2.receivable, D("20.00"))],
    )
    assert _opens(i1.receivable, i2.receivable, i3.receivable) == [D(100), D(180), D(0)]
    assert Payment.objects.get(pk=pay.pk).unapplied == D("80.00")


@pytest.mark.parametrize(
    ("apply_to", "code"),
    [
        ([("INV-1", "100.01")], BillingErrorCode.OVER_APPLIED),  # more than open
        ([("INV-3", "300.00"), ("INV-2", "200.00")], BillingErrorCode.OVER_APPLIED),  # > cash
        ([("INV-1", "10.001")], BillingErrorCode.AMOUNT_INVALID),
        ([("INV-1", "0")], BillingErrorCode.AMOUNT_INVALID),
        ([("INV-1", "10"), ("INV-1", "10")], BillingErrorCode.INVALID),
        ([("OTHER", "10")], BillingErrorCode.CUSTOMER_MISMATCH),
    ],
)
def test_a_refused_application_writes_nothing(apply_to, code):
    c = customer()
    i1, i2, i3 = _three(c)
    other = posted_invoice(customer(), "OTHER", "50.00", invoice_date=DAY)
    items = {i.number: i.receivable for i in (i1, i2, i3, other)}
    with pytest.raises(DomainError) as err:
        payment_record(
            actor=billing(),
            customer=c,
            amount=D("400.00"),
            received_date=DAY,
            apply_to=[(items[n], D(a)) for n, a in apply_to],
        )
    assert err.value.code == code
    assert Payment.objects.count() == 0
    assert PaymentApplication.objects.count() == 0
    assert _opens(i1.receivable, i2.receivable, i3.receivable) == [D(100), D(200), D(300)]


@pytest.mark.parametrize("amount", ["0", "-5", "12.345", "NaN"])
def test_an_amount_that_is_not_money_is_refused(amount):
    c = customer()
    with pytest.raises(DomainError) as err:
        payment_record(actor=billing(), customer=c, amount=D(amount), received_date=DAY)
    assert err.value.code == BillingErrorCode.AMOUNT_INVALID
    assert Payment.objects.count() == 0


def test_only_billing_records_payments():
    c = customer()
    i1, *_ = _three(c)
    with pytest.raises(Forbidden):
        payment_record(
            actor=UserFactory(role=Role.ORDER_CLERK), customer=c, amount=D(10), received_date=DAY
        )
    assert Payment.objects.count() == 0
    assert _opens(i1.receivable) == [D(100)]


def test_the_discount_is_taken_when_paid_within_its_terms():
    c = customer()
    inv = posted_invoice(
        c,
        "INV-D",
        "1000.00",
        invoice_date=DAY,
        discount_date=DAY + dt.timedelta(10),
        discount="20.00",
    )
    pay = payment_record(
        actor=billing(), customer=c, amount=D("980.00"), received_date=DAY + dt.timedelta(10)
    )
    app = PaymentApplication.objects.get(payment=pay)
    assert (app.amount, app.discount) == (D("980.00"), D("20.00"))
    assert _opens(inv.receivable) == [D(0)]
    assert Payment.objects.get(pk=pay.pk).unapplied == D(0)
    inv.refresh_from_db()
    assert inv.status == InvoiceStatus.PAID


def test_no_discount_a_day_after_its_terms():
    c = customer()
    inv = posted_invoice(
        c,
        "INV-D",
        "1000.00",
        invoice_date=DAY,
        discount_date=DAY + dt.timedelta(10),
        discount="20.00",
    )
    pay = payment_record(
        actor=billing(), customer=c, amount=D("980.00"), received_date=DAY + dt.timedelta(11)
    )
    app = PaymentApplication.objects.get(payment=pay)
    assert (app.amount, app.discount) == (D("980.00"), D(0))
    assert _opens(inv.receivable) == [D("20.00")]
    inv.refresh_from_db()
    assert inv.status == InvoiceStatus.OPEN


def test_no_discount_when_the_cash_does_not_cover_open_less_discount():
    c = customer()
    inv = posted_invoice(
        c, "INV-D", "1000.00", invoice_date=DAY, discount_date=DAY + dt.timedelta(10), discount="20"
    )
    payment_record(actor=billing(), customer=c, amount=D("979.99"), received_date=DAY)
    assert _opens(inv.receivable) == [D("20.01")]
    assert PaymentApplication.objects.get().discount == D(0)


def test_a_named_amount_within_the_discount_settles_the_item():
    c = customer()
    inv = posted_invoice(
        c, "INV-D", "1000.00", invoice_date=DAY, discount_date=DAY + dt.timedelta(10), discount="20"
    )
    pay = payment_record(
        actor=billing(),
        customer=c,
        amount=D("1000.00"),
        received_date=DAY,
        apply_to=[(inv.receivable, D("985.00"))],
    )
    app = PaymentApplication.objects.get(payment=pay)
    assert (app.amount, app.discount) == (D("985.00"), D("15.00"))
    assert _opens(inv.receivable) == [D(0)]
    assert Payment.objects.get(pk=pay.pk).unapplied == D("15.00")


def test_open_credit_memos_are_applied_to_the_oldest_invoices_before_the_cash():
    c = customer()
    i1, i2, i3 = _three(c)
    memo = posted_credit(c, "CM-1", "150.00", memo_date=DAY, invoice=i3)
    pay = payment_record(actor=billing(), customer=c, amount=D("100.00"), received_date=DAY)
    assert _opens(i1.receivable, i2.receivable, i3.receivable, memo.receivable) == [
        D(0),
        D(50),
        D(300),
        D(0),
    ]
    credit_apps = list(PaymentApplication.objects.filter(credit=memo.receivable).order_by("pk"))
    assert [(a.receivable.document_number, a.amount, a.payment_id) for a in credit_apps] == [
        ("INV-1", D(100), None),
        ("INV-2", D(50), None),
    ]
    cash = PaymentApplication.objects.get(payment=pay)
    assert (cash.receivable.document_number, cash.amount) == ("INV-2", D(100))
    i1.refresh_from_db()
    assert i1.status == InvoiceStatus.CREDITED  # no cash went to it


def test_unapplied_cash_is_applied_later_and_then_a_credit_memo():
    c = customer()
    pay = payment_record(actor=billing(), customer=c, amount=D("120.00"), received_date=DAY)
    assert pay.unapplied == D("120.00")
    i1, i2, i3 = _three(c)
    apps = payment_apply(
        actor=billing(),
        payment=pay,
        applications=[(i2.receivable, D("70.00"))],
        on=DAY + dt.timedelta(1),
    )
    assert [(a.receivable_id, a.amount) for a in apps] == [(i2.receivable_id, D(70))]
    assert Payment.objects.get(pk=pay.pk).unapplied == D("50.00")
    payment_apply(actor=billing(), payment=pay, on=DAY + dt.timedelta(2))  # oldest first
    assert _opens(i1.receivable, i2.receivable) == [D(50), D(130)]
    assert Payment.objects.get(pk=pay.pk).unapplied == D(0)
    memo = posted_credit(c, "CM-9", "40.00", memo_date=DAY, invoice=i3)
    payment_apply(
        actor=billing(),
        credit=memo.receivable,
        applications=[(i3.receivable, D("40.00"))],
        on=DAY + dt.timedelta(3),
    )
    assert _opens(i3.receivable, memo.receivable) == [D(260), D(0)]
    with pytest.raises(DomainError) as err:
        payment_apply(actor=billing(), payment=pay, on=DAY + dt.timedelta(3))
    assert err.value.code == BillingErrorCode.OVER_APPLIED


def test_a_credit_cannot_be_applied_beyond_what_is_left_of_it():
    c = customer()
    i1, *_ = _three(c)
    memo = posted_credit(c, "CM-1", "30.00", memo_date=DAY, invoice=i1)
    with pytest.raises(DomainError) as err:
        payment_apply(
            actor=billing(), credit=memo.receivable, applications=[(i1.receivable, D(31))]
        )
    assert err.value.code == BillingErrorCode.OVER_APPLIED
    assert _opens(i1.receivable, memo.receivable) == [D(100), D(-30)]
    assert PaymentApplication.objects.count() == 0


def test_a_payment_in_a_closed_period_is_refused():
    c = customer()
    i1, *_ = _three(c)
    period_close(actor=billing(), through=dt.date(2026, 10, 31), reason="October")
    with pytest.raises(DomainError) as err:
        payment_record(actor=billing(), customer=c, amount=D(10), received_date=DAY)
    assert err.value.code == BillingErrorCode.PERIOD_CLOSED
    assert Payment.objects.count() == 0 and _opens(i1.receivable) == [D(100)]
    assert PeriodClose.objects.count() == 1
    pay = payment_record(
        actor=billing(), customer=c, amount=D(10), received_date=dt.date(2026, 11, 1)
    )
    assert pay.unapplied == D(0)


def test_an_opening_balance_is_paid_like_an_invoice_and_events_tell_what_happened():
    c = customer()
    item = opening(c, "OLD-7", "500.00", due=DAY, open_amount="120.00")
    pay = payment_record(
        actor=billing(), customer=c, amount=D("200.00"), received_date=DAY, reference="CHK 1001"
    )
    assert _opens(item) == [D(0)]
    assert Payment.objects.get(pk=pay.pk).unapplied == D("80.00")
    actions = list(
        Event.objects.filter(object_type__in=["billing.payment", "billing.receivable"])
        .order_by("id")
        .values_list("action", "before", "after")
    )
    assert actions[0][0] == "payment.recorded"
    assert D(actions[0][2]["amount"]) == D(200) and D(actions[0][2]["unapplied"]) == D(80)
    assert actions[1] == (
        "receivable.applied",
        {"open_amount": "120.0000"},
        {"open_amount": "0.0000"},
    )


def test_the_order_closes_when_its_last_invoice_is_paid(world):
    order, invoice = shipped_and_invoiced(world, (world.items[0].sku, "4"))
    assert order.status == OrderStatus.INVOICED
    total = invoice.total
    payment_record(
        actor=billing(),
        customer=world.customer,
        amount=total - D("0.01"),
        received_date=dt.date(2026, 10, 20),
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.INVOICED
    last = payment_record(
        actor=billing(),
        customer=world.customer,
        amount=D("0.01"),
        received_date=dt.date(2026, 10, 21),
    )
    order.refresh_from_db()
    invoice.refresh_from_db()
    assert (invoice.status, order.status) == (InvoiceStatus.PAID, OrderStatus.CLOSED)
    closed = Event.objects.get(object_type="orders.salesorder", action="order.closed")
    assert closed.before == {"status": "invoiced"}
    assert closed.reason == f"payment {last.number}"
    assert Event.objects.get(action="invoice.paid").reason == f"payment {last.number}"


def test_an_order_with_a_backorder_stays_open_when_its_invoice_is_paid(world):
    from .invoicing_world import place, ship

    order = place(world, (world.items[0].sku, "5"))
    shipment = ship(order, {1: "2"}, ship_date=dt.date(2026, 10, 5))
    from orderdesk.billing.invoicing import invoice_for_shipment

    invoice = invoice_for_shipment(actor=UserFactory(role=Role.WAREHOUSE), shipment=shipment)
    payment_record(
        actor=billing(), customer=world.customer, amount=invoice.total, received_date=DAY
    )
    invoice.refresh_from_db()
    order.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert order.status != OrderStatus.CLOSED


def test_an_order_settled_by_a_credit_memo_closes(world):
    from orderdesk.billing.credit_memos import credit_memo_create
    from orderdesk.billing.payments import orders_close_when_settled

    order, invoice = shipped_and_invoiced(world, (world.items[0].sku, "2"))
    payment_record(actor=billing(), customer=world.customer, amount=D("10.63"), received_date=DAY)
    credit_memo_create(
        actor=billing(),
        invoice=invoice,
        lines=[(invoice.lines.get(), D(1))],
        reason="one unit returned",
        memo_date=dt.date(2026, 10, 6),
    )
    invoice.refresh_from_db()
    assert (invoice.receivable.open_amount, invoice.status) == (D(0), InvoiceStatus.PAID)
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED
    assert orders_close_when_settled(actor=billing(), order_ids=[order.pk], reason="CM") == []

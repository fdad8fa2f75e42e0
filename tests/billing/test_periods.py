"""The period cut-off: closing, reopening, and back-dated postings refused with nothing
written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from orderdesk.billing.credit_memos import credit_memo_create
from orderdesk.billing.errors import BillingConflict, BillingError
from orderdesk.billing.invoicing import invoice_for_order, invoice_for_shipment
from orderdesk.billing.models import (
    CreditMemo,
    Invoice,
    PaymentApplication,
    PeriodClose,
    Receivable,
)
from orderdesk.billing.periods import (
    closed_through,
    period_close,
    period_reopen,
    posting_date_check,
)
from orderdesk.core.errors import Forbidden
from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.notify.models import OutboxMessage

from ..factories import UserFactory
from ..orders.world import build_world
from .invoicing_world import billing_user, place, ship, warehouse_user

pytestmark = pytest.mark.django_db

FEB_28 = dt.date(2026, 2, 28)
MARCH_2 = dt.date(2026, 3, 2)
MARCH_31 = dt.date(2026, 3, 31)


def test_posting_on_or_before_the_closed_date_is_refused_with_the_fix() -> None:
    period_close(actor=billing_user(), through=FEB_28, reason="February closed")

    with pytest.raises(BillingError) as refused:
        posting_date_check(on=FEB_28, what="invoice for shipment SH000001")

    assert refused.value.status == 422
    assert refused.value.code == "period_closed"
    assert refused.value.message == (
        "invoice for shipment SH000001 is dated 2026-02-28, but the books are closed "
        "through 2026-02-28"
    )
    assert refused.value.fix == (
        "post it dated after 2026-02-28, or ask billing to reopen the period"
    )
    with pytest.raises(BillingError):
        posting_date_check(on=dt.date(2026, 1, 15), what="payment")
    posting_date_check(on=dt.date(2026, 3, 1), what="payment")  # the day after: open


def test_nothing_is_closed_before_the_first_close() -> None:
    assert closed_through() is None
    posting_date_check(on=dt.date(2000, 1, 1), what="invoice")


def test_close_moves_forward_only_and_records_an_event() -> None:
    user = billing_user()
    first = period_close(actor=user, through=FEB_28, reason="February")

    with pytest.raises(BillingConflict) as backwards:
        period_close(actor=user, through=dt.date(2026, 1, 31), reason="January")
    with pytest.raises(BillingConflict):
        period_close(actor=user, through=FEB_28, reason="again")

    assert backwards.value.code == "period_backwards"
    assert "already closed through 2026-02-28" in backwards.value.message
    assert list(PeriodClose.objects.values_list("pk", flat=True)) == [first.pk]
    event = Event.objects.get(action="period.closed")
    assert (event.before, event.after) == (
        {"closed_through": None},
        {"closed_through": "2026-02-28"},
    )
    assert (event.actor_id, first.closed_by_id) == (user.pk, user.pk)
    period_close(actor=user, through=MARCH_31, reason="March")
    assert closed_through() == MARCH_31


def test_a_period_that_is_not_over_cannot_be_closed() -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(BillingError) as refused:
        period_close(actor=billing_user(), through=tomorrow, reason="early")
    assert refused.value.field == "through"
    assert PeriodClose.objects.count() == 0


def test_reopen_needs_a_reason_and_moves_the_cut_off_back() -> None:
    user = billing_user()
    period_close(actor=user, through=MARCH_31, reason="March")

    with pytest.raises(BillingError) as no_reason:
        period_reopen(actor=user, through=FEB_28, reason=" ")
    with pytest.raises(BillingConflict):
        period_reopen(actor=user, through=dt.date(2026, 4, 30), reason="forward is a close")
    assert no_reason.value.code == "reason_required"
    assert closed_through() == MARCH_31

    period_reopen(actor=user, through=FEB_28, reason="late supplier credit for March")

    assert closed_through() == FEB_28
    posting_date_check(on=dt.date(2026, 3, 15), what="credit memo")
    event = Event.objects.get(action="period.reopened")
    assert event.reason == "late supplier credit for March"
    assert (event.before, event.after) == (
        {"closed_through": "2026-03-31"},
        {"closed_through": "2026-02-28"},
    )


def test_only_billing_and_managers_close_or_reopen() -> None:
    clerk = UserFactory(role=Role.ORDER_CLERK)
    with pytest.raises(Forbidden):
        period_close(actor=clerk, through=FEB_28, reason="x")
    period_close(actor=UserFactory(role=Role.MANAGER), through=FEB_28, reason="February")
    with pytest.raises(Forbidden):
        period_reopen(
            actor=UserFactory(role=Role.WAREHOUSE), through=dt.date(2026, 1, 31), reason="why not"
        )
    assert closed_through() == FEB_28


def test_back_dated_invoice_is_refused_with_nothing_written() -> None:
    world = build_world()
    order = place(world, (world.items[0].sku, "2"))
    shipment = ship(order, {1: "2"}, ship_date=FEB_28)
    period_close(actor=billing_user(), through=FEB_28, reason="February")
    events = Event.objects.count()
    messages = OutboxMessage.objects.count()

    with pytest.raises(BillingError) as refused:
        invoice_for_shipment(actor=warehouse_user(), shipment=shipment)
    with pytest.raises(BillingError):
        invoice_for_order(actor=billing_user(), order=order)

    assert refused.value.code == "period_closed"
    assert f"shipment {shipment.number}" in refused.value.message
    assert Invoice.objects.count() == Receivable.objects.count() == 0
    assert (Event.objects.count(), OutboxMessage.objects.count()) == (events, messages)
    assert order.lines.get().qty_invoiced == 0
    # dated after the cut-off it goes through, and the refused attempts used no number
    invoice = invoice_for_order(actor=billing_user(), order=order, invoice_date=MARCH_2)[0]
    assert invoice.number == "INV000001"


def test_back_dated_credit_memo_is_refused_with_nothing_written() -> None:
    world = build_world()
    order = place(world, (world.items[0].sku, "2"))
    invoice = invoice_for_shipment(
        actor=warehouse_user(), shipment=ship(order, {1: "2"}, ship_date=FEB_28)
    )
    line = invoice.lines.get()
    user = billing_user()
    period_close(actor=user, through=MARCH_31, reason="March")
    events = Event.objects.count()

    with pytest.raises(BillingError) as refused:
        credit_memo_create(
            actor=user, invoice=invoice, lines=[(line, D(1))], reason="damaged", memo_date=MARCH_2
        )

    assert refused.value.code == "period_closed"
    assert "credit memo for invoice" in refused.value.message
    assert CreditMemo.objects.count() == PaymentApplication.objects.count() == 0
    assert Receivable.objects.get().open_amount == invoice.total
    assert Event.objects.count() == events

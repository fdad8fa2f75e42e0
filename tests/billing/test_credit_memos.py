"""Credit memos: at the invoice line's own amounts, never more than invoiced, restocking fee,
freight given back, applied at once to the open invoice, roles, e-mail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from orderdesk.billing.credit_memos import credit_memo_create
from orderdesk.billing.errors import BillingError
from orderdesk.billing.invoicing import invoice_for_shipment
from orderdesk.billing.models import (
    CreditMemo,
    CreditMemoLine,
    Invoice,
    PaymentApplication,
    Receivable,
)
from orderdesk.core.errors import Forbidden
from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.notify.models import OutboxMessage
from orderdesk.pricing.models import FreightRate

from ..factories import UserFactory
from ..orders.world import build_world
from .invoicing_world import billing_user, place, ship, warehouse_user

pytestmark = pytest.mark.django_db

MARCH_2 = dt.date(2026, 3, 2)
MARCH_20 = dt.date(2026, 3, 20)


def _invoice() -> Invoice:
    """7 at 1.99 (net 13.93, tax 0.87) and 3 at 1.99 (5.97, 0.37), freight 12.50: 33.64."""
    world = build_world(price="1.99", on_hand=10)
    FreightRate.objects.get_or_create(
        ship_method=world.ship_method, currency="USD", defaults={"per_order": D("12.50")}
    )
    order = place(
        world, (world.items[0].sku, "7"), (world.items[1].sku, "3"), freight_payment="prepaid_add"
    )
    shipment = ship(order, {1: "7", 2: "3"}, ship_date=MARCH_2)
    return invoice_for_shipment(actor=warehouse_user(), shipment=shipment)


def _state(invoice: Invoice) -> tuple:
    invoice.refresh_from_db()
    return (
        CreditMemo.objects.count(),
        CreditMemoLine.objects.count(),
        PaymentApplication.objects.count(),
        Receivable.objects.get(pk=invoice.receivable_id).open_amount,
        invoice.status,
        Event.objects.count(),
    )


def test_credit_is_at_the_invoice_lines_amounts_less_an_untaxed_restocking_fee() -> None:
    invoice = _invoice()
    line = invoice.lines.get(line_no=1)

    memo = credit_memo_create(
        actor=billing_user(),
        invoice=invoice,
        lines=[(line, D(3))],
        reason="damaged in transit",
        reference="RMA000001",
        fee_percent=D(15),
        memo_date=MARCH_20,
    )

    rows = list(memo.lines.order_by("line_no"))
    assert [(r.kind, r.invoice_line_id, r.quantity, r.unit_price, r.net, r.tax) for r in rows] == [
        ("goods", line.pk, D(3), D("1.99"), D("5.97"), D("0.37")),  # 13.93×3/7, 0.87×3/7
        ("restocking_fee", None, D(0), D(0), D("-0.90"), D(0)),  # 15% of 5.97 = 0.8955
    ]
    assert rows[1].description == "Restocking fee 15% of 5.97"
    assert (memo.merchandise, memo.fees, memo.tax_total, memo.total) == (
        D("5.97"),
        D("0.90"),
        D("0.37"),
        D("5.44"),
    )
    assert memo.total == memo.merchandise - memo.fees + memo.tax_total
    assert memo.total == sum((r.net + r.tax for r in rows), D(0))
    assert (memo.number, memo.memo_date, memo.reference) == ("CM000001", MARCH_20, "RMA000001")


def test_credit_is_applied_at_once_to_the_open_invoice() -> None:
    invoice = _invoice()
    line = invoice.lines.get(line_no=1)

    memo = credit_memo_create(
        actor=billing_user(),
        invoice=invoice,
        lines=[(line, D(3))],
        reason="damaged",
        fee_percent=D(15),
    )

    memo_item = Receivable.objects.get(pk=memo.receivable_id)
    invoice_item = Receivable.objects.get(pk=invoice.receivable_id)
    assert (memo_item.kind, memo_item.amount, memo_item.open_amount) == (
        "credit_memo",
        D("-5.44"),
        D(0),
    )
    assert invoice_item.open_amount == D("33.64") - D("5.44")
    application = PaymentApplication.objects.get()
    assert (application.payment_id, application.credit_id, application.receivable_id) == (
        None,
        memo_item.pk,
        invoice_item.pk,
    )
    assert application.amount == D("5.44")
    invoice.refresh_from_db()
    assert invoice.status == "open"
    # the ledger: what is open is invoices − credits (no payments yet)
    open_total = sum(Receivable.objects.values_list("open_amount", flat=True), D(0))
    assert open_total == invoice.total - memo.total


def test_crediting_more_than_invoiced_less_credited_is_refused_with_nothing_written() -> None:
    invoice = _invoice()
    line = invoice.lines.get(line_no=1)
    user = billing_user()
    credit_memo_create(actor=user, invoice=invoice, lines=[(line, D(3))], reason="damaged")
    before = _state(invoice)

    with pytest.raises(BillingError) as refused:
        credit_memo_create(actor=user, invoice=invoice, lines=[(line, D(5))], reason="more")

    assert refused.value.code == "over_credit"
    assert refused.value.message == (
        f"line 1 ({line.sku}) of invoice {invoice.number}: 7 invoiced, 3 already credited; "
        "5 more would be too much"
    )
    assert refused.value.fix == "credit at most 4 of line 1"
    assert _state(invoice) == before
    # the same line named twice counts once, in full
    with pytest.raises(BillingError):
        credit_memo_create(
            actor=user, invoice=invoice, lines=[(line, D(2)), (line, D(3))], reason="twice"
        )
    assert _state(invoice) == before


def test_crediting_a_line_in_parts_gives_back_exactly_its_net_and_tax() -> None:
    invoice = _invoice()
    line = invoice.lines.get(line_no=1)
    user = billing_user()

    first = credit_memo_create(actor=user, invoice=invoice, lines=[(line, D(3))], reason="part 1")
    second = credit_memo_create(actor=user, invoice=invoice, lines=[(line, D(4))], reason="part 2")

    assert (second.merchandise, second.tax_total) == (D("7.96"), D("0.50"))
    assert first.merchandise + second.merchandise == line.net
    assert first.tax_total + second.tax_total == line.tax


def test_full_credit_with_freight_makes_the_invoice_credited() -> None:
    invoice = _invoice()
    lines = [(ln, ln.quantity) for ln in invoice.lines.all()]
    freight = invoice.charges.get()

    memo = credit_memo_create(
        actor=billing_user(),
        invoice=invoice,
        lines=lines,
        charges=[(freight, D("12.50"))],
        reason="order refused at delivery",
    )

    freight_line = memo.lines.get(kind="freight")
    assert (freight_line.invoice_charge_id, freight_line.net, freight_line.tax) == (
        freight.pk,
        D("12.50"),
        D(0),
    )
    assert memo.total == invoice.total == D("33.64")
    invoice.refresh_from_db()
    assert invoice.status == "credited"
    assert Receivable.objects.get(pk=invoice.receivable_id).open_amount == 0
    assert Receivable.objects.get(pk=memo.receivable_id).open_amount == 0
    with pytest.raises(BillingError) as again:
        credit_memo_create(
            actor=billing_user(),
            invoice=invoice,
            charges=[(freight, D("0.01"))],
            lines=[],
            reason="x y",
        )
    assert again.value.code == "over_credit"


def test_credit_beyond_what_is_open_stays_on_the_account_and_a_settled_invoice_is_paid() -> None:
    invoice = _invoice()
    # a payment of 30.00 the ledger applied (simulated): 3.64 left open
    Receivable.objects.filter(pk=invoice.receivable_id).update(open_amount=D("3.64"))
    line = invoice.lines.get(line_no=2)

    memo = credit_memo_create(
        actor=billing_user(), invoice=invoice, lines=[(line, D(3))], reason="wrong item"
    )

    assert memo.total == D("6.34")  # 5.97 + 0.37
    assert PaymentApplication.objects.get().amount == D("3.64")
    assert Receivable.objects.get(pk=memo.receivable_id).open_amount == D("-2.70")
    invoice.refresh_from_db()
    assert invoice.status == "paid"


def test_the_returns_desk_may_credit_and_other_roles_may_not() -> None:
    invoice = _invoice()
    line = invoice.lines.get(line_no=1)
    before = _state(invoice)

    others = [
        UserFactory(role=Role.WAREHOUSE),
        UserFactory(role=Role.ORDER_CLERK),
        UserFactory(role=Role.PORTAL, customer=invoice.customer),
    ]
    for user in others:
        with pytest.raises(Forbidden):
            credit_memo_create(actor=user, invoice=invoice, lines=[(line, D(1))], reason="return")
    assert _state(invoice) == before

    memo = credit_memo_create(
        actor=UserFactory(role=Role.DESK_COORDINATOR),
        invoice=invoice,
        lines=[(line, D(1))],
        reason="RMA approved",
        reference="RMA000007",
    )
    assert memo.reference == "RMA000007"


def test_bad_requests_are_refused_with_their_reason() -> None:
    invoice = _invoice()
    other = _invoice()
    line = invoice.lines.get(line_no=1)
    user = billing_user()
    before = _state(invoice)

    cases = [
        ({"lines": [(other.lines.get(line_no=1), D(1))]}, "line_not_on_invoice"),
        ({"lines": [(line, D(0))]}, "quantity_invalid"),
        ({"lines": [(line, D(1))], "fee_percent": D(100)}, "fee_invalid"),
        ({"lines": [(line, D(1))], "reason": "  "}, "reason_required"),
        ({"lines": []}, "nothing_to_credit"),
        ({"lines": [(line, D(1))], "memo_date": dt.date(2026, 3, 1)}, "invalid"),
        ({"lines": [], "charges": [(invoice.charges.get(), D("12.501"))]}, "amount_invalid"),
    ]
    for kwargs, code in cases:
        args = {"reason": "customer complaint", **kwargs}
        with pytest.raises(BillingError) as refused:
            credit_memo_create(actor=user, invoice=invoice, **args)
        assert refused.value.code == code, (kwargs, refused.value.message)
    assert _state(invoice) == before


def test_credit_memo_records_events_and_queues_the_email_with_its_pdf() -> None:
    invoice = _invoice()
    line = invoice.lines.get(line_no=1)

    memo = credit_memo_create(
        actor=billing_user(),
        invoice=invoice,
        lines=[(line, D(2))],
        reason="damaged",
        reference="RMA9",
    )

    created = Event.objects.get(object_type="billing.creditmemo", action="credit_memo.created")
    assert created.reason == "damaged"
    assert created.after["invoice"] == invoice.number
    credited = Event.objects.get(object_type="billing.invoice", action="invoice.credited")
    assert D(credited.after["applied"]) == memo.total == D("4.23")
    message = OutboxMessage.objects.get(pk=memo.sent_message_id)
    assert message.to == "buyer@example.com"
    assert message.subject == f"Credit memo {memo.number} for invoice {invoice.number} (RMA9)"
    [attachment] = message.attachments
    assert attachment["render"] == "orderdesk.billing.documents:credit_memo_pdf"
    assert attachment["args"] == {"memo_id": memo.pk}

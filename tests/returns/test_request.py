"""Asking for a return: the policy checks, the invoice link, the e-mail, portal scoping and
the decisions (approve, reject, cancel)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orderdesk.core.errors import Forbidden, NotFound
from orderdesk.core.models import Event
from orderdesk.notify.models import OutboxMessage
from orderdesk.returns.errors import ReturnConflict, ReturnError
from orderdesk.returns.models import ReturnAuthorization, ReturnLine, ReturnPolicy
from orderdesk.returns.services import rma_approve, rma_cancel, rma_reject, rma_request

from ..factories import CustomerFactory, UserFactory
from .world import Desk, build_desk, days_ago, invoice_of, place, ship

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def desk() -> Desk:
    return build_desk()


def _nothing_written(before: tuple[int, int, int, int]) -> None:
    assert (
        ReturnAuthorization.objects.count(),
        ReturnLine.objects.count(),
        OutboxMessage.objects.filter(subject__startswith="Return").count(),
        Event.objects.filter(action__startswith="rma.").count(),
    ) == before


def _counts() -> tuple[int, int, int, int]:
    return (
        ReturnAuthorization.objects.count(),
        ReturnLine.objects.count(),
        OutboxMessage.objects.filter(subject__startswith="Return").count(),
        Event.objects.filter(action__startswith="rma.").count(),
    )


def test_request_within_policy_links_the_invoice_and_mails_the_instructions(desk: Desk) -> None:
    order = place(desk, (desk.plain, 10), (desk.lotted, 4))
    shipment = ship(desk, order, on=days_ago(10))
    plain_line, lot_line = order.lines.order_by("line_no")

    rma = rma_request(
        actor=desk.clerk,
        order=order,
        lines=[(plain_line, D(3), "", "DAMAGED"), (lot_line, D(1), "", "WRONG")],
        reason="Three arrived crushed, one capacitor was the wrong rating",
        today=days_ago(0),
    )

    assert rma.number.startswith("RMA")
    assert (rma.status, rma.channel, rma.resolution) == ("requested", "desk", "credit")
    assert rma.policy_findings == []
    invoice = invoice_of(shipment)
    assert rma.invoice == invoice
    assert rma.warehouse == desk.warehouse
    lines = list(rma.lines.order_by("line_no"))
    assert [(ln.item.sku, ln.quantity, ln.lot, ln.reason_code) for ln in lines] == [
        (desk.plain.sku, D(3), "", "DAMAGED"),
        ("CAP-45-5", D(1), "LOT-A", "WRONG"),
    ]
    assert [ln.invoice_line.invoice_id for ln in lines] == [invoice.pk, invoice.pk]
    message = OutboxMessage.objects.get(dedupe_key=f"rma:{rma.number}:requested")
    assert message.to == "buyer@example.com"
    assert message.subject == f"Return request {rma.number} received"
    assert rma.number in message.body_text
    assert "4400 W Ogden Ave" in message.body_text
    assert "Chicago IL 60623" in message.body_text
    assert "with the RMA number" in message.body_text
    event = Event.objects.get(action="rma.requested", object_id=str(rma.pk))
    assert event.after["invoice"] == invoice.number
    assert event.after["findings"] == []


def test_over_return_is_refused_with_nothing_written(desk: Desk) -> None:
    order = place(desk, (desk.plain, 10))
    ship(desk, order, on=days_ago(5))
    line = order.lines.get()
    rma_request(actor=desk.clerk, order=order, lines=[(line, D(6), "", "")], reason="too many")
    before = _counts()

    with pytest.raises(ReturnError) as err:
        rma_request(actor=desk.clerk, order=order, lines=[(line, D(5), "", "")], reason="more")

    assert err.value.code == "over_return"
    assert err.value.field == "lines[0].quantity"
    assert err.value.fix == "return at most 4"
    _nothing_written(before)


def test_nothing_shipped_is_refused_with_nothing_written(desk: Desk) -> None:
    order = place(desk, (desk.plain, 10))
    before = _counts()

    with pytest.raises(ReturnError) as err:
        rma_request(
            actor=desk.clerk,
            order=order,
            lines=[(order.lines.get(), D(1), "", "")],
            reason="not needed",
        )

    assert err.value.code == "nothing_shipped"
    _nothing_written(before)


def test_partly_shipped_line_returns_only_what_shipped(desk: Desk) -> None:
    order = place(desk, (desk.plain, 10))
    line = order.lines.get()
    ship(desk, order, on=days_ago(5), only=[(line, 4)])

    with pytest.raises(ReturnError) as err:
        rma_request(
            actor=desk.clerk, order=order, lines=[(line, D(5), "", "")], reason="all of them"
        )

    assert err.value.message == "line 1 (" + desk.plain.sku + "): 5 asked back, but 4 shipped"


def test_outside_window_makes_the_rma_with_a_finding_that_needs_a_reason(desk: Desk) -> None:
    ReturnPolicy.objects.create(customer=None, window_days=30, restocking_fee_percent=D("15"))
    order = place(desk, (desk.plain, 5), on=days_ago(60))
    ship(desk, order, on=days_ago(45))

    rma = rma_request(
        actor=desk.clerk,
        order=order,
        lines=[(order.lines.get(), D(2), "", "")],
        reason="customer found them in the back",
    )

    assert rma.status == "requested"
    assert rma.restocking_fee_percent == D("15")
    [finding] = rma.policy_findings
    assert finding["code"] == "outside_window"
    assert finding["status"] == "open"
    assert "45 days ago: the return window is 30 days" in finding["message"]
    message = OutboxMessage.objects.get(dedupe_key=f"rma:{rma.number}:requested")
    assert "A coordinator reviews this request first" in message.body_text

    with pytest.raises(ReturnError) as err:
        rma_approve(actor=desk.coordinator, rma=rma, reason="")
    assert err.value.code == "reason_required"
    assert "outside the policy" in err.value.message
    rma.refresh_from_db()
    assert rma.status == "requested"

    with pytest.raises(Forbidden):
        rma_approve(actor=desk.clerk, rma=rma, reason="I say so")

    rma = rma_approve(actor=desk.coordinator, rma=rma, reason="long-standing customer, unopened")

    assert rma.status == "approved"
    assert rma.decided_by == desk.coordinator
    assert rma.decision_reason == "long-standing customer, unopened"
    [finding] = rma.policy_findings
    assert (finding["status"], finding["by"]) == ("overridden", desk.coordinator.username)
    assert OutboxMessage.objects.filter(dedupe_key=f"rma:{rma.number}:approved").exists()


def test_customer_policy_beats_the_house_policy(desk: Desk) -> None:
    ReturnPolicy.objects.create(customer=None, window_days=10, restocking_fee_percent=D("20"))
    ReturnPolicy.objects.create(
        customer=desk.customer, window_days=90, restocking_fee_percent=D("5")
    )
    order = place(desk, (desk.plain, 5), on=days_ago(60))
    ship(desk, order, on=days_ago(45))

    rma = rma_request(
        actor=desk.clerk, order=order, lines=[(order.lines.get(), D(1), "", "")], reason="spare"
    )

    assert (rma.policy_findings, rma.restocking_fee_percent) == ([], D("5"))


def test_non_returnable_item_is_a_finding(desk: Desk) -> None:
    order = place(desk, (desk.final, 6))
    ship(desk, order, on=days_ago(3))

    rma = rma_request(
        actor=desk.clerk, order=order, lines=[(order.lines.get(), D(6), "", "")], reason="cut wrong"
    )

    assert [f["code"] for f in rma.policy_findings] == ["not_returnable"]
    assert rma.policy_findings[0]["message"] == "line 1 (FLT-CUT) is sold as non-returnable"


def test_lot_that_did_not_ship_on_the_line_is_refused(desk: Desk) -> None:
    order = place(desk, (desk.lotted, 4))
    ship(desk, order, on=days_ago(3))
    before = _counts()

    with pytest.raises(ReturnError) as err:
        rma_request(
            actor=desk.clerk,
            order=order,
            lines=[(order.lines.get(), D(1), "LOT-B", "")],
            reason="bad batch",
        )

    assert err.value.code == "lot_not_shipped"
    assert err.value.message == "lot LOT-B did not ship on line 1 (CAP-45-5)"
    _nothing_written(before)


def test_portal_user_returns_own_goods_on_the_portal_channel(desk: Desk) -> None:
    order = place(desk, (desk.plain, 3))
    ship(desk, order, on=days_ago(2))

    rma = rma_request(
        actor=desk.portal,
        order=order,
        lines=[(order.lines.get(), D(1), "", "")],
        reason="ordered one too many",
        channel="desk",
    )

    assert (rma.channel, rma.requested_by) == ("portal", desk.portal)


def test_portal_user_cannot_return_another_customers_goods(desk: Desk) -> None:
    order = place(desk, (desk.plain, 3))
    ship(desk, order, on=days_ago(2))
    stranger = UserFactory(role="portal", customer=CustomerFactory())
    before = _counts()

    with pytest.raises(NotFound):
        rma_request(
            actor=stranger, order=order, lines=[(order.lines.get(), D(1), "", "")], reason="mine"
        )

    _nothing_written(before)


def test_warehouse_role_may_not_ask_for_returns(desk: Desk) -> None:
    order = place(desk, (desk.plain, 3))
    ship(desk, order, on=days_ago(2))

    with pytest.raises(Forbidden):
        rma_request(
            actor=desk.warehouse_user,
            order=order,
            lines=[(order.lines.get(), D(1), "", "")],
            reason="x" * 5,
        )


def test_goods_billed_on_two_invoices_must_be_split(desk: Desk) -> None:
    order = place(desk, (desk.plain, 10))
    line = order.lines.get()
    ship(desk, order, on=days_ago(9), only=[(line, 6)])
    ship(desk, order, on=days_ago(4), only=[(line, 4)])

    with pytest.raises(ReturnError) as err:
        rma_request(actor=desk.clerk, order=order, lines=[(line, D(8), "", "")], reason="most")
    assert err.value.code == "split_by_invoice"

    newest = rma_request(
        actor=desk.clerk, order=order, lines=[(line, D(4), "", "")], reason="first half"
    )
    oldest = rma_request(
        actor=desk.clerk, order=order, lines=[(line, D(4), "", "")], reason="second half"
    )

    assert newest.invoice.invoice_date == days_ago(4)
    assert oldest.invoice.invoice_date == days_ago(9)


def test_reject_needs_a_reason_and_tells_the_customer(desk: Desk) -> None:
    order = place(desk, (desk.plain, 3))
    ship(desk, order, on=days_ago(2))
    rma = rma_request(
        actor=desk.clerk, order=order, lines=[(order.lines.get(), D(1), "", "")], reason="why"
    )

    with pytest.raises(ReturnError):
        rma_reject(actor=desk.coordinator, rma=rma, reason=" ")
    rma = rma_reject(actor=desk.coordinator, rma=rma, reason="used and worn")

    assert rma.status == "rejected"
    message = OutboxMessage.objects.get(dedupe_key=f"rma:{rma.number}:rejected")
    assert "Reason: used and worn" in message.body_text
    with pytest.raises(ReturnConflict) as err:
        rma_approve(actor=desk.coordinator, rma=rma)
    assert err.value.message == (
        f"RMA {rma.number} is rejected: it cannot be approved (only a requested RMA can)"
    )


def test_rejected_and_cancelled_quantities_may_be_asked_again(desk: Desk) -> None:
    order = place(desk, (desk.plain, 3))
    ship(desk, order, on=days_ago(2))
    line = order.lines.get()
    first = rma_request(
        actor=desk.clerk, order=order, lines=[(line, D(3), "", "")], reason="all of them"
    )
    rma_cancel(actor=desk.portal, rma=first, reason="found a use for them")

    again = rma_request(
        actor=desk.clerk, order=order, lines=[(line, D(3), "", "")], reason="all of them"
    )

    assert again.lines.get().quantity == D(3)


def test_portal_user_cannot_cancel_an_approved_rma(desk: Desk) -> None:
    order = place(desk, (desk.plain, 3))
    ship(desk, order, on=days_ago(2))
    rma = rma_request(
        actor=desk.portal, order=order, lines=[(order.lines.get(), D(1), "", "")], reason="x1x"
    )
    rma_approve(actor=desk.coordinator, rma=rma)

    with pytest.raises(ReturnConflict):
        rma_cancel(actor=desk.portal, rma=rma, reason="changed my mind")

    rma = rma_cancel(actor=desk.coordinator, rma=rma, reason="customer keeps them")
    assert rma.status == "cancelled"
    assert list(
        Event.objects.filter(object_id=str(rma.pk), action__in=["rma.approved", "rma.cancelled"])
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["rma.approved", "rma.cancelled"]

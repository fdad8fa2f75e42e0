"""Receiving returns (inspection, disposition, restock through the ledger), crediting them
against the original invoice and the exchange's replacement order."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from orderdesk.billing.invoicing import invoice_for_shipment
from orderdesk.billing.models import CreditMemo, CreditMemoLine, PeriodClose, Receivable
from orderdesk.core.errors import Invalid
from orderdesk.core.fields import AmountField
from orderdesk.core.models import Event
from orderdesk.inventory.models import StockLevel, StockMovement
from orderdesk.inventory.selectors import ledger_discrepancies
from orderdesk.orders.models import SalesOrder
from orderdesk.returns.crediting import rma_credit, rma_exchange
from orderdesk.returns.errors import ReturnConflict, ReturnError
from orderdesk.returns.models import ReturnPolicy, ReturnReceipt, ReturnReceiptLine
from orderdesk.returns.receiving import rma_receive
from orderdesk.returns.selectors import rework_list
from orderdesk.returns.services import rma_approve, rma_close, rma_request

from ..factories import ItemFactory, PriceListEntryFactory
from ..orders.world import stock
from .world import Desk, build_desk, days_ago, invoice_of, other_customer, place, ship, today

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def desk() -> Desk:
    return build_desk()


def approved(desk: Desk, order: SalesOrder, *lines: tuple[int, str, str], **kw: str):
    """An approved RMA for (line_no, quantity, lot) of the order."""
    by_no = {ln.line_no: ln for ln in order.lines.all()}
    rma = rma_request(
        actor=desk.clerk,
        order=order,
        lines=[(by_no[no], D(q), lot, "") for no, q, lot in lines],
        reason="customer return",
        **kw,
    )
    return rma_approve(actor=desk.coordinator, rma=rma)


def level(desk: Desk, item, lot: str = "") -> Decimal:
    return StockLevel.objects.get(item=item, warehouse=desk.warehouse, lot=lot).on_hand


def test_receipt_with_each_disposition_restocks_only_what_is_restocked(desk: Desk) -> None:
    order = place(desk, (desk.plain, 10), (desk.lotted, 4))
    ship(desk, order, on=days_ago(6))
    rma = approved(desk, order, (1, "4", ""), (2, "2", ""))
    plain_rl, lot_rl = rma.lines.order_by("line_no")
    plain_before, lot_before = level(desk, desk.plain), level(desk, desk.lotted, "LOT-A")

    receipt = rma_receive(
        actor=desk.warehouse_user,
        rma=rma,
        warehouse=desk.warehouse,
        lines=[
            (plain_rl, D(2), "", "new", "restock", "sealed"),
            (plain_rl, D(1), "", "damaged", "scrap", "crushed box"),
            (plain_rl, D(1), "", "defective", "repair", "coil open"),
            (lot_rl, D(1), "", "defective", "return_to_vendor", "bulging"),
            (lot_rl, D(1), "LOT-A", "opened", "restock", ""),
        ],
        received_on=today(),
    )

    assert receipt.number.startswith("RR")
    rma.refresh_from_db()
    assert rma.status == "received"
    assert [rl.qty_received for rl in rma.lines.order_by("line_no")] == [D(4), D(2)]
    assert level(desk, desk.plain) == plain_before + 2
    assert level(desk, desk.lotted, "LOT-A") == lot_before + 1
    movements = StockMovement.objects.filter(kind="return").order_by("id")
    assert [(m.item.sku, m.lot, m.quantity, m.reference) for m in movements] == [
        (desk.plain.sku, "", D(2), rma.number),
        ("CAP-45-5", "LOT-A", D(1), rma.number),
    ]
    assert list(ledger_discrepancies()) == []
    rtv = ReturnReceiptLine.objects.get(disposition="return_to_vendor")
    assert (rtv.vendor.code, rtv.lot) == ("ACME", "LOT-A")
    rework = list(rework_list(user=desk.coordinator))
    assert sorted((r.disposition, r.quantity) for r in rework) == [
        ("repair", D(1)),
        ("return_to_vendor", D(1)),
    ]
    event = Event.objects.get(action="return_receipt.created")
    assert [ln["disposition"] for ln in event.after["lines"]] == [
        "restock",
        "scrap",
        "repair",
        "return_to_vendor",
        "restock",
    ]


def test_more_than_authorised_is_refused_with_nothing_written(desk: Desk) -> None:
    order = place(desk, (desk.plain, 10))
    ship(desk, order, on=days_ago(6))
    rma = approved(desk, order, (1, "3", ""))
    rl = rma.lines.get()
    rma_receive(
        actor=desk.warehouse_user,
        rma=rma,
        warehouse=desk.warehouse,
        lines=[(rl, D(1), "", "new", "restock", "")],
    )
    on_hand = level(desk, desk.plain)

    with pytest.raises(ReturnError) as err:
        rma_receive(
            actor=desk.warehouse_user,
            rma=rma,
            warehouse=desk.warehouse,
            lines=[(rl, D(3), "", "new", "restock", "")],
        )

    assert err.value.code == "over_receipt"
    assert err.value.fix.startswith("receive at most 2;")
    rl.refresh_from_db()
    assert rl.qty_received == D(1)
    assert level(desk, desk.plain) == on_hand
    assert ReturnReceipt.objects.count() == 1


def test_goods_are_received_only_on_an_approved_rma(desk: Desk) -> None:
    order = place(desk, (desk.plain, 10))
    ship(desk, order, on=days_ago(6))
    rma = rma_request(
        actor=desk.clerk,
        order=order,
        lines=[(order.lines.get(), D(1), "", "")],
        reason="not approved yet",
    )

    with pytest.raises(ReturnConflict) as err:
        rma_receive(
            actor=desk.warehouse_user,
            rma=rma,
            warehouse=desk.warehouse,
            lines=[(rma.lines.get(), D(1), "", "new", "restock", "")],
        )

    assert (err.value.code, err.value.fix) == ("not_receivable", "approve it first")
    assert ReturnReceipt.objects.count() == 0


def test_return_to_vendor_needs_a_vendor(desk: Desk) -> None:
    order = place(desk, (desk.plain, 10))
    ship(desk, order, on=days_ago(6))
    rma = approved(desk, order, (1, "1", ""))

    with pytest.raises(ReturnError) as err:
        rma_receive(
            actor=desk.warehouse_user,
            rma=rma,
            warehouse=desk.warehouse,
            lines=[(rma.lines.get(), D(1), "", "defective", "return_to_vendor", "")],
        )

    assert (err.value.code, err.value.field) == ("vendor_required", "lines[0].vendor")


def test_restocked_serial_fills_a_waiting_backorder(desk: Desk) -> None:
    first = place(desk, (desk.serial, 3))
    ship(desk, first, on=days_ago(6))
    other = other_customer(desk, "Lakeside HVAC", "C90001")
    waiting = place_backordered(desk, other)
    rma = approved(desk, first, (1, "1", "SN-2"))

    rma_receive(
        actor=desk.warehouse_user,
        rma=rma,
        warehouse=desk.warehouse,
        lines=[(rma.lines.get(), D(1), "SN-2", "new", "restock", "")],
    )

    line = waiting.lines.get()
    line.refresh_from_db()
    assert (line.qty_backordered, line.qty_allocated) == (D(0), D(1))
    assert line.allocations.get().lot == "SN-2"
    assert StockLevel.objects.get(item=desk.serial, lot="SN-2").allocated == D(1)


def place_backordered(desk: Desk, customer) -> SalesOrder:
    from orderdesk.orders.drafts import LineDraft, OrderDraft
    from orderdesk.orders.intake import order_intake

    result = order_intake(
        actor=desk.clerk,
        channel="desk",
        draft=OrderDraft(
            customer=customer.account_number,
            customer_po="WAITING",
            freight_payment="prepaid",
            ship_method=desk.world.ship_method.code,
            lines=[LineDraft(sku=desk.serial.sku, quantity=D(1))],
        ),
        today=today(),
    )
    assert result.order.status == "backordered"
    return result.order


def test_credit_is_tied_to_the_original_invoice_less_the_fee_to_the_cent(desk: Desk) -> None:
    ReturnPolicy.objects.create(customer=None, window_days=30, restocking_fee_percent=D("15"))
    order = place(desk, (desk.plain, 10), (desk.lotted, 4))
    invoice = invoice_of(ship(desk, order, on=days_ago(6)))
    rma = approved(desk, order, (1, "3", ""), (2, "1", ""))
    plain_rl, lot_rl = rma.lines.order_by("line_no")
    rma_receive(
        actor=desk.warehouse_user,
        rma=rma,
        warehouse=desk.warehouse,
        lines=[
            (plain_rl, D(3), "", "new", "restock", ""),
            (lot_rl, D(1), "", "damaged", "scrap", ""),
        ],
    )
    open_before = invoice.receivable.open_amount

    memo = rma_credit(actor=desk.coordinator, rma=rma)

    assert (memo.invoice, memo.reference, memo.customer) == (invoice, rma.number, desk.customer)
    plain_il = invoice.lines.get(item=desk.plain)
    lot_il = invoice.lines.get(item=desk.lotted)
    assert (plain_il.net, plain_il.tax, lot_il.net, lot_il.tax) == (
        D("100.00"),
        D("6.25"),
        D("100.00"),
        D("6.25"),
    )
    goods = list(memo.lines.filter(kind="goods").order_by("line_no"))
    assert [(g.invoice_line, g.quantity, g.net, g.tax) for g in goods] == [
        (plain_il, D(3), D("30.00"), D("1.88")),  # 6.25 × 3/10 = 1.875 → 1.88
        (lot_il, D(1), D("25.00"), D("1.56")),  # 6.25 × 1/4 = 1.5625 → 1.56
    ]
    fee = memo.lines.get(kind="restocking_fee")
    assert fee.net == D("-8.25")  # 15 % of 55.00
    assert (memo.merchandise, memo.fees, memo.tax_total, memo.total) == (
        D("55.00"),
        D("8.25"),
        D("3.44"),
        D("50.19"),
    )
    assert memo.total == sum((ln.net + ln.tax for ln in memo.lines.all()), D(0))
    rma.refresh_from_db()
    assert (rma.status, rma.credit_memo) == ("credited", memo)
    assert [rl.qty_credited for rl in rma.lines.order_by("line_no")] == [D(3), D(1)]
    invoice.receivable.refresh_from_db()
    assert invoice.receivable.open_amount == open_before - D("50.19")
    balance = Receivable.objects.filter(customer=desk.customer).aggregate(
        s=Sum("open_amount", output_field=AmountField())
    )["s"]
    assert balance == invoice.total - memo.total


def test_second_credit_is_refused_and_changes_nothing(desk: Desk) -> None:
    order = place(desk, (desk.plain, 10))
    ship(desk, order, on=days_ago(6))
    rma = approved(desk, order, (1, "2", ""))
    rma_receive(
        actor=desk.warehouse_user,
        rma=rma,
        warehouse=desk.warehouse,
        lines=[(rma.lines.get(), D(2), "", "new", "restock", "")],
    )
    memo = rma_credit(actor=desk.coordinator, rma=rma)
    counts = (CreditMemo.objects.count(), CreditMemoLine.objects.count(), Event.objects.count())

    with pytest.raises(ReturnConflict) as err:
        rma_credit(actor=desk.coordinator, rma=rma)
    with pytest.raises(ReturnConflict):
        rma_exchange(actor=desk.coordinator, rma=rma)

    assert err.value.code == "nothing_to_credit"
    assert err.value.message == (
        f"RMA {rma.number} is already credited by {memo.number}; nothing was received since"
    )
    assert (
        CreditMemo.objects.count(),
        CreditMemoLine.objects.count(),
        Event.objects.count(),
    ) == counts
    assert rma.lines.get().qty_credited == D(2)


def test_goods_arriving_after_the_credit_get_a_memo_of_their_own(desk: Desk) -> None:
    order = place(desk, (desk.plain, 3))
    invoice = invoice_of(ship(desk, order, on=days_ago(6)))
    rma = approved(desk, order, (1, "3", ""))
    rl = rma.lines.get()
    first_lines = [(rl, D(1), "", "new", "restock", "")]
    rma_receive(actor=desk.warehouse_user, rma=rma, warehouse=desk.warehouse, lines=first_lines)
    first = rma_credit(actor=desk.coordinator, rma=rma)
    rest = [(rl, D(2), "", "new", "restock", "")]

    rma_receive(actor=desk.warehouse_user, rma=rma, warehouse=desk.warehouse, lines=rest)
    second = rma_credit(actor=desk.coordinator, rma=rma)

    il = invoice.lines.get()
    assert (first.merchandise + second.merchandise, first.tax_total + second.tax_total) == (
        il.net,
        il.tax,
    )
    rma.refresh_from_db()
    assert (rma.status, rma.credit_memo) == ("credited", second)
    rma_close(actor=desk.coordinator, rma=rma)
    rma.refresh_from_db()
    assert rma.status == "closed"


def test_credit_waits_for_the_invoice(desk: Desk) -> None:
    order = place(desk, (desk.plain, 5))
    shipment = ship(desk, order, on=days_ago(6), invoice=False)
    rma = approved(desk, order, (1, "2", ""))
    assert rma.invoice is None
    rma_receive(
        actor=desk.warehouse_user,
        rma=rma,
        warehouse=desk.warehouse,
        lines=[(rma.lines.get(), D(2), "", "new", "restock", "")],
    )

    with pytest.raises(ReturnError) as err:
        rma_credit(actor=desk.coordinator, rma=rma)
    assert err.value.code == "not_invoiced"
    assert CreditMemo.objects.count() == 0

    invoice = invoice_for_shipment(actor=desk.billing, shipment=shipment)
    memo = rma_credit(actor=desk.coordinator, rma=rma)

    rma.refresh_from_db()
    assert (memo.invoice, rma.invoice, rma.lines.get().invoice_line.invoice) == (
        invoice,
        invoice,
        invoice,
    )


def test_credit_dated_in_a_closed_period_is_refused(desk: Desk) -> None:
    order = place(desk, (desk.plain, 5))
    ship(desk, order, on=days_ago(6))
    rma = approved(desk, order, (1, "1", ""))
    rma_receive(
        actor=desk.warehouse_user,
        rma=rma,
        warehouse=desk.warehouse,
        lines=[(rma.lines.get(), D(1), "", "new", "restock", "")],
    )
    PeriodClose.objects.create(closed_through=days_ago(1), closed_at=timezone.now())

    with pytest.raises(Invalid) as err:
        rma_credit(actor=desk.coordinator, rma=rma, memo_date=days_ago(2))

    assert err.value.code == "period_closed"
    assert CreditMemo.objects.count() == 0
    rma.refresh_from_db()
    assert (rma.status, rma.lines.get().qty_credited) == ("received", D(0))


def test_exchange_credits_and_places_the_replacement_order(desk: Desk) -> None:
    order = place(desk, (desk.plain, 10), (desk.lotted, 4))
    invoice = invoice_of(ship(desk, order, on=days_ago(6)))
    rma = approved(desk, order, (1, "2", ""), (2, "1", ""), resolution="exchange")
    plain_rl, lot_rl = rma.lines.order_by("line_no")
    rma_receive(
        actor=desk.warehouse_user,
        rma=rma,
        warehouse=desk.warehouse,
        lines=[
            (plain_rl, D(2), "", "defective", "repair", "", None),
            (lot_rl, D(1), "", "defective", "scrap", ""),
        ],
    )

    memo, replacement = rma_exchange(actor=desk.coordinator, rma=rma)

    assert memo.invoice == invoice
    # 2 × 10.00 + 6.25 × 2/10 tax, and 1 × 25.00 + 6.25 × 1/4 = 1.5625 → 1.56 tax; no fee
    assert (memo.merchandise, memo.tax_total, memo.total) == (D("45.00"), D("2.81"), D("47.81"))
    rma.refresh_from_db()
    assert (rma.status, rma.replacement_order, rma.credit_memo) == ("credited", replacement, memo)
    assert replacement.customer_po == f"{rma.number} replacement"
    assert replacement.channel == "desk"
    assert replacement.ship_to == order.ship_to
    assert replacement.status == "allocated"
    assert sorted((ln.sku, ln.qty_ordered) for ln in replacement.lines.all()) == sorted(
        [(desk.plain.sku, D(2)), ("CAP-45-5", D(1))]
    )
    assert replacement.total > 0
    assert Event.objects.filter(action="rma.replacement_ordered", object_id=str(rma.pk)).exists()


def test_item_priced_only_by_the_order_still_credits_at_invoiced_price(desk: Desk) -> None:
    """A price change after the sale does not change the credit: the invoice's price rules."""
    item = ItemFactory(sku="ODD-1")
    entry = PriceListEntryFactory(
        price_list=desk.customer.price_list, item=item, unit_price=D("3.33")
    )
    stock(item, desk.warehouse, 50)
    order = place(desk, (item, 3))
    ship(desk, order, on=days_ago(6))
    entry.unit_price = D("99.00")
    entry.save()
    rma = approved(desk, order, (1, "1", ""))
    rma_receive(
        actor=desk.warehouse_user,
        rma=rma,
        warehouse=desk.warehouse,
        lines=[(rma.lines.get(), D(1), "", "new", "restock", "")],
    )

    memo = rma_credit(actor=desk.coordinator, rma=rma)

    assert memo.merchandise == D("3.33")

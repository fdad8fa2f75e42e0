from __future__ import annotations

from decimal import Decimal

import pytest

from orderdesk.core.audit import events_for
from orderdesk.core.models import Event
from orderdesk.inventory.errors import InventoryError
from orderdesk.inventory.models import StockLevel, StockMovement
from orderdesk.inventory.selectors import ledger_discrepancies, stock_on_hand
from orderdesk.purchasing.errors import PurchaseOrderStateError, PurchasingError
from orderdesk.purchasing.models import PurchaseOrder, PurchaseOrderLine
from orderdesk.purchasing.services import Receipt, purchase_order_cancel, purchase_order_receive

from ..factories import AddressFactory, ItemFactory
from ..inventory.factories import LotItemFactory
from .factories import buyer, make_po

pytestmark = pytest.mark.django_db


def _state() -> tuple:
    return (
        list(PurchaseOrder.objects.order_by("pk").values_list("status", flat=True)),
        list(PurchaseOrderLine.objects.order_by("pk").values_list("quantity_received", flat=True)),
        list(StockLevel.objects.order_by("pk").values_list("on_hand", flat=True)),
        StockMovement.objects.count(),
        Event.objects.count(),
    )


def _two_line_po():
    a, b = ItemFactory(sku="CAP-35"), ItemFactory(sku="CAP-45")
    return (
        make_po(lines=[(a, Decimal(10), Decimal(2)), (b, Decimal(4), Decimal(3))], send=True),
        a,
        b,
    )


def test_partial_then_full_receipt_books_stock_and_moves_the_status():
    po, a, b = _two_line_po()
    po = purchase_order_receive(actor=buyer(), purchase_order=po, receipts=[(1, Decimal(6))])
    assert po.status == "partially_received"
    assert stock_on_hand(a, po.warehouse) == Decimal(6)
    po = purchase_order_receive(
        actor=buyer(),
        purchase_order=po,
        receipts=[Receipt(1, Decimal(4)), {"line_no": 2, "quantity": "4"}],
    )
    assert po.status == "received"
    assert list(po.lines.values_list("quantity_received", flat=True)) == [Decimal(10), Decimal(4)]
    assert (stock_on_hand(a), stock_on_hand(b)) == (Decimal(10), Decimal(4))
    assert list(StockMovement.objects.values_list("kind", "reference", "quantity")) == [
        ("receipt", "PO000001", Decimal(6)),
        ("receipt", "PO000001", Decimal(4)),
        ("receipt", "PO000001", Decimal(4)),
    ]
    assert [e.action for e in events_for(po)] == [
        "purchase_order.created",
        "purchase_order.open",
        "purchase_order.receipt",
        "purchase_order.partially_received",
        "purchase_order.receipt",
        "purchase_order.received",
    ]
    assert list(ledger_discrepancies()) == []


def test_receipt_within_the_tolerance_is_accepted():
    po, a, _ = _two_line_po()
    po = purchase_order_receive(actor=buyer(), purchase_order=po, receipts=[(1, Decimal("10.5"))])
    assert po.status == "partially_received"  # line 2 still open
    assert stock_on_hand(a) == Decimal("10.5")


def test_over_receipt_beyond_the_tolerance_is_refused_and_changes_nothing():
    po, _, _ = _two_line_po()
    purchase_order_receive(actor=buyer(), purchase_order=po, receipts=[(1, Decimal(8))])
    before = _state()
    with pytest.raises(PurchasingError) as exc:
        purchase_order_receive(
            actor=buyer(), purchase_order=po, receipts=[(2, Decimal(1)), (1, Decimal(2)), (1, "1")]
        )
    assert exc.value.code == "over_receipt"
    assert exc.value.message == (
        "line 1 (CAP-35): ordered 10, already received 8, receiving 3 would exceed "
        "the 5% over-receipt tolerance (at most 10.5 in all)"
    )
    assert _state() == before


def test_tolerance_comes_from_settings(settings):
    settings.PURCHASING_OVER_RECEIPT_TOLERANCE = "0"
    po, _, _ = _two_line_po()
    before = _state()
    with pytest.raises(PurchasingError, match="0% over-receipt tolerance"):
        purchase_order_receive(actor=buyer(), purchase_order=po, receipts=[(1, "10.0001")])
    assert _state() == before


@pytest.mark.parametrize(
    ("receipts", "code"),
    [
        ([(9, Decimal(1))], "line_not_found"),
        ([(1, Decimal(0))], "quantity_invalid"),
        ([(1, Decimal("-2"))], "quantity_invalid"),
        ([], "quantity_invalid"),
    ],
)
def test_bad_receipts_are_refused(receipts, code):
    po, _, _ = _two_line_po()
    before = _state()
    with pytest.raises(PurchasingError) as exc:
        purchase_order_receive(actor=buyer(), purchase_order=po, receipts=receipts)
    assert exc.value.code == code
    assert _state() == before


def test_a_draft_or_cancelled_order_cannot_be_received():
    draft = make_po()
    cancelled = make_po(send=True)
    purchase_order_cancel(actor=buyer(), purchase_order=cancelled, reason="duplicate")
    before = _state()
    for po in (draft, cancelled):
        with pytest.raises(PurchaseOrderStateError) as exc:
            purchase_order_receive(actor=buyer(), purchase_order=po, receipts=[(1, Decimal(1))])
        assert exc.value.code == "not_receivable"
    assert _state() == before


def test_lot_controlled_receipt_needs_the_lot_and_books_it():
    item = LotItemFactory(sku="REF-R454B")
    po = make_po(lines=[(item, Decimal(5), Decimal(80))], send=True)
    before = _state()
    with pytest.raises(InventoryError) as exc:
        purchase_order_receive(actor=buyer(), purchase_order=po, receipts=[(1, Decimal(5))])
    assert exc.value.code == "lot_required"
    assert _state() == before
    purchase_order_receive(actor=buyer(), purchase_order=po, receipts=[(1, Decimal(5), "B-2291")])
    assert list(StockLevel.objects.values_list("lot", "on_hand")) == [("B-2291", Decimal(5))]


def test_drop_ship_receipt_confirms_delivery_without_touching_stock():
    po = make_po(drop_ship=True, ship_to=AddressFactory(), send=True)
    po = purchase_order_receive(actor=buyer(), purchase_order=po, receipts=[(1, Decimal(10))])
    assert po.status == "received"
    assert (StockMovement.objects.count(), StockLevel.objects.count()) == (0, 0)
    event = Event.objects.get(action="purchase_order.delivery_confirmed")
    assert event.after["receipts"] == [
        {
            "line_no": 1,
            "sku": po.lines.get().item.sku,
            "quantity": "10",
            "lot": "",
            "movement": None,
        }
    ]


def test_cancelling_a_partly_received_order_closes_it_short():
    po, _, _ = _two_line_po()
    purchase_order_receive(actor=buyer(), purchase_order=po, receipts=[(1, Decimal(3))])
    po = purchase_order_cancel(actor=buyer(), purchase_order=po, reason="vendor discontinued")
    assert po.status == "cancelled"
    assert stock_on_hand(po.lines.get(line_no=1).item) == Decimal(3)

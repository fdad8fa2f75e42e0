from __future__ import annotations

from decimal import Decimal

import pytest

from orderdesk.purchasing.selectors import (
    ExpectedReceipt,
    expected_receipt_lines,
    expected_receipts,
    purchase_order_get,
    purchase_order_list,
)
from orderdesk.purchasing.services import purchase_order_cancel, purchase_order_receive

from ..factories import AddressFactory, ItemFactory
from ..inventory.factories import OtherWarehouseFactory
from .factories import buyer, in_days, make_po

pytestmark = pytest.mark.django_db


def test_expected_receipts_sums_open_quantities_by_date():
    item = ItemFactory()
    other = ItemFactory()
    make_po(lines=[(item, Decimal(10), Decimal(1)), (other, Decimal(99), Decimal(1))], send=True)
    make_po(lines=[(item, Decimal("2.5"), Decimal(1))], send=True)
    late = make_po(lines=[(item, Decimal(8), Decimal(1), in_days(30))], send=True)
    purchase_order_receive(actor=buyer(), purchase_order=late, receipts=[(1, Decimal(3))])
    make_po(lines=[(item, Decimal(50), Decimal(1))])  # draft: not promised
    make_po(
        lines=[(item, Decimal(40), Decimal(1))], drop_ship=True, ship_to=AddressFactory(), send=True
    )
    gone = make_po(lines=[(item, Decimal(30), Decimal(1))], send=True)
    purchase_order_cancel(actor=buyer(), purchase_order=gone, reason="duplicate")
    full = make_po(lines=[(item, Decimal(5), Decimal(1))], send=True)
    purchase_order_receive(actor=buyer(), purchase_order=full, receipts=[(1, Decimal(5))])

    assert expected_receipts(item=item) == [
        ExpectedReceipt(in_days(7), Decimal("12.5")),
        ExpectedReceipt(in_days(30), Decimal(5)),
    ]
    assert expected_receipts(item=item, until=in_days(29)) == [
        ExpectedReceipt(in_days(7), Decimal("12.5"))
    ]


def test_expected_receipts_per_warehouse():
    item = ItemFactory()
    make_po(lines=[(item, Decimal(10), Decimal(1))], send=True)
    make_po(lines=[(item, Decimal(4), Decimal(1))], warehouse=OtherWarehouseFactory(), send=True)
    dal = OtherWarehouseFactory()
    assert expected_receipts(item=item, warehouse=dal) == [ExpectedReceipt(in_days(7), Decimal(4))]
    assert expected_receipts(item=item) == [ExpectedReceipt(in_days(7), Decimal(14))]


def test_an_over_received_line_expects_nothing_more():
    item = ItemFactory()
    po = make_po(lines=[(item, Decimal(10), Decimal(1)), (ItemFactory(), 1, 1)], send=True)
    purchase_order_receive(actor=buyer(), purchase_order=po, receipts=[(1, Decimal("10.5"))])
    assert expected_receipts(item=item) == []


def test_expected_receipt_lines_carry_the_open_quantity(django_assert_num_queries):
    item = ItemFactory()
    po = make_po(lines=[(item, Decimal(10), Decimal(1))], send=True)
    purchase_order_receive(actor=buyer(), purchase_order=po, receipts=[(1, Decimal(4))])
    with django_assert_num_queries(1):
        rows = [
            (ln.purchase_order.number, ln.purchase_order.vendor.code, ln.open_quantity)
            for ln in expected_receipt_lines(item=item)
        ]
    assert rows == [("PO000001", po.vendor.code, Decimal(6))]


def test_purchase_order_get_loads_lines_and_items_in_few_queries(django_assert_num_queries):
    po = make_po(lines=[(ItemFactory(), 1, 1), (ItemFactory(), 2, 1), (ItemFactory(), 3, 1)])
    with django_assert_num_queries(2):
        got = purchase_order_get(pk=po.pk)
        skus = [(ln.line_no, ln.item.sku, ln.item.base_uom.code) for ln in got.lines.all()]
    assert [n for n, _, _ in skus] == [1, 2, 3]


def test_purchase_order_list_filters():
    a = make_po(send=True, vendor_reference="Q-77")
    make_po()
    assert [p.number for p in purchase_order_list(status="open")] == [a.number]
    assert [p.number for p in purchase_order_list(q="q-77")] == [a.number]
    assert len(purchase_order_list()) == 2

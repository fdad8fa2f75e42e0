"""860 in: changes to the order the 850 made, through the order change service."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orderdesk.edi.models import DocumentStatus, EdiDocument
from orderdesk.orders.models import OrderChange, SalesOrder

from .inbound_world import edi_world, po_850, receive, x12_860

pytestmark = pytest.mark.django_db


@pytest.fixture
def ew(tmp_path, settings):  # type: ignore[no-untyped-def]
    ew = edi_world(tmp_path, settings)
    receive(
        po_850(po="PO-CHG", lines=[("10", "EA", "10.00", "BP-1"), ("4", "EA", "10.00", "BP-2")])
    )
    return ew


def _order() -> SalesOrder:
    return SalesOrder.objects.get(customer_po="PO-CHG")


def test_quantity_change_is_applied_to_the_line_the_buyer_names(ew):
    result = receive(x12_860(po="PO-CHG", changes=[("2", "QI", "6", "EA", "BP-2")]))
    [doc] = result.documents
    assert (doc.set_id, doc.status, doc.reference) == ("860", DocumentStatus.PROCESSED, "PO-CHG")
    order = _order()
    assert doc.sales_order == order
    assert [(ln.line_no, ln.quantity) for ln in order.lines.order_by("line_no")] == [
        (1, Decimal("10")),
        (2, Decimal("6")),
    ]
    change = OrderChange.objects.get(order=order, kind="quantity")
    assert (change.line_no, change.after) == (2, {"quantity": "6"})
    assert change.reason.startswith("EDI 860 from Acme Retail: PO PO-CHG change 1")


def test_buyer_line_numbers_come_from_the_850(ew):
    # The 850 numbered its lines 1 and 2 by PO101; a partner numbering 10, 20 maps the same way.
    text = po_850(
        po="PO-TENS",
        isa13=9,
        gs06=9,
        lines=[("1", "EA", "10.00", "BP-1"), ("2", "EA", "10.00", "BP-3")],
    )
    receive(text.replace("PO1*1*", "PO1*10*").replace("PO1*2*", "PO1*20*"))
    receive(x12_860(po="PO-TENS", changes=[("20", "QD", "1", "EA", "")]))
    order = SalesOrder.objects.get(customer_po="PO-TENS")
    assert [ln.quantity for ln in order.lines.order_by("line_no")] == [Decimal("1"), Decimal("1")]


def test_delete_and_add_lines(ew):
    receive(
        x12_860(
            po="PO-CHG",
            changes=[("2", "DI", "", "EA", "BP-2"), ("3", "AI", "5", "EA", "BP-3")],
        )
    )
    lines = list(_order().lines.order_by("line_no"))
    assert [(ln.line_no, ln.sku, ln.quantity) for ln in lines] == [
        (1, ew.items[0].sku, Decimal("10")),
        (2, ew.items[1].sku, Decimal("4")),
        (3, ew.items[2].sku, Decimal("5")),
    ]
    assert lines[1].qty_cancelled == Decimal("4")


def test_cancellation_cancels_the_order(ew):
    receive(x12_860(po="PO-CHG", purpose="01", changes=[]))
    assert _order().status == "cancelled"


def test_change_for_a_po_we_do_not_have_fails_for_a_clerk(ew):
    [doc] = receive(x12_860(po="PO-NOPE", changes=[("1", "QI", "6", "EA", "BP-1")])).documents
    assert (doc.status, doc.action_by) == ("failed", "us")
    assert doc.errors[0]["code"] == "edi_order_unknown"
    assert doc.errors[0]["message"].startswith("BCH-03 PO 'PO-NOPE' matches no open order of ")
    assert [ln.quantity for ln in _order().lines.order_by("line_no")] == [
        Decimal("10"),
        Decimal("4"),
    ]


def test_price_change_is_not_applied_and_the_document_says_so(ew):
    text = x12_860(po="PO-CHG", changes=[("1", "PC", "", "EA", "BP-1")]).replace(
        "POC*1*PC***EA*10*", "POC*1*PC***EA*8.75*"
    )
    [doc] = receive(text).documents
    assert doc.status == "processed"
    [warning] = doc.errors
    assert warning["code"] == "edi_price_change"
    assert warning["severity"] == "warning"
    assert "unit price 8.75 on line 1" in warning["message"]
    assert OrderChange.objects.filter(order=_order()).count() == 0


def test_unknown_line_fails_and_changes_nothing(ew):
    [doc] = receive(x12_860(po="PO-CHG", changes=[("9", "QI", "6", "EA", "BP-5")])).documents
    assert doc.status == "failed"
    assert doc.errors[0]["code"] == "edi_line_unknown"
    assert OrderChange.objects.count() == 0
    assert EdiDocument.objects.filter(set_id="860").count() == 1

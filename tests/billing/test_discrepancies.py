"""The discrepancy check finds each kind of disagreement, and nothing on clean lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from orderdesk.billing.discrepancies import DiscrepancyKind as K
from orderdesk.billing.discrepancies import discrepancies
from orderdesk.catalog.models import KitComponent
from orderdesk.orders.states import OrderStatus

from ..factories import ItemFactory
from ..orders.test_allocation import SalesOrderFactory, SalesOrderLineFactory
from .ledger_world import customer, invoice_rows, posted_invoice, shipment_rows

pytestmark = pytest.mark.django_db

D = Decimal
DAY = dt.date(2026, 10, 5)


def _line(order: Any, no: int, ordered: str, **buckets: str) -> Any:
    q = D(ordered)
    values = {k: D(v) for k, v in buckets.items()}
    placed = sum(
        values.get(k, D(0))
        for k in ("qty_allocated", "qty_backordered", "qty_shipped", "qty_cancelled")
    )
    return SalesOrderLineFactory(
        order=order,
        line_no=no,
        quantity=q,
        qty_ordered=q,
        qty_open=q - placed,
        unit_price=D("10.00"),
        net=D("10.00") * q,
        **values,
    )


def _order(c: Any, status: str) -> Any:
    return SalesOrderFactory(customer=c, ship_to=None, status=status)


def _found(**kwargs: Any) -> list[tuple[str, int, str, Decimal, Decimal, Decimal]]:
    return [
        (str(r.kind), r.line_no, r.order_number, r.ordered, r.shipped, r.invoiced)
        for r in discrepancies(**kwargs)
    ]


def test_each_kind_is_found_with_its_three_quantities():
    c = customer()
    # 1 shipped in full, invoiced 6 of 10: shipped not invoiced
    o1 = _order(c, OrderStatus.SHIPPED)
    l1 = _line(o1, 1, "10", qty_shipped="10", qty_invoiced="6")
    shipment_rows(o1, [(l1, "10")], ship_date=DAY)
    invoice_rows(posted_invoice(c, "INV-1", "60", invoice_date=DAY, order=o1), [(l1, "6")])
    # 2 invoiced 5, shipped 4 (and the line's invoiced counter says 4)
    o2 = _order(c, OrderStatus.RELEASED)
    l2 = _line(o2, 1, "9", qty_shipped="4", qty_invoiced="4")
    shipment_rows(o2, [(l2, "4")], ship_date=DAY)
    invoice_rows(posted_invoice(c, "INV-2", "50", invoice_date=DAY, order=o2), [(l2, "5")])
    # 3 invoiced order with 2 of 10 never shipped
    o3 = _order(c, OrderStatus.INVOICED)
    l3 = _line(o3, 1, "10", qty_shipped="8", qty_invoiced="8", qty_backordered="2")
    shipment_rows(o3, [(l3, "8")], ship_date=DAY)
    invoice_rows(posted_invoice(c, "INV-3", "80", invoice_date=DAY, order=o3), [(l3, "8")])
    # 4 shipments add up to 6 of an order of 5 (the line's counter says 5)
    o4 = _order(c, OrderStatus.INVOICED)
    l4 = _line(o4, 1, "5", qty_shipped="5", qty_invoiced="5")
    shipment_rows(o4, [(l4, "4")], ship_date=DAY)
    shipment_rows(o4, [(l4, "2")], ship_date=DAY)
    invoice_rows(posted_invoice(c, "INV-4", "50", invoice_date=DAY, order=o4), [(l4, "5")])
    # 5 the line's invoiced counter lags its invoices
    o5 = _order(c, OrderStatus.SHIPPED)
    l5 = _line(o5, 1, "3", qty_shipped="3", qty_invoiced="2")
    shipment_rows(o5, [(l5, "3")], ship_date=DAY)
    invoice_rows(posted_invoice(c, "INV-5", "30", invoice_date=DAY, order=o5), [(l5, "3")])
    # 6 clean: shipped 3 of 3, invoiced 3, closed; and a second clean line still open
    o6 = _order(c, OrderStatus.CLOSED)
    l6 = _line(o6, 1, "3", qty_shipped="3", qty_invoiced="3")
    shipment_rows(o6, [(l6, "3")], ship_date=DAY)
    invoice_rows(posted_invoice(c, "INV-6", "30", invoice_date=DAY, order=o6), [(l6, "3")])
    _line(_order(c, OrderStatus.ALLOCATED), 1, "7", qty_allocated="7")

    assert _found(customer=c) == [
        (K.SHIPPED_NOT_INVOICED, 1, o1.number, D(10), D(10), D(6)),
        (K.INVOICED_NOT_SHIPPED, 1, o2.number, D(9), D(4), D(5)),
        (K.COUNTER_MISMATCH, 1, o2.number, D(9), D(4), D(5)),
        (K.SHORT_SHIPPED, 1, o3.number, D(10), D(8), D(8)),
        (K.SHIPPED_NOT_INVOICED, 1, o4.number, D(5), D(6), D(5)),
        (K.OVER_SHIPPED, 1, o4.number, D(5), D(6), D(5)),
        (K.COUNTER_MISMATCH, 1, o4.number, D(5), D(6), D(5)),
        (K.COUNTER_MISMATCH, 1, o5.number, D(3), D(3), D(3)),
    ]
    rows = {(r.order_number, r.kind): r for r in discrepancies(customer=c)}
    assert rows[(o4.number, K.COUNTER_MISMATCH)].detail == "line says 5 shipped, shipments 6"
    assert rows[(o5.number, K.COUNTER_MISMATCH)].detail == "line says 2 invoiced, invoices 3"
    assert rows[(o1.number, K.SHIPPED_NOT_INVOICED)].detail == "4 to invoice"
    assert rows[(o3.number, K.SHORT_SHIPPED)].sku == l3.sku
    assert _found(order=o3) == [(K.SHORT_SHIPPED, 1, o3.number, D(10), D(8), D(8))]
    assert _found(customer=customer()) == []


def test_a_kit_line_counts_whole_kits_not_its_components():
    c = customer()
    kit, part_a, part_b = ItemFactory(is_kit=True), ItemFactory(), ItemFactory()
    KitComponent.objects.create(kit=kit, component=part_a, quantity=D(2))
    KitComponent.objects.create(kit=kit, component=part_b, quantity=D(1))
    order = _order(c, OrderStatus.INVOICED)
    line = _line(order, 1, "2", qty_shipped="2", qty_invoiced="2")
    line.item = kit
    line.save(update_fields=["item"])
    shipment_rows(order, [(line, "4", part_a), (line, "2", part_b)], ship_date=DAY)
    invoice_rows(posted_invoice(c, "INV-K", "20", invoice_date=DAY, order=order), [(line, "2")])
    assert _found(customer=c) == []

"""Order to cash through the API, end to end: an order is allocated, picked with a short
pick, shipped in part and invoiced for the shipped part only; the backorder ships later on a
second invoice; a payment comes in; a return is authorised, received back into stock and
credited against the invoice that billed it. Every document reconciles to the cent, the
ledger balance is invoices − credits − payments, and stock equals its ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from orderdesk.billing.discrepancies import discrepancies
from orderdesk.billing.models import CreditMemo, Invoice, Payment
from orderdesk.core.roles import Role
from orderdesk.fulfilment.models import Shipment
from orderdesk.inventory.models import StockMovement
from orderdesk.inventory.services import stock_move
from orderdesk.orders.allocation import backorders_fill
from orderdesk.orders.models import OrderCharge, SalesOrder

from .fulfilment.flow import (
    TODAY,
    ledger_matches_levels,
    level,
    lines_of,
    lot_item,
    pack_one_carton,
    pick_list_for,
    place,
    post,
    release,
    ship,
)
from .orders.world import build_world

D = Decimal
pytestmark = pytest.mark.django_db


def _sum(values) -> Decimal:
    return sum(values, D(0))


def _invoice_reconciles(invoice: Invoice) -> None:
    lines = list(invoice.lines.all())
    charges = list(invoice.charges.all())
    assert invoice.merchandise == _sum(ln.net for ln in lines)
    assert invoice.charges_total == _sum(c.amount for c in charges)
    assert invoice.tax_total == _sum(ln.tax for ln in lines) + _sum(c.tax for c in charges)
    assert invoice.total == invoice.merchandise + invoice.charges_total + invoice.tax_total


def test_order_to_cash_with_short_pick_backorder_and_return(api_client):
    world = build_world(items=1, on_hand=100, price="12.50")
    clerk = api_client(Role.ORDER_CLERK)
    dock = api_client(Role.WAREHOUSE)
    coordinator = api_client(Role.DESK_COORDINATOR)
    billing = api_client(Role.BILLING)
    paint = lot_item(world, [("L1", 10, TODAY + dt.timedelta(days=400))], weight_kg=D("1.5"))
    bolts = world.items[0]

    # 1. The order: 10 of the lot item, 4 of the plain one; allocated in full.
    placed = place(clerk, world, (paint.sku, "10"), (bolts.sku, "4"))
    order = SalesOrder.objects.get(pk=placed["id"])
    assert order.status == "allocated"
    line_paint, line_bolts = order.lines.order_by("line_no")
    assert (line_paint.qty_allocated, line_bolts.qty_allocated) == (D(10), D(4))

    # 2. Released, picked with a short: only 6 of lot L1 are on the shelf.
    status, _ = release(dock, world, [order.pk])
    assert status == 200
    first_list = pick_list_for(order.pk)
    picks = []
    for ln in lines_of(dock, first_list.pk):
        quantity = "6" if ln["sku"] == paint.sku else ln["quantity"]
        picks.append({"pick_line": ln["id"], "quantity": quantity, "scanned": ln["lot"]})
    status, body = post(
        dock,
        f"/pick-lists/{first_list.pk}/picks",
        {"picks": picks, "short_reason": "only 6 on the shelf"},
    )
    assert status == 200, body
    line_paint.refresh_from_db()
    assert (line_paint.qty_allocated, line_paint.qty_backordered) == (D(6), D(4))

    # 3. Partial shipment and its invoice: the shipped part only.
    pack_one_carton(dock, first_list.pk)
    status, shipped = ship(dock, first_list.pk, tracking_number="1ZFIRST")
    assert status == 201, shipped
    first = Shipment.objects.get(pk=shipped["id"])
    assert {(ln.item_id, ln.lot, ln.quantity) for ln in first.lines.all()} == {
        (paint.pk, "L1", D(6)),
        (bolts.pk, "", D(4)),
    }
    invoice_1 = Invoice.objects.get(shipment=first)
    assert {(il.order_line_id, il.quantity) for il in invoice_1.lines.all()} == {
        (line_paint.pk, D(6)),
        (line_bolts.pk, D(4)),
    }
    _invoice_reconciles(invoice_1)
    order.refresh_from_db()
    assert order.status == "backordered"

    # The 4 missing units are counted out; 4 arrive in a new lot and fill the backorder.
    stock_move(actor=None, item=paint, warehouse=world.warehouse, quantity=D(-4),
               kind="adjustment", lot="L1", reason="cycle count after short pick")  # fmt: skip
    stock_move(actor=None, item=paint, warehouse=world.warehouse, quantity=D(4),
               kind="receipt", lot="L2", reference="PO receipt")  # fmt: skip
    assert backorders_fill(actor=None, item_ids=[paint.pk], today=TODAY) == 1
    order.refresh_from_db()
    assert order.status == "allocated"

    # 4. The backorder ships later, on a second invoice with no charges billed twice.
    status, _ = release(dock, world, [order.pk])
    assert status == 200
    second_list = pick_list_for(order.pk)
    assert second_list.pk != first_list.pk
    status, body = post(
        dock,
        f"/pick-lists/{second_list.pk}/picks",
        {
            "picks": [
                {"pick_line": ln["id"], "quantity": ln["quantity"], "scanned": "(10)L2"}
                for ln in lines_of(dock, second_list.pk)
            ]
        },
    )
    assert status == 200, body
    pack_one_carton(dock, second_list.pk)
    status, shipped = ship(dock, second_list.pk, tracking_number="1ZSECOND")
    assert status == 201, shipped
    invoice_2 = Invoice.objects.get(shipment_id=shipped["id"])
    assert [(il.order_line_id, il.lot, il.quantity) for il in invoice_2.lines.all()] == [
        (line_paint.pk, "L2", D(4))
    ]
    assert invoice_2.charges.count() == 0
    _invoice_reconciles(invoice_2)

    # Invoices add up to the order exactly: lines, charges, tax, total.
    order.refresh_from_db()
    assert order.status == "invoiced"
    invoices = [invoice_1, invoice_2]
    for line in order.lines.all():
        billed = [il for inv in invoices for il in inv.lines.all() if il.order_line_id == line.pk]
        assert _sum(il.net for il in billed) == line.net
        assert _sum(il.tax for il in billed) == line.tax
        assert line.qty_invoiced == line.qty_shipped == line.qty_ordered
    charges = list(OrderCharge.objects.filter(order=order))
    assert _sum(inv.charges_total for inv in invoices) == _sum(c.amount for c in charges)
    assert _sum(inv.total for inv in invoices) == order.total
    assert discrepancies(order=order) == []

    # 5. The customer pays the first invoice.
    status, body = post(
        billing,
        "/payments",
        {
            "customer_id": world.customer.pk,
            "amount": str(invoice_1.total),
            "received_date": TODAY.isoformat(),
            "reference": "CHK 1001",
            "apply_to": [
                {"receivable_id": invoice_1.receivable_id, "amount": str(invoice_1.total)}
            ],
        },
    )
    assert status == 201, body

    # 6. Two units of lot L2 come back: authorised, received into stock, credited.
    status, rma = post(
        clerk,
        "/rmas",
        {
            "order_id": order.pk,
            "reason": "two cans dented in transit",
            "lines": [{"line_no": 1, "quantity": "2", "lot": "L2", "reason_code": "DAMAGED"}],
        },
    )
    assert status == 201, rma
    status, rma = post(coordinator, f"/rmas/{rma['id']}/approve", {"reason": ""})
    assert status == 200, rma
    status, receipt = post(
        coordinator,
        f"/rmas/{rma['id']}/receipts",
        {
            "warehouse_id": world.warehouse.pk,
            "lines": [
                {
                    "line_no": 1,
                    "quantity": "2",
                    "lot": "L2",
                    "condition": "new",
                    "disposition": "restock",
                }
            ],
        },
    )
    assert status in (200, 201), receipt
    status, credited = post(coordinator, f"/rmas/{rma['id']}/credit", {})
    assert status in (200, 201), credited
    memo = CreditMemo.objects.get(pk=credited["id"])
    assert memo.reference.startswith("RMA")
    assert memo.invoice_id == invoice_2.pk
    invoice_line = invoice_2.lines.get()
    goods = memo.lines.get(kind="goods")
    assert goods.quantity == D(2)
    assert goods.net == (invoice_line.net * 2 / 4).quantize(D("0.01"))
    assert memo.total == memo.merchandise - memo.fees + memo.tax_total
    assert memo.merchandise == _sum(ln.net for ln in memo.lines.filter(kind="goods"))

    # Stock: the return went back through the ledger into lot L2.
    assert level(paint, world.warehouse, "L2") == (D(2), D(0))
    assert level(paint, world.warehouse, "L1") == (D(0), D(0))
    assert StockMovement.objects.filter(item=paint, kind="return", lot="L2").count() == 1
    assert ledger_matches_levels(paint) and ledger_matches_levels(bolts)

    # Ledger: balance = invoices − credits − payments, to the cent.
    response = billing.get(f"/api/v1/customers/{world.customer.pk}/ledger")
    assert response.status_code == 200
    balance = response.json()["balance"]
    paid = _sum(p.amount for p in Payment.objects.filter(customer=world.customer))
    expected = invoice_1.total + invoice_2.total - memo.total - paid
    assert D(balance["balance"]) == expected == invoice_2.total - memo.total
    assert D(balance["invoices"]) == invoice_1.total + invoice_2.total
    assert D(balance["credits"]) == memo.total
    assert D(balance["payments"]) == paid

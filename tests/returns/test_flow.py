"""A return on goods that went through the real warehouse: release, pick with the lot
scanned, pack, ship (which invoices), then RMA → receipt → credit memo, all over the API.
The documents reconcile to the cent and the ledgers agree with their movements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum

from orderdesk.billing.models import CreditMemo, Invoice, Receivable
from orderdesk.core.fields import AmountField
from orderdesk.core.roles import Role
from orderdesk.fulfilment.models import ShipmentLine
from orderdesk.inventory.selectors import ledger_discrepancies
from orderdesk.returns.recall import trace

from ..fulfilment.flow import lot_item, pack_one_carton, pick_all, pick_list_for, place, release
from ..fulfilment.flow import post as flow_post
from ..fulfilment.flow import ship as flow_ship
from ..orders.world import build_world

pytestmark = pytest.mark.django_db
D = Decimal


def post(client: Any, path: str, body: dict | None = None) -> tuple[int, Any]:
    return flow_post(client, path, body)


def test_return_of_shipped_lot_goods_credits_the_invoice_and_restocks(api_client) -> None:
    world = build_world()
    item = lot_item(world, [("L-0926", 30, dt.date(2027, 9, 30))], sku="VLV-3/4")
    clerk, dock = api_client(Role.ORDER_CLERK), api_client(Role.WAREHOUSE)
    boss = api_client(Role.DESK_COORDINATOR)
    order = place(clerk, world, (item.sku, "6"), (world.items[0].sku, "4"))
    status, body = release(dock, world, orders=[order["id"]])
    assert status == 200, body
    pick_list = pick_list_for(order["id"])
    pick_all(dock, pick_list.pk)
    pack_one_carton(dock, pick_list.pk)
    status, shipment = flow_ship(dock, pick_list.pk)
    assert status in (200, 201), shipment
    shipped_lots = set(ShipmentLine.objects.filter(item=item).values_list("lot", flat=True))
    assert shipped_lots == {"L-0926"}
    invoice = Invoice.objects.get(order_id=order["id"])

    status, rma = post(
        clerk,
        "/rmas",
        {
            "order_id": order["id"],
            "reason": "three valves leak at the bonnet",
            "lines": [{"line_no": 1, "quantity": "3", "reason_code": "DEFECTIVE"}],
        },
    )
    assert status == 201, rma
    assert (rma["invoice_number"], rma["lines"][0]["lot"]) == (invoice.number, "L-0926")
    status, rma = post(boss, f"/rmas/{rma['id']}/approve", {"reason": "supplier defect, known"})
    assert status == 200, rma
    status, receipt = post(
        dock,
        f"/rmas/{rma['id']}/receipts",
        {
            "warehouse_id": world.warehouse.pk,
            "lines": [
                {"line_no": 1, "quantity": "2", "condition": "defective", "disposition": "scrap"},
                {"line_no": 1, "quantity": "1", "condition": "new", "disposition": "restock"},
            ],
        },
    )
    assert status == 201, receipt
    status, memo = post(boss, f"/rmas/{rma['id']}/credit")
    assert status == 201, memo

    credit = CreditMemo.objects.get()
    assert credit.invoice == invoice
    il = invoice.lines.get(item=item)
    goods = credit.lines.get(kind="goods")
    assert (goods.invoice_line, goods.quantity) == (il, D(3))
    assert goods.net == (il.net * 3 / il.quantity).quantize(D("0.01"))
    assert credit.total == sum((ln.net + ln.tax for ln in credit.lines.all()), D(0))
    balance = Receivable.objects.filter(customer=world.customer).aggregate(
        s=Sum("open_amount", output_field=AmountField())
    )["s"]
    assert balance == invoice.total - credit.total
    assert list(ledger_discrepancies()) == []
    result = trace(number="L-0926")
    assert [(s.quantity, [r.received for r in s.returns]) for s in result.shipments] == [
        (D(6), [D(3)])
    ]
    assert [s.on_hand for s in result.stock] == [D(25)]  # 30 − 6 shipped + 1 restocked

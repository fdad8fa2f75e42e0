"""Concurrent clients on PostgreSQL: a line is never credited beyond what was invoiced, a
shipment is never invoiced twice, and invoice numbers have no gaps."""

from __future__ import annotations

import multiprocessing
from decimal import Decimal as D
from typing import Any

import pytest

from orderdesk.billing.models import CreditMemo, CreditMemoLine, Invoice, InvoiceLine, Receivable

from ..concurrency import run_in_processes
from ..orders.world import build_world
from .invoicing_world import place, ship, warehouse_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _user(role: str) -> Any:
    """A user of its own per child process (the factory's name sequence restarts in each)."""
    import os

    from ..factories import UserFactory

    return UserFactory(username=f"{role}-{os.getpid()}", role=role)


def credit_two(invoice_line_id: int, barrier: Any) -> str:
    """One client: credit 2 units of the line; "ok" or the refusal's code."""
    from orderdesk.billing.credit_memos import credit_memo_create
    from orderdesk.billing.errors import BillingError

    user = _user("billing")
    line = InvoiceLine.objects.select_related("invoice").get(pk=invoice_line_id)
    barrier.wait(timeout=120)
    try:
        credit_memo_create(actor=user, invoice=line.invoice, lines=[(line, D(2))], reason="race")
    except BillingError as exc:
        return exc.code
    return "ok"


def invoice_it(shipment_id: int, barrier: Any) -> str:
    from orderdesk.billing.invoicing import invoice_for_shipment
    from orderdesk.fulfilment.models import Shipment

    shipment = Shipment.objects.get(pk=shipment_id)
    user = _user("warehouse")
    barrier.wait(timeout=120)
    return invoice_for_shipment(actor=user, shipment=shipment).number


def test_eight_clients_crediting_a_seven_unit_line_credit_six() -> None:
    world = build_world(price="1.99", on_hand=10)
    order = place(world, (world.items[0].sku, "7"))
    from orderdesk.billing.invoicing import invoice_for_shipment

    invoice = invoice_for_shipment(actor=warehouse_user(), shipment=ship(order, {1: "7"}))
    line = invoice.lines.get()
    barrier = multiprocessing.get_context("spawn").Barrier(8)

    outcomes = run_in_processes(
        "tests.billing.test_credit_memos_concurrency:credit_two",
        [(line.pk, barrier) for _ in range(8)],
    )

    assert sorted(outcomes) == ["ok"] * 3 + ["over_credit"] * 5
    assert sum(CreditMemoLine.objects.values_list("quantity", flat=True), D(0)) == D(6)
    memos = list(CreditMemo.objects.order_by("number").values_list("number", flat=True))
    assert memos == ["CM000001", "CM000002", "CM000003"]
    open_items = sum(Receivable.objects.values_list("open_amount", flat=True), D(0))
    credited = sum(CreditMemo.objects.values_list("total", flat=True), D(0))
    assert open_items == invoice.total - credited


def test_clients_invoicing_shipments_at_once_bill_each_once_without_number_gaps() -> None:
    world = build_world(on_hand=100, repeat_orders=True)
    shipments = []
    for n in range(3):
        order = place(
            world, (world.items[0].sku, "2"), (world.items[1].sku, "1"), customer_po=f"PO-{n}"
        )
        shipments.append(ship(order, {1: "2", 2: "1"}))
    barrier = multiprocessing.get_context("spawn").Barrier(6)

    numbers = run_in_processes(
        "tests.billing.test_credit_memos_concurrency:invoice_it",
        [(s.pk, barrier) for s in shipments for _ in range(2)],
    )

    assert Invoice.objects.count() == 3
    assert sorted(set(numbers)) == ["INV000001", "INV000002", "INV000003"]
    assert InvoiceLine.objects.count() == 6
    for shipment in shipments:
        assert Invoice.objects.filter(shipment=shipment).count() == 1

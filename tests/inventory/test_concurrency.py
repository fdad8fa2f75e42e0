"""16 clients issue one unit at a time from a level of 100, all at once, on PostgreSQL."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from orderdesk.inventory.models import MovementKind, StockLevel, StockMovement
from orderdesk.inventory.selectors import ledger_discrepancies
from orderdesk.inventory.services import stock_move

from ..concurrency import run_in_processes
from ..factories import ItemFactory, WarehouseFactory


def issue_until_empty(item_id: int, warehouse_id: int, start_at: float) -> tuple[int, int]:
    """One client: issue 1 unit until refused; returns (issued, refused).

    Every client starts at the same wall-clock moment, so the issues really overlap.
    """
    from orderdesk.catalog.models import Item
    from orderdesk.inventory.errors import InsufficientStock
    from orderdesk.inventory.models import Warehouse

    item, wh = Item.objects.get(pk=item_id), Warehouse.objects.get(pk=warehouse_id)
    time.sleep(max(0.0, start_at - time.time()))
    issued = refused = 0
    while refused < 3:
        try:
            stock_move(
                actor=None,
                item=item,
                warehouse=wh,
                quantity=Decimal(-1),
                kind=MovementKind.ISSUE,
                reference=f"SO-{issued}",
            )
            issued += 1
        except InsufficientStock:
            refused += 1
    return issued, refused


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_16_clients_issue_exactly_the_100_units_on_hand():
    item, wh = ItemFactory(), WarehouseFactory()
    stock_move(actor=None, item=item, warehouse=wh, quantity=Decimal(100), kind="receipt")
    results = run_in_processes(
        "tests.inventory.test_concurrency:issue_until_empty",
        [(item.pk, wh.pk, time.time() + 10)] * 16,
    )
    assert sum(issued for issued, _ in results) == 100
    assert sum(1 for issued, _ in results if issued) > 1  # the clients really competed
    assert StockLevel.objects.get(item=item, warehouse=wh).on_hand == Decimal(0)
    assert StockMovement.objects.filter(item=item, kind="issue").count() == 100
    assert list(ledger_discrepancies()) == []

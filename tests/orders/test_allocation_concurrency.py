"""Many clients allocating one SKU at once never allocate more than is on hand.

PostgreSQL: 50 processes, each allocating 20 one-unit orders (its own transaction per order)
against 100 in stock. SQLite: the same with 8 processes on a file database; the test
database is in memory (one process only), so it is copied to a file with SQLite's backup
API, the clients work on the file, and the file is copied back for the assertions.
"""

from __future__ import annotations

import multiprocessing
import queue as queue_module
import sqlite3
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from orderdesk.inventory.models import StockLevel
from orderdesk.inventory.services import stock_move
from orderdesk.orders.models import Allocation, SalesOrder, SalesOrderLine
from orderdesk.orders.states import OrderStatus

from ..concurrency import _child, run_in_processes
from ..factories import CustomerFactory, ItemFactory, WarehouseFactory
from .test_allocation import SalesOrderFactory, SalesOrderLineFactory

TARGET = "tests.orders.test_allocation_concurrency:allocate_orders"


def allocate_orders(order_ids: list[int], barrier: Any) -> int:
    """One client: allocate each order in its own transaction; returns how many got stock.

    Every client starts at the barrier, so the allocations really overlap.
    """
    from django.db import transaction

    from orderdesk.orders.allocation import order_allocate

    barrier.wait(timeout=300)
    filled = 0
    for order_id in order_ids:
        with transaction.atomic():
            order = SalesOrder.objects.get(pk=order_id)
            order_allocate(actor=None, order=order, today=timezone.localdate())
        filled += order.status == OrderStatus.ALLOCATED
    return filled


def _setup(on_hand: int, orders: int) -> tuple[Any, Any, list[int]]:
    item, wh = ItemFactory(), WarehouseFactory()
    stock_move(actor=None, item=item, warehouse=wh, quantity=Decimal(on_hand), kind="receipt")
    customer = CustomerFactory()
    made = SalesOrderFactory.create_batch(orders, customer=customer, ship_to=None)
    for order in made:
        SalesOrderLineFactory(order=order, line_no=1, item=item, quantity=Decimal(1))
    return item, wh, [o.pk for o in made]


def _check(item: Any, wh: Any, *, on_hand: int, orders: int, filled: list[int]) -> None:
    level = StockLevel.objects.get(item=item, warehouse=wh)
    assert level.allocated == Decimal(on_hand) == level.on_hand
    totals = SalesOrderLine.objects.aggregate(a=Sum("qty_allocated"), b=Sum("qty_backordered"))
    assert (totals["a"], totals["b"]) == (on_hand, orders - on_hand)
    assert sum(filled) == on_hand
    assert sum(1 for n in filled if n) > 1  # the clients really competed
    status = dict(
        SalesOrder.objects.order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    assert status == {OrderStatus.ALLOCATED: on_hand, OrderStatus.BACKORDERED: orders - on_hand}
    assert Allocation.objects.count() == on_hand


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_50_clients_allocate_exactly_the_100_units_on_hand():
    item, wh, ids = _setup(100, 1000)
    barrier = multiprocessing.get_context("spawn").Barrier(50)
    filled = run_in_processes(TARGET, [(ids[n::50], barrier) for n in range(50)], timeout=600)
    _check(item, wh, on_hand=100, orders=1000, filled=filled)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_orders_taking_two_skus_in_opposite_line_order_never_deadlock():
    """Stock rows are always reserved in (item, warehouse) order, whatever the line order."""
    a, b, wh = ItemFactory(), ItemFactory(), WarehouseFactory()
    for item in (a, b):
        stock_move(actor=None, item=item, warehouse=wh, quantity=Decimal(50), kind="receipt")
    customer = CustomerFactory()
    ids = []
    for n, order in enumerate(SalesOrderFactory.create_batch(200, customer=customer, ship_to=None)):
        first, second = (a, b) if n % 2 else (b, a)
        SalesOrderLineFactory(order=order, line_no=1, item=first, quantity=Decimal(1))
        SalesOrderLineFactory(order=order, line_no=2, item=second, quantity=Decimal(1))
        ids.append(order.pk)
    barrier = multiprocessing.get_context("spawn").Barrier(20)
    filled = run_in_processes(TARGET, [(ids[n::20], barrier) for n in range(20)], timeout=600)
    assert sum(filled) == 50
    for item in (a, b):
        level = StockLevel.objects.get(item=item, warehouse=wh)
        assert level.allocated == Decimal(50) == level.on_hand
    assert SalesOrder.objects.filter(status=OrderStatus.BACKORDERED).count() == 150


def _run_on_file(path: Path, args_list: list[tuple[Any, ...]], timeout: float) -> list[Any]:
    """`run_in_processes` against a database file instead of the test database."""
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    procs = [ctx.Process(target=_child, args=(str(path), TARGET, a, results)) for a in args_list]
    for p in procs:
        p.start()
    answers: list[tuple[str, Any]] = []
    deadline = time.monotonic() + timeout
    try:
        while len(answers) < len(procs):
            try:
                answers.append(results.get(timeout=1))
            except queue_module.Empty:
                dead = [p for p in procs if p.exitcode not in (None, 0)]
                if dead or time.monotonic() > deadline:
                    raise AssertionError(
                        f"{len(procs) - len(answers)} clients gave no answer "
                        f"(exit codes {[p.exitcode for p in procs]})"
                    ) from None
    finally:
        for p in procs:
            if p.is_alive() and len(answers) < len(procs):
                p.terminate()
            p.join(timeout=30)
    errors = [r for status, r in answers if status == "error"]
    assert not errors, f"{len(errors)} concurrent clients failed: {errors[:5]}"
    return [r for _, r in answers]


@pytest.mark.django_db(transaction=True)
def test_8_clients_on_an_sqlite_file_allocate_exactly_what_is_on_hand(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant; PostgreSQL has its own test above")
    item, wh, ids = _setup(30, 80)
    path = tmp_path / "allocation.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=WAL")
    copy.close()
    barrier = multiprocessing.get_context("spawn").Barrier(8)
    filled = _run_on_file(path, [(ids[n::8], barrier) for n in range(8)], timeout=300)
    back = sqlite3.connect(path)
    back.backup(connection.connection)
    back.close()
    _check(item, wh, on_hand=30, orders=80, filled=filled)

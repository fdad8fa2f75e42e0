from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from orderdesk.inventory.models import MovementKind
from orderdesk.inventory.selectors import movements, stock_level_list, stock_on_hand
from orderdesk.inventory.services import stock_move

from ..factories import ItemFactory, WarehouseFactory
from .factories import OtherWarehouseFactory

pytestmark = pytest.mark.django_db


def _move(item, wh, q, kind=MovementKind.RECEIPT, reference=""):
    return stock_move(
        actor=None, item=item, warehouse=wh, quantity=Decimal(q), kind=kind, reference=reference
    )


def test_stock_on_hand_per_warehouse_and_in_all():
    item, chi, dal = ItemFactory(), WarehouseFactory(), OtherWarehouseFactory()
    _move(item, chi, "5.25")
    _move(item, dal, "2")
    assert stock_on_hand(item, chi) == Decimal("5.25")
    assert stock_on_hand(item.pk, dal.pk) == Decimal("2")
    assert stock_on_hand(item) == Decimal("7.25")
    assert stock_on_hand(ItemFactory()) == Decimal(0)


def test_stock_level_list_loads_items_and_warehouses_in_one_query(django_assert_num_queries):
    chi, dal = WarehouseFactory(), OtherWarehouseFactory()
    for _ in range(4):
        item = ItemFactory()
        _move(item, chi, "1")
        _move(item, dal, "1")
    with django_assert_num_queries(1):
        rows = [
            (lv.item.sku, lv.item.base_uom.code, lv.warehouse.code) for lv in stock_level_list()
        ]
    assert len(rows) == 8
    assert [lv.warehouse.code for lv in stock_level_list(warehouse=dal)] == ["DAL"] * 4


def test_stock_level_list_in_stock_only():
    item, chi = ItemFactory(), WarehouseFactory()
    _move(item, chi, "1")
    _move(item, chi, "-1", MovementKind.ISSUE)
    assert list(stock_level_list(in_stock_only=True)) == []
    assert len(stock_level_list()) == 1


def test_movements_filter_by_kind_reference_and_time(django_assert_num_queries):
    item, chi = ItemFactory(), WarehouseFactory()
    start = timezone.now() - dt.timedelta(seconds=1)
    _move(item, chi, "5", reference="PO000001")
    _move(item, chi, "-2", MovementKind.ISSUE, reference="SO000001")
    with django_assert_num_queries(1):
        got = [(m.kind, m.quantity, m.warehouse.code) for m in movements(item=item)]
    assert got == [("receipt", Decimal(5), "CHI"), ("issue", Decimal(-2), "CHI")]
    assert [m.reference for m in movements(kind="issue")] == ["SO000001"]
    assert [m.kind for m in movements(reference="PO000001")] == ["receipt"]
    assert len(movements(since=start)) == 2
    assert list(movements(until=start)) == []

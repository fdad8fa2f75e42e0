"""Reserving stock (conditional updates, FEFO, held lots) and the ATP selectors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from orderdesk.catalog.models import KitComponent
from orderdesk.core.errors import Conflict
from orderdesk.inventory.availability import (
    atp_for,
    available_by_warehouse,
    promise_for,
    stock_totals,
)
from orderdesk.inventory.errors import InventoryError
from orderdesk.inventory.models import Lot, StockLevel
from orderdesk.inventory.reservations import (
    Level,
    reservable_levels,
    stock_reserve,
    stock_unreserve,
)
from orderdesk.inventory.services import stock_move

from ..factories import ItemFactory, VendorFactory, WarehouseFactory
from ..purchasing.factories import make_po
from .factories import LotItemFactory, OtherWarehouseFactory, SerialItemFactory

pytestmark = pytest.mark.django_db
D = Decimal


def receive(item, wh, quantity, lot=""):
    stock_move(actor=None, item=item, warehouse=wh, quantity=D(quantity), kind="receipt", lot=lot)


def level(item, wh, lot=""):
    return StockLevel.objects.get(item=item, warehouse=wh, lot=lot)


def test_reserve_takes_what_is_asked_with_one_conditional_update(django_assert_num_queries):
    item, wh = ItemFactory(), WarehouseFactory()
    receive(item, wh, 10)
    with django_assert_num_queries(2):  # read the levels, one UPDATE
        taken = stock_reserve(item_id=item.pk, warehouse_id=wh.pk, quantity=D(4))
    assert taken == [("", D(4))]
    assert level(item, wh).allocated == D(4)


def test_reserve_is_partial_when_stock_is_short():
    item, wh = ItemFactory(), WarehouseFactory()
    receive(item, wh, 3)
    stock_reserve(item_id=item.pk, warehouse_id=wh.pk, quantity=D(2))
    assert stock_reserve(item_id=item.pk, warehouse_id=wh.pk, quantity=D(5)) == [("", D(1))]
    assert stock_reserve(item_id=item.pk, warehouse_id=wh.pk, quantity=D(5)) == []
    assert level(item, wh).allocated == D(3)


def test_reserve_with_stale_levels_takes_only_what_is_left():
    item, wh = ItemFactory(), WarehouseFactory()
    receive(item, wh, 5)
    stale = reservable_levels([item.pk])[(item.pk, wh.pk)]
    stock_reserve(item_id=item.pk, warehouse_id=wh.pk, quantity=D(3))  # someone else, meanwhile
    taken = stock_reserve(item_id=item.pk, warehouse_id=wh.pk, quantity=D(5), levels=stale)
    assert taken == [("", D(2))]
    assert level(item, wh).allocated == D(5)


def test_reserve_goes_first_expiring_first_and_skips_lots_on_hold():
    item, wh = LotItemFactory(), WarehouseFactory()
    today = timezone.localdate()
    for number, days, held in [("LATE", 90, False), ("SOON", 10, False), ("HELD", 1, True)]:
        receive(item, wh, 4, lot=number)
        Lot.objects.filter(item=item, number=number).update(
            expiry_date=today + dt.timedelta(days=days), quality_hold=held
        )
    receive(item, wh, 4, lot="NODATE")
    taken = stock_reserve(item_id=item.pk, warehouse_id=wh.pk, quantity=D(10))
    assert taken == [("SOON", D(4)), ("LATE", D(4)), ("NODATE", D(2))]
    assert level(item, wh, "HELD").allocated == D(0)


def test_reserve_never_takes_from_an_inactive_warehouse():
    item, wh = ItemFactory(), WarehouseFactory()
    receive(item, wh, 5)
    type(wh).objects.filter(pk=wh.pk).update(active=False)
    assert stock_reserve(item_id=item.pk, warehouse_id=wh.pk, quantity=D(1)) == []


def test_serial_items_reserve_one_serial_per_unit():
    item, wh = SerialItemFactory(), WarehouseFactory()
    for serial in ["S1", "S2", "S3"]:
        receive(item, wh, 1, lot=serial)
    taken = stock_reserve(item_id=item.pk, warehouse_id=wh.pk, quantity=D(2))
    assert sorted(taken) == [("S1", D(1)), ("S2", D(1))]


def test_unreserve_gives_back_and_refuses_more_than_is_allocated():
    item, wh = ItemFactory(), WarehouseFactory()
    receive(item, wh, 5)
    stock_reserve(item_id=item.pk, warehouse_id=wh.pk, quantity=D(3))
    stock_unreserve(item_id=item.pk, warehouse_id=wh.pk, lot="", quantity=D(1))
    assert level(item, wh).allocated == D(2)
    with pytest.raises(Conflict):
        stock_unreserve(item_id=item.pk, warehouse_id=wh.pk, lot="", quantity=D(3))
    assert level(item, wh).allocated == D(2)


def test_zero_or_negative_quantities_are_refused():
    item, wh = ItemFactory(), WarehouseFactory()
    receive(item, wh, 5)
    with pytest.raises(InventoryError):
        stock_reserve(item_id=item.pk, warehouse_id=wh.pk, quantity=D(0))
    with pytest.raises(InventoryError):
        stock_unreserve(item_id=item.pk, warehouse_id=wh.pk, lot="", quantity=D(-1))
    assert level(item, wh).allocated == D(0)


def test_levels_carry_what_is_free():
    item, wh = ItemFactory(), WarehouseFactory()
    receive(item, wh, 5)
    stock_reserve(item_id=item.pk, warehouse_id=wh.pk, quantity=D(2))
    got = reservable_levels([item.pk])
    pk = level(item, wh).pk
    assert got == {(item.pk, wh.pk): [Level(pk, item.pk, wh.pk, "", D(3))]}


# selectors


def test_available_by_warehouse_in_one_query(django_assert_num_queries):
    a, b = LotItemFactory(), ItemFactory()
    chi, dal = WarehouseFactory(), OtherWarehouseFactory()
    receive(a, chi, 6, lot="OK")
    receive(a, chi, 5, lot="BAD")
    Lot.objects.filter(item=a, number="BAD").update(quality_hold=True)
    receive(a, dal, 2, lot="OK")
    receive(b, dal, 7)
    stock_reserve(item_id=b.pk, warehouse_id=dal.pk, quantity=D(3))
    with django_assert_num_queries(1):
        got = available_by_warehouse([a.pk, b.pk])
    assert got == {a.pk: {chi.pk: D(6), dal.pk: D(2)}, b.pk: {dal.pk: D(4)}}


def test_stock_totals_split_out_held_stock():
    item, wh = LotItemFactory(), WarehouseFactory()
    receive(item, wh, 6, lot="OK")
    receive(item, wh, 5, lot="BAD")
    Lot.objects.filter(item=item, number="BAD").update(quality_hold=True)
    stock_reserve(item_id=item.pk, warehouse_id=wh.pk, quantity=D(1))
    assert stock_totals([item.pk]) == {item.pk: (D(11), D(1), D(5))}


def test_atp_for_adds_expected_receipts_in_three_queries(django_assert_num_queries):
    item, wh = ItemFactory(), WarehouseFactory()
    receive(item, wh, 4)
    today = timezone.localdate()
    make_po(lines=[(item, D(10), D(1))], send=True, expected_date=today + dt.timedelta(days=5))
    make_po(lines=[(item, D(99), D(1))], send=False)  # a draft promises nothing
    with django_assert_num_queries(3):
        profile = atp_for(item, wh, today)
    assert profile == [(today, D(4)), (today + dt.timedelta(days=5), D(14))]


def test_promise_for_uses_receipts_then_lead_time():
    item, wh = ItemFactory(lead_time_days=21), WarehouseFactory()
    receive(item, wh, 4)
    today = timezone.localdate()
    make_po(lines=[(item, D(10), D(1))], send=True, expected_date=today + dt.timedelta(days=5))
    assert promise_for(item, wh, D(4), today) == today
    assert promise_for(item, wh, D(14), today) == today + dt.timedelta(days=5)
    assert promise_for(item.pk, None, D(15), today) == today + dt.timedelta(days=21)
    # backorders already waiting are served first
    assert promise_for(item, wh, D(4), today, demand=[(today, D(1))]) == today + dt.timedelta(
        days=5
    )


def test_promise_for_kits_and_drop_ship_items():
    today = timezone.localdate()
    wh = WarehouseFactory()
    a, b = ItemFactory(), ItemFactory(lead_time_days=9)
    kit = ItemFactory(is_kit=True)
    KitComponent.objects.create(kit=kit, component=a, quantity=D(2))
    KitComponent.objects.create(kit=kit, component=b, quantity=D(1))
    receive(a, wh, 10)
    receive(b, wh, 2)
    assert promise_for(kit, wh, D(2), today) == today
    assert promise_for(kit, wh, D(3), today) == today + dt.timedelta(days=9)
    drop = ItemFactory(drop_ship=True, default_vendor=VendorFactory(lead_time_days=12))
    assert promise_for(drop, None, D(100), today) == today + dt.timedelta(days=12)

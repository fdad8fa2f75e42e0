from __future__ import annotations

from decimal import Decimal

import pytest

from orderdesk.core.audit import events_for
from orderdesk.core.errors import Forbidden
from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.inventory.errors import InventoryError
from orderdesk.inventory.models import Lot, MovementKind, Warehouse
from orderdesk.inventory.selectors import lot_list, warehouse_list
from orderdesk.inventory.services import (
    lot_hold,
    lot_release,
    stock_move,
    warehouse_create,
    warehouse_update,
)

from ..factories import ItemFactory, WarehouseFactory
from .factories import LotFactory

pytestmark = pytest.mark.django_db


def _warehouses() -> list[tuple]:
    return list(Warehouse.objects.order_by("pk").values_list("code", "name", "timezone", "active"))


def test_warehouse_create_records_an_event(make_user):
    clerk = make_user(Role.ORDER_CLERK)
    wh = warehouse_create(
        actor=clerk, code=" atl ", name="Atlanta DC", timezone="America/New_York", country="us"
    )
    assert (wh.code, wh.country, wh.timezone) == ("ATL", "US", "America/New_York")
    assert [e.action for e in events_for(wh)] == ["warehouse.created"]
    assert [w.code for w in warehouse_list(active=True)] == ["ATL"]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"code": "CHI", "name": "Chicago again"}, "warehouse_code_taken"),
        ({"code": "NYC", "name": "New York", "timezone": "Mars/Olympus"}, "timezone_invalid"),
        ({"code": "", "name": "Nowhere"}, "invalid"),
        ({"code": "TOOLONGCODE1", "name": "Long"}, "invalid"),
        ({"code": "MEX", "name": "Mexico", "country": "MEX"}, "invalid"),
    ],
)
def test_bad_warehouses_are_refused(make_user, kwargs, code):
    manager = make_user(Role.MANAGER)
    WarehouseFactory()
    before, events = _warehouses(), Event.objects.count()
    with pytest.raises(InventoryError) as exc:
        warehouse_create(actor=manager, **kwargs)
    assert exc.value.code == code
    assert (_warehouses(), Event.objects.count()) == (before, events)


def test_technician_may_not_create_a_warehouse(make_user):
    with pytest.raises(Forbidden):
        warehouse_create(actor=make_user(Role.TECHNICIAN), code="X", name="X")
    assert _warehouses() == []


def test_warehouse_update_records_only_what_changed(make_user):
    manager = make_user(Role.MANAGER)
    wh = WarehouseFactory()
    warehouse_update(actor=manager, warehouse=wh, name="Chicago North", city="Chicago")
    event = Event.objects.get(action="warehouse.updated")
    assert (event.before, event.after) == (
        {"name": "Chicago DC", "city": ""},
        {"name": "Chicago North", "city": "Chicago"},
    )
    warehouse_update(actor=manager, warehouse=wh, name="Chicago North")
    assert Event.objects.filter(action="warehouse.updated").count() == 1


def test_a_warehouse_with_stock_cannot_be_deactivated(make_user):
    manager = make_user(Role.MANAGER)
    wh = WarehouseFactory()
    stock_move(actor=None, item=ItemFactory(), warehouse=wh, quantity=Decimal(1), kind="receipt")
    before, events = _warehouses(), Event.objects.count()
    with pytest.raises(InventoryError) as exc:
        warehouse_update(actor=manager, warehouse=wh, active=False)
    assert exc.value.code == "warehouse_has_stock"
    assert (_warehouses(), Event.objects.count()) == (before, events)


def test_an_empty_warehouse_can_be_deactivated(make_user):
    wh = warehouse_update(actor=make_user(Role.ADMIN), warehouse=WarehouseFactory(), active=False)
    assert wh.active is False
    assert list(warehouse_list(active=True)) == []


def test_lot_hold_and_release_are_recorded(make_user):
    manager = make_user(Role.MANAGER)
    lot = LotFactory(number="L42")
    held = lot_hold(actor=manager, lot=lot, reason="supplier recall 2026-07")
    assert (held.quality_hold, held.hold_reason) == (True, "supplier recall 2026-07")
    assert [x.number for x in lot_list(on_hold=True)] == ["L42"]
    released = lot_release(actor=manager, lot=lot, reason="inspected, fine")
    assert (released.quality_hold, released.hold_reason) == (False, "")
    assert [(e.action, e.reason) for e in events_for(lot)] == [
        ("lot.held", "supplier recall 2026-07"),
        ("lot.released", "inspected, fine"),
    ]


def test_hold_needs_a_reason_and_cannot_be_taken_twice(make_user):
    manager = make_user(Role.MANAGER)
    lot = LotFactory()
    with pytest.raises(InventoryError) as exc:
        lot_hold(actor=manager, lot=lot, reason=" ")
    assert exc.value.code == "reason_required"
    lot_hold(actor=manager, lot=lot, reason="damaged")
    events = Event.objects.count()
    with pytest.raises(InventoryError) as exc:
        lot_hold(actor=manager, lot=lot, reason="again")
    assert exc.value.code == "lot_already_on_hold"
    assert Lot.objects.get(pk=lot.pk).hold_reason == "damaged"
    assert Event.objects.count() == events


def test_release_of_a_lot_not_on_hold_is_refused(make_user):
    lot = LotFactory()
    with pytest.raises(InventoryError) as exc:
        lot_release(actor=make_user(Role.MANAGER), lot=lot)
    assert exc.value.code == "lot_not_on_hold"
    assert Event.objects.count() == 0


def test_order_clerk_may_not_hold_a_lot(make_user):
    lot = LotFactory()
    with pytest.raises(Forbidden):
        lot_hold(actor=make_user(Role.ORDER_CLERK), lot=lot, reason="x")
    assert Lot.objects.get(pk=lot.pk).quality_hold is False


def test_opening_balance_kind_is_accepted():
    item, wh = ItemFactory(), WarehouseFactory()
    m = stock_move(
        actor=None, item=item, warehouse=wh, quantity=Decimal(7), kind=MovementKind.OPENING
    )
    assert m.kind == "opening"

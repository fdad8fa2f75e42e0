from __future__ import annotations

from decimal import Decimal

import pytest

from orderdesk.core.errors import Forbidden
from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.inventory.errors import InsufficientStock, InventoryError
from orderdesk.inventory.models import MovementKind, StockLevel, StockMovement
from orderdesk.inventory.selectors import ledger_discrepancies, stock_on_hand
from orderdesk.inventory.services import stock_adjust, stock_move, stock_transfer

from ..factories import ItemFactory, WarehouseFactory
from .factories import LotItemFactory, OtherWarehouseFactory

pytestmark = pytest.mark.django_db


def _state() -> tuple[list, int, int]:
    levels = list(StockLevel.objects.order_by("pk").values_list("pk", "on_hand", "allocated"))
    return levels, StockMovement.objects.count(), Event.objects.count()


def _stocked(quantity: str = "10", **item_kwargs):
    item, wh = ItemFactory(**item_kwargs), WarehouseFactory()
    stock_move(
        actor=None, item=item, warehouse=wh, quantity=Decimal(quantity), kind=MovementKind.OPENING
    )
    return item, wh


def test_adjust_to_a_counted_quantity_books_the_difference(make_user):
    coordinator = make_user(Role.DESK_COORDINATOR)
    item, wh = _stocked("10")
    movement = stock_adjust(
        actor=coordinator, item=item, warehouse=wh, counted=Decimal("7"), reason="cycle count A4"
    )
    assert movement is not None
    assert (movement.kind, movement.quantity, movement.reason) == (
        "adjustment",
        Decimal("-3"),
        "cycle count A4",
    )
    assert stock_on_hand(item, wh) == Decimal("7")
    event = Event.objects.filter(action="stock.moved").last()
    assert event is not None
    assert (event.after["counted"], event.after["book"], event.reason) == (
        "7",
        "10.0000",
        "cycle count A4",
    )


def test_a_count_equal_to_the_book_moves_nothing_but_is_recorded(make_user):
    manager = make_user(Role.MANAGER)
    item, wh = _stocked("10")
    moves = StockMovement.objects.count()
    assert (
        stock_adjust(actor=manager, item=item, warehouse=wh, counted=Decimal(10), reason="count")
        is None
    )
    assert StockMovement.objects.count() == moves
    assert Event.objects.filter(action="stock.counted").count() == 1


def test_adjust_by_a_delta(make_user):
    manager = make_user(Role.MANAGER)
    item, wh = _stocked("10")
    stock_adjust(actor=manager, item=item, warehouse=wh, delta=Decimal("2.5"), reason="found")
    assert stock_on_hand(item, wh) == Decimal("12.5")
    assert list(ledger_discrepancies()) == []


def test_a_count_first_creates_stock_where_none_was_booked(make_user):
    manager = make_user(Role.MANAGER)
    item, wh = ItemFactory(), WarehouseFactory()
    stock_adjust(actor=manager, item=item, warehouse=wh, counted=Decimal(4), reason="found")
    assert stock_on_hand(item, wh) == Decimal(4)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"counted": Decimal(5), "reason": ""}, "reason_required"),
        ({"counted": Decimal(5), "delta": Decimal(1), "reason": "x"}, "adjustment_invalid"),
        ({"reason": "x"}, "adjustment_invalid"),
        ({"counted": Decimal(-1), "reason": "x"}, "quantity_invalid"),
        ({"delta": Decimal(0), "reason": "x"}, "quantity_invalid"),
    ],
)
def test_bad_adjustments_are_refused(make_user, kwargs, code):
    manager = make_user(Role.MANAGER)
    item, wh = _stocked("10")
    before = _state()
    with pytest.raises(InventoryError) as exc:
        stock_adjust(actor=manager, item=item, warehouse=wh, **kwargs)
    assert exc.value.code == code
    assert _state() == before


def test_a_count_below_the_allocated_quantity_is_refused(make_user):
    manager = make_user(Role.MANAGER)
    item, wh = _stocked("10")
    StockLevel.objects.filter(item=item).update(allocated=Decimal(6))
    before = _state()
    with pytest.raises(InsufficientStock):
        stock_adjust(actor=manager, item=item, warehouse=wh, counted=Decimal(5), reason="count")
    assert _state() == before


def test_an_order_clerk_may_not_adjust_stock(make_user):
    clerk = make_user(Role.ORDER_CLERK)
    item, wh = _stocked("10")
    before = _state()
    with pytest.raises(Forbidden):
        stock_adjust(actor=clerk, item=item, warehouse=wh, delta=Decimal(1), reason="x")
    assert _state() == before


def test_transfer_books_out_and_in_in_one_go(make_user):
    manager = make_user(Role.MANAGER)
    item, chi = _stocked("10")
    dal = OtherWarehouseFactory()
    out, into = stock_transfer(
        actor=manager,
        item=item,
        from_warehouse=chi,
        to_warehouse=dal,
        quantity=Decimal(4),
        reason="rebalance",
    )
    assert (out.kind, out.quantity, out.warehouse_id, out.reference) == (
        "transfer_out",
        Decimal(-4),
        chi.pk,
        "CHI>DAL",
    )
    assert (into.kind, into.quantity, into.warehouse_id) == ("transfer_in", Decimal(4), dal.pk)
    assert (stock_on_hand(item, chi), stock_on_hand(item, dal), stock_on_hand(item)) == (
        Decimal(6),
        Decimal(4),
        Decimal(10),
    )
    assert list(ledger_discrepancies()) == []


def test_transfer_of_a_lot_keeps_the_lot(make_user):
    manager = make_user(Role.MANAGER)
    item, chi, dal = LotItemFactory(), WarehouseFactory(), OtherWarehouseFactory()
    stock_move(actor=None, item=item, warehouse=chi, quantity=Decimal(3), kind="receipt", lot="L7")
    stock_transfer(
        actor=manager, item=item, from_warehouse=chi, to_warehouse=dal, quantity=3, lot="L7"
    )
    assert list(
        StockLevel.objects.order_by("warehouse__code").values_list(
            "warehouse__code", "lot", "on_hand"
        )
    ) == [("CHI", "L7", Decimal(0)), ("DAL", "L7", Decimal(3))]


def test_transfer_beyond_stock_changes_neither_warehouse(make_user):
    manager = make_user(Role.MANAGER)
    item, chi = _stocked("3")
    dal = OtherWarehouseFactory()
    before = _state()
    with pytest.raises(InsufficientStock):
        stock_transfer(
            actor=manager, item=item, from_warehouse=chi, to_warehouse=dal, quantity=Decimal(5)
        )
    assert _state() == before


@pytest.mark.parametrize(
    ("same", "quantity", "code"),
    [(True, "1", "same_warehouse"), (False, "-1", "quantity_invalid")],
)
def test_bad_transfers_are_refused(make_user, same, quantity, code):
    manager = make_user(Role.MANAGER)
    item, chi = _stocked("3")
    to = chi if same else OtherWarehouseFactory()
    before = _state()
    with pytest.raises(InventoryError) as exc:
        stock_transfer(
            actor=manager,
            item=item,
            from_warehouse=chi,
            to_warehouse=to,
            quantity=Decimal(quantity),
        )
    assert exc.value.code == code
    assert _state() == before

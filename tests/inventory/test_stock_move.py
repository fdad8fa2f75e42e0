from __future__ import annotations

from decimal import Decimal

import pytest

from orderdesk.core.models import Event
from orderdesk.inventory.errors import InsufficientStock, InventoryError
from orderdesk.inventory.models import Lot, MovementKind, StockLevel, StockMovement
from orderdesk.inventory.selectors import ledger_discrepancies, stock_on_hand
from orderdesk.inventory.services import stock_move

from ..factories import ItemFactory, WarehouseFactory
from .factories import LotItemFactory, OtherWarehouseFactory, SerialItemFactory

pytestmark = pytest.mark.django_db


def _state() -> tuple[list, int, int, int]:
    """Everything a refused move must leave untouched."""
    levels = list(StockLevel.objects.order_by("pk").values_list("pk", "on_hand", "allocated"))
    return levels, StockMovement.objects.count(), Event.objects.count(), Lot.objects.count()


def _receive(item, warehouse, quantity, lot="") -> StockMovement:
    return stock_move(
        actor=None,
        item=item,
        warehouse=warehouse,
        quantity=Decimal(quantity),
        kind=MovementKind.RECEIPT,
        lot=lot,
        reference="PO000001",
    )


def test_first_receipt_creates_the_level_and_one_ledger_row(make_user):
    clerk = make_user()
    item, wh = ItemFactory(), WarehouseFactory()
    movement = stock_move(
        actor=clerk,
        item=item,
        warehouse=wh,
        quantity=Decimal("12.5"),
        kind=MovementKind.RECEIPT,
        reference="PO000001",
        reason="vendor delivery",
    )
    level = StockLevel.objects.get(item=item, warehouse=wh, lot="")
    assert level.on_hand == Decimal("12.5")
    assert list(StockMovement.objects.values_list("quantity", "kind", "reference", "actor")) == [
        (Decimal("12.5"), "receipt", "PO000001", clerk.pk)
    ]
    event = Event.objects.get(action="stock.moved")
    assert (event.object_type, event.object_id, event.actor_id) == (
        "inventory.stocklevel",
        str(level.pk),
        clerk.pk,
    )
    assert event.after == {
        "movement": movement.pk,
        "kind": "receipt",
        "quantity": "12.5",
        "lot": "",
        "reference": "PO000001",
        "on_hand": "12.5000",
    }
    assert event.reason == "vendor delivery"


def test_moves_add_up_exactly_and_match_the_ledger():
    item, wh = ItemFactory(), WarehouseFactory()
    _receive(item, wh, "0.1")
    _receive(item, wh, "0.2")
    stock_move(
        actor=None, item=item, warehouse=wh, quantity=Decimal("-0.3"), kind=MovementKind.ISSUE
    )
    assert stock_on_hand(item, wh) == Decimal("0")
    assert list(ledger_discrepancies()) == []


def test_issue_beyond_on_hand_is_refused_naming_item_warehouse_on_hand_and_asked():
    item, wh = ItemFactory(sku="CTR-30A"), WarehouseFactory()
    _receive(item, wh, "3")
    before = _state()
    with pytest.raises(InsufficientStock) as exc:
        stock_move(
            actor=None, item=item, warehouse=wh, quantity=Decimal("-5"), kind=MovementKind.ISSUE
        )
    assert exc.value.code == "insufficient_stock"
    assert exc.value.message == ("not enough stock of CTR-30A in CHI: on hand 3, asked to take 5")
    assert _state() == before


def test_issue_may_not_take_allocated_stock():
    item, wh = ItemFactory(sku="CTR-40A"), WarehouseFactory()
    _receive(item, wh, "10")
    StockLevel.objects.filter(item=item).update(allocated=Decimal("8"))
    before = _state()
    with pytest.raises(InsufficientStock) as exc:
        stock_move(
            actor=None, item=item, warehouse=wh, quantity=Decimal("-3"), kind=MovementKind.ISSUE
        )
    assert exc.value.message == (
        "not enough stock of CTR-40A in CHI: on hand 10, 8 of it allocated, asked to take 3"
    )
    assert _state() == before


def test_issue_where_there_was_never_stock_is_refused_and_creates_no_level():
    item, wh = ItemFactory(sku="CTR-50A"), WarehouseFactory()
    with pytest.raises(InsufficientStock, match="on hand 0, asked to take 1"):
        stock_move(
            actor=None, item=item, warehouse=wh, quantity=Decimal("-1"), kind=MovementKind.ISSUE
        )
    assert _state() == ([], 0, 0, 0)


@pytest.mark.parametrize(
    ("quantity", "kind", "code"),
    [
        ("-1", MovementKind.RECEIPT, "wrong_sign_for_kind"),
        ("1", MovementKind.ISSUE, "wrong_sign_for_kind"),
        ("1", MovementKind.TRANSFER_OUT, "wrong_sign_for_kind"),
        ("0", MovementKind.ADJUSTMENT, "quantity_invalid"),
        ("0.00001", MovementKind.RECEIPT, "quantity_invalid"),
        ("1", "teleport", "quantity_invalid"),
    ],
)
def test_bad_quantity_or_kind_is_refused(quantity, kind, code):
    item, wh = ItemFactory(), WarehouseFactory()
    _receive(item, wh, "5")
    before = _state()
    with pytest.raises(InventoryError) as exc:
        stock_move(actor=None, item=item, warehouse=wh, quantity=Decimal(quantity), kind=kind)
    assert exc.value.code == code
    assert _state() == before


def test_lot_controlled_item_needs_a_lot():
    item, wh = LotItemFactory(sku="REF-R410A"), WarehouseFactory()
    with pytest.raises(InventoryError) as exc:
        _receive(item, wh, "4")
    assert (exc.value.code, exc.value.field) == ("lot_required", "lot")
    assert exc.value.message == "REF-R410A is lot controlled: a lot number is required"
    assert _state() == ([], 0, 0, 0)


def test_plain_item_refuses_a_lot():
    item, wh = ItemFactory(), WarehouseFactory()
    with pytest.raises(InventoryError) as exc:
        _receive(item, wh, "4", lot="L1")
    assert exc.value.code == "lot_not_allowed"
    assert _state() == ([], 0, 0, 0)


def test_lots_are_kept_apart_and_created_on_first_receipt():
    item, wh = LotItemFactory(), WarehouseFactory()
    _receive(item, wh, "4", lot="L1")
    _receive(item, wh, "6", lot="L2")
    stock_move(
        actor=None,
        item=item,
        warehouse=wh,
        quantity=Decimal("-1"),
        kind=MovementKind.ISSUE,
        lot="L1",
    )
    assert sorted(Lot.objects.values_list("number", flat=True)) == ["L1", "L2"]
    assert stock_on_hand(item, wh, lot="L1") == Decimal(3)
    assert stock_on_hand(item, wh) == Decimal(9)


def test_lot_on_quality_hold_cannot_be_issued_but_can_be_adjusted():
    item, wh = LotItemFactory(sku="REF-R32"), WarehouseFactory()
    _receive(item, wh, "5", lot="L9")
    Lot.objects.filter(number="L9").update(quality_hold=True, hold_reason="leak test")
    before = _state()
    with pytest.raises(InventoryError) as exc:
        stock_move(
            actor=None,
            item=item,
            warehouse=wh,
            quantity=Decimal("-1"),
            kind=MovementKind.ISSUE,
            lot="L9",
        )
    assert exc.value.code == "lot_on_hold"
    assert exc.value.message == (
        "lot L9 of REF-R32 is on quality hold (leak test): it cannot be issued"
    )
    assert _state() == before
    stock_move(
        actor=None,
        item=item,
        warehouse=wh,
        quantity=Decimal("-5"),
        kind=MovementKind.ADJUSTMENT,
        lot="L9",
        reason="scrapped after leak test",
    )
    assert stock_on_hand(item, wh) == Decimal(0)


def test_a_serial_number_is_in_stock_at_most_once():
    item, wh = SerialItemFactory(sku="CMP-5T"), WarehouseFactory()
    _receive(item, wh, "1", lot="SN100")
    before = _state()
    with pytest.raises(InventoryError) as exc:
        _receive(item, wh, "1", lot="SN100")
    assert exc.value.code == "serial_already_in_stock"
    with pytest.raises(InventoryError) as exc:
        _receive(item, wh, "2", lot="SN101")
    assert exc.value.code == "quantity_invalid"
    assert _state() == before


def test_inactive_warehouse_takes_no_stock():
    item = ItemFactory()
    wh = OtherWarehouseFactory(active=False)
    with pytest.raises(InventoryError) as exc:
        _receive(item, wh, "1")
    assert exc.value.code == "warehouse_inactive"
    assert _state() == ([], 0, 0, 0)


def test_a_rogue_update_of_on_hand_shows_as_a_ledger_discrepancy():
    item, wh = ItemFactory(), WarehouseFactory()
    _receive(item, wh, "10")
    assert list(ledger_discrepancies()) == []
    StockLevel.objects.filter(item=item).update(on_hand=Decimal("11"))
    found = list(ledger_discrepancies())
    assert [(lv.item_id, lv.on_hand, lv.ledger_quantity) for lv in found] == [
        (item.pk, Decimal("11"), Decimal("10"))
    ]


def test_a_level_without_movements_is_a_discrepancy_unless_zero():
    item, wh = ItemFactory(), WarehouseFactory()
    StockLevel.objects.create(item=item, warehouse=wh, on_hand=Decimal(0))
    assert list(ledger_discrepancies()) == []
    StockLevel.objects.filter(item=item).update(on_hand=Decimal(2))
    assert [lv.ledger_quantity for lv in ledger_discrepancies()] == [Decimal(0)]

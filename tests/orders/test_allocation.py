"""Allocation of sales orders: stock, backorders and promises, splits, kits, drop-ship,
ship-complete, the backorder queue after a receipt, and the desk's line actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
import pytest
from django.utils import timezone

from orderdesk.catalog.models import Item, KitComponent, UnitOfMeasure
from orderdesk.core.errors import Forbidden
from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.inventory.models import StockLevel, Warehouse
from orderdesk.inventory.services import stock_move
from orderdesk.orders.allocation import backorders_fill, order_allocate
from orderdesk.orders.allocation_desk import line_decommit, line_expedite, line_move_warehouse
from orderdesk.orders.errors import OrderConflict, OrderError
from orderdesk.orders.models import Allocation, SalesOrder, SalesOrderLine
from orderdesk.orders.states import Channel, LineStatus, OrderStatus
from orderdesk.purchasing.models import PurchaseOrder
from orderdesk.purchasing.services import purchase_order_receive

from ..factories import (
    AddressFactory,
    CustomerFactory,
    ItemFactory,
    UserFactory,
    VendorFactory,
    WarehouseFactory,
)
from ..inventory.factories import OtherWarehouseFactory
from ..purchasing.factories import buyer, make_po

pytestmark = pytest.mark.django_db
D = Decimal


def today() -> dt.date:
    return timezone.localdate()


def in_days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


class SalesOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesOrder

    number = factory.Sequence(lambda n: f"SO-T{n:06d}")
    customer = factory.SubFactory(CustomerFactory)
    channel = Channel.API
    status = OrderStatus.ACCEPTED
    order_date = factory.LazyFunction(timezone.localdate)
    payment_terms = factory.LazyAttribute(lambda o: o.customer.payment_terms)
    currency = "USD"
    ship_to = factory.LazyAttribute(lambda o: AddressFactory(customer=o.customer))


class SalesOrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesOrderLine

    order = factory.SubFactory(SalesOrderFactory)
    line_no = factory.Sequence(lambda n: n + 1)
    item = factory.SubFactory(ItemFactory)
    sku = factory.LazyAttribute(lambda o: o.item.sku)
    quantity = D(1)
    qty_ordered = factory.LazyAttribute(lambda o: o.quantity)
    qty_open = factory.LazyAttribute(lambda o: o.quantity)


def make_order(*lines: tuple[Item, int | str], **kwargs: object) -> SalesOrder:
    """An accepted order with these (item, quantity) lines, all open."""
    order = SalesOrderFactory(**kwargs)
    for n, (item, quantity) in enumerate(lines, start=1):
        SalesOrderLineFactory(order=order, line_no=n, item=item, quantity=D(quantity))
    return order


def receive(item: Item, wh: Warehouse, quantity: int | str, lot: str = "") -> None:
    stock_move(actor=None, item=item, warehouse=wh, quantity=D(quantity), kind="receipt", lot=lot)


def allocated(item: Item, wh: Warehouse) -> Decimal:
    row = StockLevel.objects.filter(item=item, warehouse=wh, lot="").first()
    return row.allocated if row else D(0)


def lines_of(order: SalesOrder) -> list[SalesOrderLine]:
    return list(SalesOrderLine.objects.filter(order=order).order_by("line_no"))


def allocate(order: SalesOrder) -> SalesOrder:
    order_allocate(actor=None, order=order, today=today())
    order.refresh_from_db()
    return order


def clerk():
    return UserFactory(role=Role.ORDER_CLERK)


# stock lines


def test_a_line_in_stock_is_allocated_and_promised_today():
    item, wh = ItemFactory(), WarehouseFactory()
    receive(item, wh, 10)
    order = allocate(make_order((item, 4)))
    (line,) = lines_of(order)
    assert (line.qty_open, line.qty_allocated, line.qty_backordered) == (D(0), D(4), D(0))
    assert line.status == LineStatus.ALLOCATED
    assert line.promised_date == today()
    assert order.status == OrderStatus.ALLOCATED
    assert allocated(item, wh) == D(4)
    assert list(Allocation.objects.values_list("item_id", "warehouse_id", "lot", "quantity")) == [
        (item.pk, wh.pk, "", D(4))
    ]
    actions = set(
        Event.objects.filter(object_type="orders.salesorder").values_list("action", flat=True)
    )
    assert {"order.allocation", "order.allocated"} <= actions


def test_the_caller_objects_are_brought_up_to_date():
    item, wh = ItemFactory(), WarehouseFactory()
    receive(item, wh, 10)
    order = make_order((item, 4))
    lines = lines_of(order)
    order_allocate(actor=None, order=order, lines=lines, today=today())
    assert order.status == OrderStatus.ALLOCATED
    assert (lines[0].qty_allocated, lines[0].status) == (D(4), LineStatus.ALLOCATED)


def test_a_short_line_is_partly_allocated_and_the_rest_promised_on_the_receipt():
    item, wh = ItemFactory(lead_time_days=30), WarehouseFactory()
    receive(item, wh, 5)
    make_po(lines=[(item, D(10), D(1))], send=True, expected_date=in_days(7))
    order = allocate(make_order((item, 8)))
    (line,) = lines_of(order)
    assert (line.qty_allocated, line.qty_backordered) == (D(5), D(3))
    assert line.status == LineStatus.PARTIAL
    assert line.promised_date == in_days(7)
    assert order.status == OrderStatus.BACKORDERED
    assert allocated(item, wh) == D(5)


def test_a_backorder_without_receipts_is_promised_at_the_lead_time():
    item = ItemFactory(lead_time_days=12)
    order = allocate(make_order((item, 3)))
    (line,) = lines_of(order)
    assert (line.qty_allocated, line.qty_backordered) == (D(0), D(3))
    assert line.status == LineStatus.BACKORDERED
    assert line.promised_date == in_days(12)


def test_backorders_ahead_in_the_queue_take_the_first_receipt():
    item = ItemFactory(lead_time_days=60)
    make_po(lines=[(item, D(10), D(1))], send=True, expected_date=in_days(7))
    make_po(lines=[(item, D(10), D(1))], send=True, expected_date=in_days(20))
    first = allocate(make_order((item, 8)))
    second = allocate(make_order((item, 5)))
    rush = allocate(make_order((item, 2), priority=1))
    assert lines_of(first)[0].promised_date == in_days(7)
    assert lines_of(second)[0].promised_date == in_days(20)  # 8 of the first 10 are taken
    assert lines_of(rush)[0].promised_date == in_days(7)  # a rush order goes before both


def test_two_lines_of_one_item_queue_one_after_the_other():
    item = ItemFactory(lead_time_days=60)
    make_po(lines=[(item, D(4), D(1))], send=True, expected_date=in_days(3))
    make_po(lines=[(item, D(4), D(1))], send=True, expected_date=in_days(9))
    order = allocate(make_order((item, 3), (item, 3)))
    assert [ln.promised_date for ln in lines_of(order)] == [in_days(3), in_days(9)]


def test_a_requested_date_later_than_stock_is_the_promise():
    item, wh = ItemFactory(), WarehouseFactory()
    receive(item, wh, 10)
    order = allocate(make_order((item, 1), requested_date=in_days(15)))
    assert lines_of(order)[0].promised_date == in_days(15)


# warehouses


def test_a_split_order_fills_a_line_from_several_warehouses():
    item, chi, dal = ItemFactory(), WarehouseFactory(), OtherWarehouseFactory()
    receive(item, chi, 3)
    receive(item, dal, 4)
    order = allocate(make_order((item, 6), allow_split=True))
    got = dict(Allocation.objects.values_list("warehouse_id", "quantity"))
    assert got == {dal.pk: D(4), chi.pk: D(2)}  # most available first
    assert order.status == OrderStatus.ALLOCATED


def test_an_order_without_splits_takes_a_line_from_one_warehouse():
    item, chi, dal = ItemFactory(lead_time_days=5), WarehouseFactory(), OtherWarehouseFactory()
    receive(item, chi, 3)
    receive(item, dal, 4)
    order = allocate(make_order((item, 6), allow_split=False))
    (line,) = lines_of(order)
    assert list(Allocation.objects.values_list("warehouse_id", "quantity")) == [(dal.pk, D(4))]
    assert (line.qty_allocated, line.qty_backordered) == (D(4), D(2))
    assert line.warehouse_id == dal.pk  # the rest waits there
    assert (allocated(item, chi), allocated(item, dal)) == (D(0), D(4))


def test_without_splits_the_warehouse_that_fills_the_line_whole_wins():
    item, chi, dal = ItemFactory(), WarehouseFactory(), OtherWarehouseFactory()
    receive(item, chi, 10)
    receive(item, dal, 3)
    allocate(make_order((item, 5), allow_split=False, warehouse=dal))
    assert list(Allocation.objects.values_list("warehouse_id", "quantity")) == [(chi.pk, D(5))]


def test_the_order_warehouse_goes_first():
    item, chi, dal = ItemFactory(), WarehouseFactory(), OtherWarehouseFactory()
    receive(item, chi, 10)
    receive(item, dal, 3)
    allocate(make_order((item, 2), warehouse=dal))
    assert list(Allocation.objects.values_list("warehouse_id", "quantity")) == [(dal.pk, D(2))]


def test_a_line_with_its_own_warehouse_only_takes_from_there():
    item, chi, dal = ItemFactory(), WarehouseFactory(), OtherWarehouseFactory()
    receive(item, dal, 10)
    order = make_order((item, 2))
    SalesOrderLine.objects.filter(order=order).update(warehouse=chi)
    order = allocate(order)
    assert lines_of(order)[0].qty_backordered == D(2)
    assert allocated(item, dal) == D(0)


# ship complete


def test_a_ship_complete_order_waits_whole_when_one_line_is_short():
    a, b, wh = ItemFactory(), ItemFactory(lead_time_days=10), WarehouseFactory()
    receive(a, wh, 10)
    receive(b, wh, 1)
    order = allocate(make_order((a, 5), (b, 2), ship_complete=True))
    lines = lines_of(order)
    assert [(ln.qty_allocated, ln.qty_backordered) for ln in lines] == [(D(0), D(5)), (D(0), D(2))]
    assert [ln.promised_date for ln in lines] == [in_days(10), in_days(10)]  # it ships together
    assert order.status == OrderStatus.BACKORDERED
    assert (allocated(a, wh), allocated(b, wh)) == (D(0), D(0))
    assert not Allocation.objects.exists()


def test_a_ship_complete_order_is_allocated_when_every_line_can_be():
    a, b, wh = ItemFactory(), ItemFactory(), WarehouseFactory()
    receive(a, wh, 10)
    receive(b, wh, 2)
    order = allocate(make_order((a, 5), (b, 2), ship_complete=True))
    assert [ln.qty_allocated for ln in lines_of(order)] == [D(5), D(2)]
    assert order.status == OrderStatus.ALLOCATED


# kits


def kit_of(*parts: tuple[Item, int]) -> Item:
    kit = ItemFactory(is_kit=True)
    for component, quantity in parts:
        KitComponent.objects.create(kit=kit, component=component, quantity=D(quantity))
    return kit


def test_a_kit_takes_whole_units_of_its_components():
    a, b, wh = ItemFactory(lead_time_days=4), ItemFactory(), WarehouseFactory()
    kit = kit_of((a, 2), (b, 1))
    receive(a, wh, 5)
    receive(b, wh, 10)
    order = allocate(make_order((kit, 3)))
    (line,) = lines_of(order)
    assert (line.qty_allocated, line.qty_backordered) == (D(2), D(1))
    assert line.promised_date == in_days(4)  # a is short and has no receipt coming
    got = dict(Allocation.objects.filter(line=line).values_list("item_id", "quantity"))
    assert got == {a.pk: D(4), b.pk: D(2)}
    assert (allocated(a, wh), allocated(b, wh)) == (D(4), D(2))


def test_a_kit_without_enough_of_one_component_takes_nothing():
    a, b, wh = ItemFactory(), ItemFactory(), WarehouseFactory()
    kit = kit_of((a, 1), (b, 1))
    receive(a, wh, 5)
    order = allocate(make_order((kit, 1)))
    assert lines_of(order)[0].qty_backordered == D(1)
    assert allocated(a, wh) == D(0)


# drop-ship


def test_a_drop_ship_item_raises_a_draft_purchase_order_to_the_vendor():
    vendor = VendorFactory(lead_time_days=9)
    drop = ItemFactory(drop_ship=True, default_vendor=vendor)
    stocked, wh = ItemFactory(), WarehouseFactory()
    receive(stocked, wh, 5)
    order = allocate(make_order((drop, 3), (stocked, 1)))
    drop_line, stock_line = lines_of(order)
    assert drop_line.drop_ship and drop_line.status == LineStatus.DROP_SHIP
    assert (drop_line.qty_allocated, drop_line.qty_backordered) == (D(0), D(3))
    assert drop_line.promised_date == in_days(9)
    assert stock_line.status == LineStatus.ALLOCATED
    assert order.status == OrderStatus.ALLOCATED  # nothing waits on our stock
    po = PurchaseOrder.objects.get()
    assert (po.status, po.drop_ship, po.vendor, po.ship_to_id) == (
        "draft",
        True,
        vendor,
        order.ship_to_id,
    )
    assert po.expected_date == in_days(9) and po.warehouse is None
    assert list(po.lines.values_list("item_id", "quantity_ordered")) == [(drop.pk, D(3))]
    assert Event.objects.filter(action="purchase_order.created", object_id=str(po.pk)).exists()
    allocate(order)  # allocating again raises no second purchase order
    assert PurchaseOrder.objects.count() == 1


# refused


@pytest.mark.parametrize("status", [OrderStatus.HELD, OrderStatus.RECEIVED, OrderStatus.CANCELLED])
def test_an_order_that_is_not_allocatable_is_refused_and_nothing_changes(status):
    item, wh = ItemFactory(), WarehouseFactory()
    receive(item, wh, 10)
    order = make_order((item, 4), status=status)
    with pytest.raises(OrderConflict) as refused:
        order_allocate(actor=None, order=order, today=today())
    assert refused.value.code == (
        "order_on_hold" if status == OrderStatus.HELD else "transition_not_allowed"
    )
    (line,) = lines_of(order)
    assert (line.qty_open, line.qty_allocated, line.status) == (D(4), D(0), LineStatus.OPEN)
    assert SalesOrder.objects.get(pk=order.pk).status == status
    assert allocated(item, wh) == D(0)
    assert not Allocation.objects.exists()


# the backorder queue


def test_a_receipt_fills_backorders_in_priority_order():
    item, wh = ItemFactory(lead_time_days=20), WarehouseFactory()
    po = make_po(lines=[(item, D(3), D(1))], send=True, expected_date=in_days(5), warehouse=wh)
    late = allocate(make_order((item, 1)))  # priority 5, no requested date
    dated = allocate(make_order((item, 1), requested_date=in_days(2)))  # priority 5, dated
    urgent = allocate(make_order((item, 1), priority=2))
    held = allocate(make_order((item, 1), priority=1))
    SalesOrder.objects.filter(pk=held.pk).update(status=OrderStatus.HELD)
    assert {o.status for o in (late, dated, urgent)} == {OrderStatus.BACKORDERED}
    purchase_order_receive(actor=buyer(), purchase_order=po, receipts=[(1, D(2))])
    status = dict(SalesOrder.objects.values_list("pk", "status"))
    assert status[urgent.pk] == OrderStatus.ALLOCATED
    assert status[dated.pk] == OrderStatus.ALLOCATED
    assert status[late.pk] == OrderStatus.BACKORDERED
    assert status[held.pk] == OrderStatus.HELD
    assert lines_of(held)[0].qty_backordered == D(1)
    assert allocated(item, wh) == D(2)


def test_backorders_fill_reaches_kits_made_of_the_item_and_returns_lines_filled():
    a, b, wh = ItemFactory(), ItemFactory(), WarehouseFactory()
    kit = kit_of((a, 2), (b, 1))
    receive(b, wh, 5)
    order = allocate(make_order((kit, 2)))
    assert order.status == OrderStatus.BACKORDERED
    receive(a, wh, 4)
    assert backorders_fill(actor=None, item_ids=[a.pk], today=today()) == 1
    (line,) = lines_of(order)
    assert (line.qty_allocated, line.qty_backordered, line.status) == (
        D(2),
        D(0),
        LineStatus.ALLOCATED,
    )
    assert SalesOrder.objects.get(pk=order.pk).status == OrderStatus.ALLOCATED


def test_a_ship_complete_order_is_filled_only_once_every_line_can_be():
    a, b, wh = ItemFactory(), ItemFactory(), WarehouseFactory()
    receive(a, wh, 5)
    order = allocate(make_order((a, 2), (b, 2), ship_complete=True))
    receive(b, wh, 1)
    assert backorders_fill(actor=None, item_ids=[b.pk], today=today()) == 0
    assert (allocated(a, wh), allocated(b, wh)) == (D(0), D(0))
    receive(b, wh, 1)
    assert backorders_fill(actor=None, item_ids=[b.pk], today=today()) == 2
    assert [ln.qty_allocated for ln in lines_of(order)] == [D(2), D(2)]
    assert SalesOrder.objects.get(pk=order.pk).status == OrderStatus.ALLOCATED


def test_backorders_fill_keeps_to_the_warehouse_lines_wait_on():
    item, chi, dal = ItemFactory(), WarehouseFactory(), OtherWarehouseFactory()
    order = make_order((item, 1))
    SalesOrderLine.objects.filter(order=order).update(warehouse=dal)
    allocate(order)
    receive(item, chi, 5)
    assert backorders_fill(actor=None, item_ids=[item.pk], warehouse_id=chi.pk, today=today()) == 0
    assert lines_of(order)[0].qty_backordered == D(1)


# the desk's actions


def test_expedite_puts_the_order_first_and_allocates_now():
    item, wh = ItemFactory(), WarehouseFactory()
    order = allocate(make_order((item, 2)))
    receive(item, wh, 5)  # arrived without a fill
    line = line_expedite(actor=clerk(), line=lines_of(order)[0], reason="customer line down")
    order.refresh_from_db()
    assert (order.priority, order.rush, order.status) == (1, True, OrderStatus.ALLOCATED)
    assert (line.qty_allocated, line.qty_backordered) == (D(2), D(0))
    ev = Event.objects.get(action="order.expedited")
    assert (ev.reason, ev.after["priority"]) == ("customer line down", 1)


def test_an_expedited_order_is_first_in_the_backorder_queue():
    item, wh = ItemFactory(), WarehouseFactory()
    first = allocate(make_order((item, 1)))
    later = allocate(make_order((item, 1)))
    line_expedite(actor=clerk(), line=lines_of(later)[0], reason="rush")
    receive(item, wh, 1)
    backorders_fill(actor=None, item_ids=[item.pk], today=today())
    assert SalesOrder.objects.get(pk=later.pk).status == OrderStatus.ALLOCATED
    assert SalesOrder.objects.get(pk=first.pk).status == OrderStatus.BACKORDERED


def test_decommit_gives_the_stock_back_and_backorders_the_line():
    item, wh = ItemFactory(lead_time_days=6), WarehouseFactory()
    receive(item, wh, 5)
    order = allocate(make_order((item, 3)))
    line = line_decommit(actor=clerk(), line=lines_of(order)[0], reason="stock for a rush order")
    assert (line.qty_allocated, line.qty_backordered, line.status) == (
        D(0),
        D(3),
        LineStatus.BACKORDERED,
    )
    assert line.promised_date == today()  # the stock is free again: it could go today
    assert allocated(item, wh) == D(0)
    assert not Allocation.objects.exists()
    assert SalesOrder.objects.get(pk=order.pk).status == OrderStatus.BACKORDERED
    assert Event.objects.filter(
        action="allocation.released", reason="stock for a rush order"
    ).exists()


def test_decommit_is_refused_without_a_reason_or_without_stock_and_nothing_changes():
    item, wh = ItemFactory(), WarehouseFactory()
    receive(item, wh, 5)
    order = allocate(make_order((item, 3)))
    with pytest.raises(OrderError):
        line_decommit(actor=clerk(), line=lines_of(order)[0], reason=" ")
    assert allocated(item, wh) == D(3)
    empty = allocate(make_order((ItemFactory(), 1)))
    with pytest.raises(OrderError):
        line_decommit(actor=clerk(), line=lines_of(empty)[0], reason="why not")


def test_move_warehouse_releases_and_allocates_from_the_other_one():
    item, chi, dal = ItemFactory(), WarehouseFactory(), OtherWarehouseFactory()
    receive(item, chi, 5)
    receive(item, dal, 1)
    order = allocate(make_order((item, 3)))
    assert allocated(item, chi) == D(3)
    line = line_move_warehouse(
        actor=clerk(), line=lines_of(order)[0], warehouse=dal, reason="closer to the customer"
    )
    assert line.warehouse_id == dal.pk
    assert (line.qty_allocated, line.qty_backordered) == (D(1), D(2))
    assert (allocated(item, chi), allocated(item, dal)) == (D(0), D(1))
    assert list(Allocation.objects.values_list("warehouse_id", "quantity")) == [(dal.pk, D(1))]
    assert Event.objects.filter(action="line.warehouse_moved").count() == 1


def test_the_desk_actions_need_a_desk_role_and_a_held_order_is_refused():
    item, wh = ItemFactory(), WarehouseFactory()
    receive(item, wh, 5)
    order = allocate(make_order((item, 3)))
    line = lines_of(order)[0]
    with pytest.raises(Forbidden):
        line_decommit(actor=UserFactory(role=Role.TECHNICIAN), line=line, reason="no")
    SalesOrder.objects.filter(pk=order.pk).update(status=OrderStatus.HELD)
    with pytest.raises(OrderConflict):
        line_expedite(actor=clerk(), line=line, reason="rush")
    order.refresh_from_db()
    assert (order.priority, order.rush) == (5, False)
    assert allocated(item, wh) == D(3)


# scale


def test_a_large_order_takes_one_update_per_line(django_assert_max_num_queries):
    uom = UnitOfMeasure.objects.get_or_create(code="EA", defaults={"name": "Each"})[0]
    wh = WarehouseFactory()
    items = Item.objects.bulk_create(
        [Item(sku=f"BULK-{n:04d}", description="bulk", base_uom=uom) for n in range(1000)]
    )
    StockLevel.objects.bulk_create(
        [
            StockLevel(item=i, warehouse=wh, on_hand=D(5) if n % 10 else D(0))
            for n, i in enumerate(items)
        ]
    )
    order = SalesOrderFactory()
    SalesOrderLine.objects.bulk_create(
        [
            SalesOrderLine(
                order=order,
                line_no=n + 1,
                item=i,
                sku=i.sku,
                quantity=D(2),
                qty_ordered=D(2),
                qty_open=D(2),
            )
            for n, i in enumerate(items)
        ]
    )
    # 900 lines in stock: one UPDATE each; the rest are a few reads and bulk writes (batches
    # of ~100 rows on SQLite, which limits the parameters of one statement)
    with django_assert_max_num_queries(900 + 60):
        order_allocate(actor=None, order=order, today=today())
    assert Allocation.objects.count() == 900
    assert SalesOrderLine.objects.filter(order=order, qty_backordered=D(2)).count() == 100

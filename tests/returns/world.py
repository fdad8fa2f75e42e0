"""A desk where goods have shipped and been invoiced, for return and recall tests.

Orders come in through the real intake (priced, allocated); `ship` books what the dock
would: allocations taken, stock issued through the ledger with the lot, order-line buckets
moved to shipped, a pick list, a shipment with its lines, and the invoice made by billing's
`invoice_for_shipment`. Plain functions, so browser tests can call them too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from orderdesk.billing.invoicing import invoice_for_shipment
from orderdesk.billing.models import Invoice
from orderdesk.catalog.models import Item, Tracking
from orderdesk.core.fields import units_value
from orderdesk.core.locks import lock_one
from orderdesk.core.numbering import number_next
from orderdesk.core.roles import Role
from orderdesk.fulfilment.models import PickList, PickListStatus, Shipment, ShipmentLine
from orderdesk.inventory.models import Lot, StockLevel, StockMovement, Warehouse
from orderdesk.inventory.services import stock_move
from orderdesk.orders.drafts import LineDraft, OrderDraft
from orderdesk.orders.intake import order_intake
from orderdesk.orders.models import Allocation, SalesOrder, SalesOrderLine
from orderdesk.orders.progress import order_progress
from orderdesk.orders.services import line_status_for
from orderdesk.parties.models import AddressKind, Customer
from orderdesk.returns.models import ReturnAuthorization, ReturnLine

from ..factories import (
    AddressFactory,
    ContactFactory,
    CustomerFactory,
    ItemFactory,
    PriceListEntryFactory,
    UserFactory,
    VendorFactory,
)
from ..orders.world import World, build_world, stock

D = Decimal


def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


@dataclass
class Desk:
    world: World
    coordinator: Any
    clerk: Any
    warehouse_user: Any
    billing: Any
    portal: Any
    plain: Item  # untracked, returnable, 10.00
    lotted: Item  # lot controlled, 25.00, lots LOT-A (expires first) and LOT-B
    serial: Item  # serial controlled, 400.00, serials SN-1 … SN-3
    final: Item  # non-returnable, 8.00
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def customer(self) -> Customer:
        return self.world.customer

    @property
    def warehouse(self) -> Warehouse:
        return self.world.warehouse


def lot_stock(item: Item, warehouse: Warehouse, lot: str, quantity: Any, expiry: dt.date) -> None:
    """Opening stock of one lot, with its Lot row (expiry decides FEFO) and ledger row."""
    Lot.objects.update_or_create(item=item, number=lot, defaults={"expiry_date": expiry})
    StockLevel.objects.create(item=item, warehouse=warehouse, lot=lot, on_hand=D(quantity))
    StockMovement.objects.create(
        at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        item=item,
        warehouse=warehouse,
        lot=lot,
        quantity=D(quantity),
        kind="opening",
        reference="test",
    )


def build_desk(*, lot_a: int = 20, lot_b: int = 50) -> Desk:
    world = build_world(items=1, on_hand=500, repeat_orders=True)
    price_list = world.customer.price_list
    vendor = VendorFactory(code="ACME", name="Acme Controls")
    lotted = ItemFactory(
        sku="CAP-45-5", description="Run capacitor 45/5 µF", tracking=Tracking.LOT,
        default_vendor=vendor,
    )  # fmt: skip
    serial = ItemFactory(sku="MTR-1HP", description="Blower motor 1 HP", tracking=Tracking.SERIAL)
    final = ItemFactory(sku="FLT-CUT", description="Filter media cut to size", returnable=False)
    for item, price in ((lotted, "25.00"), (serial, "400.00"), (final, "8.00")):
        PriceListEntryFactory(price_list=price_list, item=item, unit_price=D(price))
    lot_stock(lotted, world.warehouse, "LOT-A", lot_a, dt.date(2027, 1, 31))
    lot_stock(lotted, world.warehouse, "LOT-B", lot_b, dt.date(2027, 6, 30))
    for n in (1, 2, 3):
        lot_stock(serial, world.warehouse, f"SN-{n}", 1, dt.date(2030, 1, n))
    stock(final, world.warehouse, 200)
    world.warehouse.line1 = "4400 W Ogden Ave"
    world.warehouse.city = "Chicago"
    world.warehouse.region = "IL"
    world.warehouse.postal_code = "60623"
    world.warehouse.save()
    return Desk(
        world=world,
        coordinator=UserFactory(role=Role.DESK_COORDINATOR),
        clerk=UserFactory(role=Role.ORDER_CLERK),
        warehouse_user=UserFactory(role=Role.WAREHOUSE),
        billing=UserFactory(role=Role.BILLING),
        portal=UserFactory(role=Role.PORTAL, customer=world.customer),
        plain=world.items[0],
        lotted=lotted,
        serial=serial,
        final=final,
    )


def other_customer(desk: Desk, name: str, account: str) -> Customer:
    """Another customer of the same desk, with a ship-to and a primary contact."""
    customer = CustomerFactory(
        account_number=account,
        name=name,
        price_list=desk.customer.price_list,
        credit_limit=D("1000000"),
        phone="+1 312 555 0100",
    )
    AddressFactory(customer=customer, code="MAIN", is_default=True, name=f"{name} dock")
    AddressFactory(
        customer=customer, kind=AddressKind.BILL_TO, code="BILL", is_default=True, name=name
    )
    ContactFactory(
        customer=customer, is_primary=True, name=f"Buyer at {name}", phone="+1 312 555 0199"
    )
    return customer


def place(
    desk: Desk,
    *lines: tuple[Item, Any],
    customer: Customer | None = None,
    po: str = "",
    ship_to: str = "",
    on: dt.date | None = None,
) -> SalesOrder:
    """An order through the intake, accepted and allocated."""
    customer = customer or desk.customer
    draft = OrderDraft(
        customer=customer.account_number,
        customer_po=po or f"PO-{SalesOrder.objects.count() + 1}",
        ship_to=ship_to,
        ship_method=desk.world.ship_method.code,
        freight_payment="prepaid",
        lines=[LineDraft(sku=item.sku, quantity=D(q)) for item, q in lines],
    )
    result = order_intake(actor=desk.clerk, channel="desk", draft=draft, today=on or days_ago(20))
    order = result.order
    assert order.status == "allocated", [f.message for f in result.findings]
    return order


def ship(
    desk: Desk,
    order: SalesOrder,
    *,
    on: dt.date,
    only: Sequence[tuple[SalesOrderLine, Any]] | None = None,
    invoice: bool = True,
    tracking: str = "",
) -> Shipment:
    """Ship what the order's lines hold allocated (or `only` these quantities), lot by lot
    as allocated, and invoice the shipment dated the ship date."""
    with transaction.atomic():
        order = lock_one(SalesOrder.objects.filter(pk=order.pk))
        lines = {ln.pk: ln for ln in order.lines.select_related("item")}
        wanted = (
            [(lines[ln.pk], D(q)) for ln, q in only]
            if only is not None
            else [(ln, ln.qty_allocated) for ln in lines.values() if ln.qty_allocated > 0]
        )
        number = number_next(doc_type="shipment")
        pick_list = PickList.objects.create(
            number=number_next(doc_type="pick_list"),
            order=order,
            warehouse=desk.warehouse,
            status=PickListStatus.SHIPPED,
            created_at=timezone.now(),
        )
        method = desk.world.ship_method
        shipment = Shipment.objects.create(
            number=number,
            order=order,
            pick_list=pick_list,
            warehouse=desk.warehouse,
            customer=order.customer,
            ship_to=order.ship_to,
            ship_method=method,
            carrier=method.carrier,
            tracking_number=tracking or f"1Z{number}",
            ship_date=on,
            created_at=timezone.now(),
        )
        for line, qty in wanted:
            left = qty
            for alloc in list(Allocation.objects.filter(line=line).order_by("pk")):
                if left <= 0:
                    break
                take = min(left, alloc.quantity)
                left -= take
                if take == alloc.quantity:
                    alloc.delete()
                else:
                    alloc.quantity -= take
                    alloc.save(update_fields=["quantity"])
                StockLevel.objects.filter(
                    item=alloc.item, warehouse=alloc.warehouse, lot=alloc.lot
                ).update(allocated=F("allocated") - units_value(take))
                stock_move(
                    actor=desk.warehouse_user,
                    item=alloc.item,
                    warehouse=alloc.warehouse,
                    quantity=-take,
                    kind="issue",
                    lot=alloc.lot,
                    reference=number,
                )
                ShipmentLine.objects.create(
                    shipment=shipment, order_line=line, item=alloc.item, lot=alloc.lot,
                    quantity=take,
                )  # fmt: skip
            assert left == 0, f"line {line.line_no} holds less than {qty}"
            line.qty_allocated -= qty
            line.qty_shipped += qty
            line.status = line_status_for(line)
            line.save(update_fields=["qty_allocated", "qty_shipped", "status"])
        order_progress(actor=desk.warehouse_user, order=order, reason=f"shipment {number}")
    if invoice:
        invoice_for_shipment(actor=desk.billing, shipment=shipment, invoice_date=on)
    return shipment


def invoice_of(shipment: Shipment) -> Invoice:
    return Invoice.objects.get(shipment=shipment)


def rma_of(customer: Customer) -> ReturnAuthorization:
    """An RMA of the customer made directly (for access tests that need only a record)."""
    from orderdesk.orders.states import Channel

    order = SalesOrder.objects.create(
        number=f"SO-R{customer.pk}-{SalesOrder.objects.count()}",
        customer=customer,
        channel=Channel.DESK,
        order_date=today(),
        payment_terms=customer.payment_terms,
        currency=customer.currency,
    )
    item = ItemFactory()
    line = SalesOrderLine.objects.create(
        order=order, line_no=1, item=item, sku=item.sku, quantity=D(1), qty_ordered=D(1),
        qty_shipped=D(1),
    )  # fmt: skip
    rma = ReturnAuthorization.objects.create(
        number=number_next(doc_type="rma"),
        customer=customer,
        order=order,
        reason="test",
        requested_at=timezone.now(),
    )
    ReturnLine.objects.create(rma=rma, line_no=1, order_line=line, item=item, quantity=D(1))
    return rma

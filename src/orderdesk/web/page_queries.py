"""Read-only queries the customer and item pages need beyond the apps' selectors.

They live here for now so the pages could be built without touching other people's
modules; each says which app should own it (its `selectors.py`) when it moves. Every
query loads what the page shows in a fixed number of round trips: no N+1. A detail page
gets one bundle (`customer_page`, `item_page`), so its view makes exactly one call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Max, OuterRef, Prefetch, QuerySet, Subquery, Sum

from orderdesk.catalog.models import Item, KitComponent, UnitConversion
from orderdesk.catalog.selectors import item_get, item_list
from orderdesk.core.access import scope_to_customer
from orderdesk.core.fields import QuantityField
from orderdesk.inventory.models import Lot, StockLevel, StockMovement, Warehouse
from orderdesk.parties.models import Address, AddressKind, Contact, Customer
from orderdesk.parties.selectors import customer_get, customer_list
from orderdesk.pricing.models import ContractPrice, PriceListEntry


def customer_search(*, user: Any, q: str = "", status: str = "") -> QuerySet[Customer]:
    """`customer_list` plus each customer's bill-to addresses (as `bill_tos`), so the list can
    show the city a clerk tells same-named customers apart by. Owner: parties."""
    bill_tos = Address.objects.filter(kind=AddressKind.BILL_TO, active=True).order_by(
        "-is_default", "code"
    )
    return customer_list(user=user, q=q or None, status=status or None).prefetch_related(
        Prefetch("addresses", queryset=bill_tos, to_attr="bill_tos")
    )


def customer_contract_prices(*, user: Any, customer_id: int) -> QuerySet[ContractPrice]:
    """A customer's contract prices by SKU, newest validity first. Owner: pricing."""
    qs = scope_to_customer(ContractPrice.objects.select_related("item__base_uom"), user)
    return qs.filter(customer_id=customer_id).order_by("item__sku", "-valid_from")


def item_search(*, q: str = "", status: str = "") -> QuerySet[Item]:
    """`item_list` plus the quantity available over all warehouses (`available`), computed in
    the database for the rows of the page only. Owner: catalog (or inventory)."""
    available = (
        StockLevel.objects.filter(item=OuterRef("pk"))
        .order_by()
        .values("item")
        .annotate(total=Sum("on_hand") - Sum("allocated"))
        .values("total")
    )
    return item_list(q=q or None, status=status or None).annotate(
        available=Subquery(available, output_field=QuantityField())
    )


def item_kit_components(*, item_id: int) -> QuerySet[KitComponent]:
    """A kit's components with their units (the selector's prefetch lacks the unit). Owner:
    catalog."""
    return (
        KitComponent.objects.filter(kit_id=item_id)
        .select_related("component__base_uom")
        .order_by("component__sku")
    )


def item_list_prices(*, item_id: int) -> QuerySet[PriceListEntry]:
    """The item's list prices, grouped by price list, breaks in ascending quantity. Owner:
    pricing."""
    return (
        PriceListEntry.objects.filter(item_id=item_id)
        .select_related("price_list")
        .order_by("price_list__code", "min_quantity")
    )


def item_replaces(*, item_id: int) -> QuerySet[Item]:
    """Discontinued items that name this one as their replacement. Owner: catalog."""
    return Item.objects.filter(replacement_id=item_id).only("pk", "sku").order_by("sku")


@dataclass(frozen=True, slots=True)
class WarehouseStock:
    warehouse: Warehouse
    on_hand: Decimal
    allocated: Decimal
    last_movement_at: dt.datetime | None

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.allocated


@dataclass(frozen=True, slots=True)
class LotStock:
    warehouse: Warehouse
    number: str
    on_hand: Decimal
    allocated: Decimal
    lot: Lot | None

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.allocated


@dataclass(frozen=True, slots=True)
class ItemStock:
    warehouses: list[WarehouseStock]
    lots: list[LotStock]

    @property
    def on_hand(self) -> Decimal:
        return sum((w.on_hand for w in self.warehouses), Decimal(0))

    @property
    def allocated(self) -> Decimal:
        return sum((w.allocated for w in self.warehouses), Decimal(0))

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.allocated


def item_stock(*, item_id: int) -> ItemStock:
    """Stock of one item per warehouse (lots summed) and per lot, with each warehouse's last
    stock movement. Three queries whatever the number of warehouses and lots. An item has at
    most a few dozen stock rows, so summing them here is cheaper than a second aggregate
    query. Owner: inventory."""
    levels = list(
        StockLevel.objects.filter(item_id=item_id)
        .select_related("warehouse")
        .order_by("warehouse__code", "lot")
    )
    last_moves = dict(
        StockMovement.objects.filter(item_id=item_id)
        .order_by()
        .values("warehouse_id")
        .annotate(last=Max("at"))
        .values_list("warehouse_id", "last")
    )
    lots = {lot.number: lot for lot in Lot.objects.filter(item_id=item_id)} if levels else {}
    by_warehouse: dict[int, list[StockLevel]] = {}
    for level in levels:
        by_warehouse.setdefault(level.warehouse_id, []).append(level)
    warehouses = [
        WarehouseStock(
            warehouse=rows[0].warehouse,
            on_hand=sum((r.on_hand for r in rows), Decimal(0)),
            allocated=sum((r.allocated for r in rows), Decimal(0)),
            last_movement_at=last_moves.get(wid),
        )
        for wid, rows in by_warehouse.items()
    ]
    lot_rows = [
        LotStock(
            warehouse=level.warehouse,
            number=level.lot,
            on_hand=level.on_hand,
            allocated=level.allocated,
            lot=lots.get(level.lot),
        )
        for level in levels
        if level.lot
    ]
    return ItemStock(warehouses=warehouses, lots=lot_rows)


@dataclass(frozen=True, slots=True)
class ContractPriceRow:
    price: ContractPrice
    #: "current", "future" or "expired" on the viewer's local date
    validity: str


@dataclass(frozen=True, slots=True)
class CustomerPage:
    customer: Customer
    bill_tos: list[Address]
    ship_tos: list[Address]
    contacts: list[Contact]
    contract_prices: list[ContractPriceRow]


def _validity(valid_from: dt.date, valid_to: dt.date | None, today: dt.date) -> str:
    if valid_from > today:
        return "future"
    if valid_to is not None and valid_to < today:
        return "expired"
    return "current"


def customer_page(*, user: Any, pk: int, today: dt.date) -> CustomerPage:
    """One customer as its page shows it. Raises NotFound outside the user's scope, so a
    portal user asking for another account learns nothing. `today` is the viewer's local
    date: whether a contract price applies depends on where the clerk is, not on UTC."""
    customer = customer_get(user=user, pk=pk)
    addresses = list(customer.addresses.all())
    return CustomerPage(
        customer=customer,
        bill_tos=[a for a in addresses if a.kind == AddressKind.BILL_TO],
        ship_tos=[a for a in addresses if a.kind == AddressKind.SHIP_TO],
        contacts=list(customer.contacts.all()),
        contract_prices=[
            ContractPriceRow(cp, _validity(cp.valid_from, cp.valid_to, today))
            for cp in customer_contract_prices(user=user, customer_id=customer.pk)
        ],
    )


@dataclass(frozen=True, slots=True)
class ItemPage:
    item: Item
    conversions: list[UnitConversion]
    components: list[KitComponent]
    replaces: list[Item]
    list_prices: list[PriceListEntry]
    stock: ItemStock


def item_page(*, pk: int) -> ItemPage:
    """One item as its page shows it; raises NotFound."""
    item = item_get(pk=pk)
    return ItemPage(
        item=item,
        conversions=sorted(item.conversions.all(), key=lambda c: c.factor),
        components=list(item_kit_components(item_id=item.pk)) if item.is_kit else [],
        replaces=list(item_replaces(item_id=item.pk)),
        list_prices=list(item_list_prices(item_id=item.pk)),
        stock=item_stock(item_id=item.pk),
    )

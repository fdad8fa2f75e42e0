"""What the customer and item pages read, built on the apps' selectors.

Each page gets one call (`customer_search`, `customer_page`, `item_search`, `item_page`), so
its view is an access check, that call and a template. The selectors do the scoping and the
role checks (`user` is passed through everywhere); this module only adds what a page shows
beyond them, in a fixed number of queries whatever the number of rows: no N+1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from orderdesk.catalog.models import Item, KitComponent, UnitConversion
from orderdesk.catalog.selectors import item_get, item_list, items_replaced_by
from orderdesk.inventory.models import Lot, StockLevel, Warehouse
from orderdesk.inventory.selectors import (
    available_subquery,
    last_movement_by_warehouse,
    lot_list,
    stock_level_list,
)
from orderdesk.parties.models import Address, AddressKind, Contact, Customer
from orderdesk.parties.selectors import bill_to_prefetch, customer_get, customer_list
from orderdesk.pricing.models import ContractPrice, PriceListEntry
from orderdesk.pricing.selectors import contract_price_list, price_list_entry_list

# --- customers ------------------------------------------------------------------------


def customer_search(*, user: Any, q: str = "", status: str = "") -> QuerySet[Customer]:
    """`customer_list` with each customer's bill-tos, so the list can show the city a clerk
    tells same-named customers apart by (one extra query per page, not per row)."""
    return customer_list(user=user, q=q or None, status=status or None).prefetch_related(
        bill_to_prefetch()
    )


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


def _default_first(address: Address) -> tuple[bool, bool, str]:
    # The default address first: it is the one an order gets unless the clerk picks another.
    return (not address.is_default, not address.active, address.code)


def customer_page(*, user: Any, pk: int, today: dt.date) -> CustomerPage:
    """One customer as its page shows it. Raises NotFound outside the user's scope, so a
    portal user asking for another account learns nothing. `today` is the viewer's local
    date: whether a contract price applies depends on where the clerk is, not on UTC."""
    customer = customer_get(user=user, pk=pk)
    addresses = list(customer.addresses.all())
    contract_prices = (
        contract_price_list(user=user, customer_id=customer.pk)
        .select_related("item__base_uom")
        .order_by("item__sku", "-valid_from")
    )
    return CustomerPage(
        customer=customer,
        bill_tos=sorted(
            (a for a in addresses if a.kind == AddressKind.BILL_TO), key=_default_first
        ),
        ship_tos=sorted(
            (a for a in addresses if a.kind == AddressKind.SHIP_TO), key=_default_first
        ),
        contacts=list(customer.contacts.all()),
        contract_prices=[
            ContractPriceRow(cp, _validity(cp.valid_from, cp.valid_to, today))
            for cp in contract_prices
        ],
    )


# --- items ----------------------------------------------------------------------------


def item_search(*, user: Any, q: str = "", status: str = "") -> QuerySet[Item]:
    """`item_list` with `available` per item, computed in the database for the rows of the
    page only (a subquery in the SELECT; the count query leaves it out)."""
    return item_list(q=q or None, status=status or None, user=user).annotate(
        available=available_subquery()
    )


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
    movement: three queries whatever the number of warehouses and lots. An item has at most
    a few dozen stock rows, so they are summed here rather than by a second query."""
    levels = list(stock_level_list(item=item_id).order_by("warehouse__code", "lot"))
    last_moves = last_movement_by_warehouse(item_id) if levels else {}
    lots = (
        {lot.number: lot for lot in lot_list(item=item_id)} if any(lv.lot for lv in levels) else {}
    )
    by_warehouse: dict[int, list[StockLevel]] = {}
    for level in levels:
        by_warehouse.setdefault(level.warehouse_id, []).append(level)
    return ItemStock(
        warehouses=[
            WarehouseStock(
                warehouse=rows[0].warehouse,
                on_hand=sum((r.on_hand for r in rows), Decimal(0)),
                allocated=sum((r.allocated for r in rows), Decimal(0)),
                last_movement_at=last_moves.get(warehouse_id),
            )
            for warehouse_id, rows in by_warehouse.items()
        ],
        lots=[
            LotStock(
                warehouse=level.warehouse,
                number=level.lot,
                on_hand=level.on_hand,
                allocated=level.allocated,
                lot=lots.get(level.lot),
            )
            for level in levels
            if level.lot
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


def item_page(*, user: Any, pk: int) -> ItemPage:
    """One item as its page shows it; raises NotFound, or Forbidden for a portal user."""
    item = item_get(pk=pk, user=user)
    return ItemPage(
        item=item,
        conversions=sorted(item.conversions.all(), key=lambda c: c.factor),
        components=list(item.components.all()),
        replaces=items_replaced_by(item.pk),
        list_prices=list(price_list_entry_list(user=user, item_id=item.pk)),
        stock=item_stock(item_id=item.pk),
    )

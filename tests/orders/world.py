"""A small, complete order desk for order tests: a customer with addresses and a contact,
items with list prices and stock, a ship method, tax rates. Plain functions, so concurrent
child processes can call them too."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from orderdesk.catalog.models import Item
from orderdesk.core.models import ApiToken
from orderdesk.core.roles import Role
from orderdesk.inventory.models import StockLevel, StockMovement, Warehouse
from orderdesk.orders.models import OrderPolicy
from orderdesk.parties.models import Address, AddressKind, Carrier, Customer, ShipMethod
from orderdesk.pricing.models import TaxRate

from ..factories import (
    AddressFactory,
    ContactFactory,
    CustomerFactory,
    ItemFactory,
    PriceListEntryFactory,
    PriceListFactory,
    UserFactory,
    WarehouseFactory,
)


@dataclass
class World:
    customer: Customer
    ship_to: Address
    bill_to: Address
    warehouse: Warehouse
    items: list[Item]
    ship_method: ShipMethod
    hazmat_method: ShipMethod
    extra: dict[str, Any] = field(default_factory=dict)

    def body(self, *lines: tuple[str, str] | tuple[str, str, str], **header: Any) -> dict:
        """An API order body: lines as (sku, quantity[, customer_price])."""
        body: dict[str, Any] = {
            "customer": self.customer.account_number,
            "customer_po": header.pop("customer_po", "PO-1"),
            "ship_method": self.ship_method.code,
            "freight_payment": "prepaid",
            "incoterm": "FCA",
            "lines": [
                {
                    "sku": ln[0],
                    "quantity": ln[1],
                    **({"customer_price": ln[2]} if len(ln) > 2 else {}),
                }
                for ln in lines
            ],
        }
        body.update(header)
        return body


def stock(item: Item, warehouse: Warehouse, quantity: Decimal | int | str) -> None:
    """Opening stock with its ledger row, as the import would write it."""
    q = Decimal(quantity)
    StockLevel.objects.update_or_create(
        item=item, warehouse=warehouse, lot="", defaults={"on_hand": q}
    )
    StockMovement.objects.create(
        at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        item=item,
        warehouse=warehouse,
        quantity=q,
        kind="opening",
        reference="test",
    )


def build_world(
    *, items: int = 5, on_hand: int = 100, price: str = "10.00", repeat_orders: bool = False
) -> World:
    """`repeat_orders`: the customer re-orders the same lines all day (no duplicate check)."""
    price_list = PriceListFactory()
    customer = CustomerFactory(price_list=price_list, credit_limit=Decimal("1000000"))
    bill_to = AddressFactory(
        customer=customer, kind=AddressKind.BILL_TO, code="BILL", is_default=True
    )
    ship_to = AddressFactory(customer=customer, code="MAIN", is_default=True)
    ContactFactory(customer=customer, is_primary=True, email="buyer@example.com")
    if repeat_orders:
        OrderPolicy.objects.create(customer=customer, duplicate_window_days=0)
    warehouse = WarehouseFactory()
    carrier = Carrier.objects.get_or_create(scac="UPSN", defaults={"name": "UPS"})[0]
    ground = ShipMethod.objects.get_or_create(
        code="UPS-GND", defaults={"carrier": carrier, "name": "UPS Ground", "transit_days": 3}
    )[0]
    hazmat = ShipMethod.objects.get_or_create(
        code="LTL-HAZ",
        defaults={
            "carrier": carrier,
            "name": "LTL hazmat",
            "transit_days": 4,
            "hazmat_allowed": True,
        },
    )[0]
    TaxRate.objects.get_or_create(
        country="US",
        region="IL",
        product_tax_code="GENERAL",
        defaults={"rate_percent": Decimal("6.25")},
    )
    made = []
    for _ in range(items):
        item = ItemFactory()
        PriceListEntryFactory(price_list=price_list, item=item, unit_price=Decimal(price))
        stock(item, warehouse, on_hand)
        made.append(item)
    return World(customer, ship_to, bill_to, warehouse, made, ground, hazmat)


def token_for(role: str = Role.ORDER_CLERK, **kwargs: Any) -> str:
    user = UserFactory(role=role, **kwargs)
    _, raw = ApiToken.issue(user, "test")
    return raw

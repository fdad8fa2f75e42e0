"""Helpers for the warehouse tests: orders placed through the API on the orders world,
lot- and serial-controlled items with stock, and the warehouse calls through the API."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.test import Client

from orderdesk.catalog.models import Item, Tracking
from orderdesk.fulfilment.models import PickList
from orderdesk.inventory.models import Lot, StockLevel, StockMovement, Warehouse
from orderdesk.inventory.services import stock_move
from orderdesk.orders.models import SalesOrder

from ..factories import ItemFactory, PriceListEntryFactory
from ..orders.world import World

D = Decimal
#: The dock's date: today, so invoices made on shipping are never past due in later orders'
#: credit checks.
TODAY = dt.date.today()


def post(client: Client, path: str, body: dict | None = None) -> tuple[int, Any]:
    r = client.post(f"/api/v1{path}", json.dumps(body or {}), content_type="application/json")
    return r.status_code, r.json()


def get(client: Client, path: str, **params: Any) -> tuple[int, Any]:
    r = client.get(f"/api/v1{path}", params)
    return r.status_code, r.json()


def place(client: Client, world: World, *lines: tuple[str, str], **header: Any) -> dict:
    """An order through the API; it must come back accepted (allocated or backordered)."""
    status, order = post(client, "/orders", world.body(*lines, **header))
    assert status == 201, order
    assert order["status"] in ("allocated", "backordered"), order
    return order


def priced_item(world: World, price: str = "10.00", **kwargs: Any) -> Item:
    item = ItemFactory(**kwargs)
    PriceListEntryFactory(price_list=world.customer.price_list, item=item, unit_price=D(price))
    return item


def receive(
    item: Item,
    warehouse: Warehouse,
    quantity: int | str,
    lot: str = "",
    expiry: dt.date | None = None,
) -> None:
    stock_move(
        actor=None, item=item, warehouse=warehouse, quantity=D(quantity), kind="receipt", lot=lot
    )
    if lot and expiry:
        Lot.objects.filter(item=item, number=lot).update(expiry_date=expiry)


def lot_item(world: World, lots: list[tuple[str, int, dt.date]], **kwargs: Any) -> Item:
    item = priced_item(world, tracking=Tracking.LOT, **kwargs)
    for number, quantity, expiry in lots:
        receive(item, world.warehouse, quantity, number, expiry)
    return item


def serial_item(world: World, serials: list[str], **kwargs: Any) -> Item:
    item = priced_item(world, tracking=Tracking.SERIAL, **kwargs)
    for serial in serials:
        receive(item, world.warehouse, 1, serial)
    return item


def release(client: Client, world: World, orders: list[int] | None = None) -> tuple[int, Any]:
    return post(
        client,
        f"/warehouses/{world.warehouse.pk}/release",
        {"orders": orders, "today": TODAY.isoformat()},
    )


def pick_list_for(order_id: int) -> PickList:
    return PickList.objects.filter(order_id=order_id).order_by("-pk").first()  # type: ignore[return-value]


def lines_of(client: Client, pick_list_id: int) -> list[dict]:
    status, body = get(client, f"/pick-lists/{pick_list_id}")
    assert status == 200, body
    return list(body["lines"])


def pick_all(client: Client, pick_list_id: int, scans: dict[str, str] | None = None) -> dict:
    """Pick every line in full, scanning `scans[sku]` (or the lot allocated)."""
    picks = [
        {
            "pick_line": ln["id"],
            "quantity": ln["quantity"],
            "scanned": (scans or {}).get(ln["sku"], ln["lot"]),
        }
        for ln in lines_of(client, pick_list_id)
    ]
    status, body = post(client, f"/pick-lists/{pick_list_id}/picks", {"picks": picks})
    assert status == 200, body
    return dict(body)


def pack_one_carton(client: Client, pick_list_id: int) -> list[dict]:
    status, body = post(client, f"/pick-lists/{pick_list_id}/pack", {"packages": None})
    assert status == 200, body
    return list(body)


def ship(client: Client, pick_list_id: int, **body: Any) -> tuple[int, Any]:
    payload = {"ship_date": TODAY.isoformat(), "tracking_number": "1Z999AA10123456784", **body}
    return post(client, f"/pick-lists/{pick_list_id}/ship", payload)


def level(item: Item, warehouse: Warehouse, lot: str = "") -> tuple[Decimal, Decimal]:
    row = StockLevel.objects.get(item=item, warehouse=warehouse, lot=lot)
    return row.on_hand, row.allocated


def ledger_matches_levels(item: Item) -> bool:
    """Every stock level of the item equals the sum of its movements."""
    for row in StockLevel.objects.filter(item=item):
        moved = sum(
            (
                m.quantity
                for m in StockMovement.objects.filter(
                    item=item, warehouse=row.warehouse, lot=row.lot
                )
            ),
            D(0),
        )
        if moved != row.on_hand:
            return False
    return True


def order_row(order_id: int) -> SalesOrder:
    return SalesOrder.objects.get(pk=order_id)

"""Real concurrent dock clients (one OS process each) on PostgreSQL.

Four clients confirm the same packed pick list at once: exactly one shipment is made and the
stock leaves the ledger once; the others are told it has shipped (409). Six pick lists of
one SKU shipped at once by six clients all go, and stock and ledger agree afterwards.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from orderdesk.core.roles import Role
from orderdesk.fulfilment.models import Shipment
from orderdesk.inventory.models import StockLevel, StockMovement
from orderdesk.orders.models import SalesOrderLine

from ..concurrency import run_in_processes
from ..orders.world import build_world, token_for
from .flow import (
    TODAY,
    ledger_matches_levels,
    pack_one_carton,
    pick_all,
    pick_list_for,
    place,
    release,
)


def ship_as(token: str, pick_list_id: int) -> int:
    """One dock client: confirm the pick list; returns the HTTP status."""
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    r = client.post(
        f"/api/v1/pick-lists/{pick_list_id}/ship",
        json.dumps({"ship_date": TODAY.isoformat(), "tracking_number": "1ZRACE"}),
        content_type="application/json",
    )
    return r.status_code


def _packed_orders(count: int, quantity: str) -> tuple[object, list[int], str]:
    from django.test import Client

    world = build_world(items=1, on_hand=100, repeat_orders=True)
    clerk = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(Role.ORDER_CLERK)}")
    token = token_for(Role.WAREHOUSE)
    dock = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    ids = []
    for n in range(count):
        order = place(clerk, world, (world.items[0].sku, quantity), customer_po=f"RACE-{n}")
        ids.append(order["id"])
    status, body = release(dock, world)
    assert status == 200, body
    lists = []
    for order_id in ids:
        pl = pick_list_for(order_id)
        pick_all(dock, pl.pk)
        pack_one_carton(dock, pl.pk)
        lists.append(pl.pk)
    return world, lists, token


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_clients_confirm_one_pick_list_exactly_one_shipment() -> None:
    world, [pick_list_id], token = _packed_orders(1, "2")

    statuses = run_in_processes(
        "tests.fulfilment.test_ship_concurrency:ship_as", [(token, pick_list_id)] * 4
    )

    assert sorted(statuses) == [201, 409, 409, 409]
    assert Shipment.objects.count() == 1
    item = world.items[0]  # type: ignore[attr-defined]
    issues = StockMovement.objects.filter(kind="issue")
    assert [(m.quantity, m.reference) for m in issues] == [
        (Decimal(-2), Shipment.objects.get().number)
    ]
    level = StockLevel.objects.get(item=item)
    assert (level.on_hand, level.allocated) == (Decimal(98), Decimal(0))
    assert ledger_matches_levels(item)
    line = SalesOrderLine.objects.get()
    assert (line.qty_shipped, line.qty_allocated) == (Decimal(2), Decimal(0))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_six_pick_lists_of_one_sku_ship_at_once() -> None:
    world, lists, token = _packed_orders(6, "5")

    statuses = run_in_processes(
        "tests.fulfilment.test_ship_concurrency:ship_as", [(token, pl) for pl in lists]
    )

    assert statuses == [201] * 6
    item = world.items[0]  # type: ignore[attr-defined]
    level = StockLevel.objects.get(item=item)
    assert (level.on_hand, level.allocated) == (Decimal(70), Decimal(0))
    assert StockMovement.objects.filter(kind="issue").count() == 6
    assert ledger_matches_levels(item)
    assert sorted(Shipment.objects.values_list("number", flat=True)) == [
        f"SH{n:06d}" for n in range(1, 7)
    ]

"""Real concurrent API clients (one OS process each) placing orders against one database.

PostgreSQL: 50 clients × 20 one-unit orders on a SKU with 100 in stock, and 10 idempotency
keys × 50 concurrent identical requests. SQLite: the same allocation race with 8 processes
on a database file (see test_sqlite_eight_processes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from orderdesk.inventory.models import StockLevel
from orderdesk.orders.models import SalesOrder, SalesOrderLine

from ..concurrency import run_in_processes
from .world import build_world, token_for

ROOT = Path(__file__).resolve().parents[2]


def place_orders(token: str, body: dict, count: int, tag: str) -> list[int]:
    """One client: `count` orders, each its own request; returns the HTTP statuses."""
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    statuses = []
    for n in range(count):
        b = dict(body, customer_po=f"{tag}-{n}")
        r = client.post("/api/v1/orders", json.dumps(b), content_type="application/json")
        statuses.append(r.status_code)
    return statuses


def send_keys(token: str, bodies: dict[str, dict], seed: int, replays: int) -> list[int]:
    """One client: each key's request once, in its own shuffled order, then replays."""
    import random

    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    keys = sorted(bodies)
    random.Random(seed).shuffle(keys)
    out = []
    for key in keys * (1 + replays):
        r = client.post(
            "/api/v1/orders",
            json.dumps(bodies[key]),
            content_type="application/json",
            headers={"Idempotency-Key": key},
        )
        out.append(r.status_code)
    return out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_50_clients_20_orders_each_allocate_exactly_the_100_in_stock() -> None:
    world = build_world(items=1, on_hand=100, repeat_orders=True)
    token = token_for()
    body = world.body((world.items[0].sku, "1"))
    results = run_in_processes(
        "tests.orders.test_intake_concurrency:place_orders",
        [(token, body, 20, f"C{n}") for n in range(50)],
        timeout=600,
    )
    statuses = [s for r in results for s in r]
    assert statuses == [201] * 1000  # no error surfaced to any client
    level = StockLevel.objects.get(item=world.items[0], warehouse=world.warehouse)
    assert level.allocated == Decimal(100) and level.on_hand == Decimal(100)
    lines = SalesOrderLine.objects.filter(order__customer=world.customer)
    assert sum(ln.qty_allocated for ln in lines) == Decimal(100)
    assert sum(ln.qty_backordered for ln in lines) == Decimal(900)
    assert SalesOrder.objects.filter(status="allocated").count() == 100
    assert SalesOrder.objects.filter(status="backordered").count() == 900


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_10_keys_50_concurrent_clients_with_replays_make_10_orders() -> None:
    world = build_world(items=2)
    token = token_for()
    keys = [str(uuid.uuid4()) for _ in range(10)]
    bodies = {k: world.body((world.items[0].sku, "1"), customer_po=f"IDEM-{k[:8]}") for k in keys}
    # 50 clients at once, each sending the 10 requests (then replaying them once)
    results = run_in_processes(
        "tests.orders.test_intake_concurrency:send_keys",
        [(token, bodies, seed, 1) for seed in range(50)],
        timeout=900,
    )
    statuses = [s for r in results for s in r]
    assert all(s < 500 for s in statuses), sorted(set(statuses))
    assert set(statuses) <= {200, 201, 409}
    assert SalesOrder.objects.count() == 10
    # every replay after the first finished answers with the same order
    replay = send_keys(token, {keys[0]: bodies[keys[0]]}, 0, 0)
    assert replay == [201]


SQLITE_SCRIPT = textwrap.dedent(
    """
    import json, multiprocessing, os, sys
    from decimal import Decimal

    def client(args):
        token, body, count, tag = args
        import django
        django.setup()
        from tests.orders.test_intake_concurrency import place_orders
        return place_orders(token, body, count, tag)

    if __name__ == "__main__":
        import django
        django.setup()
        from django.core.management import call_command
        call_command("migrate", verbosity=0)
        from tests.orders.world import build_world, token_for
        world = build_world(items=1, on_hand=100, repeat_orders=True)
        token = token_for()
        body = world.body((world.items[0].sku, "1"))
        from django.db import connections
        connections.close_all()
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(8) as pool:
            results = pool.map(client, [(token, body, 20, f"S{n}") for n in range(8)])
        from orderdesk.inventory.models import StockLevel
        from orderdesk.orders.models import SalesOrderLine
        level = StockLevel.objects.get()
        lines = SalesOrderLine.objects.all()
        print(json.dumps({
            "statuses": sorted({s for r in results for s in r}),
            "count": sum(len(r) for r in results),
            "allocated": str(level.allocated),
            "on_hand": str(level.on_hand),
            "line_allocated": str(sum(l.qty_allocated for l in lines)),
            "line_backordered": str(sum(l.qty_backordered for l in lines)),
        }))
    """
)


def test_sqlite_eight_processes_allocate_exactly_the_stock(tmp_path: Path) -> None:
    """The allocation race on an SQLite file: 8 processes × 20 orders for 100 units.

    Runs in a child Python with its own database file (the test database is in memory and
    cannot be shared between processes)."""
    script = tmp_path / "race.py"
    script.write_text(SQLITE_SCRIPT)
    env = dict(
        os.environ,
        ORDERDESK_VAR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="orderdesk.settings",
        PYTHONPATH=str(ROOT),
    )
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["statuses"] == [201] and result["count"] == 160
    assert Decimal(result["allocated"]) == 100 == Decimal(result["line_allocated"])
    assert Decimal(result["line_backordered"]) == 60
    assert Decimal(result["on_hand"]) == 100

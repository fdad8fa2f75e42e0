"""Orders per second through the whole intake, API latency, and one 1,000-line order.

Prints one JSON line:
{"orders_per_s_sqlite", "orders_per_s_postgres", "api_p50_ms", "api_p99_ms",
 "order_1000_lines_s", "machine"}

- orders_per_s_*: 5-line orders through intake → validation → pricing → credit →
  allocation → acknowledgement (every step, events and the outbox e-mail included), sent
  by `BENCH_WORKERS` processes at once (default: the number of CPU cores), each its own
  connection, `BENCH_ORDERS` orders in all (default 1,000).
- api_p50_ms / api_p99_ms: latency of POST /api/v1/orders seen by 8 concurrent HTTP
  clients against gunicorn (one worker per core) on PostgreSQL, with Idempotency-Key.
- order_1000_lines_s: one 1,000-line order taken in, validated, priced, allocated and
  acknowledged on PostgreSQL.

Each database is fresh: a new SQLite file in a temporary directory, and a PostgreSQL
database `orderdesk_bench_orders` on the server of $DATABASE_URL_PG (default
postgres://postgres@127.0.0.1:5432/test), dropped afterwards.
"""

from __future__ import annotations

import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/test"
BENCH_DB = "orderdesk_bench_orders"
ORDERS = int(os.environ.get("BENCH_ORDERS", "1000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2)))
API_CLIENTS = 8
API_REQUESTS = int(os.environ.get("BENCH_API_REQUESTS", "50"))  # per client
ITEMS = 600
CUSTOMERS = 60


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orderdesk.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def setup() -> None:
    """Migrate and write a desk: customers with addresses, items with prices and stock."""
    _django()
    from decimal import Decimal

    from django.core.management import call_command

    from orderdesk.catalog.models import Item, UnitOfMeasure
    from orderdesk.core.models import ApiToken, User
    from orderdesk.inventory.models import StockLevel, StockMovement, Warehouse
    from orderdesk.parties.models import (
        Address,
        Carrier,
        Contact,
        Customer,
        PaymentTerms,
        ShipMethod,
    )
    from orderdesk.pricing.models import PriceList, PriceListEntry, TaxRate

    call_command("migrate", verbosity=0)
    ea = UnitOfMeasure.objects.create(code="EA", name="Each")
    terms = PaymentTerms.objects.create(code="NET30", description="Net 30")
    plist = PriceList.objects.create(code="LIST", name="List", is_default=True)
    carrier = Carrier.objects.create(scac="UPSN", name="UPS")
    ShipMethod.objects.create(code="UPS-GND", carrier=carrier, name="UPS Ground")
    TaxRate.objects.create(country="US", region="IL", rate_percent=Decimal("6.25"))
    wh = Warehouse.objects.create(code="CHI", name="Chicago DC")
    items = Item.objects.bulk_create(
        [
            Item(sku=f"BENCH-{n:05d}", description=f"Part {n}", base_uom=ea, weight_kg=1)
            for n in range(ITEMS)
        ]
    )
    PriceListEntry.objects.bulk_create(
        [PriceListEntry(price_list=plist, item=i, unit_price=Decimal("12.50")) for i in items]
        + [
            PriceListEntry(
                price_list=plist, item=i, min_quantity=Decimal(10), unit_price=Decimal("11.75")
            )
            for i in items
        ]
    )
    StockLevel.objects.bulk_create(
        [StockLevel(item=i, warehouse=wh, on_hand=Decimal(10**7)) for i in items]
    )
    from django.utils import timezone

    StockMovement.objects.bulk_create(
        [
            StockMovement(
                at=timezone.now(), item=i, warehouse=wh, quantity=Decimal(10**7), kind="opening"
            )
            for i in items
        ]
    )
    for n in range(CUSTOMERS):
        c = Customer.objects.create(
            account_number=f"B{n:04d}",
            name=f"Bench customer {n}",
            payment_terms=terms,
            price_list=plist,
            credit_limit=Decimal(10**9),
            email=f"ap{n}@example.com",
        )
        for kind, code in (("bill_to", "BILL"), ("ship_to", "MAIN")):
            Address.objects.create(
                customer=c,
                kind=kind,
                code=code,
                name=c.name,
                line1="1 Main St",
                city="Springfield",
                region="IL",
                postal_code="62701",
                is_default=True,
            )
        Contact.objects.create(customer=c, name="Buyer", email=f"buyer{n}@example.com")
    user = User.objects.create(username="bench", role="order_clerk")
    _, raw = ApiToken.issue(user, "bench")
    print(json.dumps({"token": raw}))


def _draft(rng: random.Random, tag: str, lines: int = 5):  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from orderdesk.orders.drafts import LineDraft, OrderDraft

    skus = rng.sample(range(ITEMS), lines)
    return OrderDraft(
        customer=f"B{rng.randrange(CUSTOMERS):04d}",
        customer_po=tag,
        ship_method="UPS-GND",
        freight_payment="prepaid",
        incoterm="FCA",
        lines=[
            LineDraft(sku=f"BENCH-{s:05d}", quantity=Decimal(rng.choice((1, 2, 5, 12))))
            for s in skus
        ],
    )


def throughput_worker(worker: int, count: int) -> None:
    _django()
    from orderdesk.core.models import User
    from orderdesk.orders.intake import order_intake

    clerk = User.objects.get(username="bench")
    rng = random.Random(worker)
    drafts = [_draft(rng, f"W{worker}-{n}") for n in range(count)]
    started = time.perf_counter()
    statuses: dict[str, int] = {}
    for d in drafts:
        order = order_intake(actor=clerk, channel="api", draft=d).order
        statuses[order.status] = statuses.get(order.status, 0) + 1
    print(json.dumps({"seconds": time.perf_counter() - started, "statuses": statuses}))


def large_order() -> None:
    _django()
    from orderdesk.core.models import User
    from orderdesk.orders.intake import order_intake

    clerk = User.objects.get(username="bench")
    draft = _draft(random.Random(99), "LARGE-1", lines=ITEMS)
    extra = _draft(random.Random(98), "x", lines=1000 - ITEMS)
    draft.lines.extend(extra.lines)
    started = time.perf_counter()
    order = order_intake(actor=clerk, channel="api", draft=draft).order
    seconds = time.perf_counter() - started
    if order.lines.count() != 1000 or order.status != "allocated" or order.revision != 1:
        raise SystemExit(f"large order not accepted whole: {order.status}")
    print(json.dumps({"seconds": seconds}))


def _env(database_url: str, var: Path) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "ORDERDESK_VAR": str(var)}
    env["ORDERDESK_DEBUG"] = "0"
    env["PYTHONPATH"] = str(ROOT)
    return env


def _run(args: list[str], env: dict[str, str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args], env=env, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def throughput(env: dict[str, str]) -> float:
    per = max(ORDERS // WORKERS, 1)
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", str(w), str(per)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WORKERS)
    ]
    started = time.perf_counter()
    outs = [p.communicate() for p in procs]
    wall = time.perf_counter() - started
    for p, (_out, err) in zip(procs, outs, strict=True):
        if p.returncode:
            raise SystemExit(f"worker failed: {err[-2000:]}")
    # Each worker's own timer excludes its start-up; the slowest one bounds the run.
    slowest = max(json.loads(out.strip().splitlines()[-1])["seconds"] for out, _ in outs)
    return round(per * WORKERS / min(slowest, wall), 1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def api_latency(env: dict[str, str], token: str) -> tuple[float, float]:
    import http.client

    port = _free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "orderdesk.wsgi",
            "-w",
            str(os.cpu_count() or 2),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        latencies: list[float] = []
        errors: list[int] = []
        lock = threading.Lock()

        def client(n: int) -> None:
            rng = random.Random(1000 + n)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for k in range(API_REQUESTS + 3):
                skus = rng.sample(range(ITEMS), 5)
                body = json.dumps(
                    {
                        "customer": f"B{rng.randrange(CUSTOMERS):04d}",
                        "customer_po": f"API-{n}-{k}",
                        "ship_method": "UPS-GND",
                        "freight_payment": "prepaid",
                        "incoterm": "FCA",
                        "lines": [{"sku": f"BENCH-{s:05d}", "quantity": "2"} for s in skus],
                    }
                )
                headers = {
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": str(uuid.uuid4()),
                }
                t = time.perf_counter()
                conn.request("POST", "/api/v1/orders", body, headers)
                resp = conn.getresponse()
                resp.read()
                ms = (time.perf_counter() - t) * 1000
                with lock:
                    if resp.status != 201:
                        errors.append(resp.status)
                    elif k >= 3:  # the first requests warm each worker up
                        latencies.append(ms)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(API_CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise SystemExit(f"API answered {sorted(set(errors))}")
        q = statistics.quantiles(latencies, n=100)
        return round(statistics.median(latencies), 1), round(q[98], 1)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _with_db(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(
        _with_db(url, "postgres").replace("postgres://", "postgresql://", 1), autocommit=True
    ) as conn:
        conn.execute(sql)


def main() -> None:
    pg_url = os.environ.get("DATABASE_URL_PG", PG_DEFAULT)
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="orderdesk-bench-") as tmp:
        work = Path(tmp)
        env = _env(f"sqlite:///{work / 'bench.sqlite3'}", work)
        _run(["--setup"], env)
        out["orders_per_s_sqlite"] = throughput(env)
        _admin(pg_url, f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        _admin(pg_url, f'CREATE DATABASE "{BENCH_DB}"')
        try:
            env = _env(_with_db(pg_url, BENCH_DB), work)
            token = _run(["--setup"], env)["token"]
            out["orders_per_s_postgres"] = throughput(env)
            out["api_p50_ms"], out["api_p99_ms"] = api_latency(env, token)
            out["order_1000_lines_s"] = round(_run(["--large"], env)["seconds"], 3)
        finally:
            _admin(pg_url, f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    cores = os.cpu_count()
    out["machine"] = f"{platform.machine()} {cores} cores, Python {platform.python_version()}"
    print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--setup"]:
        setup()
    elif sys.argv[1:2] == ["--worker"]:
        throughput_worker(int(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1:2] == ["--large"]:
        large_order()
    else:
        main()

"""Shipments per second through the warehouse and billing, and PDFs rendered per second.

Prints one JSON line:
{"shipments_per_s", "pdfs_per_s", "shipments", "pdfs", "workers", "machine"}

- shipments_per_s: on PostgreSQL, allocated 5-line orders each taken through release →
  pick confirmation (every line, lots as scanned) → packing (one carton, weighed from the
  items) → shipment confirmation (compliance, stock issued through the ledger, documents
  issued as data, shipment e-mail queued) → invoice (with its e-mail queued), by
  `BENCH_WORKERS` processes at once (default: the number of CPU cores), each its own
  connection, `BENCH_SHIPMENTS` orders in all (default 400). The orders are placed before
  the clock starts.
- pdfs_per_s: packing lists and invoices of those shipments rendered to PDF with
  WeasyPrint, one after the other in one process (`BENCH_PDFS`, default 40).

The database is fresh: `orderdesk_bench_fulfilment` on the server of $DATABASE_URL_PG
(default postgres://postgres@127.0.0.1:5432/test), dropped afterwards. The desk (items,
customers, stock, prices) is the one `order_pipeline.py --setup` writes.
"""

from __future__ import annotations

import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from order_pipeline import PG_DEFAULT, _admin, _django, _draft, _env, _with_db  # noqa: E402

BENCH_DB = "orderdesk_bench_fulfilment"
SHIPMENTS = int(os.environ.get("BENCH_SHIPMENTS", "400"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2)))
PDFS = int(os.environ.get("BENCH_PDFS", "40"))


def _run(args: list[str], env: dict[str, str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args], env=env, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def place(worker: int, count: int) -> None:
    """Orders to ship, through the real intake (not timed); prints their ids."""
    _django()
    from orderdesk.core.models import User
    from orderdesk.orders.intake import order_intake

    clerk = User.objects.get(username="bench")
    User.objects.get_or_create(username="bench-dock", defaults={"role": "warehouse"})
    rng = random.Random(500 + worker)
    ids = []
    for n in range(count):
        order = order_intake(actor=clerk, channel="api", draft=_draft(rng, f"F{worker}-{n}")).order
        if order.status != "allocated":
            raise SystemExit(f"bench order {order.number} is {order.status}")
        ids.append(order.pk)
    print(json.dumps({"orders": ids}))


def ship(order_ids: list[int]) -> None:
    """Release, pick, pack, ship and invoice each order; prints the seconds it took."""
    _django()
    import datetime as dt

    from orderdesk.core.models import User
    from orderdesk.fulfilment.models import PickList
    from orderdesk.fulfilment.packing import pick_list_pack
    from orderdesk.fulfilment.picking import PickInput, pick_confirm
    from orderdesk.fulfilment.release import orders_release
    from orderdesk.fulfilment.shipping import shipment_confirm
    from orderdesk.inventory.models import Warehouse
    from orderdesk.orders.models import SalesOrder

    dock = User.objects.get(username="bench-dock")
    warehouse = Warehouse.objects.get(code="CHI")
    today = dt.date.today()
    started = time.perf_counter()
    for order_id in order_ids:
        order = SalesOrder.objects.get(pk=order_id)
        orders_release(actor=dock, warehouse=warehouse, orders=[order], today=today)
        pick_list = PickList.objects.get(order=order)
        picks = [
            PickInput(pick_line=line.pk, quantity=line.quantity, scanned=line.lot)
            for line in pick_list.lines.all()
        ]
        pick_confirm(actor=dock, pick_list=pick_list, picks=picks)
        pick_list_pack(actor=dock, pick_list=pick_list, packages=None)
        shipment_confirm(
            actor=dock, pick_list=pick_list, ship_date=today, tracking_number=f"1Z{order_id:010d}"
        )
    print(json.dumps({"seconds": time.perf_counter() - started}))


def pdfs(count: int) -> None:
    """Render packing lists and invoices alternately; prints the seconds it took."""
    _django()
    from orderdesk.billing.documents import invoice_pdf
    from orderdesk.billing.models import Invoice
    from orderdesk.fulfilment.documents import document_pdf
    from orderdesk.fulfilment.models import DocumentKind, ShippingDocument

    docs = list(
        ShippingDocument.objects.filter(kind=DocumentKind.PACKING_LIST).values_list(
            "pk", flat=True
        )[: count // 2 + 1]
    )
    invoices = list(Invoice.objects.values_list("pk", flat=True)[: count // 2 + 1])
    document_pdf(docs[0])  # fonts and templates loaded once, as in a long-running worker
    started = time.perf_counter()
    made = 0
    for n in range(count):
        pdf = document_pdf(docs[n // 2]) if n % 2 == 0 else invoice_pdf(invoice_id=invoices[n // 2])
        if not pdf.startswith(b"%PDF"):
            raise SystemExit("not a PDF")
        made += 1
    print(json.dumps({"seconds": time.perf_counter() - started, "pdfs": made}))


def _parallel(args_per_worker: list[list[str]], env: dict[str, str]) -> list[dict]:
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in args_per_worker
    ]
    outs = [p.communicate() for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        if p.returncode:
            raise SystemExit(f"worker failed: {err[-3000:]}")
    return [json.loads(out.strip().splitlines()[-1]) for out, _ in outs]


def main() -> None:
    pg_url = os.environ.get("DATABASE_URL_PG", PG_DEFAULT)
    out: dict[str, object] = {}
    per = max(SHIPMENTS // WORKERS, 1)
    with tempfile.TemporaryDirectory(prefix="orderdesk-bench-") as tmp:
        _admin(pg_url, f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        _admin(pg_url, f'CREATE DATABASE "{BENCH_DB}"')
        try:
            env = _env(_with_db(pg_url, BENCH_DB), Path(tmp))
            subprocess.run(
                [sys.executable, str(HERE / "order_pipeline.py"), "--setup"],
                env=env,
                check=True,
                capture_output=True,
            )
            placed = _parallel([["--place", str(w), str(per)] for w in range(WORKERS)], env)
            timed = _parallel([["--ship", json.dumps(p["orders"])] for p in placed], env)
            slowest = max(t["seconds"] for t in timed)
            out["shipments_per_s"] = round(per * WORKERS / slowest, 1)
            rendered = _run(["--pdfs", str(PDFS)], env)
            out["pdfs_per_s"] = round(rendered["pdfs"] / rendered["seconds"], 2)
            out["shipments"] = per * WORKERS
            out["pdfs"] = rendered["pdfs"]
            out["workers"] = WORKERS
        finally:
            _admin(pg_url, f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    out["machine"] = (
        f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--place"]:
        place(int(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1:2] == ["--ship"]:
        ship(json.loads(sys.argv[2]))
    elif sys.argv[1:2] == ["--pdfs"]:
        pdfs(int(sys.argv[2]))
    else:
        main()

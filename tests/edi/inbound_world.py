"""Helpers of the inbound EDI tests: receive hand-written X12, read back what we replied."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from orderdesk.edi import codec
from orderdesk.edi.inbound import ReceiveResult, interchange_file_receive
from orderdesk.edi.models import Interchange

from .world import EdiWorld, build_edi_world, x12_850

#: The day the 850s of world.x12_850 are dated (their requested date is a week later).
TODAY = dt.date(2026, 11, 20)


def edi_world(tmp_path: Path, settings: Any, **kwargs: Any) -> EdiWorld:
    """The EDI world with storage and partner folders under the test's own tmp_path."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.VAR_DIR = tmp_path / "var"
    settings.EDI_DROP_SETTLE_SECONDS = 0
    return build_edi_world(tmp_path, **kwargs)


def po_850(**kwargs: Any) -> str:
    """`world.x12_850` with the freight terms a partner agreement gives (FOB*PP: prepaid),
    so the order is not held for missing freight terms."""
    text = x12_850(**kwargs)
    term = kwargs.get("term", "~\n")
    if f"{term}FOB*" in text:  # world.x12_850 gives freight terms itself
        return text
    head, rest = text.split(f"{term}BEG*", 1)
    beg, tail = rest.split(term, 1)
    st02 = kwargs.get("st02", "0001")
    count = tail.split("SE*", 1)[1].split("*", 1)[0]
    tail = tail.replace(f"SE*{count}*{st02}", f"SE*{int(count) + 1}*{st02}")
    return f"{head}{term}BEG*{beg}{term}FOB*PP{term}{tail}"


def without_segment(text: str, segment: str, term: str = "~\n") -> str:
    """The one-set interchange `text` without `segment` (exact text), SE-01 counted again."""
    assert f"{term}{segment}{term}" in text
    text = text.replace(f"{term}{segment}{term}", term, 1)
    head, tail = text.split(f"{term}SE*", 1)
    count, rest = tail.split("*", 1)
    return f"{head}{term}SE*{int(count) - 1}*{rest}"


def receive(text: str | bytes, **kwargs: Any) -> ReceiveResult:
    data = text.encode("utf-8") if isinstance(text, str) else text
    kwargs.setdefault("source", "test")
    kwargs.setdefault("today", TODAY)
    return interchange_file_receive(data=data, **kwargs)


def stored_text(interchange: Interchange) -> str:
    with interchange.raw.open("rb") as fh:
        return bytes(fh.read()).decode("utf-8")


def read_reply(interchange: Interchange) -> codec.Interchange:
    """Our reply interchange, parsed back with our codec; it must be clean."""
    found = list(codec.read(stored_text(interchange)))
    assert len(found) == 1
    ic = found[0]
    assert ic.all_problems() == [], [p.message for p in ic.all_problems()]
    return ic


def element_rows(ts: codec.TransactionSet, segment_id: str) -> list[list[str]]:
    return [list(s.elements) for s in ts.all(segment_id)]


def x12_860(
    *,
    po: str = "PO-EDI-1",
    changes: list[tuple[str, str, str, str, str]] = (),  # type: ignore[assignment]
    purpose: str = "04",
    isa13: int = 50,
    gs06: int = 50,
    st02: str = "0001",
    sender: str = "ACMEBUYER",
    receiver: str = "ORDERDESK",
    date: dt.date = dt.date(2026, 11, 21),
) -> str:
    """One interchange with one 860; changes as (PO line, change type, quantity, unit, part)."""
    d6, d8 = date.strftime("%y%m%d"), date.strftime("%Y%m%d")
    body = [f"ST*860*{st02}", f"BCH*{purpose}*SA*{po}**1*{d8}"]
    for line, kind, qty, unit, part in changes:
        body.append(f"POC*{line}*{kind}*{qty}**{unit}*10" + (f"**BP*{part}" if part else ""))
    body.append(f"CTT*{len(changes)}")
    body.append(f"SE*{len(body) + 1}*{st02}")
    isa = (
        f"ISA*00*          *00*          *ZZ*{sender:<15}*ZZ*{receiver:<15}*{d6}*1300*U*00401*"
        f"{isa13:09d}*0*P*>"
    )
    segs = [
        isa,
        f"GS*PC*{sender}*{receiver}*{d8}*1300*{gs06}*X*004010",
        *body,
        f"GE*1*{gs06}",
        f"IEA*1*{isa13:09d}",
    ]
    return "~\n".join(segs) + "~\n"


def x12_997(
    *,
    functional_id: str,
    group_control: str,
    sets: list[tuple[str, str, str]],
    group_code: str = "A",
    isa13: int = 70,
    details: dict[str, list[str]] | None = None,
) -> str:
    """A 997 from the partner for one of our groups; sets as (set id, ST02, AK5 code);
    `details`: AK3/AK4 segments per ST02."""
    body = ["ST*997*0001", f"AK1*{functional_id}*{group_control}"]
    for set_id, control, code in sets:
        body.append(f"AK2*{set_id}*{control}")
        body.extend((details or {}).get(control, []))
        body.append(f"AK5*{code}")
    accepted = sum(1 for *_, c in sets if c in ("A", "E"))
    body.append(f"AK9*{group_code}*{len(sets)}*{len(sets)}*{accepted}")
    body.append(f"SE*{len(body) + 1}*0001")
    isa = (
        "ISA*00*          *00*          *ZZ*ACMEBUYER      *ZZ*ORDERDESK      *261121*1400*U*"
        f"00401*{isa13:09d}*0*P*>"
    )
    segs = [
        isa,
        "GS*FA*ACMEBUYER*ORDERDESK*20261121*1400*70*X*004010",
        *body,
        "GE*1*70",
        f"IEA*1*{isa13:09d}",
    ]
    return "~\n".join(segs) + "~\n"

"""What a scanner typed into a field: a plain lot or serial number, or a GS1-128 barcode.

Pure: no Django, tested on its own. A warehouse scanner in keyboard mode types the barcode's
data followed by Enter. GS1-128 labels carry several application identifiers (AIs) in one
symbol; they reach the field in one of two forms:

- human-readable, as printed under the bars: ``(01)09501101530003(17)270630(10)LOT42``;
- raw, as the scanner sends it: an optional symbology identifier (``]C1`` for GS1-128,
  ``]d2`` DataMatrix, ``]Q3`` QR, ``]e0`` DataBar), the AIs one after the other, and a
  group separator (FNC1, ASCII 29 ``\\x1d``) after each variable-length value that is not last.

Anything else is a plain lot or serial number. A raw string with neither symbology prefix
nor separator is read as GS1 only when it opens with a GTIN (AI 01) whose check digit is
right: scanners set up to drop the prefix still send that, and a lot number that starts
with 01 and 14 digits with a valid check digit is not something a plant prints.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

GS = "\x1d"
SYMBOLOGY_PREFIXES = ("]C1", "]d2", "]Q3", "]e0")

#: GS1 "CSET 82": the characters allowed in alphanumeric AI values.
CSET82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)


@dataclass(frozen=True, slots=True)
class AiSpec:
    title: str
    length: int  # fixed length, or the maximum when variable
    fixed: bool
    numeric: bool


#: The application identifiers a warehouse meets on a case or item label.
AIS: dict[str, AiSpec] = {
    "00": AiSpec("SSCC", 18, True, True),
    "01": AiSpec("GTIN", 14, True, True),
    "02": AiSpec("GTIN of contained items", 14, True, True),
    "10": AiSpec("batch/lot", 20, False, False),
    "11": AiSpec("production date", 6, True, True),
    "13": AiSpec("packaging date", 6, True, True),
    "15": AiSpec("best before", 6, True, True),
    "16": AiSpec("sell by", 6, True, True),
    "17": AiSpec("expiry", 6, True, True),
    "20": AiSpec("variant", 2, True, True),
    "21": AiSpec("serial", 20, False, False),
    "22": AiSpec("consumer product variant", 20, False, False),
    "30": AiSpec("variable count", 8, False, True),
    "37": AiSpec("count of trade items", 8, False, True),
    "240": AiSpec("additional product id", 30, False, False),
    "241": AiSpec("customer part number", 30, False, False),
    "400": AiSpec("customer PO", 30, False, False),
    **{f"310{n}": AiSpec("net weight kg", 6, True, True) for n in range(6)},
    **{f"330{n}": AiSpec("gross weight kg", 6, True, True) for n in range(6)},
    "90": AiSpec("internal", 30, False, False),
    **{str(n): AiSpec("company internal", 90, False, False) for n in range(91, 100)},
}

_THREE_DIGIT = {"23", "24", "25", "40", "41", "42"}
_FOUR_DIGIT = {"31", "32", "33", "34", "35", "36", "70", "71", "72", "80", "81", "82"}
_HRI = re.compile(r"\((\d{2,4})\)([^()]*)")


def _digits(value: str) -> bool:
    """ASCII digits only (str.isdigit() also takes "²" and other scripts' digits)."""
    return bool(value) and all("0" <= c <= "9" for c in value)


class ScanError(ValueError):
    """The scan cannot be read; the message says where and why, for the picker."""


@dataclass(frozen=True, slots=True)
class Scan:
    """A scan, read. `text` is the plain number when the scan was not a GS1 barcode."""

    raw: str
    gs1: bool
    elements: tuple[tuple[str, str], ...] = ()
    text: str = ""
    gtin: str = ""
    lot: str = ""
    serial: str = ""
    expiry: dt.date | None = None
    count: int | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def code_for(self, *, serial: bool) -> str:
        """The lot (or, for a serial-controlled item, the serial) this scan names: the AI
        for it, else the plain number; "" when a GS1 label carries neither."""
        if not self.gs1:
            return self.text
        return self.serial if serial else self.lot


def gtin_check_digit(body: str) -> int:
    """The GS1 mod-10 check digit of the digits before it (weights 3, 1 from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def gtin_valid(gtin: str) -> bool:
    return (
        len(gtin) in (8, 12, 13, 14)
        and _digits(gtin)
        and (gtin_check_digit(gtin[:-1]) == int(gtin[-1]))
    )


def gs1_date(value: str, *, today: dt.date | None = None) -> dt.date:
    """YYMMDD as GS1 reads it: the century that puts the year within −49…+50 years of now;
    day 00 is the last day of the month."""
    if len(value) != 6 or not _digits(value):
        raise ScanError(f"{value!r} is not a date (YYMMDD)")
    year2, month, day = int(value[:2]), int(value[2:4]), int(value[4:])
    this_year = (today or dt.date.today()).year
    century = this_year - this_year % 100
    diff = year2 - this_year % 100
    if 51 <= diff <= 99:
        century -= 100
    elif -99 <= diff <= -50:
        century += 100
    year = century + year2
    if not 1 <= month <= 12:
        raise ScanError(f"{value!r} is not a date: month {month:02d}")
    last = calendar.monthrange(year, month)[1]
    if day == 0:
        day = last
    if day > last:
        raise ScanError(f"{value!r} is not a date: day {day:02d} of month {month:02d}")
    return dt.date(year, month, day)


def _ai_length(data: str, pos: int) -> int:
    head = data[pos : pos + 2]
    if head in _THREE_DIGIT:
        return 3
    if head in _FOUR_DIGIT:
        return 4
    return 2


def _check_value(ai: str, value: str) -> None:
    spec = AIS[ai]
    label = f"({ai}) {spec.title}"
    if not value:
        raise ScanError(f"{label} is empty")
    if spec.fixed and len(value) != spec.length:
        raise ScanError(f"{label} must be {spec.length} characters, got {len(value)} ({value!r})")
    if len(value) > spec.length:
        raise ScanError(f"{label} is at most {spec.length} characters, got {len(value)}")
    if spec.numeric and not _digits(value):
        raise ScanError(f"{label} must be digits, got {value!r}")
    bad = sorted({c for c in value if c not in CSET82})
    if bad:
        raise ScanError(f"{label} holds characters a GS1 label cannot: {''.join(bad)!r}")
    if ai in ("01", "02") and not gtin_valid(value):
        raise ScanError(f"{label} {value} has a wrong check digit")


def _read_hri(data: str) -> list[tuple[str, str]]:
    elements: list[tuple[str, str]] = []
    pos = 0
    for match in _HRI.finditer(data):
        if match.start() != pos:
            break
        elements.append((match.group(1), match.group(2)))
        pos = match.end()
    if pos != len(data) or not elements:
        raise ScanError(f"cannot read {data!r} as a GS1 label: expected (AI)value(AI)value…")
    return elements


def _read_raw(data: str) -> list[tuple[str, str]]:
    elements: list[tuple[str, str]] = []
    pos = 0
    while pos < len(data):
        if data[pos] == GS:
            pos += 1
            continue
        n = _ai_length(data, pos)
        ai = data[pos : pos + n]
        if ai not in AIS:
            raise ScanError(
                f"unknown application identifier ({ai}) at position {pos + 1}: "
                "the rest of the barcode cannot be read"
            )
        pos += n
        spec = AIS[ai]
        if spec.fixed:
            value = data[pos : pos + spec.length]
            pos += spec.length
        else:
            end = data.find(GS, pos)
            end = len(data) if end < 0 else end
            value = data[pos:end]
            pos = end
        elements.append((ai, value))
    if not elements:
        raise ScanError("the barcode holds no data")
    return elements


def _looks_raw(data: str) -> bool:
    if GS in data:
        return True
    head = data[:16]
    return len(data) >= 16 and head.startswith("01") and gtin_valid(head[2:])


def scan_parse(scanned: str, *, today: dt.date | None = None) -> Scan:
    """Read what the scanner typed. Raises ScanError for a GS1 barcode that does not read."""
    raw = scanned
    data = scanned.strip(" \t\r\n")
    prefixed = data.startswith(SYMBOLOGY_PREFIXES)
    if prefixed:
        data = data[3:]
    if data.startswith(GS):  # some scanners send FNC1 in first position as GS
        data = data[1:]
    if not data:
        if prefixed:
            raise ScanError("the barcode holds no data")
        return Scan(raw=raw, gs1=False)
    if data.startswith("("):
        elements = _read_hri(data)
    elif prefixed or _looks_raw(data):
        elements = _read_raw(data)
    else:
        if any(ord(c) < 32 for c in data):
            raise ScanError(f"{data!r} holds control characters")
        return Scan(raw=raw, gs1=False, text=data)
    values: dict[str, str] = {}
    for ai, value in elements:
        if ai not in AIS:
            raise ScanError(f"unknown application identifier ({ai})")
        _check_value(ai, value)
        if ai in values and values[ai] != value:
            raise ScanError(f"({ai}) appears twice with different values")
        values[ai] = value
    expiry = gs1_date(values["17"], today=today) if "17" in values else None
    count = int(values["37"]) if "37" in values else None
    known = {"01", "10", "17", "21", "37"}
    return Scan(
        raw=raw,
        gs1=True,
        elements=tuple(elements),
        gtin=values.get("01", ""),
        lot=values.get("10", ""),
        serial=values.get("21", ""),
        expiry=expiry,
        count=count,
        extra={ai: v for ai, v in values.items() if ai not in known},
    )


def encode_hri(elements: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> str:
    """The human-readable form, "(01)…(10)…"."""
    return "".join(f"({ai}){value}" for ai, value in elements)


def encode_raw(
    elements: list[tuple[str, str]] | tuple[tuple[str, str], ...], *, prefix: str = "]C1"
) -> str:
    """The raw form a scanner sends: FNC1 (GS) after each variable-length value but the last."""
    out = [prefix]
    for n, (ai, value) in enumerate(elements):
        out.append(ai + value)
        if not AIS[ai].fixed and n < len(elements) - 1:
            out.append(GS)
    return "".join(out)

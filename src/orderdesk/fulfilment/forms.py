"""The warehouse pages' posted forms turned into service inputs, and back into rows to show.

The pick, pack and ship screens post plain HTML forms (they work without JavaScript on a
warehouse tablet); what they post is read here, and a form refused by a service is shown
again with what was typed.

Pick form: per row `line-N` (the pick line id), `scan-N` (what was scanned) and `qty-N`;
extra rows for a second lot of a line repeat its `line-N`. `short_reason` once.
Pack form: `packages` (how many), per package `pkg-P-kind`, `pkg-P-weight`, `pkg-P-length`,
`pkg-P-width`, `pkg-P-height`; per picked lot `row-R-line`, `row-R-lot`; the quantity of
row R in package P is `qty-P-R`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import QueryDict

from .errors import FulfilmentError, FulfilmentErrorCode
from .models import PackageKind
from .packing import PackageContent, PackageInput
from .picking import PickInput

ZERO = Decimal(0)
_INDEX = re.compile(r"^line-(\d+)$")
#: Most packages a pack form shows (one more each time "Add package" is pressed).
MAX_PACKAGES = 40


def _number(value: str, label: str, name: str) -> Decimal:
    text = (value or "").strip().replace(",", "")
    if not text:
        return ZERO
    try:
        d = Decimal(text)
    except InvalidOperation as exc:
        raise FulfilmentError(
            FulfilmentErrorCode.INVALID, f"{label}: {value!r} is not a number", field=name
        ) from exc
    if not d.is_finite() or d < 0:
        raise FulfilmentError(
            FulfilmentErrorCode.INVALID, f"{label}: give a number of 0 or more", field=name
        )
    return d


@dataclass
class PickRow:
    index: int
    line_id: int
    scanned: str = ""
    quantity: str = ""


def pick_rows(data: QueryDict) -> list[PickRow]:
    rows = []
    for key in data:
        m = _INDEX.match(key)
        if not m:
            continue
        n = int(m.group(1))
        try:
            line_id = int(data.get(key, ""))
        except ValueError:
            continue
        rows.append(
            PickRow(n, line_id, data.get(f"scan-{n}", ""), data.get(f"qty-{n}", "").strip())
        )
    return sorted(rows, key=lambda r: r.index)


def pick_inputs(rows: list[PickRow]) -> list[PickInput]:
    """A row with quantity 0 (or blank and nothing scanned) picks nothing: that is a short."""
    out = []
    for row in rows:
        if not row.quantity:
            if row.scanned.strip():  # the label's count, or one serial
                out.append(PickInput(pick_line=row.line_id, quantity=None, scanned=row.scanned))
            continue
        quantity = _number(row.quantity, f"row {row.index + 1} quantity", f"qty-{row.index}")
        if quantity > 0:
            out.append(PickInput(pick_line=row.line_id, quantity=quantity, scanned=row.scanned))
    return out


@dataclass
class PackRow:
    """A picked quantity of one pick line and lot, to be packed."""

    index: int
    line_id: int
    lot: str
    picked: Decimal
    line_no: int = 0
    sku: str = ""
    description: str = ""


@dataclass
class PackColumn:
    index: int
    kind: str = PackageKind.CARTON
    weight: str = ""
    length: str = ""
    width: str = ""
    height: str = ""
    quantities: dict[int, str] = field(default_factory=dict)  # row index → typed quantity


def pack_columns(data: QueryDict | None, rows: list[PackRow], weight: str) -> list[PackColumn]:
    """The packages as posted (plus one when "Add package" was pressed); on a first visit
    one carton holding everything, weighed from the items when they all have a weight."""
    if data is None:
        return [PackColumn(0, weight=weight, quantities={r.index: _plain(r.picked) for r in rows})]
    try:
        count = int(data.get("packages", "1"))
    except ValueError:
        count = 1
    count = max(1, min(count, MAX_PACKAGES))
    columns = []
    for p in range(count):
        columns.append(
            PackColumn(
                p,
                kind=data.get(f"pkg-{p}-kind", PackageKind.CARTON),
                weight=data.get(f"pkg-{p}-weight", ""),
                length=data.get(f"pkg-{p}-length", ""),
                width=data.get(f"pkg-{p}-width", ""),
                height=data.get(f"pkg-{p}-height", ""),
                quantities={r.index: data.get(f"qty-{p}-{r.index}", "") for r in rows},
            )
        )
    if "add" in data and count < MAX_PACKAGES:
        columns.append(PackColumn(count, quantities={r.index: "" for r in rows}))
    return columns


def pack_inputs(columns: list[PackColumn], rows: list[PackRow]) -> list[PackageInput]:
    """Packages with something in them; an empty column is left out."""
    out = []
    for col in columns:
        contents = []
        for row in rows:
            q = _number(
                col.quantities.get(row.index, ""),
                f"package {col.index + 1}, line {row.line_no} quantity",
                f"qty-{col.index}-{row.index}",
            )
            if q > 0:
                contents.append(PackageContent(row.line_id, q, row.lot))
        if not contents:
            continue
        label = f"package {col.index + 1}"
        out.append(
            PackageInput(
                weight_kg=_number(col.weight, f"{label} weight", f"pkg-{col.index}-weight"),
                kind=col.kind,
                length_cm=_number(col.length, f"{label} length", f"pkg-{col.index}-length"),
                width_cm=_number(col.width, f"{label} width", f"pkg-{col.index}-width"),
                height_cm=_number(col.height, f"{label} height", f"pkg-{col.index}-height"),
                contents=contents,
            )
        )
    return out


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


@dataclass
class ShipForm:
    ship_method: str = ""
    ship_date: str = ""
    tracking_number: str = ""
    pro_number: str = ""
    export_reason: str = ""
    third_party: dict[str, str] = field(default_factory=dict)


THIRD_PARTY_FIELDS = ("name", "line1", "city", "region", "postal_code", "country", "account")


def ship_form(data: QueryDict | dict[str, Any]) -> ShipForm:
    return ShipForm(
        ship_method=str(data.get("ship_method", "") or "").strip(),
        ship_date=str(data.get("ship_date", "") or "").strip(),
        tracking_number=str(data.get("tracking_number", "") or "").strip(),
        pro_number=str(data.get("pro_number", "") or "").strip(),
        export_reason=str(data.get("export_reason", "") or "").strip(),
        third_party={
            f: str(data.get(f"tp_{f}", "") or "").strip()
            for f in THIRD_PARTY_FIELDS
            if str(data.get(f"tp_{f}", "") or "").strip()
        },
    )

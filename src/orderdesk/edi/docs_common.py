"""What the outbound sets share: the partner's words for our units, places and items, and the
PO lines as the partner sent them.

A partner expects its own identifiers back: the PO1-01 line number it gave each line, its
buyer part number and UPC, its unit codes and location codes. These are read (never written)
here so the `docs_*` builders stay free of database writes.

PO line numbers: the inbound side makes one order line per PO1, in order (line_no n is the
n-th PO1 of the 850), so the 850 kept on the inbound `EdiDocument` gives each order line its
PO1-01. An order keyed by a clerk for an EDI customer has no 850: its line_no is used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

from orderdesk.orders.models import SalesOrder

from .models import Direction, EdiDocument, PartnerItem, TradingPartner

Segment = tuple[Any, ...]

#: Product/service id qualifiers (235) we read from a PO1 and send back.
BUYER_PART, UPC, VENDOR_PART = "BP", "UP", "VP"


def seg(segment_id: str, *values: Any) -> Segment:
    """A segment tuple without trailing empty elements (the writer would drop them anyway)."""
    vals = list(values)
    while vals and (vals[-1] is None or vals[-1] == ""):
        vals.pop()
    return (segment_id, *vals)


def our_name() -> str:
    return str(getattr(settings, "ORDERDESK_COMPANY_NAME", "") or "OrderDesk")[:60]


def their_unit(partner: TradingPartner, ours: str) -> str:
    """Our unit code in the partner's words (uom_map is theirs → ours; the first match)."""
    for theirs, mine in (partner.uom_map or {}).items():
        if str(mine).upper() == ours.upper():
            return str(theirs)
    return ours


def their_location(partner: TradingPartner, our_code: str) -> str:
    """Our ship-to address code as the partner's N1 location code."""
    for theirs, mine in (partner.location_map or {}).items():
        if str(mine) == our_code:
            return str(theirs)
    return our_code


def item_refs(partner: TradingPartner, item_ids: Iterable[int | None]) -> dict[int, PartnerItem]:
    ids = {i for i in item_ids if i is not None}
    refs: dict[int, PartnerItem] = {}
    for row in PartnerItem.objects.filter(partner=partner, item_id__in=ids).order_by("pk"):
        refs.setdefault(row.item_id, row)
    return refs


@dataclass(frozen=True)
class PoLine:
    """One PO1 as the partner sent it."""

    assigned_id: str
    quantity: Decimal | None = None
    unit: str = ""
    price: Decimal | None = None
    ids: dict[str, str] = field(default_factory=dict)  # qualifier (BP, UP, VP, …) → value


@dataclass(frozen=True)
class PoRef:
    """The 850 an order came from: its date and lines by our line_no."""

    po_number: str = ""
    po_date: dt.date | None = None
    lines: dict[int, PoLine] = field(default_factory=dict)

    def line(self, line_no: int) -> PoLine:
        return self.lines.get(line_no) or PoLine(str(line_no))


def _split(raw: str) -> list[list[str]]:
    """Elements of each segment of one stored set (ST..SE). The element separator is the
    character after "ST"; the terminator is the first character after the ST segment's
    elements that is neither a letter, a digit, a space nor that separator."""
    text = raw.lstrip("\ufeff \r\n\t")
    if not text.startswith("ST") or len(text) < 4:
        return []
    sep = text[2]
    term = ""
    for ch in text[3:]:
        if ch.isalnum() or ch in (sep, " ", ".", "-", "_"):
            continue
        term = ch
        break
    if not term:
        return []
    return [s.strip().split(sep) for s in text.split(term) if s.strip()]


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value) if value.strip() else None
    except InvalidOperation:
        return None


def _d8(value: str) -> dt.date | None:
    try:
        if len(value) == 8:
            return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
        if len(value) == 6:
            return dt.date(2000 + int(value[:2]), int(value[2:4]), int(value[4:6]))
    except ValueError:
        return None
    return None


def po_ref_parse(raw: str) -> PoRef:
    """PO number, date (BEG03/BEG05) and lines (PO1) of a stored 850 set, by position."""
    po_number, po_date = "", None
    lines: dict[int, PoLine] = {}
    for els in _split(raw):
        sid = els[0]
        if sid == "BEG":
            po_number = els[3] if len(els) > 3 else ""
            po_date = _d8(els[5]) if len(els) > 5 else None
        elif sid == "PO1":
            els = els + [""] * (5 - len(els))
            ids: dict[str, str] = {}
            for k in range(6, len(els) - 1, 2):
                if els[k] and els[k + 1] and els[k] not in ids:
                    ids[els[k]] = els[k + 1]
            n = len(lines) + 1
            lines[n] = PoLine(
                assigned_id=els[1] or str(n),
                quantity=_decimal(els[2]),
                unit=els[3],
                price=_decimal(els[4]),
                ids=ids,
            )
    return PoRef(po_number, po_date, lines)


def po_ref_for(order: SalesOrder, partner: TradingPartner | None = None) -> PoRef:
    """The 850 the order was made from (the document that made it, else the partner's 850
    with the same PO number); an empty PoRef when it was not made by EDI."""
    doc = (
        EdiDocument.objects.filter(direction=Direction.INBOUND, set_id="850", sales_order=order)
        .order_by("-pk")
        .first()
    )
    if doc is None and partner is not None and order.customer_po:
        doc = (
            EdiDocument.objects.filter(
                direction=Direction.INBOUND,
                set_id="850",
                partner=partner,
                reference=order.customer_po,
            )
            .order_by("-pk")
            .first()
        )
    if doc is None or not doc.raw:
        return PoRef(order.customer_po, None, {})
    ref = po_ref_parse(doc.raw)
    return PoRef(ref.po_number or order.customer_po, ref.po_date or doc.document_date, ref.lines)


def product_ids(*, po_line: PoLine | None, ref: PartnerItem | None, sku: str) -> list[str]:
    """Qualifier/value pairs naming an item as the partner knows it: buyer part, UPC (from
    what they sent, else the cross-reference), then our SKU as the vendor part."""
    sent = po_line.ids if po_line is not None else {}
    bp = sent.get(BUYER_PART) or (ref.buyer_part if ref is not None else "")
    upc = sent.get(UPC) or (ref.upc if ref is not None else "")
    out: list[str] = []
    if bp:
        out += [BUYER_PART, bp]
    if upc:
        out += [UPC, upc]
    if sku:
        out += [VENDOR_PART, sku]
    return out


def plain(value: Decimal) -> Decimal:
    """A quantity or price without trailing zeros and never in exponent form (10.0000 → 10),
    so R elements read as people write them."""
    return Decimal(f"{value.normalize():f}")

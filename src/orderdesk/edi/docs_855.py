"""The 855 purchase order acknowledgement, from the frozen acknowledgement data.

Made from `Acknowledgement.data` (`orders.acknowledgement.ack_data`), the same data the
e-mail and PDF come from, so the three never disagree; and from the 850 the order came from,
so each PO1 carries the partner's own line number, part number and unit back.

What the partner reads (X12 4010 855):

- BAK01 "00" original (revision 1), "05" replace (later revisions); BAK02 "AD" accepted as
  sent or "AC" accepted with changes (a price, quantity or date differs from the PO, a line
  is backordered or rejected, or changes were applied since the last revision); BAK03/04 the
  PO number and date; BAK08 our order number; BAK09 the acknowledgement date.
- PO1 per order line: the 850's PO1-01, quantity in the unit ordered (their code), our
  price, then buyer part / UPC / our SKU (BP / UP / VP).
- ACK per quantity bucket of the line: "IA" accepted, "IC" accepted with changes (price or
  quantity), "DR" accepted with the date rescheduled, "IB" backordered, "IR" rejected
  ("ID" deleted when a change cancelled it); ACK04 "068" current schedule ship with the date.
- CTT: number of PO1 and the hash total of their quantities.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .docs_common import PoLine, PoRef, Segment, plain, product_ids, seg, their_unit
from .models import PartnerItem, TradingPartner

#: ACK01 line item status codes (668) we send.
ACCEPTED, CHANGED, RESCHEDULED, BACKORDERED, REJECTED, DELETED = (
    "IA",
    "IC",
    "DR",
    "IB",
    "IR",
    "ID",
)
#: ACK04 date/time qualifier (374): current schedule ship.
SCHEDULE_SHIP = "068"


@dataclass(frozen=True)
class LineVerdict:
    """How one acknowledged line differs from what the PO asked."""

    price: bool = False
    quantity: bool = False
    date: bool = False
    backordered: bool = False
    rejected: bool = False

    @property
    def changed(self) -> bool:
        return self.price or self.quantity or self.date or self.backordered or self.rejected


def _dec(value: Any) -> Decimal | None:
    return Decimal(str(value)) if value not in (None, "") else None


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def line_verdict(line: dict[str, Any], po_line: PoLine | None = None) -> LineVerdict:
    """Compare one `ack_data` line with the PO line: price (ours ≠ theirs), quantity (ours
    ≠ PO1-02, or a quantity change since), date (promised ≠ requested), backorder, reject."""
    kinds = set(line.get("change_kinds") or [])
    ours, theirs = _dec(line.get("unit_price")), _dec(line.get("customer_price"))
    if theirs is None and po_line is not None:
        theirs = po_line.price
    price = theirs is not None and ours is not None and ours != theirs
    quantity = "quantity" in kinds
    if po_line is not None and po_line.quantity is not None:
        quantity = quantity or _dec(line.get("quantity")) != po_line.quantity
    promised, requested = _date(line.get("promised_date")), _date(line.get("requested_date"))
    date = "date" in kinds or (
        promised is not None and requested is not None and promised != requested
    )
    backordered = (_dec(line.get("quantity_backordered")) or Decimal(0)) > 0
    cancelled = (_dec(line.get("quantity_cancelled")) or Decimal(0)) > 0
    return LineVerdict(price, quantity, date, backordered, cancelled)


def ack_shows_change(data: dict[str, Any], po: PoRef | None = None) -> bool:
    """True when the acknowledgement tells the buyer something other than "as ordered":
    the rule for partners who want an 855 only on change."""
    po = po or PoRef()
    if data.get("changes"):
        return True
    return any(line_verdict(ln, po.lines.get(int(ln["line_no"]))).changed for ln in data["lines"])


def _ack_code(bucket: str, verdict: LineVerdict, marker: str) -> str:
    if bucket == "backordered":
        return BACKORDERED
    if bucket == "cancelled":
        return DELETED if marker == "cancelled" else REJECTED
    if verdict.price or verdict.quantity:
        return CHANGED
    if verdict.date:
        return RESCHEDULED
    return ACCEPTED


def segments_855(
    *,
    partner: TradingPartner,
    data: dict[str, Any],
    po: PoRef,
    refs: dict[str, PartnerItem],
    ack_date: dt.date,
) -> list[Segment]:
    """The 855's segments (no ST/SE). `refs` maps our SKU to the partner's cross-reference."""
    changed = ack_shows_change(data, po)
    revision = int(data.get("revision") or 1)
    po_date = po.po_date or _date(data.get("order_date"))
    out: list[Segment] = [
        seg(
            "BAK",
            "00" if revision <= 1 else "05",
            "AC" if changed else "AD",
            data.get("customer_po") or po.po_number,
            po_date,
            None,
            None,
            None,
            data.get("order_number"),
            ack_date,
        )
    ]
    hash_total = Decimal(0)
    for line in data["lines"]:
        line_no = int(line["line_no"])
        po_line = po.lines.get(line_no)
        verdict = line_verdict(line, po_line)
        quantity = Decimal(line["quantity"])
        hash_total += quantity
        unit = (po_line.unit if po_line is not None and po_line.unit else "") or their_unit(
            partner, line.get("unit") or "EA"
        )
        out.append(
            seg(
                "PO1",
                po_line.assigned_id if po_line is not None else str(line_no),
                plain(quantity),
                unit,
                plain(Decimal(line["unit_price"])),
                None,
                *product_ids(po_line=po_line, ref=refs.get(line["sku"]), sku=line["sku"]),
            )
        )
        for bucket in line.get("schedule") or []:
            if bucket["status"] == "shipped":
                continue  # an acknowledgement speaks of what is still to come
            when = _date(bucket.get("date"))
            out.append(
                seg(
                    "ACK",
                    _ack_code(bucket["status"], verdict, line.get("change") or ""),
                    plain(Decimal(bucket["quantity"])),
                    unit,
                    SCHEDULE_SHIP if when is not None else None,
                    when,
                )
            )
    out.append(seg("CTT", len(data["lines"]), plain(hash_total)))
    return out

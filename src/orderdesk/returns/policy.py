"""The return policy check, on plain values (no database): what may come back, and what
needs a coordinator's decision.

Two kinds of answer. A refusal is a fact that no decision can change (more asked back than
shipped, nothing shipped, a lot that never left on that line): the request is refused and
nothing is written. A finding is a policy exception (outside the return window, an item
sold as non-returnable): the RMA is made with the finding on it, and only a coordinator
who may approve returns can let it through, with a reason.

Quantities are in the item's base unit, as the order line's buckets and shipment lines
keep them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

#: The house policy when no ReturnPolicy row exists at all.
DEFAULT_WINDOW_DAYS = 30
DEFAULT_FEE_PERCENT = Decimal(0)

TRACKED = ("lot", "serial")


def plain(value: Decimal) -> str:
    """3, 2.5 (not 3.0000): quantities in messages as a clerk writes them."""
    return f"{value.normalize():f}"


@dataclass(frozen=True)
class Policy:
    window_days: int = DEFAULT_WINDOW_DAYS
    restocking_fee_percent: Decimal = DEFAULT_FEE_PERCENT
    #: "customer" (the customer's own row), "house" (the row without a customer), "default"
    source: str = "default"


@dataclass(frozen=True)
class ShippedLot:
    """What left on one order line from one lot ('' when not tracked), and when it last did
    (None: shipped without a shipment record, e.g. drop-shipped by the vendor)."""

    lot: str
    quantity: Decimal
    last_ship_date: dt.date | None


@dataclass(frozen=True)
class LineFacts:
    """One requested line with what is known about its order line."""

    index: int  # position in the request, for the field path "lines[i]"
    line_no: int
    sku: str
    tracking: str  # none, lot, serial
    returnable: bool
    quantity: Decimal
    lot: str
    shipped: tuple[ShippedLot, ...]
    #: already asked back on RMAs that count (not rejected or cancelled), by lot
    on_rmas: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    field: str
    fix: str


@dataclass(frozen=True)
class Finding:
    code: str
    line_no: int
    message: str
    fix: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "line_no": self.line_no,
            "message": self.message,
            "fix": self.fix,
            "status": "open",
        }


@dataclass
class Outcome:
    refusals: list[Refusal]
    findings: list[Finding]
    #: the lot (or serial) each requested line returns, resolved where only one shipped
    lots: list[str]
    #: per requested line, the date its goods (that lot) last shipped
    ship_dates: list[dt.date | None]


def _what(facts: LineFacts) -> str:
    return f"line {facts.line_no} ({facts.sku})"


def _resolve_lot(facts: LineFacts) -> tuple[str, Refusal | None]:
    lot = facts.lot.strip()
    where = f"lines[{facts.index}].lot"
    shipped_lots = sorted({s.lot for s in facts.shipped if s.lot})
    if facts.tracking not in TRACKED:
        if lot:
            return lot, Refusal(
                "lot_not_allowed",
                f"{_what(facts)} is not lot or serial controlled: leave the lot empty "
                f"(got {lot!r})",
                where,
                "clear the lot field",
            )
        return "", None
    word = "serial" if facts.tracking == "serial" else "lot"
    if not lot:
        if len(shipped_lots) == 1:
            return shipped_lots[0], None
        return "", Refusal(
            "lot_required",
            f"{_what(facts)} is {word} controlled and shipped from "
            f"{len(shipped_lots)} {word}s: say which {word} comes back",
            where,
            f"give the {word} number on the goods: one of {', '.join(shipped_lots) or '—'}",
        )
    if lot not in shipped_lots:
        return lot, Refusal(
            "lot_not_shipped",
            f"{word} {lot} did not ship on {_what(facts)}",
            where,
            f"check the {word} number on the goods; shipped on this line: "
            f"{', '.join(shipped_lots) or 'none'}",
        )
    return lot, None


def _ship_date(facts: LineFacts, lot: str) -> dt.date | None:
    dates = [s.last_ship_date for s in facts.shipped if not lot or s.lot == lot]
    known = [d for d in dates if d is not None]
    return max(known) if known else None


def check(*, policy: Policy, lines: list[LineFacts], today: dt.date) -> Outcome:
    """Check a return request against what shipped, what is already on RMAs and the policy.

    Lines of the same order line add up (two lots of one line may come back on one RMA);
    the same line and lot twice is refused. The window runs from the latest ship date of
    the goods (of that lot, when one is named): the most the customer can claim.
    """
    refusals: list[Refusal] = []
    findings: list[Finding] = []
    lots: list[str] = []
    dates: list[dt.date | None] = []
    asked_line: dict[int, Decimal] = {}
    asked_lot: dict[tuple[int, str], Decimal] = {}
    for facts in lines:
        what = _what(facts)
        qty_field = f"lines[{facts.index}].quantity"
        lot, refusal = _resolve_lot(facts)
        lots.append(lot)
        dates.append(_ship_date(facts, lot))
        if refusal is not None:
            refusals.append(refusal)
            continue
        if facts.quantity <= 0:
            refusals.append(
                Refusal(
                    "quantity_invalid",
                    f"{what}: the quantity to return must be more than zero "
                    f"(got {plain(facts.quantity)})",
                    qty_field,
                    "give the quantity coming back, in the item's base unit",
                )
            )
            continue
        shipped = sum((s.quantity for s in facts.shipped), Decimal(0))
        if shipped <= 0:
            refusals.append(
                Refusal(
                    "nothing_shipped",
                    f"nothing of {what} has shipped: there is nothing to return",
                    qty_field,
                    "cancel the open quantity on the order instead",
                )
            )
            continue
        key = (facts.line_no, lot)
        if key in asked_lot:
            refusals.append(
                Refusal(
                    "line_repeated",
                    f"{what}{f' {lot}' if lot else ''} is on this request twice",
                    f"lines[{facts.index}]",
                    "put the whole quantity on one line",
                )
            )
            continue
        on_rmas = sum(facts.on_rmas.values(), Decimal(0))
        before = asked_line.get(facts.line_no, Decimal(0))
        room = shipped - on_rmas - before
        if facts.quantity > room:
            refusals.append(
                Refusal(
                    "over_return",
                    f"{what}: {plain(facts.quantity)} asked back, but {plain(shipped)} shipped"
                    + (f" and {plain(on_rmas)} are already on other RMAs" if on_rmas else "")
                    + (f" and {plain(before)} on this request" if before else ""),
                    qty_field,
                    f"return at most {plain(max(room, Decimal(0)))}",
                )
            )
            continue
        if lot:
            lot_shipped = sum((s.quantity for s in facts.shipped if s.lot == lot), Decimal(0))
            lot_room = lot_shipped - facts.on_rmas.get(lot, Decimal(0))
            if facts.quantity > lot_room:
                refusals.append(
                    Refusal(
                        "over_return",
                        f"{what}: {plain(facts.quantity)} of {lot} asked back, but "
                        f"{plain(lot_shipped)} of it shipped on this line"
                        + (
                            f" and {plain(lot_shipped - lot_room)} are already on other RMAs"
                            if lot_room != lot_shipped
                            else ""
                        ),
                        qty_field,
                        f"return at most {plain(max(lot_room, Decimal(0)))} of {lot}",
                    )
                )
                continue
        asked_line[facts.line_no] = before + facts.quantity
        asked_lot[key] = facts.quantity
        findings.extend(_policy_findings(facts, lot, dates[-1], policy, today))
    return Outcome(refusals, findings, lots, dates)


def _policy_findings(
    facts: LineFacts, lot: str, shipped_on: dt.date | None, policy: Policy, today: dt.date
) -> list[Finding]:
    what = _what(facts)
    out: list[Finding] = []
    if shipped_on is None:
        out.append(
            Finding(
                "ship_date_unknown",
                facts.line_no,
                f"{what} has no shipment record (drop-shipped?): the return window "
                "cannot be checked",
                "check the delivery date with the customer before approving",
            )
        )
    else:
        age = (today - shipped_on).days
        if age > policy.window_days:
            out.append(
                Finding(
                    "outside_window",
                    facts.line_no,
                    f"{what}{f' {lot}' if lot else ''} shipped {shipped_on.isoformat()}, "
                    f"{age} days ago: the return window is {policy.window_days} days",
                    "approve with a reason to make an exception, or reject",
                )
            )
    if not facts.returnable:
        out.append(
            Finding(
                "not_returnable",
                facts.line_no,
                f"{what} is sold as non-returnable",
                "approve with a reason (e.g. shipped in error, defective), or reject",
            )
        )
    return out

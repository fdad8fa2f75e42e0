"""860 purchase order change → `ChangeRequest` on the order the 850 made.

The order is found by customer and PO (BCH03). A POC line names the buyer's line number
(POC01), matched to our line through the 850 the order came from (order line n is the n-th
PO1), then through the product id when that names exactly one of the order's lines, then as
our own line number. Change types (POC02):

    AI add item · DI delete item · QD/QI/RQ/CA/PQ quantity (POC03 = the new quantity ordered)
    RS/CT/RQ/CA reschedule (the DTM in the POC loop) · PC/PQ/CA price · NC no change

BCH01 01 cancels the whole order. A price change is not applied: our price stays the order's
price (prices change through pricing, or a clerk's override), and the document says so as a
warning a clerk can act on. `order_change` does the rest (re-validation, approval, 855).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from orderdesk.orders.changes import ChangeRequest, LineChange
from orderdesk.orders.drafts import LineDraft

from .codec import Segment
from .mapping_850 import (
    Catalog,
    MappingCode,
    MappingError,
    business_error,
    decimal_of,
    item_for,
    read_header,
    split_lines,
    unit_for,
    x12_date,
)
from .models import TradingPartner

QUANTITY_TYPES = frozenset({"QD", "QI", "RQ", "CA", "PQ"})
DATE_TYPES = frozenset({"RS", "CT", "RQ", "CA"})
PRICE_TYPES = frozenset({"PC", "PQ", "CA"})
KNOWN_TYPES = QUANTITY_TYPES | DATE_TYPES | PRICE_TYPES | {"AI", "DI", "NC"}


@dataclass(frozen=True)
class OrderLineView:
    """What the mapping needs of one order line (plain values; no database here)."""

    line_no: int
    sku: str
    uom: str
    unit_price: Decimal | None
    buyer_line: str = ""


@dataclass
class ChangeMapping:
    request: ChangeRequest
    warnings: list[dict[str, Any]] = field(default_factory=list)
    #: The change order sequence (BCH05), for the reason a clerk reads.
    sequence: str = ""


def change_header(segments: Sequence[Segment]) -> tuple[str, str, dt.date | None]:
    """(purpose BCH01, PO BCH03, date BCH06 or BCH11) of an 860, for the document row."""
    for seg in segments:
        if seg.id == "BCH":
            return (
                seg.get(1).strip(),
                seg.get(3).strip(),
                x12_date(seg.get(6)) or x12_date(seg.get(11)),
            )
    return "", "", None


def _match_line(
    poc: Segment, lines: Sequence[OrderLineView], catalog: Catalog
) -> OrderLineView | None:
    buyer = poc.get(1).strip()
    if buyer:
        by_buyer = [ln for ln in lines if ln.buyer_line and ln.buyer_line == buyer]
        if len(by_buyer) == 1:
            return by_buyer[0]
    for n in range(8, len(poc.elements) + 1, 2):
        qualifier, value = poc.get(n).strip().upper(), poc.get(n + 1).strip()
        if qualifier and value:
            sku = catalog.sku_for(qualifier, value)
            if sku:
                by_sku = [ln for ln in lines if ln.sku.upper() == sku.upper()]
                if len(by_sku) == 1:
                    return by_sku[0]
    if buyer.isdigit():
        by_no = [ln for ln in lines if ln.line_no == int(buyer)]
        if by_no:
            return by_no[0]
    return None


def change_from_860(
    segments: Sequence[Segment],
    *,
    partner: TradingPartner,
    catalog: Catalog,
    lines: Sequence[OrderLineView],
) -> ChangeMapping:
    """The change request of one 860 against the order's lines; raises `MappingError`."""
    heading, details = split_lines(segments, "POC")
    header = read_header(heading, beginning="BCH")
    bch = next((s for s in heading if s.id == "BCH"), None)
    sequence = bch.get(5).strip() if bch is not None else ""
    # Notes (MSG) are not mapped: ChangeRequest.notes replaces the order's notes whole.
    request = ChangeRequest(requested_date=header.requested)
    if header.purpose == "01":  # the buyer cancels the whole order
        request.lines = [LineChange(line_no=ln.line_no, cancel=True) for ln in lines]
        return ChangeMapping(request, [], sequence)
    errors: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    for group in details:
        _poc(group, partner, catalog, lines, request, errors, warnings)
    if errors:
        raise MappingError(errors)
    return ChangeMapping(request, warnings, sequence)


def _poc(
    group: list[Segment],
    partner: TradingPartner,
    catalog: Catalog,
    lines: Sequence[OrderLineView],
    request: ChangeRequest,
    errors: list[dict[str, Any]],
    warnings: list[dict[str, Any]],
) -> None:
    poc = group[0]
    kind = poc.get(2).strip().upper()
    quantity = decimal_of(poc.get(3))
    price = decimal_of(poc.get(6))
    unit = unit_for(partner, poc.component(5, 1))
    line_date = None
    for seg in group[1:]:
        if seg.id == "DTM" and seg.get(1).strip() in ("002", "010", "037", "038"):
            line_date = line_date or x12_date(seg.get(2))
    if kind not in KNOWN_TYPES:
        errors.append(
            business_error(
                MappingCode.PURPOSE_UNSUPPORTED,
                f"POC-02 change type '{kind}' is not one we apply automatically",
                segment=poc,
                element=2,
                value=kind,
                loop="POC",
                fix="apply the change to the order by hand, then mark this document resolved",
            )
        )
        return
    if kind == "NC":
        return
    if kind == "AI":
        sku, err = item_for(poc, 8, catalog, partner.name, "POC")
        if err:
            errors.append(err)
        elif quantity is None or quantity <= 0:
            errors.append(_quantity_error(poc))
        elif sku:
            request.add.append(
                LineDraft(
                    sku=sku,
                    quantity=quantity,
                    uom=unit,
                    requested_date=line_date,
                    customer_price=price,
                )
            )
        return
    line = _match_line(poc, lines, catalog)
    if line is None:
        errors.append(
            business_error(
                MappingCode.LINE_UNKNOWN,
                f"POC-01 line '{poc.get(1)}' matches no line of the order",
                segment=poc,
                element=1,
                value=poc.get(1),
                loop="POC",
                fix="check the order's lines; apply the change by hand and mark this document "
                "resolved",
            )
        )
        return
    change = LineChange(line_no=line.line_no)
    if kind == "DI":
        change.cancel = True
    if kind in QUANTITY_TYPES and poc.get(3):
        if quantity is None or quantity <= 0:
            errors.append(_quantity_error(poc))
            return
        if unit and line.uom and unit != line.uom.upper():
            errors.append(
                business_error(
                    MappingCode.UNIT_MISMATCH,
                    f"POC-05 unit '{unit}' differs from the order line's unit '{line.uom}'",
                    segment=poc,
                    element=5,
                    value=unit,
                    loop="POC",
                    fix="map their unit on the partner profile (unit map) and re-process",
                )
            )
            return
        change.quantity = quantity
    if kind in DATE_TYPES and line_date is not None:
        change.requested_date = line_date
    if kind in PRICE_TYPES and price is not None and price != line.unit_price:
        ours = f"{line.unit_price}" if line.unit_price is not None else "not set"
        warnings.append(
            business_error(
                MappingCode.PRICE_CHANGE,
                f"POC-06 asks for unit price {price} on line {line.line_no} ({line.sku}); "
                f"the order keeps our price ({ours})",
                segment=poc,
                element=6,
                value=poc.get(6),
                loop="POC",
                fix="agree the price with the customer; change it through pricing if needed",
                severity="warning",
            )
        )
    if change.cancel or change.quantity is not None or change.requested_date is not None:
        request.lines.append(change)


def _quantity_error(poc: Segment) -> dict[str, Any]:
    return business_error(
        MappingCode.QUANTITY_INVALID,
        f"POC-03 quantity '{poc.get(3)}' is not a quantity above 0",
        segment=poc,
        element=3,
        value=poc.get(3),
        loop="POC",
        fix="a line going to 0 is a delete (POC-02 DI); ask the partner to resend",
    )

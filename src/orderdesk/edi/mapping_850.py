"""850 purchase order → `OrderDraft`, in the partner's terms translated to ours.

Only what the 850 says is mapped here; prices, credit, stock and holds are the intake
service's job, so an EDI order gets exactly the checks an order typed at the desk gets.
What cannot be translated (a buyer part with no cross-reference, a ship-to location with no
mapping) stops the document before intake, with every such error at once, each naming the
segment, element and value, and the fix on the partner profile; the clerk fixes the profile
and retries, and the order is made then.

Order line n is the n-th PO1 of the 850, so the buyer's line number (PO101) of every order
line can always be read back from the document (`buyer_line_numbers`) for the 855/856/810.

Freight terms come from the FOB segment; without one the order has none, and intake holds
it as it would hold an order from any channel.

Item identification, first match wins: the partner's cross-reference by buyer part number
(qualifiers BP, IN, PI, CB), then by UPC/GTIN (UP, UK, EN, UA; leading zeros ignored), then
our own SKU (VP, VN, SK, MG).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from orderdesk.orders.drafts import LineDraft, OrderDraft

from .codec import Segment
from .errors import EdiBusinessCode
from .models import TradingPartner

BUYER_PART = frozenset({"BP", "IN", "PI", "CB"})
UPC = frozenset({"UP", "UK", "EN", "UA"})
OUR_SKU = frozenset({"VP", "VN", "SK", "MG"})
QUALIFIER_WORDS = {
    **dict.fromkeys(BUYER_PART, "buyer part"),
    **dict.fromkeys(UPC, "UPC"),
    **dict.fromkeys(OUR_SKU, "our SKU"),
}


#: Business error codes of the EDI mappings live with the app's other codes.
MappingCode = EdiBusinessCode


def business_error(
    code: str,
    message: str,
    *,
    segment: Segment | None = None,
    element: int | None = None,
    value: str = "",
    field: str = "",
    fix: str = "",
    loop: str = "",
    severity: str = "error",
) -> dict[str, Any]:
    """One entry of the error list (the shape codec problems have), level "business"."""
    return {
        "level": "business",
        "code": code,
        "segment_id": segment.id if segment is not None else "",
        "segment_position": segment.position if segment is not None else None,
        "loop": loop,
        "element": element,
        "component": None,
        "value": value,
        "field": field or (element_field(segment, element) if segment and element else ""),
        "message": message,
        "fix": fix,
        "raw": segment.raw if segment is not None else "",
        "severity": severity,
        "action_by": "us",
    }


def element_field(segment: Segment, n: int) -> str:
    """ "PO1-07 Product/Service ID": the element's reference and its name from the grammar."""
    ref = f"{segment.id}-{n:02d}"
    el = segment.element_def(n)
    return f"{ref} {el.name}" if el is not None and el.name else ref


class MappingError(Exception):
    """The set cannot be translated; `errors` lists every reason, each clerk-readable."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        super().__init__(errors[0]["message"] if errors else "mapping failed")


class Catalog(Protocol):
    """What a mapping asks of our data: our SKU for their item ids, our ship-to codes."""

    def sku_for(self, qualifier: str, value: str) -> str | None: ...

    def ship_to_for(self, location: str) -> str | None: ...

    def ship_method_for(self, scac: str, routing: str) -> str | None: ...


class PartnerCatalog:
    """The `Catalog` of one partner, read from the database once per document."""

    def __init__(self, partner: TradingPartner) -> None:
        self.partner = partner
        self._parts: dict[str, str] | None = None
        self._upcs: dict[str, str] | None = None
        self._skus: dict[str, str] = {}

    def _load(self) -> None:
        from .models import PartnerItem

        self._parts, self._upcs = {}, {}
        for buyer_part, upc, sku in PartnerItem.objects.filter(partner=self.partner).values_list(
            "buyer_part", "upc", "item__sku"
        ):
            if buyer_part:
                self._parts[buyer_part.strip().upper()] = sku
            if upc:
                self._upcs[upc.strip().lstrip("0")] = sku

    def sku_for(self, qualifier: str, value: str) -> str | None:
        value = value.strip()
        if not value:
            return None
        if self._parts is None or self._upcs is None:
            self._load()
        assert self._parts is not None and self._upcs is not None
        if qualifier in BUYER_PART:
            return self._parts.get(value.upper())
        if qualifier in UPC:
            return self._upcs.get(value.lstrip("0"))
        if qualifier in OUR_SKU:
            key = value.upper()
            if key not in self._skus:
                from orderdesk.catalog.models import Item

                found = Item.objects.filter(sku__iexact=value).values_list("sku", flat=True)
                self._skus[key] = next(iter(found), "")
            return self._skus[key] or None
        return None

    def ship_to_for(self, location: str) -> str | None:
        location = location.strip()
        if not location:
            return None
        mapped = (self.partner.location_map or {}).get(location)
        if mapped:
            return str(mapped)
        from orderdesk.parties.models import Address, AddressKind

        code = (
            Address.objects.filter(
                customer_id=self.partner.customer_id,
                kind=AddressKind.SHIP_TO,
                active=True,
                code__iexact=location,
            )
            .values_list("code", flat=True)
            .first()
        )
        return code

    def ship_method_for(self, scac: str, routing: str) -> str | None:
        """TD5: our service whose code is the routing text (TD505), else the carrier's
        (TD503 SCAC) first active service; None leaves the choice to the desk."""
        from orderdesk.parties.models import ShipMethod

        methods = ShipMethod.objects.filter(active=True)
        if routing.strip():
            code = methods.filter(code__iexact=routing.strip()).values_list("code", flat=True)
            if found := code.first():
                return found
        if scac.strip():
            by_carrier = methods.filter(carrier__scac__iexact=scac.strip()).order_by("code")
            return by_carrier.values_list("code", flat=True).first()
        return None


def x12_date(value: str) -> dt.date | None:
    """CCYYMMDD or YYMMDD (the X12 DT forms); None when it is neither."""
    value = (value or "").strip()
    try:
        if len(value) == 8:
            return dt.datetime.strptime(value, "%Y%m%d").date()
        if len(value) == 6:
            return dt.datetime.strptime(value, "%y%m%d").date()
    except ValueError:
        return None
    return None


def decimal_of(value: str) -> Decimal | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        d = Decimal(value)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def product_ids(seg: Segment, first: int) -> list[tuple[int, str, str]]:
    """(element of the id, qualifier, id) pairs from element `first` on (PO106/07, …)."""
    out = []
    for n in range(first, len(seg.elements) + 1, 2):
        qualifier, value = seg.get(n).strip().upper(), seg.get(n + 1).strip()
        if qualifier and value:
            out.append((n + 1, qualifier, value))
    return out


def item_for(
    seg: Segment, first: int, catalog: Catalog, partner_name: str, loop: str
) -> tuple[str | None, dict[str, Any] | None]:
    """Our SKU for the product ids of a PO1/POC segment, or the error a clerk can act on."""
    ids = product_ids(seg, first)
    if not ids:
        return None, business_error(
            MappingCode.ITEM_MISSING,
            f"{seg.id} at position {seg.position} names no product "
            f"({seg.id}-{first:02d}/{first + 1:02d} are empty)",
            segment=seg,
            element=first + 1,
            loop=loop,
            fix="ask the partner to send a buyer part number, UPC or our SKU",
        )
    ranked = sorted(ids, key=lambda t: 0 if t[1] in BUYER_PART else 1 if t[1] in UPC else 2)
    for _, qualifier, value in ranked:
        sku = catalog.sku_for(qualifier, value)
        if sku:
            return sku, None
    element, qualifier, value = ranked[0]
    words = QUALIFIER_WORDS.get(qualifier, f"product id ({qualifier})")
    ref = f"{seg.id}-{element:02d}"
    if qualifier in OUR_SKU:
        message = f"{ref} {words} '{value}' is not an item of ours"
        fix = "check the SKU with the partner, or cross-reference their part on the profile"
    else:
        message = f"{ref} {words} '{value}' is not cross-referenced for {partner_name}"
        fix = "add it on the partner profile and re-process"
    return None, business_error(
        MappingCode.ITEM_UNKNOWN,
        message,
        segment=seg,
        element=element,
        value=value,
        loop=loop,
        fix=fix,
    )


def unit_for(partner: TradingPartner, unit: str) -> str:
    unit = (unit or "").strip().upper()
    mapped = (partner.uom_map or {}).get(unit)
    return str(mapped).strip().upper() if mapped else unit


#: FOB01 shipment method of payment → our freight payment.
FREIGHT_PAYMENT = {
    "PP": "prepaid",
    "PC": "prepaid_add",
    "CC": "collect",
    "TP": "third_party",
}
#: FOB02 location qualifier → our FOB point.
FOB_POINT = {"OR": "origin", "OA": "origin", "DE": "destination", "DA": "destination"}
INCOTERMS = frozenset({"EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF"})


@dataclass
class Header:
    """The 850 heading as read, before anything is resolved."""

    purpose: str = ""
    po: str = ""
    po_date: dt.date | None = None
    requested: dt.date | None = None
    ship_to_segment: Segment | None = None
    notes: list[str] = field(default_factory=list)
    freight_payment: str = ""
    fob_point: str = ""
    incoterm: str = ""
    incoterm_place: str = ""
    scac: str = ""
    routing: str = ""


def read_fob(h: Header, seg: Segment) -> None:
    """FOB: who pays the freight (FOB01), where title passes (FOB02), an Incoterm when FOB04
    says the terms are Incoterms (01) and FOB05 is one we know."""
    h.freight_payment = FREIGHT_PAYMENT.get(seg.get(1).strip().upper(), "")
    h.fob_point = FOB_POINT.get(seg.get(2).strip().upper(), "")
    term = seg.get(5).strip().upper()
    if seg.get(4).strip() == "01" and term in INCOTERMS:
        h.incoterm = term
        h.incoterm_place = seg.get(3).strip()[:100]


def _dtm_date(seg: Segment) -> tuple[str, dt.date | None]:
    return seg.get(1).strip(), x12_date(seg.get(2))


def _requested(dates: dict[str, dt.date | None]) -> dt.date | None:
    # 002 delivery requested, 010 requested ship, 037 ship not before, 038 ship no later.
    for q in ("002", "010", "037", "038"):
        if dates.get(q):
            return dates[q]
    return None


def split_lines(
    segments: Sequence[Segment], trigger: str
) -> tuple[list[Segment], list[list[Segment]]]:
    """The heading, then one segment list per detail line (each starting with `trigger`);
    the summary (CTT, AMT, SE) ends the last line."""
    heading: list[Segment] = []
    lines: list[list[Segment]] = []
    for seg in segments:
        if seg.id == trigger:
            lines.append([seg])
        elif seg.id in ("CTT", "SE"):
            break
        elif lines:
            lines[-1].append(seg)
        else:
            heading.append(seg)
    return heading, lines


def read_header(heading: Iterable[Segment], beginning: str = "BEG") -> Header:
    """BEG/BCH (purpose, PO, date), DTM requested dates, N1*ST, N9 and MSG notes."""
    h = Header()
    dates: dict[str, dt.date | None] = {}
    n1 = ""
    for seg in heading:
        if seg.id == beginning:
            h.purpose = seg.get(1).strip()
            h.po = seg.get(3).strip()
            h.po_date = x12_date(seg.get(5 if beginning == "BEG" else 6))
        elif seg.id == "FOB":
            read_fob(h, seg)
        elif seg.id == "TD5" and not (h.scac or h.routing):
            # TD502 "2" says TD503 is a SCAC; TD505 is the routing in words.
            h.scac = seg.get(3).strip() if seg.get(2).strip() in ("2", "") else ""
            h.routing = seg.get(5).strip()
        elif seg.id == "DTM" and not n1:
            q, d = _dtm_date(seg)
            dates.setdefault(q, d)
        elif seg.id == "N1":
            n1 = seg.get(1).strip().upper()
            if n1 == "ST" and h.ship_to_segment is None:
                h.ship_to_segment = seg
        elif seg.id == "N9":
            text = " ".join(v for v in (seg.get(2).strip(), seg.get(3).strip()) if v)
            if text:
                h.notes.append(f"{seg.get(1).strip()} {text}".strip())
        elif seg.id == "MSG" and seg.get(1).strip():
            h.notes.append(seg.get(1).strip())
    h.requested = _requested(dates)
    return h


def ship_to_code(
    header: Header, catalog: Catalog, partner_name: str
) -> tuple[str, dict[str, Any] | None]:
    """Our ship-to address code for N1*ST (blank = the customer's default ship-to)."""
    seg = header.ship_to_segment
    if seg is None:
        return "", None
    location = seg.get(4).strip()
    if not location:
        name = seg.get(2).strip() or "the ship-to"
        return "", business_error(
            MappingCode.SHIP_TO_UNKNOWN,
            f"N1*ST names {name!r} by address only (no N1-04 location code), so we cannot "
            "tell which of our ship-to addresses it is",
            segment=seg,
            element=4,
            loop="N1",
            fix="ask the partner to send N1-03/N1-04, or enter the order by hand and mark "
            "this document resolved",
        )
    code = catalog.ship_to_for(location)
    if code:
        return code, None
    return "", business_error(
        MappingCode.SHIP_TO_UNKNOWN,
        f"N1-04 ship-to location '{location}' is not mapped for {partner_name}",
        segment=seg,
        element=4,
        value=location,
        loop="N1",
        fix="add it to the partner's location map (their code → our ship-to address code) "
        "and re-process",
    )


def source_document(partner: TradingPartner, isa13: str, gs06: str, st02: str) -> str:
    return f"EDI {partner.code} ISA {isa13} GS {gs06} ST {st02}"


def draft_from_850(
    segments: Sequence[Segment],
    *,
    partner: TradingPartner,
    catalog: Catalog,
    source: str = "",
) -> OrderDraft:
    """The order draft of one 850; raises `MappingError` with every problem found."""
    heading, details = split_lines(segments, "PO1")
    header = read_header(heading)
    errors: list[dict[str, Any]] = []
    if header.purpose and header.purpose not in ("00", "06", "07", "22"):
        beg = next((s for s in heading if s.id == "BEG"), None)
        errors.append(
            business_error(
                MappingCode.PURPOSE_UNSUPPORTED,
                f"BEG-01 purpose '{header.purpose}' is not an original order; it is not taken "
                "in automatically",
                segment=beg,
                element=1,
                value=header.purpose,
                fix="act on the existing order by hand (cancel or change it), then mark this "
                "document resolved",
            )
        )
    ship_to, err = ship_to_code(header, catalog, partner.name)
    if err:
        errors.append(err)
    lines: list[LineDraft] = []
    for group in details:
        line, line_errors = _line(group, partner=partner, catalog=catalog)
        errors.extend(line_errors)
        if line is not None:
            lines.append(line)
    if errors:
        raise MappingError(errors)
    return OrderDraft(
        customer=partner.customer.account_number,
        customer_po=header.po,
        ship_to=ship_to,
        requested_date=header.requested,
        ship_method=catalog.ship_method_for(header.scac, header.routing) or "",
        freight_payment=header.freight_payment,
        fob_point=header.fob_point,
        incoterm=header.incoterm,
        incoterm_place=header.incoterm_place,
        lines=lines,
        notes="\n".join(header.notes),
        source_document=source,
    )


def _line(
    group: list[Segment], *, partner: TradingPartner, catalog: Catalog
) -> tuple[LineDraft | None, list[dict[str, Any]]]:
    po1 = group[0]
    errors: list[dict[str, Any]] = []
    quantity = decimal_of(po1.get(2))
    if quantity is None:
        errors.append(
            business_error(
                MappingCode.QUANTITY_INVALID,
                f"PO1-02 quantity '{po1.get(2)}' is not a number",
                segment=po1,
                element=2,
                value=po1.get(2),
                loop="PO1",
                fix="ask the partner to resend the order with a quantity",
            )
        )
    price = decimal_of(po1.get(4))
    if po1.get(4) and price is None:
        errors.append(
            business_error(
                MappingCode.PRICE_INVALID,
                f"PO1-04 unit price '{po1.get(4)}' is not a number",
                segment=po1,
                element=4,
                value=po1.get(4),
                loop="PO1",
                fix="ask the partner to resend the order with a price",
            )
        )
    sku, err = item_for(po1, 6, catalog, partner.name, "PO1")
    if err:
        errors.append(err)
    if errors or sku is None or quantity is None:
        return None, errors
    dates: dict[str, dt.date | None] = {}
    notes: list[str] = []
    for seg in group[1:]:
        if seg.id == "DTM":
            q, d = _dtm_date(seg)
            dates.setdefault(q, d)
        elif seg.id == "MSG" and seg.get(1).strip():
            notes.append(seg.get(1).strip())
    return (
        LineDraft(
            sku=sku,
            quantity=quantity,
            uom=unit_for(partner, po1.get(3)),
            requested_date=_requested(dates),
            customer_price=price,
            notes=" ".join(notes)[:250],
        ),
        [],
    )


def buyer_line_numbers(segments: Sequence[Segment]) -> dict[int, str]:
    """Our order line number → the buyer's PO101, for an 850 mapped by `draft_from_850`."""
    _, details = split_lines(segments, "PO1")
    return {n: group[0].get(1).strip() for n, group in enumerate(details, start=1)}

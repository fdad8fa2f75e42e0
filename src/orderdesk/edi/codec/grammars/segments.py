"""The segment dictionary: one definition per segment id, shared by every set that uses it.

Each segment is written as its X12 4010 element list ("353 M" is element 353, mandatory;
"C001 X" a composite, conditional), with the optional elements 5010 appended at the end
(N407, TD515, TD405, PID09 …) so a 5010 partner passes. Codes attach by element number
(`codes.BY_REF`), so BEG01, BCH01, BAK01 and BSN01 share the purpose-code list.
"""

from __future__ import annotations

from ..spec import Element, SegmentDef
from . import codes
from .elements import DICTIONARY, element


def _component(ref: str, req: str = "O", *, type_: str | None = None) -> Element:
    name, dtype, dmin, dmax = DICTIONARY[ref]
    kind = type_ or dtype
    return Element(
        ref=ref,
        name=name,
        type=kind,
        min=dmin,
        max=dmax,
        req=req,
        codes=codes.BY_REF.get(ref) if kind == "ID" else None,
    )


def _composite(ref: str, name: str, *parts: Element) -> tuple[str, tuple[Element, ...]]:
    return name, parts


_UNIT_PARTS = [_component("355", "M")]
for _i in range(4):
    _UNIT_PARTS += [_component("1018"), _component("649"), _component("355")]
_UNIT_PARTS += [_component("1018"), _component("649")]

#: Composites by id: (name, components).
COMPOSITES: dict[str, tuple[str, tuple[Element, ...]]] = {
    "C001": ("Composite Unit of Measure", tuple(_UNIT_PARTS)),
    "C040": (
        "Reference Identifier",
        (
            _component("128", "M"),
            _component("127", "M"),
            _component("128"),
            _component("127"),
            _component("128"),
            _component("127"),
        ),
    ),
    "C030": (
        "Position in Segment",
        (_component("722", "M"), _component("1528"), _component("1686")),
    ),
    "C002": (
        "Actions Indicated",
        (_component("704", "M"), *(_component("704") for _ in range(4))),
    ),
    "C998": ("Context Identification", (_component("9999", "M"), _component("9998"))),
    # 999 guides put composite ids ("C023") here, so the numbers are read as text
    "C999": (
        "Reference in Segment",
        (_component("725", "M", type_="AN"), _component("725", type_="AN")),
    ),
}


def _el(spec: str) -> Element:
    """ "353:M" — element 353, mandatory; "329:M:1-9" — lengths widened for this use."""
    ref, *rest = spec.split(":")
    req = rest[0] if rest else "O"
    if ref in COMPOSITES:
        name, parts = COMPOSITES[ref]
        return Element(ref=ref, name=name, type="", min=0, max=0, req=req, components=parts)
    if len(rest) > 1:
        low, _, high = rest[1].partition("-")
        return element(ref, req, codes.BY_REF.get(ref), min_len=int(low), max_len=int(high))
    return element(ref, req, codes.BY_REF.get(ref))


def _seg(seg_id: str, name: str, *specs: str) -> SegmentDef:
    """A segment from its element list, written "353:M 92:M 324:M 328 …" in X12 order."""
    refs = [token for spec in specs for token in spec.split()]
    return SegmentDef(id=seg_id, name=name, elements=tuple(_el(r) for r in refs))


def _pairs(first: str, second: str, count: int, req: str = "X") -> str:
    """Repeated qualifier/value pairs: "235:X 234:X 235:X 234:X …"."""
    return " ".join(f"{first}:{req} {second}:{req}" for _ in range(count))


_DATES5 = " ".join("374:X 373:X 337" for _ in range(5))

SEGMENTS: dict[str, SegmentDef] = {
    s.id: s
    for s in (
        # -- transaction set control --------------------------------------------------
        _seg("ST", "Transaction Set Header", "143:M 329:M 1705:O"),
        _seg("SE", "Transaction Set Trailer", "96:M 329:M"),
        # -- beginning segments -------------------------------------------------------
        _seg(
            "BEG",
            "Beginning Segment for Purchase Order",
            "353:M 92:M 324:M 328 373:M 367 587 1019 1166 1232 786 640",
        ),
        _seg(
            "BCH",
            "Beginning Segment for Purchase Order Change",
            "353:M 92:M 324:M 328 327 373:M 326 367 127 373 373 1166 786 587 640 1232",
        ),
        _seg(
            "BAK",
            "Beginning Segment for Purchase Order Acknowledgment",
            "353:M 587:M 324:M 373:M 328 326 367 127 373 640",
        ),
        # BSN02 is M in the standard; real 3060 senders leave it empty, and we never
        # act on an inbound ship notice's id, so it is read as optional
        _seg("BSN", "Beginning Segment for Ship Notice", "353:M 396:O 373:M 337:M 1005 640 641"),
        _seg("BIG", "Beginning Segment for Invoice", "373:M 76:M 373 324 328 327 640 353 306 76"),
        _seg(
            "BIA",
            "Beginning Segment for Inventory Inquiry/Advice",
            "353:M 755:M 127:M 373:M 337 306",
        ),
        # -- common heading and detail segments -----------------------------------------
        _seg("CUR", "Currency", "98:M 100:M 280 98 100 669", _DATES5),
        _seg("REF", "Reference Identification", "128:M 127:X 352:X C040:O"),
        _seg(
            "PER",
            "Administrative Communications Contact",
            "366:M 93 365:X 364:X 365:X 364:X 365:X 364:X 443",
        ),
        _seg("TAX", "Tax Reference", "325:X", _pairs("309", "310", 5), "441"),
        _seg("FOB", "F.O.B. Related Instructions", "146:M 309:X 352 334 335:X 309:X 352 54 352:X"),
        _seg("CTP", "Pricing Information", "687 236:X 212:X 380:X C001:X 648 649 782 639 499 289"),
        _seg("CSH", "Sales Requirements", "563 306 610:X 508 373 559:X 560:X 566 954:X 1004:X"),
        _seg(
            "SAC",
            "Service, Promotion, Allowance, or Charge Information",
            "248:M 1300:X 559:X 1301:X 610 378:X 332:X 118 355:X 380:X 380 331 127 770 352:X 819",
        ),
        _seg(
            "ITD",
            "Terms of Sale/Deferred Terms of Sale",
            "336 333 338 370:X 351:X 446:X 386:X 362 388:X 389:X 342:X 352 765:X 107 954",
        ),
        _seg("DTM", "Date/Time Reference", "374:M 373:X 337:X 623 1250:X 1251:X"),
        _seg("LIN", "Item Identification", "350 235:M 234:M", _pairs("235", "234", 14)),
        _seg(
            "SI",
            "Service Characteristic Identification",
            "559:M 1000:M 234:M",
            _pairs("1000", "234", 9),
        ),
        _seg("PID", "Product/Item Description", "349:M 750 559:X 751:X 352:X 752 822 1073 819"),
        _seg("MEA", "Measurements", "737 738 739:X C001:X 740:X 741:X 935 936:X 752 1373"),
        _seg("PKG", "Marking, Packaging, Loading", "349:X 753 559:X 754:X 352:X 400"),
        _seg(
            "TD1",
            "Carrier Details (Quantity and Weight)",
            "103:O:3-6 80:X 23 22:X 79 187 81:X 355:X 183:X 355:X",
        ),
        _seg(
            "TD5",
            "Carrier Details (Routing Sequence/Transit Time)",
            "133 66:X 67:X 91:X 387:X 368 309 310:X 731 732 733:X 284 284 284 26",
        ),
        _seg("TD3", "Carrier Details (Equipment)", "40:X 206 207:X 187 81:X 355:X 102 407 225 24"),
        _seg(
            "TD4",
            "Carrier Details (Special Handling, or Hazardous Materials, or Both)",
            "152:X 208:X 209:X 352:X 1073",
        ),
        _seg("MAN", "Marks and Numbers", "88:M 87:M 87 88:X 87:X 87"),
        _seg("TXI", "Tax Information", "963:M 782:X 954:X 955:X 956:X 441:X 662 828 325 350"),
        _seg("AMT", "Monetary Amount", "522:M 782:M 478"),
        _seg("N9", "Reference Identification", "128:M 127:X 369:X 373 337 623 C040"),
        _seg("MSG", "Message Text", "933:M 934:X 1470"),
        _seg("SPI", "Specification Identifier", "786:M 128:X 127:X 790 791 792 353 755 786 559"),
        _seg("N1", "Name", "98:M 93:X 66:X 67:X 706 98"),
        _seg("N2", "Additional Name Information", "93:M 93"),
        _seg("N3", "Address Information", "166:M 166"),
        _seg("N4", "Geographic Location", "19 156 116 26 309:X 310 1715:X"),
        _seg("SDQ", "Destination Quantity", "355:M 66 67:M 380:M", _pairs("67", "380", 9), "310"),
        _seg("QTY", "Quantity", "673:M 380:X C001:X 61:X"),
        _seg(
            "SCH",
            "Line Item Schedule",
            "380:M 355:M 98:X 93:X 374:M 373:M 337 374:X 373:X 337 326 350",
        ),
        _seg("CTT", "Transaction Totals", "354:M 347 81:X 355:X 183:X 355:X 352"),
        # -- purchase order detail ------------------------------------------------------
        _seg("PO1", "Baseline Item Data", "350 330:X 355:O 212:X 639", _pairs("235", "234", 10)),
        _seg("PO3", "Additional Item Detail", "371:M 373 236 212:X 639:X 380:M 355:M 352"),
        _seg(
            "PO4",
            "Item Physical Details",
            "356 357 355:X 103:X 187 384:X 355:X 385:X 355:X",
            "82:X 189:X 65:X 355:X 810 752 350 350 1470",
        ),
        # -- 860 ---------------------------------------------------------------------------
        _seg(
            "POC",
            "Line Item Change",
            "350 670:M 330:X 671:X C001:X 212:X 639",
            _pairs("235", "234", 10),
        ),
        # -- 855 ---------------------------------------------------------------------------
        _seg(
            "ACK",
            "Line Item Acknowledgment",
            "668:M 380:X 355:X 374:X 373 326",
            _pairs("235", "234", 10),
            "559 822 1271:X",
        ),
        # -- 856 ---------------------------------------------------------------------------
        _seg("HL", "Hierarchical Level", "628:M 734 735:M 736"),
        _seg("SN1", "Item Detail (Shipment)", "350 382:M 355:M 646 330:X 355:X 728 668"),
        _seg("PRF", "Purchase Order Reference", "324:M 328 327 373 350 367 92"),
        _seg(
            "SLN",
            "Subline Item Detail",
            "350:M 350 662:M 380:X C001:X 212:X 639:X 662",
            _pairs("235", "234", 10),
        ),
        # -- 810 ---------------------------------------------------------------------------
        _seg(
            "IT1",
            "Baseline Item Data (Invoice)",
            "350 358:X 355:X 212:X 639:X",
            _pairs("235", "234", 10),
        ),
        _seg("TDS", "Total Monetary Value Summary", "610:M 610 610 610"),
        _seg("CAD", "Carrier Detail", "91 206 207 140:X 387:X 368 128:X 127:X 284"),
        _seg("ISS", "Invoice Shipment Summary", "382:X 355:X 81:X 355:X 183:X 355:X 380:X 81"),
        _seg(
            "ITA",
            "Allowance, Charge or Service",
            "248:M 559:X 560:X 331:M 341 359:X 360:X 378:X 332:X 339:X 355:X 380:X 352:X",
        ),
        _seg("IT3", "Additional Item Data", "382:X 355:X 368:X 383:X 371"),
        _seg("NTE", "Note/Special Instruction", "363 352:M"),
        _seg("PWK", "Paperwork", "755:M 756 757 98 66:X 67:X 352 C002 1525"),
        _seg(
            "L7", "Tariff Reference", "213 168 171 172 169 170 59 173 46 119 227 294 295:X 19 156"
        ),
        _seg("CLD", "Load Detail", "622:M 382:M 103:O:3-6 357 355:X"),
        _seg("LDT", "Lead Time", "345:M 380:M 344:M 373"),
        # -- 846 ---------------------------------------------------------------------------
        _seg("UIT", "Unit Detail", "C001:M 212:X 639"),
        # -- 997 / 999 -------------------------------------------------------------------------
        _seg("AK1", "Functional Group Response Header", "479:M 28:M 480"),
        # AK202 echoes the partner's ST02 as they sent it, short or not
        _seg("AK2", "Transaction Set Response Header", "143:M 329:M:1-9 1705"),
        _seg("AK3", "Data Segment Note", "721:M 719:M 447 720"),
        _seg("AK4", "Data Element Note", "C030:M 725 723:M 724"),
        _seg("AK5", "Transaction Set Response Trailer", "717:M 718 718 718 718 718"),
        _seg(
            "AK9", "Functional Group Response Trailer", "715:M 97:M 123:M 2:M 716 716 716 716 716"
        ),
        _seg("IK3", "Implementation Data Segment Note", "721:M 719:M 447 620"),
        _seg("CTX", "Context", "C998:M 721 719 447 C030 C999"),
        _seg("IK4", "Implementation Data Element Note", "C030:M 725 621:M 724"),
        _seg("IK5", "Implementation Transaction Set Response Trailer", "717:M 618 618 618 618 618"),
    )
}

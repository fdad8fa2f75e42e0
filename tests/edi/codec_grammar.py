"""A tiny X12 grammar of our own for the codec's tests, independent of the real grammars
(which another hand writes), and X12 text built by hand to go with it.

Set "850" here: ST, BEG (M), DTM (O, ×2), N1 loop (O, ×3: N1, N3 ×2), PO1 loop (M, ×1000:
PO1, PID loop ×5: PID), CTT (O), SE.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from orderdesk.edi.codec import registry
from orderdesk.edi.codec.spec import Element, Loop, SegmentDef, SetSpec, Use

UNITS = frozenset({"EA", "CA", "BX", "DZ", "LB"})


def el(ref: str, name: str, type_: str, lo: int, hi: int, req: str = "O", **kw: object) -> Element:
    return Element(ref=ref, name=name, type=type_, min=lo, max=hi, req=req, **kw)  # type: ignore[arg-type]


SEGMENTS = {
    "ST": SegmentDef(
        "ST",
        "Transaction Set Header",
        (
            el("143", "Transaction Set Identifier Code", "ID", 3, 3, "M"),
            el("329", "Transaction Set Control Number", "AN", 4, 9, "M"),
            el("1705", "Implementation Convention Reference", "AN", 1, 35),
        ),
    ),
    "SE": SegmentDef(
        "SE",
        "Transaction Set Trailer",
        (
            el("96", "Number of Included Segments", "N0", 1, 10, "M"),
            el("329", "Transaction Set Control Number", "AN", 4, 9, "M"),
        ),
    ),
    "BEG": SegmentDef(
        "BEG",
        "Beginning Segment for Purchase Order",
        (
            el(
                "353",
                "Transaction Set Purpose Code",
                "ID",
                2,
                2,
                "M",
                codes=frozenset({"00", "05"}),
            ),
            el("92", "Purchase Order Type Code", "ID", 2, 2, "M", codes=frozenset({"SA", "NE"})),
            el("324", "Purchase Order Number", "AN", 1, 22, "M"),
            el("328", "Release Number", "AN", 1, 30),
            el("373", "Date", "DT", 8, 8, "M"),
        ),
    ),
    "DTM": SegmentDef(
        "DTM",
        "Date/Time Reference",
        (
            el("374", "Date/Time Qualifier", "ID", 3, 3, "M"),
            el("373", "Date", "DT", 6, 8),
            el("337", "Time", "TM", 4, 8),
        ),
    ),
    "N1": SegmentDef(
        "N1",
        "Name",
        (
            el(
                "98", "Entity Identifier Code", "ID", 2, 3, "M", codes=frozenset({"ST", "BY", "BT"})
            ),
            el("93", "Name", "AN", 1, 60),
            el("66", "Identification Code Qualifier", "ID", 1, 2),
            el("67", "Identification Code", "AN", 2, 80),
        ),
    ),
    "N3": SegmentDef(
        "N3", "Address Information", (el("166", "Address Information", "AN", 1, 55, "M"),)
    ),
    "PO1": SegmentDef(
        "PO1",
        "Baseline Item Data",
        (
            el("350", "Assigned Identification", "AN", 1, 20),
            el("330", "Quantity Ordered", "R", 1, 15, "M"),
            el("355", "Unit or Basis for Measurement Code", "ID", 2, 2, "M", codes=UNITS),
            el("212", "Unit Price", "R", 1, 17),
            el("639", "Basis of Unit Price Code", "ID", 2, 2),
            el("235", "Product/Service ID Qualifier", "ID", 2, 2),
            el("234", "Product/Service ID", "AN", 1, 48),
            el(
                "C001",
                "Composite Unit of Measure",
                "",
                0,
                0,
                components=(
                    el("355", "Unit or Basis for Measurement Code", "ID", 2, 2, "M", codes=UNITS),
                    el("1018", "Exponent", "R", 1, 15),
                ),
            ),
            el("380", "Quantity", "R", 1, 15, repeat=3),
            el("782", "Monetary Amount", "N2", 1, 18),
        ),
    ),
    "PID": SegmentDef(
        "PID",
        "Product/Item Description",
        (
            el("349", "Item Description Type", "ID", 1, 1, "M", codes=frozenset({"F", "S"})),
            el("750", "Product/Process Characteristic Code", "ID", 2, 3),
            el("559", "Agency Qualifier Code", "ID", 2, 2),
            el("751", "Product Description Code", "AN", 1, 12),
            el("352", "Description", "AN", 1, 80),
        ),
    ),
    "CTT": SegmentDef(
        "CTT",
        "Transaction Totals",
        (
            el("354", "Number of Line Items", "N0", 1, 6, "M"),
            el("347", "Hash Total", "R", 1, 10),
        ),
    ),
}

SPEC = SetSpec(
    id="850",
    name="Purchase Order",
    functional_id="PO",
    body=(
        Use("ST", "M"),
        Use("BEG", "M"),
        Use("DTM", "O", 2),
        Loop("N1", "O", 3, (Use("N1", "M"), Use("N3", "O", 2))),
        Loop("PO1", "M", 1000, (Use("PO1", "M"), Loop("PID", "O", 5, (Use("PID", "M"),)))),
        Use("CTT", "O"),
        Use("SE", "M"),
    ),
    segments=SEGMENTS,
)

_AN = el("x", "x", "AN", 1, 80)
ENVELOPE = {
    "TA1": SegmentDef(
        "TA1",
        "Interchange Acknowledgment",
        (
            el("I12", "Interchange Control Number", "N0", 9, 9, "M"),
            el("I08", "Interchange Date", "DT", 6, 6, "M"),
            el("I09", "Interchange Time", "TM", 4, 4, "M"),
            el("I17", "Interchange Acknowledgment Code", "ID", 1, 1, "M"),
            el("I18", "Interchange Note Code", "ID", 3, 3, "M"),
        ),
    ),
}
SETS = {"850": SPEC}


@contextmanager
def tiny_grammar() -> Iterator[None]:
    with registry.using(SETS, ENVELOPE):
        yield


ISA = (
    "ISA*00*          *00*          *ZZ*ACMEBUYER      *ZZ*ORDERDESK      *261120*1200*U*00401*"
    "{ctl:09d}*0*P*>"
)


def set_850(
    st02: str = "0001",
    *,
    body: list[str] | None = None,
    se01: int | None = None,
    se02: str | None = None,
) -> list[str]:
    """ST..SE segments (no terminators) of a small valid 850."""
    body = (
        body
        if body is not None
        else [
            "BEG*00*SA*PO-1**20261120",
            "DTM*002*20261127",
            "N1*ST*Acme Store*92*0001",
            "N3*1 Main St",
            "PO1*1*10*EA*9.5**BP*BP-1",
            "PID*F****Widget",
            "PO1*2*3*CA*12**BP*BP-2",
            "CTT*2",
        ]
    )
    segs = [f"ST*850*{st02}", *body]
    segs.append(f"SE*{se01 if se01 is not None else len(segs) + 1}*{se02 or st02}")
    return segs


def interchange(
    sets: list[list[str]] | None = None,
    *,
    ctl: int = 1,
    gs06: str = "1",
    gs01: str = "PO",
    ge01: int | None = None,
    ge02: str | None = None,
    iea01: int | None = None,
    iea02: str | None = None,
    term: str = "~\n",
) -> str:
    sets = sets if sets is not None else [set_850()]
    segs = [ISA.format(ctl=ctl), f"GS*{gs01}*ACMEBUYER*ORDERDESK*20261120*1200*{gs06}*X*004010"]
    for s in sets:
        segs.extend(s)
    segs.append(f"GE*{ge01 if ge01 is not None else len(sets)}*{ge02 or gs06}")
    segs.append(f"IEA*{iea01 if iea01 is not None else 1}*{iea02 or f'{ctl:09d}'}")
    return term.join(segs) + term

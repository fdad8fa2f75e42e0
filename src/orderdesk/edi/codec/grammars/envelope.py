"""Interchange, group and set envelopes; ISA is fixed-length, every element padded."""

from __future__ import annotations

from ..spec import Element, SegmentDef
from . import codes
from .elements import element
from .segments import SEGMENTS


def _fixed(ref: str, req: str = "M") -> Element:
    return element(ref, req, codes.BY_REF.get(ref))


ISA = SegmentDef(
    id="ISA",
    name="Interchange Control Header",
    elements=(
        _fixed("I01"),
        _fixed("I02"),
        _fixed("I03"),
        _fixed("I04"),
        _fixed("I05"),
        _fixed("I06"),
        _fixed("I05"),
        _fixed("I07"),
        _fixed("I08"),
        _fixed("I09"),
        # 4010 "U"; 5010 the repetition separator; partners also send "-", "^" and space
        _fixed("I10"),
        _fixed("I11"),
        _fixed("I12"),
        _fixed("I13"),
        _fixed("I14"),
        _fixed("I15"),
    ),
)

GS = SegmentDef(
    id="GS",
    name="Functional Group Header",
    elements=(
        element("479", "M", codes.FUNCTIONAL_IDS),
        element("142", "M"),
        element("124", "M"),
        element("373", "M"),
        element("337", "M"),
        element("28", "M"),
        element("455", "M", codes.RESPONSIBLE_AGENCIES),
        element("480", "M"),
    ),
)

GE = SegmentDef(
    id="GE",
    name="Functional Group Trailer",
    elements=(element("97", "M"), element("28", "M")),
)

IEA = SegmentDef(
    id="IEA",
    name="Interchange Control Trailer",
    elements=(element("I16", "M"), element("I12", "M")),
)

TA1 = SegmentDef(
    id="TA1",
    name="Interchange Acknowledgment",
    elements=(
        element("I12", "M"),
        element("I08", "M"),
        element("I09", "M"),
        element("I17", "M", codes.TA1_ACK_CODES),
        element("I18", "M", codes.TA1_NOTE_CODES),
    ),
)

ENVELOPE: dict[str, SegmentDef] = {
    "ISA": ISA,
    "GS": GS,
    "ST": SEGMENTS["ST"],
    "SE": SEGMENTS["SE"],
    "GE": GE,
    "IEA": IEA,
    "TA1": TA1,
}

"""Transaction-set grammars as data: what the reader validates and the writer generates.

`SETS` maps the set id (ST01) to its table, `ENVELOPE` holds ISA/GS/ST/SE/GE/IEA/TA1, and
`codes` the code lists and the clerk's "did you mean EA?". Written to X12 4010 with the
union of 3060–5010 lengths, so partners on neighbouring releases pass.
"""

from __future__ import annotations

from ..spec import SegmentDef, SetSpec
from . import codes
from .acks import FA_997, IA_999
from .envelope import ENVELOPE
from .invoice import IN_810
from .orders import PC_860, PO_850, PR_855
from .segments import SEGMENTS
from .shipping import IB_846, SH_856

SETS: dict[str, SetSpec] = {
    spec.id: spec for spec in (PO_850, PC_860, PR_855, SH_856, IN_810, FA_997, IB_846, IA_999)
}

__all__ = ["ENVELOPE", "SEGMENTS", "SETS", "SegmentDef", "SetSpec", "codes"]

"""The shape of an X12 grammar: plain frozen data the reader validates against and the writer
generates from, so that what we accept and what we send can never drift apart.

A transaction set is a sequence of segment *uses* and *loops*; a loop starts with its
trigger segment (the first entry of its body) and repeats as a whole. Element types follow
the X12 dictionary: AN (string), ID (code), N0…N9 (integer with implied decimals), R (decimal),
DT (CCYYMMDD, or YYMMDD where `min` is 6), TM (HHMM[SS[dd]]), B (binary, unused here).
Requirement designators: "M" mandatory, "O" optional, "X" conditional (treated as optional:
the syntax notes that make it required are not modelled).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: Max use / repeat meaning "unbounded" (>1 in the standard's tables).
UNBOUNDED = 0


@dataclass(frozen=True, slots=True)
class Element:
    ref: str  # data element number, "353"; for a composite the composite id, "C001"
    name: str  # what a clerk reads: "Transaction Set Purpose Code"
    type: str  # AN, ID, N0..N9, R, DT, TM, B; "" for a composite
    min: int
    max: int
    req: str = "O"  # M, O or X
    #: The codes we accept, for the elements we act on (None: any value of the right length).
    codes: frozenset[str] | None = None
    #: Component elements, when this element is a composite.
    components: tuple[Element, ...] = ()
    #: How often the element may repeat (5010 repetition separator); 1 = no repetition.
    repeat: int = 1

    @property
    def is_composite(self) -> bool:
        return bool(self.components)


@dataclass(frozen=True, slots=True)
class SegmentDef:
    id: str  # "BEG"
    name: str  # "Beginning Segment for Purchase Order"
    elements: tuple[Element, ...]


@dataclass(frozen=True, slots=True)
class Use:
    """A segment's place in a set or loop."""

    segment: str
    req: str = "O"
    max_use: int = 1  # UNBOUNDED for >1


@dataclass(frozen=True, slots=True)
class Loop:
    """A repeating group; `body[0]` is its trigger segment's use (its `req` is the loop's)."""

    id: str  # by its trigger segment and a suffix when two loops share one: "N1", "HL"
    req: str
    max_use: int
    body: tuple[Use | Loop, ...]

    @property
    def trigger(self) -> str:
        first = self.body[0]
        assert isinstance(first, Use)
        return first.segment


@dataclass(frozen=True, slots=True)
class SetSpec:
    id: str  # "850"
    name: str  # "Purchase Order"
    functional_id: str  # GS01 expected for this set: "PO"
    #: ST … SE inclusive, in order; heading, detail and summary areas are simply consecutive.
    body: tuple[Use | Loop, ...]
    #: The dictionary of every segment the body names (shared definitions, one per id).
    segments: Mapping[str, SegmentDef] = field(default_factory=dict)

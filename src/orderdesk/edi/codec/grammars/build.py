"""Shorthand for writing transaction-set tables the way the X12 standard prints them."""

from __future__ import annotations

from ..spec import UNBOUNDED, Loop, SegmentDef, SetSpec, Use
from .segments import SEGMENTS

#: ">1" in the standard's max-use column
MANY = UNBOUNDED


def use(segment: str, req: str = "O", max_use: int = 1) -> Use:
    return Use(segment=segment, req=req, max_use=max_use)


def loop(loop_id: str, req: str, max_use: int, *body: Use | Loop) -> Loop:
    """A loop; its trigger use carries the loop's requirement (the standard prints the
    trigger as M within its loop: the loop itself may still be optional)."""
    first = body[0]
    assert isinstance(first, Use), f"loop {loop_id} must start with a segment"
    return Loop(id=loop_id, req=req, max_use=max_use, body=body)


def _names(body: tuple[Use | Loop, ...], into: set[str]) -> set[str]:
    for entry in body:
        if isinstance(entry, Use):
            into.add(entry.segment)
        else:
            _names(entry.body, into)
    return into


def transaction_set(set_id: str, name: str, functional_id: str, *body: Use | Loop) -> SetSpec:
    ids = _names(body, set())
    missing = sorted(i for i in ids if i not in SEGMENTS)
    if missing:
        raise KeyError(f"{set_id} names undefined segments: {', '.join(missing)}")
    segments: dict[str, SegmentDef] = {i: SEGMENTS[i] for i in sorted(ids)}
    return SetSpec(id=set_id, name=name, functional_id=functional_id, body=body, segments=segments)

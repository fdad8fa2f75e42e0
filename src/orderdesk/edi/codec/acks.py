"""997 functional acknowledgments and TA1 interchange acknowledgments, from what we read.

The problems the reader attached carry their 997 codes already (AK905 on a group, AK502 on
a set, AK304 on a segment, AK403 on an element), so the acknowledgment is a plain
translation: no second opinion, no way for the 997 and the clerk's error list to disagree.
"""

from __future__ import annotations

from typing import Any

from .model import Group, Interchange, OutSet, Problem, TransactionSet

#: At most this many AK3 loops per set and AK4s per AK3 (the 997's max use is 99 for AK4).
_MAX_AK3 = 999
_MAX_AK4 = 99


def _clean(value: str, ic_delims: tuple[str, ...]) -> str:
    """A bad value as AK404 may carry it: no delimiters, at most 99 characters."""
    out = "".join(" " if ch in ic_delims or ord(ch) < 32 else ch for ch in value)
    return out.strip()[:99]


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def _set_segments(ts: TransactionSet) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = [("AK2", ts.set_id, ts.control_number)]
    d = ts.delimiters
    delims = (d.element, d.component, d.segment) + ((d.repetition,) if d.has_repetition else ())
    errors = _errors(ts.problems)
    by_position: dict[int, tuple[list[Problem], list[Problem]]] = {}
    for p in errors:
        if p.level in ("segment", "element") and p.segment_position:
            seg, els = by_position.setdefault(p.segment_position, ([], []))
            (seg if p.level == "segment" else els).append(p)
    ak3 = 0
    for position in sorted(by_position):
        seg_problems, element_problems = by_position[position]
        first = (seg_problems or element_problems)[0]
        seg_codes = [p.code for p in seg_problems]
        if element_problems and "8" not in seg_codes:
            seg_codes.append("8")
        for code in seg_codes:
            if ak3 >= _MAX_AK3:
                break
            ak3 += 1
            out.append(("AK3", first.segment_id, position, first.loop or None, code))
            if code != "8":
                continue
            for p in element_problems[:_MAX_AK4]:
                where: Any = p.element or 1
                if p.component:
                    where = (p.element or 1, p.component)
                out.append(
                    ("AK4", where, p.element_ref or None, p.code, _clean(p.value, delims) or None)
                )
    set_codes: list[str] = []
    for p in errors:
        if p.level == "set" and p.code not in set_codes:
            set_codes.append(p.code)
    if by_position and "5" not in set_codes:
        set_codes.append("5")
    ack = "R" if errors else ts.ack_code
    out.append(("AK5", ack, *set_codes[:5]))
    return out


def ack_997(group: Group) -> OutSet:
    """The 997 for one received group (set control number 1: the caller numbers it)."""
    segments: list[tuple[Any, ...]] = [("AK1", group.functional_id, group.control_number)]
    accepted = 0
    for ts in group.sets:
        segments.extend(_set_segments(ts))
        if ts.accepted:
            accepted += 1
    codes: list[str] = []
    for p in _errors(group.problems):
        if p.code not in codes:
            codes.append(p.code)
    received = len(group.sets)
    segments.append(("AK9", group.ack_code, received, received, accepted, *codes[:5]))
    return OutSet(set_id="997", control_number=1, segments=segments)


def ta1(interchange: Interchange, *, code: str, ack: str) -> tuple[Any, ...]:
    """A TA1 segment's values acknowledging `interchange`: ("TA1", ISA13, ISA09, ISA10,
    ack "A"|"E"|"R", note code "000"…"031")."""
    isa = interchange.isa.elements if interchange.isa is not None else []
    date = isa[8] if len(isa) > 8 else ""
    time = isa[9] if len(isa) > 9 else ""
    return ("TA1", interchange.control_number, date, time, ack, code)


def ta1_for(interchange: Interchange) -> tuple[Any, ...]:
    """The TA1 our reading calls for: R with the first error's code, E when only warnings
    were noted, A otherwise."""
    errors = _errors(interchange.problems)
    if errors:
        return ta1(interchange, code=errors[0].code, ack="R")
    return ta1(interchange, code="000", ack="A")

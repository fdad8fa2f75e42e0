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


#: Characters partners use as delimiters: blanked in a bad value we echo (AK404), since our
#: reply may well use other delimiters than the interchange it answers.
_DELIMITER_LIKE = frozenset("*~>:^|!}\\")


def _clean(value: str, ic_delims: tuple[str, ...]) -> str:
    """A bad value as AK404 may carry it: no delimiters, at most 99 characters."""
    out = "".join(
        " " if ch in ic_delims or ch in _DELIMITER_LIKE or ord(ch) < 32 else ch for ch in value
    )
    return out.strip()[:99]


def _segment_id(seg_id: str) -> str:
    """AK301 as the 997 allows it (2–3 letters and digits), for a segment ID that was junk."""
    clean = "".join(ch for ch in seg_id.upper() if ch.isascii() and ch.isalnum())[:3]
    return clean if len(clean) >= 2 else "ZZZ"


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
            out.append(("AK3", _segment_id(first.segment_id), position, first.loop or None, code))
            if code != "8":
                continue
            for p in element_problems[:_MAX_AK4]:
                where: Any = min(p.element or 1, 99)
                if p.component:
                    where = (where, min(p.component, 99))
                # AK402 is a data element number; a composite's id (C030) is not one
                ref = p.element_ref if p.element_ref.isdigit() and len(p.element_ref) <= 4 else None
                out.append(("AK4", where, ref, p.code, _clean(p.value, delims) or None))
    set_codes: list[str] = []
    for p in errors:
        if p.level == "set" and p.code not in set_codes:
            set_codes.append(p.code)
    if by_position and "5" not in set_codes:
        set_codes.append("5")
    ack = "R" if errors else ts.ack_code
    out.append(("AK5", ack, *set_codes[:5]))
    return out


def ack_blockers(group: Group, functional_ids: frozenset[str] | None = None) -> list[str]:
    """Why no valid 997 can echo this group (its GS01/GS06, a set's ST01/ST02): such an
    interchange is answered with a TA1 (024) instead."""
    out = []
    gs01 = group.functional_id
    if len(gs01) != 2 or not gs01.isalnum() or (functional_ids and gs01 not in functional_ids):
        out.append(f"GS-01 '{gs01}' is not a functional identifier code")
    gs06 = group.control_number
    if not (gs06.isdigit() and len(gs06) <= 9):
        out.append(f"GS-06 '{gs06}' is not a group control number")
    for ts in group.sets:
        if len(ts.set_id) != 3 or not ts.set_id.isalnum():
            out.append(f"ST-01 '{ts.set_id}' is not a transaction set identifier")
        control = ts.control_number
        if not 1 <= len(control) <= 9 or any(
            ord(ch) < 32 or ch in _DELIMITER_LIKE for ch in control
        ):
            out.append(f"ST-02 '{control}' is not a transaction set control number")
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

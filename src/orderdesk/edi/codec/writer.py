"""The X12 writer: values formatted by the grammar, envelopes and counts added, and the
result checked against the same grammar the reader uses, so we never send what we would
reject ourselves (WriteError instead).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from .model import (
    Delimiters,
    Group,
    Interchange,
    OutGroup,
    OutInterchange,
    OutSet,
    Problem,
    TransactionSet,
    WriteError,
)
from .patterns import set_regex
from .registry import envelope, grammar
from .spec import Element, SegmentDef
from .validate import validate_set
from .values import format_date, format_number, format_time


def _problem(message: str, *, level: str = "element", code: str = "6", **kw: Any) -> Problem:
    return Problem(level=level, code=code, message=message, action_by="us", **kw)


class _Formatter:
    """Values to text. A delimiter inside a value is refused, except the repetition
    separator in an element that does not repeat: our reader reads it there as data (a '-'
    separator meets '31139-0020' in real 4060 files), so writing it keeps the round trip."""

    def __init__(self, d: Delimiters) -> None:
        self.d = d
        self.forbidden = {d.element, d.segment, d.component}
        self.repeating = self.forbidden | ({d.repetition} if d.has_repetition else set())

    def simple(
        self,
        el: Element | None,
        value: Any,
        where: str,
        problems: list[Problem],
        *,
        repeats: bool = False,
    ) -> str:
        if value is None:
            return ""
        t = el.type if el is not None else "AN"
        try:
            if isinstance(value, str):
                text = value
            elif isinstance(value, bool):
                raise ValueError(f"{value!r} is not an X12 value")
            elif t == "DT" and isinstance(value, dt.date):
                text = format_date(value, el.max if el else 8)
            elif t == "TM" and isinstance(value, (dt.time, dt.datetime)):
                text = format_time(value, el.min if el else 4, el.max if el else 4)
            elif isinstance(value, (int, Decimal, float)):
                number = Decimal(str(value)) if isinstance(value, float) else value
                if t == "R" or (t[:1] == "N" and t[1:].isdigit()):
                    text = format_number(t, number, el.min if el else 1)
                else:
                    text = str(number)
            elif isinstance(value, dt.date):
                text = value.strftime("%Y%m%d")
            elif isinstance(value, dt.time):
                text = value.strftime("%H%M")
            else:
                raise ValueError(f"{value!r} is not an X12 value")
        except ValueError as exc:
            problems.append(_problem(f"{where}: {exc}", field=where, value=str(value)))
            return ""
        bad = [ch for ch in (self.repeating if repeats else self.forbidden) if ch in text]
        if bad:
            problems.append(
                _problem(
                    f"{where} '{text}' contains the delimiter '{bad[0]}'",
                    field=where,
                    value=text,
                    fix="remove the character or choose other delimiters for the partner",
                )
            )
        return text

    def element(self, el: Element | None, value: Any, where: str, problems: list[Problem]) -> str:
        d = self.d
        rep = el is not None and el.repeat != 1
        if isinstance(value, list):
            if not d.has_repetition and len(value) > 1:
                problems.append(
                    _problem(f"{where} repeats but the interchange has no repetition separator")
                )
            return d.repetition.join(self.element(el, v, where, problems) for v in value)
        if isinstance(value, tuple):
            comps = el.components if el is not None else ()
            parts = []
            for k, v in enumerate(value, start=1):
                comp = comps[k - 1] if k <= len(comps) else None
                parts.append(self.simple(comp, v, f"{where}-{k:02d}", problems, repeats=rep))
            while parts and not parts[-1]:
                parts.pop()
            return d.component.join(parts)
        if el is not None and el.components and isinstance(value, str) and value:
            return self.simple(el.components[0], value, f"{where}-01", problems, repeats=rep)
        return self.simple(el, value, where, problems, repeats=rep)

    def segment(
        self, values: tuple[Any, ...], sd: SegmentDef | None, problems: list[Problem]
    ) -> str:
        seg_id = str(values[0])
        defs = sd.elements if sd is not None else ()
        parts = [seg_id]
        for n, value in enumerate(values[1:], start=1):
            el = defs[n - 1] if n <= len(defs) else None
            parts.append(self.element(el, value, f"{seg_id}-{n:02d}", problems))
        while len(parts) > 1 and not parts[-1]:
            parts.pop()
        return self.d.element.join(parts)


def _control(value: int | str, width: int) -> str:
    return f"{value:0{width}d}" if isinstance(value, int) else str(value)


def _set_segments(out: OutSet, f: _Formatter, problems: list[Problem]) -> list[str]:
    spec = grammar(out.set_id)
    if spec is None:
        problems.append(
            _problem(
                f"we have no grammar for transaction set {out.set_id}",
                level="set",
                code="1",
            )
        )
        return []
    control = _control(out.control_number, 4)
    own: list[Problem] = []
    st: tuple[Any, ...] = ("ST", out.set_id, control, out.convention or None)
    pieces = [f.segment(st, spec.segments.get("ST"), own)]
    for values in out.segments:
        seg_id = str(values[0])
        pieces.append(f.segment(tuple(values), spec.segments.get(seg_id), own))
    pieces.append(f.segment(("SE", len(pieces) + 1, control), spec.segments.get("SE"), own))
    if not own:
        rx = set_regex(spec, f.d)
        text = f.d.segment.join(pieces) + f.d.segment
        if rx is None or rx.fullmatch(text) is None:
            own.extend(
                p for p in validate_set(pieces, spec, f.d, has_se=True) if p.severity == "error"
            )
    for p in own:
        p.message = f"{out.set_id} {control}: {p.message}"
        p.action_by = "us"
    problems.extend(own)
    return pieces


def write(out: OutInterchange) -> str:
    """The interchange as X12 text; WriteError when any part fails our grammar."""
    d = out.delimiters
    f = _Formatter(d)
    env = envelope()
    problems: list[Problem] = []
    if not (len(d.element) == len(d.component) == len(d.segment) == 1) or len(
        {d.element, d.component, d.segment, d.repetition if d.has_repetition else d.element}
    ) < (4 if d.has_repetition else 3):
        raise WriteError(
            [
                _problem(
                    "the delimiters must be four different characters",
                    level="interchange",
                    code="026",
                )
            ]
        )
    segments: list[str] = []
    isa11 = d.repetition if d.has_repetition and out.version >= "00402" else "U"
    sender = out.sender_id.ljust(15)
    receiver = out.receiver_id.ljust(15)
    for label, value, width in (("ISA-06", out.sender_id, 15), ("ISA-08", out.receiver_id, 15)):
        if len(value) > width or not value:
            problems.append(
                _problem(
                    f"{label} '{value}' must be 1 to {width} characters",
                    level="interchange",
                    code="006",
                )
            )
    control = _control(out.control_number, 9)
    if len(control) != 9 or not control.isdigit():
        problems.append(
            _problem(f"ISA-13 '{control}' must be nine digits", level="interchange", code="018")
        )
    isa = d.element.join(
        [
            "ISA",
            out.authorization[0],
            out.authorization[1].ljust(10),
            out.security[0],
            out.security[1].ljust(10),
            out.sender_qualifier,
            sender,
            out.receiver_qualifier,
            receiver,
            out.date.strftime("%y%m%d"),
            out.date.strftime("%H%M"),
            isa11,
            out.version,
            control,
            "1" if out.ack_requested else "0",
            out.test_indicator,
            d.component,
        ]
    )
    segments.append(isa)
    for values in out.ta1s:
        segments.append(f.segment(tuple(values), env.get("TA1"), problems))
    seen_gs06: set[str] = set()
    for group in out.groups:
        gs06 = _control(group.control_number, 1)
        if gs06 in seen_gs06:
            problems.append(_problem(f"GS-06 {gs06} is used twice", level="group", code="19"))
        seen_gs06.add(gs06)
        segments.extend(_group(group, out.date, f, problems))
    segments.append(d.element.join(["IEA", str(len(out.groups)), control]))
    if problems:
        raise WriteError(problems)
    sep = d.segment + d.line_break
    return sep.join(segments) + sep


def _group(
    group: OutGroup, default: dt.datetime, f: _Formatter, problems: list[Problem]
) -> list[str]:
    when = group.date or default
    control = _control(group.control_number, 1)
    out = [
        f.segment(
            (
                "GS",
                group.functional_id,
                group.sender_id,
                group.receiver_id,
                when.strftime("%Y%m%d"),
                when.strftime("%H%M%S" if when.second else "%H%M"),
                control,
                "X",
                group.version,
            ),
            None,
            problems,
        )
    ]
    seen_st02: set[str] = set()
    for s in group.sets:
        st02 = _control(s.control_number, 4)
        if st02 in seen_st02:
            problems.append(
                _problem(f"ST-02 {st02} is used twice in group {control}", level="set", code="23")
            )
        seen_st02.add(st02)
        spec = grammar(s.set_id)
        if spec is not None and spec.functional_id != group.functional_id:
            problems.append(
                _problem(
                    f"a {s.set_id} belongs in a group with GS01 {spec.functional_id}, "
                    f"not {group.functional_id}",
                    level="group",
                    code="6",
                )
            )
        out.extend(_set_segments(s, f, problems))
    out.append(f.d.element.join(["GE", str(len(group.sets)), control]))
    return out


# --- parse → generate ---------------------------------------------------------------------


def _values(seg_elements: list[str], sd: SegmentDef | None, d: Delimiters) -> list[Any]:
    """Raw element strings back into writer values (composites as tuples, repeats as lists)."""
    defs = sd.elements if sd is not None else ()
    out: list[Any] = []
    for n, raw in enumerate(seg_elements, start=1):
        el = defs[n - 1] if n <= len(defs) else None
        reps = (
            raw.split(d.repetition)
            if (el and el.repeat != 1 and d.has_repetition and raw)
            else None
        )
        items = reps if reps is not None else [raw]
        conv: list[Any] = []
        for item in items:
            if el is not None and el.components and d.component in item:
                conv.append(tuple(item.split(d.component)))
            else:
                conv.append(item)
        out.append(conv if reps is not None and len(reps) > 1 else conv[0])
    return out


def _out_set(ts: TransactionSet) -> OutSet:
    segs = ts.segments
    body = segs[1:-1] if segs and segs[-1].id == "SE" else segs[1:]
    d = ts.delimiters
    st = segs[0].elements if segs else []
    return OutSet(
        set_id=ts.set_id,
        control_number=ts.control_number,
        segments=[(s.id, *_values(s.elements, s.definition, d)) for s in body],
        convention=st[2] if len(st) > 2 else "",
    )


def _out_group(g: Group, default: dt.datetime) -> OutGroup:
    return OutGroup(
        functional_id=g.functional_id,
        sender_id=g.sender_id,
        receiver_id=g.receiver_id,
        control_number=g.control_number,
        version=g.version,
        date=g.date or default,
        sets=[_out_set(s) for s in g.sets],
    )


def to_out(interchange: Interchange) -> OutInterchange:
    """What `write` needs to send this interchange again: parse → to_out → write → parse
    gives the same interchange (same envelopes, sets, segments and element values)."""
    ic = interchange
    isa = ic.isa.elements if ic.isa is not None else [""] * 16
    date = ic.date or dt.datetime(2000, 1, 1)
    return OutInterchange(
        sender_qualifier=ic.sender_qualifier,
        sender_id=ic.sender_id,
        receiver_qualifier=ic.receiver_qualifier,
        receiver_id=ic.receiver_id,
        control_number=ic.control_number,
        date=date,
        version=ic.version,
        test_indicator=ic.test_indicator,
        ack_requested=ic.ack_requested,
        delimiters=ic.delimiters,
        groups=[_out_group(g, date) for g in ic.groups],
        ta1s=[("TA1", *t.elements) for t in ic.ta1s],
        authorization=(isa[0], isa[1].strip()),
        security=(isa[2], isa[3].strip()),
    )

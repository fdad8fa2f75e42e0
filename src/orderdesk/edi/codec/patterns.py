"""Grammars compiled to regular expressions: the fast path of validation.

A whole transaction set (segment order, repeats, loops, element types, lengths, code lists,
calendar dates) becomes one expression per delimiter set, so a valid set is checked by a
single `fullmatch` running in C. Only a set that fails it is walked segment by segment in
Python (validate.py), which is what names the errors; a failed match never reports
anything itself. Quantifiers are possessive because X12 parsing is greedy: a segment
belongs to the first place in the grammar that can take it, and backtracking into a
finished loop can never make a set valid that the walk would reject (and could take
exponential time on hostile input).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .model import Delimiters
from .spec import UNBOUNDED, Element, Loop, SegmentDef, SetSpec, Use

_CTRL = "\\x00-\\x1f\\x7f"
_WS = " \t\r\n"

_HH = "(?:[01][0-9]|2[0-3])"
_MS = "[0-5][0-9]"
_MONTH_DAY = (
    "(?:(?:0[13578]|1[02])(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)(?:0[1-9]|[12][0-9]|30)"
    "|02(?:0[1-9]|1[0-9]|2[0-8]))"
)
_LEAP4 = "(?:[0-9][0-9](?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_LEAP2 = "(?:0[048]|[2468][048]|[13579][26])"
_DATE8 = f"(?!0000)(?:[0-9]{{4}}{_MONTH_DAY}|{_LEAP4}0229)"
_DATE6 = f"(?:[0-9]{{2}}{_MONTH_DAY}|{_LEAP2}0229)"


def _cx(ch: str) -> str:
    """A character escaped for use inside [...]."""
    return "\\" + ch if ch in "\\]^-[" else re.escape(ch)


class Syntax:
    """The delimiter-dependent pieces every pattern is made of."""

    def __init__(self, d: Delimiters) -> None:
        self.d = d
        self.e = re.escape(d.element)
        self.c = re.escape(d.component)
        self.rep = re.escape(d.repetition) if d.has_repetition else ""
        self.t = "[ \\t]*\\r?\\n" if d.segment == "\n" else re.escape(d.segment)
        ws = "".join(_cx(ch) for ch in _WS if ch not in (d.element, d.component, d.repetition))
        self.ws = f"[{ws}]*+" if ws else ""
        self.stop = _cx(d.element) + _cx(d.segment)

    def not_in(self, *, component: bool, repeat: bool) -> str:
        excl = self.stop
        if component:
            excl += _cx(self.d.component)
        if repeat and self.rep:
            excl += _cx(self.d.repetition)
        return f"[^{excl}{_CTRL}]"

    def end(self, *, component: bool, repeat: bool) -> str:
        chars = self.stop
        if component:
            chars += _cx(self.d.component)
        if repeat and self.rep:
            chars += _cx(self.d.repetition)
        return f"(?=[{chars}]|\\Z)"


def value_pattern(el: Element, syn: Syntax, *, component: bool, repeat: bool) -> str:
    """A regex for one non-empty simple value of `el`."""
    t = el.type
    lo, hi = max(el.min, 1), max(el.max, el.min, 1)
    if el.codes:
        return f"{_trie(el.codes)}{syn.end(component=component, repeat=repeat)}"
    if t == "DT":
        alts = [p for n, p in ((8, _DATE8), (6, _DATE6)) if lo <= n <= hi]
        return "(?:" + "|".join(alts or [f"[0-9]{{{lo},{hi}}}"]) + ")"
    if t == "TM":
        shapes = {4: "", 6: _MS, 7: _MS + "[0-9]", 8: _MS + "[0-9]{2}"}
        alts = [_HH + _MS + s for n, s in sorted(shapes.items(), reverse=True) if lo <= n <= hi]
        end = syn.end(component=component, repeat=repeat)
        return "(?:" + "|".join(alts or [f"[0-9]{{{lo},{hi}}}"]) + ")" + end
    if t == "R":
        end = syn.end(component=component, repeat=repeat)
        return f"-?(?=(?:\\.?[0-9]){{{lo},{hi}}}\\.?{end})(?:[0-9]+\\.?[0-9]*|\\.[0-9]+){end}"
    if t[:1] == "N" and t[1:].isdigit():
        return f"-?[0-9]{{{lo},{hi}}}{syn.end(component=component, repeat=repeat)}"
    if t == "B":
        return f"{syn.not_in(component=component, repeat=repeat)}*"
    return f"{syn.not_in(component=component, repeat=repeat)}{{{lo},{hi}}}"


@lru_cache(maxsize=512)
def _trie(codes: frozenset[str]) -> str:
    """A code list as a prefix tree: sre tries alternatives one by one, so 800 unit codes
    as a flat alternation cost 800 comparisons where the tree costs a few dozen."""

    def build(words: list[str]) -> str:
        groups: dict[str, list[str]] = {}
        optional = False
        for w in words:
            if w:
                groups.setdefault(w[0], []).append(w[1:])
            else:
                optional = True
        leaves = sorted(c for c, rest in groups.items() if rest == [""])
        alts = [re.escape(c) + build(rest) for c, rest in sorted(groups.items()) if rest != [""]]
        if len(leaves) == 1:
            alts.append(re.escape(leaves[0]))
        elif leaves:
            alts.append("[" + "".join(_cx(c) for c in leaves) + "]")
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if optional:
            body = f"(?:{body})?"
        return body

    return "(?:" + build(sorted(codes)) + ")"


def _seq(items: list[tuple[str, bool]], sep: str, *, lead: bool) -> str:
    """Items joined by `sep`; trailing optional items (and trailing separators) may be
    left out, a mandatory item forces the separators up to it."""
    n = len(items)
    mand_from = [False] * (n + 1)
    for i in range(n - 1, -1, -1):
        mand_from[i] = items[i][1] or mand_from[i + 1]
    tail = f"(?:{sep})*+"
    start = 0 if lead else 1
    for i in range(n - 1, start - 1, -1):
        pat, mand = items[i]
        body = f"{sep}{pat if mand else f'(?:{pat})?'}{tail}"
        tail = body if mand_from[i] else f"(?:{body})?"
    if lead:
        return tail
    pat0, mand0 = items[0]
    return (pat0 if mand0 else f"(?:{pat0})?") + tail


def element_pattern(el: Element, syn: Syntax) -> str:
    """One element as it appears between element separators (never empty)."""
    repeats = el.repeat != 1 and bool(syn.rep)
    if el.components:
        comps = [
            (value_pattern(c, syn, component=True, repeat=repeats), c.req == "M")
            for c in el.components
        ]
        one = f"(?![{syn.stop}{_cx(syn.d.component)}]|\\Z)" + _seq(comps, syn.c, lead=False)
    else:
        one = value_pattern(el, syn, component=False, repeat=repeats)
    if repeats:
        more = "*+" if el.repeat == UNBOUNDED else f"{{0,{el.repeat - 1}}}+"
        one = f"{one}(?:{syn.rep}{one}){more}"
    return one


def segment_pattern(sd: SegmentDef, syn: Syntax) -> str:
    """ID + elements, without the terminator."""
    items = [(element_pattern(el, syn), el.req == "M") for el in sd.elements]
    return re.escape(sd.id) + _seq(items, syn.e, lead=True)


def _quant(req: str, max_use: int) -> str:
    lo = 1 if req == "M" else 0
    if max_use == UNBOUNDED:
        return "++" if lo else "*+"
    if max_use == 1:
        return "" if lo else "?+"
    return f"{{{lo},{max_use}}}+"


def _use_pattern(segment_id: str, spec: SetSpec, syn: Syntax, seg: dict[str, str]) -> str:
    pat = seg.get(segment_id)
    if pat is None:
        sd = spec.segments.get(segment_id)
        if sd is None:  # a grammar without the definition: any content, as the walk does
            body = f"(?:{syn.e}[^{syn.stop}{_CTRL}]*)*+"
            pat = f"{re.escape(segment_id)}{body}{syn.t}{syn.ws}"
        else:
            pat = f"{segment_pattern(sd, syn)}{syn.t}{syn.ws}"
        seg[segment_id] = pat
    return pat


def _body(body: tuple[Use | Loop, ...], spec: SetSpec, syn: Syntax, seg: dict[str, str]) -> str:
    parts: list[str] = []
    for entry in body:
        if isinstance(entry, Use):
            pat = _use_pattern(entry.segment, spec, syn, seg)
            parts.append(f"(?:{pat}){_quant(entry.req, entry.max_use)}")
        else:
            trigger = entry.body[0]
            assert isinstance(trigger, Use)
            inner = _use_pattern(trigger.segment, spec, syn, seg) + _body(
                entry.body[1:], spec, syn, seg
            )
            parts.append(f"(?:{inner}){_quant(entry.req, entry.max_use)}")
    return "".join(parts)


_SET_CACHE: dict[tuple[int, Delimiters], tuple[SetSpec, re.Pattern[str] | None]] = {}
_SEG_CACHE: dict[tuple[int, Delimiters], tuple[SegmentDef, re.Pattern[str]]] = {}


def set_regex(spec: SetSpec, d: Delimiters) -> re.Pattern[str] | None:
    """The compiled fast-path expression for a whole set (ST..SE, each segment followed by
    its terminator and any whitespace but the last); None when it cannot be compiled."""
    key = (id(spec), d)
    hit = _SET_CACHE.get(key)
    if hit is not None and hit[0] is spec:
        return hit[1]
    syn = Syntax(d)
    rx: re.Pattern[str] | None
    try:
        source = _body(spec.body, spec, syn, {})
        rx = re.compile(source)
    except (re.error, KeyError, AssertionError, RecursionError, OverflowError):
        rx = None
    _SET_CACHE[key] = (spec, rx)
    return rx


def segment_regex(sd: SegmentDef, d: Delimiters) -> re.Pattern[str]:
    """A whole segment's text (no terminator) that is valid by its definition."""
    key = (id(sd), d)
    hit = _SEG_CACHE.get(key)
    if hit is not None and hit[0] is sd:
        return hit[1]
    rx = re.compile(segment_pattern(sd, Syntax(d)))
    _SEG_CACHE[key] = (sd, rx)
    return rx


def cache_info() -> dict[str, Any]:
    return {"sets": len(_SET_CACHE), "segments": len(_SEG_CACHE)}

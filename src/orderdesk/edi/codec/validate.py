"""The slow path of validation: walk a set segment by segment and name every error.

Only sets that fail their compiled expression (patterns.py) come here, so this code is
written for clear messages, not speed. The walk is the X12 one: a segment belongs to the
first place, at or after the current one, that can still take it, looking outward through
the enclosing loops; its codes are the 997's (AK304 for segments, AK403 for elements).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

from .model import Delimiters, LoopNode, Problem, Segment
from .patterns import segment_regex
from .registry import envelope, known_segment_ids, suggest_code
from .spec import UNBOUNDED, Element, Loop, SegmentDef, SetSpec, Use
from .values import digit_count, parse_date, parse_time

_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}\Z")
_CTRL = re.compile(r"[\x00-\x1f\x7f]")
_NUMERIC = re.compile(r"-?[0-9]+\Z")
_REAL = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)\Z")

#: What a clerk calls the codes of the elements we act on ("'EACH' is not a unit code").
_NOUNS = {
    "355": "unit code",
    "98": "party code",
    "66": "ID code qualifier",
    "235": "product ID qualifier",
    "353": "purpose code",
    "92": "order type code",
    "374": "date qualifier",
    "128": "reference qualifier",
    "143": "transaction set code",
    "479": "functional group code",
    "587": "acknowledgment type",
    "668": "line status code",
    "670": "change type code",
    "1005": "hierarchy structure code",
    "735": "hierarchy level code",
}


# --- the grammar as a walkable structure -------------------------------------------------


class _Body:
    __slots__ = ("entries", "index")

    def __init__(self, body: Iterable[Use | Loop]) -> None:
        self.entries: list[tuple[str, str, int, _Body | None, Loop | None]] = []
        self.index: dict[str, list[int]] = {}
        for n, entry in enumerate(body):
            if isinstance(entry, Use):
                self.entries.append((entry.segment, entry.req, entry.max_use, None, None))
                seg = entry.segment
            else:
                seg = entry.trigger
                self.entries.append((seg, entry.req, entry.max_use, _Body(entry.body), entry))
            self.index.setdefault(seg, []).append(n)


_BODIES: dict[int, tuple[SetSpec, _Body, frozenset[str]]] = {}


def _compiled(spec: SetSpec) -> tuple[_Body, frozenset[str]]:
    hit = _BODIES.get(id(spec))
    if hit is None or hit[0] is not spec:
        body = _Body(spec.body)
        ids: set[str] = set()

        def collect(b: _Body) -> None:
            for seg, _req, _max, sub, _loop in b.entries:
                ids.add(seg)
                if sub is not None:
                    collect(sub)

        collect(body)
        hit = (spec, body, frozenset(ids))
        _BODIES[id(spec)] = hit
    return hit[1], hit[2]


class _Ctx:
    __slots__ = ("body", "counts", "idx", "loop_id", "node")

    def __init__(self, body: _Body, loop_id: str, node: LoopNode | None) -> None:
        self.body = body
        self.idx = 0
        self.counts = [0] * len(body.entries)
        self.loop_id = loop_id
        self.node = node


class Walker:
    """Places segments in a set's grammar one at a time; collects AK304 problems and, when
    asked, the loop tree."""

    def __init__(self, spec: SetSpec, *, tree: bool = False) -> None:
        self.spec = spec
        body, self.ids = _compiled(spec)
        self.root = LoopNode(spec.id) if tree else None
        self.stack = [_Ctx(body, "", self.root)]
        self.problems: list[Problem] = []

    def _missing(self, ctx: _Ctx, lo: int, hi: int, position: int, raw: str) -> None:
        for k in range(lo, hi):
            seg, req, _max, _sub, loop = ctx.body.entries[k]
            if req == "M" and ctx.counts[k] == 0:
                where = f"the {ctx.loop_id} loop" if ctx.loop_id else f"a {self.spec.id}"
                what = f"loop {loop.id}" if loop is not None else seg
                name = self._name(seg)
                self.problems.append(
                    Problem(
                        level="segment",
                        code="3",
                        message=f"{what} ({name}) is required in {where} but missing",
                        segment_id=seg,
                        segment_position=position,
                        loop=ctx.loop_id,
                        field=f"{seg} {name}",
                        fix=f"the partner must send {seg}",
                        raw=raw,
                    )
                )

    def _name(self, seg: str) -> str:
        sd = self.spec.segments.get(seg) or envelope().get(seg)
        return sd.name if sd is not None else seg

    def _pop_to(self, depth: int, position: int, raw: str) -> None:
        while len(self.stack) > depth + 1:
            ctx = self.stack.pop()
            self._missing(ctx, ctx.idx + 1, len(ctx.counts), position, raw)

    def _enter(self, depth: int, j: int, position: int, raw: str) -> _Ctx:
        self._pop_to(depth, position, raw)
        ctx = self.stack[depth]
        self._missing(ctx, ctx.idx if ctx.counts[ctx.idx] == 0 else ctx.idx + 1, j, position, raw)
        ctx.idx = j
        ctx.counts[j] += 1
        _seg, _req, _max, sub, loop = ctx.body.entries[j]
        if sub is not None and loop is not None:
            node = None
            if ctx.node is not None:
                node = LoopNode(loop.id)
                ctx.node.children.append(node)
            inner = _Ctx(sub, loop.id, node)
            inner.counts[0] = 1
            self.stack.append(inner)
            return inner
        return ctx

    def feed(self, seg_id: str, position: int, raw: str) -> tuple[bool, str]:
        """Place one segment; (placed, loop id it landed in)."""
        stack = self.stack
        exhausted: tuple[int, int] | None = None
        for depth in range(len(stack) - 1, -1, -1):
            ctx = stack[depth]
            cands = ctx.body.index.get(seg_id)
            if not cands:
                continue
            for j in cands:
                if j < ctx.idx:
                    continue
                max_use = ctx.body.entries[j][2]
                if max_use == UNBOUNDED or ctx.counts[j] < max_use:
                    landed = self._enter(depth, j, position, raw)
                    return True, landed.loop_id
                # A loop's own trigger again means its next occurrence: the enclosing
                # level decides (and reports a loop over its max), not this one.
                if exhausted is None and not (depth > 0 and j == 0):
                    exhausted = (depth, j)
        if exhausted is not None:
            depth, j = exhausted
            ctx = stack[depth]
            _seg, _req, max_use, _sub, loop = ctx.body.entries[j]
            if loop is not None:
                code = "4"
                message = f"loop {loop.id} occurs more than {max_use} times"
                fix = f"split the document: at most {max_use} {loop.id} loops"
            else:
                code = "5"
                message = f"{seg_id} appears more than {max_use} times here (at most {max_use})"
                fix = f"send at most {max_use} {seg_id} segments"
            self.problems.append(
                Problem(
                    level="segment",
                    code=code,
                    message=message,
                    segment_id=seg_id,
                    segment_position=position,
                    loop=ctx.loop_id if loop is None else loop.id,
                    field=f"{seg_id} {self._name(seg_id)}",
                    fix=fix,
                    raw=raw,
                )
            )
            landed = self._enter(depth, j, position, raw)
            return False, landed.loop_id
        loop_id = stack[-1].loop_id
        if seg_id in self.ids:
            code, message = "7", f"{seg_id} is out of order here"
            fix = f"move {seg_id} to its place in the {self.spec.id}"
        elif _ID.match(seg_id) and seg_id in known_segment_ids():
            code, message = "2", f"{seg_id} is not part of a {self.spec.id} {self.spec.name}"
            fix = f"remove {seg_id}"
        else:
            code, message = "1", f"'{seg_id}' is not a segment ID we know"
            fix = "check the segment terminator and the segment ID"
        self.problems.append(
            Problem(
                level="segment",
                code=code,
                message=message,
                segment_id=seg_id,
                segment_position=position,
                loop=loop_id,
                field=seg_id,
                fix=fix,
                raw=raw,
            )
        )
        return False, loop_id

    def finish(self, position: int, raw: str = "") -> None:
        self._pop_to(0, position, raw)
        ctx = self.stack[0]
        # SE is the last entry and its absence is the set's AK502 2, not a segment error.
        last = len(ctx.counts) - 1
        if ctx.body.entries and ctx.body.entries[-1][0] == "SE":
            last -= 1
        self._missing(ctx, ctx.idx + 1, last + 1, position, raw)


# --- elements -----------------------------------------------------------------------------


def _suggest(el: Element, value: str) -> str:
    codes = el.codes or frozenset()
    hint = suggest_code(el.ref, value)
    if hint and (not codes or hint in codes or " " in hint):
        return hint if " " in hint else f"did you mean {hint}?"
    upper = value.strip().upper()
    if upper in codes:
        return f"did you mean {upper}?"
    close = difflib.get_close_matches(upper, sorted(codes), n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]}?"
    if len(codes) <= 8:
        return "use one of " + ", ".join(sorted(codes))
    return f"send a valid {el.name} (see the partner's guide)"


def check_value(el: Element, value: str) -> tuple[str, str, str] | None:
    """(AK403 code, what is wrong, fix) for a non-empty simple value, None when valid."""
    if _CTRL.search(value):
        return "6", "contains an invalid (control) character", "remove the control character"
    t = el.type
    if el.codes is not None and value not in el.codes:
        noun = _NOUNS.get(el.ref, el.name[:1].lower() + el.name[1:])
        return "7", f"is not a {noun}", _suggest(el, value)
    if t == "DT":
        if parse_date(value) is None or not el.min <= len(value) <= max(el.max, el.min):
            shape = "CCYYMMDD" if el.max >= 8 else "YYMMDD"
            return "8", f"is not a date ({shape})", f"send the date as {shape}"
        return None
    if t == "TM":
        if parse_time(value) is None or not el.min <= len(value) <= max(el.max, el.min):
            return "9", "is not a time (HHMM[SS])", "send the time as HHMM or HHMMSS"
        return None
    if t == "R" or (t[:1] == "N" and t[1:].isdigit()):
        ok = _REAL.match(value) if t == "R" else _NUMERIC.match(value)
        if not ok:
            kind = "a decimal number" if t == "R" else "a whole number"
            if t not in ("R", "N0", "N"):
                kind += f" (with {t[1:]} implied decimals, no point)"
            return "6", f"is not {kind}", "send digits only" if t != "R" else "send e.g. 12.5"
        length = digit_count(value)
    else:
        length = len(value)
    if length < el.min:
        return "4", f"is too short ({length}; at least {el.min})", f"send {el.min} or more"
    if length > el.max:
        return "5", f"is too long ({length}; at most {el.max})", f"send at most {el.max}"
    return None


def _element_problem(
    seg_id: str,
    position: int,
    loop: str,
    raw: str,
    n: int,
    el: Element,
    code: str,
    what: str,
    fix: str,
    value: str,
    component: int | None = None,
    repetition: int | None = None,
) -> Problem:
    ref = f"{seg_id}-{n:02d}" + (f"-{component:02d}" if component else "")
    shown = f" '{value}'" if value else ""
    return Problem(
        level="element",
        code=code,
        message=f"{ref}{shown} {what}",
        segment_id=seg_id,
        segment_position=position,
        loop=loop,
        element=n,
        component=component,
        value=value,
        field=f"{ref} {el.name}",
        fix=fix,
        raw=raw,
        element_ref=el.ref,
        repetition=repetition,
    )


def element_problems(
    text: str, sd: SegmentDef, d: Delimiters, position: int, loop: str
) -> list[Problem]:
    """Every AK403 error in one segment's text (no terminator)."""
    out: list[Problem] = []
    parts = text.split(d.element)
    seg_id, values = parts[0], parts[1:]
    defs = sd.elements
    if len(values) > len(defs):
        extra = next((i for i in range(len(defs), len(values)) if values[i]), None)
        if extra is not None:
            out.append(
                Problem(
                    level="element",
                    code="3",
                    message=(
                        f"{seg_id} has {len(values)} elements; a {seg_id} has at most {len(defs)}"
                    ),
                    segment_id=seg_id,
                    segment_position=position,
                    loop=loop,
                    element=extra + 1,
                    value=values[extra],
                    field=f"{seg_id}-{extra + 1:02d}",
                    fix=f"remove the elements after {seg_id}-{len(defs):02d}",
                    raw=text,
                )
            )
    repsep = d.repetition if d.has_repetition else ""
    for n, el in enumerate(defs, start=1):
        value = values[n - 1] if n <= len(values) else ""
        if not value:
            if el.req == "M":
                out.append(
                    _element_problem(
                        seg_id,
                        position,
                        loop,
                        text,
                        n,
                        el,
                        "1",
                        "is required but empty",
                        f"send {el.name}",
                        "",
                    )
                )
            continue
        reps = value.split(repsep) if repsep and el.repeat != 1 else [value]
        if el.repeat not in (1, UNBOUNDED) and len(reps) > el.repeat:
            out.append(
                _element_problem(
                    seg_id,
                    position,
                    loop,
                    text,
                    n,
                    el,
                    "12",
                    f"repeats {len(reps)} times (at most {el.repeat})",
                    f"send at most {el.repeat} repetitions",
                    value,
                )
            )
            reps = reps[: el.repeat]
        for r, rep in enumerate(reps, start=1):
            rnum = r if len(reps) > 1 else None
            if not el.components:
                bad = check_value(el, rep)
                if bad:
                    out.append(
                        _element_problem(
                            seg_id, position, loop, text, n, el, *bad, rep, repetition=rnum
                        )
                    )
                continue
            comps = rep.split(d.component)
            if len(comps) > len(el.components) and any(comps[len(el.components) :]):
                out.append(
                    _element_problem(
                        seg_id,
                        position,
                        loop,
                        text,
                        n,
                        el,
                        "13",
                        f"has {len(comps)} components (at most {len(el.components)})",
                        "remove the extra components",
                        rep,
                        repetition=rnum,
                    )
                )
            for k, comp in enumerate(el.components, start=1):
                cv = comps[k - 1] if k <= len(comps) else ""
                if not cv:
                    if comp.req == "M":
                        out.append(
                            _element_problem(
                                seg_id,
                                position,
                                loop,
                                text,
                                n,
                                comp,
                                "1",
                                "is required but empty",
                                f"send {comp.name}",
                                "",
                                k,
                                rnum,
                            )
                        )
                    continue
                bad = check_value(comp, cv)
                if bad:
                    out.append(
                        _element_problem(seg_id, position, loop, text, n, comp, *bad, cv, k, rnum)
                    )
    return out


# --- a whole set ----------------------------------------------------------------------------


def validate_set(pieces: list[str], spec: SetSpec, d: Delimiters, *, has_se: bool) -> list[Problem]:
    """AK304/AK403 problems of one set's segments (ST first), in segment order."""
    walker = Walker(spec)
    problems = walker.problems
    defs = spec.segments
    e = d.element
    for position, text in enumerate(pieces, start=1):
        seg_id = text.split(e, 1)[0]
        _placed, loop = walker.feed(seg_id, position, text)
        sd = defs.get(seg_id)
        if sd is None:
            continue
        if segment_regex(sd, d).fullmatch(text) is None:
            problems.extend(element_problems(text, sd, d, position, loop))
    if not has_se:
        walker.finish(len(pieces), "")
    else:
        walker.finish(len(pieces), pieces[-1] if pieces else "")
    problems.sort(key=lambda p: p.segment_position or 0)
    return problems


_DEFS: dict[int, tuple[SetSpec | None, Mapping[str, SegmentDef], Mapping[str, SegmentDef]]] = {}


def _definitions(spec: SetSpec | None) -> Mapping[str, SegmentDef]:
    """The set's segment definitions with the envelope's (TA1, GS …) behind them."""
    env = envelope()
    hit = _DEFS.get(id(spec))
    if hit is None or hit[0] is not spec or hit[1] is not env:
        merged = {**env, **(spec.segments if spec is not None else {})}
        hit = (spec, env, merged)
        _DEFS[id(spec)] = hit
    return hit[2]


def make_segments(pieces: list[str], spec: SetSpec | None, d: Delimiters) -> list[Segment]:
    get = _definitions(spec).get
    e = d.element
    new = tuple.__new__
    return [
        new(Segment, ((p := text.split(e))[0], p[1:], n, text, get(p[0]), d))
        for n, text in enumerate(pieces, 1)
    ]


def loop_tree(segments: list[Segment], spec: SetSpec | None) -> LoopNode:
    """The set's loops as nodes; a segment the grammar cannot place stays where it was."""
    if spec is None:
        root = LoopNode(segments[0].elements[0] if segments and segments[0].elements else "")
        root.segments.extend(segments)
        return root
    walker = Walker(spec, tree=True)
    assert walker.root is not None
    for seg in segments:
        walker.feed(seg.id, seg.position, seg.raw)
        for ctx in walker.stack:
            if ctx.node is not None:
                ctx.node.segments.append(seg)
    return walker.root

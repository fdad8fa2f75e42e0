"""One interchange's envelopes: GS/GE, ST/SE, TA1, IEA, their control numbers and counts.

Only envelope segments are looked at here, found by one regular expression over the
interchange's text; a set's body is handed whole to its grammar (patterns.py for the fast
check, validate.py when that fails). That keeps the per-segment work out of Python for the
common case of a valid file.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from .acks import ack_blockers
from .model import Delimiters, Group, Interchange, Problem, Segment, TransactionSet
from .patterns import set_regex
from .registry import base_version, envelope, grammar
from .sets import group_ack, make_set
from .split import isa_datetime
from .values import parse_date, parse_time

_WS = " \t\r\n"
_ENVELOPE_IDS = ("GS", "GE", "ST", "SE", "TA1", "IEA", "ISA")


@lru_cache(maxsize=64)
def _env_re(term: str, element: str) -> re.Pattern[str]:
    lead = "\\n" if term == "\n" else f"{re.escape(term)}\\n"
    # No line break in the run after the lead character: a line break is a lead itself, and
    # a run of them must not be rescanned from each one (quadratic on a file of blank lines).
    ws = "".join(re.escape(c) for c in " \t\r" if c not in (term, element))
    stop = f"{re.escape(element)}{re.escape(term)}\\r\\n"
    ids = "|".join(_ENVELOPE_IDS)
    run = f"[{ws}]*+" if ws else ""
    return re.compile(f"[{lead}]{run}({ids})(?=[{stop}]|\\Z)")


@lru_cache(maxsize=64)
def _ws_re(chars: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(chars)}]*" if chars else "")


def _ix(code: str, message: str, *, severity: str = "error", **kw: object) -> Problem:
    return Problem(level="interchange", code=code, message=message, severity=severity, **kw)  # type: ignore[arg-type]


def _gx(code: str, message: str, *, severity: str = "error", **kw: object) -> Problem:
    return Problem(level="group", code=code, message=message, severity=severity, **kw)  # type: ignore[arg-type]


def _sx(code: str, message: str, *, severity: str = "error", **kw: object) -> Problem:
    return Problem(level="set", code=code, message=message, severity=severity, **kw)  # type: ignore[arg-type]


def _isa_checks(el: list[str], problems: list[Problem], warnings: list[Problem]) -> None:
    """ISA element values; the fixed widths are only warned about (a short ISA is read)."""

    def get(n: int) -> str:
        return el[n - 1] if len(el) >= n else ""

    def err(code: str, n: int, what: str, fix: str) -> None:
        problems.append(
            _ix(
                code,
                f"ISA-{n:02d} '{get(n)}' {what}",
                segment_id="ISA",
                element=n,
                value=get(n),
                field=f"ISA-{n:02d}",
                fix=fix,
            )
        )

    if len(el) != 16:
        problems.append(_ix("022", f"the ISA has {len(el)} elements, not 16", segment_id="ISA"))
    for n, code in ((5, "005"), (7, "007")):
        if not get(n).strip():
            err(code, n, "is not an interchange ID qualifier", "send e.g. ZZ, 01, 12")
    for n, code in ((6, "006"), (8, "008")):
        if not get(n).strip():
            err(code, n, "is not an interchange ID", "send the ID, padded to 15 characters")
    for n, width in ((2, 10), (4, 10), (6, 15), (8, 15)):
        if len(get(n)) != width:
            warnings.append(
                _ix(
                    "022",
                    f"ISA-{n:02d} is {len(get(n))} characters long, not {width}",
                    severity="warning",
                    segment_id="ISA",
                    element=n,
                    value=get(n),
                    fix=f"pad ISA-{n:02d} with spaces to {width} characters",
                )
            )
    if len(get(9)) != 6 or parse_date(get(9)) is None:
        err("014", 9, "is not a date (YYMMDD)", "send the interchange date as YYMMDD")
    if len(get(10)) != 4 or parse_time(get(10)) is None:
        err("015", 10, "is not a time (HHMM)", "send the interchange time as HHMM")
    version = get(12)
    if not (len(version) == 5 and version.isdigit() and "00200" <= version <= "00801"):
        warnings.append(
            _ix(
                "017",
                f"ISA-12 '{version}' is not an interchange control version (00200–00801); "
                "read by GS08",
                severity="warning",
                segment_id="ISA",
                element=12,
                value=version,
                field="ISA-12 Interchange Control Version Number",
                fix="send 00401 or 00501",
            )
        )
    control = get(13)
    if not control.isdigit():
        err("018", 13, "is not an interchange control number", "send nine digits")
    elif len(control) != 9:
        warnings.append(
            _ix(
                "018",
                f"ISA-13 '{control}' is not nine digits",
                severity="warning",
                segment_id="ISA",
                element=13,
                value=control,
            )
        )
    if get(14) not in ("0", "1"):
        err("019", 14, "is not an acknowledgment-requested flag", "send 0 or 1")
    if get(15) not in ("P", "T", "I"):
        err("020", 15, "is not a usage indicator", "send P (production) or T (test)")


class _Builder:
    """Walks the envelope segments of one interchange's text."""

    def __init__(self, text: str, end: int, d: Delimiters, ic: Interchange) -> None:
        self.text = text
        self.end = end
        self.d = d
        self.ic = ic
        self.env = envelope()
        self.group: Group | None = None
        self.group_sets = 0
        self.group_st02: set[str] = set()
        self.group_gs06: set[str] = set()
        self.strip = "".join(c for c in _WS if c not in (d.element, d.component))
        self.ws_re = _ws_re(self.strip)
        self.se_lit = "SE" + d.element
        self.regexes: dict[str, re.Pattern[str] | None] = {}

    def _segment(self, start: int) -> tuple[str, int]:
        """The segment text at `start` (stripped, no terminator) and where the next begins."""
        text, term = self.text, self.d.segment
        te = text.find(term, start, self.end)
        if te == -1:
            te = self.end
            nxt = te
        else:
            nxt = te + 1
        if term != "\n":
            nl = text.find("\n", start, te)
            if nl != -1:
                te = nxt = nl
                self.ic.warnings.append(
                    _ix(
                        "004",
                        f"a segment has no terminator before the line break: "
                        f"{text[start:nl].strip()[:60]}",
                        severity="warning",
                        raw=text[start:nl].strip(),
                    )
                )
        return text[start:te].strip(self.strip), nxt

    def run(self, body_start: int, end_problem: Problem | None) -> None:
        """Segment by segment outside sets; a set is jumped over in one step (its SE found
        by a string search and the whole set checked by its grammar's expression)."""
        text, ic = self.text, self.ic
        n = self.end
        e = self.d.element
        ws = self.ws_re
        pos = body_start
        iea_seen = False
        while True:
            pos = ws.match(text, pos, n).end()  # type: ignore[union-attr]
            if pos >= n:
                break
            seg_text, nxt = self._segment(pos)
            if not seg_text:
                pos = nxt  # an empty segment (a doubled terminator): nothing to read
                continue
            sid = seg_text.split(e, 1)[0]
            if sid == "ST":
                if self.group is None:
                    ic.problems.append(
                        _ix(
                            "024",
                            "a transaction set (ST) outside a functional group (GS)",
                            segment_id="ST",
                            raw=seg_text,
                            fix="put every ST..SE inside GS..GE",
                        )
                    )
                    pos = self._next_envelope(nxt, skip_set=True)
                    continue
                pos = self._set(pos, seg_text, nxt)
                continue
            elements = seg_text.split(e)[1:]
            if sid == "GS":
                self._close_group(None, seg_text)
                self._open_group(elements, seg_text)
            elif sid == "GE":
                if self.group is None:
                    ic.problems.append(
                        _ix("024", "a GE without its GS", segment_id="GE", raw=seg_text)
                    )
                else:
                    self._close_group(elements, seg_text)
            elif sid == "TA1":
                ic.ta1s.append(
                    Segment(
                        "TA1", elements, len(ic.ta1s) + 1, seg_text, self.env.get("TA1"), self.d
                    )
                )
            elif sid == "IEA":
                self._close_group(None, seg_text)
                self._iea(elements, seg_text)
                iea_seen = True
            else:
                junk_end = self._next_envelope(pos, skip_set=False)
                junk = text[pos:junk_end].strip(self.strip + self.d.segment)
                ic.problems.append(
                    _ix(
                        "024",
                        f"segments outside any transaction set: {junk[:60]}",
                        segment_id=sid[:3],
                        raw=junk[:200],
                        fix="every segment belongs between ST and SE",
                    )
                )
                pos = max(junk_end, nxt)
                continue
            pos = nxt
        if not iea_seen:
            self._close_group(None, "")
            if end_problem is None:
                end_problem = _ix("023", "the interchange has no IEA", segment_id="IEA")
        if end_problem is not None:
            ic.problems.append(end_problem)

    def _next_envelope(self, pos: int, *, skip_set: bool) -> int:
        """Where the next envelope segment starts (after an SE when `skip_set`)."""
        rx = _env_re(self.d.segment, self.d.element)
        for m in rx.finditer(self.text, max(pos - 1, 0), self.end):
            if m.start(1) <= pos:
                continue
            if skip_set and m.group(1) == "SE":
                return self._segment(m.start(1))[1]
            return m.start(1)
        return self.end

    def _find_se(self, pos: int) -> int:
        """The next "SE*" that starts a segment (a string search, then a look back)."""
        text, lit, term = self.text, self.se_lit, self.d.segment
        while True:
            i = text.find(lit, pos, self.end)
            if i <= 0:
                return -1
            j = i - 1
            while j > 0 and text[j] in " \t\r" and text[j] != term:
                j -= 1
            if text[j] == term or text[j] == "\n":
                return i
            pos = i + 1

    def _set(self, start: int, st_text: str, st_next: int) -> int:
        """Read one ST..SE starting at `start`; returns where the next segment may start."""
        e = self.d.element
        group = self.group
        assert group is not None
        st = st_text.split(e)[1:]
        se_at = self._find_se(st_next)
        if se_at != -1:
            se_text, se_next = self._segment(se_at)
            set_id = st[0] if st else ""
            regex = self.regexes.get(set_id)
            if regex is None and set_id not in self.regexes:
                spec = grammar(set_id)
                regex = self.regexes[set_id] = set_regex(spec, self.d) if spec else None
            ts = make_set(
                self.text,
                start,
                se_next,
                st,
                se_text.split(e)[1:],
                self.d,
                group,
                regex=regex,
                fast_only=True,
            )
            if ts is not None:
                self._add_set(ts, st_text)
                return se_next
        rx = _env_re(self.d.segment, self.d.element)
        m = rx.search(self.text, st_next - 1, self.end)
        # A TA1 inside a set is the set's (its grammar rejects it), not the set's end.
        while m is not None and (m.start(1) < st_next or m.group(1) == "TA1"):
            m = rx.search(self.text, m.end(), self.end)
        if m is not None and m.group(1) == "SE":
            se_text, se_next = self._segment(m.start(1))
            ts = make_set(
                self.text,
                start,
                se_next,
                st,
                se_text.split(e)[1:],
                self.d,
                self.group,  # type: ignore[arg-type]
            )
            end = se_next
        else:
            end = m.start(1) if m is not None else self.end
            ts = make_set(self.text, start, end, st, None, self.d, group)
        assert ts is not None
        self._add_set(ts, st_text)
        return end

    def _open_group(self, el: list[str], raw: str) -> None:
        def get(n: int) -> str:
            return el[n - 1] if len(el) >= n else ""

        gdate = parse_date(get(4))
        gtime = parse_time(get(5)) if get(5) else None
        when = dt.datetime.combine(gdate, gtime or dt.time()) if gdate is not None else None
        group = Group(
            functional_id=get(1),
            sender_id=get(2),
            receiver_id=get(3),
            control_number=get(6),
            version=get(8),
            date=when,
            gs=Segment("GS", el, 0, raw, self.env.get("GS"), self.d),
        )
        if not get(6).isdigit():
            group.problems.append(
                _gx(
                    "6",
                    f"GS-06 '{get(6)}' is not a group control number",
                    segment_id="GS",
                    element=6,
                    value=get(6),
                    raw=raw,
                    fix="send a number of up to nine digits",
                )
            )
        elif get(6) in self.group_gs06:
            group.problems.append(
                _gx(
                    "19",
                    f"group control number {get(6)} is used twice in interchange "
                    f"{self.ic.control_number}",
                    segment_id="GS",
                    element=6,
                    value=get(6),
                    raw=raw,
                    field="GS-06 Group Control Number",
                    fix="give every group in an interchange its own GS06",
                )
            )
        self.group_gs06.add(get(6))
        if not base_version(get(8)) or not "002000" <= get(8)[:6] <= "008010":
            group.problems.append(
                _gx(
                    "2",
                    f"GS-08 '{get(8)}' is not a version we read (002000–008010)",
                    segment_id="GS",
                    element=8,
                    value=get(8),
                    raw=raw,
                    fix="send 004010 or 005010",
                )
            )
        self.group = group
        self.group_sets = 0
        self.group_st02 = set()

    def _close_group(self, ge: list[str] | None, raw: str) -> None:
        group = self.group
        if group is None:
            return
        self.group = None
        self.ic.groups.append(group)
        if ge is None:
            group.problems.append(
                _gx(
                    "3",
                    f"group {group.control_number} has no GE",
                    segment_id="GE",
                    fix="end every group with GE",
                )
            )
        else:
            count = ge[0] if ge else ""
            if count != str(self.group_sets) and (
                not count.isdigit() or int(count) != self.group_sets
            ):
                group.problems.append(
                    _gx(
                        "5",
                        f"GE-01 says {count or 'nothing'} sets, the group has {self.group_sets}",
                        segment_id="GE",
                        element=1,
                        value=count,
                        raw=raw,
                        field="GE-01 Number of Transaction Sets Included",
                        fix=f"GE-01 must be {self.group_sets}",
                    )
                )
            control = ge[1] if len(ge) > 1 else ""
            if control != group.control_number:
                group.problems.append(
                    _gx(
                        "4",
                        f"GE-02 '{control}' does not match GS-06 '{group.control_number}'",
                        segment_id="GE",
                        element=2,
                        value=control,
                        raw=raw,
                        field="GE-02 Group Control Number",
                        fix=f"GE-02 must be {group.control_number}",
                    )
                )
        group.ack_code = group_ack(group)
        gs_def = self.env.get("GS")
        codes = gs_def.elements[0].codes if gs_def is not None and gs_def.elements else None
        for why in ack_blockers(group, codes):
            self.ic.problems.append(
                _ix(
                    "024",
                    f"group {group.control_number or '(none)'} cannot be acknowledged: {why}",
                    segment_id="GS" if why.startswith("GS") else "ST",
                    fix="send valid GS01/GS06 and ST01/ST02",
                )
            )

    def _add_set(self, ts: TransactionSet, st_raw: str) -> None:
        group = self.group
        assert group is not None
        self.group_sets += 1
        control = ts.control_number
        if control in self.group_st02:
            ts.problems.insert(
                0,
                _sx(
                    "23",
                    f"set control number {control} is used twice in group {group.control_number}",
                    segment_id="ST",
                    segment_position=1,
                    element=2,
                    value=control,
                    raw=st_raw,
                    field="ST-02 Transaction Set Control Number",
                    fix="give every set in a group its own ST02",
                ),
            )
            ts.ack_code = "R"
        self.group_st02.add(control)
        group.sets.append(ts)

    def _iea(self, el: list[str], raw: str) -> None:
        ic = self.ic
        count = el[0] if el else ""
        if not count.isdigit() or int(count) != len(ic.groups):
            ic.problems.append(
                _ix(
                    "021",
                    f"IEA-01 says {count or 'nothing'} groups, the interchange has "
                    f"{len(ic.groups)}",
                    segment_id="IEA",
                    element=1,
                    value=count,
                    raw=raw,
                    field="IEA-01 Number of Included Functional Groups",
                    fix=f"IEA-01 must be {len(ic.groups)}",
                )
            )
        control = el[1] if len(el) > 1 else ""
        if control != ic.control_number:
            ic.problems.append(
                _ix(
                    "001",
                    f"IEA-02 '{control}' does not match ISA-13 '{ic.control_number}'",
                    segment_id="IEA",
                    element=2,
                    value=control,
                    raw=raw,
                    field="IEA-02 Interchange Control Number",
                    fix=f"IEA-02 must be {ic.control_number}",
                )
            )


def parse_interchange(
    text: str,
    start: int,
    end: int,
    *,
    elements: list[str],
    delimiters: Delimiters,
    body_start: int,
    warnings: list[Problem],
    end_problem: Problem | None,
    offset: int = 0,
) -> Interchange:
    def get(n: int) -> str:
        return elements[n - 1] if len(elements) >= n else ""

    isa_raw = text[start:body_start].strip(_WS + delimiters.segment)
    if isa_raw.endswith(delimiters.segment):
        isa_raw = isa_raw[:-1]
    ic = Interchange(
        sender_qualifier=get(5).strip(),
        sender_id=get(6).strip(),
        receiver_qualifier=get(7).strip(),
        receiver_id=get(8).strip(),
        control_number=get(13),
        version=get(12),
        test_indicator=get(15),
        ack_requested=get(14) == "1",
        date=isa_datetime(get(9), get(10)),
        delimiters=delimiters,
        warnings=list(warnings),
        source=text,
        span=(start, end),
        isa=Segment("ISA", list(elements), 0, isa_raw, envelope().get("ISA"), delimiters),
        offset=offset,
    )
    _isa_checks(elements, ic.problems, ic.warnings)
    _Builder(text, end, delimiters, ic).run(body_start, end_problem)
    return ic

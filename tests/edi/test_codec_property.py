"""Property and fuzz tests: sets generated from each of our grammars survive write → read →
write unchanged; no input (random bytes, mutated real samples) makes the codec raise or hang,
and reading a file in chunks gives what reading it whole gives."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orderdesk.edi import codec
from orderdesk.edi.codec import reader
from orderdesk.edi.codec.grammars import SETS
from orderdesk.edi.codec.patterns import set_regex
from orderdesk.edi.codec.spec import UNBOUNDED, Element, Loop, SegmentDef, SetSpec, Use
from orderdesk.edi.codec.validate import validate_set

from .world import SAMPLES, sample_names

TEXT = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-/"
WHEN = dt.datetime(2026, 11, 20, 12, 0)
FUZZ = settings(
    max_examples=150,
    deadline=2000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _digits(draw: st.DrawFn, lo: int, hi: int) -> str:
    n = draw(st.integers(max(lo, 1), max(min(hi, 9), max(lo, 1))))
    return "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=n, max_size=n)))


@st.composite
def simple_value(draw: st.DrawFn, el: Element) -> str:
    t = el.type
    if el.codes:
        return draw(st.sampled_from(sorted(el.codes)))
    if t == "DT":
        day = draw(st.dates(dt.date(1990, 1, 1), dt.date(2060, 12, 31)))
        return day.strftime("%Y%m%d") if el.max >= 8 else day.strftime("%y%m%d")
    if t == "TM":
        at = draw(st.times())
        return at.strftime("%H%M%S") if el.min >= 6 else at.strftime("%H%M")
    if t[:1] == "N" and t[1:].isdigit():
        return draw(st.sampled_from(["", "-"])) + _digits(draw, el.min, el.max)
    if t == "R":
        digits = _digits(draw, el.min, el.max)
        point = draw(st.integers(0, len(digits)))
        return digits if point in (0, len(digits)) else f"{digits[:point]}.{digits[point:]}"
    lo, hi = max(el.min, 1), max(min(el.max, 12), max(el.min, 1))
    if lo > 12:
        return "X" * lo
    word = draw(st.text(TEXT, min_size=lo, max_size=hi))
    if word != word.strip():
        word = ("X" * len(word)) if not word.strip() else word.strip().ljust(lo, "X")
    return word


@st.composite
def element_value(draw: st.DrawFn, el: Element) -> Any:
    if el.components:
        comps: list[str] = []
        for comp in el.components:
            if comp.req == "M" or draw(st.booleans()):
                comps.append(draw(simple_value(comp)))
            else:
                comps.append("")
        while comps and not comps[-1]:
            comps.pop()
        if not comps:
            comps = [draw(simple_value(el.components[0]))]
        return tuple(comps) if len(comps) > 1 else comps[0]
    return draw(simple_value(el))


@st.composite
def segment(draw: st.DrawFn, sd: SegmentDef) -> tuple[Any, ...]:
    values: list[Any] = [sd.id]
    for el in sd.elements:
        if el.req == "M" or draw(st.integers(0, 3)) == 3:
            values.append(draw(element_value(el)))
        else:
            values.append(None)
    while len(values) > 1 and values[-1] is None:
        values.pop()
    return tuple(values)


def _count(draw: st.DrawFn, req: str, max_use: int) -> int:
    """How often a use or loop occurs: mandatory ones once or twice, optional ones mostly
    not (a grammar has dozens), up to twice when they may repeat."""
    cap = 2 if max_use == UNBOUNDED or max_use > 2 else max_use
    if req == "M":
        return draw(st.integers(1, cap))
    return draw(st.integers(1, cap)) if draw(st.integers(0, 3)) == 3 else 0


@st.composite
def body(
    draw: st.DrawFn, entries: tuple[Use | Loop, ...], spec: SetSpec, depth: int = 0
) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for entry in entries:
        if isinstance(entry, Use):
            if entry.segment in ("ST", "SE"):
                continue
            for _ in range(_count(draw, entry.req, entry.max_use)):
                out.append(draw(segment(spec.segments[entry.segment])))
        else:
            times = _count(draw, entry.req, entry.max_use) if depth < 3 else int(entry.req == "M")
            for _ in range(times):
                first = entry.body[0]
                assert isinstance(first, Use)
                out.append(draw(segment(spec.segments[first.segment])))
                out.extend(draw(body(entry.body[1:], spec, depth + 1)))
    return out


def _out(set_id: str, segments: list[tuple[Any, ...]]) -> codec.OutInterchange:
    spec = SETS[set_id]
    return codec.OutInterchange(
        "ZZ",
        "ORDERDESK",
        "ZZ",
        "PARTNER",
        1,
        WHEN,
        groups=[
            codec.OutGroup(
                spec.functional_id,
                "ORDERDESK",
                "PARTNER",
                1,
                sets=[codec.OutSet(set_id, 1, segments)],
            )
        ],
    )


@pytest.mark.parametrize("set_id", sorted(SETS))
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_sets_round_trip(set_id: str, data: st.DataObject) -> None:
    spec = SETS[set_id]
    segments = data.draw(body(spec.body, spec))
    text = codec.write(_out(set_id, segments))
    (ic,) = codec.read(text)
    assert ic.problems == [] and ic.warnings == []
    (ts,) = ic.sets
    assert ts.ack_code == "A", ts.problems
    d = ic.delimiters
    expected = [
        [d.component.join(v) if isinstance(v, tuple) else (v or "") for v in seg[1:]]
        for seg in segments
    ]
    assert [s.elements for s in ts.segments[1:-1]] == expected
    assert codec.write(codec.to_out(ic)) == text


# --- fuzz ---------------------------------------------------------------------------------

ISA_HEAD = (
    b"ISA*00*          *00*          *ZZ*A              *ZZ*B              *261120*1200*U*00401*"
    b"000000001*0*P*>~"
)


def _exercise(data: bytes | str) -> list[codec.Interchange]:
    """Everything a consumer does with what it read; only our own WriteError may come out."""
    ics = list(codec.read(data))
    assert ics, "every input reads as at least one interchange or problem"
    for ic in ics:
        assert isinstance(ic.raw, str)
        ic.all_problems()
        for p in ic.all_problems():
            p.as_dict()
        for g in ic.groups:
            ack = codec.ack_997(g)
            if not ic.accepted:
                continue  # answered with a TA1, not a 997
            # our 997 for whatever came in must itself be valid X12 (write refuses otherwise)
            codec.write(
                codec.OutInterchange(
                    "ZZ",
                    "A",
                    "ZZ",
                    "B",
                    1,
                    WHEN,
                    groups=[codec.OutGroup("FA", "A", "B", 1, sets=[ack])],
                )
            )
            for ts in g.sets:
                assert isinstance(ts.raw, str)
                for seg in ts.segments:
                    for n in range(1, len(seg.elements) + 1):
                        seg.value(n)
                list(ts.loops("PO1"))
        if ic.isa is not None:
            codec.ta1(ic, code="000", ack="A")
        with contextlib.suppress(codec.WriteError):
            codec.write(codec.to_out(ic))
    return ics


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes(data: bytes) -> None:
    _exercise(data)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_after_an_isa(data: bytes) -> None:
    _exercise(ISA_HEAD + data)
    _exercise(ISA_HEAD + b"GS*PO*A*B*20261120*1200*1*X*004010~ST*850*0001~" + data)


NOISE = "*~>^|:\n\r \t-ISAGEST0123456789\x00\ufeff"


@st.composite
def mutated_sample(draw: st.DrawFn) -> str:
    names = sample_names()
    if not names:
        pytest.skip("X12 samples not found")
    text = (SAMPLES / draw(st.sampled_from(names))).read_bytes().decode("utf-8", "replace")
    for _ in range(draw(st.integers(1, 6))):
        if not text:
            break
        at = draw(st.integers(0, len(text) - 1))
        kind = draw(st.sampled_from(["replace", "delete", "insert", "duplicate", "truncate"]))
        if kind == "replace":
            text = text[:at] + draw(st.sampled_from(NOISE)) + text[at + 1 :]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif kind == "insert":
            text = text[:at] + draw(st.text(NOISE, max_size=8)) + text[at:]
        elif kind == "duplicate":
            text = text[:at] + text[at : at + draw(st.integers(1, 200))] + text[at:]
        else:
            text = text[:at]
    return text


@FUZZ
@given(mutated_sample())
def test_mutated_samples(text: str) -> None:
    _exercise(text)


@FUZZ
@given(mutated_sample(), st.integers(1, 300))
def test_chunked_reading_equals_whole_reading(
    tmp_path_factory: pytest.TempPathFactory, text: str, chunk: int
) -> None:
    path = Path(tmp_path_factory.mktemp("chunks")) / "in.x12"
    data = text.encode("utf-8")
    path.write_bytes(data)
    old = reader.CHUNK
    reader.CHUNK = chunk
    try:
        by_file = list(codec.read_file(path))
    finally:
        reader.CHUNK = old
    whole = list(codec.read(data))

    def shape(ics: list[codec.Interchange]) -> list[Any]:
        return [
            (
                ic.control_number,
                ic.raw,
                [(p.code, p.message) for p in ic.all_problems()],
                [p.code for p in ic.warnings],
                [s.raw for s in ic.sets],
            )
            for ic in ics
        ]

    assert shape(by_file) == shape(whole)


#: What "hangs" means here: a quadratic scan of these inputs takes minutes to hours.
HANG_SECONDS = 120

HOSTILE = {
    "blank lines": "\n" * 300_000,
    "carriage returns": "\r" * 300_000,
    "doubled terminators": "~" * 300_000,
    "separators": "*" * 1_000_000,
    "components": "PO1*1*1*EA" + ">" * 300_000 + "~",
    "SE inside data": "N1*SE*" * 100_000,
    "IEA inside data": "N1*IEA*" * 100_000,
    "SE after blank lines": "\n\n\nSE*" * 50_000,
    "ISA inside data": "ISA*" * 50_000,
    "loop over its max": "N1*ST*X~" * 20_000,
    "lines after the summary": "PO1*1*1*EA~CTT*1~" * 20_000,
}


@pytest.mark.parametrize("where", ["in a set", "between ISA and GS"])
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_finishes_fast(name: str, where: str) -> None:
    """Long runs that could make a scan quadratic (a file of blank lines once took 491 s):
    errors only, and no hang. The limit is a hang guard, far above the linear time (under a
    second alone, some seconds on a loaded CI machine); speed itself is measured in bench/."""
    isa = ISA_HEAD.decode()
    group = "GS*PO*A*B*20261120*1200*1*X*004010~"
    if where == "in a set":
        text = f"{isa}{group}ST*850*0001~BEG*00*XX*1**20261120~{HOSTILE[name]}"
    else:
        text = f"{isa}{HOSTILE[name]}{group}ST*850*0001~BEG*00*SA*1**20261120~"
    text += "PO1*1*1*EA~SE*4*0001~GE*1*1~IEA*1*000000001~"
    started = dt.datetime.now()
    ics = _exercise(text)
    if where == "in a set":  # BEG-02 'XX' is no order type: the set is rejected, whatever else
        assert any(not ic.accepted or any(not s.accepted for s in ic.sets) for ic in ics)
    assert (dt.datetime.now() - started).total_seconds() < HANG_SECONDS


@pytest.mark.parametrize("set_id", sorted(SETS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_expression_and_walk_agree_on_our_grammars(set_id: str, data: st.DataObject) -> None:
    """The compiled expression accepts a set exactly when the walk finds nothing wrong, also
    for sets spoiled by a dropped, doubled or moved segment."""
    spec = SETS[set_id]
    d = codec.Delimiters(line_break="\n")
    segments = data.draw(body(spec.body, spec))
    pieces = codec.write(_out(set_id, segments)).split("~\n")[2:-3]  # ST..SE
    if len(pieces) > 2:
        at = data.draw(st.integers(1, len(pieces) - 2))
        how = data.draw(st.sampled_from(["keep", "drop", "double", "move"]))
        if how == "drop":
            del pieces[at]
        elif how == "double":
            pieces.insert(at, pieces[at])
        elif how == "move":
            pieces.insert(data.draw(st.integers(1, len(pieces) - 1)), pieces.pop(at))
    text = "~\n".join(pieces) + "~"
    fast = set_regex(spec, d).fullmatch(text) is not None  # type: ignore[union-attr]
    slow = validate_set(pieces, spec, d, has_se=True)
    assert fast == (not slow), (text, slow)

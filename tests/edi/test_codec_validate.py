"""Grammar validation: AK304 segment codes, AK403 element codes, the clerk's message, and the
fast path (one expression per set) agreeing with the careful walk."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orderdesk.edi import codec
from orderdesk.edi.codec.model import Delimiters
from orderdesk.edi.codec.patterns import set_regex
from orderdesk.edi.codec.validate import validate_set

from .codec_grammar import SPEC, interchange, set_850, tiny_grammar


@pytest.fixture(autouse=True)
def _grammar():  # type: ignore[no-untyped-def]
    with tiny_grammar():
        yield


def problems_of(body: list[str], **kw: object) -> list[codec.Problem]:
    (ts,) = next(codec.read(interchange([set_850(body=body)], **kw))).sets  # type: ignore[arg-type]
    return ts.problems


def summary(problems: list[codec.Problem]) -> list[tuple[str, str, int | None, int | None]]:
    return [(p.level, p.code, p.segment_position, p.element) for p in problems]


BEG = "BEG*00*SA*PO-1**20261120"
PO1 = "PO1*1*10*EA*9.5**BP*BP-1"


def test_the_clerks_message_for_a_wrong_unit() -> None:
    (p,) = problems_of([BEG, "PO1*1*10*EACH*9.5**BP*X1"])
    assert p.as_dict() == {
        "level": "element",
        "code": "7",
        "segment_id": "PO1",
        "segment_position": 3,
        "loop": "PO1",
        "element": 3,
        "component": None,
        "value": "EACH",
        "field": "PO1-03 Unit or Basis for Measurement Code",
        "message": "PO1-03 'EACH' is not a unit code",
        "fix": "did you mean EA?",
        "raw": "PO1*1*10*EACH*9.5**BP*X1",
        "severity": "error",
        "action_by": "partner",
    }
    assert p.element_ref == "355"


@pytest.mark.parametrize(
    ("body", "expected", "message"),
    [
        (["ZZZ*1", BEG, PO1], [("segment", "1", 2, None)], "'ZZZ' is not a segment ID we know"),
        (
            [BEG, "TA1*000000001*261120*1200*A*000", PO1],
            [("segment", "2", 3, None)],
            "TA1 is not part of a 850 Purchase Order",
        ),
        (
            [PO1],
            [("segment", "3", 2, None)],
            "BEG (Beginning Segment for Purchase Order) is required in a 850 but missing",
        ),
        (
            [BEG, "CTT*1"],
            [("segment", "3", 3, None)],
            "loop PO1 (Baseline Item Data) is required in a 850 but missing",
        ),
        (
            [BEG, *["N1*ST*X"] * 4, PO1],
            [("segment", "4", 6, None)],
            "loop N1 occurs more than 3 times",
        ),
        (
            [BEG, *["DTM*002*20261127"] * 3, PO1],
            [("segment", "5", 5, None)],
            "DTM appears more than 2 times here (at most 2)",
        ),
        ([BEG, PO1, "DTM*002*20261127"], [("segment", "7", 4, None)], "DTM is out of order here"),
    ],
)
def test_segment_codes(body: list[str], expected: list[tuple[object, ...]], message: str) -> None:
    problems = problems_of(body)
    assert summary(problems) == expected
    assert problems[0].message == message
    assert problems[0].action_by == "partner"


@pytest.mark.parametrize(
    ("segment", "code", "element", "message", "fix"),
    [
        ("PO1*1**EA", "1", 2, "PO1-02 is required but empty", "send Quantity Ordered"),
        (
            "PO1*1*1*EA*1**BP*X*EA*1*1*9",
            "3",
            11,
            "PO1 has 11 elements; a PO1 has at most 10",
            "remove the elements after PO1-10",
        ),
        ("N1*ST*X*92*1", "4", 4, "N1-04 '1' is too short (1; at least 2)", "send 2 or more"),
        (
            "N3*" + "x" * 56,
            "5",
            1,
            "N3-01 '" + "x" * 56 + "' is too long (56; at most 55)",
            "send at most 55",
        ),
        ("PO1*1*ten*EA", "6", 2, "PO1-02 'ten' is not a decimal number", "send e.g. 12.5"),
        (
            "PO1*1*1*EA*1*****1*12.5",
            "6",
            10,
            "PO1-10 '12.5' is not a whole number (with 2 implied decimals, no point)",
            "send digits only",
        ),
        (
            "N3*a\x01b",
            "6",
            1,
            "N3-01 'a\x01b' contains an invalid (control) character",
            "remove the control character",
        ),
        (
            "DTM*002*20261332",
            "8",
            2,
            "DTM-02 '20261332' is not a date (CCYYMMDD)",
            "send the date as CCYYMMDD",
        ),
        (
            "DTM*002*20250229",
            "8",
            2,
            "DTM-02 '20250229' is not a date (CCYYMMDD)",
            "send the date as CCYYMMDD",
        ),
        (
            "DTM*002*2026112",
            "8",
            2,
            "DTM-02 '2026112' is not a date (CCYYMMDD)",
            "send the date as CCYYMMDD",
        ),
        (
            "DTM*002*20261127*2561",
            "9",
            3,
            "DTM-03 '2561' is not a time (HHMM[SS])",
            "send the time as HHMM or HHMMSS",
        ),
        (
            "PO1*1*1*EA*1****EA>1>2",
            "13",
            8,
            "PO1-08 'EA>1>2' has 3 components (at most 2)",
            "remove the extra components",
        ),
        (
            "PO1*1*1*EA*1****XX>1",
            "7",
            8,
            "PO1-08-01 'XX' is not a unit code",
            "use one of BX, CA, DZ, EA, LB",
        ),
        (
            "PO1*1*1*EA*1****>1",
            "1",
            8,
            "PO1-08-01 is required but empty",
            "send Unit or Basis for Measurement Code",
        ),
    ],
)
def test_element_codes(segment: str, code: str, element: int, message: str, fix: str) -> None:
    body = [BEG, "N1*ST*X", segment, PO1] if segment[:2] in ("N1", "N3") else [BEG]
    if segment.startswith("DTM"):
        body = [BEG, segment, PO1]
    elif segment.startswith("PO1"):
        body = [BEG, segment]
    elif segment.startswith("N3"):
        body = [BEG, "N1*ST*X", segment, PO1]
    elif segment.startswith("N1"):
        body = [BEG, segment, PO1]
    problems = problems_of(body)
    assert [(p.level, p.code, p.element) for p in problems] == [("element", code, element)]
    assert (problems[0].message, problems[0].fix) == (message, fix)


def test_too_many_repetitions_in_5010() -> None:
    text = interchange([set_850(body=[BEG, "PO1*1*1*EA*1*****1^2^3^4"])]).replace(
        "*U*00401*", "*^*00501*"
    )
    (ts,) = next(codec.read(text)).sets
    assert [(p.code, p.element, p.message) for p in ts.problems] == [
        ("12", 9, "PO1-09 '1^2^3^4' repeats 4 times (at most 3)")
    ]


def test_leap_day_and_six_digit_dates() -> None:
    assert problems_of([BEG, "DTM*002*20240229", "DTM*002*240229", PO1]) == []
    assert [p.code for p in problems_of([BEG, "DTM*002*19000229", PO1])] == ["8"]
    assert problems_of([BEG, "DTM*002*20000229*235959", PO1]) == []


def test_several_errors_are_all_reported_in_segment_order() -> None:
    problems = problems_of(["BEG*01*SA*PO-1**2026", "ZZZ", "PO1*1*x*EACH", "DTM*002*20261127"])
    assert summary(problems) == [
        ("element", "7", 2, 1),
        ("element", "8", 2, 5),
        ("segment", "1", 3, None),
        ("element", "6", 4, 2),
        ("element", "7", 4, 3),
        ("segment", "7", 5, None),
    ]


def test_trailing_element_separators_are_tolerated() -> None:
    assert problems_of([BEG + "**", PO1 + "*"]) == []


def test_warnings_do_not_reject_and_errors_do() -> None:
    ic = next(codec.read(interchange(gs01="IN")))
    (ts,) = ic.sets
    assert ts.ack_code == "E" and ts.accepted and [w.code for w in ts.warnings] == ["6"]
    assert ic.groups[0].ack_code == "E"


# --- the fast path agrees with the walk --------------------------------------------------

SEGMENT_POOL = [
    "BEG*00*SA*PO-1**20261120",
    "BEG*00*SA*PO-1**20261131",
    "DTM*002*20261127",
    "DTM*002*261127*1200",
    "N1*ST*Store",
    "N1*XX*Store",
    "N3*Street",
    "PO1*1*10*EA*9.5",
    "PO1*1*10*EACH*9.5",
    "PO1**1.5*CA*-2.25**BP*X*DZ>2*1*1050",
    "PID*F****Widget",
    "PID*Z",
    "CTT*2",
    "CTT*2*1.5",
    "REF*DP*1",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SEGMENT_POOL), max_size=14))
def test_expression_and_walk_agree(body: list[str]) -> None:
    d = Delimiters(line_break="\n")
    pieces = set_850(body=body)
    text = "~\n".join(pieces) + "~"
    fast = set_regex(SPEC, d).fullmatch(text) is not None  # type: ignore[union-attr]
    slow = validate_set(pieces, SPEC, d, has_se=True)
    assert fast == (not slow), (text, slow)

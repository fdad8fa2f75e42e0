"""Every real public sample in ../shared/x12-samples parses, or is rejected with the TA1 /
997 code its SOURCES.md note calls for; each valid one survives parse → generate → parse,
and each group's 997 is a valid 997 by our own grammar.

The table says, per file and per interchange: TA1 error codes, warning codes, and per group
(AK9 code, AK905 codes, per set (AK5 code, AK502/AK304/AK403 codes in order)).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from orderdesk.edi import codec

from .world import sample, sample_names

A, E, P, R = "A", "E", "P", "R"
GS01_WRONG = "6"  # warning: a set in a group of another functional ID (GS01 IN/OW for 850)

Expect = list[tuple[list[str], list[str], list[tuple[str, list[str], list[tuple[str, list[str]]]]]]]

EXPECTED: dict[str, Expect] = {
    # duplicate GS06 000000001 within the interchange → AK905 19 on the second group
    "edifabric-810-4010-duplicate-group.txt": [
        ([], [], [(A, [], [(A, [])]), (R, ["19"], [(A, [])])]),
    ],
    # two interchanges; the second's IEA02 810000263 != ISA13 810000264 → TA1 001
    "edifabric-810-4010-duplicate-interchange-iea-mismatch.txt": [
        ([], [], [(A, [], [(A, [])])]),
        (["001"], [], [(A, [], [(A, [])])]),
    ],
    # ST02 "ST02" twice in group 000000001 → AK502 23 on the second set
    "edifabric-810-4010-duplicate-st-control.txt": [
        ([], [], [(P, [], [(A, []), (R, ["23"])])]),
    ],
    # TD4 six times (max use 5) → AK304 5 on the sixth; each TD4-01 '1' is too short (AK403 4)
    "edifabric-850-4010-invalid-td4-repeats.txt": [
        ([], [], [(R, [], [(R, ["4", "4", "4", "4", "4", "5", "4"])])]),
    ],
    "edifabric-850-4010-multiple-groups.txt": [
        ([], [], [(E, [], [(E, []), (E, [])]), (E, [], [(E, []), (E, [])])]),
    ],
    "edifabric-850-4010-two-sets.txt": [([], [], [(E, [], [(E, []), (E, [])])])],
    "nodex12-850-4010-newline-terminator-short.edi": [([], [], [(A, [], [(A, [])])])],
    "nodex12-850-4010vics-newline-terminator.edi": [([], [], [(A, [], [(A, [])])])],
    "nodex12-850-4010vics.edi": [([], [], [(A, [], [(A, [])])])],
    # the same interchange (sender 4405197800, ISA13 000003438) twice → TA1 025 on the second
    "nodex12-850-two-interchanges-same-isa13.edi": [
        ([], [], [(A, [], [(A, [])])]),
        (["025"], [], [(A, [], [(A, [])])]),
    ],
    "nodex12-855-4010.edi": [([], [], [(A, [], [(A, [])])])],
    # ISA11 '-' is the repetition separator; '31139-0020' in a non-repeating N4-03 is data
    "nodex12-856-4060-dash-repetition-sep.edi": [([], [], [(A, [], [(A, [])])])],
    "oop-810-4010-2011110815164104.txt": [([], [], [(A, [], [(A, [])])])],
    # ISA12 '00040' is no version: warned (017), read by GS08 004010; IEA ends the file unterminated
    "oop-810-4010-walmart.txt": [([], ["004", "017"], [(A, [], [(A, [])])])],
    "oop-810-4030-multi-invoice.txt": [([], [], [(A, [], [(A, []), (A, [])])])],
    "oop-846-4010-example1-brace-terminator.txt": [([], [], [(A, [], [(A, [])])])],
    # 'REF~ZZ~ASIAQTY~17~403.32~FT' and 'QTY~17~7280~FTCTT~5': terminators lost inside lines
    "oop-846-4010-example2-star-terminator.txt": [
        ([], [], [(R, [], [(R, ["3", "5", "1", "7"])])]),
    ],
    # 105-character ISA, a space before every CRLF: line breaks are the terminator; SE01=18 holds
    "oop-850-4010-adobe-shrinkwrapped.txt": [([], ["004", "022", "022"], [(A, [], [(A, [])])])],
    "oop-850-4010-adobe-tlp-tilde-elements.txt": [([], ["004"], [(A, [], [(A, [])])])],
    "oop-850-4010-aojuk.txt": [([], [], [(A, [], [(A, [])])])],
    "oop-850-4010-pgwglass-pipe-terminator.txt": [([], [], [(A, [], [(A, [])])])],
    "oop-855-4010-adobe.txt": [([], ["004"], [(A, [], [(A, [])])])],
    "oop-855-4010-simmons.txt": [([], [], [(A, [], [(A, []), (A, [])])])],
    "oop-856-3060-example2.txt": [([], [], [(A, [], [(A, [])])])],
    "oop-856-4010-example1-tilde-elem-star-term.txt": [([], [], [(A, [], [(A, [])])])],
    "oop-856-4010vics-gregarican.txt": [([], [], [(A, [], [(A, [])])])],
    "oop-856-4060-edi1source.txt": [([], [], [(A, [], [(A, [])])])],
    # short ISA (warned); N1*BY lacks its '~' (repaired: SE01=10 is right); BCH-06 'PO DATE'
    "oop-860-4010-example1-missing-terminator.txt": [
        ([], ["022", "022"], [(R, [], [(R, ["8"])])]),
    ],
    "oop-999-5010-dhs-wisconsin.txt": [([], [], [(A, [], [(A, [])])])],
    # only TA1s, no group, IEA01=0
    "oop-ta1-4010-sample1.txt": [([], [], [])],
    "pyx12-997-4010-accepted.txt": [([], [], [(A, [], [(A, [])])])],
    "pyx12-997-4010-ak3-ak4-element-errors.txt": [([], [], [(A, [], [(A, [])])])],
    "pyx12-997-4010-ak3-segment-errors.txt": [([], [], [(A, [], [(A, [])])])],
    "pyx12-997-4010-trailing-terms-reject.txt": [([], [], [(A, [], [(A, [])])])],
    "pyx12-997-4010-with-ta1-after-ge.txt": [([], [], [(A, [], [(A, [])])])],
    # GS01 OW for an 850: accepted with the warning noted (AK5 E)
    "stedi-850-5010-dropship.edi": [([], [], [(E, [], [(E, [])])])],
    "stedi-855-5010-inbound.edi": [([], [], [(A, [], [(A, [])])])],
}


def outcome(name: str) -> Expect:
    out: Expect = []
    for ic in codec.read_file(sample(name)):
        out.append(
            (
                [p.code for p in ic.problems],
                [p.code for p in ic.warnings],
                [
                    (
                        g.ack_code,
                        [p.code for p in g.problems],
                        [(s.ack_code, [p.code for p in s.problems]) for s in g.sets],
                    )
                    for g in g_list(ic)
                ],
            )
        )
    return out


def g_list(ic: codec.Interchange) -> list[codec.Group]:
    return ic.groups


def test_the_table_covers_every_sample() -> None:
    names = sample_names()
    if not names:
        pytest.skip("X12 samples not found")
    assert sorted(EXPECTED) == names


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_reads_as_expected(name: str) -> None:
    assert outcome(name) == EXPECTED[name]


def test_sample_messages_a_clerk_reads() -> None:
    (ic,) = codec.read_file(sample("oop-860-4010-example1-missing-terminator.txt"))
    (ts,) = ic.sets
    (p,) = ts.problems
    assert (p.message, p.field, p.segment_position, p.raw) == (
        "BCH-06 'PO DATE' is not a date (CCYYMMDD)",
        "BCH-06 Date",
        2,
        "BCH*04*SA*PO NUMBER***PO DATE*****20080310",
    )
    assert [w.message for w in ts.warnings] == [
        "a segment has no terminator: the line break was read as one"
    ]
    (ic,) = codec.read_file(sample("oop-846-4010-example2-star-terminator.txt"))
    last = next(ic.sets).problems[-1]
    assert (last.message, last.segment_position) == (
        "QTY-03-01 'FTCTT' is not a unit code",
        23,
    )
    (ic,) = codec.read_file(sample("edifabric-850-4010-invalid-td4-repeats.txt"))
    td4 = [p for p in next(ic.sets).problems if p.level == "segment"]
    assert [(p.segment_id, p.segment_position, p.message) for p in td4] == [
        ("TD4", 15, "TD4 appears more than 5 times here (at most 5)")
    ]


def _shape(ic: codec.Interchange) -> Any:
    return (
        ic.sender_qualifier,
        ic.sender_id,
        ic.receiver_qualifier,
        ic.receiver_id,
        ic.control_number,
        ic.version,
        ic.test_indicator,
        ic.ack_requested,
        ic.date,
        [t.elements for t in ic.ta1s],
        [
            (
                g.functional_id,
                g.sender_id,
                g.receiver_id,
                g.control_number,
                g.version,
                g.date,
                [(s.set_id, s.control_number, [x.elements for x in s.segments]) for s in g.sets],
            )
            for g in ic.groups
        ],
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_valid_samples_survive_parse_generate_parse(name: str) -> None:
    for ic in codec.read_file(sample(name)):
        clean = (
            ic.accepted
            and all(s.ack_code == "A" for s in ic.sets)
            and all(g.ack_code == "A" for g in ic.groups)
        )
        if not clean:
            with pytest.raises(codec.WriteError) if _invalid_sets(ic) else _nothing():
                codec.write(codec.to_out(ic))
            continue
        text = codec.write(codec.to_out(ic))
        (again,) = codec.read(text)
        assert again.problems == []
        # what the layout caused (short ISA, missing terminators) is gone; what the content
        # says (ISA12 '00040') stays
        assert {w.code for w in again.warnings} <= {w.code for w in ic.warnings} - {"004", "022"}
        assert _shape(again) == _shape(ic)
        assert codec.write(codec.to_out(again)) == text


def _invalid_sets(ic: codec.Interchange) -> bool:
    return (
        any(g.problems for g in ic.groups)
        or any(not s.accepted for s in ic.sets)
        or any(s.warnings and s.warnings[0].code == GS01_WRONG for s in ic.sets)
    )


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_group_gets_a_valid_997(name: str) -> None:
    for ic in codec.read_file(sample(name)):
        for group in ic.groups:
            ack = codec.ack_997(group)
            out = codec.OutInterchange(
                "ZZ",
                "ORDERDESK",
                "ZZ",
                "PARTNER",
                7,
                dt.datetime(2026, 11, 20, 12, 0),
                groups=[codec.OutGroup("FA", "ORDERDESK", "PARTNER", 7, sets=[ack])],
            )
            (back,) = codec.read(codec.write(out))
            (ts,) = back.sets
            assert ts.ack_code == "A", ts.problems
            ak9 = ts.first("AK9")
            assert ak9 is not None
            assert ak9.elements[:4] == [
                group.ack_code,
                str(len(group.sets)),
                str(len(group.sets)),
                str(sum(s.accepted for s in group.sets)),
            ]
            assert [s.get(1) for s in ts.all("AK5")] == [
                ("R" if not s.accepted else s.ack_code) for s in group.sets
            ]

"""The writer (values formatted by the grammar, envelopes and counts, refusal of what we
would reject) and the acknowledgments (997, TA1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from orderdesk.edi import codec

from .codec_grammar import interchange, set_850, tiny_grammar


@pytest.fixture(autouse=True)
def _grammar():  # type: ignore[no-untyped-def]
    with tiny_grammar():
        yield


WHEN = dt.datetime(2026, 11, 20, 12, 0)


def out_850(*segments: tuple[Any, ...], **kw: Any) -> codec.OutInterchange:
    sets = kw.pop("sets", None) or [codec.OutSet("850", 1, list(segments))]
    return codec.OutInterchange(
        "ZZ",
        "ORDERDESK",
        "ZZ",
        "ACMEBUYER",
        42,
        WHEN,
        groups=[codec.OutGroup("PO", "ORDERDESK", "ACMEBUYER", 7, sets=sets, **kw)],
    )


BEG = ("BEG", "00", "SA", "PO-1", None, dt.date(2026, 11, 20))
PO1 = ("PO1", 1, Decimal("10"), "EA", Decimal("9.50"), None, "BP", "BP-1")


def test_write_formats_values_by_the_grammar_and_adds_envelopes() -> None:
    text = codec.write(
        out_850(
            BEG,
            ("DTM", "002", dt.date(2026, 11, 27), dt.time(13, 45)),
            ("DTM", "010", dt.date(2026, 11, 28), dt.time(13, 45, 2)),
            (
                "PO1",
                "1",
                3,
                "CA",
                Decimal("-0.250"),
                "",
                "BP",
                "X",
                ("DZ", Decimal("1.5")),
                None,
                Decimal("10.5"),
            ),
            ("CTT", 1),
        )
    )
    assert text == (
        "ISA*00*          *00*          *ZZ*ORDERDESK      *ZZ*ACMEBUYER      *261120*1200*U*"
        "00401*000000042*0*P*>~\n"
        "GS*PO*ORDERDESK*ACMEBUYER*20261120*1200*7*X*004010~\n"
        "ST*850*0001~\n"
        "BEG*00*SA*PO-1**20261120~\n"
        "DTM*002*20261127*1345~\n"
        "DTM*010*20261128*134502~\n"
        "PO1*1*3*CA*-0.25**BP*X*DZ>1.5**1050~\n"
        "CTT*1~\n"
        "SE*7*0001~\n"
        "GE*1*7~\n"
        "IEA*1*000000042~\n"
    )
    (ic,) = codec.read(text)
    assert ic.problems == [] and ic.warnings == []
    (ts,) = ic.sets
    assert ts.ack_code == "A"
    po1 = ts.first("PO1")
    assert (
        po1 is not None and po1.value(4) == Decimal("-0.25") and po1.value(10) == Decimal("10.50")
    )


def test_write_with_other_delimiters_repetition_and_line_breaks() -> None:
    out = out_850(BEG, ("PO1", 1, 2, "EA", None, None, None, None, None, [1, 2, 3]))
    out.version = "00501"
    out.delimiters = codec.Delimiters("|", ":", "^", "!", "\r\n")
    text = codec.write(out)
    assert "|^|00501|" in text and "PO1|1|2|EA||||||1^2^3!\r\n" in text
    (ic,) = codec.read(text)
    assert ic.delimiters == out.delimiters
    po1 = next(ic.sets).first("PO1")
    assert po1 is not None and po1.repeats(9) == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("segments", "message"),
    [
        ((BEG, ("PO1", 1, 10, "EACH")), "850 0001: PO1-03 'EACH' is not a unit code"),
        (
            (PO1,),
            "850 0001: BEG (Beginning Segment for Purchase Order) is required in a 850 but missing",
        ),
        (
            (BEG, ("PO1", 1, 10, "EA", None, None, "BP", "A*B")),
            "850 0001: PO1-07 'A*B' contains the delimiter '*'",
        ),
        (
            (BEG, ("PO1", 1, 10, "EA", None, None, "BP", "A~B")),
            "850 0001: PO1-07 'A~B' contains the delimiter '~'",
        ),
        (
            (BEG, ("PO1", 1, 10, "EA", *[None] * 6, Decimal("1.005"))),
            "850 0001: PO1-10: 1.005 has more than 2 decimal places",
        ),
        (
            (BEG, ("PO1", 1, 10, "EA", *[None] * 5, [1, 2])),
            "850 0001: PO1-09 repeats but the interchange has no repetition separator",
        ),
        ((BEG, ("PO1", 1, True, "EA")), "850 0001: PO1-02: True is not an X12 value"),
    ],
)
def test_write_refuses_what_we_would_reject(
    segments: tuple[tuple[Any, ...], ...], message: str
) -> None:
    with pytest.raises(codec.WriteError) as err:
        codec.write(out_850(*segments))
    assert err.value.problems[0].message == message
    assert err.value.problems[0].action_by == "us"


def test_write_refuses_envelope_mistakes() -> None:
    with pytest.raises(codec.WriteError, match="no grammar for transaction set 837"):
        codec.write(out_850(sets=[codec.OutSet("837", 1, [("CLM", "1")])]))
    with pytest.raises(codec.WriteError, match="ST-02 0001 is used twice in group 7"):
        codec.write(
            out_850(sets=[codec.OutSet("850", 1, [BEG, PO1]), codec.OutSet("850", 1, [BEG, PO1])])
        )
    with pytest.raises(codec.WriteError, match="a 850 belongs in a group with GS01 PO, not IN"):
        bad = out_850(BEG, PO1)
        bad.groups[0].functional_id = "IN"
        codec.write(bad)
    with pytest.raises(codec.WriteError, match=r"ISA-06 '.*' must be 1 to 15 characters"):
        long_id = out_850(BEG, PO1)
        long_id.sender_id = "X" * 16
        codec.write(long_id)
    with pytest.raises(codec.WriteError, match="delimiters must be four different characters"):
        same = out_850(BEG, PO1)
        same.delimiters = codec.Delimiters("*", "*", "U", "~")
        codec.write(same)


def test_to_out_round_trip_of_a_read_interchange() -> None:
    text = interchange([set_850("0001"), set_850("0002")], ctl=9)
    (ic,) = codec.read(text)
    again = codec.write(codec.to_out(ic))
    assert again == text


# --- acknowledgments ---------------------------------------------------------------------


def test_ack_997_translates_the_problems() -> None:
    bad = set_850(
        "0002",
        body=[
            "BEG*00*SA*PO-2**20261120",
            "DTM*002*20261127",
            "DTM*002*20261127",
            "DTM*002*20261127",
            "PO1*1*x*EACH*9.5****1",
        ],
    )
    (ic,) = codec.read(interchange([set_850("0001"), bad]))
    (group,) = ic.groups
    ack = codec.ack_997(group)
    assert (ack.set_id, ack.control_number) == ("997", 1)
    assert list(ack.segments) == [
        ("AK1", "PO", "1"),
        ("AK2", "850", "0001"),
        ("AK5", "A"),
        ("AK2", "850", "0002"),
        ("AK3", "DTM", 5, None, "5"),
        ("AK3", "PO1", 6, "PO1", "8"),
        ("AK4", 2, "330", "6", "x"),
        ("AK4", 3, "355", "7", "EACH"),
        ("AK4", (8, 1), "355", "7", "1"),
        ("AK5", "R", "5"),
        ("AK9", "P", 2, 2, 1),
    ]


def test_ack_997_for_envelope_problems() -> None:
    sets = [set_850("0001", se01=99), set_850("0001")]
    (ic,) = codec.read(interchange(sets, ge01=5))
    ack = codec.ack_997(ic.groups[0])
    assert list(ack.segments) == [
        ("AK1", "PO", "1"),
        ("AK2", "850", "0001"),
        ("AK5", "R", "4"),
        ("AK2", "850", "0001"),
        ("AK5", "R", "23"),
        ("AK9", "R", 2, 2, 0, "5"),
    ]


def test_ack_997_bad_value_never_carries_a_delimiter() -> None:
    (ic,) = codec.read(interchange([set_850(body=["BEG*00*SA*PO-1**20261120", "PO1*1*1*E>A"])]))
    ak4 = [s for s in codec.ack_997(ic.groups[0]).segments if s[0] == "AK4"]
    assert ak4 == [("AK4", 3, "355", "7", "E A")]


def test_ta1_values() -> None:
    (ic,) = codec.read(interchange(ctl=5, iea02="000000006"))
    assert codec.ta1(ic, code="001", ack="R") == ("TA1", "000000005", "261120", "1200", "R", "001")
    out = codec.OutInterchange(
        "ZZ", "ORDERDESK", "ZZ", "ACMEBUYER", 43, WHEN, ta1s=[codec.ta1(ic, code="001", ack="R")]
    )
    text = codec.write(out)
    assert "~\nTA1*000000005*261120*1200*R*001~\nIEA*0*000000043~\n" in text
    (back,) = codec.read(text)
    assert [t.elements for t in back.ta1s] == [["000000005", "261120", "1200", "R", "001"]]

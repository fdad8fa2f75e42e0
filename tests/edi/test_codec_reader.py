"""The tolerant reader and the envelope checks, on X12 built by hand for a tiny grammar."""

from __future__ import annotations

import datetime as dt
import gc
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest

from orderdesk.edi import codec
from orderdesk.edi.codec import reader

from .codec_grammar import ISA, interchange, set_850, tiny_grammar


@pytest.fixture(autouse=True)
def _grammar():  # type: ignore[no-untyped-def]
    with tiny_grammar():
        yield


def codes(problems: list[codec.Problem]) -> list[str]:
    return [p.code for p in problems]


def one(text: str | bytes) -> codec.Interchange:
    ics = list(codec.read(text))
    assert len(ics) == 1
    return ics[0]


def test_clean_interchange_reads_envelopes_and_segments() -> None:
    ic = one(interchange())
    assert (ic.sender_qualifier, ic.sender_id, ic.receiver_qualifier, ic.receiver_id) == (
        "ZZ",
        "ACMEBUYER",
        "ZZ",
        "ORDERDESK",
    )
    assert ic.control_number == "000000001"
    assert ic.version == "00401"
    assert ic.test_indicator == "P"
    assert ic.ack_requested is False
    assert ic.date == dt.datetime(2026, 11, 20, 12, 0)
    assert ic.delimiters == codec.Delimiters("*", ">", "U", "~", "\n")
    assert ic.problems == [] and ic.warnings == [] and ic.accepted
    (group,) = ic.groups
    assert (group.functional_id, group.sender_id, group.control_number, group.version) == (
        "PO",
        "ACMEBUYER",
        "1",
        "004010",
    )
    assert group.date == dt.datetime(2026, 11, 20, 12, 0)
    assert group.ack_code == "A"
    (ts,) = group.sets
    assert (ts.set_id, ts.control_number, ts.ack_code, ts.accepted) == ("850", "0001", "A", True)
    assert [s.id for s in ts.segments] == [
        "ST", "BEG", "DTM", "N1", "N3", "PO1", "PID", "PO1", "CTT", "SE",
    ]  # fmt: skip
    assert ts.raw.startswith("ST*850*0001~\nBEG") and ts.raw.endswith("SE*10*0001~")
    beg = ts.first("BEG")
    assert beg is not None
    assert (beg.position, beg.get(3), beg.value(5), beg.raw) == (
        2,
        "PO-1",
        dt.date(2026, 11, 20),
        "BEG*00*SA*PO-1**20261120",
    )
    assert beg.get(4) == "" and beg.get(4, "none") == "none" and beg.get(99) == ""
    lines = list(ts.loops("PO1"))
    assert [n.first("PO1").value(2) for n in lines] == [Decimal("10"), Decimal("3")]  # type: ignore[union-attr]
    assert [len(list(n.loops("PID"))) for n in lines] == [1, 0]
    assert lines[0].all("PID")[0].get(5) == "Widget"
    assert [s.position for s in ts.all("PO1")] == [6, 8]


def test_typed_values_by_element_type() -> None:
    body = [
        "BEG*00*SA*PO-1**20261120",
        "DTM*002*261127*134502",
        "PO1*1*10.5*EA*-0.25**BP*X*CA>12*1*1050",
    ]
    ts = next(one(interchange([set_850(body=body)])).sets)
    assert ts.accepted, ts.problems
    dtm, po1 = ts.first("DTM"), ts.first("PO1")
    assert dtm is not None and po1 is not None
    assert dtm.value(2) == dt.date(2026, 11, 27)
    assert dtm.value(3) == dt.time(13, 45, 2)
    assert po1.value(2) == Decimal("10.5")
    assert po1.value(4) == Decimal("-0.25")
    assert po1.value(5) == ""  # a string element stays a string when empty
    dtm_no_time = next(one(interchange()).sets).first("DTM")
    assert dtm_no_time is not None and dtm_no_time.value(3) is None
    assert po1.value(10) == Decimal("10.50")
    assert po1.value(3) == "EA"
    assert (po1.component(8, 1), po1.component(8, 2), po1.component(8, 3)) == ("CA", "12", "")


def test_bom_crlf_and_indentation_are_read_without_complaint() -> None:
    text = interchange()
    messy = "\ufeff" + "".join(f"    {line}\r\n" for line in text.splitlines())
    ic = one(messy.encode("utf-8"))
    assert ic.problems == [] and ic.warnings == []
    assert next(ic.sets).segments == next(one(text).sets).segments


def test_utf16_with_its_bom(tmp_path: Path) -> None:
    path = tmp_path / "utf16.x12"
    path.write_bytes(interchange().encode("utf-16"))
    for ic in [one(interchange().encode("utf-16")), *codec.read_file(path)]:
        assert ic.problems == [] and next(ic.sets).ack_code == "A"


def test_newline_as_terminator() -> None:
    ic = one(interchange(term="\n"))
    assert ic.delimiters.segment == "\n"
    assert ic.problems == [] and ic.warnings == []
    assert next(ic.sets).ack_code == "A"


def test_short_isa_is_read_with_a_warning() -> None:
    text = interchange().replace("ACMEBUYER      *", "ACMEBUYER     *", 1)
    ic = one(text)
    assert ic.problems == []
    assert codes(ic.warnings) == ["022", "022"]
    assert "105 characters" in ic.warnings[0].message
    assert ic.delimiters.component == ">"
    assert next(ic.sets).ack_code == "A"


def test_space_before_each_line_break_makes_the_line_break_the_terminator() -> None:
    text = interchange().replace("~\n", " \r\n")
    ic = one(text)
    assert ic.problems == []
    assert codes(ic.warnings) == ["004"]  # the space is where the terminator belongs
    assert ic.delimiters.segment == "\n"
    ts = next(ic.sets)
    assert ts.ack_code == "A" and ts.first("N3").elements == ["1 Main St"]  # type: ignore[union-attr]


def test_other_separators_and_a_5010_repetition_separator() -> None:
    text = interchange(
        [set_850(body=["BEG|00|SA|PO-1||20261120", "PO1|1|10|EA|9.5||BP|X|CA:12|1^2^3"])]
    )
    text = (
        text.replace("*", "|")
        .replace("~", "!")
        .replace("|U|00401|", "|^|00501|")
        .replace("|P|>", "|P|:")
    )
    ic = one(text)
    assert ic.delimiters == codec.Delimiters("|", ":", "^", "!", "\n")
    ts = next(ic.sets)
    assert ts.ack_code == "A", ts.problems
    po1 = ts.first("PO1")
    assert po1 is not None
    assert po1.repeats(9) == ["1", "2", "3"] and po1.component(8, 2) == "12"


def test_repetition_separator_is_data_in_an_element_that_does_not_repeat() -> None:
    text = interchange(
        [set_850(body=["BEG*00*SA*PO-1**20261120", "N1*ST*A-B Store", "PO1*1*1*EA"])]
    )
    text = text.replace("*U*00401*", "*-*00406*")
    ts = next(one(text).sets)
    assert ts.ack_code == "A"
    assert ts.first("N1").get(2) == "A-B Store"  # type: ignore[union-attr]


def test_several_interchanges_and_a_duplicate_control_number() -> None:
    text = interchange(ctl=7) + interchange(ctl=8) + interchange(ctl=7)
    ics = list(codec.read(text))
    assert [ic.control_number for ic in ics] == ["000000007", "000000008", "000000007"]
    assert [codes(ic.problems) for ic in ics] == [[], [], ["025"]]


def test_ta1_segments_before_groups_and_after_ge() -> None:
    text = (
        interchange()
        .replace("GE*1*1~\n", "GE*1*1~\nTA1*000000123*261119*0900*R*015~\n")
        .replace("\nGS*", "\nTA1*000000122*261119*0900*A*000~\nGS*", 1)
    )
    ic = one(text)
    assert ic.problems == []
    assert [t.elements for t in ic.ta1s] == [
        ["000000122", "261119", "0900", "A", "000"],
        ["000000123", "261119", "0900", "R", "015"],
    ]
    assert len(ic.groups) == 1


def test_interchange_of_only_ta1s() -> None:
    text = ISA.format(ctl=3) + "~TA1*000000009*261119*0900*A*000~IEA*0*000000003~"
    ic = one(text)
    assert ic.problems == [] and ic.groups == [] and len(ic.ta1s) == 1


def test_missing_terminator_before_a_line_break_is_repaired_with_a_warning() -> None:
    text = interchange().replace("N3*1 Main St~", "N3*1 Main St")
    ic = one(text)
    ts = next(ic.sets)
    assert ts.ack_code == "E" and ts.problems == []
    assert codes(ts.warnings) == ["5"]
    assert [s.id for s in ts.segments][3:6] == ["N1", "N3", "PO1"]


def test_no_isa_and_empty_input_are_one_problem_each() -> None:
    ic = one("hello,this,is,csv\n1,2,3\n")
    assert codes(ic.problems) == ["022"] and ic.isa is None and not ic.accepted
    assert codes(one(b"").problems) == ["023"]
    assert codes(one("  \r\n ").problems) == ["023"]


def test_text_before_the_isa_is_skipped_with_a_warning() -> None:
    ic = one("From: partner\n" + interchange())
    assert ic.problems == []
    assert codes(ic.warnings) == ["022"] and ic.warnings[0].raw == "From: partner\n"


def test_truncated_file_missing_se_ge_iea() -> None:
    text = interchange()
    cut = text[: text.index("CTT")]
    ic = one(cut)
    assert codes(ic.problems) == ["023"]
    (group,) = ic.groups
    assert codes(group.problems) == ["3"] and group.ack_code == "R"
    (ts,) = group.sets
    assert codes(ts.problems) == ["2"] and ts.ack_code == "R"


def test_isa_cut_short_is_premature_end() -> None:
    ic = one(ISA.format(ctl=1)[:60])
    assert codes(ic.problems) == ["023"]


def test_iea_missing_before_the_next_isa() -> None:
    first = interchange(ctl=1)
    text = first[: first.index("IEA")] + interchange(ctl=2)
    ics = list(codec.read(text))
    assert [codes(ic.problems) for ic in ics] == [["023"], []]
    assert ics[0].groups[0].ack_code == "A"


@pytest.mark.parametrize(
    ("kwargs", "ta1", "ak905"),
    [
        ({"iea02": "000000009"}, ["001"], []),
        ({"iea01": 2}, ["021"], []),
        ({"ge01": 3}, [], ["5"]),
        ({"ge02": "9"}, [], ["4"]),
        ({"gs06": "A1"}, ["024"], ["6"]),  # and no 997 can echo it: a TA1 answers
    ],
)
def test_envelope_counts_and_control_numbers(
    kwargs: dict[str, object], ta1: list[str], ak905: list[str]
) -> None:
    ic = one(interchange(**kwargs))  # type: ignore[arg-type]
    assert codes(ic.problems) == ta1
    assert codes(ic.groups[0].problems) == ak905
    assert ic.groups[0].ack_code == ("R" if ak905 else "A")


def test_duplicate_group_control_number_within_an_interchange() -> None:
    text = interchange()
    gs = text[text.index("GS*") : text.index("IEA")]
    text = text.replace("IEA*1*", gs + "IEA*2*")
    ic = one(text)
    assert ic.problems == []
    assert [codes(g.problems) for g in ic.groups] == [[], ["19"]]
    assert [g.ack_code for g in ic.groups] == ["A", "R"]


@pytest.mark.parametrize(
    ("sets", "expected"),
    [
        ([set_850(se01=4)], [["4"]]),
        ([set_850(se02="0002")], [["3"]]),
        ([set_850("0001"), set_850("0001")], [[], ["23"]]),
        ([set_850("0001"), ["ST*837*0002", "CLM*1", "SE*3*0002"]], [[], ["1"]]),
    ],
)
def test_set_envelope_problems(sets: list[list[str]], expected: list[list[str]]) -> None:
    (group,) = one(interchange(sets)).groups
    assert [codes(s.problems) for s in group.sets] == expected
    assert group.ack_code == ("P" if [] in expected else "R")


def test_unsupported_set_still_parses_its_segments() -> None:
    (ts,) = one(interchange([["ST*837*0002", "CLM*1", "SE*3*0002"]])).sets
    assert ts.spec is None and ts.ack_code == "R"
    assert [s.id for s in ts.segments] == ["ST", "CLM", "SE"]
    assert ts.problems[0].message == "transaction set 837 is not one we read"


def test_set_outside_a_group_and_stray_segments() -> None:
    text = interchange().replace("GS*PO*ACMEBUYER*ORDERDESK*20261120*1200*1*X*004010~\n", "")
    text = text.replace("GE*1*1~\n", "")
    ic = one(text.replace("IEA*1*", "IEA*0*"))
    assert codes(ic.problems) == ["024"] and ic.groups == []
    stray = interchange().replace("GE*1*1~\n", "GE*1*1~\nREF*DP*1~\n")
    assert codes(one(stray).problems) == ["024"]


def test_version_out_of_range_is_a_warning_and_gs08_relatives_read_by_base() -> None:
    text = interchange().replace("*00401*", "*00040*").replace("*004010~", "*004010VICS~")
    ic = one(text)
    assert ic.problems == [] and codes(ic.warnings) == ["017"]
    assert ic.groups[0].version == "004010VICS" and next(ic.sets).ack_code == "A"
    bad = one(interchange().replace("*004010~", "*ABC~"))
    assert codes(bad.groups[0].problems) == ["2"]


def test_isa_element_checks() -> None:
    text = interchange().replace("*261120*1200*", "*261320*1299*").replace("*0*P*>", "*7*Q*>")
    assert codes(one(text).problems) == ["014", "015", "019", "020"]


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ("GS*PO*", "GS*P*", "GS-01 'P' is not a functional identifier code"),
        (
            "ST*850*0001~",
            "ST*850*0123456789~",
            "ST-02 '0123456789' is not a transaction set control number",
        ),
    ],
)
def test_a_group_no_997_could_echo_is_an_interchange_error(old: str, new: str, why: str) -> None:
    text = interchange().replace(old, new).replace("SE*10*0001", "SE*10*0123456789")
    ic = one(text)
    assert [(p.code, p.message) for p in ic.problems] == [
        ("024", f"group 1 cannot be acknowledged: {why}")
    ]


def test_invalid_component_separator_rejects_the_interchange() -> None:
    ic = one(interchange().replace("*P*>~", "*P*A~"))
    assert codes(ic.problems) == ["027"] and ic.groups == []


@pytest.mark.parametrize("chunk", [1, 7, 64, 1000])
def test_read_file_in_small_chunks_equals_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    text = (
        "\ufeff" + interchange(ctl=1) + "\r\n" + interchange(ctl=2, term="\n") + interchange(ctl=1)
    )
    path = tmp_path / "in.x12"
    path.write_bytes(text.encode("utf-8"))
    monkeypatch.setattr(reader, "CHUNK", chunk)
    got = [
        (ic.control_number, codes(ic.problems), [s.raw for s in ic.sets])
        for ic in codec.read_file(path)
    ]
    want = [
        (ic.control_number, codes(ic.problems), [s.raw for s in ic.sets]) for ic in codec.read(text)
    ]
    assert got == want and len(got) == 3


def test_read_file_yields_before_the_whole_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "many.x12"
    path.write_text(interchange(ctl=1) * 1 + "".join(interchange(ctl=n) for n in range(2, 4000)))
    stream = codec.read_file(path)
    first = next(stream)
    assert first.control_number == "000000001"
    stream.close()


def _big_file(path: Path, *, per_interchange: int, target: int = 10_000_000) -> int:
    one_set = set_850()
    size = 0
    n = 0
    with path.open("w") as fh:
        while size < target:
            n += 1
            sets = [set_850(f"{k:04d}") for k in range(1, per_interchange + 1)]
            text = interchange(sets, ctl=n)
            fh.write(text)
            size += len(text)
    assert one_set
    return size


@pytest.mark.parametrize("per_interchange", [20, 40_000])
def test_ten_megabytes_in_at_most_three_times_the_memory(
    tmp_path: Path, per_interchange: int
) -> None:
    path = tmp_path / "big.x12"
    size = _big_file(path, per_interchange=per_interchange)
    gc.collect()
    tracemalloc.start()
    try:
        sets = 0
        for ic in codec.read_file(path):
            for ts in ic.sets:
                sets += 1
                assert ts.accepted
                if sets % 100 == 0:  # a consumer looks at the segments (made afresh, then freed)
                    assert ts.first("BEG") is not None
            del ic  # a consumer that keeps the previous interchange pays for two
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sets > 20_000
    assert peak <= 3 * size, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB file"

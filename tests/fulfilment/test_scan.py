"""Reading what a scanner typed: plain lot or serial numbers, GS1-128 in human-readable and
raw form (FNC1 as GS, symbology prefix), and the errors a picker is shown."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderdesk.fulfilment.scan import (
    CSET82,
    GS,
    ScanError,
    encode_hri,
    encode_raw,
    gs1_date,
    gtin_check_digit,
    gtin_valid,
    scan_parse,
)

GTIN = "09501101530003"
TODAY = dt.date(2026, 3, 16)


def test_a_plain_lot_number_is_the_lot_as_typed_without_the_scanners_enter():
    scan = scan_parse("  LOT-2026-03A\r\n")

    assert (scan.gs1, scan.text, scan.code_for(serial=False)) == (
        False,
        "LOT-2026-03A",
        "LOT-2026-03A",
    )
    assert scan.code_for(serial=True) == "LOT-2026-03A"


def test_human_readable_gs1_gives_gtin_expiry_lot_serial_and_count():
    scan = scan_parse(f"(01){GTIN}(17)270630(10)ABC-1(21)SN0042(37)12", today=TODAY)

    assert scan.gs1
    assert (scan.gtin, scan.lot, scan.serial, scan.count) == (GTIN, "ABC-1", "SN0042", 12)
    assert scan.expiry == dt.date(2027, 6, 30)
    assert scan.code_for(serial=False) == "ABC-1"
    assert scan.code_for(serial=True) == "SN0042"


def test_raw_gs1_with_symbology_prefix_and_group_separators():
    raw = f"]C101{GTIN}10ABC-1{GS}21SN0042{GS}3712"

    scan = scan_parse(raw)

    assert (scan.gtin, scan.lot, scan.serial, scan.count) == (GTIN, "ABC-1", "SN0042", 12)
    assert scan.elements == (("01", GTIN), ("10", "ABC-1"), ("21", "SN0042"), ("37", "12"))


def test_raw_gs1_without_prefix_is_recognised_by_its_valid_gtin():
    scan = scan_parse(f"01{GTIN}10LOT7")

    assert (scan.gs1, scan.gtin, scan.lot) == (True, GTIN, "LOT7")


def test_a_fixed_length_field_needs_no_separator_and_tolerates_one():
    assert scan_parse(f"]C117270630{GS}10L1").lot == "L1"
    assert scan_parse("]C11727063010L1").lot == "L1"
    assert scan_parse("]C11727063010L1").expiry == gs1_date("270630")


def test_other_symbology_prefixes_and_fnc1_first_are_accepted():
    assert scan_parse(f"]d201{GTIN}10L2").lot == "L2"
    assert scan_parse(f"]Q3{GS}01{GTIN}21S9").serial == "S9"


def test_a_gtin_only_label_carries_no_lot():
    scan = scan_parse(f"(01){GTIN}")

    assert (scan.gs1, scan.lot, scan.code_for(serial=False)) == (True, "", "")


def test_unknown_or_other_ais_are_kept_aside():
    scan = scan_parse(f"(01){GTIN}(400)PO-77(10)L1")

    assert scan.extra == {"400": "PO-77"}
    assert scan.lot == "L1"


@pytest.mark.parametrize(
    ("scanned", "says"),
    [
        ("(01)09501101530004(10)L1", "wrong check digit"),
        ("(17)271330(10)L1", "month 13"),
        ("(17)270230x(10)L1", "must be 6 characters"),
        ("(10)ABCDEFGHIJKLMNOPQRSTU", "at most 20"),
        ("(10)AB CD", "cannot"),
        ("(10)", "is empty"),
        ("(99", "cannot read"),
        ("(10)L1(10)L2", "twice"),
        ("]C110", "empty"),
        ("]C1", "no data"),
        ("]C1ZZ12", "unknown application identifier"),
        ("(37)1x", "must be digits"),
    ],
)
def test_a_label_that_does_not_read_says_why(scanned, says):
    with pytest.raises(ScanError, match=says):
        scan_parse(scanned)


def test_gs1_dates_use_the_sliding_century_and_day_zero_is_month_end():
    assert gs1_date("270630", today=TODAY) == dt.date(2027, 6, 30)
    assert gs1_date("990101", today=TODAY) == dt.date(1999, 1, 1)
    assert gs1_date("760101", today=TODAY) == dt.date(2076, 1, 1)
    assert gs1_date("770101", today=TODAY) == dt.date(1977, 1, 1)
    assert gs1_date("280200", today=TODAY) == dt.date(2028, 2, 29)
    with pytest.raises(ScanError, match="day 31"):
        gs1_date("270431", today=TODAY)


def test_gtin_check_digit():
    assert gtin_check_digit(GTIN[:-1]) == 3
    assert gtin_valid(GTIN) and not gtin_valid("09501101530005")
    assert gtin_valid("4006381333931")  # EAN-13


# -- properties ---------------------------------------------------------------------------

_ALNUM = "".join(sorted(CSET82 - set("()")))
values = st.text(alphabet=_ALNUM, min_size=1, max_size=20)
digits13 = st.text(alphabet="0123456789", min_size=13, max_size=13)
dates = st.dates(min_value=dt.date(1977, 1, 1), max_value=dt.date(2075, 12, 31))


@st.composite
def labels(draw: st.DrawFn) -> tuple[list[tuple[str, str]], dict]:
    """A label's elements (in a random order) and what reading it must give."""
    expect: dict = {}
    elements: list[tuple[str, str]] = []
    if draw(st.booleans()):
        body = draw(digits13)
        gtin = body + str(gtin_check_digit(body))
        elements.append(("01", gtin))
        expect["gtin"] = gtin
    if draw(st.booleans()):
        day = draw(dates)
        elements.append(("17", day.strftime("%y%m%d")))
        expect["expiry"] = day
    if draw(st.booleans()):
        lot = draw(values)
        elements.append(("10", lot))
        expect["lot"] = lot
    if draw(st.booleans()):
        serial = draw(values)
        elements.append(("21", serial))
        expect["serial"] = serial
    if draw(st.booleans()):
        count = draw(st.integers(min_value=0, max_value=99_999_999))
        elements.append(("37", str(count)))
        expect["count"] = count
    if not elements:
        lot = draw(values)
        elements.append(("10", lot))
        expect["lot"] = lot
    order = draw(st.permutations(elements))
    return list(order), expect


def _check(scan, expect: dict) -> None:
    assert scan.gs1
    assert scan.gtin == expect.get("gtin", "")
    assert scan.lot == expect.get("lot", "")
    assert scan.serial == expect.get("serial", "")
    assert scan.count == expect.get("count")
    assert scan.expiry == expect.get("expiry")


@given(labels())
def test_any_label_reads_back_from_its_human_readable_form(label):
    elements, expect = label
    _check(scan_parse(encode_hri(elements), today=TODAY), expect)


@given(labels(), st.sampled_from(["]C1", "]d2", "]Q3"]))
def test_any_label_reads_back_from_what_the_scanner_sends(label, prefix):
    elements, expect = label
    scan = scan_parse(encode_raw(elements, prefix=prefix), today=TODAY)

    _check(scan, expect)
    assert list(scan.elements) == elements


@given(st.text(alphabet=_ALNUM.replace("0", ""), min_size=1, max_size=40))
def test_a_plain_number_is_never_taken_for_a_label(text):
    scan = scan_parse(text)

    assert (scan.gs1, scan.text) == (False, text)


@given(st.text(max_size=60))
def test_reading_anything_either_works_or_says_why(text):
    try:
        scan_parse(text)
    except ScanError as exc:
        assert str(exc)

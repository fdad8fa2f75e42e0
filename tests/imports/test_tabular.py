"""The pure reader and writer: encodings, delimiters, header, cell values, formula safety."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from orderdesk.core.tabular import (
    CellError,
    TableError,
    escape_formula,
    open_table,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    unescape_formula,
    write_table,
)


def rows(data: bytes, name: str = "f.csv", expected: tuple[str, ...] = ("sku",)) -> list:
    return list(open_table(data, name=name, expected=expected).rows())


def test_utf8_bom_is_not_part_of_the_first_column_name():
    table = open_table("\ufeffsku,description\nA-1,Vanne à bille\n".encode(), name="f.csv")
    assert table.header == ["sku", "description"]
    assert list(table.rows()) == [(2, ["A-1", "Vanne à bille"])]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_sniffed_from_the_header(delimiter):
    data = f"sku{delimiter}description\nA-1{delimiter}Valve, brass\n".encode()
    if delimiter == ",":
        data = b'sku,description\nA-1,"Valve, brass"\n'
    assert rows(data) == [(2, ["A-1", "Valve, brass"])]


def test_windows_1252_is_read_with_a_warning():
    table = open_table("sku,description\nA-1,Caf\xe9\n".encode("cp1252"), name="f.csv")
    assert list(table.rows()) == [(2, ["A-1", "Café"])]
    assert "Windows-1252" in table.warnings[0]


def test_a_title_line_above_the_header_is_skipped_and_row_numbers_stay_the_sheets():
    data = b"Item master export 2025-03-01\n\nsku,description\nA-1,Valve\n\nA-2,Pump\n"
    table = open_table(data, name="f.csv", expected=("sku",))
    assert (table.header_row, table.header) == (3, ["sku", "description"])
    assert list(table.rows()) == [(4, ["A-1", "Valve"]), (6, ["A-2", "Pump"])]
    assert "rows 1 to 2" in table.warnings[0]


def test_a_quoted_cell_over_two_lines_is_one_row():
    data = b'sku,description\nA-1,"Valve\nbrass"\nA-2,Pump\n'
    assert rows(data) == [(2, ["A-1", "Valve\nbrass"]), (3, ["A-2", "Pump"])]


def test_no_header_in_the_first_rows_is_a_file_error():
    with pytest.raises(TableError, match="no header row"):
        open_table(b"a,b\n1,2\n", name="f.csv", expected=("sku",))


def test_old_xls_files_are_refused_with_the_fix():
    with pytest.raises(TableError) as exc:
        open_table(b"\xd0\xcf\x11\xe0", name="items.xls")
    assert ".xlsx" in exc.value.fix


def test_xlsx_cells_keep_their_types_and_row_numbers():
    wb = Workbook()
    ws = wb.active
    ws.append(["Price file"])
    ws.append(["sku", "price", "valid_from", "active"])
    ws.append(["A-1", 12.5, dt.datetime(2025, 3, 1), True])
    ws.append([None, None, None, None])
    ws.append([1001, 3, None, False])
    out = io.BytesIO()
    wb.save(out)
    table = open_table(out.getvalue(), name="p.xlsx", expected=("sku",))
    assert table.header_row == 2
    assert list(table.rows()) == [
        (3, ["A-1", 12.5, dt.datetime(2025, 3, 1), True]),
        (5, [1001, 3, None, False]),
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12.50", Decimal("12.50")),
        ("1,250.50", Decimal("1250.50")),
        ("-3", Decimal(-3)),
        (12.5, Decimal("12.5")),
        (7, Decimal(7)),
        ("1e3", Decimal(1000)),
    ],
)
def test_numbers_are_read_exactly(text, value):
    assert parse_decimal(text, places=4) == value


@pytest.mark.parametrize(
    ("text", "fix"),
    [("12,5", "use a dot"), ("$12.50", "currency"), ("abc", "digits"), ("NaN", "")],
)
def test_a_number_that_is_not_clearly_one_is_refused_with_the_fix(text, fix):
    with pytest.raises(CellError) as exc:
        parse_decimal(text)
    assert fix in exc.value.fix


def test_too_many_decimal_places_is_refused_not_rounded():
    with pytest.raises(CellError, match="more than 4 decimal places"):
        parse_decimal("1.23456", places=4)
    assert parse_decimal("1.50000", places=4) == Decimal("1.5")


def test_whole_numbers_dates_and_yes_no():
    assert parse_int("30") == 30
    assert parse_int(30.0) == 30
    with pytest.raises(CellError, match="whole number"):
        parse_int("2.5")
    assert parse_date("2025-03-31") == dt.date(2025, 3, 31)
    assert parse_date(dt.datetime(2025, 3, 31, 0, 0)) == dt.date(2025, 3, 31)
    with pytest.raises(CellError) as exc:
        parse_date("31/03/2025")
    assert "YYYY-MM-DD" in exc.value.fix
    assert [parse_bool(v) for v in ("yes", "Y", "1", "TRUE", "no", "0", False)] == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
    ]
    with pytest.raises(CellError, match="not yes or no"):
        parse_bool("maybe")


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x","y")', "+cmd", "-2+3", "@SUM(A1)", "\tx", "'=x", "''+y"]
)
def test_formula_text_is_escaped_and_comes_back_the_same(text):
    escaped = escape_formula(text)
    assert escaped.startswith("'")
    assert unescape_formula(escaped) == text


@pytest.mark.parametrize("text", ["-5", "+1.5", "Valve", "it's", "'quoted'", ""])
def test_plain_text_and_numbers_are_written_as_they_are(text):
    assert escape_formula(text) == text
    assert unescape_formula(text) == text


@given(st.text())
def test_escaping_round_trips_any_text(text):
    assert unescape_formula(escape_formula(text)) == text


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_written_files_read_back_the_same_text(tmp_path, suffix):
    path = tmp_path / f"out{suffix}"
    data = [['=HYPERLINK("http://evil","x")', Decimal("12.5"), dt.date(2025, 1, 2), True, None]]
    write_table(path, ["name", "price", "valid_from", "active", "note"], data)
    table = open_table(path, expected=("name",))
    ((_number, cells),) = table.rows()
    assert cells[0] == '=HYPERLINK("http://evil","x")'
    assert parse_decimal(cells[1]) == Decimal("12.5")
    assert parse_date(cells[2]) == dt.date(2025, 1, 2)
    assert parse_bool(cells[3]) is True


def test_an_xlsx_export_holds_no_formula_cell(tmp_path):
    path = tmp_path / "out.xlsx"
    write_table(path, ["name"], [['=HYPERLINK("http://evil","x")'], ["@cmd"]])
    ws = load_workbook(path).active
    assert [c.data_type for (c,) in ws.iter_rows(min_row=2)] == ["s", "s"]
    assert ws["A2"].value == '\'=HYPERLINK("http://evil","x")'

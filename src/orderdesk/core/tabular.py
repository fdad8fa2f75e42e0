"""Reading and writing the CSV and XLSX files clerks keep (pure: no Django).

Files come from spreadsheets, old ERPs and hand edits, so reading is forgiving about the
shape (UTF-8 with or without BOM, Windows-1252, `,` `;` TAB or `|` delimiters, a title line
above the header, blank rows) and strict about values: a cell that is not clearly a number,
a date or a yes/no is refused with a message that says what to write instead, because a
guessed value in master data is worse than a reported one.

Row numbers are those a spreadsheet shows (the first line is row 1), so a clerk can go
straight to the cell. Writing guards against formula injection: a text cell that a
spreadsheet would run as a formula gets a leading apostrophe, and reading removes it again,
so an export re-imports as the same text.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

# A text cell starting with = + - @ TAB or CR is run as a formula by Excel, LibreOffice, Sheets.
_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")
_NEEDS_ESCAPE = re.compile(r"^'*[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_DELIMITERS = (",", ";", "\t", "|")
_HEADER_SEARCH_ROWS = 20
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

Source = Path | str | bytes


class TableError(ValueError):
    """The file as a whole cannot be read (not CSV/XLSX, no header, unreadable encoding)."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


class CellError(ValueError):
    """One cell cannot be read as what its column holds; `fix` says what to write instead."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


# --- formula injection -------------------------------------------------------------------


def escape_formula(text: str) -> str:
    """Prefix an apostrophe where a spreadsheet would evaluate the text.

    Plain numbers ("-5", "+1.5") are left alone: they cannot run anything, and quantities
    must stay readable. Text already starting with apostrophes before a formula character
    gets one more, so `unescape_formula` gives back exactly the original.
    """
    if _NEEDS_ESCAPE.match(text) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def unescape_formula(text: str) -> str:
    if _ESCAPED.match(text):
        return text[1:]
    return text


# --- reading -----------------------------------------------------------------------------


def normalise_header(text: object) -> str:
    """'Account Number ' / 'account-number' / 'ACCOUNT_NUMBER' all name one column."""
    if text is None:
        return ""
    name = str(text).strip().lstrip("\ufeff").strip().lower()
    name = re.sub(r"[\s\-/.]+", "_", name)
    return name.strip("_")


@dataclass
class Table:
    """A readable table: where its header is, and its data rows on demand.

    `rows()` reads the file again on each call, so a 100,000-row file never has to sit in
    memory as Python objects.
    """

    name: str
    format: str
    header: list[str]
    header_row: int
    encoding: str = "utf-8"
    delimiter: str = ","
    warnings: list[str] = field(default_factory=list)
    _open_rows: Callable[[], Iterator[Sequence[Any]]] | None = None
    _size: int | None = None

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(spreadsheet row number, cells) for each non-blank row below the header."""
        assert self._open_rows is not None
        for number, cells in enumerate(self._open_rows(), start=1):
            if number <= self.header_row:
                continue
            values = [
                (unescape_formula(t) if (t := c.strip())[:1] == "'" else t)
                if c.__class__ is str
                else c
                for c in cells
            ]
            if any(v is not None and v != "" for v in values):
                yield number, values

    def estimated_rows(self) -> int | None:
        return self._size

    def map_columns(self, names: dict[str, str], *, ignore: str = "") -> HeaderMap:
        """Which cell holds which known column; `names` maps spellings to column names."""
        found = HeaderMap()
        for i, text in enumerate(self.header):
            norm = normalise_header(text)
            if not norm or norm == ignore:
                continue
            if norm not in names:
                found.unknown.append(text)
            elif names[norm] in found.index:
                found.repeated.append(text)
            else:
                found.index[names[norm]] = i
        return found

    def write_rejects(
        self, target: Path | str | IO[bytes], rows: Iterable[tuple[list[Any], str]], column: str
    ) -> int:
        """Rows as read plus a `column` saying what is wrong, in this table's own format.

        A previous run's `column` is dropped, so a corrected error file imports as it is.
        """
        keep = [i for i, h in enumerate(self.header) if normalise_header(h) != column]
        width = len(self.header)

        def lines() -> Iterator[list[Any]]:
            for cells, message in rows:
                padded = list(cells) + [None] * (width - len(cells))
                yield [padded[i] for i in keep] + [message]

        header = [self.header[i] for i in keep] + [column]
        return write_table(target, header, lines(), format=self.format)


@dataclass
class HeaderMap:
    index: dict[str, int] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)


def open_table(source: Source, *, name: str | None = None, expected: Iterable[str] = ()) -> Table:
    """Open a CSV or XLSX file (by extension, or by content for bytes).

    `expected` are the column names the caller knows: the header is the first row, among the
    top rows, naming at least one of them, so a title line above the header is skipped.
    """
    data: bytes | None = None
    if isinstance(source, bytes):
        data = source
        label = name or "upload"
    else:
        label = name or str(source)
    path = None if isinstance(source, bytes) else Path(source)
    kind = _kind(path, data, label)
    expected_set = {normalise_header(e) for e in expected}
    table = _open_xlsx(path, data, label) if kind == "xlsx" else _open_csv(path, data, label)
    _find_header(table, expected_set)
    return table


def _kind(path: Path | None, data: bytes | None, label: str) -> str:
    suffix = Path(label if path is None else path).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if suffix == ".xls":
        raise TableError(
            f"{label}: the old Excel .xls format cannot be read",
            "save the sheet as .xlsx (Excel Workbook) or .csv and import that",
        )
    head = data[:4] if data is not None else (path.open("rb").read(4) if path else b"")
    return "xlsx" if head.startswith(b"PK\x03\x04") else "csv"


def _decode_check(raw: bytes, label: str, warnings: list[str]) -> str:
    """The encoding to read with: UTF-8 (BOM or not), else Windows-1252 with a warning."""
    with contextlib.suppress(UnicodeDecodeError):
        raw.decode("utf-8-sig")
        return "utf-8-sig"
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise TableError(
            f"{label}: the file is neither UTF-8 nor Windows-1252 text",
            "save it as 'CSV UTF-8 (Comma delimited)'",
        ) from exc
    warnings.append(
        f"{label}: the file is not UTF-8; it was read as Windows-1252. "
        "Save it as 'CSV UTF-8' to be sure accented names come through unchanged."
    )
    return "cp1252"


def sniff_delimiter(sample: str) -> str:
    """The delimiter that splits the top lines into the same number of cells most often.

    `,` `;` TAB and `|` are tried; quoted text is skipped, so a comma inside a description
    of a semicolon file does not win. A file with one column falls back to the comma.
    """
    lines = [ln for ln in sample.splitlines()[:_HEADER_SEARCH_ROWS] if ln.strip()]
    best, best_score = ",", (0, 0)
    for delim in _DELIMITERS:
        counts = [_count_outside_quotes(ln, delim) for ln in lines]
        present = [c for c in counts if c]
        if not present:
            continue
        usual = max(set(present), key=present.count)
        score = (counts.count(usual), usual)
        if score > best_score:
            best, best_score = delim, score
    return best


def _count_outside_quotes(line: str, delim: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delim and not quoted:
            count += 1
    return count


def _open_csv(path: Path | None, data: bytes | None, label: str) -> Table:
    warnings: list[str] = []
    raw = data if data is not None else path.read_bytes()  # type: ignore[union-attr]
    encoding = _decode_check(raw, label, warnings)
    sample = raw[:65536].decode(encoding, errors="replace")
    delimiter = sniff_delimiter(sample)
    size = max(raw.count(b"\n") - 1, 0)  # less the header: a progress bar estimate
    del raw

    def open_rows() -> Iterator[Sequence[Any]]:
        binary: IO[bytes] = io.BytesIO(data) if data is not None else path.open("rb")  # type: ignore[union-attr]
        with io.TextIOWrapper(binary, encoding=encoding, newline="") as text:
            yield from csv.reader(text, delimiter=delimiter)

    return Table(
        name=label,
        format="csv",
        header=[],
        header_row=0,
        encoding=encoding,
        delimiter=delimiter,
        warnings=warnings,
        _open_rows=open_rows,
        _size=size,
    )


def _open_xlsx(path: Path | None, data: bytes | None, label: str) -> Table:
    import zipfile

    from openpyxl import load_workbook

    def workbook() -> Any:
        handle = io.BytesIO(data) if data is not None else path
        try:
            return load_workbook(handle, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise TableError(
                f"{label}: not a readable .xlsx workbook ({exc})",
                "open it in Excel or LibreOffice and save it again as .xlsx",
            ) from exc

    wb = workbook()
    ws = wb.worksheets[0]
    warnings: list[str] = []
    others = [s.title for s in wb.worksheets[1:] if s.max_row and s.max_row > 1]
    if others:
        warnings.append(
            f"{label}: only the first sheet '{ws.title}' was read; these sheets were not: "
            + ", ".join(others)
        )
    size = ws.max_row
    wb.close()

    def open_rows() -> Iterator[Sequence[Any]]:
        book = workbook()
        try:
            sheet = book.worksheets[0]
            sheet.reset_dimensions()  # writers that store wrong dimensions would hide cells
            yield from sheet.iter_rows(min_row=1, values_only=True)
        finally:
            book.close()

    return Table(
        name=label,
        format="xlsx",
        header=[],
        header_row=0,
        warnings=warnings,
        _open_rows=open_rows,
        _size=size,
    )


def _find_header(table: Table, expected: set[str]) -> None:
    assert table._open_rows is not None
    for number, cells in enumerate(table._open_rows(), start=1):
        if number > _HEADER_SEARCH_ROWS:
            break
        names = [normalise_header(c) for c in cells]
        if not any(names):
            continue
        if not expected or expected.intersection(names):
            header = ["" if c is None else str(c).strip().lstrip("\ufeff") for c in cells]
            while header and not header[-1]:
                header.pop()
            table.header, table.header_row = header, number
            if number > 1:
                table.warnings.append(
                    f"{table.name}: rows 1 to {number - 1} above the header were not read"
                )
            return
    known = ", ".join(sorted(expected)[:8])
    raise TableError(
        f"{table.name}: no header row found in the first {_HEADER_SEARCH_ROWS} rows",
        f"put the column names in the first row, e.g. {known}" if known else "add a header row",
    )


# --- cell values -------------------------------------------------------------------------

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_TRUE = {"1", "true", "t", "yes", "y", "x", "on"}
_FALSE = {"0", "false", "f", "no", "n", "off"}
_DATE_SHAPES = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers from a spreadsheet lose their '.0', dates go ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format_decimal(value)
    return str(value)


def parse_decimal(value: Any, *, places: int | None = None) -> Decimal:
    """A number as Decimal; refuses decimal commas, currency signs and too many decimals.

    `1,250.50` (thousands grouping) is read; `12,5` is refused rather than read as 125.
    """
    if isinstance(value, bool):
        raise CellError(f"'{value}' is not a number", "write a number such as 12.50")
    if isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, Decimal):
        result = value
    else:
        text = str(value).strip().replace(" ", "")
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        if not _NUMBER.match(text):
            fix = "write digits with a dot for decimals, e.g. 1250.50"
            if "," in text:
                fix = "use a dot, not a comma, for decimals (12.5, not 12,5)"
            elif text[:1] in "$€£¥" or text[-1:] in "$€£¥%":
                fix = "leave out currency and percent signs: write only the number"
            raise CellError(f"'{value}' is not a number", fix)
        try:
            result = Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - regex guards this
            raise CellError(f"'{value}' is not a number", "write a number such as 12.50") from exc
    if not result.is_finite():
        raise CellError(f"'{value}' is not a finite number", "write a number such as 12.50")
    if places is not None and result != result.quantize(Decimal(1).scaleb(-places), "ROUND_DOWN"):
        raise CellError(
            f"'{value}' has more than {places} decimal places",
            f"round it to {places} decimal places",
        )
    return result


def parse_int(value: Any) -> int:
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise CellError(f"'{value}' is not a whole number", "write a whole number such as 30")
    return int(number)


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    for shape in _DATE_SHAPES:
        try:
            return dt.datetime.strptime(text, shape).date()
        except ValueError:
            continue
    if len(text) > 10 and text[10] in "T ":
        with contextlib.suppress(ValueError):
            return dt.datetime.fromisoformat(text).date()
    raise CellError(f"'{text}' is not a date", "write the date as YYYY-MM-DD, e.g. 2025-03-31")


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"'{text}' is not yes or no", "write yes or no (or true/false, 1/0)")


@dataclass
class CellReader:
    """How one column reads its cells: the kind and the limits the target field sets."""

    kind: str = "text"  # text, int, decimal, date, bool
    upper: bool = False
    max_length: int | None = None
    places: int | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    positive: bool = False
    choices: dict[str, str] = field(default_factory=dict)  # normalised spelling → value
    check: Callable[[Any], Any] | None = None

    def build(self) -> Callable[[Any], Any]:
        """The reading function, specialised once: it runs for every cell of the column."""
        kind, check = self.kind, self.check
        if kind == "text":
            read = self._text()
        elif kind == "decimal":
            read = self._decimal()
        elif kind == "int":

            def read(raw: Any) -> Any:
                value = (
                    int(raw)
                    if raw.__class__ is str and raw.isascii() and raw.isdigit()
                    else parse_int(raw)
                )
                self._range(Decimal(value))
                return value

        elif kind in ("date", "bool"):
            read = parse_date if kind == "date" else parse_bool
        else:
            raise ValueError(f"unknown cell kind {kind}")
        if check is None:
            return read
        return lambda raw: check(read(raw))

    def _text(self) -> Callable[[Any], Any]:
        upper, limit, choices = self.upper, self.max_length, self.choices

        def read(raw: Any) -> str:
            value = raw if raw.__class__ is str else cell_text(raw)
            if upper:
                value = value.upper()
            if limit and len(value) > limit:
                raise CellError(
                    f"'{value[:40]}' has {len(value)} characters, at most {limit} fit",
                    f"shorten it to {limit} characters",
                )
            if choices:
                found = choices.get(value) or choices.get(normalise_header(value))
                if found is None:
                    allowed = ", ".join(dict.fromkeys(choices.values()))
                    raise CellError(f"'{value}' is not allowed", f"use one of: {allowed}")
                value = found
            return value

        return read

    def _decimal(self) -> Callable[[Any], Any]:
        places = self.places
        checked = self.positive or self.minimum is not None or self.maximum is not None

        def read(raw: Any) -> Decimal:
            # The common cell ("12.50") is read directly; anything else takes the slow path
            # that knows thousands separators and says what is wrong.
            value = None
            if raw.__class__ is str and "_" not in raw:
                try:
                    value = Decimal(raw)
                except InvalidOperation:
                    value = None
                else:
                    exponent = value.as_tuple().exponent
                    if not isinstance(exponent, int) or (places is not None and exponent < -places):
                        value = None
            if value is None:
                value = parse_decimal(raw, places=places)
            if checked:
                self._range(value)
            return value

        return read

    def _range(self, value: Decimal) -> None:
        if self.positive and value <= 0:
            raise CellError(f"{value} must be greater than zero", "write a positive number")
        if self.minimum is not None and value < self.minimum:
            raise CellError(f"{value} is below {self.minimum}", f"write {self.minimum} or more")
        if self.maximum is not None and value > self.maximum:
            raise CellError(f"{value} is above {self.maximum}", f"write {self.maximum} or less")


# --- writing -----------------------------------------------------------------------------


def format_decimal(value: Decimal) -> str:
    """Plain notation without trailing zeros: 12.5000 → 12.5, 1E+2 → 100."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, int | float):
        return cell_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return escape_formula(str(value))


def _xlsx_cell(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | dt.date):
        return value
    if isinstance(value, Decimal):
        # Excel keeps 15 significant digits; beyond that the text form stays exact.
        return value if len(value.normalize().as_tuple().digits) <= 15 else format_decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    return escape_formula(_XLSX_ILLEGAL.sub("", str(value)))


def write_table(
    target: Path | str | IO[bytes],
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    format: str | None = None,
) -> int:
    """Write rows as CSV (UTF-8 with BOM, so Excel shows accents) or XLSX; returns the count.

    The format follows the file extension unless given. Text is formula-escaped in both.
    """
    suffix = Path(str(getattr(target, "name", target))).suffix.lower()
    fmt = format or ("xlsx" if suffix in (".xlsx", ".xlsm") else "csv")
    if fmt == "xlsx":
        return _write_xlsx(target, header, rows)
    return _write_csv(target, header, rows)


def _write_csv(target: Path | str | IO[bytes], header: Sequence[str], rows: Iterable[Any]) -> int:
    count = 0
    binary: IO[bytes] = (
        open(target, "wb")  # noqa: SIM115 - closed below with the wrapper
        if isinstance(target, str | Path)
        else target
    )
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow([escape_formula(str(h)) for h in header])
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])
            count += 1
        text.flush()
    finally:
        if isinstance(target, str | Path):
            text.close()
        else:
            text.detach()
    return count


def _write_xlsx(target: Path | str | IO[bytes], header: Sequence[str], rows: Iterable[Any]) -> int:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append([escape_formula(str(h)) for h in header])
    count = 0
    for row in rows:
        ws.append([_xlsx_cell(v) for v in row])
        count += 1
    wb.save(target)
    return count

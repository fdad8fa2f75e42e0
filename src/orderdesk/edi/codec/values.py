"""X12 element values: raw text ↔ Python, and the checks a value must pass.

One place decides what a valid N2, R, DT or TM is, for the reader's error messages, the
typed accessors and the writer's formatting alike.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

_NUMERIC = re.compile(r"-?\d+\Z")
_REAL = re.compile(r"-?(?:\d+\.?\d*|\.\d+)\Z")
_DIGITS = re.compile(r"\d+\Z")


@lru_cache(maxsize=4096)
def parse_date(raw: str) -> dt.date | None:
    """CCYYMMDD, or YYMMDD read with the POSIX window (00–68 → 20YY, 69–99 → 19YY)."""
    if not _DIGITS.match(raw):
        return None
    try:
        if len(raw) == 8:
            return dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
        if len(raw) == 6:
            yy = int(raw[:2])
            return dt.date(2000 + yy if yy < 69 else 1900 + yy, int(raw[2:4]), int(raw[4:]))
    except ValueError:
        return None
    return None


@lru_cache(maxsize=4096)
def parse_time(raw: str) -> dt.time | None:
    """HHMM, HHMMSS, HHMMSSd or HHMMSSdd (decimal seconds)."""
    if len(raw) not in (4, 6, 7, 8) or not _DIGITS.match(raw):
        return None
    try:
        hh, mm = int(raw[:2]), int(raw[2:4])
        ss = int(raw[4:6]) if len(raw) >= 6 else 0
        frac = raw[6:]
        micro = int(frac.ljust(6, "0")) if frac else 0
        return dt.time(hh, mm, ss, micro)
    except ValueError:
        return None


def parse_number(type_: str, raw: str) -> Decimal | None:
    """N0..N9 (implied decimals) or R; None when not a number of that type."""
    if type_ == "R":
        if not _REAL.match(raw):
            return None
        try:
            return Decimal(raw)
        except InvalidOperation:  # pragma: no cover - the pattern rules it out
            return None
    if not _NUMERIC.match(raw):
        return None
    places = int(type_[1:] or "0")
    value = Decimal(raw)
    return value.scaleb(-places) if places else value


def _number(type_: str) -> Any:
    places = int(type_[1:] or "0") if type_ != "R" else 0

    def convert(raw: str) -> Decimal | str:
        ok = _REAL.match(raw) if type_ == "R" else _NUMERIC.match(raw)
        if not ok:
            return raw
        value = Decimal(raw)
        return value.scaleb(-places) if places else value

    return convert


def _as_date(raw: str) -> Any:
    return parse_date(raw) or raw


def _as_time(raw: str) -> Any:
    return parse_time(raw) or raw


#: type → converter of a non-empty raw value; types not here stay strings.
_CONVERT: dict[str, Any] = {
    "DT": _as_date,
    "TM": _as_time,
    "R": _number("R"),
    **{f"N{k}": _number(f"N{k}") for k in range(10)},
    "N": _number("N0"),
}


def typed(type_: str, raw: str) -> Any:
    """The Python value of a raw element; None when empty, the raw text when invalid."""
    convert = _CONVERT.get(type_)
    if convert is None:
        return raw
    if not raw:
        return None
    return convert(raw)


def digit_count(raw: str) -> int:
    """Length as X12 counts it for numbers: digits only (no sign, no decimal point)."""
    return sum(1 for ch in raw if ch.isdigit())


# --- formatting (writer) ---------------------------------------------------------------


def format_number(type_: str, value: Any, min_len: int) -> str:
    """A number as N<k> (implied decimals, zero-padded to `min_len`) or R (shortest form)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if type_ == "R":
        text = _plain(number)
        if text.startswith("-"):
            digits = len(text) - 1 - ("." in text)
            pad = max(0, min_len - digits)
            return "-" + "0" * pad + text[1:] if pad else text
        digits = len(text) - ("." in text)
        return "0" * max(0, min_len - digits) + text
    places = int(type_[1:] or "0")
    scaled = number.scaleb(places).quantize(Decimal(1))
    if scaled != number.scaleb(places):
        raise ValueError(f"{value} has more than {places} decimal places")
    sign = "-" if scaled < 0 else ""
    text = str(abs(int(scaled)))
    return sign + text.rjust(min_len, "0")


def _plain(number: Decimal) -> str:
    """R without exponent and without trailing zeros after the point ("10.50" → "10.5")."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text


def format_date(value: Any, max_len: int) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise ValueError(f"{value!r} is not a date")
    return value.strftime("%Y%m%d") if max_len >= 8 else value.strftime("%y%m%d")


def format_time(value: Any, min_len: int, max_len: int) -> str:
    if isinstance(value, dt.datetime):
        value = value.time()
    if not isinstance(value, dt.time):
        raise ValueError(f"{value!r} is not a time")
    text = value.strftime("%H%M")
    want_seconds = min_len >= 6 or (max_len >= 6 and (value.second or value.microsecond))
    if want_seconds:
        text += value.strftime("%S")
        if max_len >= 7 and value.microsecond:
            frac = f"{value.microsecond:06d}"[: max_len - 6].rstrip("0")
            text += frac
    return text

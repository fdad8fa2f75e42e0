"""Splitting text into segments, the one way every part of the codec does it."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from .model import Delimiters
from .values import parse_date, parse_time

_WS = " \t\r\n"


def split_set(text: str, start: int, end: int, d: Delimiters) -> tuple[list[str], bool]:
    """A set's segment texts, stripped; repairs a terminator missing at a line end.

    Returns (pieces, repaired). A piece that spans a line break is split there when what
    follows the break starts like a segment ("N3*"): the terminator was forgotten.
    """
    term = d.segment
    ws = d.strip
    pieces = [q for p in text[start:end].split(term) if (q := p.strip(ws))]
    if term == "\n":
        return pieces, False
    for q in pieces:
        if "\n" in q:
            break
    else:
        return pieces, False
    return _repair(pieces, d, ws)


def _repair(pieces: list[str], d: Delimiters, ws: str) -> tuple[list[str], bool]:
    out: list[str] = []
    repaired = False
    start_rx = _segment_start(d.element)
    for piece in pieces:
        if "\n" in piece:
            lines = [ln.strip(ws) for ln in piece.split("\n")]
            current = lines[0]
            for line in lines[1:]:
                if not line:
                    continue
                if start_rx.match(line):
                    out.append(current)
                    current = line
                    repaired = True
                else:
                    current = f"{current}\n{line}"
            piece = current
        out.append(piece)
    return out, repaired


@lru_cache(maxsize=64)
def _segment_start(element: str) -> re.Pattern[str]:
    return re.compile(f"[A-Z][A-Z0-9]{{1,2}}(?:{re.escape(element)}|\\Z)")


def isa_datetime(date6: str, time4: str) -> dt.datetime | None:
    d = parse_date(date6) if len(date6) == 6 else None
    t = parse_time(time4) if len(time4) == 4 else None
    if d is None:
        return None
    return dt.datetime.combine(d, t or dt.time())

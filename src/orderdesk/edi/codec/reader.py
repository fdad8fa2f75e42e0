"""The tolerant, streaming X12 reader.

Real partners send a UTF-8 BOM, CR/LF and indentation between segments, a line break as the
terminator, an ISA a character short, a terminator forgotten at the end of a line, several
interchanges in one file, TA1s anywhere between groups. We read all of that (with warnings)
and check every envelope: what we cannot read becomes a Problem with its TA1 / 997 code,
never an exception.

Delimiters come from the ISA's own element separators: the 16th separator is found by
counting, not at a fixed column, so a short or long ISA still yields ISA16 and the
terminator. A file is read in chunks and each interchange is handed out as soon as its IEA
has been seen, so a 10 MB file needs its interchange's text plus a chunk in memory, and a
set keeps offsets into that text instead of a list of segment objects (see model.py).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from os import PathLike

from .envelope import parse_interchange
from .model import Delimiters, Interchange, Problem

CHUNK = 1 << 20
_SKIP = re.compile(r"[\s\ufeff\x00\x1a]*")
_ISA = re.compile(r"ISA(?=[^0-9A-Za-z\s])")
_WS = " \t\r\n"
#: How far after "ISA" the 16th element separator may be (standard: 103).
_ISA_MAX = 130


def read(data: bytes | str) -> Iterator[Interchange]:
    """Interchanges in `data`, one at a time; bad input gives problems, never an exception."""
    if isinstance(data, str):
        text = data
    else:
        raw = bytes(data)
        text = raw.decode(_encoding(raw[:2]), errors="replace")
    reader = _Reader()
    reader.push(text)
    yield from reader.pull(eof=True)


def read_file(path: str | PathLike[str]) -> Iterator[Interchange]:
    """Interchanges in the file at `path`, read in 1 MB chunks (streaming)."""
    reader = _Reader()
    with open(path, "rb") as fh:
        decoder = codecs.getincrementaldecoder(_encoding(fh.read(2)))(errors="replace")
        fh.seek(0)
        while True:
            chunk = fh.read(CHUNK)
            eof = not chunk
            reader.push(decoder.decode(chunk, final=eof))
            yield from reader.pull(eof=eof)
            if eof:
                return


def _encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM), or UTF-16 when a BOM says so (some Windows tools)."""
    return "utf-16" if head in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"


def _problem(code: str, message: str, *, severity: str = "error", **kw: object) -> Problem:
    return Problem(level="interchange", code=code, message=message, severity=severity, **kw)  # type: ignore[arg-type]


def _starts_segment(buf: str, i: int, term: str) -> bool:
    """Is position i the start of a segment: after a terminator or a line break?"""
    j = i - 1
    while j >= 0 and buf[j] in " \t\r" and buf[j] != term:
        j -= 1
    return j < 0 or buf[j] == term or buf[j] == "\n"


def _find_segment(buf: str, lit: str, start: int, term: str) -> int:
    """The next segment that begins with `lit` ("IEA*"), by string search."""
    while True:
        i = buf.find(lit, start)
        if i == -1 or _starts_segment(buf, i, term):
            return i
        start = i + 1


def _find_isa(buf: str, start: int, end: int, term: str) -> int:
    for m in _ISA.finditer(buf, start, end):
        if _starts_segment(buf, m.start(), term):
            return m.start()
    return -1


class _Reader:
    """Holds the unread text; `pull` hands out every interchange complete in it."""

    def __init__(self) -> None:
        self.buf = ""
        self.pos = 0
        self.search_from = 0
        self.seen: set[tuple[str, str, str]] = set()
        self.count = 0
        self.pending: list[Problem] = []
        self.parts: list[str] = []
        self.scanned = 0
        self.tail = ""
        self.element = ""
        self.base = 0
        self.join_next = False

    def push(self, chunk: str) -> None:
        """Take the next chunk. While an interchange is incomplete its chunks are only listed
        (and scanned for its end); they are joined once, when its IEA has come: joining on
        every chunk would copy a 10 MB interchange ten times and hold two copies at once."""
        if not chunk:
            return
        if self.pos >= len(self.buf) and not self.parts:
            self.base += len(self.buf)
            self.search_from = 0
            self.buf, self.pos = chunk, 0
            return
        self.parts.append(chunk)

    def _join(self, eof: bool) -> None:
        if not self.parts:
            return
        if (
            not eof
            and not self.join_next
            and len(self.buf) - self.pos >= _ISA_MAX + 2
            and not self._end_seen()
        ):
            return
        self.join_next = False
        self.base += self.pos
        self.search_from = max(0, self.search_from - self.pos)
        self.buf = "".join([self.buf[self.pos :], *self.parts])
        self.pos = 0
        self.parts = []
        self.scanned = 0
        self.tail = ""

    def _end_seen(self) -> bool:
        """Might the listed chunks hold the IEA (or the next ISA)? A false yes only joins
        early."""
        lit = "IEA" + self.element if self.element else "IEA"
        found = False
        for part in self.parts[self.scanned :]:
            probe = self.tail + part
            if lit in probe or _ISA.search(probe):
                found = True
            self.tail = probe[-16:]
        self.scanned = len(self.parts)
        return found

    def pull(self, *, eof: bool) -> Iterator[Interchange]:
        while True:
            self._join(eof)
            ic = self._next(eof)
            if ic is None:
                break
            self.count += 1
            yield ic
        if eof and self.count == 0:
            self.count += 1
            yield _placeholder(
                "", _problem("023", "the file is empty: no interchange (ISA) in it"), self.base
            )

    # --- one interchange ---------------------------------------------------------------

    def _next(self, eof: bool) -> Interchange | None:
        buf = self.buf
        n = len(buf)
        pos = _SKIP.match(buf, self.pos).end()  # type: ignore[union-attr]
        self.pos = pos
        if pos >= n:
            return None
        if not buf.startswith("ISA", pos) or not _ISA.match(buf, pos):
            m = _ISA.search(buf, pos)
            if m is None:
                if not eof:
                    return None
                self.pos = n
                return _placeholder(
                    buf[pos:] if pos else buf,
                    _problem(
                        "022",
                        "no interchange header (ISA) found"
                        + (" after the last interchange" if self.count else " in the file"),
                        fix="send X12 that starts with an ISA segment",
                        raw=buf[pos : pos + 80],
                    ),
                    self.base + pos,
                )
            self.pending.append(
                _problem(
                    "022",
                    f"{m.start() - pos} characters before the ISA were skipped",
                    severity="warning",
                    raw=buf[pos : min(m.start(), pos + 80)],
                )
            )
            pos = self.pos = m.start()
        return self._interchange(pos, eof)

    def _interchange(self, pos: int, eof: bool) -> Interchange | None:
        buf = self.buf
        n = len(buf)
        e = buf[pos + 3]
        limit = min(n, pos + _ISA_MAX)
        sep = pos + 3
        for _ in range(15):
            sep = buf.find(e, sep + 1, limit)
            if sep == -1:
                break
        if sep == -1 or sep + 2 >= n:
            if not eof and n < pos + _ISA_MAX + 2:
                return None
            return self._skip_broken(
                pos,
                _problem(
                    "023" if sep != -1 or n < pos + _ISA_MAX else "022",
                    "the ISA segment is incomplete: fewer than 16 elements",
                    segment_id="ISA",
                    raw=buf[pos : pos + 110],
                    fix="send a complete 106-character ISA",
                ),
                eof,
            )
        s16 = sep
        component = buf[s16 + 1]
        term = buf[s16 + 2]
        isa_end = s16 + 3
        warnings = list(self.pending)
        elements = [*buf[pos + 4 : s16].split(e), component]
        if term in " \t":
            j = isa_end
            while j < n and buf[j] in " \t":
                j += 1
            if j < n and buf[j] in "\r\n":
                warnings.append(
                    _problem(
                        "004",
                        "a space precedes every line break: the line break is read as the "
                        "segment terminator",
                        severity="warning",
                        segment_id="ISA",
                    )
                )
                term = "\n"
                nl = buf.find("\n", j)
                isa_end = (nl + 1) if nl != -1 else n
        fatal = None
        if component.isalnum() or component in (e, " "):
            fatal = _problem(
                "027",
                f"ISA16 '{component}' cannot be the component separator",
                segment_id="ISA",
                element=16,
            )
        elif term.isalnum() or term in (e, component):
            fatal = _problem(
                "004",
                f"'{term}' after ISA16 cannot be the segment terminator",
                segment_id="ISA",
            )
        if fatal is not None:
            return self._skip_broken(pos, fatal, eof, warnings)
        length = s16 + 3 - pos
        if length != 106:
            warnings.append(
                _problem(
                    "022",
                    f"the ISA is {length} characters long, not 106; delimiters were found by "
                    "counting its element separators",
                    severity="warning",
                    segment_id="ISA",
                    fix="pad ISA06/ISA08 to 15 characters",
                    raw=buf[pos : s16 + 2],
                )
            )
        isa11 = elements[10] if len(elements) > 10 else ""
        repetition = "U"
        if len(isa11) == 1 and not isa11.isalnum() and isa11 not in (" ", e, component, term):
            repetition = isa11
        delims = Delimiters(
            element=e,
            component=component,
            repetition=repetition,
            segment=term,
            line_break=_line_break(buf, isa_end, term),
        )
        # Where does it end: its IEA, or (IEA missing) the next ISA, or the end of the file.
        iea = _find_segment(buf, "IEA" + e, max(self.search_from, isa_end), term)
        if iea == -1 and not eof:
            self.search_from = max(isa_end, n - 8)
            self.element = e
            return None
        nxt_isa = _find_isa(buf, isa_end, n if iea == -1 else iea, term)
        end_problem: Problem | None = None
        if nxt_isa != -1:
            end = nxt_isa
            end_problem = _problem(
                "023",
                "the interchange has no IEA: the next ISA follows",
                segment_id="IEA",
                fix="end every interchange with IEA",
            )
        elif iea == -1:
            end = n
            end_problem = _problem(
                "023",
                "the file ends before the interchange's IEA",
                segment_id="IEA",
                fix="send the whole interchange, ending with IEA",
            )
        else:
            te = buf.find(term, iea)
            nl = buf.find("\n", iea, te if te != -1 else n)
            if term != "\n" and nl != -1:
                end = nl
                warnings.append(
                    _problem(
                        "004",
                        "the IEA segment has no terminator",
                        severity="warning",
                        segment_id="IEA",
                    )
                )
            elif te == -1:
                if not eof:
                    self.search_from = iea
                    self.join_next = True
                    return None
                end = n
                if term != "\n":
                    warnings.append(
                        _problem(
                            "004",
                            "the IEA segment has no terminator (end of file)",
                            severity="warning",
                            segment_id="IEA",
                        )
                    )
            else:
                end = te + 1
        self.search_from = 0
        self.pending = []
        self.element = ""
        self.pos = end
        ic = parse_interchange(
            buf,
            pos,
            end,
            elements=elements,
            delimiters=delims,
            body_start=isa_end,
            warnings=warnings,
            end_problem=end_problem,
            offset=self.base + pos,
        )
        key = (ic.sender_qualifier, ic.sender_id, ic.control_number)
        if ic.control_number and key in self.seen:
            ic.problems.append(
                _problem(
                    "025",
                    f"interchange {ic.control_number} from {ic.sender_id} appears twice in this "
                    "file",
                    segment_id="ISA",
                    element=13,
                    value=ic.control_number,
                    field="ISA-13 Interchange Control Number",
                    fix="send each interchange once, with a new control number",
                )
            )
        self.seen.add(key)
        return ic

    def _skip_broken(
        self, pos: int, problem: Problem, eof: bool, warnings: list[Problem] | None = None
    ) -> Interchange | None:
        """An ISA we cannot read: everything up to the next ISA becomes one rejected item."""
        m = _ISA.search(self.buf, pos + 3)
        if m is None and not eof:
            return None
        end = m.start() if m else len(self.buf)
        self.pos = end
        self.pending = []
        ic = _placeholder(self.buf[pos:end], problem, self.base + pos)
        ic.warnings.extend(warnings or [])
        return ic


def _line_break(buf: str, at: int, term: str) -> str:
    if term == "\n":
        return ""
    if buf.startswith("\r\n", at):
        return "\r\n"
    if buf.startswith("\n", at):
        return "\n"
    return ""


def _placeholder(raw: str, problem: Problem, offset: int) -> Interchange:
    """What a file that holds no readable interchange reads as: one rejected item."""
    return Interchange(
        sender_qualifier="",
        sender_id="",
        receiver_qualifier="",
        receiver_id="",
        control_number="",
        version="",
        test_indicator="",
        ack_requested=False,
        date=None,
        delimiters=Delimiters(),
        problems=[problem],
        source=raw,
        offset=offset,
    )

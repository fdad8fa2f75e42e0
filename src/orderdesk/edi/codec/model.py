"""What a read interchange looks like, and what the writer takes.

A set keeps its text, not a list of segment objects: a 10 MB interchange must fit in three
times its size, and a Python object per segment and per element costs twenty. Segments (and
their typed values) are made when someone asks for them, from the one shared text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from .spec import Element, SegmentDef
from .values import typed

if TYPE_CHECKING:
    from .spec import SetSpec


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The four X12 separators; `repetition` "U" means none (ISA11 before 00402).

    `line_break` is written after every terminator (and remembered when reading), so a file
    keeps its look through parse → generate.
    """

    element: str = "*"
    component: str = ">"
    repetition: str = "U"
    segment: str = "~"
    line_break: str = "\n"
    #: The whitespace around segments that is not a delimiter (what reading strips).
    strip: str = field(init=False, repr=False, compare=False, default="")

    def __post_init__(self) -> None:
        used = (self.element, self.component, self.repetition)
        object.__setattr__(self, "strip", "".join(c for c in " \t\r\n" if c not in used))

    @property
    def has_repetition(self) -> bool:
        return self.repetition not in ("U", "", " ")


@dataclass(slots=True)
class Problem:
    """One entry of an error list: the level that failed, its X12 code, and what a clerk reads.

    `code` is a TA105 code (interchange), AK905 (group), AK502 (set), AK304 (segment) or
    AK403 (element), so a 997/TA1 can be written from the list alone.
    """

    level: str
    code: str
    message: str
    segment_id: str = ""
    segment_position: int | None = None
    loop: str = ""
    element: int | None = None
    component: int | None = None
    value: str = ""
    field: str = ""
    fix: str = ""
    raw: str = ""
    severity: str = "error"
    action_by: str = "partner"
    #: The data element number (AK404) for element problems; not part of the JSON shape.
    element_ref: str = ""
    #: The repetition (1-based) of a repeated element, for 5010 AK4/IK4; not in the JSON shape.
    repetition: int | None = None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("element_ref")
        d.pop("repetition")
        return d


_new_tuple = tuple.__new__


class Segment(tuple):  # type: ignore[type-arg]
    """One segment as read: raw element strings, typed on request through its definition.

    A tuple underneath (id, elements, position, raw, definition, delimiters): a big file
    makes a great many of these, and a tuple is made in C where an object with __init__
    costs twice the time of splitting the text.
    """

    __slots__ = ()

    def __new__(
        cls,
        id: str,
        elements: list[str],
        position: int,
        raw: str,
        definition: SegmentDef | None = None,
        delimiters: Delimiters | None = None,
    ) -> Segment:
        return _new_tuple(cls, (id, elements, position, raw, definition, delimiters or _DEFAULT))

    id: str = property(itemgetter(0))  # type: ignore[assignment]
    elements: list[str] = property(itemgetter(1))  # type: ignore[assignment]
    #: 1-based in its set (ST = 1).
    position: int = property(itemgetter(2))  # type: ignore[assignment]
    #: The segment's text, without terminator and surrounding whitespace.
    raw: str = property(itemgetter(3))  # type: ignore[assignment]
    definition: SegmentDef | None = property(itemgetter(4))  # type: ignore[assignment]
    delimiters: Delimiters = property(itemgetter(5))  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Segment({self[3]!r} @{self[2]})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Segment):
            return NotImplemented
        return self[0] == other[0] and self[1] == other[1]

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    __hash__ = None  # type: ignore[assignment]

    def get(self, n: int, default: str = "") -> str:  # type: ignore[override]
        """Element n, 1-based as in "PO1-03"; `default` when absent or empty."""
        elements = self[1]
        if 0 < n <= len(elements):
            return elements[n - 1] or default
        return default

    def component(self, n: int, k: int, default: str = "") -> str:
        """Component k (1-based) of composite element n, first repetition."""
        value = self.get(n)
        if not value:
            return default
        d = self[5]
        if d.has_repetition:
            el = self.element_def(n)
            if el is not None and el.repeat != 1:
                value = value.split(d.repetition, 1)[0]
        parts = value.split(d.component)
        if 0 < k <= len(parts):
            return parts[k - 1] or default
        return default

    def repeats(self, n: int) -> list[str]:
        """The repetitions of element n (5010 repetition separator); [] when empty."""
        value = self.get(n)
        if not value:
            return []
        d = self[5]
        return value.split(d.repetition) if d.has_repetition else [value]

    def element_def(self, n: int) -> Element | None:
        sd = self[4]
        if sd is None or not 0 < n <= len(sd.elements):
            return None
        return sd.elements[n - 1]  # type: ignore[no-any-return]

    def value(self, n: int) -> Any:
        """Element n typed by the grammar: Decimal for N*/R, date for DT, time for TM, else str.

        An empty element is None for typed elements and "" for strings; a value that does not
        convert (validation reported it already) comes back as its raw string.
        """
        elements = self[1]
        raw = elements[n - 1] if 0 < n <= len(elements) else ""
        sd = self[4]
        if sd is None or not 0 < n <= len(sd.elements):
            return raw
        return typed(sd.elements[n - 1].type, raw)


_DEFAULT = Delimiters()


class LoopNode:
    """One occurrence of a loop: its segments (nested loops' included, in order) and children."""

    __slots__ = ("children", "id", "segments")

    def __init__(self, id: str) -> None:
        self.id = id
        self.segments: list[Segment] = []
        self.children: list[LoopNode] = []

    def __repr__(self) -> str:
        head = self.segments[0].raw if self.segments else ""
        return f"LoopNode({self.id!r}, {head!r}, {len(self.segments)} segments)"

    def first(self, segment_id: str) -> Segment | None:
        for seg in self.segments:
            if seg.id == segment_id:
                return seg
        return None

    def all(self, segment_id: str) -> list[Segment]:
        return [s for s in self.segments if s.id == segment_id]

    def loops(self, loop_id: str) -> Iterator[LoopNode]:
        """Occurrences of `loop_id` below this node, in document order (not below a match)."""
        for child in self.children:
            if child.id == loop_id:
                yield child
            else:
                yield from child.loops(loop_id)


_IMPL: Any = None


def _impl() -> Any:
    """split.py and validate.py, which import this module: bound once, not per call (a
    function-level import costs a microsecond, and a big file asks ten thousand times)."""
    global _IMPL
    if _IMPL is None:
        from types import SimpleNamespace

        from . import split, validate

        _IMPL = SimpleNamespace(
            split_set=split.split_set,
            make_segments=validate.make_segments,
            loop_tree=validate.loop_tree,
        )
    return _IMPL


class TransactionSet:
    """ST..SE: envelope facts eagerly, segments lazily from the interchange's text."""

    __slots__ = (
        "_end",
        "_problems",
        "_start",
        "_text",
        "_warnings",
        "ack_code",
        "control_number",
        "delimiters",
        "set_id",
        "spec",
        "version",
    )

    def __init__(
        self,
        *,
        set_id: str,
        control_number: str,
        text: str,
        start: int,
        end: int,
        delimiters: Delimiters,
        spec: SetSpec | None,
        version: str = "",
    ) -> None:
        self.set_id = set_id
        self.control_number = control_number
        self._problems: list[Problem] | None = None
        self._warnings: list[Problem] | None = None
        self.ack_code = "A"
        self.version = version
        self.spec = spec
        self.delimiters = delimiters
        self._text = text
        self._start = start
        self._end = end

    def __repr__(self) -> str:
        return f"TransactionSet({self.set_id} {self.control_number} {self.ack_code})"

    @property
    def problems(self) -> list[Problem]:
        """Errors of this set (AK502 set level, AK304 segments, AK403 elements); made on first
        use, so that the many valid sets of a big file cost no list each."""
        if self._problems is None:
            self._problems = []
        return self._problems

    @property
    def warnings(self) -> list[Problem]:
        if self._warnings is None:
            self._warnings = []
        return self._warnings

    @property
    def accepted(self) -> bool:
        return self.ack_code in ("A", "E")

    @property
    def raw(self) -> str:
        return self._text[self._start : self._end]

    def segment_texts(self) -> list[str]:
        return _impl().split_set(self._text, self._start, self._end, self.delimiters)[0]  # type: ignore[no-any-return]

    @property
    def segments(self) -> list[Segment]:
        """ST..SE as Segment objects, made afresh on each call (nothing is kept)."""
        impl = _impl()
        pieces = impl.split_set(self._text, self._start, self._end, self.delimiters)[0]
        return impl.make_segments(pieces, self.spec, self.delimiters)  # type: ignore[no-any-return]

    def tree(self) -> LoopNode:
        """The set as a loop tree (root id = set id), by the same walk the validator does."""
        return _impl().loop_tree(self.segments, self.spec)  # type: ignore[no-any-return]

    def loops(self, loop_id: str) -> Iterator[LoopNode]:
        return self.tree().loops(loop_id)

    def first(self, segment_id: str) -> Segment | None:
        for seg in self.segments:
            if seg.id == segment_id:
                return seg
        return None

    def all(self, segment_id: str) -> list[Segment]:
        return [s for s in self.segments if s.id == segment_id]


@dataclass(slots=True)
class Group:
    functional_id: str
    sender_id: str
    receiver_id: str
    control_number: str
    version: str
    date: dt.datetime | None
    sets: list[TransactionSet] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    ack_code: str = "A"
    #: The GS segment as read (its elements, GS01 first), for to_out and messages.
    gs: Segment | None = None

    @property
    def accepted(self) -> bool:
        return self.ack_code in ("A", "E", "P")


@dataclass(slots=True)
class Interchange:
    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    control_number: str
    version: str
    test_indicator: str
    ack_requested: bool
    date: dt.datetime | None
    delimiters: Delimiters
    groups: list[Group] = field(default_factory=list)
    ta1s: list[Segment] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    #: The text this interchange was read from, shared with its neighbours in the same
    #: buffer (no copy per interchange); `span` is its part of it, `raw` that part.
    source: str = field(default="", repr=False)
    span: tuple[int, int] | None = None
    #: The ISA as read, all 16 elements, for the TA1 and for to_out.
    isa: Segment | None = None
    #: Character offset of the ISA in what was read (for messages about a file).
    offset: int = 0

    @property
    def raw(self) -> str:
        """ISA..IEA as received (a fresh copy on each call: keep it if you need it twice)."""
        if self.span is None:
            return self.source
        return self.source[self.span[0] : self.span[1]]

    @property
    def accepted(self) -> bool:
        return not self.problems

    @property
    def sets(self) -> Iterator[TransactionSet]:
        for g in self.groups:
            yield from g.sets

    def all_problems(self) -> list[Problem]:
        """Every error below this interchange, envelope first (for an error list)."""
        out = list(self.problems)
        for g in self.groups:
            out.extend(g.problems)
            for s in g.sets:
                out.extend(s.problems)
        return out


# --- writing ---------------------------------------------------------------------------

#: An element value as the writer takes it.
OutValue = Any  # str | int | Decimal | date | time | None | tuple | list


@dataclass(slots=True)
class OutSet:
    set_id: str
    control_number: int | str
    #: Segments without ST/SE: ("BAK", "00", "AD", po, date), …
    segments: Sequence[tuple[OutValue, ...]] = field(default_factory=list)
    #: ST03, the implementation convention reference of 5010 guides ("005010X231").
    convention: str = ""


@dataclass(slots=True)
class OutGroup:
    functional_id: str
    sender_id: str
    receiver_id: str
    control_number: int | str
    version: str = "004010"
    date: dt.datetime | None = None
    sets: list[OutSet] = field(default_factory=list)


@dataclass(slots=True)
class OutInterchange:
    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    control_number: int | str
    date: dt.datetime
    version: str = "00401"
    test_indicator: str = "P"
    ack_requested: bool = False
    delimiters: Delimiters = field(default_factory=Delimiters)
    groups: list[OutGroup] = field(default_factory=list)
    #: TA1 segments (as `ta1()` returns them), written before the groups.
    ta1s: list[tuple[OutValue, ...]] = field(default_factory=list)
    #: ISA01..ISA04 (authorization / security), rarely anything but blanks.
    authorization: tuple[str, str] = ("00", "")
    security: tuple[str, str] = ("00", "")


class WriteError(Exception):
    """What we were about to send fails our own grammar: the problems say where."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0].message if problems else "invalid"
        more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{first}{more}")


__all__ = [
    "Delimiters",
    "Group",
    "Interchange",
    "LoopNode",
    "OutGroup",
    "OutInterchange",
    "OutSet",
    "Problem",
    "Segment",
    "TransactionSet",
    "WriteError",
]

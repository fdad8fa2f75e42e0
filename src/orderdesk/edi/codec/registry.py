"""Which grammar a set is read with, and the envelope's segment definitions.

The grammars package is written by another hand; everything here degrades to "no grammar"
rather than failing, so that the reader still parses envelopes when a grammar is missing.
One grammar per set id serves every version from 003060 to 005010 (GS08 relatives such as
004010VICS, 004010UCS or 005010X231 share it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache

from .spec import SegmentDef, SetSpec

_OVERRIDE: list[tuple[Mapping[str, SetSpec], Mapping[str, SegmentDef]]] = []


def _grammars() -> tuple[Mapping[str, SetSpec], Mapping[str, SegmentDef]]:
    return _OVERRIDE[-1] if _OVERRIDE else _loaded()


@contextmanager
def using(sets: Mapping[str, SetSpec], envelope: Mapping[str, SegmentDef]) -> Iterator[None]:
    """Read and write with these grammars for a while (tests with a grammar of their own)."""
    _OVERRIDE.append((sets, envelope))
    known_segment_ids.cache_clear()
    try:
        yield
    finally:
        _OVERRIDE.pop()
        known_segment_ids.cache_clear()


@lru_cache(maxsize=1)
def _loaded() -> tuple[Mapping[str, SetSpec], Mapping[str, SegmentDef]]:
    try:
        from .grammars import ENVELOPE, SETS
    except ImportError:
        return {}, {}
    return SETS, ENVELOPE


@lru_cache(maxsize=1)
def _suggester() -> Callable[[str, str], str | None] | None:
    try:
        from .grammars.codes import suggest
    except ImportError:
        return None
    return suggest


def grammar(set_id: str) -> SetSpec | None:
    """The grammar we read and write `set_id` with; None when we do not support the set."""
    return _grammars()[0].get(set_id)


def envelope() -> Mapping[str, SegmentDef]:
    """ISA, GS, ST, SE, GE, IEA, TA1 definitions (empty when the grammars are missing)."""
    return _grammars()[1]


@lru_cache(maxsize=1)
def known_segment_ids() -> frozenset[str]:
    """Every segment id some grammar of ours defines: an unknown one is AK304 1, a known one
    in the wrong set is AK304 2."""
    sets, env = _grammars()
    ids = set(env)
    for spec in sets.values():
        ids.update(spec.segments)
    return frozenset(ids)


def suggest_code(element_ref: str, value: str) -> str | None:
    fn = _suggester()
    if fn is None:
        return None
    try:
        return fn(element_ref, value)
    except Exception:
        return None


def reset() -> None:
    """Forget cached grammars (tests that install their own)."""
    _loaded.cache_clear()
    _suggester.cache_clear()
    known_segment_ids.cache_clear()


def base_version(gs08: str) -> str:
    """'004010VICS' → '004010'; '' when GS08 does not start with a six-digit version."""
    head = gs08[:6]
    return head if len(head) == 6 and head.isdigit() else ""

"""The stored error list of an interchange or document in a clerk's words.

An entry says where (level, segment, position, loop, element) and what (code, value, message,
fix); a clerk reads it top down: the failing level in words ("Element PO1-03 of segment PO1
at position 7, loop PO1"), what the X12 code means, the field and the fix, and the raw
segment with the bad element marked. No queries: plain values in, plain values and safe HTML
out, so the pages and the API explain an error the same way and tests need no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .models import DOCUMENT_SETS

#: The failing levels, outermost first: the order a clerk reads them in.
LEVELS = ("interchange", "group", "set", "segment", "element", "business")

LEVEL_WORDS = {
    "interchange": "Interchange (ISA/IEA envelope)",
    "group": "Functional group (GS/GE)",
    "set": "Transaction set (ST/SE)",
    "segment": "Segment",
    "element": "Element",
    "business": "Order data",
}

#: Which acknowledgement element carries the code of each level.
CODE_ELEMENT = {
    "interchange": "TA105",
    "group": "AK905",
    "set": "AK502",
    "segment": "AK304",
    "element": "AK403",
}

# The X12 code lists of the acknowledgement elements (TA1 and 997), as the standard names them.
TA105 = {
    "000": "No error",
    "001": "The interchange control number in the header and trailer do not match",
    "002": "This standard as noted in the control standards identifier is not supported",
    "003": "This version of the controls is not supported",
    "004": "The segment terminator is invalid",
    "005": "Invalid interchange ID qualifier for sender",
    "006": "Invalid interchange sender ID",
    "007": "Invalid interchange ID qualifier for receiver",
    "008": "Invalid interchange receiver ID",
    "009": "Unknown interchange receiver ID",
    "010": "Invalid authorization information qualifier value",
    "011": "Invalid authorization information value",
    "012": "Invalid security information qualifier value",
    "013": "Invalid security information value",
    "014": "Invalid interchange date value",
    "015": "Invalid interchange time value",
    "016": "Invalid interchange standards identifier value",
    "017": "Invalid interchange version ID value",
    "018": "Invalid interchange control number value",
    "019": "Invalid acknowledgment requested value",
    "020": "Invalid test indicator value",
    "021": "Invalid number of included groups value",
    "022": "Invalid control structure",
    "023": "Improper (premature) end-of-file (transmission)",
    "024": "Invalid interchange content (e.g. invalid GS segment)",
    "025": "Duplicate interchange control number",
    "026": "Invalid data element separator",
    "027": "Invalid component element separator",
    "028": "Invalid delivery date in deferred delivery request",
    "029": "Invalid delivery time in deferred delivery request",
    "030": "Invalid delivery time code in deferred delivery request",
    "031": "Invalid grade of service code",
}
AK905 = {
    "1": "Functional group not supported",
    "2": "Functional group version not supported",
    "3": "Functional group trailer missing",
    "4": "Group control number in the header and trailer do not agree",
    "5": "Number of included transaction sets does not match actual count",
    "6": "Group control number violates syntax",
    "10": "Authentication key name unknown",
    "11": "Encryption key name unknown",
    "12": "Requested service not available",
    "13": "Unknown security recipient",
    "14": "Unknown security originator",
    "15": "Syntax error in decrypted text",
    "16": "Security not supported",
    "17": "Incorrect message length (encryption only)",
    "18": "Message authentication code failed",
}
AK502 = {
    "1": "Transaction set not supported",
    "2": "Transaction set trailer missing",
    "3": "Transaction set control number in header and trailer do not match",
    "4": "Number of included segments does not match actual count",
    "5": "One or more segments in error",
    "6": "Missing or invalid transaction set identifier",
    "7": "Missing or invalid transaction set control number",
    "8": "Authentication key name unknown",
    "9": "Encryption key name unknown",
    "10": "Requested service not available",
    "11": "Unknown security recipient",
    "12": "Incorrect message length (encryption only)",
    "13": "Message authentication code failed",
    "15": "Unknown security originator",
    "16": "Syntax error in decrypted text",
    "17": "Security not supported",
    "23": "Transaction set control number not unique within the functional group",
}
AK304 = {
    "1": "Unrecognized segment ID",
    "2": "Unexpected segment",
    "3": "Mandatory segment missing",
    "4": "Loop occurs over maximum times",
    "5": "Segment exceeds maximum use",
    "6": "Segment not in defined transaction set",
    "7": "Segment not in proper sequence",
    "8": "Segment has data element errors",
}
AK403 = {
    "1": "Mandatory data element missing",
    "2": "Conditional required data element missing",
    "3": "Too many data elements",
    "4": "Data element too short",
    "5": "Data element too long",
    "6": "Invalid character in data element",
    "7": "Invalid code value",
    "8": "Invalid date",
    "9": "Invalid time",
    "10": "Exclusion condition violated",
    "12": "Too many repetitions",
    "13": "Too many components",
}
CODE_LISTS: dict[str, dict[str, str]] = {
    "interchange": TA105,
    "group": AK905,
    "set": AK502,
    "segment": AK304,
    "element": AK403,
}

#: What each set is called on the page, from the profile's list ("Purchase order (in)").
SET_NAMES = {k: re.sub(r"\s*\(.*\)$", "", v) for k, v in DOCUMENT_SETS.items()}
#: What the document's reference number is, by set.
REFERENCE_WORDS = {
    "850": "PO",
    "860": "PO",
    "855": "PO",
    "856": "Shipment",
    "810": "Invoice",
    "846": "Advice",
    "997": "Group",
}


def set_words(set_id: str) -> str:
    """ "Purchase order 850"; a set we do not know is still named by its number."""
    name = SET_NAMES.get(set_id)
    return f"{name} {set_id}" if name else f"Transaction set {set_id}"


def code_text(level: str, code: object) -> str:
    """The standard's meaning of an acknowledgement code; "" for business codes."""
    codes = CODE_LISTS.get(level)
    if not codes or code in (None, ""):
        return ""
    key = str(code).strip()
    if level != "interchange":
        key = key.lstrip("0") or "0"
    return codes.get(key, "")


@dataclass(frozen=True, slots=True)
class Explained:
    """One error entry as the document page shows it."""

    level: str
    level_words: str
    where: str
    code: str
    code_element: str
    code_text: str
    field: str
    message: str
    fix: str
    value: str
    severity: str
    action_by: str
    raw: str
    marked: SafeString


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def where_text(entry: Mapping[str, Any]) -> str:
    """ "Element PO1-03 of segment PO1 at position 7 in loop PO1"."""
    level = str(entry.get("level") or "")
    segment = str(entry.get("segment_id") or "")
    position = _int(entry.get("segment_position"))
    loop = str(entry.get("loop") or "")
    element = _int(entry.get("element"))
    component = _int(entry.get("component"))
    parts: list[str] = []
    if level == "element" and segment and element:
        name = f"{segment}-{element:02d}"
        if component:
            name += f"-{component}"
        parts.append(f"Element {name} of segment {segment}")
    elif segment and level in ("segment", "element", "business"):
        parts.append(f"Segment {segment}")
    else:
        parts.append(LEVEL_WORDS.get(level, level.capitalize() or "Document"))
    if position and segment:
        parts.append(f"at position {position}")
    if loop and segment:
        parts.append(f"in loop {loop}")
    return " ".join(parts)


def element_separator(segment_id: str, raw: str) -> str:
    """The element separator is the character right after the segment id."""
    if segment_id and raw.startswith(segment_id) and len(raw) > len(segment_id):
        return raw[len(segment_id)]
    match = re.match(r"^[A-Z][A-Z0-9]{1,2}([^A-Za-z0-9\s])", raw)
    return match.group(1) if match else ""


def mark_element(
    raw: str,
    segment_id: str,
    element: int | None,
    component: int | None = None,
    component_separator: str = "",
) -> SafeString:
    """The raw segment, escaped, with element `element` (1-based) in <mark>. An element past
    the end (a missing mandatory element) gets an empty mark where it should have been."""
    if not raw:
        return mark_safe("")
    sep = element_separator(segment_id, raw)
    if not element or not sep:
        return conditional_escape(raw)  # type: ignore[return-value]
    parts = raw.split(sep)
    while len(parts) <= element:
        parts.append("")
    value = parts[element]
    if component and component_separator and component_separator in value:
        comps = value.split(component_separator)
        if component <= len(comps):
            shown: list[str] = list(comps)
            shown[component - 1] = format_html("<mark>{}</mark>", comps[component - 1])
            marked: SafeString = format_html_join(component_separator, "{}", ((c,) for c in shown))
        else:
            marked = format_html("<mark>{}</mark>", value)
    else:
        marked = format_html('<mark title="the element in error">{}</mark>', value)
    pieces: list[str] = list(parts)
    pieces[element] = marked
    return format_html_join(sep, "{}", ((p,) for p in pieces))


def explain(entry: Mapping[str, Any], *, component_separator: str = "") -> Explained:
    level = str(entry.get("level") or "")
    code = str(entry.get("code") or "")
    segment = str(entry.get("segment_id") or "")
    raw = str(entry.get("raw") or "")
    element = _int(entry.get("element")) if level == "element" else None
    return Explained(
        level=level,
        level_words=LEVEL_WORDS.get(level, level.capitalize()),
        where=where_text(entry),
        code=code,
        code_element=CODE_ELEMENT.get(level, ""),
        code_text=code_text(level, code),
        field=str(entry.get("field") or ""),
        message=str(entry.get("message") or ""),
        fix=str(entry.get("fix") or ""),
        value=str(entry.get("value") or ""),
        severity=str(entry.get("severity") or "error"),
        action_by=str(entry.get("action_by") or ""),
        raw=raw,
        marked=mark_element(
            raw, segment, element, _int(entry.get("component")), component_separator
        ),
    )


def explain_all(
    entries: Iterable[Mapping[str, Any]] | None, *, component_separator: str = ""
) -> list[Explained]:
    """Errors first, outermost level first, then by segment position: the order a clerk
    fixes them in (an envelope error makes everything inside it moot)."""
    rows = [e for e in (entries or []) if isinstance(e, Mapping)]

    def key(e: Mapping[str, Any]) -> tuple[int, int, int, int]:
        level = str(e.get("level") or "")
        return (
            0 if (e.get("severity") or "error") == "error" else 1,
            LEVELS.index(level) if level in LEVELS else len(LEVELS),
            _int(e.get("segment_position")) or 0,
            _int(e.get("element")) or 0,
        )

    return [explain(e, component_separator=component_separator) for e in sorted(rows, key=key)]


@dataclass(frozen=True, slots=True)
class RawLine:
    position: int
    text: SafeString
    bad: bool


def split_segments(raw: str) -> list[str]:
    """The segments of a set's raw text (ST…SE), whatever the terminator: the character after
    ST02 that is neither a letter, digit, space nor the element separator. Never fails: text
    it cannot split is one line."""
    text = raw.lstrip("\ufeff").strip()
    if not text:
        return []
    sep = element_separator("ST", text) if text.startswith("ST") else ""
    if not sep:
        return [line.strip() for line in text.splitlines() if line.strip()] or [text]
    terminator = ""
    for ch in text[3:]:
        if ch.isalnum() or ch == sep or ch == " ":
            continue
        terminator = ch
        break
    if not terminator:
        return [text]
    if terminator in "\r\n":
        return [s.strip() for s in text.splitlines() if s.strip()]
    return [s.strip() for s in text.split(terminator) if s.strip()]


def raw_lines(
    raw: str, errors: Iterable[Mapping[str, Any]] | None, *, component_separator: str = ""
) -> list[RawLine]:
    """The set's segments one per line, numbered as the 997 counts them (ST = 1), with the
    segments in error flagged and their bad element marked."""
    bad: dict[int, Mapping[str, Any]] = {}
    for e in errors or []:
        if not isinstance(e, Mapping):
            continue
        position = _int(e.get("segment_position"))
        if position and (position not in bad or e.get("level") == "element"):
            bad[position] = e
    lines = []
    for n, segment in enumerate(split_segments(raw), start=1):
        hit = bad.get(n)
        if hit is not None and hit.get("level") == "element":
            text = mark_element(
                segment,
                str(hit.get("segment_id") or ""),
                _int(hit.get("element")),
                _int(hit.get("component")),
                component_separator,
            )
        else:
            text = conditional_escape(segment)  # type: ignore[assignment]
        lines.append(RawLine(n, text, hit is not None))
    return lines

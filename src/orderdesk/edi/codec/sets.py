"""One transaction set (ST..SE) read: the fast whole-set check, else the careful walk; then
its trailer. Also what a group's acknowledgment code is, from its sets.
"""

from __future__ import annotations

import re
import sys

from .model import Delimiters, Group, Problem, TransactionSet
from .patterns import set_regex
from .registry import grammar
from .split import split_set
from .validate import validate_set


def _sx(code: str, message: str, *, severity: str = "error", **kw: object) -> Problem:
    return Problem(level="set", code=code, message=message, severity=severity, **kw)  # type: ignore[arg-type]


def make_set(
    text: str,
    start: int,
    end: int,
    st: list[str],
    se: list[str] | None,
    d: Delimiters,
    group: Group,
    *,
    fast_only: bool = False,
    regex: re.Pattern[str] | None = None,
) -> TransactionSet | None:
    """One ST..SE: the fast whole-set check, else the walk; then SE01/SE02.

    With `fast_only`, None unless the set is valid by its expression (the caller then
    looks for the set's end the careful way)."""
    set_id = sys.intern(st[0]) if st else ""
    control = st[1] if len(st) > 1 else ""
    spec = grammar(set_id)
    if fast_only:
        if spec is None or se is None or group.functional_id != spec.functional_id:
            return None
        if regex is None or regex.fullmatch(text, start, end) is None:
            return None
        if se[0] != str(text.count(d.segment, start, end)) or se[1:2] != [control]:
            return None
        return TransactionSet(
            set_id=set_id,
            control_number=control,
            text=text,
            start=start,
            end=end,
            delimiters=d,
            spec=spec,
            version=group.version,
        )
    ts = TransactionSet(
        set_id=set_id,
        control_number=control,
        text=text,
        start=start,
        end=end,
        delimiters=d,
        spec=spec,
        version=group.version,
    )
    problems = ts.problems
    count = -1
    if spec is not None and se is not None:
        rx = set_regex(spec, d)
        if rx is not None and rx.fullmatch(text, start, end) is not None:
            count = text.count(d.segment, start, end)
    if count < 0 or (se and se[0] != str(count)):
        pieces, repaired = split_set(text, start, end, d)
        count = len(pieces)
        if repaired:
            ts.warnings.append(
                _sx(
                    "5",
                    "a segment has no terminator: the line break was read as one",
                    severity="warning",
                    fix="end every segment with the segment terminator",
                )
            )
        if spec is None:
            problems.append(
                _sx(
                    "1",
                    f"transaction set {set_id or '(none)'} is not one we read",
                    segment_id="ST",
                    segment_position=1,
                    element=1,
                    value=set_id,
                    raw=pieces[0] if pieces else "",
                    field="ST-01 Transaction Set Identifier Code",
                    fix="send only the sets agreed with us",
                )
            )
        else:
            problems.extend(validate_set(pieces, spec, d, has_se=se is not None))
    if spec is not None and group.functional_id != spec.functional_id:
        ts.warnings.append(
            _sx(
                "6",
                f"a {set_id} in a group of functional ID {group.functional_id or '(none)'}; "
                f"expected {spec.functional_id}",
                severity="warning",
                segment_id="GS",
                value=group.functional_id,
                field="GS-01 Functional Identifier Code",
                fix=f"send {set_id} in a GS with GS01 {spec.functional_id}",
            )
        )
    if se is None:
        problems.append(
            _sx(
                "2",
                f"set {control} has no SE",
                segment_id="SE",
                fix="end every set with SE",
            )
        )
    else:
        se_count = se[0] if se else ""
        if not se_count.isdigit() or int(se_count) != count:
            problems.append(
                _sx(
                    "4",
                    f"SE-01 says {se_count or 'nothing'} segments, the set has {count}",
                    segment_id="SE",
                    segment_position=count,
                    element=1,
                    value=se_count,
                    field="SE-01 Number of Included Segments",
                    fix=f"SE-01 must be {count}",
                )
            )
        se_control = se[1] if len(se) > 1 else ""
        if se_control != control:
            problems.append(
                _sx(
                    "3",
                    f"SE-02 '{se_control}' does not match ST-02 '{control}'",
                    segment_id="SE",
                    segment_position=count,
                    element=2,
                    value=se_control,
                    field="SE-02 Transaction Set Control Number",
                    fix=f"SE-02 must be {control}",
                )
            )
    ts.ack_code = (
        "R" if any(p.severity == "error" for p in problems) else ("E" if ts.warnings else "A")
    )
    return ts


def group_ack(group: Group) -> str:
    if any(p.severity == "error" for p in group.problems):
        return "R"
    if not group.sets:
        return "A"
    accepted = [s for s in group.sets if s.accepted]
    if not accepted:
        return "R"
    if len(accepted) < len(group.sets):
        return "P"
    if group.warnings or any(s.ack_code == "E" for s in group.sets):
        return "E"
    return "A"

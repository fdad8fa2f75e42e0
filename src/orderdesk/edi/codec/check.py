"""`orderdesk edi check FILE...`: validate X12 files with the codec alone.

No database and no partner profile: what a file says about itself (envelopes, counts,
grammars) is all that is checked, so a partner's test file can be judged before the
partner exists in OrderDesk.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from os import PathLike
from pathlib import Path
from typing import Any, Protocol

from .model import Problem
from .reader import read_file


class _Out(Protocol):
    def write(self, msg: str, /) -> Any: ...


def _entry(p: Problem) -> dict[str, Any]:
    return {
        "segment_position": p.segment_position,
        "segment_id": p.segment_id,
        "element": p.element,
        "code": p.code,
        "message": p.message,
    }


def check_file(path: str | PathLike[str]) -> dict[str, Any]:
    """{"file", "ok", "interchanges", "transaction_sets", "errors": [...]} for one file."""
    interchanges = 0
    sets = 0
    errors: list[dict[str, Any]] = []
    try:
        for ic in read_file(path):
            if ic.isa is not None:
                interchanges += 1
            errors.extend(_entry(p) for p in ic.problems if p.severity == "error")
            for g in ic.groups:
                errors.extend(_entry(p) for p in g.problems if p.severity == "error")
                for ts in g.sets:
                    sets += 1
                    errors.extend(_entry(p) for p in ts.problems if p.severity == "error")
    except OSError as exc:
        errors.append(
            {
                "segment_position": None,
                "segment_id": "",
                "element": None,
                "code": "023",
                "message": f"cannot read the file: {exc.strerror or exc}",
            }
        )
    return {
        "file": str(path),
        "ok": not errors,
        "interchanges": interchanges,
        "transaction_sets": sets,
        "errors": errors,
    }


def check_paths(paths: Iterable[str | PathLike[str]], out: _Out) -> bool:
    """One JSON line per file on `out`; True when every file is valid."""
    ok = True
    for path in paths:
        result = check_file(Path(path))
        result["file"] = str(path)
        ok = ok and result["ok"]
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return ok

"""What the import tests share: the example files in load order, and counting writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from orderdesk.core.importing import ImportResult, Spec, all_specs, import_file
from orderdesk.core.models import Event

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def example(spec: Spec) -> Path:
    return EXAMPLES / f"{spec.name}.csv"


def load_examples(upto: str | None = None, **kwargs: Any) -> dict[str, ImportResult]:
    """Import every example file in load order (up to and including `upto`)."""
    results = {}
    for spec in all_specs():
        results[spec.name] = import_file(spec, example(spec), **kwargs)
        assert results[spec.name].errors == [], results[spec.name].errors
        if spec.name == upto:
            break
    return results


def event_count() -> int:
    return Event.objects.count()


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()

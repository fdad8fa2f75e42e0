"""Every documented example imports cleanly, re-imports as no change, and round-trips."""

from __future__ import annotations

import pytest

from orderdesk.core.importing import all_specs, export_file, import_file
from orderdesk.core.tabular import open_table

from .helpers import EXAMPLES, event_count, example, load_examples

SPECS = all_specs()


def test_every_type_has_an_example_file():
    assert sorted(p.stem for p in EXAMPLES.glob("*.csv")) == sorted(s.name for s in SPECS)


@pytest.mark.django_db
def test_every_example_imports_without_errors_or_warnings():
    results = load_examples()
    for name, result in results.items():
        assert result.failed_rows == 0, name
        assert result.warnings == [], name
        assert result.created == result.rows > 0, name


@pytest.mark.django_db
def test_importing_the_examples_again_changes_nothing():
    load_examples()
    events = event_count()
    again = load_examples()
    for name, result in again.items():
        assert (result.created, result.updated, result.failed_rows) == (0, 0, 0), name
        assert result.unchanged == result.rows, name
    assert event_count() == events


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_every_type_exports_and_reimports_as_no_change(tmp_path, suffix):
    load_examples()
    events = event_count()
    for spec in SPECS:
        target = tmp_path / f"{spec.name}{suffix}"
        written = export_file(spec, target)
        example_rows = sum(1 for _ in open_table(example(spec)).rows())
        assert written >= example_rows > 0, spec.name
        result = import_file(spec, target)
        assert result.errors == [], spec.name
        assert result.unchanged == written, spec.name
    assert event_count() == events


def test_the_formats_page_documents_every_type_and_column():
    page = (EXAMPLES.parent / "import-formats.md").read_text()
    sections = {part.split("\n", 1)[0]: part for part in page.split("\n### ")[1:]}
    assert list(sections) == [s.name for s in SPECS]
    for spec in SPECS:
        section = sections[spec.name]
        assert f"Natural key: {', '.join(f'`{k}`' for k in spec.key)}." in section
        for column in spec.columns:
            assert f"| `{column.name}` | {'yes' if column.required else ''} |" in section

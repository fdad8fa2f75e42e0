"""`orderdesk import` / `orderdesk export` as an operator runs them."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from orderdesk.catalog.models import UnitOfMeasure
from orderdesk.core.importing import all_specs
from orderdesk.core.models import Event
from orderdesk.core.roles import Role

from .helpers import EXAMPLES

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_list_names_every_type_with_its_key():
    out, _ = run("import", "--list")
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == [s.name for s in all_specs()]
    assert "key: customer + kind + code" in next(ln for ln in lines if ln.startswith("addresses"))


def test_import_prints_a_summary_and_a_second_run_changes_nothing(make_user):
    user = make_user(Role.MANAGER)
    out, _ = run("import", "units", str(EXAMPLES / "units.csv"), "--user", user.username)
    assert "4 created, 0 updated, 0 unchanged, 0 with errors" in out
    assert Event.objects.filter(action="uom.imported", actor=user).count() == 4

    out, _ = run("import", "units", str(EXAMPLES / "units.csv"))
    assert "0 created, 0 updated, 4 unchanged" in out


def test_bad_rows_are_listed_written_out_and_fail_the_command(tmp_path):
    source = tmp_path / "units.csv"
    source.write_text("code,name\nEA,Each\nCASE12345,Case\n")
    with pytest.raises(CommandError) as exc:
        run("import", "units", str(source))
    assert exc.value.returncode == 1
    errors = tmp_path / "units.errors.csv"
    assert "CASE12345" in errors.read_text(encoding="utf-8-sig")
    assert UnitOfMeasure.objects.filter(code="EA").exists()


def test_dry_run_saves_nothing():
    out, _ = run("import", "units", str(EXAMPLES / "units.csv"), "--dry-run")
    assert "4 created" in out and "dry run" in out
    assert UnitOfMeasure.objects.count() == 0


def test_unknown_type_user_or_file_are_command_errors(tmp_path):
    with pytest.raises(CommandError, match="unknown type 'unicorns'"):
        run("import", "unicorns", str(EXAMPLES / "units.csv"))
    with pytest.raises(CommandError, match="no user named nobody"):
        run("import", "units", str(EXAMPLES / "units.csv"), "--user", "nobody")
    with pytest.raises(CommandError, match="no such file"):
        run("import", "units", str(tmp_path / "missing.csv"))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_writes_the_import_format(tmp_path, suffix):
    run("import", "units", str(EXAMPLES / "units.csv"))
    target = tmp_path / f"units{suffix}"
    out, _ = run("export", "units", str(target))
    assert out.strip() == f"4 units written to {target}"
    out, _ = run("import", "units", str(target))
    assert "4 unchanged" in out


def test_export_refuses_other_extensions(tmp_path):
    with pytest.raises(CommandError, match=r"\.csv or \.xlsx"):
        run("export", "units", str(tmp_path / "units.txt"))

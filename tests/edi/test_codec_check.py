"""`orderdesk edi check FILE...`: one JSON line per file, exit 0 only when all are valid,
and no database touched (the run points at a database that does not answer)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from orderdesk.edi.codec.check import check_file, check_paths

from .world import sample

ROOT = Path(__file__).resolve().parents[2]
ORDERDESK = Path(sys.executable).parent / "orderdesk"


def run_check(*files: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    # Nothing listens on port 9: any query would fail the command.
    env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:9/nothing"
    return subprocess.run(
        [str(ORDERDESK), "edi", "check", *map(str, files)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_check_good_file_exits_zero() -> None:
    good = sample("nodex12-850-4010vics.edi")
    result = run_check(good)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {
            "file": str(good),
            "ok": True,
            "interchanges": 1,
            "transaction_sets": 1,
            "errors": [],
        }
    ]


def test_check_bad_file_exits_one_and_names_the_errors() -> None:
    good = sample("nodex12-850-4010vics.edi")
    bad = sample("edifabric-850-4010-invalid-td4-repeats.txt")
    result = run_check(good, bad)
    assert result.returncode == 1, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["ok"] is True
    assert (second["file"], second["ok"], second["interchanges"], second["transaction_sets"]) == (
        str(bad),
        False,
        1,
        1,
    )
    assert second["errors"][5] == {
        "segment_position": 15,
        "segment_id": "TD4",
        "element": None,
        "code": "5",
        "message": "TD4 appears more than 5 times here (at most 5)",
    }
    assert [e["code"] for e in second["errors"]] == ["4", "4", "4", "4", "4", "5", "4"]


def test_check_envelope_errors_and_unreadable_files(tmp_path: Path) -> None:
    iea = check_file(sample("edifabric-810-4010-duplicate-interchange-iea-mismatch.txt"))
    assert (iea["interchanges"], iea["transaction_sets"]) == (2, 2)
    assert [(e["segment_id"], e["element"], e["code"]) for e in iea["errors"]] == [
        ("IEA", 2, "001")
    ]
    missing = check_file(tmp_path / "nope.x12")
    assert missing["ok"] is False and missing["errors"][0]["code"] == "023"
    csv = tmp_path / "po.csv"
    csv.write_text("sku,qty\nA,1\n")
    not_x12 = check_file(csv)
    assert (not_x12["ok"], not_x12["interchanges"], not_x12["errors"][0]["code"]) == (
        False,
        0,
        "022",
    )
    out = io.StringIO()
    assert check_paths([csv], out) is False
    assert json.loads(out.getvalue())["file"] == str(csv)

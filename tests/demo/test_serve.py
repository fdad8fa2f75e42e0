"""`orderdesk demo` really serves: /healthz answers, the worker runs, Ctrl-C stops both.

Runs the console command in a subprocess against a throw-away SQLite under a temporary
ORDERDESK_VAR (never the suite's database), with every wait bounded.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

START_TIMEOUT = 180  # migrate + load on a slow CI machine
STOP_TIMEOUT = 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(ORDERDESK_VAR=str(var), DJANGO_SETTINGS_MODULE="orderdesk.settings")
    return env


def _demo(*args: str, var: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "orderdesk", "demo", *args],
            env=_env(var),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); it has exited all the same
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[-1].split()[0] == "Z")


def _healthz(port: int) -> dict[str, str] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
            return json.loads(r.read())
    except OSError:
        return None


def test_demo_serves_healthz_with_a_worker_and_stops_cleanly(tmp_path: Path) -> None:
    var = tmp_path / "var"
    var.mkdir()
    # Not a database: unless --reset deletes it, migrate fails on it.
    (var / "orderdesk.sqlite3").write_bytes(b"left over from an old run" * 100)

    port = _free_port()
    log = tmp_path / "demo.log"
    proc = _demo("--reset", "--port", str(port), var=var, log=log)
    worker_pid = None
    try:
        deadline = time.monotonic() + START_TIMEOUT
        health = None
        while time.monotonic() < deadline and proc.poll() is None:
            health = _healthz(port)
            if health is not None:
                break
            time.sleep(0.5)
        output = log.read_text()
        assert health == {"status": "ok", "database": "sqlite"}, output
        assert "deleted" in output and "loaded in" in output
        assert f"http://127.0.0.1:{port}/" in output
        found = re.search(r"task worker running \(pid (\d+)\)", output)
        assert found, output
        worker_pid = int(found.group(1))
        assert _alive(worker_pid)

        proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
        assert proc.wait(timeout=STOP_TIMEOUT) == 0, log.read_text()
        assert not _alive(worker_pid)
        assert _healthz(port) is None
        assert "stopped." in log.read_text()
    finally:
        for pid in (proc.pid, worker_pid):
            if pid is not None and _alive(pid):
                os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=STOP_TIMEOUT)


def test_a_busy_port_fails_at_once_with_a_hint(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "orderdesk", "demo", "--port", str(port)],
            env=_env(tmp_path / "var"),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0
    assert f"--port {port + 1}" in result.stderr
    assert not (tmp_path / "var" / "orderdesk.sqlite3").exists()

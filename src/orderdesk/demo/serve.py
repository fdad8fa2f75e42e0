"""Serving the demo: a threaded WSGI server in this process, the task worker beside it.

The server binds before the worker starts, so a busy port fails at once with a clear
message and leaves nothing behind. The worker runs in its own process group: Ctrl-C in
the terminal reaches only this process, which then stops the worker with exactly one
SIGTERM (db_worker finishes its current task on the first signal and dies on a second),
waits for it, and only kills it if it hangs. SIGTERM to this process does the same.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Protocol

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler, WSGIServer
from django.core.wsgi import get_wsgi_application

HOST = "127.0.0.1"
#: How long the worker gets to finish its current task before it is killed.
WORKER_STOP_SECONDS = 15


class Out(Protocol):
    """Where progress goes: a management command's stdout or any text stream."""

    def write(self, text: str) -> object: ...

    def flush(self) -> object: ...


class DemoRequestHandler(WSGIRequestHandler):
    """Django's handler, minus /healthz polls: the terminal shows what people request."""

    def log_message(self, format: str, *args: object) -> None:
        if args and isinstance(args[0], str) and args[0].split(" ")[1:2] == ["/healthz"]:
            return
        super().log_message(format, *args)


def bind(port: int) -> WSGIServer:
    """A threaded server on 127.0.0.1:`port` serving OrderDesk and its static files."""
    server = ThreadedWSGIServer((HOST, port), DemoRequestHandler, ipv6=False)
    server.daemon_threads = True  # a hung browser connection must not block Ctrl-C
    server.set_app(StaticFilesHandler(get_wsgi_application()))
    return server


def start_worker() -> subprocess.Popen[bytes]:
    """`orderdesk worker` as a child in its own process group, same settings and database."""
    return subprocess.Popen(
        # every queue, since the demo has one worker; no autoreload child to orphan
        [
            sys.executable,
            "-m",
            "orderdesk",
            "worker",
            "--queue-name=*",
            "--no-reload",
            "--no-startup-delay",
        ],
        env=os.environ.copy(),
        process_group=0,
    )


def stop_worker(worker: subprocess.Popen[bytes], out: Out) -> None:
    """One SIGTERM, a bounded wait, then SIGKILL; a second Ctrl-C skips the wait."""
    if worker.poll() is not None:
        return
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=WORKER_STOP_SECONDS)
        return
    except subprocess.TimeoutExpired:
        out.write(f"worker did not stop within {WORKER_STOP_SECONDS} s: killing it\n")
    except KeyboardInterrupt:
        out.write("interrupted again: killing the worker\n")
    worker.kill()
    worker.wait()


def _watch(worker: subprocess.Popen[bytes], stopping: threading.Event, out: Out) -> None:
    """Say so if the worker dies while serving: tasks would silently pile up otherwise."""
    code = worker.wait()
    if not stopping.is_set():
        out.write(
            f"warning: the task worker exited with code {code}; background tasks will wait "
            "until `orderdesk worker` runs (or the demo is restarted)\n"
        )
        out.flush()


@contextmanager
def _stop_signals_interrupt() -> Iterator[None]:
    """SIGINT and SIGTERM raise KeyboardInterrupt, so the worker is always stopped.

    SIGINT too, explicitly: a process started in the background by a shell inherits SIGINT
    ignored, and Python then never turns Ctrl-C (or `kill -INT`) into KeyboardInterrupt.
    """

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def serve(server: WSGIServer, out: Out, *, worker: bool = True) -> None:
    """Serve until Ctrl-C or SIGTERM, then stop the worker and close the socket."""
    stopping = threading.Event()
    with _stop_signals_interrupt():
        child = start_worker() if worker else None
        try:
            if child is not None:
                out.write(f"task worker running (pid {child.pid})\n")
                threading.Thread(target=_watch, args=(child, stopping, out), daemon=True).start()
            out.write("Press Ctrl-C to stop.\n")
            out.flush()
            server.serve_forever()
        except KeyboardInterrupt:
            out.write("\nstopping …\n")
        finally:
            stopping.set()
            server.server_close()
            if child is not None:
                stop_worker(child, out)
            out.write("stopped.\n")
            out.flush()

"""Real concurrent clients for PostgreSQL tests: one OS process (own connection) per client.

The child imports nothing of Django before `django.setup()`: the work function is named by
its dotted path ("tests.inventory.test_concurrency:issue_until_empty") and imported only
after set-up, so test modules may import models at their top as usual.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import queue as queue_module
import time
from typing import Any


def _child(db_name: str, target: str, args: tuple[Any, ...], results: Any) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orderdesk.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    settings.DATABASES["default"]["NAME"] = db_name
    connections["default"].close()
    connections["default"].settings_dict["NAME"] = db_name
    try:
        module_name, func_name = target.split(":")
        fn = getattr(importlib.import_module(module_name), func_name)
        results.put(("ok", fn(*args)))
    except BaseException as exc:  # reported to the parent, which fails the test
        results.put(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        connections.close_all()


def run_in_processes(
    target: str, args_list: list[tuple[Any, ...]], *, timeout: float = 240
) -> list[Any]:
    """Run `target(*args)` in one process per args tuple, all at once, on the test database.

    Returns the results (in completion order); raises with every child's error if any failed,
    and never waits past `timeout` for a child that died without answering.
    """
    from django.db import connection

    db_name = connection.settings_dict["NAME"]
    connection.close()
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    procs = [ctx.Process(target=_child, args=(db_name, target, a, results)) for a in args_list]
    for p in procs:
        p.start()
    answers: list[tuple[str, Any]] = []
    deadline = time.monotonic() + timeout
    while len(answers) < len(procs):
        try:
            answers.append(results.get(timeout=1))
        except queue_module.Empty:
            dead = [p for p in procs if p.exitcode not in (None, 0)]
            if dead or time.monotonic() > deadline:
                for p in procs:
                    if p.is_alive():
                        p.terminate()
                raise AssertionError(
                    f"{len(procs) - len(answers)} of {len(procs)} clients gave no answer "
                    f"(exit codes {[p.exitcode for p in procs]})"
                ) from None
    for p in procs:
        p.join(timeout=30)
    errors = [r for status, r in answers if status == "error"]
    if errors:
        raise AssertionError(f"{len(errors)} concurrent clients failed: {errors[:5]}")
    return [r for _, r in answers]


def run_concurrently(fn: Any, args_list: list[tuple[Any, ...]]) -> list[Any]:
    """`run_in_processes` for a module-level function object (named by its dotted path)."""
    return run_in_processes(f"{fn.__module__}:{fn.__qualname__}", args_list)

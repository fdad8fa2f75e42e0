"""Real concurrent clients for PostgreSQL tests: separate OS processes, separate connections."""

from __future__ import annotations

import importlib
import multiprocessing
import queue as queue_module
import os
from collections.abc import Callable
from typing import Any

from django.db import connection


def _child(db_name: str, fn_path: str, args: tuple[Any, ...], queue: Any) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "orderdesk.settings"
    import django
    from django.conf import settings

    django.setup()
    settings.DATABASES["default"]["NAME"] = db_name
    from django.db import connections

    connections["default"].close()
    connections["default"].settings_dict["NAME"] = db_name
    try:
        module_name, _, attr = fn_path.partition(":")
        fn = getattr(importlib.import_module(module_name), attr)
        queue.put(("ok", fn(*args)))
    except BaseException as exc:  # reported to the parent, which fails the test
        queue.put(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        connections.close_all()


def run_concurrently(fn: Callable[..., Any], args_list: list[tuple[Any, ...]]) -> list[Any]:
    """Run `fn(*args)` in one process per args tuple, all at once, against the test database.

    `fn` must be a module-level function; it is passed by name and imported in the child
    after django.setup(), because unpickling a test module before set-up imports models too
    early. Returns the results in arbitrary order; raises if any process failed.
    """
    fn_path = f"{fn.__module__}:{fn.__qualname__}"
    db_name = connection.settings_dict["NAME"]
    connection.close()
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_child, args=(db_name, fn_path, args, queue)) for args in args_list]
    for p in procs:
        p.start()
    results = []
    for _ in procs:
        try:
            results.append(queue.get(timeout=300))
        except queue_module.Empty:
            codes = [p.exitcode for p in procs]
            raise AssertionError(f"a concurrent client died without answering: {codes}") from None
    for p in procs:
        p.join(timeout=60)
    errors = [r for status, r in results if status == "error"]
    if errors:
        raise AssertionError(f"{len(errors)} concurrent clients failed: {errors[:5]}")
    return [r for _, r in results]

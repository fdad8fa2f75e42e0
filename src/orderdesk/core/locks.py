"""The only place rows are locked.

Rows are locked in primary-key order so two transactions never wait on each other in a
circle; `of=("self",)` keeps joined tables unlocked; `no_key=True` lets inserts that
reference the row go on. The queryset is forced to run (a lazy lock is no lock).
SQLite ignores FOR UPDATE: there, IMMEDIATE transactions serialise writers, and stock is
also guarded by conditional updates and CHECK constraints.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models, transaction

M = TypeVar("M", bound=models.Model)


def lock_rows(queryset: models.QuerySet[M]) -> list[M]:
    """Lock and return the rows; caller must be inside `transaction.atomic()`."""
    if not transaction.get_connection(queryset.db).in_atomic_block:
        raise RuntimeError("lock_rows needs an open transaction (transaction.atomic)")
    return list(queryset.select_for_update(of=("self",), no_key=True).order_by("pk"))


def lock_one(queryset: models.QuerySet[M]) -> M:
    """Lock exactly one row; raises the model's DoesNotExist when there is none."""
    rows = lock_rows(queryset)
    if not rows:
        raise queryset.model.DoesNotExist(  # type: ignore[attr-defined]
            f"no {queryset.model.__name__} to lock"
        )
    return rows[0]

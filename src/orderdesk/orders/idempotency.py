"""Idempotency keys for order intake: a retried request never makes a second order.

The key is claimed in its own short transaction before the work starts, so a concurrent
twin sees it at once (and gets 409 while the first is in flight) instead of queueing behind
a long intake. The answer is stored in the same transaction as the order, so a crash can
never leave an order without its key's answer. A claim left behind by a crashed process
expires after `STALE_AFTER` and may then be taken over.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .errors import OrderConflict, OrderError, OrderErrorCode
from .models import IdempotencyKey, SalesOrder

STALE_AFTER = dt.timedelta(minutes=2)
MAX_KEY = 200


def body_hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _claim(scope: str, key: str, digest: str) -> IdempotencyKey | tuple[int, Any]:
    """Our claim on the key, or the stored (status, body) of a finished twin."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(
                scope=scope, key=key, request_hash=digest, created_at=now
            )
    except IntegrityError:
        pass
    row = IdempotencyKey.objects.filter(scope=scope, key=key).first()
    if row is None:  # the twin failed and let go of the key in between: try once more
        return _claim(scope, key, digest)
    if row.request_hash != digest:
        raise OrderError(
            OrderErrorCode.IDEMPOTENCY_MISMATCH,
            f"Idempotency-Key {key} was used before with a different request body",
            field="Idempotency-Key",
            fix="use a new key for a new order; resend the same body to repeat the first",
        )
    if row.status_code is not None:
        return row.status_code, row.response
    taken_over = IdempotencyKey.objects.filter(
        pk=row.pk, status_code__isnull=True, created_at__lt=now - STALE_AFTER
    ).update(created_at=now)
    if taken_over:
        row.created_at = now
        return row
    raise OrderConflict(
        OrderErrorCode.IDEMPOTENCY_IN_FLIGHT,
        f"a request with Idempotency-Key {key} is still being processed",
        field="Idempotency-Key",
        fix="wait a moment and send the same request again to get its answer",
    )


def idempotent(
    *,
    scope: str,
    key: str,
    body: Any,
    run: Callable[[], tuple[int, Any, SalesOrder | None]],
) -> tuple[int, Any]:
    """Run `run` once per (scope, key); replays get the first answer.

    `run` returns (status, JSON body, order); it runs in one transaction with the storing
    of its answer. A domain error (4xx) is stored too, so a replay answers the same;
    anything else lets go of the key so the client can retry.
    """
    key = key.strip()
    if not key or len(key) > MAX_KEY:
        raise OrderError(
            OrderErrorCode.INVALID,
            f"Idempotency-Key must be 1 to {MAX_KEY} characters",
            field="Idempotency-Key",
            fix="send a UUID",
        )
    claim = _claim(scope, key, body_hash(body))
    if isinstance(claim, tuple):
        return claim
    from orderdesk.core.errors import DomainError

    try:
        with transaction.atomic():
            status, response, order = run()
            _finish(claim, status, response, order)
    except DomainError as exc:
        if exc.status >= 500:
            IdempotencyKey.objects.filter(pk=claim.pk).delete()
            raise
        _finish(claim, exc.status, exc.as_dict(), None)
        raise
    except BaseException:
        IdempotencyKey.objects.filter(pk=claim.pk).delete()
        raise
    return status, response


def _finish(claim: IdempotencyKey, status: int, response: Any, order: SalesOrder | None) -> None:
    IdempotencyKey.objects.filter(pk=claim.pk).update(
        status_code=status, response=response, order=order, completed_at=timezone.now()
    )

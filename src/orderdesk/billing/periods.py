"""The period cut-off: once billing closes a period, nothing is posted dated inside it.

Month-end reports for a closed period must not change under the reader, so every posting
(invoice, credit memo, payment) calls `posting_date_check` with its document date before it
writes anything. The latest `PeriodClose` row is in force; earlier rows are its history.
A close only moves the date forward; moving it back is a reopen, which needs a reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from orderdesk.core.audit import event_record
from orderdesk.core.locks import lock_rows
from orderdesk.core.roles import Capability, require

from .errors import BillingConflict, BillingError, BillingErrorCode
from .models import PeriodClose


def period_current() -> PeriodClose | None:
    """The close in force (the latest row), or None when no period was ever closed."""
    return PeriodClose.objects.order_by("-closed_at", "-id").first()


def closed_through() -> dt.date | None:
    """The last date of the closed periods, or None: postings must be dated after it."""
    current = period_current()
    return current.closed_through if current is not None else None


def posting_date_check(*, on: dt.date, what: str) -> None:
    """Refuse a posting dated on or before the closed-through date (422 "period_closed").

    `what` names the document for the message ("invoice for shipment SH000012"). Call it
    inside the posting's transaction before writing anything, so a refusal leaves nothing.
    """
    through = closed_through()
    if through is None or on > through:
        return
    raise BillingError(
        BillingErrorCode.PERIOD_CLOSED,
        f"{what} is dated {on.isoformat()}, but the books are closed through {through.isoformat()}",
        field="date",
        fix=f"post it dated after {through.isoformat()}, or ask billing to reopen the period",
    )


def _reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and len(reason) < 3:
        raise BillingError(
            BillingErrorCode.REASON_REQUIRED,
            "say why the closed period is reopened",
            field="reason",
            fix="write the reason, e.g. 'late supplier credit for March'",
        )
    return reason[:200]


def _locked_current() -> PeriodClose | None:
    """The close in force, with every close row locked so two closes queue one behind the
    other (the history is a handful of rows a year)."""
    rows = lock_rows(PeriodClose.objects.all())
    if not rows:
        return None
    return max(rows, key=lambda r: (r.closed_at, r.pk))


def _record(*, actor: Any, through: dt.date, reason: str) -> PeriodClose:
    return PeriodClose.objects.create(
        closed_through=through,
        reason=reason,
        closed_by=actor if getattr(actor, "pk", None) else None,
        closed_at=timezone.now(),
    )


def period_close(*, actor: Any, through: dt.date, reason: str) -> PeriodClose:
    """Close the books through `through` (inclusive): from now on nothing is posted dated on
    or before it. Only forward: a date not after the current close is refused (use
    `period_reopen` to move it back); a date in the future too (the period is not over)."""
    require(actor, Capability.PERIOD_CLOSE)
    reason = _reason(reason, required=False)
    today = timezone.localdate()
    if through > today:
        raise BillingError(
            BillingErrorCode.INVALID,
            f"{through.isoformat()} is in the future; a period is closed once it is over",
            field="through",
            fix=f"close through {today.isoformat()} or an earlier date",
        )
    with transaction.atomic():
        current = _locked_current()
        if current is not None and through <= current.closed_through:
            raise BillingConflict(
                BillingErrorCode.PERIOD_BACKWARDS,
                f"the books are already closed through {current.closed_through.isoformat()}; "
                f"closing through {through.isoformat()} would move the cut-off back",
                field="through",
                fix=f"give a date after {current.closed_through.isoformat()}, or reopen "
                "the period with a reason",
            )
        close = _record(actor=actor, through=through, reason=reason)
        event_record(
            actor=actor,
            obj=close,
            action="period.closed",
            before={"closed_through": current.closed_through if current else None},
            after={"closed_through": through},
            reason=reason,
        )
    return close


def period_reopen(*, actor: Any, through: dt.date, reason: str) -> PeriodClose:
    """Move the cut-off back to `through` (the new closed-through date), with a reason: the
    dates after it can be posted to again. Leaves the closes before it as history."""
    require(actor, Capability.PERIOD_CLOSE)
    reason = _reason(reason, required=True)
    with transaction.atomic():
        current = _locked_current()
        if current is None or through >= current.closed_through:
            now_text = current.closed_through.isoformat() if current else "never closed"
            raise BillingConflict(
                BillingErrorCode.PERIOD_NOT_BACK,
                f"reopening must move the cut-off back; the books are closed through {now_text}",
                field="through",
                fix="give a date before the current closed-through date"
                if current
                else "there is nothing to reopen",
            )
        close = _record(actor=actor, through=through, reason=reason)
        event_record(
            actor=actor,
            obj=close,
            action="period.reopened",
            before={"closed_through": current.closed_through},
            after={"closed_through": through},
            reason=reason,
        )
    return close


def period_state(*, user: Any, history: int = 20) -> dict[str, Any]:
    """The cut-off in force and the latest closes and reopens before it (staff only)."""
    require(user, Capability.MASTER_DATA_VIEW)
    rows = list(
        PeriodClose.objects.select_related("closed_by").order_by("-closed_at", "-id")[:history]
    )
    current = rows[0] if rows else None
    return {
        "closed_through": current.closed_through if current else None,
        "reason": current.reason if current else "",
        "closed_by": current.closed_by.username if current and current.closed_by else None,
        "closed_at": current.closed_at if current else None,
        "history": rows,
    }

"""Background tasks of the outbox (run by `orderdesk worker`; see docs/operations.md)."""

from __future__ import annotations

from django_tasks import task

from .services import outbox_message_deliver, outbox_sweep_due


@task()
def outbox_deliver(message_id: int) -> str:
    """Send one outbox message (enqueued on commit of the transaction that wrote it)."""
    return outbox_message_deliver(message_id=message_id)


@task()
def outbox_sweep() -> int:
    """Re-enqueue due pending messages; run periodically (`orderdesk outbox_sweep`)."""
    return outbox_sweep_due()

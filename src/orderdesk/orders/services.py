"""Order state changes: the one place an order or line status moves, each move an event."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from orderdesk.core.audit import event_record, event_record_many
from orderdesk.core.bulk import update_rows

from .errors import OrderConflict, OrderError, OrderErrorCode
from .models import SalesOrder, SalesOrderLine
from .states import ORDER_TRANSITIONS, LineStatus, OrderStatus


def require_reason(reason: str) -> str:
    """The reason an override, release, cancellation or change must carry, trimmed."""
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise OrderError(
            OrderErrorCode.REASON_REQUIRED,
            "say why (a few words the next person will understand)",
            field="reason",
            fix="write the reason, e.g. 'customer confirmed price by phone'",
        )
    return reason


def order_transition(
    *, actor: Any, order: SalesOrder, to: OrderStatus | str, reason: str = ""
) -> SalesOrder:
    """Move the order to `to` if the transition table allows it, and record the event.

    Caller holds the order (inside the transaction that made the change that justifies the
    move). Moving to the state it is already in is a no-op without an event.
    """
    before = order.status
    if before == to:
        return order
    if to not in ORDER_TRANSITIONS[before]:
        raise OrderConflict(
            OrderErrorCode.TRANSITION_NOT_ALLOWED,
            f"order {order.number} is {OrderStatus(before).label.lower()}; "
            f"it cannot become {OrderStatus(to).label.lower()}",
            field="status",
            fix="release its holds first" if before == OrderStatus.HELD else None,
        )
    now = timezone.now()
    order.status = to
    fields = ["status", "updated_at"]
    if to == OrderStatus.HELD:
        order.held_at = now
        fields.append("held_at")
    elif to == OrderStatus.ACCEPTED and order.accepted_at is None:
        order.accepted_at = now
        fields.append("accepted_at")
    order.save(update_fields=fields)
    event_record(
        actor=actor,
        obj=order,
        action=f"order.{to}",
        before={"status": before},
        after={"status": str(to)},
        reason=reason,
    )
    return order


def line_status_for(line: SalesOrderLine) -> LineStatus:
    """The status a line's buckets say it is in (released/shipped states are set by those
    steps, not derived here)."""
    if line.qty_cancelled == line.qty_ordered:
        return LineStatus.CANCELLED
    if line.drop_ship and line.qty_remaining > 0:
        return LineStatus.DROP_SHIP
    if line.qty_shipped > 0 and line.qty_remaining == 0:
        return LineStatus.INVOICED if line.qty_invoiced >= line.qty_shipped else LineStatus.SHIPPED
    if line.qty_allocated > 0 and (line.qty_backordered > 0 or line.qty_open > 0):
        return LineStatus.PARTIAL
    if line.qty_allocated > 0:
        return LineStatus.ALLOCATED
    if line.qty_backordered > 0:
        return LineStatus.BACKORDERED
    return LineStatus.OPEN


def lines_restatus(*, actor: Any, lines: list[SalesOrderLine], reason: str = "") -> None:
    """Set each line's status from its buckets; one bulk update and one event per change.

    Caller has already saved the buckets (or saves them with this update: the bucket fields
    are written too, so a caller can change buckets in memory and call this once).
    """
    changed: list[SalesOrderLine] = []
    records: list[tuple[Any, str, dict[str, Any] | None, dict[str, Any] | None]] = []
    for line in lines:
        new = line_status_for(line)
        if new != line.status:
            records.append((line, f"line.{new}", {"status": line.status}, {"status": str(new)}))
            line.status = new
        changed.append(line)
    update_rows(
        SalesOrderLine,
        changed,
        [
            "status",
            "qty_open",
            "qty_allocated",
            "qty_backordered",
            "qty_cancelled",
            "promised_date",
            "warehouse",
            "drop_ship",
        ],
    )
    event_record_many(actor=actor, records=records, reason=reason)

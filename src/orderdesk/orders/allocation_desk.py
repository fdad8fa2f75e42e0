"""The desk's allocation actions on one line: expedite, decommit, move to another warehouse.

Each is one transaction on the locked order, needs a reason, and records its events; the
stock side goes through `inventory.reservations` as in `orders.allocation`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from orderdesk.core.audit import event_record
from orderdesk.core.roles import Capability, require
from orderdesk.inventory.models import Warehouse
from orderdesk.inventory.reservations import stock_unreserve

from .allocation import (
    _allocate,
    _check_allocatable,
    _components,
    _lock_order,
    _order_restatus,
    _promises,
    _Want,
)
from .errors import OrderError, OrderErrorCode
from .models import Allocation, SalesOrder, SalesOrderLine
from .services import lines_restatus, require_reason

#: Who may expedite, decommit and move lines: the order desk roles.
CAPABILITY = Capability.ORDER_ALLOCATE


def _locked_line(line: SalesOrderLine) -> tuple[SalesOrder, SalesOrderLine]:
    """The line's order, locked and checked allocatable, and the line as saved."""
    order = _lock_order(line.order_id)
    _check_allocatable(order)
    row = SalesOrderLine.objects.select_related("item", "item__default_vendor").get(pk=line.pk)
    return order, row


def _release(*, actor: Any, order: SalesOrder, line: SalesOrderLine, reason: str) -> Decimal:
    """Give the line's stock back: allocated → backordered. Caller holds the order lock.

    The buckets change in memory; the caller saves them (`lines_restatus`).
    """
    rows = list(Allocation.objects.filter(line=line, released=False))
    for a in rows:
        stock_unreserve(
            item_id=a.item_id, warehouse_id=a.warehouse_id, lot=a.lot, quantity=a.quantity
        )
    Allocation.objects.filter(pk__in=[a.pk for a in rows]).delete()
    released = line.qty_allocated
    line.qty_backordered += released
    line.qty_allocated = Decimal(0)
    event_record(
        actor=actor,
        obj=order,
        action="allocation.released",
        before={
            "line_no": line.line_no,
            "allocations": [
                {"item": a.item_id, "warehouse": a.warehouse_id, "lot": a.lot, "qty": a.quantity}
                for a in rows
            ],
        },
        after={"line_no": line.line_no, "backordered": line.qty_backordered},
        reason=reason,
    )
    return released


def _line_promise(*, order: SalesOrder, line: SalesOrderLine, today: dt.date) -> dt.date:
    """When what the line waits for (open + backordered) can be promised. Caller holds
    the order lock."""
    want = _Want(line, line.qty_open + line.qty_backordered)
    kits = _components([want.item_id]) if want.kit else {}
    return _promises(order, [want], kits, today)[line.pk]


def _fresh(line: SalesOrderLine) -> SalesOrderLine:
    line.refresh_from_db()
    return line


def line_expedite(
    *, actor: Any, line: SalesOrderLine, reason: str, today: dt.date | None = None
) -> SalesOrderLine:
    """Rush the line's order (priority 1, first in the backorder queue) and try to allocate
    what the line still waits for now."""
    require(actor, CAPABILITY)
    reason = require_reason(reason)
    today = today or timezone.localdate()
    with transaction.atomic():
        order, row = _locked_line(line)
        before = {"priority": order.priority, "rush": order.rush}
        order.priority, order.rush = 1, True
        order.save(update_fields=["priority", "rush", "updated_at"])
        event_record(
            actor=actor,
            obj=order,
            action="order.expedited",
            before=before,
            after={"priority": 1, "rush": True, "line_no": row.line_no},
            reason=reason,
        )
        _allocate(actor=actor, order=order, line_ids=[row.pk], today=today, reason=reason)
    return _fresh(line)


def line_decommit(
    *, actor: Any, line: SalesOrderLine, reason: str, today: dt.date | None = None
) -> SalesOrderLine:
    """Give the line's allocated stock back; the quantity waits as a backorder, promised
    again from ATP. Refused when nothing is allocated."""
    require(actor, CAPABILITY)
    reason = require_reason(reason)
    today = today or timezone.localdate()
    with transaction.atomic():
        order, row = _locked_line(line)
        if row.qty_allocated <= 0:
            raise OrderError(
                OrderErrorCode.INVALID,
                f"line {row.line_no} of {order.number} has no stock allocated",
                field="line",
            )
        _release(actor=actor, order=order, line=row, reason=reason)
        row.promised_date = max(
            _line_promise(order=order, line=row, today=today),
            row.requested_date or order.requested_date or today,
        )
        lines_restatus(actor=actor, lines=[row], reason=reason)
        _order_restatus(actor=actor, order=order, reason=reason)
    return _fresh(line)


def line_move_warehouse(
    *,
    actor: Any,
    line: SalesOrderLine,
    warehouse: Warehouse,
    reason: str,
    today: dt.date | None = None,
) -> SalesOrderLine:
    """Serve the line from another warehouse: its stock is given back, the line is pinned to
    `warehouse` and allocated from there (what it lacks there is backordered there)."""
    require(actor, CAPABILITY)
    reason = require_reason(reason)
    today = today or timezone.localdate()
    if not warehouse.active:
        raise OrderError(
            OrderErrorCode.INVALID,
            f"warehouse {warehouse.code} is inactive",
            field="warehouse",
            fix="choose an active warehouse",
        )
    with transaction.atomic():
        order, row = _locked_line(line)
        if row.drop_ship:
            raise OrderError(
                OrderErrorCode.INVALID,
                f"line {row.line_no} of {order.number} is drop-shipped by the vendor",
                field="line",
            )
        before = row.warehouse_id
        if row.qty_allocated > 0:
            _release(actor=actor, order=order, line=row, reason=reason)
        row.warehouse = warehouse
        lines_restatus(actor=actor, lines=[row], reason=reason)
        event_record(
            actor=actor,
            obj=order,
            action="line.warehouse_moved",
            before={"line_no": row.line_no, "warehouse": before},
            after={"line_no": row.line_no, "warehouse": warehouse.pk},
            reason=reason,
        )
        _allocate(actor=actor, order=order, line_ids=[row.pk], today=today, reason=reason)
    return _fresh(line)

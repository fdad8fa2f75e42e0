"""Changes and cancellations: quantities, dates, added and removed lines, cancelled orders.

An order still in the exception queue is simply edited and re-validated. An accepted order
is changed under its lock: touched lines keep their frozen unit price (a line added later
is priced on the day it is added), only the touched lines are re-validated (plus credit,
which depends on the total), the stock they hold is given back and taken again, and the
customer gets a new acknowledgement revision listing the changes. A change whose value
crosses the customer's approval threshold waits for a coordinator or manager unless the
person asking may approve it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from orderdesk.core.audit import event_record
from orderdesk.core.money import QUANTITY_PLACES, minor_exponent, round_half_up, to_decimal
from orderdesk.core.roles import Capability, has_capability, require
from orderdesk.inventory.reservations import stock_unreserve

from . import pipeline
from .drafts import LineDraft
from .errors import OrderConflict, OrderError, OrderErrorCode
from .holds import _lines, _locked, _revalidate, _try_accept
from .models import Allocation, ChangeStatus, OrderChange, SalesOrder, SalesOrderLine
from .services import lines_restatus, order_transition, require_reason
from .states import CHANGEABLE, OrderStatus

EDITABLE = frozenset({OrderStatus.RECEIVED, OrderStatus.HELD})


@dataclass
class LineChange:
    line_no: int
    quantity: Decimal | None = None
    requested_date: dt.date | None = None
    cancel: bool = False


@dataclass
class ChangeRequest:
    lines: list[LineChange] = field(default_factory=list)
    add: list[LineDraft] = field(default_factory=list)
    requested_date: dt.date | None = None
    notes: str | None = None

    def as_json(self) -> dict[str, Any]:
        return _jsonable(asdict(self))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChangeRequest:
        def date(v: Any) -> dt.date | None:
            return dt.date.fromisoformat(v) if v else None

        return cls(
            lines=[
                LineChange(
                    line_no=int(c["line_no"]),
                    quantity=to_decimal(c["quantity"]) if c.get("quantity") is not None else None,
                    requested_date=date(c.get("requested_date")),
                    cancel=bool(c.get("cancel")),
                )
                for c in data.get("lines", [])
            ],
            add=[
                LineDraft(
                    sku=a["sku"],
                    quantity=to_decimal(a["quantity"]),
                    uom=a.get("uom") or "",
                    requested_date=date(a.get("requested_date")),
                    customer_price=(
                        to_decimal(a["customer_price"])
                        if a.get("customer_price") is not None
                        else None
                    ),
                    warehouse=a.get("warehouse") or "",
                    notes=a.get("notes") or "",
                )
                for a in data.get("add", [])
            ],
            requested_date=date(data.get("requested_date")),
            notes=data.get("notes"),
        )


def _jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, Decimal):
        return format(v.normalize(), "f")  # 2, not 2.0000: the customer reads these
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


@dataclass
class ChangeOutcome:
    order: SalesOrder
    pending: OrderChange | None
    changes: list[OrderChange]


def allocations_release(*, actor: Any, lines: Sequence[SalesOrderLine]) -> Decimal:
    """Give back the stock the lines hold: allocated → open. Caller holds the order lock.

    Returns the base quantity given back. The lines' buckets change in memory; the caller
    saves them (with `lines_restatus`).
    """
    by_id = {ln.pk: ln for ln in lines}
    rows = list(Allocation.objects.filter(line_id__in=by_id, released=False))
    total = Decimal(0)
    for a in rows:
        stock_unreserve(
            item_id=a.item_id, warehouse_id=a.warehouse_id, lot=a.lot, quantity=a.quantity
        )
    if rows:
        Allocation.objects.filter(pk__in=[a.pk for a in rows]).delete()
        event_record(
            actor=actor,
            object_type="orders.salesorder",
            object_id=lines[0].order_id,
            action="allocation.released",
            before={
                "allocations": [
                    {"line": by_id[a.line_id].line_no, "sku": a.item_id, "qty": a.quantity}
                    for a in rows
                ]
            },
        )
    for ln in lines:
        total += ln.qty_allocated
        ln.qty_open += ln.qty_allocated + ln.qty_backordered
        ln.qty_allocated = Decimal(0)
        ln.qty_backordered = Decimal(0)
    return total


def _frozen_amounts(line: SalesOrderLine, currency: str) -> None:
    """Re-compute a line's amounts at its frozen unit price after a quantity change."""
    places = minor_exponent(currency)
    qty = Decimal(line.quantity) - (
        Decimal(line.qty_cancelled) / Decimal(line.factor) if line.factor else Decimal(0)
    )
    old_gross = Decimal(line.gross)
    gross = round_half_up(qty * Decimal(line.unit_price), places)
    discount = (
        round_half_up(Decimal(line.discount) * gross / old_gross, places)
        if old_gross
        else Decimal(0)
    )
    line.gross, line.discount = gross, discount
    line.net = gross - discount
    line.tax = round_half_up(line.net * Decimal(line.tax_rate) / 100, places)


def _totals(order: SalesOrder, lines: Sequence[SalesOrderLine]) -> None:
    order.merchandise = sum((Decimal(ln.net) for ln in lines), Decimal(0))
    charge_tax = sum((Decimal(c.tax) for c in order.charges.all()), Decimal(0))
    order.tax_total = sum((Decimal(ln.tax) for ln in lines), Decimal(0)) + charge_tax
    order.total = Decimal(order.merchandise) + Decimal(order.charges_total) + order.tax_total


def _value_delta(
    order: SalesOrder, lines: dict[int, SalesOrderLine], request: ChangeRequest, today: dt.date
) -> Decimal:
    """What the change does to the order's value: changed lines at their frozen prices,
    added lines at our price for this customer today (the customer's PO price would let an
    added line without one slip past approval)."""
    from orderdesk.pricing.quote import price_lookup

    delta = Decimal(0)
    for c in request.lines:
        line = lines[c.line_no]
        remaining = Decimal(line.quantity) - Decimal(line.qty_cancelled) / Decimal(line.factor or 1)
        new_qty = Decimal(0) if c.cancel else (c.quantity if c.quantity is not None else remaining)
        delta += (new_qty - remaining) * Decimal(line.unit_price)
    added = [
        SalesOrderLine(sku=a.sku.strip(), quantity=to_decimal(a.quantity), uom_code=a.uom)
        for a in request.add
    ]
    pipeline.resolve_lines(added)
    for line, a in zip(added, request.add, strict=True):
        base = Decimal(line.quantity) * Decimal(line.factor or 1)
        if line.item is not None and base > 0:
            unit, _ = price_lookup(
                customer=order.customer, item=line.item, quantity=base, on_date=today
            )
            delta += base * unit
        else:  # not in the catalogue: the order will hold on it; count what the PO says
            delta += Decimal(line.quantity) * to_decimal(a.customer_price or 0)
    return delta


def _check_request(order: SalesOrder, lines: dict[int, SalesOrderLine], req: ChangeRequest) -> None:
    if not (req.lines or req.add or req.requested_date or req.notes is not None):
        raise OrderError(OrderErrorCode.INVALID, "the change changes nothing", field="lines")
    for c in req.lines:
        line = lines.get(c.line_no)
        if line is None:
            raise OrderError(
                OrderErrorCode.INVALID,
                f"order {order.number} has no line {c.line_no}",
                field=f"lines[{c.line_no}]",
            )
        if c.quantity is not None:
            if c.quantity <= 0:
                raise OrderError(
                    OrderErrorCode.QUANTITY_INVALID,
                    f"line {c.line_no}: quantity must be above 0",
                    field=f"lines[{c.line_no}].quantity",
                    fix="cancel the line instead of setting it to 0",
                )
            base = round_half_up(c.quantity * Decimal(line.factor or 1), QUANTITY_PLACES)
            if base < line.qty_shipped + line.qty_cancelled:
                raise OrderError(
                    OrderErrorCode.QUANTITY_INVALID,
                    f"line {c.line_no}: {line.qty_shipped} already shipped; "
                    "the quantity cannot go below that",
                    field=f"lines[{c.line_no}].quantity",
                )
        if line.qty_remaining == 0 and (c.quantity is not None or c.cancel):
            raise OrderConflict(
                OrderErrorCode.NOT_CHANGEABLE,
                f"line {c.line_no} is {line.get_status_display().lower()}: nothing left to change",
                field=f"lines[{c.line_no}]",
            )


def _apply(
    *, actor: Any, order: SalesOrder, lines: list[SalesOrderLine], req: ChangeRequest, now: Any
) -> tuple[list[SalesOrderLine], list[OrderChange]]:
    """Apply the request to the lines in memory and to new line rows; returns touched lines
    and the change-log rows (unsaved)."""
    by_no = {ln.line_no: ln for ln in lines}
    touched: list[SalesOrderLine] = []
    log: list[OrderChange] = []
    accepted = order.status not in EDITABLE

    def entry(kind: str, line_no: int | None, before: dict, after: dict) -> None:
        log.append(
            OrderChange(
                order=order,
                line_no=line_no,
                kind=kind,
                before=_jsonable(before),
                after=_jsonable(after),
                status=ChangeStatus.APPLIED,
                requested_by=actor if getattr(actor, "pk", None) else None,
                requested_at=now,
            )
        )

    if accepted:
        affected = [by_no[c.line_no] for c in req.lines if c.quantity is not None or c.cancel]
        allocations_release(actor=actor, lines=affected)
    for c in req.lines:
        line = by_no[c.line_no]
        if c.cancel:
            left = line.qty_open + line.qty_allocated + line.qty_backordered
            factor = Decimal(line.factor or 1)
            entry(
                "cancel_line",
                line.line_no,
                {"quantity": line.quantity},
                {"cancelled": round_half_up(left / factor, QUANTITY_PLACES)},
            )
            line.qty_cancelled += left
            line.qty_open = line.qty_allocated = line.qty_backordered = Decimal(0)
        elif c.quantity is not None and c.quantity != line.quantity:
            entry("quantity", line.line_no, {"quantity": line.quantity}, {"quantity": c.quantity})
            line.quantity = c.quantity
            base = round_half_up(c.quantity * Decimal(line.factor or 1), QUANTITY_PLACES)
            line.qty_ordered = base
            line.qty_open = base - line.qty_shipped - line.qty_cancelled - line.qty_allocated
            line.qty_open -= line.qty_backordered
        if c.requested_date is not None and c.requested_date != line.requested_date:
            entry(
                "date",
                line.line_no,
                {"requested_date": line.requested_date},
                {"requested_date": c.requested_date},
            )
            line.requested_date = c.requested_date
        if accepted and line.price_source:
            _frozen_amounts(line, order.currency)
        touched.append(line)
    if req.requested_date is not None and req.requested_date != order.requested_date:
        entry(
            "date",
            None,
            {"requested_date": order.requested_date},
            {"requested_date": req.requested_date},
        )
        order.requested_date = req.requested_date
    if req.notes is not None and req.notes != order.notes:
        entry("notes", None, {"notes": order.notes}, {"notes": req.notes})
        order.notes = req.notes
    next_no = max(by_no, default=0) + 1
    new_lines: list[SalesOrderLine] = []
    for n, add in enumerate(req.add):
        new_lines.append(
            SalesOrderLine(
                order=order,
                line_no=next_no + n,
                sku=add.sku.strip()[:40],
                quantity=to_decimal(add.quantity),
                uom_code=(add.uom or "").strip().upper()[:8],
                requested_date=add.requested_date or order.requested_date,
                customer_price=add.customer_price,
                notes=add.notes[:250],
            )
        )
    if new_lines:
        pipeline.resolve_lines(new_lines)
        for ln in new_lines:
            pipeline.store_quantities(ln)
            entry("add_line", ln.line_no, {}, {"sku": ln.sku, "quantity": ln.quantity})
        if accepted:
            _price_added(order, new_lines)
        SalesOrderLine.objects.bulk_create(new_lines)
        touched.extend(new_lines)
        lines.extend(new_lines)
    return touched, log


def _price_added(order: SalesOrder, new_lines: list[SalesOrderLine]) -> None:
    """Price lines added to an accepted order, today, without repricing the others."""
    probe = SalesOrder(
        customer=order.customer,
        ship_to=order.ship_to,
        ship_method=order.ship_method,
        freight_payment="",
        currency=order.currency,
    )
    pipeline.price(probe, new_lines, on_date=timezone.localdate())


def _needs_approval(actor: Any, order: SalesOrder, delta: Decimal, threshold: Decimal) -> bool:
    if order.status in EDITABLE:
        return False
    if has_capability(actor, Capability.ORDER_APPROVE):
        return False
    return abs(delta) > threshold


def order_change(
    *,
    actor: Any,
    order: SalesOrder,
    request: ChangeRequest,
    reason: str,
    today: dt.date | None = None,
) -> ChangeOutcome:
    """Change an order; see the module docstring."""
    require(actor, Capability.ORDER_ENTRY)
    reason = require_reason(reason)
    today = today or timezone.localdate()
    with transaction.atomic():
        order = _locked(order)
        if order.status not in CHANGEABLE:
            raise OrderConflict(
                OrderErrorCode.NOT_CHANGEABLE,
                f"order {order.number} is {order.get_status_display().lower()} and can no "
                "longer be changed",
                field="status",
                fix="released and shipped orders change through the warehouse or a return",
            )
        lines = _lines(order)
        by_no = {ln.line_no: ln for ln in lines}
        _check_request(order, by_no, request)
        from .facts import policy_for

        threshold = Decimal(getattr(policy_for(order.customer), "change_approval_amount", 0) or 0)
        delta = _value_delta(order, by_no, request, today)
        now = timezone.now()
        if threshold and _needs_approval(actor, order, delta, threshold):
            pending = OrderChange.objects.create(
                order=order,
                kind="request",
                after=request.as_json(),
                status=ChangeStatus.PENDING,
                reason=reason,
                value_delta=round_half_up(delta, 4),
                requested_by=actor if getattr(actor, "pk", None) else None,
                requested_at=now,
            )
            event_record(
                actor=actor,
                obj=order,
                action="change.requested",
                after={"change": pending.pk, "value_delta": delta, "threshold": threshold},
                reason=reason,
            )
            return ChangeOutcome(order, pending, [])
        log = _apply_and_settle(
            actor=actor, order=order, lines=lines, request=request, reason=reason, today=today
        )
        return ChangeOutcome(order, None, log)


def _apply_and_settle(
    *,
    actor: Any,
    order: SalesOrder,
    lines: list[SalesOrderLine],
    request: ChangeRequest,
    reason: str,
    today: dt.date,
) -> list[OrderChange]:
    now = timezone.now()
    editable = order.status in EDITABLE
    touched, log = _apply(actor=actor, order=order, lines=lines, req=request, now=now)
    for entry in log:
        entry.reason = reason
    OrderChange.objects.bulk_create(log)
    event_record(
        actor=actor,
        obj=order,
        action="order.changed",
        after={"changes": [{"kind": c.kind, "line": c.line_no, "after": c.after} for c in log]},
        reason=reason,
    )
    if editable:
        _revalidate(actor=actor, order=order, lines=lines, today=today)
        lines_restatus(actor=actor, lines=lines, reason=reason)
        _try_accept(actor=actor, order=order, today=today, reason=f"changed: {reason}")
        return log
    _totals(order, lines)
    only = frozenset(str(ln.line_no) for ln in touched)
    open_findings = _revalidate(actor=actor, order=order, lines=lines, today=today, only_lines=only)
    lines_restatus(actor=actor, lines=touched, reason=reason)
    if all(ln.qty_remaining == 0 for ln in lines):
        if any(ln.qty_shipped > 0 for ln in lines):
            # The rest was cancelled after part shipped: the order is shipped, not cancelled.
            from .progress import order_progress

            order_progress(actor=actor, order=order, reason=reason)
        else:
            order_transition(actor=actor, order=order, to=OrderStatus.CANCELLED, reason=reason)
        return log
    holds_now = pipeline.holding(open_findings)
    if holds_now:
        pipeline.hold(actor=actor, order=order, findings=holds_now)
        return log
    from .acknowledgement import order_acknowledge
    from .allocation import order_allocate

    order_allocate(actor=actor, order=order, lines=touched, today=today)
    order_acknowledge(actor=actor, order=order)
    return log


def order_change_decide(
    *,
    actor: Any,
    change: OrderChange,
    approve: bool,
    reason: str,
    today: dt.date | None = None,
) -> ChangeOutcome:
    """Approve (apply) or reject a change that waited for approval."""
    require(actor, Capability.ORDER_APPROVE)
    reason = require_reason(reason)
    today = today or timezone.localdate()
    with transaction.atomic():
        order = _locked(change.order_id)
        change = OrderChange.objects.get(pk=change.pk)
        if change.status != ChangeStatus.PENDING:
            raise OrderConflict(
                OrderErrorCode.NOT_CHANGEABLE,
                f"the change was already {change.get_status_display().lower()}",
                field="change",
            )
        change.status = ChangeStatus.APPLIED if approve else ChangeStatus.REJECTED
        change.decided_by = actor if getattr(actor, "pk", None) else None
        change.decided_at = timezone.now()
        change.save(update_fields=["status", "decided_by", "decided_at"])
        event_record(
            actor=actor,
            obj=order,
            action="change.approved" if approve else "change.rejected",
            before={"change": change.pk},
            reason=reason,
        )
        if not approve:
            return ChangeOutcome(order, None, [])
        if order.status not in CHANGEABLE:
            raise OrderConflict(
                OrderErrorCode.NOT_CHANGEABLE,
                f"order {order.number} is {order.get_status_display().lower()} now",
                field="status",
            )
        request = ChangeRequest.from_json(change.after)
        lines = _lines(order)
        _check_request(order, {ln.line_no: ln for ln in lines}, request)
        log = _apply_and_settle(
            actor=actor,
            order=order,
            lines=lines,
            request=request,
            reason=change.reason,
            today=today,
        )
        return ChangeOutcome(order, None, log)

"""The exception queue's actions: re-validate, apply a suggested fix, override, release, cancel.

Each action is one transaction on a locked order and records its events. An order leaves
the queue only through `_try_accept`, which accepts it when no open finding holds it any
more; nothing else moves a held order on.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from orderdesk.core.audit import event_record
from orderdesk.core.bulk import update_rows
from orderdesk.core.locks import lock_one
from orderdesk.core.money import to_decimal
from orderdesk.core.roles import Capability, has_capability, require
from orderdesk.parties.models import Customer

from . import pipeline
from .errors import OrderConflict, OrderError, OrderErrorCode
from .models import OrderFinding, SalesOrder, SalesOrderLine
from .services import lines_restatus, order_transition, require_reason
from .states import CHANGEABLE, FindingStatus, HoldKind, OrderStatus, Severity


def _locked(order: SalesOrder | int) -> SalesOrder:
    pk = order.pk if isinstance(order, SalesOrder) else order
    return lock_one(
        SalesOrder.objects.filter(pk=pk).select_related(
            "customer", "ship_to", "bill_to", "ship_method", "payment_terms"
        )
    )


def can_override(user: Any, finding: OrderFinding) -> bool:
    if finding.severity == Severity.BLOCK or finding.status != FindingStatus.OPEN:
        return False
    if finding.hold_kind == HoldKind.CREDIT:
        return has_capability(user, Capability.CREDIT_EDIT)
    if finding.hold_kind == HoldKind.CHANGE:
        return has_capability(user, Capability.ORDER_APPROVE)
    return has_capability(user, Capability.ORDER_OVERRIDE)


def _check_override(user: Any, finding: OrderFinding) -> None:
    if finding.status != FindingStatus.OPEN:
        raise OrderConflict(
            OrderErrorCode.FINDING_NOT_OVERRIDABLE,
            f"{finding.code} is already {finding.status}",
            field="finding",
        )
    if finding.severity == Severity.BLOCK:
        raise OrderError(
            OrderErrorCode.FINDING_NOT_OVERRIDABLE,
            f"{finding.message}: this cannot be overridden",
            field="finding",
            fix=finding.fix or "correct the order and re-validate",
        )
    if finding.hold_kind == HoldKind.CREDIT:
        require(user, Capability.CREDIT_EDIT)
    elif finding.hold_kind == HoldKind.CHANGE:
        require(user, Capability.ORDER_APPROVE)
    else:
        require(user, Capability.ORDER_OVERRIDE)


def _lines(order: SalesOrder) -> list[SalesOrderLine]:
    return list(order.lines.select_related("item", "item__base_uom", "warehouse"))


def _try_accept(*, actor: Any, order: SalesOrder, today: dt.date, reason: str) -> None:
    """Accept a held (or just received) order once nothing holds it."""
    if order.status not in (OrderStatus.HELD, OrderStatus.RECEIVED):
        return
    if pipeline.holding(order.findings.filter(status=FindingStatus.OPEN)):
        return
    pipeline.accept(actor=actor, order=order, today=today, reason=reason)


def _revalidate(
    *,
    actor: Any,
    order: SalesOrder,
    lines: list[SalesOrderLine],
    today: dt.date,
    only_lines: frozenset[str] | None = None,
) -> list[OrderFinding]:
    """Re-resolve, re-price (while not yet accepted), re-run the rules; caller holds the lock.

    Accepted orders keep their frozen prices. With `only_lines`, only those lines are
    resolved again, run through the line rules and written back: changing one line of a
    1,000-line order re-validates that line (and the order-level rules), not the rest.
    """
    scope = [ln for ln in lines if only_lines is None or str(ln.line_no) in only_lines]
    pipeline.resolve_lines(scope)
    for line in scope:
        pipeline.store_quantities(line)
    if order.status in (OrderStatus.RECEIVED, OrderStatus.HELD):
        pipeline.price(order, lines, on_date=today)
        pipeline.save_charges(order)
        scope = lines
    evaluation = pipeline.evaluate(order, lines, today=today, only_lines=only_lines)
    customer = lock_one(Customer.objects.filter(pk=order.customer_id))
    order.customer = customer
    credit = pipeline.evaluate_credit(
        order, today=today, grace_days=evaluation.policy.credit_grace_days
    )
    update_rows(SalesOrderLine, scope, _LINE_FIELDS)
    order.save()
    return pipeline.record_findings(
        actor=actor,
        order=order,
        lines=lines,
        findings=[*evaluation.findings, *credit],
        scope_lines=only_lines,
    )


_LINE_FIELDS = [
    "item",
    "sku",
    "description",
    "quantity",
    "uom_code",
    "factor",
    "qty_ordered",
    "qty_open",
    "qty_allocated",
    "qty_backordered",
    "qty_cancelled",
    "requested_date",
    "customer_price",
    "list_price",
    "unit_price",
    "gross",
    "discount",
    "net",
    "tax_rate",
    "tax",
    "price_source",
    "price_trace",
]


def order_revalidate(*, actor: Any, order: SalesOrder, today: dt.date | None = None) -> SalesOrder:
    """Run every rule again (after the customer's master data was fixed, for instance)."""
    require(actor, Capability.ORDER_ENTRY)
    today = today or timezone.localdate()
    with transaction.atomic():
        order = _locked(order)
        if order.status not in (OrderStatus.RECEIVED, OrderStatus.HELD):
            raise OrderConflict(
                OrderErrorCode.NOT_CHANGEABLE,
                f"order {order.number} is {order.get_status_display().lower()}; "
                "only orders waiting in the exception queue are re-validated",
                field="status",
            )
        event_record(actor=actor, obj=order, action="order.revalidated")
        _revalidate(actor=actor, order=order, lines=_lines(order), today=today)
        _try_accept(actor=actor, order=order, today=today, reason="re-validated")
    return order


def finding_override(
    *, actor: Any, finding: OrderFinding, reason: str, today: dt.date | None = None
) -> SalesOrder:
    """Override one hold with a reason; the order goes on once nothing else holds it."""
    today = today or timezone.localdate()
    reason = require_reason(reason)
    with transaction.atomic():
        order = _locked(finding.order_id)
        finding = OrderFinding.objects.select_related("line").get(pk=finding.pk)
        _check_override(actor, finding)
        finding.status = FindingStatus.OVERRIDDEN
        finding.closed_at = timezone.now()
        finding.closed_by = actor if getattr(actor, "pk", None) else None
        finding.close_reason = reason
        finding.save(update_fields=["status", "closed_at", "closed_by", "close_reason"])
        event_record(
            actor=actor,
            obj=order,
            action="finding.overridden",
            before={"code": finding.code, "line": finding.line.line_no if finding.line else None},
            after={"status": "overridden"},
            reason=reason,
        )
        _try_accept(actor=actor, order=order, today=today, reason=f"override: {reason}")
    return order


def order_release(
    *, actor: Any, order: SalesOrder, reason: str, today: dt.date | None = None
) -> SalesOrder:
    """Release the order from hold: override every open hold the actor may override.

    Refused as a whole when one of them is a block or needs a role the actor lacks, so a
    release never half-happens.
    """
    today = today or timezone.localdate()
    reason = require_reason(reason)
    with transaction.atomic():
        order = _locked(order)
        if order.status != OrderStatus.HELD:
            raise OrderConflict(
                OrderErrorCode.TRANSITION_NOT_ALLOWED,
                f"order {order.number} is not on hold",
                field="status",
            )
        open_holds = pipeline.holding(
            order.findings.filter(status=FindingStatus.OPEN).select_related("line")
        )
        for f in open_holds:
            _check_override(actor, f)
        now = timezone.now()
        for f in open_holds:
            f.status = FindingStatus.OVERRIDDEN
            f.closed_at = now
            f.closed_by = actor if getattr(actor, "pk", None) else None
            f.close_reason = reason
        OrderFinding.objects.bulk_update(
            open_holds, ["status", "closed_at", "closed_by", "close_reason"]
        )
        event_record(
            actor=actor,
            obj=order,
            action="order.released_from_hold",
            before={"holds": [f.code for f in open_holds]},
            reason=reason,
        )
        _try_accept(actor=actor, order=order, today=today, reason=f"released: {reason}")
    return order


def finding_fix(*, actor: Any, finding: OrderFinding, today: dt.date | None = None) -> SalesOrder:
    """Apply the fix the rule suggested (replace the SKU, round the quantity up, take our
    price, use the base unit, move the date), then re-validate the order."""
    require(actor, Capability.ORDER_ENTRY)
    today = today or timezone.localdate()
    with transaction.atomic():
        order = _locked(finding.order_id)
        finding = OrderFinding.objects.select_related("line").get(pk=finding.pk)
        action = dict(finding.data or {})
        if finding.status != FindingStatus.OPEN or not action.get("action"):
            raise OrderError(
                OrderErrorCode.INVALID,
                f"{finding.code} has no one-click fix",
                field="finding",
                fix=finding.fix or "edit the order",
            )
        if order.status not in (OrderStatus.RECEIVED, OrderStatus.HELD):
            raise OrderConflict(
                OrderErrorCode.NOT_CHANGEABLE,
                f"order {order.number} is {order.get_status_display().lower()}",
                field="status",
                fix="use a change request on an accepted order",
            )
        lines = _lines(order)
        by_no = {str(ln.line_no): ln for ln in lines}
        target = by_no.get(str(action.get("line", "")))
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        kind = action["action"]
        if kind == "set_date":
            date = dt.date.fromisoformat(str(action["date"]))
            if target is not None:
                before["requested_date"], target.requested_date = target.requested_date, date
            else:
                before["requested_date"], order.requested_date = order.requested_date, date
                for ln in lines:
                    if ln.requested_date is None or ln.requested_date < date:
                        ln.requested_date = date
            after["requested_date"] = date
        elif target is None:
            raise OrderError(
                OrderErrorCode.INVALID, "the fix names no line of this order", field="finding"
            )
        elif kind == "replace_sku":
            before["sku"], target.sku = target.sku, str(action["sku"])
            target.description = ""
            after["sku"] = target.sku
        elif kind == "set_quantity":
            before["quantity"], target.quantity = target.quantity, to_decimal(action["quantity"])
            after["quantity"] = target.quantity
        elif kind == "accept_price":
            before["customer_price"], target.customer_price = target.customer_price, None
            after["customer_price"] = None
        elif kind == "use_uom":
            before["uom"], target.uom_code = target.uom_code, str(action["uom"])
            after["uom"] = target.uom_code
        else:
            raise OrderError(
                OrderErrorCode.INVALID, f"unknown fix {kind}", field="finding", fix=finding.fix
            )
        event_record(
            actor=actor,
            obj=order,
            action=f"order.fixed.{kind}",
            before={"line": target.line_no if target else None, **before},
            after=after,
            reason=finding.message,
        )
        _revalidate(actor=actor, order=order, lines=lines, today=today)
        _try_accept(actor=actor, order=order, today=today, reason=f"fixed: {finding.code}")
    return order


def order_cancel(*, actor: Any, order: SalesOrder, reason: str) -> SalesOrder:
    """Cancel the whole order: stock it holds goes back, every open quantity is cancelled."""
    from .changes import allocations_release

    require(actor, Capability.ORDER_ENTRY)
    reason = require_reason(reason)
    with transaction.atomic():
        order = _locked(order)
        if order.status not in CHANGEABLE:
            raise OrderConflict(
                OrderErrorCode.NOT_CHANGEABLE,
                f"order {order.number} is {order.get_status_display().lower()} and cannot be "
                "cancelled",
                field="status",
                fix="cancel open lines through a change, or return shipped goods",
            )
        lines = _lines(order)
        allocations_release(actor=actor, lines=lines)
        for line in lines:
            line.qty_cancelled += line.qty_open
            line.qty_open = Decimal(0)
        lines_restatus(actor=actor, lines=lines, reason=reason)
        OrderFinding.objects.filter(order=order, status=FindingStatus.OPEN).update(
            status=FindingStatus.RESOLVED,
            closed_at=timezone.now(),
            close_reason="order cancelled",
        )
        if any(line.qty_shipped > 0 for line in lines):
            # What shipped stays shipped and is invoiced: the order goes on as a shipped one.
            from .progress import order_progress

            order_progress(actor=actor, order=order, reason=f"rest cancelled: {reason}")
        else:
            order_transition(actor=actor, order=order, to=OrderStatus.CANCELLED, reason=reason)
    return order

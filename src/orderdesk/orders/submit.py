"""Entry points the API and pages call: one call each, wrapping intake and the queue's
actions with look-up by id and the stored answer of an idempotent request."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from orderdesk.core.audit import actor_label

from . import holds, selectors
from .drafts import LineDraft, OrderDraft
from .idempotency import idempotent
from .intake import IntakeResult, order_intake
from .models import SalesOrder
from .states import Channel


def draft_from_body(body: dict[str, Any]) -> OrderDraft:
    """An `OrderDraft` from the API's order body (already type-checked by the schema)."""
    lines = [
        LineDraft(
            sku=ln["sku"],
            quantity=Decimal(ln["quantity"]),
            uom=ln.get("uom") or "",
            requested_date=ln.get("requested_date"),
            customer_price=ln.get("customer_price"),
            warehouse=ln.get("warehouse") or "",
            notes=ln.get("notes") or "",
        )
        for ln in body["lines"]
    ]
    fields = {k: v for k, v in body.items() if k != "lines" and v is not None}
    return OrderDraft(lines=lines, **fields)


def order_out(order: SalesOrder, user: Any) -> dict[str, Any]:
    from .schemas import OrderOut

    full = selectors.order_get(user=user, pk=order.pk)
    return OrderOut.from_orm(full).model_dump(mode="json")


def _channel(actor: Any) -> str:
    from orderdesk.core.roles import is_portal

    return Channel.PORTAL if is_portal(actor) else Channel.API


def order_submit_api(
    *, actor: Any, body: dict[str, Any], idempotency_key: str | None
) -> tuple[int, Any]:
    """Intake of an API (or portal) order body, idempotent when a key is given."""

    def run() -> tuple[int, Any, SalesOrder | None]:
        result: IntakeResult = order_intake(
            actor=actor, channel=_channel(actor), draft=draft_from_body(body)
        )
        return (201 if result.created else 200), order_out(result.order, actor), result.order

    if not idempotency_key:
        status, response, _ = run()
        return status, response
    scope = f"user:{getattr(actor, 'pk', '') or actor_label(actor)}"
    return idempotent(scope=scope, key=idempotency_key, body=body, run=run)


def _desk_only(actor: Any) -> None:
    """Changing, cancelling or re-validating an order is the desk's work; a portal user
    asks the desk (the portal places orders and reads them)."""
    from orderdesk.core.errors import Forbidden
    from orderdesk.core.roles import is_portal

    if is_portal(actor):
        raise Forbidden("ask the order desk to change or cancel an order")


def order_revalidate_by_id(*, actor: Any, pk: int, today: dt.date | None = None) -> SalesOrder:
    _desk_only(actor)
    order = selectors.order_get(user=actor, pk=pk)
    holds.order_revalidate(actor=actor, order=order, today=today)
    return selectors.order_get(user=actor, pk=pk)


def finding_override_by_id(*, actor: Any, order_id: int, pk: int, reason: str) -> SalesOrder:
    finding = selectors.finding_get(user=actor, order_id=order_id, pk=pk)
    holds.finding_override(actor=actor, finding=finding, reason=reason)
    return selectors.order_get(user=actor, pk=order_id)


def finding_fix_by_id(*, actor: Any, order_id: int, pk: int) -> SalesOrder:
    _desk_only(actor)
    finding = selectors.finding_get(user=actor, order_id=order_id, pk=pk)
    holds.finding_fix(actor=actor, finding=finding)
    return selectors.order_get(user=actor, pk=order_id)


def order_release_by_id(*, actor: Any, pk: int, reason: str) -> SalesOrder:
    order = selectors.order_get(user=actor, pk=pk)
    holds.order_release(actor=actor, order=order, reason=reason)
    return selectors.order_get(user=actor, pk=pk)


def order_cancel_by_id(*, actor: Any, pk: int, reason: str) -> SalesOrder:
    _desk_only(actor)
    order = selectors.order_get(user=actor, pk=pk)
    holds.order_cancel(actor=actor, order=order, reason=reason)
    return selectors.order_get(user=actor, pk=pk)


def order_change_by_id(*, actor: Any, pk: int, body: dict[str, Any]) -> dict[str, Any]:
    """Apply (or file for approval) a change from the API's change body."""
    _desk_only(actor)
    from .changes import ChangeRequest, order_change

    order = selectors.order_get(user=actor, pk=pk)
    reason = body.pop("reason")
    request = ChangeRequest.from_json(body)
    outcome = order_change(actor=actor, order=order, request=request, reason=reason)
    return {
        "order": selectors.order_get(user=actor, pk=pk),
        "pending_change": outcome.pending,
        "applied": outcome.changes,
    }


def order_change_decide_by_id(
    *, actor: Any, order_id: int, pk: int, approve: bool, reason: str
) -> dict[str, Any]:
    from .changes import order_change_decide
    from .models import OrderChange

    order = selectors.order_get(user=actor, pk=order_id)
    change = OrderChange.objects.filter(order=order, pk=pk).first()
    if change is None:
        from orderdesk.core.errors import NotFound

        raise NotFound("change", pk)
    outcome = order_change_decide(actor=actor, change=change, approve=approve, reason=reason)
    return {
        "order": selectors.order_get(user=actor, pk=order_id),
        "pending_change": None,
        "applied": outcome.changes,
    }


def line_action_by_no(
    *,
    actor: Any,
    order_id: int,
    line_no: int,
    action: str,
    reason: str,
    warehouse: str = "",
) -> SalesOrder:
    """Expedite, decommit or move one line (the desk's allocation actions)."""
    from orderdesk.core.errors import NotFound
    from orderdesk.inventory.models import Warehouse

    from . import allocation_desk

    line = selectors.line_get(user=actor, order_id=order_id, line_no=line_no)
    if action == "expedite":
        allocation_desk.line_expedite(actor=actor, line=line, reason=reason)
    elif action == "decommit":
        allocation_desk.line_decommit(actor=actor, line=line, reason=reason)
    else:
        target = Warehouse.objects.filter(code__iexact=warehouse.strip()).first()
        if target is None:
            raise NotFound("warehouse", warehouse, field="warehouse")
        allocation_desk.line_move_warehouse(actor=actor, line=line, warehouse=target, reason=reason)
    return selectors.order_get(user=actor, pk=order_id)

"""RMA commands as the API and the pages send them: ids and line numbers in, one service
call out. The row named by id is read through the user's scope first, so a portal user
asking about another customer's RMA or order gets 404, never 403 (ids leak nothing);
the service then checks the role.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from orderdesk.billing.models import CreditMemo
from orderdesk.core.apitools import REFERENCE_UNKNOWN, body_row
from orderdesk.core.errors import Invalid, NotFound
from orderdesk.core.roles import Capability, require
from orderdesk.inventory.models import Lot, Warehouse
from orderdesk.inventory.services import lot_hold
from orderdesk.orders.models import SalesOrder
from orderdesk.parties.models import Vendor

from . import crediting, receiving, selectors, services
from .errors import ReturnError, ReturnErrorCode
from .models import ReturnAuthorization, ReturnReceipt


def _rma(actor: Any, pk: int) -> ReturnAuthorization:
    return selectors.rma_get(user=actor, pk=pk)


def rma_request_by_body(
    *, actor: Any, body: Mapping[str, Any], today: dt.date | None = None
) -> ReturnAuthorization:
    """`body`: order_id, reason, resolution, channel, lines [{line_no, quantity, lot,
    reason_code}]."""
    require(actor, Capability.RETURN_REQUEST)
    try:
        order: SalesOrder = selectors.order_for_return(user=actor, pk=int(body["order_id"]))
    except NotFound as exc:  # unknown, or another customer's: the body names nothing of yours
        raise Invalid(
            REFERENCE_UNKNOWN,
            f"there is no order with id {body['order_id']}",
            field="order_id",
            fix="use the id of one of your orders that has shipped",
        ) from exc
    by_no = {ln.line_no: ln for ln in order.lines.all()}
    lines = []
    for i, spec in enumerate(body.get("lines") or []):
        line = by_no.get(int(spec["line_no"]))
        if line is None:
            raise ReturnError(
                ReturnErrorCode.LINE_NOT_ON_ORDER,
                f"order {order.number} has no line {spec['line_no']}",
                field=f"lines[{i}].line_no",
                fix=f"use a line number of order {order.number}",
            )
        lines.append(
            (line, Decimal(spec["quantity"]), spec.get("lot") or "", spec.get("reason_code") or "")
        )
    return services.rma_request(
        actor=actor,
        order=order,
        lines=lines,
        reason=body.get("reason") or "",
        resolution=body.get("resolution") or "credit",
        channel=body.get("channel") or "api",
        today=today,
    )


def rma_approve_by_id(*, actor: Any, pk: int, reason: str = "") -> ReturnAuthorization:
    return services.rma_approve(actor=actor, rma=_rma(actor, pk), reason=reason)


def rma_reject_by_id(*, actor: Any, pk: int, reason: str) -> ReturnAuthorization:
    return services.rma_reject(actor=actor, rma=_rma(actor, pk), reason=reason)


def rma_cancel_by_id(*, actor: Any, pk: int, reason: str) -> ReturnAuthorization:
    return services.rma_cancel(actor=actor, rma=_rma(actor, pk), reason=reason)


def rma_close_by_id(*, actor: Any, pk: int, reason: str = "") -> ReturnAuthorization:
    return services.rma_close(actor=actor, rma=_rma(actor, pk), reason=reason)


def rma_receive_by_body(*, actor: Any, pk: int, body: Mapping[str, Any]) -> ReturnReceipt:
    """`body`: warehouse_id, received_on, lines [{line_no (of the RMA), quantity, lot,
    condition, disposition, notes, vendor_id}]."""
    require(actor, Capability.RETURN_RECEIVE)
    rma = _rma(actor, pk)
    warehouse = body_row(
        Warehouse, int(body["warehouse_id"]), field="warehouse_id", what="warehouse"
    )
    by_no = {rl.line_no: rl for rl in rma.lines.all()}
    lines: list[tuple[Any, ...]] = []
    for i, spec in enumerate(body.get("lines") or []):
        rl = by_no.get(int(spec["line_no"]))
        if rl is None:
            raise ReturnError(
                ReturnErrorCode.LINE_NOT_ON_RMA,
                f"RMA {rma.number} has no line {spec['line_no']}",
                field=f"lines[{i}].line_no",
                fix=f"use a line number of RMA {rma.number}",
            )
        vendor_id = spec.get("vendor_id")
        vendor = (
            body_row(Vendor, int(vendor_id), field=f"lines[{i}].vendor_id", what="vendor")
            if vendor_id
            else None
        )
        lines.append(
            (
                rl,
                Decimal(spec["quantity"]),
                spec.get("lot") or "",
                spec.get("condition") or "",
                spec.get("disposition") or "",
                spec.get("notes") or "",
                vendor,
            )
        )
    return receiving.rma_receive(
        actor=actor,
        rma=rma,
        warehouse=warehouse,
        lines=lines,
        received_on=body.get("received_on"),
    )


def rma_credit_by_id(*, actor: Any, pk: int, memo_date: dt.date | None = None) -> CreditMemo:
    return crediting.rma_credit(actor=actor, rma=_rma(actor, pk), memo_date=memo_date)


def rma_exchange_by_id(
    *, actor: Any, pk: int, memo_date: dt.date | None = None
) -> tuple[CreditMemo, SalesOrder]:
    return crediting.rma_exchange(actor=actor, rma=_rma(actor, pk), memo_date=memo_date)


def lot_hold_by_id(*, actor: Any, pk: int, reason: str) -> Lot:
    """Put a lot on quality hold from the recall page or API (inventory's lot_hold)."""
    require(actor, Capability.STOCK_ADJUST)
    lot = Lot.objects.select_related("item").filter(pk=pk).first()
    if lot is None:
        raise NotFound("lot", pk)
    return lot_hold(actor=actor, lot=lot, reason=reason)

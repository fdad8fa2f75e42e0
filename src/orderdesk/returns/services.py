"""RMA commands: request (checked against the return policy), approve, reject, cancel,
close, and the one transition function that moves an RMA and records the event.

Receipt with inspection and disposition is in `returns.receiving`, credit and exchange in
`returns.crediting`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from orderdesk.catalog.models import Item
from orderdesk.core.audit import event_record
from orderdesk.core.errors import NotFound
from orderdesk.core.locks import lock_one
from orderdesk.core.numbering import number_next
from orderdesk.core.roles import Capability, has_capability, is_portal, require
from orderdesk.fulfilment.models import ShipmentLine
from orderdesk.orders.models import SalesOrder, SalesOrderLine

from . import policy as rules
from .billed import Want, invoice_match
from .errors import ReturnConflict, ReturnError, ReturnErrorCode
from .models import (
    Resolution,
    ReturnAuthorization,
    ReturnLine,
    ReturnPolicy,
    RmaStatus,
)
from .notices import rma_notify
from .states import COUNTING, RMA_TRANSITIONS

#: A requested line: the order line, the quantity in base units, the lot or serial
#: ('' = not tracked, or the only one shipped) and the customer's reason code.
RequestLine = tuple[SalesOrderLine, Decimal, str, str]

CHANNELS = ("desk", "portal", "api")


def require_reason(reason: str, *, what: str = "say why") -> str:
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise ReturnError(
            ReturnErrorCode.REASON_REQUIRED,
            f"{what} (a few words the next person will understand)",
            field="reason",
            fix="write the reason, e.g. 'wrong voltage ordered, unopened'",
        )
    return reason[:500]


def rma_transition(
    *, actor: Any, rma: ReturnAuthorization, to: RmaStatus | str, reason: str = ""
) -> ReturnAuthorization:
    """Move the RMA to `to` if the table allows it, and record "rma.<to>".

    Caller holds the RMA row lock, inside the transaction that made the change that
    justifies the move. Moving to the state it is in is a no-op without an event.
    """
    before = rma.status
    if before == to:
        return rma
    if to not in RMA_TRANSITIONS[before]:
        raise ReturnConflict(
            ReturnErrorCode.TRANSITION_NOT_ALLOWED,
            f"RMA {rma.number} is {RmaStatus(before).label.lower()}; "
            f"it cannot become {RmaStatus(to).label.lower()}",
            field="status",
        )
    rma.status = to
    rma.save(update_fields=["status"])
    event_record(
        actor=actor,
        obj=rma,
        action=f"rma.{to}",
        before={"status": before},
        after={"status": str(to)},
        reason=reason,
    )
    return rma


def policy_for(customer_id: int) -> rules.Policy:
    """The customer's own policy, else the house row (no customer), else 30 days, no fee."""
    rows = {
        p.customer_id: p
        for p in ReturnPolicy.objects.filter(Q(customer_id=customer_id) | Q(customer__isnull=True))
    }
    row = rows.get(customer_id) or rows.get(None)
    if row is None:
        return rules.Policy()
    return rules.Policy(
        window_days=row.window_days,
        restocking_fee_percent=row.restocking_fee_percent,
        source="customer" if row.customer_id else "house",
    )


def _check_choice(value: str, allowed: Sequence[str], code: ReturnErrorCode, field: str) -> str:
    value = (value or "").strip().lower()
    if value not in allowed:
        raise ReturnError(
            code,
            f"{field} {value!r} is not known",
            field=field,
            fix="one of " + ", ".join(allowed),
        )
    return value


def counted_by_line(order_line_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """What RMAs that count already ask back, per order line and lot. A closed RMA counts
    what it received: the rest never came and may be asked for again."""
    out: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: Decimal(0)))
    rows = ReturnLine.objects.filter(
        order_line_id__in=order_line_ids, rma__status__in=list(COUNTING)
    ).values_list("order_line_id", "lot", "quantity", "qty_received", "rma__status")
    for line_id, lot, quantity, received, status in rows:
        out[line_id][lot] += received if status == RmaStatus.CLOSED else quantity
    return out


def shipped_by_line(order_line_ids: list[int]) -> tuple[dict[int, list[rules.ShippedLot]], dict]:
    """What shipped per order line and lot with its latest ship date, and per order line
    the warehouse it last left from."""
    by_line: dict[int, dict[str, list[Any]]] = defaultdict(dict)
    last_wh: dict[int, tuple[dt.date, int, int]] = {}
    rows = ShipmentLine.objects.filter(order_line_id__in=order_line_ids).values_list(
        "order_line_id", "lot", "quantity", "shipment__ship_date", "shipment__warehouse_id", "id"
    )
    for line_id, lot, quantity, ship_date, wh_id, sl_id in rows:
        entry = by_line[line_id].setdefault(lot, [Decimal(0), ship_date])
        entry[0] += quantity
        entry[1] = max(entry[1], ship_date)
        if line_id not in last_wh or (ship_date, sl_id) > last_wh[line_id][:2]:
            last_wh[line_id] = (ship_date, sl_id, wh_id)
    shipped = {
        line_id: [rules.ShippedLot(lot, q, d) for lot, (q, d) in lots.items()]
        for line_id, lots in by_line.items()
    }
    return shipped, {line_id: v[2] for line_id, v in last_wh.items()}


def _facts(
    order: SalesOrder, lines: Sequence[RequestLine]
) -> tuple[list[rules.LineFacts], list[SalesOrderLine], dict]:
    ids = [ln[0].pk for ln in lines]
    fresh = {
        ln.pk: ln
        for ln in SalesOrderLine.objects.filter(pk__in=ids, order=order).select_related("item")
    }
    order_lines: list[SalesOrderLine] = []
    for i, (given, *_rest) in enumerate(lines):
        line = fresh.get(given.pk)
        if line is None:
            raise ReturnError(
                ReturnErrorCode.LINE_NOT_ON_ORDER,
                f"the line given as lines[{i}] is not a line of order {order.number}",
                field=f"lines[{i}].order_line",
                fix=f"pick lines of order {order.number}",
            )
        if line.item is None:
            raise ReturnError(
                ReturnErrorCode.NO_ITEM,
                f"line {line.line_no} ({line.sku}) is not a catalogue item: it cannot come back "
                "through an RMA",
                field=f"lines[{i}].order_line",
                fix="credit it from billing instead",
            )
        order_lines.append(line)
    shipped, warehouses = shipped_by_line(ids)
    counted = counted_by_line(ids)
    facts = []
    for i, (line, (_, quantity, lot, _code)) in enumerate(zip(order_lines, lines, strict=True)):
        item: Item = line.item  # type: ignore[assignment]  # checked above
        known = shipped.get(line.pk, [])
        if not known and line.qty_shipped > 0:  # drop-shipped: no shipment record here
            known = [rules.ShippedLot("", line.qty_shipped, None)]
        facts.append(
            rules.LineFacts(
                index=i,
                line_no=line.line_no,
                sku=item.sku,
                tracking=item.tracking,
                returnable=item.returnable,
                quantity=Decimal(quantity),
                lot=lot or "",
                shipped=tuple(known),
                on_rmas=dict(counted.get(line.pk, {})),
            )
        )
    return facts, order_lines, warehouses


def _refuse(refusal: rules.Refusal) -> ReturnError:
    return ReturnError(refusal.code, refusal.message, field=refusal.field, fix=refusal.fix)


def _own_order(actor: Any, order: SalesOrder) -> None:
    """Portal users ask back only their own customer's goods; another's order is not found."""
    if is_portal(actor) and getattr(actor, "customer_id", None) != order.customer_id:
        raise NotFound("order", order.number)


def rma_request(
    *,
    actor: Any,
    order: SalesOrder,
    lines: Sequence[RequestLine],
    reason: str,
    resolution: str = Resolution.CREDIT,
    channel: str = "desk",
    today: dt.date | None = None,
) -> ReturnAuthorization:
    """Ask for goods of `order` back, checked against what shipped and the return policy.

    Hard failures (another customer's order, nothing shipped, more than shipped less what
    other RMAs already ask back, a lot that did not ship on the line) refuse with nothing
    written. Policy exceptions (outside the window, a non-returnable item) make the RMA with
    the findings, for a coordinator to decide. The RMA names the invoice that billed the
    goods when they are billed (else it is found at credit time), the warehouse they left
    from, and the policy's restocking fee; the customer is e-mailed the RMA number and how
    to send the goods. Portal users always come in on the portal channel.
    """
    require(actor, Capability.RETURN_REQUEST)
    _own_order(actor, order)
    today = today or timezone.localdate()
    reason = require_reason(reason, what="say why the goods come back")
    resolution = _check_choice(
        resolution, Resolution.values, ReturnErrorCode.RESOLUTION_INVALID, "resolution"
    )
    channel = "portal" if is_portal(actor) else channel
    channel = _check_choice(channel, CHANNELS, ReturnErrorCode.CHANNEL_INVALID, "channel")
    if not lines:
        raise ReturnError(
            ReturnErrorCode.NO_LINES,
            "a return needs at least one line",
            field="lines",
            fix="pick the shipped lines and quantities coming back",
        )
    with transaction.atomic():
        # The order lock serialises requests of one order: two RMAs that each fit what
        # shipped cannot both pass when together they do not.
        order = lock_one(SalesOrder.objects.filter(pk=order.pk).select_related("customer"))
        _own_order(actor, order)
        facts, order_lines, warehouses = _facts(order, lines)
        policy = policy_for(order.customer_id)
        outcome = rules.check(policy=policy, lines=facts, today=today)
        if outcome.refusals:
            raise _refuse(outcome.refusals[0])
        wants = [
            Want(ol.pk, lot, f.quantity, f"line {ol.line_no} ({f.sku})")
            for ol, lot, f in zip(order_lines, outcome.lots, facts, strict=True)
        ]
        match = invoice_match(wants=wants, required=False)
        warehouse_id = next((warehouses[ol.pk] for ol in order_lines if ol.pk in warehouses), None)
        now = timezone.now()
        rma = ReturnAuthorization.objects.create(
            number=number_next(doc_type="rma"),
            customer=order.customer,
            order=order,
            invoice=match.invoice,
            resolution=resolution,
            reason=reason,
            channel=channel,
            warehouse_id=warehouse_id or order.warehouse_id,
            restocking_fee_percent=policy.restocking_fee_percent,
            policy_findings=[f.as_dict() for f in outcome.findings],
            requested_by=actor if getattr(actor, "pk", None) else None,
            requested_at=now,
        )
        rows = [
            ReturnLine(
                rma=rma,
                line_no=i,
                order_line=ol,
                invoice_line=parts[0][0] if parts else None,
                item=ol.item,
                lot=lot,
                quantity=f.quantity,
                reason_code=(spec[3] or "")[:20],
            )
            for i, (ol, lot, f, parts, spec) in enumerate(
                zip(order_lines, outcome.lots, facts, match.parts, lines, strict=True), start=1
            )
        ]
        ReturnLine.objects.bulk_create(rows)
        rma.customer = order.customer
        rma.order = order
        sent = rma_notify(actor=actor, rma=rma, kind="requested")
        event_record(
            actor=actor,
            obj=rma,
            action="rma.requested",
            after={
                "order": order.number,
                "channel": channel,
                "resolution": resolution,
                "invoice": match.invoice.number if match.invoice else None,
                "policy": policy.source,
                "window_days": policy.window_days,
                "restocking_fee_percent": policy.restocking_fee_percent,
                "lines": [
                    {"line_no": r.line_no, "sku": f.sku, "lot": r.lot, "quantity": r.quantity}
                    for r, f in zip(rows, facts, strict=True)
                ],
                "findings": [f.code for f in outcome.findings],
                **sent,
            },
            reason=reason,
        )
    return rma


def _locked(rma: ReturnAuthorization) -> ReturnAuthorization:
    return lock_one(
        ReturnAuthorization.objects.filter(pk=rma.pk).select_related(
            "customer", "order", "warehouse"
        )
    )


def _must_be(rma: ReturnAuthorization, status: RmaStatus, doing: str) -> None:
    if rma.status != status:
        raise ReturnConflict(
            ReturnErrorCode.TRANSITION_NOT_ALLOWED,
            f"RMA {rma.number} is {RmaStatus(rma.status).label.lower()}: it cannot be {doing} "
            f"(only a {status.label.lower()} RMA can)",
            field="status",
        )


def _decide(
    *, actor: Any, rma: ReturnAuthorization, to: RmaStatus, reason: str
) -> ReturnAuthorization:
    now = timezone.now()
    rma.decided_by = actor if getattr(actor, "pk", None) else None
    rma.decided_at = now
    rma.decision_reason = reason
    rma.save(update_fields=["decided_by", "decided_at", "decision_reason"])
    return rma_transition(actor=actor, rma=rma, to=to, reason=reason)


def rma_approve(*, actor: Any, rma: ReturnAuthorization, reason: str = "") -> ReturnAuthorization:
    """Approve a requested RMA; the customer is told where to send the goods.

    An RMA with open policy findings (outside the window, non-returnable) is approved only
    with a reason, which overrides them (kept on the RMA with who and why).
    """
    require(actor, Capability.RETURN_APPROVE)
    with transaction.atomic():
        row = _locked(rma)
        _must_be(row, RmaStatus.REQUESTED, "approved")
        open_findings = [f for f in row.policy_findings if f.get("status") == "open"]
        if open_findings:
            reason = require_reason(
                reason,
                what="this return is outside the policy ("
                + "; ".join(f["message"] for f in open_findings)
                + "): say why it is approved anyway",
            )
        else:
            reason = (reason or "").strip()[:500]
        who = getattr(actor, "username", "") or "system"
        for f in open_findings:
            f.update(status="overridden", by=who, reason=reason)
        row.save(update_fields=["policy_findings"])
        _decide(actor=actor, rma=row, to=RmaStatus.APPROVED, reason=reason)
        rma_notify(actor=actor, rma=row, kind="approved")
    return row


def rma_reject(*, actor: Any, rma: ReturnAuthorization, reason: str) -> ReturnAuthorization:
    """Refuse a requested RMA with the reason the customer is told."""
    require(actor, Capability.RETURN_APPROVE)
    reason = require_reason(reason, what="say why the return is refused")
    with transaction.atomic():
        row = _locked(rma)
        _must_be(row, RmaStatus.REQUESTED, "rejected")
        _decide(actor=actor, rma=row, to=RmaStatus.REJECTED, reason=reason)
        rma_notify(actor=actor, rma=row, kind="rejected")
    return row


def rma_cancel(*, actor: Any, rma: ReturnAuthorization, reason: str) -> ReturnAuthorization:
    """Withdraw an RMA before goods came back. The requester's side (a portal user for
    their own RMA) may withdraw a request; an approved RMA only a coordinator cancels."""
    require(actor, Capability.RETURN_REQUEST)
    reason = require_reason(reason, what="say why the return is cancelled")
    with transaction.atomic():
        row = _locked(rma)
        if is_portal(actor) and getattr(actor, "customer_id", None) != row.customer_id:
            raise NotFound("RMA", row.number)
        if row.status == RmaStatus.APPROVED and not has_capability(
            actor, Capability.RETURN_APPROVE
        ):
            raise ReturnConflict(
                ReturnErrorCode.TRANSITION_NOT_ALLOWED,
                f"RMA {row.number} is approved: only a coordinator may cancel it now",
                field="status",
                fix="ask the order desk to cancel it",
            )
        rma_transition(actor=actor, rma=row, to=RmaStatus.CANCELLED, reason=reason)
    return row


def rma_close(*, actor: Any, rma: ReturnAuthorization, reason: str = "") -> ReturnAuthorization:
    """Close a credited RMA (the rest of the goods will not come), or a received one that is
    not to be credited (a reason is then required)."""
    require(actor, Capability.RETURN_APPROVE)
    with transaction.atomic():
        row = _locked(rma)
        if row.status == RmaStatus.RECEIVED:
            reason = require_reason(reason, what="say why it is closed without a credit")
        rma_transition(actor=actor, rma=row, to=RmaStatus.CLOSED, reason=(reason or "").strip())
    return row

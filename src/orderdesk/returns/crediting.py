"""Crediting a return, and the exchange: the credit plus a replacement order.

What is credited is what came back and was not credited yet (received − credited per
return line), at the prices of the invoice that billed it, less the RMA's restocking fee.
The credit memo is the billing one (`billing.credit_memos.credit_memo_create`), tied to
the original invoice and referenced by the RMA number. Calling it again with nothing new
received is refused (409) with the memo already issued, so nothing is ever credited twice;
goods of the RMA that arrive later are credited by a memo of their own.

An exchange credits the same way and, in the same transaction, places the replacement
order (same customer, ship-to and ship method; the items and quantities credited) through
the order intake, so it is validated, priced, credit-checked and allocated like any order.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from orderdesk.billing.credit_memos import credit_memo_create
from orderdesk.billing.models import CreditMemo, InvoiceLine
from orderdesk.billing.periods import posting_date_check
from orderdesk.core.audit import event_record
from orderdesk.core.locks import lock_one
from orderdesk.core.roles import Capability, require
from orderdesk.orders.drafts import LineDraft, OrderDraft
from orderdesk.orders.intake import order_intake
from orderdesk.orders.models import SalesOrder

from .billed import Want, invoice_match
from .errors import ReturnConflict, ReturnErrorCode
from .models import ReturnAuthorization, ReturnLine, RmaStatus
from .policy import plain
from .services import rma_transition
from .states import CREDITABLE

ZERO = Decimal(0)


def _locked(rma: ReturnAuthorization) -> ReturnAuthorization:
    return lock_one(
        ReturnAuthorization.objects.filter(pk=rma.pk).select_related(
            "customer",
            "order",
            "order__customer",
            "order__ship_to",
            "order__bill_to",
            "order__ship_method",
            "invoice",
            "credit_memo",
        )
    )


def _due(rma: ReturnAuthorization) -> list[tuple[ReturnLine, Decimal]]:
    """Received and not yet credited, per return line."""
    rows = rma.lines.select_related("item", "item__base_uom", "order_line").order_by("line_no")
    return [
        (rl, rl.qty_received - rl.qty_credited) for rl in rows if rl.qty_received > rl.qty_credited
    ]


def _nothing_due(rma: ReturnAuthorization) -> ReturnConflict:
    if rma.credit_memo is not None:
        message = (
            f"RMA {rma.number} is already credited by {rma.credit_memo.number}; nothing was "
            "received since"
        )
        fix = "receive the rest of the goods first, or close the RMA"
    else:
        message = f"RMA {rma.number}: nothing received yet, so there is nothing to credit"
        fix = "receive the goods first"
    return ReturnConflict(ReturnErrorCode.NOTHING_TO_CREDIT, message, field="status", fix=fix)


def _credit(
    *, actor: Any, rma: ReturnAuthorization, memo_date: dt.date | None
) -> tuple[CreditMemo, list[tuple[ReturnLine, Decimal]]]:
    """The credit of what is due. Caller holds the RMA lock inside its transaction."""
    due = _due(rma)
    if not due:
        raise _nothing_due(rma)
    if rma.status not in CREDITABLE:
        raise ReturnConflict(
            ReturnErrorCode.TRANSITION_NOT_ALLOWED,
            f"RMA {rma.number} is {RmaStatus(rma.status).label.lower()}: it cannot be credited",
            field="status",
        )
    on = memo_date or timezone.localdate()
    posting_date_check(on=on, what=f"the credit for RMA {rma.number}")
    wants = [
        Want(rl.order_line_id, rl.lot, q, f"line {rl.line_no} ({rl.item.sku})") for rl, q in due
    ]
    match = invoice_match(wants=wants, invoice=rma.invoice, exclude_rma_id=rma.pk, required=True)
    assert match.invoice is not None  # required=True raises otherwise
    merged: dict[int, list[Any]] = {}
    for parts in match.parts:
        for il, q in parts:
            merged.setdefault(il.pk, [il, ZERO])[1] += q
    lines: list[tuple[InvoiceLine, Decimal]] = [(il, q) for il, q in merged.values()]
    memo = credit_memo_create(
        actor=actor,
        invoice=match.invoice,
        lines=lines,
        reason=f"Return {rma.number}: {rma.reason}"[:200],
        reference=rma.number,
        fee_percent=rma.restocking_fee_percent,
        memo_date=on,
    )
    for (rl, q), parts in zip(due, match.parts, strict=True):
        rl.qty_credited += q
        if rl.invoice_line_id is None and parts:
            rl.invoice_line = parts[0][0]
    ReturnLine.objects.bulk_update([rl for rl, _ in due], ["qty_credited", "invoice_line"])
    rma.invoice = match.invoice
    rma.credit_memo = memo
    rma.save(update_fields=["invoice", "credit_memo"])
    event_record(
        actor=actor,
        obj=rma,
        action="rma.credit_issued",
        after={
            "credit_memo": memo.number,
            "invoice": match.invoice.number,
            "total": memo.total,
            "fees": memo.fees,
            "lines": [{"line_no": rl.line_no, "sku": rl.item.sku, "quantity": q} for rl, q in due],
        },
    )
    return memo, due


def rma_credit(
    *, actor: Any, rma: ReturnAuthorization, memo_date: dt.date | None = None
) -> CreditMemo:
    """Credit what came back and is not credited yet; the RMA becomes credited.

    Refuses (409, nothing written) when nothing new was received: a second call never
    credits twice. Refuses (422) when the goods are not invoiced yet, or the date falls in
    a closed period.
    """
    require(actor, Capability.RETURN_APPROVE)
    with transaction.atomic():
        row = _locked(rma)
        memo, _ = _credit(actor=actor, rma=row, memo_date=memo_date)
        rma_transition(actor=actor, rma=row, to=RmaStatus.CREDITED, reason=memo.number)
    return memo


def _replacement_draft(
    rma: ReturnAuthorization, due: list[tuple[ReturnLine, Decimal]]
) -> OrderDraft:
    order: SalesOrder = rma.order
    by_item: dict[int, list[Any]] = defaultdict(lambda: [None, ZERO])
    for rl, q in due:
        by_item[rl.item_id][0] = rl.item
        by_item[rl.item_id][1] += q
    return OrderDraft(
        customer=order.customer.account_number,
        customer_po=f"{rma.number} replacement",
        bill_to=order.bill_to.code if order.bill_to else "",
        ship_to=order.ship_to.code if order.ship_to else "",
        ship_method=order.ship_method.code if order.ship_method else "",
        incoterm=order.incoterm,
        incoterm_place=order.incoterm_place,
        fob_point=order.fob_point,
        freight_payment=order.freight_payment,
        lines=[
            LineDraft(sku=item.sku, quantity=q, uom=item.base_uom.code)
            for item, q in by_item.values()
        ],
        notes=f"Replacement for return {rma.number} of order {order.number}",
        source_document=f"RMA {rma.number}",
    )


def rma_exchange(
    *,
    actor: Any,
    rma: ReturnAuthorization,
    memo_date: dt.date | None = None,
    today: dt.date | None = None,
) -> tuple[CreditMemo, SalesOrder]:
    """Credit what came back (as `rma_credit`) and place the replacement order for the
    same items and quantities; both or neither. The RMA links the replacement order."""
    require(actor, Capability.RETURN_APPROVE)
    require(actor, Capability.ORDER_ENTRY)
    today = today or timezone.localdate()
    with transaction.atomic():
        row = _locked(rma)
        memo, due = _credit(actor=actor, rma=row, memo_date=memo_date)
        result = order_intake(
            actor=actor, channel="desk", draft=_replacement_draft(row, due), today=today
        )
        replacement = result.order
        row.replacement_order = replacement
        row.save(update_fields=["replacement_order"])
        event_record(
            actor=actor,
            obj=row,
            action="rma.replacement_ordered",
            after={
                "order": replacement.number,
                "status": replacement.status,
                "lines": [{"sku": rl.item.sku, "quantity": plain(q)} for rl, q in due],
            },
        )
        rma_transition(
            actor=actor,
            rma=row,
            to=RmaStatus.CREDITED,
            reason=f"{memo.number}, replacement {replacement.number}",
        )
    return memo, replacement

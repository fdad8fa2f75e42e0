"""Receiving returned goods: what came back, how it looked, and where it goes.

Each received quantity gets a condition and a disposition. Restock puts it back on the
shelf through the stock ledger (a "return" movement with the lot or serial, referenced by
the RMA number) and then lets waiting backorders of those items take it. Scrap, repair
and return to vendor add no sellable stock: they are recorded on the receipt, and the
repair / return-to-vendor list (`selectors.rework_list`) shows what is still to be dealt
with. Partial receipts are fine: the rest of the authorised quantity may come later.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from orderdesk.catalog.models import Tracking
from orderdesk.core.audit import event_record
from orderdesk.core.locks import lock_one
from orderdesk.core.numbering import number_next
from orderdesk.core.roles import Capability, require
from orderdesk.inventory.models import Warehouse
from orderdesk.inventory.services import stock_move
from orderdesk.orders.allocation import backorders_fill
from orderdesk.parties.models import Vendor

from .errors import ReturnConflict, ReturnError, ReturnErrorCode
from .models import (
    Condition,
    Disposition,
    ReturnAuthorization,
    ReturnLine,
    ReturnReceipt,
    ReturnReceiptLine,
    RmaStatus,
)
from .policy import plain
from .services import rma_transition
from .states import RECEIVABLE

logger = logging.getLogger(__name__)

#: (return line, quantity in base units, lot or serial, condition, disposition, notes[,
#: vendor]) — the vendor only for return to vendor; blank takes the item's default vendor.
ReceiveLine = tuple[Any, ...]


def _choice(value: str, choices: Any, code: ReturnErrorCode, where: str) -> str:
    value = (value or "").strip().lower()
    if value not in choices.values:
        raise ReturnError(
            code,
            f"{where}: {value or 'nothing'} is not a {code.value.split('_')[0]} we know",
            field=where,
            fix="one of " + ", ".join(choices.values),
        )
    return value


def _lot(rl: ReturnLine, lot: str, where: str) -> str:
    lot = (lot or "").strip()
    tracking = rl.item.tracking
    if tracking == Tracking.NONE:
        if lot:
            raise ReturnError(
                ReturnErrorCode.LOT_NOT_ALLOWED,
                f"{rl.item.sku} is not lot or serial controlled: leave the lot empty (got {lot!r})",
                field=where,
            )
        return ""
    lot = lot or rl.lot
    if rl.lot and lot != rl.lot:
        raise ReturnError(
            ReturnErrorCode.LOT_NOT_SHIPPED,
            f"RMA line {rl.line_no} authorises {rl.item.sku} {rl.lot}; the goods carry {lot}",
            field=where,
            fix=f"receive {lot} on an RMA of its own, after checking where it came from",
        )
    return lot


def _vendor(rl: ReturnLine, vendor: Vendor | None, where: str) -> Vendor:
    found = vendor or rl.item.default_vendor
    if found is None:
        raise ReturnError(
            ReturnErrorCode.VENDOR_REQUIRED,
            f"{rl.item.sku} goes back to a vendor, but none is given and the item has no "
            "default vendor",
            field=where,
            fix="pick the vendor the goods go back to",
        )
    return found


def _receipt_lines(
    rma: ReturnAuthorization, lines: Sequence[ReceiveLine]
) -> list[ReturnReceiptLine]:
    """The receipt lines, each checked; the return lines' qty_received raised in memory."""
    mine = {rl.pk: rl for rl in rma.lines.select_related("item", "item__default_vendor")}
    out: list[ReturnReceiptLine] = []
    for i, spec in enumerate(lines):
        given, quantity, lot, condition, disposition, notes, *rest = spec
        vendor = rest[0] if rest else None
        where = f"lines[{i}]"
        rl = mine.get(given.pk if isinstance(given, ReturnLine) else int(given))
        if rl is None:
            raise ReturnError(
                ReturnErrorCode.LINE_NOT_ON_RMA,
                f"{where} is not a line of RMA {rma.number}",
                field=f"{where}.return_line",
                fix=f"receive lines of RMA {rma.number}",
            )
        q = Decimal(quantity)
        if q <= 0:
            raise ReturnError(
                ReturnErrorCode.QUANTITY_INVALID,
                f"RMA line {rl.line_no} ({rl.item.sku}): receive a quantity above 0, "
                f"not {plain(q)}",
                field=f"{where}.quantity",
                fix="leave out lines where nothing came",
            )
        if rl.qty_received + q > rl.quantity:
            raise ReturnError(
                ReturnErrorCode.OVER_RECEIPT,
                f"RMA line {rl.line_no} ({rl.item.sku}): {plain(rl.quantity)} authorised, "
                f"{plain(rl.qty_received)} already received; {plain(q)} more is too much",
                field=f"{where}.quantity",
                fix=f"receive at most {plain(rl.quantity - rl.qty_received)}; ask for a new "
                "RMA for the extra goods",
            )
        cond = _choice(
            condition, Condition, ReturnErrorCode.CONDITION_INVALID, f"{where}.condition"
        )
        disp = _choice(
            disposition, Disposition, ReturnErrorCode.DISPOSITION_INVALID, f"{where}.disposition"
        )
        rl.qty_received += q
        out.append(
            ReturnReceiptLine(
                return_line=rl,
                lot=_lot(rl, lot, f"{where}.lot"),
                quantity=q,
                condition=cond,
                disposition=disp,
                vendor=(
                    _vendor(rl, vendor, f"{where}.vendor")
                    if disp == Disposition.RETURN_TO_VENDOR
                    else None
                ),
                notes=(notes or "").strip()[:500],
            )
        )
    return out


def rma_receive(
    *,
    actor: Any,
    rma: ReturnAuthorization,
    warehouse: Warehouse,
    lines: Sequence[ReceiveLine],
    received_on: dt.date | None = None,
) -> ReturnReceipt:
    """Receive goods of an approved RMA into `warehouse`, with condition and disposition.

    Refuses, writing nothing, more than authorised (less what came before), a lot other
    than the one authorised, an RMA not approved, return to vendor without a vendor.
    Restocked quantities go back through the stock ledger; afterwards backorders of those
    items are filled from them (outside this transaction: the receipt stands even when
    an allocation is refused).
    """
    require(actor, Capability.RETURN_RECEIVE)
    if not lines:
        raise ReturnError(
            ReturnErrorCode.NO_LINES,
            "a receipt needs at least one line",
            field="lines",
            fix="give the quantities that came back",
        )
    if not warehouse.active:
        raise ReturnError(
            ReturnErrorCode.WAREHOUSE_INACTIVE,
            f"warehouse {warehouse.code} is inactive: it receives nothing",
            field="warehouse",
            fix="receive into an active warehouse",
        )
    received_on = received_on or timezone.localdate()
    with transaction.atomic():
        row = lock_one(
            ReturnAuthorization.objects.filter(pk=rma.pk).select_related("customer", "order")
        )
        if row.status not in RECEIVABLE:
            raise ReturnConflict(
                ReturnErrorCode.NOT_RECEIVABLE,
                f"RMA {row.number} is {RmaStatus(row.status).label.lower()}: goods are "
                "received only on an approved RMA",
                field="status",
                fix="approve it first" if row.status == RmaStatus.REQUESTED else None,
            )
        receipt_lines = _receipt_lines(row, lines)
        receipt = ReturnReceipt.objects.create(
            number=number_next(doc_type="return_receipt"),
            rma=row,
            warehouse=warehouse,
            received_on=received_on,
            received_by=actor if getattr(actor, "pk", None) else None,
            created_at=timezone.now(),
        )
        for rrl in receipt_lines:
            rrl.receipt = receipt
        ReturnReceiptLine.objects.bulk_create(receipt_lines)
        touched = {rrl.return_line.pk: rrl.return_line for rrl in receipt_lines}
        ReturnLine.objects.bulk_update(list(touched.values()), ["qty_received"])
        restocked: set[int] = set()
        for rrl in receipt_lines:
            if rrl.disposition != Disposition.RESTOCK:
                continue
            stock_move(
                actor=actor,
                item=rrl.return_line.item,
                warehouse=warehouse,
                quantity=rrl.quantity,
                kind="return",
                lot=rrl.lot,
                reference=row.number,
                reason=f"{receipt.number}: returned {rrl.condition}",
            )
            restocked.add(rrl.return_line.item_id)
        summary = [
            {
                "line_no": rrl.return_line.line_no,
                "sku": rrl.return_line.item.sku,
                "lot": rrl.lot,
                "quantity": rrl.quantity,
                "condition": rrl.condition,
                "disposition": rrl.disposition,
                **({"vendor": rrl.vendor.code} if rrl.vendor else {}),
            }
            for rrl in receipt_lines
        ]
        event_record(
            actor=actor,
            obj=receipt,
            action="return_receipt.created",
            after={
                "rma": row.number,
                "warehouse": warehouse.code,
                "received_on": received_on,
                "lines": summary,
            },
        )
        event_record(
            actor=actor,
            obj=row,
            action="rma.goods_received",
            after={"receipt": receipt.number, "warehouse": warehouse.code, "lines": summary},
        )
        rma_transition(actor=actor, rma=row, to=RmaStatus.RECEIVED, reason=receipt.number)
    if restocked:
        filled = backorders_fill(
            actor=actor,
            item_ids=sorted(restocked),
            warehouse_id=warehouse.pk,
            today=timezone.localdate(),
        )
        if filled:
            logger.info("return receipt %s filled %s backordered lines", receipt.number, filled)
    return receipt

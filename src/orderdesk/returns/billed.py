"""Which invoice billed the goods that come back, and which of its lines to credit.

A return is credited against the invoice that billed it, with one credit memo per invoice,
so an RMA names one invoice. The invoice is chosen as the newest one of the order on which
every requested line still has room: invoiced on that invoice, less what memos already
credited and what other open RMAs already claim of it. When the goods were billed on more
than one invoice and no single one covers the request, the request is refused with what
each invoice billed, so the clerk splits it into one RMA per invoice.

Within the invoice, a quantity is spread over the invoice lines of its order line (one per
shipment line), those of the returned lot first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from orderdesk.billing.models import CreditMemoLine, Invoice, InvoiceLine
from orderdesk.core.fields import QuantityField

from .errors import ReturnError, ReturnErrorCode
from .models import ReturnLine, RmaStatus
from .policy import plain

ZERO = Decimal(0)
#: RMAs whose not-yet-credited quantities are spoken for on the invoice line they name.
_CLAIMING = (RmaStatus.REQUESTED, RmaStatus.APPROVED, RmaStatus.RECEIVED, RmaStatus.CREDITED)


@dataclass(frozen=True)
class Want:
    """A quantity of an order line (of one lot, or any) to match with invoice lines."""

    order_line_id: int
    lot: str
    quantity: Decimal
    label: str  # "line 2 (SKU-1)" for messages


@dataclass
class Match:
    invoice: Invoice | None
    #: per want (same order): the invoice lines and the quantity each takes
    parts: list[list[tuple[InvoiceLine, Decimal]]]


def _lot(il: InvoiceLine) -> str:
    if il.lot:
        return il.lot
    return il.shipment_line.lot if il.shipment_line is not None else ""


def _room(lines: list[InvoiceLine], exclude_rma_id: int | None) -> dict[int, Decimal]:
    """Per invoice line: invoiced − credited by memos − claimed by other open RMAs."""
    ids = [il.pk for il in lines]
    credited = {
        r["invoice_line_id"]: r["q"] or ZERO
        for r in CreditMemoLine.objects.filter(invoice_line_id__in=ids, kind="goods")
        .values("invoice_line_id")
        .annotate(q=Sum("quantity", output_field=QuantityField()))
    }
    claims = ReturnLine.objects.filter(invoice_line_id__in=ids, rma__status__in=_CLAIMING)
    if exclude_rma_id is not None:
        claims = claims.exclude(rma_id=exclude_rma_id)
    claimed: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for il_id, quantity, done in claims.values_list("invoice_line_id", "quantity", "qty_credited"):
        claimed[il_id] += quantity - done
    return {il.pk: il.quantity - credited.get(il.pk, ZERO) - claimed[il.pk] for il in lines}


def _take(
    lines: list[InvoiceLine], room: dict[int, Decimal], wants: list[Want]
) -> list[list[tuple[InvoiceLine, Decimal]]] | None:
    """Spread each want over the lines (its lot first); None when one does not fit."""
    left = dict(room)
    order = sorted(range(len(wants)), key=lambda i: (not wants[i].lot, i))
    parts: list[list[tuple[InvoiceLine, Decimal]]] = [[] for _ in wants]
    for i in order:
        want = wants[i]
        need = want.quantity
        candidates = [il for il in lines if il.order_line_id == want.order_line_id]
        candidates.sort(key=lambda il: (_lot(il) != want.lot, il.line_no))
        for il in candidates:
            if need <= 0:
                break
            if want.lot and _lot(il) and _lot(il) != want.lot:
                continue
            q = min(need, left[il.pk])
            if q > 0:
                parts[i].append((il, q))
                left[il.pk] -= q
                need -= q
        if need > 0:
            return None
    return parts


def _billed_lines(wants: list[Want], invoice: Invoice | None) -> list[InvoiceLine]:
    qs = InvoiceLine.objects.filter(
        order_line_id__in={w.order_line_id for w in wants}
    ).select_related("invoice", "shipment_line")
    if invoice is not None:
        qs = qs.filter(invoice=invoice)
    return list(qs.order_by("-invoice__invoice_date", "-invoice_id", "line_no"))


def _billed_text(lines: list[InvoiceLine], room: dict[int, Decimal], wants: list[Want]) -> str:
    by_invoice: dict[str, list[str]] = defaultdict(list)
    labels = {w.order_line_id: w.label for w in wants}
    for il in lines:
        lot = _lot(il)
        by_invoice[il.invoice.number].append(
            f"{labels.get(il.order_line_id, il.sku)}{f' {lot}' if lot else ''}: "
            f"{plain(max(room[il.pk], ZERO))} left to credit"
        )
    return "; ".join(f"{number}: {', '.join(rows)}" for number, rows in by_invoice.items())


def invoice_match(
    *,
    wants: list[Want],
    invoice: Invoice | None = None,
    exclude_rma_id: int | None = None,
    required: bool,
) -> Match:
    """The invoice (the given one, or the newest that fits) and the lines to credit.

    With nothing billed yet: Match(None, []) when not `required` (the invoice is found at
    credit time), else NOT_INVOICED. Billed but no single invoice fits: SPLIT_BY_INVOICE
    (or NOT_CREDITABLE for a given invoice), naming what each invoice has left.
    """
    lines = _billed_lines(wants, invoice)
    if not lines:
        if required:
            what = f"invoice {invoice.number}" if invoice is not None else "any invoice"
            raise ReturnError(
                ReturnErrorCode.NOT_INVOICED,
                f"the returned goods are not billed on {what} yet: there is nothing to credit",
                field="invoice",
                fix="invoice the shipment first, then credit the return",
            )
        return Match(None, [[] for _ in wants])
    room = _room(lines, exclude_rma_id)
    invoices: dict[int, Invoice] = {}
    for il in lines:
        invoices.setdefault(il.invoice_id, il.invoice)
    for inv_id, inv in invoices.items():  # newest first
        parts = _take([il for il in lines if il.invoice_id == inv_id], room, wants)
        if parts is not None:
            return Match(inv, parts)
    billed = _billed_text(lines, room, wants)
    if invoice is not None:
        raise ReturnError(
            ReturnErrorCode.NOT_CREDITABLE,
            f"invoice {invoice.number} has not enough left to credit for this return ({billed})",
            field="invoice",
            fix="credit what the invoice still holds, or check earlier credit memos",
        )
    raise ReturnError(
        ReturnErrorCode.SPLIT_BY_INVOICE,
        f"no single invoice billed all of these goods ({billed}); a return is credited "
        "against one invoice",
        field="lines",
        fix="ask for one RMA per invoice, each with what that invoice billed",
    )

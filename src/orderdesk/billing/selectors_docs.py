"""Queries on invoices and credit memos for the pages, the API and the portal.

Every queryset goes through `scope_to_customer`: a portal user reaches only their own
customer's documents, and another customer's is simply not found (404).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from orderdesk.core.access import scope_to_customer
from orderdesk.core.errors import NotFound
from orderdesk.core.fields import AmountField, QuantityField
from orderdesk.core.models import Event
from orderdesk.core.roles import Capability, require

from .models import (
    CreditMemo,
    CreditMemoLine,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    PaymentApplication,
)


def _invoices(user: Any) -> QuerySet[Invoice]:
    require(user, Capability.BILLING_VIEW)
    return scope_to_customer(Invoice.objects.all(), user)


def _memos(user: Any) -> QuerySet[CreditMemo]:
    require(user, Capability.BILLING_VIEW)
    return scope_to_customer(CreditMemo.objects.all(), user)


def overdue_q(today: dt.date) -> Q:
    """Open invoices with money still open after their due date."""
    return Q(status=InvoiceStatus.OPEN, due_date__lt=today, receivable__open_amount__gt=0)


def invoice_list(
    *,
    user: Any,
    customer_id: int | None = None,
    order_id: int | None = None,
    status: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    overdue: bool | None = None,
    q: str | None = None,
    today: dt.date | None = None,
) -> QuerySet[Invoice]:
    """Invoices, newest first; `overdue` keeps (or leaves out) open ones past their due date;
    `q` finds an invoice, order or PO number, or a customer's account or name."""
    qs = _invoices(user).select_related("customer", "order", "shipment", "receivable")
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if order_id:
        qs = qs.filter(order_id=order_id)
    if status:
        qs = qs.filter(status=status)
    if date_from:
        qs = qs.filter(invoice_date__gte=date_from)
    if date_to:
        qs = qs.filter(invoice_date__lte=date_to)
    if overdue is not None:
        late = overdue_q(today or timezone.localdate())
        qs = qs.filter(late) if overdue else qs.exclude(late)
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(number__iexact=q)
            | Q(order__number__iexact=q)
            | Q(customer_po__icontains=q)
            | Q(customer__account_number__iexact=q)
            | Q(customer__name__icontains=q)
        )
    return qs.order_by("-invoice_date", "-id")


def invoice_get(*, user: Any, pk: int) -> Invoice:
    """One invoice with its lines, charges, credit memos and open item (5 queries)."""
    invoice = (
        _invoices(user)
        .select_related(
            "customer", "order", "shipment", "payment_terms", "receivable", "created_by"
        )
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=InvoiceLine.objects.select_related("order_line").order_by("line_no"),
            ),
            "charges",
            Prefetch("credit_memos", queryset=CreditMemo.objects.order_by("memo_date", "id")),
        )
        .filter(pk=pk)
        .first()
    )
    if invoice is None:
        raise NotFound("invoice", pk)
    return invoice


def invoice_applications(invoice: Invoice) -> QuerySet[PaymentApplication]:
    """Payments and credit memos applied to the invoice's open item, in order."""
    if invoice.receivable_id is None:
        return PaymentApplication.objects.none()
    return (
        PaymentApplication.objects.filter(receivable_id=invoice.receivable_id)
        .select_related("payment", "credit")
        .order_by("applied_on", "id")
    )


def invoice_events(*, user: Any, invoice: Invoice) -> QuerySet[Event]:
    """The invoice's timeline: staff only (it names people and reasons)."""
    require(user, Capability.MASTER_DATA_VIEW)
    memo_ids = [str(m.pk) for m in invoice.credit_memos.all()]
    return (
        Event.objects.filter(
            Q(object_type="billing.invoice", object_id=str(invoice.pk))
            | Q(object_type="billing.creditmemo", object_id__in=memo_ids)
        )
        .select_related("actor")
        .order_by("at", "id")
    )


def credit_memo_list(
    *,
    user: Any,
    customer_id: int | None = None,
    invoice_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str | None = None,
) -> QuerySet[CreditMemo]:
    qs = _memos(user).select_related("customer", "invoice", "receivable")
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if invoice_id:
        qs = qs.filter(invoice_id=invoice_id)
    if date_from:
        qs = qs.filter(memo_date__gte=date_from)
    if date_to:
        qs = qs.filter(memo_date__lte=date_to)
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(number__iexact=q)
            | Q(invoice__number__iexact=q)
            | Q(reference__iexact=q)
            | Q(customer__account_number__iexact=q)
            | Q(customer__name__icontains=q)
        )
    return qs.order_by("-memo_date", "-id")


def credit_memo_get(*, user: Any, pk: int) -> CreditMemo:
    memo = (
        _memos(user)
        .select_related("customer", "invoice", "invoice__order", "receivable", "created_by")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=CreditMemoLine.objects.select_related(
                    "invoice_line", "invoice_charge"
                ).order_by("line_no"),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if memo is None:
        raise NotFound("credit memo", pk)
    return memo


def credit_memo_events(*, user: Any, memo: CreditMemo) -> QuerySet[Event]:
    require(user, Capability.MASTER_DATA_VIEW)
    return (
        Event.objects.filter(object_type="billing.creditmemo", object_id=str(memo.pk))
        .select_related("actor")
        .order_by("at", "id")
    )


def credit_room(invoice: Invoice) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """What is left to credit: base quantity per invoice line, amount per invoice charge
    (2 queries)."""
    lines = {
        row["invoice_line_id"]: row["q"] or Decimal(0)
        for row in CreditMemoLine.objects.filter(invoice_line__invoice=invoice, kind="goods")
        .values("invoice_line_id")
        .annotate(q=Sum("quantity", output_field=QuantityField()))
    }
    charges = {
        row["invoice_charge_id"]: row["n"] or Decimal(0)
        for row in CreditMemoLine.objects.filter(invoice_charge__invoice=invoice)
        .values("invoice_charge_id")
        .annotate(n=Sum("net", output_field=AmountField()))
    }
    return (
        {ln.pk: ln.quantity - lines.get(ln.pk, Decimal(0)) for ln in invoice.lines.all()},
        {c.pk: c.amount - charges.get(c.pk, Decimal(0)) for c in invoice.charges.all()},
    )

"""Queries on the customer ledger: open items, the exposure a credit check reads, payments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery, Sum

from orderdesk.core.errors import NotFound
from orderdesk.core.fields import AmountField
from orderdesk.parties.models import Customer

from .models import Payment, PaymentApplication, Receivable

ZERO = Decimal(0)


def receivables_for(customer: Customer | int, *, open_only: bool = True) -> QuerySet[Receivable]:
    """A customer's ledger items, oldest due first; by default those with an amount open."""
    qs = Receivable.objects.filter(customer=customer)
    if open_only:
        qs = qs.exclude(open_amount=0)
    return qs.order_by("due_date", "document_number")


@dataclass(frozen=True, slots=True)
class Exposure:
    open_receivables: Decimal  # open invoices less open credit memos less unapplied cash
    past_due: Decimal  # open invoice amounts due more than the grace days ago
    oldest_past_due_days: int  # days the oldest of those is past its due date; 0 = none
    unapplied_cash: Decimal = ZERO  # payments received, not applied yet (already subtracted)
    open_items: Decimal = ZERO  # open invoices less open credit memos (before cash)


def _sum_of(qs: QuerySet, value: str) -> Subquery:
    """A correlated SUM of `value` over `qs` (one scalar sub-select of the customer query)."""
    return Subquery(
        qs.order_by()
        .values("customer_id")
        .annotate(s=Sum(value, output_field=AmountField()))
        .values("s")[:1],
        output_field=AmountField(),
    )


def exposure(customer: Customer, *, today: dt.date, grace_days: int = 0) -> Exposure:
    """What the customer owes in its own currency, and how much of it is past due (1 query).

    The open items of the ledger less the cash received and not applied yet: the same
    balance the ledger page and the aging report show. An invoice is past due beyond the
    grace when its due date is more than `grace_days` before `today`; neither credit memos
    nor unapplied cash offset the past-due figure (they are not applied to a given invoice
    yet). Items and payments in another currency than the customer's are not added in.
    """
    mine = {"customer": OuterRef("pk"), "currency": OuterRef("currency")}
    items = Receivable.objects.filter(**mine)
    late = items.filter(due_date__lt=today - dt.timedelta(days=grace_days), open_amount__gt=0)
    figures = (
        Customer.objects.filter(pk=customer.pk)
        .annotate(
            open_sum=_sum_of(items, "open_amount"),
            past_due_sum=_sum_of(late, "open_amount"),
            oldest=Subquery(late.order_by("due_date").values("due_date")[:1]),
            unapplied_sum=_sum_of(Payment.objects.filter(**mine).exclude(unapplied=0), "unapplied"),
        )
        .values("open_sum", "past_due_sum", "oldest", "unapplied_sum")
        .first()
    ) or {}
    open_items = figures.get("open_sum") or ZERO
    unapplied = figures.get("unapplied_sum") or ZERO
    oldest: dt.date | None = figures.get("oldest")
    return Exposure(
        open_receivables=open_items - unapplied,
        past_due=figures.get("past_due_sum") or ZERO,
        oldest_past_due_days=(today - oldest).days if oldest is not None else 0,
        unapplied_cash=unapplied,
        open_items=open_items,
    )


def payment_list(
    *,
    user: Any,
    customer_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    unapplied: bool | None = None,
) -> QuerySet[Payment]:
    """Payments received, newest first (staff: a portal user reads them on the ledger)."""
    from .ledger import require_billing_staff

    require_billing_staff(user)
    qs = Payment.objects.select_related("customer").prefetch_related(
        Prefetch(
            "applications",
            queryset=PaymentApplication.objects.select_related("receivable").order_by("pk"),
        )
    )
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if date_from:
        qs = qs.filter(received_date__gte=date_from)
    if date_to:
        qs = qs.filter(received_date__lte=date_to)
    if unapplied is True:
        qs = qs.exclude(unapplied=0)
    elif unapplied is False:
        qs = qs.filter(unapplied=0)
    return qs.order_by("-received_date", "-pk")


def payment_get(*, user: Any, pk: int) -> Payment:
    payment = payment_list(user=user).filter(pk=pk).first()
    if payment is None:
        raise NotFound("payment", pk)
    return payment

"""Queries on the customer ledger: open items and the exposure a credit check reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Min, Q, QuerySet, Sum

from orderdesk.core.fields import AmountField
from orderdesk.parties.models import Customer

from .models import Receivable

ZERO = Decimal(0)


def receivables_for(customer: Customer | int, *, open_only: bool = True) -> QuerySet[Receivable]:
    """A customer's ledger items, oldest due first; by default those with an amount open."""
    qs = Receivable.objects.filter(customer=customer)
    if open_only:
        qs = qs.exclude(open_amount=0)
    return qs.order_by("due_date", "document_number")


@dataclass(frozen=True, slots=True)
class Exposure:
    open_receivables: Decimal  # open invoices less open credit memos
    past_due: Decimal  # open invoice amounts due more than the grace days ago
    oldest_past_due_days: int  # days the oldest of those is past its due date; 0 = none


def exposure(customer: Customer, *, today: dt.date, grace_days: int = 0) -> Exposure:
    """What the customer owes in its own currency, and how much of it is past due (1 query).

    An invoice is past due beyond the grace when its due date is more than `grace_days`
    before `today`; credit memos do not offset the past-due figure (they are not applied to
    a given invoice yet). Items in another currency than the customer's are not added in.
    """
    late = Q(due_date__lt=today - dt.timedelta(days=grace_days), open_amount__gt=0)
    figures = Receivable.objects.filter(customer=customer, currency=customer.currency).aggregate(
        open=Sum("open_amount", output_field=AmountField()),
        past_due=Sum("open_amount", filter=late, output_field=AmountField()),
        oldest=Min("due_date", filter=late),
    )
    oldest: dt.date | None = figures["oldest"]
    return Exposure(
        open_receivables=figures["open"] if figures["open"] is not None else ZERO,
        past_due=figures["past_due"] if figures["past_due"] is not None else ZERO,
        oldest_past_due_days=(today - oldest).days if oldest is not None else 0,
    )

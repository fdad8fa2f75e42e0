"""Planning a payment's applications: which open item gets how much, and why.

The commands in `payments` lock the customer's open items (`lock_open_items`), let these
functions decide the applications on the locked rows (oldest due first, credits before
cash, the early-payment discount within terms, or exactly what billing named, checked),
and then write them. Nothing here writes to the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from orderdesk.core.fields import AmountField
from orderdesk.core.locks import lock_rows
from orderdesk.core.money import minor_exponent, round_half_up
from orderdesk.parties.models import Customer

from .errors import BillingConflict, BillingError, BillingErrorCode, plain
from .models import Invoice, Payment, PaymentApplication, PaymentMethod, Receivable

ZERO = Decimal(0)

Applications = Sequence[tuple[Receivable, Decimal]]


# --- checks ------------------------------------------------------------------------------


def money_in(value: Any, currency: str, *, field: str) -> Decimal:
    """An amount the clerk typed: positive, at most the currency's minor unit."""
    try:
        amount = Decimal(value)
    except (ArithmeticError, TypeError, ValueError):
        amount = Decimal("NaN")
    places = minor_exponent(currency)
    if not amount.is_finite() or amount <= ZERO:
        raise BillingError(
            BillingErrorCode.AMOUNT_INVALID,
            f"{value} is not an amount above 0",
            field=field,
            fix="give the amount received, e.g. 1250.00",
        )
    if round_half_up(amount, places) != amount:
        raise BillingError(
            BillingErrorCode.AMOUNT_INVALID,
            f"{plain(amount)} {currency} has more than {places} decimal places",
            field=field,
            fix=f"give the amount to the {currency} minor unit ({places} places)",
        )
    return amount


def method_checked(method: str) -> str:
    if method not in PaymentMethod.values:
        raise BillingError(
            BillingErrorCode.INVALID,
            f"{method!r} is not a payment method",
            field="method",
            fix=f"use one of {', '.join(PaymentMethod.values)}",
        )
    return method


# --- the plan: which open item gets how much -------------------------------------------------


@dataclass
class Item:
    """An open item as locked, with what the command does to it."""

    row: Receivable
    open: Decimal
    discount_left: Decimal = ZERO
    discount_date: dt.date | None = None

    def discount_on(self, received: dt.date) -> Decimal:
        """The early-payment discount still available for cash received on `received`."""
        if self.discount_date is None or received > self.discount_date or self.open <= 0:
            return ZERO
        # Never the whole item: some cash must come for a discount to be earned.
        cent = Decimal(1).scaleb(-minor_exponent(self.row.currency))
        return max(ZERO, min(self.discount_left, self.open - cent))


@dataclass
class Plan:
    """The applications a command makes. An application is dated `on`, or later when one of
    its documents is dated later: cash received before an invoice was issued is applied the
    day the invoice exists, so the ledger as of any day adds up."""

    items: dict[int, Item]
    apps: list[PaymentApplication] = field(default_factory=list)
    cash: Decimal = ZERO  # cash applied

    def apply_cash(
        self, payment: Payment, item: Item, amount: Decimal, discount: Decimal, on: dt.date
    ) -> None:
        self.apps.append(
            PaymentApplication(
                payment=payment,
                receivable=item.row,
                amount=amount,
                discount=discount,
                applied_on=max(on, item.row.document_date),
                created_at=timezone.now(),
            )
        )
        item.open -= amount + discount
        item.discount_left -= discount
        self.cash += amount

    def apply_credit(self, credit: Item, item: Item, amount: Decimal, on: dt.date) -> None:
        self.apps.append(
            PaymentApplication(
                payment=None,
                credit=credit.row,
                receivable=item.row,
                amount=amount,
                discount=ZERO,
                applied_on=max(on, item.row.document_date, credit.row.document_date),
                created_at=timezone.now(),
            )
        )
        item.open -= amount
        credit.open += amount


def oldest_first(items: Iterable[Item]) -> list[Item]:
    return sorted(items, key=lambda i: (i.row.due_date, i.row.document_date, i.row.pk))


def credits_to_invoices(plan: Plan, currency: str, on: dt.date) -> None:
    """Open credit memos of the customer settle its open invoices, oldest due first."""
    debits = oldest_first(
        i for i in plan.items.values() if i.open > 0 and i.row.currency == currency
    )
    for credit in oldest_first(
        i for i in plan.items.values() if i.open < 0 and i.row.currency == currency
    ):
        for item in debits:
            take = min(-credit.open, item.open)
            if take > 0:
                plan.apply_credit(credit, item, take, on)
            if credit.open == 0:
                break


def cash_oldest_first(plan: Plan, payment: Payment, cash: Decimal, on: dt.date) -> None:
    received = payment.received_date
    for item in oldest_first(
        i for i in plan.items.values() if i.open > 0 and i.row.currency == payment.currency
    ):
        if cash <= 0:
            break
        discount = item.discount_on(received)
        if discount and cash >= item.open - discount:
            take = item.open - discount
        else:
            take, discount = min(cash, item.open), ZERO
        plan.apply_cash(payment, item, take, discount, on)
        cash -= take


def _named_item(plan: Plan, customer: Customer, row: Receivable, currency: str) -> Item:
    if row.customer_id != customer.pk:
        raise BillingError(
            BillingErrorCode.CUSTOMER_MISMATCH,
            f"{row.document_number} is not an item of {customer.account_number}",
            field="applications",
            fix=f"apply to open items of {customer.account_number} only",
        )
    item = plan.items.get(row.pk)
    if item is None or item.open == 0:
        raise BillingConflict(
            BillingErrorCode.OVER_APPLIED,
            f"{row.document_number} has nothing open",
            field="applications",
            fix="reload the customer's open items and apply to one that is still open",
        )
    if row.currency != currency:
        raise BillingError(
            BillingErrorCode.CURRENCY_MISMATCH,
            f"{row.document_number} is in {row.currency}, the cash in {currency}",
            field="applications",
            fix=f"apply {currency} to {currency} items only",
        )
    if item.open < 0:
        raise BillingError(
            BillingErrorCode.INVALID,
            f"{row.document_number} is a credit; cash is applied to invoices",
            field="applications",
            fix="apply the credit memo to an invoice instead",
        )
    return item


def named(
    plan: Plan, customer: Customer, applications: Applications, currency: str, available: Decimal
) -> list[tuple[Item, Decimal]]:
    """The (item, amount) pairs billing chose, checked: each within its item's open amount,
    no item twice, all together within what is available."""
    out: list[tuple[Item, Decimal]] = []
    seen: set[int] = set()
    for row, value in applications:
        amount = money_in(value, currency, field="applications")
        item = _named_item(plan, customer, row, currency)
        if row.pk in seen:
            raise BillingError(
                BillingErrorCode.INVALID,
                f"{row.document_number} is named twice",
                field="applications",
                fix="give each open item once with the whole amount for it",
            )
        seen.add(row.pk)
        if amount > item.open:
            raise BillingConflict(
                BillingErrorCode.OVER_APPLIED,
                f"{plain(amount)} {currency} is more than the {plain(item.open)} {currency} "
                f"open on {row.document_number}",
                field="applications",
                fix=f"apply at most {plain(item.open)} {currency}; the rest stays unapplied",
            )
        out.append((item, amount))
    total = sum((a for _, a in out), ZERO)
    if total > available:
        raise BillingConflict(
            BillingErrorCode.OVER_APPLIED,
            f"the applications add up to {plain(total)} {currency}, more than the "
            f"{plain(available)} {currency} available",
            field="applications",
            fix=f"apply at most {plain(available)} {currency}",
        )
    return out


def cash_named(
    plan: Plan, payment: Payment, chosen: list[tuple[Item, Decimal]], on: dt.date
) -> None:
    """Cash to the items billing chose; within the discount terms, an amount that covers the
    open amount less the discount settles the item, the difference taken as discount."""
    for item, amount in chosen:
        short = item.open - amount
        discount = short if 0 < short <= item.discount_on(payment.received_date) else ZERO
        plan.apply_cash(payment, item, amount, discount, on)


# --- locking and writing -------------------------------------------------------------------


def lock_open_items(customer: Customer) -> Plan:
    """Lock the customer's open items (pk order) and read their discount terms (2 queries)."""
    rows = lock_rows(Receivable.objects.filter(customer=customer).exclude(open_amount=0))
    items = {r.pk: Item(row=r, open=r.open_amount) for r in rows}
    positive = [pk for pk, i in items.items() if i.open > 0]
    if positive:
        taken = dict(
            PaymentApplication.objects.filter(receivable_id__in=positive, discount__gt=0)
            .order_by()
            .values("receivable_id")
            .annotate(s=Sum("discount", output_field=AmountField()))
            .values_list("receivable_id", "s")
        )
        for inv in Invoice.objects.filter(receivable_id__in=positive).values(
            "receivable_id", "discount_date", "discount_amount"
        ):
            item = items[inv["receivable_id"]]
            item.discount_date = inv["discount_date"]
            item.discount_left = max(ZERO, inv["discount_amount"] - taken.get(item.row.pk, ZERO))
    return Plan(items=items)


def apply_cash(
    plan: Plan,
    customer: Customer,
    payment: Payment,
    applications: Applications | None,
    on: dt.date,
) -> None:
    if applications is None:
        cash_oldest_first(plan, payment, payment.unapplied, on)
        return
    chosen = named(plan, customer, applications, payment.currency, payment.unapplied)
    cash_named(plan, payment, chosen, on)


def apply_credit(
    plan: Plan,
    customer: Customer,
    credit: Receivable,
    applications: Applications | None,
    on: dt.date,
) -> None:
    source = plan.items.get(credit.pk)
    if source is None or source.open >= 0:
        raise BillingConflict(
            BillingErrorCode.OVER_APPLIED,
            f"{credit.document_number} has no open credit",
            field="credit",
            fix="choose a credit memo with an amount still open",
        )
    if applications is None:
        for item in oldest_first(
            i for i in plan.items.values() if i.open > 0 and i.row.currency == credit.currency
        ):
            take = min(-source.open, item.open)
            if take > 0:
                plan.apply_credit(source, item, take, on)
        return
    for item, amount in named(plan, customer, applications, credit.currency, -source.open):
        plan.apply_credit(source, item, amount, on)

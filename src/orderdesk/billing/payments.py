"""Payments and their application to the customer's open items.

Recording a payment is enough (no gateway): the cash is applied to open invoices, oldest due
first unless billing says which, and what is left stays on the payment as unapplied cash.
The customer's balance is then Σ open amounts − Σ unapplied, which is always
invoices − credits − payments − discounts taken.

Two payments of one customer must never both settle the same cent: every command here locks
the customer's open items first (primary-key order, `core.locks`), then the payment row,
then the orders it closes, always in that order so two commands never wait in a circle. On
SQLite, where FOR UPDATE does nothing, the open amount is also decreased by a conditional
update whose row count is checked.

An early-payment discount is taken when the cash arrives on or before the invoice's
discount date and covers the open amount less the discount: the item is then settled, the
discount recorded on the application. An invoice whose item reaches zero is paid (or stays
credited when credits alone closed it), and an order all of whose invoices are settled and
which has nothing left to ship or invoice is closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from orderdesk.core.audit import event_record, event_record_many, snapshot
from orderdesk.core.errors import NotFound
from orderdesk.core.fields import units_value
from orderdesk.core.locks import lock_one, lock_rows
from orderdesk.core.money import AMOUNT_PLACES
from orderdesk.core.numbering import number_next
from orderdesk.core.roles import Capability, require
from orderdesk.orders.models import SalesOrder, SalesOrderLine
from orderdesk.orders.services import order_transition
from orderdesk.orders.states import OrderStatus
from orderdesk.parties.models import Customer

from .errors import BillingConflict, BillingError, BillingErrorCode
from .models import (
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentApplication,
    PaymentMethod,
    Receivable,
)
from .payment_plan import (
    Applications,
    Plan,
    apply_cash,
    apply_credit,
    cash_named,
    cash_oldest_first,
    credits_to_invoices,
    lock_open_items,
    method_checked,
    money_in,
    named,
)
from .periods import posting_date_check

ZERO = Decimal(0)


# --- writing -------------------------------------------------------------------------------


def _write(actor: Any, plan: Plan, reason: str) -> list[Receivable]:
    """Store the applications and the new open amounts; returns the items now at zero.

    Caller holds the item locks. Each open amount moves by a conditional update, so even
    without row locks (SQLite) an item never goes past zero.
    """
    if not plan.apps:
        return []
    PaymentApplication.objects.bulk_create(plan.apps)
    moved: dict[int, Decimal] = {}
    for app in plan.apps:
        moved[app.receivable_id] = moved.get(app.receivable_id, ZERO) + app.amount + app.discount
        if app.credit_id is not None:
            moved[app.credit_id] = moved.get(app.credit_id, ZERO) - app.amount
    records: list[tuple[Any, str, dict[str, Any] | None, dict[str, Any] | None]] = []
    closed: list[Receivable] = []
    for pk, delta in sorted(moved.items()):
        item = plan.items[pk]
        row = item.row
        guard = Q(open_amount__gte=delta) if delta > 0 else Q(open_amount__lte=delta)
        done = (
            Receivable.objects.filter(Q(pk=pk) & guard)
            .exclude(open_amount=0)
            .update(open_amount=F("open_amount") - units_value(delta, AMOUNT_PLACES))
        )
        if done != 1:
            raise BillingConflict(
                BillingErrorCode.OVER_APPLIED,
                f"{row.document_number} changed meanwhile; nothing was applied",
                field="applications",
                fix="reload the customer's open items and apply again",
            )
        before = row.open_amount
        row.open_amount = before - delta
        records.append(
            (
                row,
                "receivable.applied",
                {"open_amount": before},
                {"open_amount": row.open_amount},
            )
        )
        if row.open_amount == 0:
            closed.append(row)
    event_record_many(actor=actor, records=records, reason=reason)
    return closed


def _settle(actor: Any, closed: list[Receivable], reason: str) -> None:
    """Invoices whose item reached zero become paid (or stay credited when no cash went to
    them); their orders close when nothing is left to ship, invoice or collect."""
    if not closed:
        return
    ids = [r.pk for r in closed]
    cash_paid = set(
        PaymentApplication.objects.filter(receivable_id__in=ids, payment__isnull=False)
        .values_list("receivable_id", flat=True)
        .distinct()
    )
    order_ids: set[int] = set()
    for invoice in Invoice.objects.filter(receivable_id__in=ids).order_by("pk"):
        order_ids.add(invoice.order_id)
        if invoice.status != InvoiceStatus.OPEN:
            continue
        status = (
            InvoiceStatus.PAID if invoice.receivable_id in cash_paid else InvoiceStatus.CREDITED
        )
        Invoice.objects.filter(pk=invoice.pk).update(status=status)
        invoice.status = status
        event_record(
            actor=actor,
            obj=invoice,
            action=f"invoice.{status}",
            before={"status": InvoiceStatus.OPEN.value},
            after={"status": status.value},
            reason=reason,
        )
    orders_close_when_settled(actor=actor, order_ids=order_ids, reason=reason)


def orders_close_when_settled(*, actor: Any, order_ids: Iterable[int], reason: str) -> list[int]:
    """Close each of these orders that is invoiced, has nothing left to ship or invoice, and
    whose invoices are all settled (INVOICED → CLOSED, with its event); returns the ids
    closed. Locks the order rows; call it inside the transaction that settled the last
    invoice, after the open items (lock order: open items → payment → orders). Credit
    memos that settle an invoice call it too."""
    ids = sorted(set(order_ids))
    if not ids:
        return []
    closed = []
    with transaction.atomic():
        for order in lock_rows(SalesOrder.objects.filter(pk__in=ids)):
            if order.status != OrderStatus.INVOICED:
                continue
            work_left = SalesOrderLine.objects.filter(order=order).filter(
                Q(qty_open__gt=0)
                | Q(qty_allocated__gt=0)
                | Q(qty_backordered__gt=0)
                | Q(qty_shipped__gt=F("qty_invoiced"))
            )
            unpaid = Invoice.objects.filter(order=order).filter(
                Q(status=InvoiceStatus.OPEN) | Q(receivable__open_amount__gt=0)
            )
            if work_left.exists() or unpaid.exists():
                continue
            order_transition(actor=actor, order=order, to=OrderStatus.CLOSED, reason=reason)
            closed.append(order.pk)
    return closed


# --- commands ------------------------------------------------------------------------------


def payment_record(
    *,
    actor: Any,
    customer: Customer,
    amount: Decimal,
    received_date: dt.date,
    method: str = PaymentMethod.CHECK,
    reference: str = "",
    currency: str | None = None,
    apply_to: Applications | None = None,
) -> Payment:
    """Record cash received from `customer` and apply it.

    `apply_to` None: the customer's open credit memos settle its open invoices first, then
    the cash goes to the open invoices oldest due first (taking an early-payment discount
    where the cash covers it in time). Given: exactly those items with those amounts (an
    amount that leaves no more than the discount open, in time, settles the item). What is
    not applied stays on the payment as unapplied cash.
    """
    require(actor, Capability.BILLING_POST)
    currency = (currency or customer.currency).strip().upper()
    amount = money_in(amount, currency, field="amount")
    method = method_checked(str(method))
    reference = (reference or "").strip()[:60]
    with transaction.atomic():
        posting_date_check(on=received_date, what=f"payment from {customer.account_number}")
        plan = lock_open_items(customer)
        chosen = None
        if apply_to is not None:
            chosen = named(plan, customer, apply_to, currency, amount)
        payment = Payment.objects.create(
            number=number_next(doc_type="payment"),
            customer=customer,
            received_date=received_date,
            currency=currency,
            amount=amount,
            unapplied=amount,
            method=method,
            reference=reference,
            created_at=timezone.now(),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        if chosen is None:
            credits_to_invoices(plan, currency, received_date)
            cash_oldest_first(plan, payment, amount, received_date)
        else:
            cash_named(plan, payment, chosen, received_date)
        payment.unapplied = amount - plan.cash
        Payment.objects.filter(pk=payment.pk).update(unapplied=payment.unapplied)
        reason = f"payment {payment.number}"
        event_record(
            actor=actor,
            obj=payment,
            action="payment.recorded",
            after=snapshot(
                payment, ["customer", "received_date", "currency", "amount", "unapplied", "method"]
            ),
            reason=reference,
        )
        _settle(actor, _write(actor, plan, reason), reason)
    return payment


def payment_apply(
    *,
    actor: Any,
    payment: Payment | None = None,
    applications: Applications | None = None,
    credit: Receivable | None = None,
    on: dt.date | None = None,
) -> list[PaymentApplication]:
    """Apply a payment's unapplied cash, or an open credit memo (`credit`), to open invoices.

    Exactly one of `payment` and `credit`. `applications` None: oldest due first (for cash,
    with the discount the payment's receipt date earns). Dated `on` (default today), which
    must be after the closed period and not before the payment or credit memo.
    """
    require(actor, Capability.BILLING_POST)
    if (payment is None) == (credit is None):
        raise BillingError(
            BillingErrorCode.INVALID,
            "apply either a payment or a credit memo",
            field="payment",
            fix="name the payment whose cash is applied, or the credit memo",
        )
    source = payment if payment is not None else credit
    assert source is not None
    customer = Customer.objects.get(pk=source.customer_id)
    on = on or timezone.localdate()
    with transaction.atomic():
        plan = lock_open_items(customer)
        if payment is not None:
            payment = lock_one(Payment.objects.filter(pk=payment.pk))
            what, since = f"application of payment {payment.number}", payment.received_date
        else:
            assert credit is not None
            what, since = f"application of credit {credit.document_number}", credit.document_date
        posting_date_check(on=on, what=what)
        if on < since:
            raise BillingError(
                BillingErrorCode.INVALID,
                f"{what} dated {on.isoformat()}, before {since.isoformat()}",
                field="on",
                fix=f"date it on or after {since.isoformat()}",
            )
        if payment is not None:
            apply_cash(plan, customer, payment, applications, on)
        else:
            assert credit is not None
            apply_credit(plan, customer, credit, applications, on)
        if not plan.apps:
            raise BillingConflict(
                BillingErrorCode.OVER_APPLIED,
                f"{what}: nothing to apply",
                field="applications",
                fix="there is no open invoice to apply to, or nothing left to apply",
            )
        reason = what
        if payment is not None:
            before = payment.unapplied
            payment.unapplied = before - plan.cash
            Payment.objects.filter(pk=payment.pk).update(unapplied=payment.unapplied)
            event_record(
                actor=actor,
                obj=payment,
                action="payment.applied",
                before={"unapplied": before},
                after={"unapplied": payment.unapplied},
            )
        _settle(actor, _write(actor, plan, reason), reason)
    return plan.apps


# --- by ids (the API and pages) --------------------------------------------------------------


def _items_by_ids(pairs: Sequence[tuple[int, Decimal]] | None) -> Applications | None:
    if pairs is None:
        return None
    found = Receivable.objects.in_bulk([pk for pk, _ in pairs])
    out: list[tuple[Receivable, Decimal]] = []
    for pk, amount in pairs:
        if pk not in found:
            raise BillingError(
                "reference_unknown",
                f"there is no open item with id {pk}",
                field="applications",
                fix="use the id of one of the customer's open items",
            )
        out.append((found[pk], amount))
    return out


def payment_record_by_ids(
    *,
    actor: Any,
    customer_id: int,
    amount: Decimal,
    received_date: dt.date,
    method: str = PaymentMethod.CHECK,
    reference: str = "",
    currency: str | None = None,
    apply_to: Sequence[tuple[int, Decimal]] | None = None,
) -> Payment:
    """`payment_record` with the customer and open items by id (unknown id: 422)."""
    require(actor, Capability.BILLING_POST)
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise BillingError(
            "reference_unknown",
            f"there is no customer with id {customer_id}",
            field="customer_id",
            fix="use the id of an existing customer",
        )
    return payment_record(
        actor=actor,
        customer=customer,
        amount=amount,
        received_date=received_date,
        method=method,
        reference=reference,
        currency=currency,
        apply_to=_items_by_ids(apply_to),
    )


def payment_apply_by_ids(
    *,
    actor: Any,
    payment_id: int | None = None,
    credit_id: int | None = None,
    applications: Sequence[tuple[int, Decimal]] | None = None,
    on: dt.date | None = None,
) -> list[PaymentApplication]:
    """`payment_apply` with the payment (or credit item) and open items by id; the payment
    or credit named in the path not found: 404."""
    require(actor, Capability.BILLING_POST)
    payment = credit = None
    if payment_id is not None:
        payment = Payment.objects.filter(pk=payment_id).first()
        if payment is None:
            raise NotFound("payment", payment_id)
    if credit_id is not None:
        credit = Receivable.objects.filter(pk=credit_id).first()
        if credit is None:
            raise NotFound("open item", credit_id)
    return payment_apply(
        actor=actor,
        payment=payment,
        credit=credit,
        applications=_items_by_ids(applications),
        on=on,
    )

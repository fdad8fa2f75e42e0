"""The customer ledger over REST: payments, ledger, aging, discrepancies, month-end.

Thin by rule: parse, call one service or selector, return. A portal user reads the ledger
and aging of their own customer (another customer's answer 404); payments, the reports
across customers and month-end are billing staff's.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router
from ninja.pagination import paginate

from orderdesk.core.apitools import CUSTOMER_SCOPED, Page, answers

from . import discrepancies, ledger, month_end, payments, selectors
from .schemas_ledger import (
    AgingOut,
    AgingReportOut,
    ApplicationOut,
    ApplyIn,
    DiscrepancyFilter,
    DiscrepancyOut,
    LedgerOut,
    MonthEndOut,
    PaymentFilter,
    PaymentIn,
    PaymentOut,
)

router = Router(tags=["ledger"])


def _pairs(items: Any) -> list[tuple[int, Any]] | None:
    return None if items is None else [(a.receivable_id, a.amount) for a in items]


@router.post(
    "/payments",
    response=answers(PaymentOut, status=201, write=True),
    summary="Record a payment received and apply it",
)
def payments_create(request: HttpRequest, payload: PaymentIn) -> Any:
    """Without `apply_to` the customer's open credit memos settle its invoices first, then
    the cash goes to the oldest due invoices, taking an early-payment discount when the
    cash covers it in time; what is left stays unapplied. 409 `over_applied` when an item
    no longer has that much open; 422 `period_closed` for a date in a closed period."""
    payment = payments.payment_record_by_ids(
        actor=request.user,
        customer_id=payload.customer_id,
        amount=payload.amount,
        received_date=payload.received_date,
        method=payload.method,
        reference=payload.reference,
        currency=payload.currency,
        apply_to=_pairs(payload.apply_to),
    )
    return 201, payment


@router.get("/payments", response=answers(list[PaymentOut]), summary="List payments")
@paginate(Page)
def payments_list(request: HttpRequest, filters: Query[PaymentFilter]) -> Any:
    return selectors.payment_list(user=request.user, **filters.dict())


@router.get("/payments/{payment_id}", response=answers(PaymentOut), summary="A payment")
def payments_read(request: HttpRequest, payment_id: int) -> Any:
    return selectors.payment_get(user=request.user, pk=payment_id)


@router.post(
    "/payments/{payment_id}/apply",
    response=answers(list[ApplicationOut], write=True),
    summary="Apply a payment's unapplied cash",
)
def payments_apply(request: HttpRequest, payment_id: int, payload: ApplyIn) -> Any:
    return payments.payment_apply_by_ids(
        actor=request.user,
        payment_id=payment_id,
        applications=_pairs(payload.applications),
        on=payload.on,
    )


@router.post(
    "/receivables/{receivable_id}/apply",
    response=answers(list[ApplicationOut], write=True),
    summary="Apply an open credit memo to invoices",
)
def credits_apply(request: HttpRequest, receivable_id: int, payload: ApplyIn) -> Any:
    return payments.payment_apply_by_ids(
        actor=request.user,
        credit_id=receivable_id,
        applications=_pairs(payload.applications),
        on=payload.on,
    )


@router.get(
    "/customers/{customer_id}/ledger",
    response=answers(LedgerOut),
    summary="A customer's ledger: balance, aging, open items, entries with running balance",
    openapi_extra=CUSTOMER_SCOPED,
)
def customers_ledger(
    request: HttpRequest,
    customer_id: int,
    start: dt.date | None = None,
    end: dt.date | None = None,
    as_of: dt.date | None = None,
) -> Any:
    return ledger.ledger_view(user=request.user, pk=customer_id, start=start, end=end, as_of=as_of)


@router.get(
    "/customers/{customer_id}/aging",
    response=answers(AgingOut),
    summary="A customer's aging buckets",
    openapi_extra=CUSTOMER_SCOPED,
)
def customers_aging(request: HttpRequest, customer_id: int, as_of: dt.date | None = None) -> Any:
    return ledger.customer_aging(
        user=request.user, pk=customer_id, as_of=as_of or timezone.localdate()
    )


@router.get(
    "/billing/aging",
    response=answers(AgingReportOut),
    summary="Aging of every customer with totals per currency",
)
def billing_aging(request: HttpRequest, as_of: dt.date | None = None) -> Any:
    return ledger.aging_report(user=request.user, as_of=as_of or timezone.localdate())


@router.get(
    "/billing/discrepancies",
    response=answers(list[DiscrepancyOut]),
    summary="Order lines where ordered, shipped and invoiced quantities disagree",
)
@paginate(Page)
def billing_discrepancies(request: HttpRequest, filters: Query[DiscrepancyFilter]) -> Any:
    return discrepancies.discrepancy_list(user=request.user, **filters.dict())


@router.get(
    "/billing/month-end",
    response=answers(MonthEndOut),
    summary="Month-end reconciliation report of a period",
)
def billing_month_end(request: HttpRequest, start: dt.date, end: dt.date) -> Any:
    return month_end.month_end_for(user=request.user, start=start, end=end)


def _export(request: HttpRequest, start: dt.date, end: dt.date, section: str, fmt: str) -> Any:
    data, content_type, name = month_end.month_end_export_for(
        user=request.user, start=start, end=end, section=section, fmt=fmt
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get(
    "/billing/month-end.csv",
    response=answers(None),
    summary="A month-end section as CSV",
)
def billing_month_end_csv(
    request: HttpRequest, start: dt.date, end: dt.date, section: str = "shipped-not-invoiced"
) -> Any:
    return _export(request, start, end, section, "csv")


@router.get(
    "/billing/month-end.xlsx",
    response=answers(None),
    summary="A month-end section as XLSX",
)
def billing_month_end_xlsx(
    request: HttpRequest, start: dt.date, end: dt.date, section: str = "shipped-not-invoiced"
) -> Any:
    return _export(request, start, end, section, "xlsx")

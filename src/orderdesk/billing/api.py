"""Invoices, credit memos and the period cut-off over REST.

Thin by rule: parse, call one service or selector, return. Portal users read their own
customer's invoices and credit memos (another customer's answer 404); posting is billing's.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.pagination import paginate

from orderdesk.core.apitools import CUSTOMER_SCOPED, Page, answers

from . import credit_memos, invoicing, periods, selectors_docs
from .schemas import (
    CreditMemoFilter,
    CreditMemoIn,
    CreditMemoOut,
    CreditMemoSummaryOut,
    InvoiceFilter,
    InvoiceOrderIn,
    InvoiceOut,
    InvoiceSummaryOut,
    PeriodIn,
    PeriodOut,
)

router = Router(tags=["billing"])


def _pdf(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@router.get(
    "/invoices",
    response=answers(list[InvoiceSummaryOut]),
    summary="List invoices",
    openapi_extra=CUSTOMER_SCOPED,
)
@paginate(Page)
def invoices_list(request: HttpRequest, filters: Query[InvoiceFilter]) -> Any:
    return selectors_docs.invoice_list(user=request.user, **filters.dict())


@router.get(
    "/invoices/{invoice_id}",
    response=answers(InvoiceOut),
    summary="Invoice with lines, charges, credit memos and open amount",
    openapi_extra=CUSTOMER_SCOPED,
)
def invoices_read(request: HttpRequest, invoice_id: int) -> Any:
    return selectors_docs.invoice_get(user=request.user, pk=invoice_id)


@router.get(
    "/invoices/{invoice_id}/pdf",
    response=answers(None),
    summary="An invoice as PDF",
    openapi_extra=CUSTOMER_SCOPED,
)
def invoices_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors_docs.invoice_get(user=request.user, pk=invoice_id)
    from .documents import invoice_pdf

    return _pdf(invoice_pdf(invoice_id=invoice.pk), f"{invoice.number}.pdf")


@router.post(
    "/orders/{order_id}/invoice",
    response=answers(list[InvoiceOut], status=201, write=True),
    summary="Invoice what the order shipped and is not invoiced yet",
)
def orders_invoice(request: HttpRequest, order_id: int, payload: InvoiceOrderIn) -> Any:
    """One invoice per shipment with shipped-not-invoiced quantities (for desks that
    invoice by hand); ordered but unshipped quantities are never invoiced. 422
    `nothing_to_invoice` when everything shipped is invoiced already."""
    return 201, invoicing.invoice_for_order_by_id(
        actor=request.user, order_id=order_id, invoice_date=payload.invoice_date
    )


@router.get(
    "/credit-memos",
    response=answers(list[CreditMemoSummaryOut]),
    summary="List credit memos",
    openapi_extra=CUSTOMER_SCOPED,
)
@paginate(Page)
def credit_memos_list(request: HttpRequest, filters: Query[CreditMemoFilter]) -> Any:
    return selectors_docs.credit_memo_list(user=request.user, **filters.dict())


@router.get(
    "/credit-memos/{memo_id}",
    response=answers(CreditMemoOut),
    summary="Credit memo with its lines",
    openapi_extra=CUSTOMER_SCOPED,
)
def credit_memos_read(request: HttpRequest, memo_id: int) -> Any:
    return selectors_docs.credit_memo_get(user=request.user, pk=memo_id)


@router.get(
    "/credit-memos/{memo_id}/pdf",
    response=answers(None),
    summary="A credit memo as PDF",
    openapi_extra=CUSTOMER_SCOPED,
)
def credit_memos_pdf(request: HttpRequest, memo_id: int) -> HttpResponse:
    memo = selectors_docs.credit_memo_get(user=request.user, pk=memo_id)
    from .documents import credit_memo_pdf

    return _pdf(credit_memo_pdf(memo_id=memo.pk), f"{memo.number}.pdf")


@router.post(
    "/invoices/{invoice_id}/credit-memos",
    response=answers(CreditMemoOut, status=201, write=True),
    summary="Credit lines (base quantities) and charges of an invoice",
)
def invoices_credit(request: HttpRequest, invoice_id: int, payload: CreditMemoIn) -> Any:
    """Each line at the invoice line's own amounts; at most what is invoiced and not yet
    credited (422 `over_credit` naming the line, nothing written). A restocking fee % is
    kept off the goods, untaxed. The memo is applied at once to what is open on the
    invoice."""
    return 201, credit_memos.credit_memo_create_by_ids(
        actor=request.user,
        invoice_id=invoice_id,
        lines=[(ln.invoice_line_id, ln.quantity) for ln in payload.lines],
        charges=[(c.invoice_charge_id, c.amount) for c in payload.charges],
        reason=payload.reason,
        reference=payload.reference,
        fee_percent=payload.fee_percent,
        memo_date=payload.memo_date,
    )


@router.get(
    "/billing/period",
    response=answers(PeriodOut),
    summary="The period cut-off in force and its history",
)
def period_read(request: HttpRequest) -> Any:
    return periods.period_state(user=request.user)


@router.post(
    "/billing/period-close",
    response=answers(PeriodOut, write=True),
    summary="Close the books through a date: no posting dated on or before it",
)
def period_close(request: HttpRequest, payload: PeriodIn) -> Any:
    periods.period_close(actor=request.user, through=payload.through, reason=payload.reason)
    return periods.period_state(user=request.user)


@router.post(
    "/billing/period-reopen",
    response=answers(PeriodOut, write=True),
    summary="Move the cut-off back to a date, with a reason",
)
def period_reopen(request: HttpRequest, payload: PeriodIn) -> Any:
    periods.period_reopen(actor=request.user, through=payload.through, reason=payload.reason)
    return periods.period_state(user=request.user)

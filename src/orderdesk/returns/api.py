"""Returns and recalls over REST. Thin by rule: parse, call one service or selector, return.

Portal users ask for returns of their own orders and follow them (another customer's RMA
or order is 404); deciding, receiving and crediting are the desk's. Recall look-ups and
quality holds are for staff only.
"""

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.pagination import paginate

from orderdesk.core.apitools import CUSTOMER_SCOPED, Page, answers
from orderdesk.core.errors import Forbidden
from orderdesk.core.roles import Capability, is_portal, require

from . import commands, recall, selectors
from .schemas import (
    CreditIn,
    CreditOut,
    ExchangeOut,
    LotOut,
    ReasonIn,
    RecallFilter,
    ReceiptIn,
    ReceiptOut,
    RmaFilter,
    RmaIn,
    RmaOut,
    RmaSummaryOut,
    TraceOut,
)

router = Router(tags=["returns"])


def _staff_only(func: Callable[..., Any]) -> Callable[..., Any]:
    """Recall look-ups show every customer a lot reached: staff only, checked before any
    query runs."""

    @functools.wraps(func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        require(request.user, Capability.ORDER_VIEW)
        if is_portal(request.user):
            raise Forbidden("recall look-ups are for the desk (order_view, staff)")
        return func(request, *args, **kwargs)

    return wrapper


def _rma(request: HttpRequest, pk: int) -> Any:
    return selectors.rma_get(user=request.user, pk=pk)


@router.post(
    "/rmas",
    response=answers(RmaOut, status=201, write=True),
    summary="Ask for a return",
    openapi_extra=CUSTOMER_SCOPED,
)
def rmas_create(request: HttpRequest, payload: RmaIn) -> Any:
    """Checked against what shipped and the customer's return policy. More than shipped
    (less what other RMAs ask back), nothing shipped or a lot that did not ship on the line
    is a 422 with the fix; outside the window or a non-returnable item makes the RMA with
    `policy_findings` for a coordinator to decide. Portal users: their own orders only."""
    rma = commands.rma_request_by_body(actor=request.user, body=payload.dict())
    return 201, _rma(request, rma.pk)


@router.get(
    "/rmas",
    response=answers(list[RmaSummaryOut]),
    summary="List RMAs",
    openapi_extra=CUSTOMER_SCOPED,
)
@paginate(Page)
def rmas_list(request: HttpRequest, filters: Query[RmaFilter]) -> Any:
    return selectors.rma_list(user=request.user, **filters.dict())


@router.get(
    "/rmas/{rma_id}",
    response=answers(RmaOut),
    summary="RMA with lines, policy findings and receipts",
    openapi_extra=CUSTOMER_SCOPED,
)
def rmas_read(request: HttpRequest, rma_id: int) -> Any:
    return _rma(request, rma_id)


@router.post(
    "/rmas/{rma_id}/approve",
    response=answers(RmaOut, write=True),
    summary="Approve (a reason overrides policy findings)",
)
def rmas_approve(request: HttpRequest, rma_id: int, payload: ReasonIn) -> Any:
    rma = commands.rma_approve_by_id(actor=request.user, pk=rma_id, reason=payload.reason)
    return _rma(request, rma.pk)


@router.post("/rmas/{rma_id}/reject", response=answers(RmaOut, write=True), summary="Reject")
def rmas_reject(request: HttpRequest, rma_id: int, payload: ReasonIn) -> Any:
    rma = commands.rma_reject_by_id(actor=request.user, pk=rma_id, reason=payload.reason)
    return _rma(request, rma.pk)


@router.post(
    "/rmas/{rma_id}/cancel",
    response=answers(RmaOut, write=True),
    summary="Cancel before the goods come back",
)
def rmas_cancel(request: HttpRequest, rma_id: int, payload: ReasonIn) -> Any:
    rma = commands.rma_cancel_by_id(actor=request.user, pk=rma_id, reason=payload.reason)
    return _rma(request, rma.pk)


@router.post("/rmas/{rma_id}/close", response=answers(RmaOut, write=True), summary="Close")
def rmas_close(request: HttpRequest, rma_id: int, payload: ReasonIn) -> Any:
    rma = commands.rma_close_by_id(actor=request.user, pk=rma_id, reason=payload.reason)
    return _rma(request, rma.pk)


@router.post(
    "/rmas/{rma_id}/receipts",
    response=answers(ReceiptOut, status=201, write=True),
    summary="Receive returned goods with condition and disposition",
)
def rmas_receive(request: HttpRequest, rma_id: int, payload: ReceiptIn) -> Any:
    """Restock puts the quantity back through the stock ledger (and lets backorders take
    it); scrap, repair and return to vendor add no sellable stock."""
    return 201, commands.rma_receive_by_body(actor=request.user, pk=rma_id, body=payload.dict())


@router.post(
    "/rmas/{rma_id}/credit",
    response=answers(CreditOut, status=201, write=True),
    summary="Credit what came back (credit memo against the original invoice)",
)
def rmas_credit(request: HttpRequest, rma_id: int, payload: CreditIn) -> Any:
    """409 when nothing was received since the last credit: nothing is credited twice."""
    return 201, commands.rma_credit_by_id(
        actor=request.user, pk=rma_id, memo_date=payload.memo_date
    )


@router.post(
    "/rmas/{rma_id}/exchange",
    response=answers(ExchangeOut, status=201, write=True),
    summary="Credit what came back and place the replacement order",
)
def rmas_exchange(request: HttpRequest, rma_id: int, payload: CreditIn) -> Any:
    memo, order = commands.rma_exchange_by_id(
        actor=request.user, pk=rma_id, memo_date=payload.memo_date
    )
    return 201, {
        "credit_memo": memo,
        "replacement_order_id": order.pk,
        "replacement_order_number": order.number,
        "replacement_order_status": order.status,
    }


@router.get("/recall", response=answers(TraceOut), summary="Trace a lot or serial number")
@_staff_only
def recall_trace(request: HttpRequest, filters: Query[RecallFilter]) -> Any:
    """Every shipment that carried it, with order, customer and contacts, ship-to, invoices
    and returns; the stock still on hand and whether the lot is on quality hold."""
    return recall.trace(number=filters.number, item=filters.item or None)


def _export(filters: RecallFilter, format: str) -> HttpResponse:
    content, filename, content_type = recall.recall_export(
        number=filters.number, item=filters.item or None, format=format
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get("/recall/export.csv", response=answers(None), summary="Recall notification list as CSV")
@_staff_only
def recall_export_csv(request: HttpRequest, filters: Query[RecallFilter]) -> HttpResponse:
    return _export(filters, "csv")


@router.get(
    "/recall/export.xlsx", response=answers(None), summary="Recall notification list as XLSX"
)
@_staff_only
def recall_export_xlsx(request: HttpRequest, filters: Query[RecallFilter]) -> HttpResponse:
    return _export(filters, "xlsx")


@router.post(
    "/lots/{lot_id}/hold",
    response=answers(LotOut, write=True),
    summary="Put a lot on quality hold (blocks allocation and shipping)",
)
def lots_hold(request: HttpRequest, lot_id: int, payload: ReasonIn) -> Any:
    return commands.lot_hold_by_id(actor=request.user, pk=lot_id, reason=payload.reason)

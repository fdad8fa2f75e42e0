"""Sales orders over REST: intake with Idempotency-Key, the exception queue's actions, reads.

Thin by rule: each handler parses, calls one service or selector, and returns what it got.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Header, Query, Router
from ninja.pagination import paginate

from orderdesk.core.apitools import CUSTOMER_SCOPED, Page, answers

from . import selectors, submit
from .schemas import (
    ChangeIn,
    ChangeResultOut,
    EventOut,
    MoveIn,
    OrderFilter,
    OrderIn,
    OrderOut,
    OrderSummaryOut,
    ReasonIn,
)

router = Router(tags=["orders"])


@router.post(
    "/orders",
    response=answers(OrderOut, status=201, write=True) | {200: OrderOut},
    summary="Place an order",
    openapi_extra=CUSTOMER_SCOPED,
)
def orders_create(
    request: HttpRequest,
    payload: OrderIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Any:
    """One intake for every channel. Send an `Idempotency-Key` (a UUID) so that a retry
    never makes a second order: the same key and body answer the same; the same key with
    another body is a 422; while the first request runs, a twin gets 409.

    The order comes back accepted (priced, allocated, acknowledged) or held, with each
    finding's message and suggested fix. 200 instead of 201: this PO with these lines was
    received before, and this is that order."""
    status, body = submit.order_submit_api(
        actor=request.user, body=payload.dict(), idempotency_key=idempotency_key
    )
    # The body is the stored answer (a replay answers byte for byte the same), already JSON.
    return JsonResponse(body, status=status)


@router.get(
    "/orders",
    response=answers(list[OrderSummaryOut]),
    summary="List orders",
    openapi_extra=CUSTOMER_SCOPED,
)
@paginate(Page)
def orders_list(request: HttpRequest, filters: Query[OrderFilter]) -> Any:
    return selectors.order_list(user=request.user, **filters.dict())


@router.get(
    "/orders/{order_id}",
    response=answers(OrderOut),
    summary="Order with lines, allocations, findings and acknowledgements",
    openapi_extra=CUSTOMER_SCOPED,
)
def orders_read(request: HttpRequest, order_id: int) -> Any:
    return selectors.order_get(user=request.user, pk=order_id)


@router.get(
    "/orders/{order_id}/events",
    response=answers(list[EventOut]),
    summary="The order's timeline",
)
def orders_events(request: HttpRequest, order_id: int) -> Any:
    return selectors.order_events_for(user=request.user, pk=order_id)


@router.post(
    "/orders/{order_id}/revalidate",
    response=answers(OrderOut, write=True),
    summary="Run every rule again",
)
def orders_revalidate(request: HttpRequest, order_id: int) -> Any:
    return submit.order_revalidate_by_id(actor=request.user, pk=order_id)


@router.post(
    "/orders/{order_id}/findings/{finding_id}/override",
    response=answers(OrderOut, write=True),
    summary="Override a hold with a reason",
)
def findings_override(
    request: HttpRequest, order_id: int, finding_id: int, payload: ReasonIn
) -> Any:
    """Credit holds need the billing or manager role; blocks cannot be overridden."""
    return submit.finding_override_by_id(
        actor=request.user, order_id=order_id, pk=finding_id, reason=payload.reason
    )


@router.post(
    "/orders/{order_id}/findings/{finding_id}/fix",
    response=answers(OrderOut, write=True),
    summary="Apply the suggested fix and re-validate",
)
def findings_fix(request: HttpRequest, order_id: int, finding_id: int) -> Any:
    return submit.finding_fix_by_id(actor=request.user, order_id=order_id, pk=finding_id)


@router.post(
    "/orders/{order_id}/release",
    response=answers(OrderOut, write=True),
    summary="Release from hold (override every open hold) with a reason",
)
def orders_release(request: HttpRequest, order_id: int, payload: ReasonIn) -> Any:
    return submit.order_release_by_id(actor=request.user, pk=order_id, reason=payload.reason)


@router.post(
    "/orders/{order_id}/cancel",
    response=answers(OrderOut, write=True),
    summary="Cancel the order with a reason",
)
def orders_cancel(request: HttpRequest, order_id: int, payload: ReasonIn) -> Any:
    return submit.order_cancel_by_id(actor=request.user, pk=order_id, reason=payload.reason)


@router.post(
    "/orders/{order_id}/changes",
    response=answers(ChangeResultOut, write=True),
    summary="Change quantities, dates or lines, add lines, cancel lines",
)
def orders_change(request: HttpRequest, order_id: int, payload: ChangeIn) -> Any:
    """Touched lines are re-validated and re-allocated and the customer gets a new
    acknowledgement revision. A change worth more than the customer's approval threshold
    waits for approval (`pending_change`) unless your role may approve it."""
    return submit.order_change_by_id(actor=request.user, pk=order_id, body=payload.dict())


@router.post(
    "/orders/{order_id}/changes/{change_id}/approve",
    response=answers(ChangeResultOut, write=True),
    summary="Approve a change waiting for approval",
)
def changes_approve(request: HttpRequest, order_id: int, change_id: int, payload: ReasonIn) -> Any:
    return submit.order_change_decide_by_id(
        actor=request.user, order_id=order_id, pk=change_id, approve=True, reason=payload.reason
    )


@router.post(
    "/orders/{order_id}/changes/{change_id}/reject",
    response=answers(ChangeResultOut, write=True),
    summary="Reject a change waiting for approval",
)
def changes_reject(request: HttpRequest, order_id: int, change_id: int, payload: ReasonIn) -> Any:
    return submit.order_change_decide_by_id(
        actor=request.user, order_id=order_id, pk=change_id, approve=False, reason=payload.reason
    )


@router.post(
    "/orders/{order_id}/lines/{line_no}/expedite",
    response=answers(OrderOut, write=True),
    summary="Expedite a line: first in the queue, allocated now if stock allows",
)
def lines_expedite(request: HttpRequest, order_id: int, line_no: int, payload: ReasonIn) -> Any:
    return submit.line_action_by_no(
        actor=request.user,
        order_id=order_id,
        line_no=line_no,
        action="expedite",
        reason=payload.reason,
    )


@router.post(
    "/orders/{order_id}/lines/{line_no}/decommit",
    response=answers(OrderOut, write=True),
    summary="Give a line's stock back (it waits as a backorder)",
)
def lines_decommit(request: HttpRequest, order_id: int, line_no: int, payload: ReasonIn) -> Any:
    return submit.line_action_by_no(
        actor=request.user,
        order_id=order_id,
        line_no=line_no,
        action="decommit",
        reason=payload.reason,
    )


@router.post(
    "/orders/{order_id}/lines/{line_no}/move",
    response=answers(OrderOut, write=True),
    summary="Serve a line from another warehouse",
)
def lines_move(request: HttpRequest, order_id: int, line_no: int, payload: MoveIn) -> Any:
    return submit.line_action_by_no(
        actor=request.user,
        order_id=order_id,
        line_no=line_no,
        action="move",
        reason=payload.reason,
        warehouse=payload.warehouse,
    )


@router.get(
    "/orders/{order_id}/acknowledgements/{revision}",
    response=answers(dict),
    summary="An acknowledgement as data (what EDI 855 is made from)",
    openapi_extra=CUSTOMER_SCOPED,
)
def acks_read(request: HttpRequest, order_id: int, revision: int) -> Any:
    return selectors.ack_get(user=request.user, order_id=order_id, revision=revision).data


@router.get(
    "/orders/{order_id}/acknowledgements/{revision}/pdf",
    response=answers(None),
    summary="An acknowledgement as PDF",
    openapi_extra=CUSTOMER_SCOPED,
)
def acks_pdf(request: HttpRequest, order_id: int, revision: int) -> HttpResponse:
    ack = selectors.ack_get(user=request.user, order_id=order_id, revision=revision)
    from .documents import acknowledgement_pdf

    pdf = acknowledgement_pdf(ack_id=ack.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{ack.order.number}-ack-{ack.revision}.pdf"'
    )
    return response

"""The order page's actions: change the order, approve or reject a change that waits for
approval, expedite / decommit / move a line, cancel the order.

Each is one service call. Done, it redirects to the order page with a message saying what
happened (a new acknowledgement revision, a change waiting for approval); refused, it shows
the order page again with the error next to the form that sent it and what was typed.
Portal users change nothing here: they are refused before any service is called.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from orderdesk.core.errors import DomainError, Forbidden, NotFound
from orderdesk.core.roles import Capability
from orderdesk.web.templatetags.desk import amount, qty

from . import selectors, submit
from .forms import (
    LINE_ACTIONS,
    NOTHING_CHANGED,
    LineActionForm,
    ReasonForm,
    change_body,
    change_forms,
    change_show_error,
    error_text,
)
from .models import SalesOrder
from .states import OrderStatus
from .views import call, need
from .views_order import LINES_PER_PAGE, PageState, detail_context


def _again(request: HttpRequest, order: SalesOrder, state: PageState) -> HttpResponse:
    """The order page with the refused form; the order is read again (nothing changed)."""
    order = call(selectors.order_get, user=request.user, pk=order.pk)
    return render(request, "orders/detail.html", detail_context(request, order, state))


def _to_page(order: SalesOrder, anchor: str = "") -> HttpResponse:
    response = redirect("orders:detail", pk=order.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _run(fn: Any, **kwargs: Any) -> tuple[Any, DomainError | None]:
    """A service call: (result, None) or (None, the refusal). Not found and not allowed are
    404 and 403, as for any page, except a value typed on the form that names nothing (a
    warehouse code): that is the form's error."""
    try:
        return fn(**kwargs), None
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except NotFound as exc:
        if exc.field:
            return None, exc
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return None, exc


def _reason_error(form: ReasonForm) -> str:
    return " ".join(str(e) for e in form.errors.get("reason", []))


def _ack_link(order: SalesOrder) -> Any:
    url = reverse("orders:ack_preview", args=[order.pk, order.revision])
    return format_html(
        '<a href="{}" target="_blank" rel="noopener">revision {}</a>', url, order.revision
    )


# --- change ---------------------------------------------------------------------------------


@login_required
@require_POST
def order_change_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply the change form: only what the clerk changed is sent; the service decides
    whether it applies now or waits for approval."""
    user = request.user
    need(user, Capability.ORDER_ENTRY, portal=False)
    order = call(selectors.order_get, user=user, pk=pk)
    lines = list(order.lines.all())
    if request.GET.get("lines") != "all":
        lines = lines[:LINES_PER_PAGE]
    forms = change_forms(
        [ln for ln in lines if ln.qty_remaining > 0],
        requested_date=order.requested_date,
        notes=order.notes,
        data=request.POST,
    )
    if forms.is_valid():
        body = change_body(forms)
        if body is None:
            forms.header.add_error(None, NOTHING_CHANGED)
        else:
            before = order.revision
            result, error = _run(submit.order_change_by_id, actor=user, pk=pk, body=body)
            if error is None:
                _say_changed(request, result, before)
                anchor = "pending" if result["pending_change"] is not None else ""
                return _to_page(result["order"], anchor)
            change_show_error(forms, error)
    return _again(request, order, PageState(change=forms))


def _say_changed(request: HttpRequest, result: dict[str, Any], revision_before: int) -> None:
    order: SalesOrder = result["order"]
    pending = result["pending_change"]
    if pending is not None:
        delta = Decimal(pending.value_delta)
        sign = "+" if delta > 0 else ""
        messages.warning(
            request,
            f"The change is worth {sign}{amount(delta, order.currency)} {order.currency}, above "
            "what this customer's orders may change without approval: it waits for a "
            "coordinator or manager to approve it. Nothing is changed yet.",
        )
        return
    if order.status == OrderStatus.CANCELLED:
        messages.success(request, f"Every line is cancelled: order {order.number} is cancelled.")
    elif order.status == OrderStatus.HELD:
        url = reverse("orders:exception", args=[order.pk])
        messages.warning(
            request,
            format_html(
                'Order {} is changed and on hold: <a href="{}">resolve the hold</a>.',
                order.number,
                url,
            ),
        )
    elif order.revision > revision_before:
        messages.success(
            request,
            format_html(
                "Order {} is changed: the customer is sent acknowledgement {}.",
                order.number,
                _ack_link(order),
            ),
        )
    else:
        messages.success(
            request, f"Order {order.number} is changed: it is {order.get_status_display().lower()}."
        )


# --- approve or reject ----------------------------------------------------------------------


def _decide(request: HttpRequest, pk: int, change_id: int, *, approve: bool) -> HttpResponse:
    user = request.user
    need(user, Capability.ORDER_APPROVE, portal=False)
    order = call(selectors.order_get, user=user, pk=pk)
    form = ReasonForm(request.POST)
    reason = request.POST.get("reason", "")
    if not form.is_valid():
        return _again(request, order, PageState(decide=(change_id, _reason_error(form), reason)))
    before = order.revision
    result, error = _run(
        submit.order_change_decide_by_id,
        actor=user,
        order_id=pk,
        pk=change_id,
        approve=approve,
        reason=form.cleaned_data["reason"],
    )
    if error is not None:
        return _again(request, order, PageState(decide=(change_id, error_text(error), reason)))
    if approve:
        _say_changed(request, result, before)
    else:
        messages.success(request, f"The change to order {order.number} is rejected.")
    return _to_page(result["order"], "changes")


@login_required
@require_POST
def change_approve_action(request: HttpRequest, pk: int, change_id: int) -> HttpResponse:
    return _decide(request, pk, change_id, approve=True)


@login_required
@require_POST
def change_reject_action(request: HttpRequest, pk: int, change_id: int) -> HttpResponse:
    return _decide(request, pk, change_id, approve=False)


# --- a line's allocation actions ------------------------------------------------------------

_DONE = {
    "expedite": "expedited (rush, first in line) and allocated what stock allows",
    "decommit": "decommitted: its stock is given back and it waits as a backorder",
    "move": "moved",
}


@login_required
@require_POST
def line_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Expedite, decommit or move one line to another warehouse, with a reason."""
    user = request.user
    need(user, Capability.ORDER_ALLOCATE, portal=False)
    order = call(selectors.order_get, user=user, pk=pk)
    form = LineActionForm(request.POST)
    if form.is_valid():
        c = form.cleaned_data
        result, error = _run(
            submit.line_action_by_no,
            actor=user,
            order_id=pk,
            line_no=c["line_no"],
            action=c["action"],
            reason=c["reason"],
            warehouse=c.get("warehouse") or "",
        )
        if error is None:
            messages.success(request, _line_done(result, c["line_no"], c["action"]))
            return _to_page(result, f"line-{c['line_no']}")
        field = error.field if error.field in ("warehouse", "reason") else None
        form.add_error(field, error_text(error))
    return _again(request, order, PageState(line_action=form))


def _line_done(order: SalesOrder, line_no: int, action: str) -> str:
    line = next((ln for ln in order.lines.all() if ln.line_no == line_no), None)
    what = _DONE.get(action, dict(LINE_ACTIONS).get(action, action))
    if line is None:
        return f"Line {line_no} is {what}."
    if action == "move" and line.warehouse is not None:
        what = f"moved to {line.warehouse.code}"
    state = (
        f"{qty(line.qty_allocated)} allocated, {qty(line.qty_backordered)} backordered"
        if line.qty_allocated or line.qty_backordered
        else line.get_status_display().lower()
    )
    return f"Line {line_no} {line.sku} is {what}. Now {state}."


# --- cancel ---------------------------------------------------------------------------------


@login_required
@require_POST
def order_cancel_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel the whole order from its page (the exception screen has its own button)."""
    user = request.user
    need(user, Capability.ORDER_ENTRY, portal=False)
    order = call(selectors.order_get, user=user, pk=pk)
    form = ReasonForm(request.POST)
    reason = request.POST.get("reason", "")
    if not form.is_valid():
        state = PageState(cancel_error=_reason_error(form), cancel_reason=reason)
        return _again(request, order, state)
    result, error = _run(
        submit.order_cancel_by_id, actor=user, pk=pk, reason=form.cleaned_data["reason"]
    )
    if error is not None:
        return _again(
            request, order, PageState(cancel_error=error_text(error), cancel_reason=reason)
        )
    messages.success(request, f"Order {result.number} is cancelled; the stock it held is free.")
    return _to_page(result)

"""The RMA page's actions: approve or reject (with a reason), cancel, receive with
condition and disposition per line, credit, exchange, close.

Each is one command. Done, it redirects to the RMA page with a message saying what
happened; refused, it shows the RMA page again with the error at the form that sent it
and what was typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from orderdesk.core.roles import Capability
from orderdesk.web.templatetags.desk import amount

from . import commands, selectors
from .models import ReturnAuthorization
from .views import PageState, call, detail_context, error_text, need, run, url_or_none


def _again(request: HttpRequest, pk: int, state: PageState) -> HttpResponse:
    rma = call(selectors.rma_get, user=request.user, pk=pk)
    return render(request, "returns/detail.html", detail_context(request, rma, state))


def _reason_action(
    request: HttpRequest,
    pk: int,
    at: str,
    command: Callable[..., ReturnAuthorization],
    done: str,
) -> HttpResponse:
    need(request.user, Capability.ORDER_VIEW)
    reason = request.POST.get("reason", "").strip()
    rma, exc = run(command, actor=request.user, pk=pk, reason=reason)
    if exc is not None:
        return _again(request, pk, PageState(at=at, error=error_text(exc), reason=reason))
    messages.success(request, done.format(number=rma.number))
    return redirect("returns:rma_detail", pk=pk)


@login_required
@require_POST
def rma_approve_action(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_action(
        request,
        pk,
        "decide",
        commands.rma_approve_by_id,
        "Return {number} is approved; the customer is told where to send the goods.",
    )


@login_required
@require_POST
def rma_reject_action(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_action(
        request,
        pk,
        "decide",
        commands.rma_reject_by_id,
        "Return {number} is rejected; the customer is told why.",
    )


@login_required
@require_POST
def rma_cancel_action(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_action(
        request, pk, "cancel", commands.rma_cancel_by_id, "Return {number} is cancelled."
    )


@login_required
@require_POST
def rma_close_action(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_action(
        request, pk, "close", commands.rma_close_by_id, "Return {number} is closed."
    )


def _receive_body(request: HttpRequest) -> dict[str, Any]:
    """The receive form as the command's body: one line per RMA line with a quantity."""
    post = request.POST
    lines = []
    for key in post:
        if not (key.startswith("line-") and key.endswith("-quantity")):
            continue
        line_no = key[len("line-") : -len("-quantity")]
        quantity = post.get(key, "").strip()
        if not line_no.isdigit() or not quantity or quantity in ("0", "0.0"):
            continue
        p = f"line-{line_no}"
        vendor = post.get(f"{p}-vendor", "").strip()
        lines.append(
            {
                "line_no": int(line_no),
                "quantity": quantity,
                "lot": post.get(f"{p}-lot", ""),
                "condition": post.get(f"{p}-condition", ""),
                "disposition": post.get(f"{p}-disposition", ""),
                "notes": post.get(f"{p}-notes", ""),
                "vendor_id": int(vendor) if vendor.isdigit() else None,
            }
        )
    received_on = post.get("received_on", "").strip()
    return {
        "warehouse_id": post.get("warehouse", ""),
        "received_on": dt.date.fromisoformat(received_on) if received_on else None,
        "lines": lines,
    }


@login_required
@require_POST
def rma_receive_action(request: HttpRequest, pk: int) -> HttpResponse:
    need(request.user, Capability.RETURN_RECEIVE, portal=False)
    typed = {k: str(v) for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    try:
        body = _receive_body(request)
        if not str(body["warehouse_id"]).isdigit():
            raise ValueError("pick the warehouse the goods came into")
        if not body["lines"]:
            raise ValueError("type the quantity received on at least one line")
    except ValueError as exc:
        text = str(exc)
        if text.startswith("Invalid isoformat"):
            text = "the received date is not a date: use YYYY-MM-DD"
        state = PageState(at="receive", error=text[:1].upper() + text[1:], receive=typed)
        return _again(request, pk, state)
    receipt, exc2 = run(commands.rma_receive_by_body, actor=request.user, pk=pk, body=body)
    if exc2 is not None:
        state = PageState(at="receive", error=error_text(exc2), receive=typed)
        return _again(request, pk, state)
    messages.success(
        request,
        f"Receipt {receipt.number}: {len(body['lines'])} line"
        f"{'' if len(body['lines']) == 1 else 's'} received.",
    )
    return redirect("returns:rma_detail", pk=pk)


def _memo_link(memo: Any) -> Any:
    url = url_or_none("billing:credit_memo_detail", memo.pk)
    text = f"{memo.number} ({amount(memo.total, memo.currency)} {memo.currency})"
    return format_html('<a href="{}">{}</a>', url, text) if url else text


@login_required
@require_POST
def rma_credit_action(request: HttpRequest, pk: int) -> HttpResponse:
    need(request.user, Capability.RETURN_APPROVE, portal=False)
    memo, exc = run(commands.rma_credit_by_id, actor=request.user, pk=pk)
    if exc is not None:
        return _again(request, pk, PageState(at="credit", error=error_text(exc)))
    messages.success(request, format_html("Credit memo {} issued.", _memo_link(memo)))
    return redirect("returns:rma_detail", pk=pk)


@login_required
@require_POST
def rma_exchange_action(request: HttpRequest, pk: int) -> HttpResponse:
    need(request.user, Capability.RETURN_APPROVE, portal=False)
    result, exc = run(commands.rma_exchange_by_id, actor=request.user, pk=pk)
    if exc is not None:
        return _again(request, pk, PageState(at="credit", error=error_text(exc)))
    memo, order = result
    messages.success(
        request,
        format_html(
            "Credit memo {} issued and replacement order {} placed ({}).",
            _memo_link(memo),
            order.number,
            order.get_status_display().lower(),
        ),
    )
    return redirect("returns:rma_detail", pk=pk)

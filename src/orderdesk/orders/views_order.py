"""The order page: header, lines with buckets, price trace and allocations, charges and
totals, findings, acknowledgements (PDF and HTML preview) and the timeline; for the desk
also the change form, the changes waiting for approval, the change log, a line's
allocation actions and Cancel. A fixed number of queries at any size.

The forms post to `views_order_actions`, which shows this page again (`detail_context`)
with the error next to the form when an action is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from orderdesk.core.roles import Capability, has_capability, is_portal
from orderdesk.web.templatetags.desk import qty

from . import page_queries, selectors
from .documents import acknowledgement_html, acknowledgement_pdf
from .forms import ChangeForms, LineActionForm, change_forms
from .models import ChangeStatus, OrderChange, SalesOrder, SalesOrderLine
from .states import ALLOCATABLE, CHANGEABLE, FindingStatus, OrderStatus
from .views import call, need

#: Lines shown before "Show all": a 1,000-line EDI order still opens at once.
LINES_PER_PAGE = 200
#: Timeline entries shown before "Show all" (the newest).
EVENTS_SHOWN = 100
#: The acknowledgement preview loads nothing from outside the document (it is the PDF's
#: source, self-contained); customer text in it cannot run script either.
PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"


@dataclass
class PendingRow:
    """A change waiting for approval, in words; `error` / `reason` after a refused decision."""

    change: OrderChange
    words: list[str]
    error: str = ""
    reason: str = ""


@dataclass
class LogRow:
    change: OrderChange
    words: list[str]


@dataclass
class PageState:
    """What an action posted back, when it was refused: the forms with their errors."""

    change: ChangeForms | None = None
    line_action: LineActionForm | None = None
    #: a refused approve / reject: the change's id, the error and the reason typed
    decide: tuple[int, str, str] | None = None
    cancel_error: str = ""
    cancel_reason: str = ""
    errors: list[str] = field(default_factory=list)


@login_required
@require_GET
def order_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The order page; `?change=open` opens the change form, `?line=3` the allocation
    actions of line 3 (the links that do so without JavaScript)."""
    user = request.user
    need(user, Capability.ORDER_VIEW)
    order = call(selectors.order_get, user=user, pk=pk)
    return render(request, "orders/detail.html", detail_context(request, order))


def detail_context(
    request: HttpRequest, order: SalesOrder, state: PageState | None = None
) -> dict[str, Any]:
    user = request.user
    state = state or PageState()
    lines = list(order.lines.all())
    show_all = request.GET.get("lines") == "all"
    shown = lines if show_all else lines[:LINES_PER_PAGE]
    portal = is_portal(user)
    # The timeline is the desk's record (who overrode what, and why): not the customer's.
    events, more_events = (
        ([], False) if portal else _timeline(user, order, request.GET.get("events") == "all")
    )
    findings = list(order.findings.all())
    context: dict[str, Any] = {
        "order": order,
        "lines": shown,
        "line_count": len(lines),
        "lines_hidden": len(lines) - len(shown),
        "show_all": show_all,
        "charges": list(order.charges.all()),
        "open_findings": [f for f in findings if f.status == FindingStatus.OPEN],
        "closed_findings": [f for f in findings if f.status != FindingStatus.OPEN],
        "acks": list(order.acks.all()),
        "events": events,
        "more_events": more_events,
        "portal": portal,
        "held": order.status == OrderStatus.HELD,
        "page_errors": state.errors,
        "after": page_queries.after_sales(order),
        "can_return": (
            has_capability(user, Capability.RETURN_REQUEST)
            and any(ln.qty_shipped > 0 for ln in lines)
        ),
    }
    if portal:
        return context
    by_no = {ln.line_no: ln for ln in lines}
    changes = page_queries.change_log(order)
    context.update(_changes_context(request, order, shown, by_no, changes, state))
    context.update(_allocation_context(request, order, lines, state))
    return context


def _changes_context(
    request: HttpRequest,
    order: SalesOrder,
    shown: list[SalesOrderLine],
    by_no: dict[int, SalesOrderLine],
    changes: list[OrderChange],
    state: PageState,
) -> dict[str, Any]:
    user = request.user
    can_change = has_capability(user, Capability.ORDER_ENTRY) and order.status in CHANGEABLE
    decide_id, decide_error, decide_reason = state.decide or (0, "", "")
    pending = [
        PendingRow(
            c,
            request_words(c.after, by_no, before=True),
            error=decide_error if c.pk == decide_id else "",
            reason=decide_reason if c.pk == decide_id else "",
        )
        for c in changes
        if c.status == ChangeStatus.PENDING
    ]
    if decide_error and not any(row.error for row in pending):
        # The change is no longer pending (decided meanwhile): the page says why on top.
        state.errors.append(decide_error)
    out: dict[str, Any] = {
        "can_change": can_change,
        "can_approve": has_capability(user, Capability.ORDER_APPROVE),
        "pending": pending,
        "log": [LogRow(c, change_words(c, by_no)) for c in changes],
        "cancel_error": state.cancel_error,
        "cancel_reason": state.cancel_reason,
    }
    if not can_change:
        return out
    editable = [ln for ln in shown if ln.qty_remaining > 0]
    forms = state.change or change_forms(
        editable, requested_date=order.requested_date, notes=order.notes
    )
    self_approves = has_capability(user, Capability.ORDER_APPROVE)
    out.update(
        {
            "change": forms,
            "change_lines": [(ln, forms.lines[ln.line_no]) for ln in editable],
            "change_open": forms.has_errors
            or bool(state.cancel_error)
            or request.GET.get("change") == "open",
            "next_line_no": max(by_no, default=0) + 1,
            # the limit a change of this user's may reach without approval (0: none)
            "approval_amount": (
                0 if self_approves else page_queries.change_approval_amount(order.customer)
            ),
            "self_approves": self_approves,
        }
    )
    return out


def _allocation_context(
    request: HttpRequest, order: SalesOrder, lines: list[SalesOrderLine], state: PageState
) -> dict[str, Any]:
    user = request.user
    if not (has_capability(user, Capability.ORDER_ALLOCATE) and order.status in ALLOCATABLE):
        return {"can_allocate": False}
    form = state.line_action
    if form is None:
        picked = request.GET.get("line", "")
        form = LineActionForm(initial={"line_no": int(picked) if picked.isdigit() else None})
    return {
        "can_allocate": True,
        "line_action": form,
        "line_action_open": form.is_bound or bool(form.initial.get("line_no")),
        "action_lines": [ln for ln in lines if ln.qty_remaining > 0],
        "warehouses": page_queries.active_warehouses(),
    }


def _timeline(user: Any, order: SalesOrder, show_all: bool) -> tuple[list[Any], bool]:
    """The order's events oldest first: the newest EVENTS_SHOWN, or all; and whether some
    were left out (one more than shown is read to know)."""
    events_qs = selectors.order_events(user=user, order=order)
    newest = events_qs.reverse()[: EVENTS_SHOWN + 1]
    events = list(events_qs) if show_all else list(newest)[::-1]
    more = not show_all and len(events) > EVENTS_SHOWN
    if more:
        events = events[1:]
    for event in events:
        event.summary = event_summary(event.after)  # type: ignore[attr-defined]
    return events, more


_STORED_NUMBER = re.compile(r"^-?\d+\.\d{4,}$")


def event_summary(after: Any) -> str:
    """An event's "after" as one short line: "status: allocated, lines: 5"; lists are
    counted, stored quantities read as numbers ("2.0000" → "2") and long values cut, so an
    allocation of 500 lines stays one line."""
    if not isinstance(after, dict):
        return ""
    parts = []
    for key, value in after.items():
        if value in ("", None, [], {}):
            continue
        if isinstance(value, list | tuple | dict):
            value = f"{len(value)}"
        elif isinstance(value, Decimal) or (isinstance(value, str) and _STORED_NUMBER.match(value)):
            value = qty(value)
        text = str(value)
        parts.append(f"{key}: {text[:80] + '…' if len(text) > 80 else text}")
    return ", ".join(parts)


# --- changes in words -----------------------------------------------------------------------


def _date(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if value else "—"


def _short(text: Any, limit: int = 80) -> str:
    text = " ".join(str(text or "").split())
    return text[:limit] + "…" if len(text) > limit else text


def _line_label(no: Any, line: SalesOrderLine | None) -> str:
    return f"Line {no} {line.sku}" if line is not None else f"Line {no}"


def request_words(
    after: dict[str, Any], by_no: dict[int, SalesOrderLine], *, before: bool
) -> list[str]:
    """A change request (as filed for approval) as a clerk says it: "Line 2 CT-3P-40A:
    quantity 12 → 40 EA". `before`: the order is as it was when the change was asked for, so
    its values are the "from" side (a pending change); else only the "to" side is known."""
    words = []
    for c in after.get("lines") or []:
        no = c.get("line_no")
        line = by_no.get(no) if isinstance(no, int) else None
        label = _line_label(no, line)
        unit = f" {line.uom_code}" if line is not None and line.uom_code else ""
        if c.get("cancel"):
            left = f" ({qty(line.quantity)}{unit})" if line is not None and before else ""
            words.append(f"{label}: cancel the line{left}")
            continue
        if c.get("quantity") is not None:
            was = f"{qty(line.quantity)} → " if line is not None and before else "to "
            words.append(f"{label}: quantity {was}{qty(c['quantity'])}{unit}")
        if c.get("requested_date"):
            was = f"{_date(line.requested_date)} → " if line is not None and before else "to "
            words.append(f"{label}: requested date {was}{c['requested_date']}")
    for a in after.get("add") or []:
        unit = f" {a['uom']}" if a.get("uom") else ""
        when = f", requested {a['requested_date']}" if a.get("requested_date") else ""
        words.append(f"Add a line: {qty(a.get('quantity'))}{unit} of {a.get('sku')}{when}")
    if after.get("requested_date"):
        words.append(f"Order requested date to {after['requested_date']}")
    if after.get("notes") is not None:
        words.append(f"Notes: “{_short(after['notes'])}”" if after["notes"] else "Notes cleared")
    return words


def change_words(change: OrderChange, by_no: dict[int, SalesOrderLine]) -> list[str]:
    """One change-log row in words."""
    before, after = change.before or {}, change.after or {}
    line = by_no.get(change.line_no) if change.line_no else None
    label = _line_label(change.line_no, line)
    unit = f" {line.uom_code}" if line is not None and line.uom_code else ""
    kind = change.kind
    if kind == "request":
        return request_words(after, by_no, before=False)
    if kind == "quantity":
        return [f"{label}: quantity {qty(before.get('quantity'))} → {qty(after.get('quantity'))}"]
    if kind == "date":
        what = f"{label}: requested date" if change.line_no else "Order requested date"
        return [
            f"{what} {_date(before.get('requested_date'))} → {_date(after.get('requested_date'))}"
        ]
    if kind == "cancel_line":
        return [f"{label}: cancelled {qty(after.get('cancelled'))}{unit}"]
    if kind == "add_line":
        added = f"{qty(after.get('quantity'))}{unit} of {after.get('sku')}"
        return [f"Line {change.line_no} added: {added}"]
    if kind == "notes":
        return [f"Notes: “{_short(after.get('notes'))}”" if after.get("notes") else "Notes cleared"]
    return [f"{kind.replace('_', ' ')}{f' line {change.line_no}' if change.line_no else ''}"]


# --- acknowledgements -----------------------------------------------------------------------


@login_required
@require_GET
def ack_pdf(request: HttpRequest, pk: int, revision: int) -> HttpResponse:
    """One acknowledgement revision as PDF, rendered from what was frozen when it was sent."""
    user = request.user
    need(user, Capability.ORDER_VIEW)
    ack = call(selectors.ack_get, user=user, order_id=pk, revision=revision)
    response = HttpResponse(acknowledgement_pdf(ack_id=ack.pk), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{ack.order.number}-ack-{ack.revision}.pdf"'
    )
    return response


@login_required
@require_GET
def ack_preview(request: HttpRequest, pk: int, revision: int) -> HttpResponse:
    """One acknowledgement revision as the page the PDF is made from: what the customer got,
    at once (no PDF rendering). Portal users see their own orders' only."""
    user = request.user
    need(user, Capability.ORDER_VIEW)
    ack = call(selectors.ack_get, user=user, order_id=pk, revision=revision)
    response = HttpResponse(acknowledgement_html(ack))
    response["Content-Security-Policy"] = PREVIEW_CSP
    return response

"""Returns pages: the RMA queue, asking for a return from an order, the RMA page. The RMA
page's actions are in `views_actions`, the recall look-up in `views_recall`.

Each view is an access check and one selector or service call. Staff reach every RMA by
capability; a portal user sees and asks for returns of their own customer's orders only
(the selectors scope every query, so another customer's RMA or order is a 404). A refused
command shows the page again with the error next to the form that sent it (status 200).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods

from orderdesk.core.errors import DomainError, Forbidden, NotFound
from orderdesk.core.roles import Capability, has_capability, is_portal
from orderdesk.inventory.selectors import warehouse_list
from orderdesk.parties.selectors import vendor_list
from orderdesk.web.pages import found_or_404, paginate

from . import selectors, services
from .models import Condition, Disposition, Resolution, ReturnAuthorization, RmaStatus
from .states import RECEIVABLE

#: The reasons a customer gives, as codes the desk reports on.
REASON_CODES = (
    ("DAMAGED", "Damaged in transit"),
    ("DEFECTIVE", "Defective"),
    ("WRONG_ITEM", "Wrong item shipped"),
    ("ORDERED_WRONG", "Ordered in error"),
    ("NOT_NEEDED", "No longer needed"),
    ("OTHER", "Other"),
)
#: Timeline entries shown on the RMA page.
EVENTS_SHOWN = 100


def need(user: Any, capability: Capability, *, portal: bool = True) -> None:
    """403 unless the user holds `capability`; `portal=False` keeps portal users out too."""
    if not has_capability(user, capability) or (not portal and is_portal(user)):
        raise PermissionDenied(f"your role may not open this page ({capability.value})")


def call(fn: Callable[..., Any], **kwargs: Any) -> Any:
    return found_or_404(fn, **kwargs)


def run(fn: Callable[..., Any], **kwargs: Any) -> tuple[Any, DomainError | None]:
    """A command: (result, None) or (None, the refusal). Not found and not allowed are
    404 and 403, as for any page."""
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


def error_text(exc: DomainError) -> str:
    message = exc.message[:1].upper() + exc.message[1:]
    return f"{message} — {exc.fix}" if exc.fix else message


def url_or_none(name: str, *args: Any) -> str | None:
    """The page of another app when it exists (billing's credit memo page, say)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# -- the queue --------------------------------------------------------------------------------


@login_required
@require_GET
def rma_list_page(request: HttpRequest) -> HttpResponse:
    """Staff: the queues (waiting for a decision, for the goods, for the credit) and the
    repair / return-to-vendor list. Portal users: their own returns."""
    user = request.user
    need(user, Capability.ORDER_VIEW)
    portal = is_portal(user)
    queue = request.GET.get("queue", "" if portal else "requested")
    keys = {key for key, _, _ in selectors.QUEUES} | {"all", "rework"}
    if queue not in keys:
        queue = "requested"
    q = request.GET.get("q", "").strip()
    context: dict[str, Any] = {
        "portal": portal,
        "queue": queue,
        "q": q,
        "can_request": has_capability(user, Capability.RETURN_REQUEST),
        "can_recall": not portal,
        "can_rework": has_capability(user, Capability.RETURN_RECEIVE),
    }
    if not portal:
        counts = call(selectors.queue_counts, user=user)
        context["queues"] = [(key, label, counts[key]) for key, label, _ in selectors.QUEUES]
    if queue == "rework" and context["can_rework"]:
        context["rework"] = list(call(selectors.rework_list, user=user))
    else:
        status = None if queue in ("", "all") else queue
        rmas = call(selectors.rma_list, user=user, status=status, q=q)
        page = paginate(request, rmas)
        context["page"] = page
        context["rows"] = [
            (r, [f for f in r.policy_findings if f.get("status") == "open"]) for r in page
        ]
    return render(request, "returns/list.html", context)


# -- asking for a return ----------------------------------------------------------------------


@dataclass
class NewRow:
    """One shipped line and lot on the request form, with what was typed."""

    index: int
    line: Any
    lot: Any
    quantity: str = ""
    reason_code: str = ""
    error: str = ""


@dataclass
class NewForm:
    reason: str = ""
    resolution: str = Resolution.CREDIT
    errors: list[str] = field(default_factory=list)


def _rows(returnable: selectors.Returnable) -> list[NewRow]:
    rows: list[NewRow] = []
    for rl in returnable.lines:
        for lot in rl.lots:
            rows.append(NewRow(len(rows), rl, lot))
    return rows


def _new_context(
    request: HttpRequest,
    order_q: str,
    returnable: selectors.Returnable | None,
    rows: list[NewRow],
    form: NewForm,
    lookup_error: str = "",
) -> dict[str, Any]:
    return {
        "portal": is_portal(request.user),
        "order_q": order_q,
        "returnable": returnable,
        "rows": rows,
        "form": form,
        "lookup_error": lookup_error,
        "reason_codes": REASON_CODES,
        "resolutions": Resolution.choices,
    }


def _posted_lines(
    request: HttpRequest, rows: list[NewRow]
) -> tuple[list[services.RequestLine], list[NewRow], str]:
    """The request lines typed on the form, the rows they came from, and a form error."""
    lines: list[services.RequestLine] = []
    used: list[NewRow] = []
    error = ""
    for row in rows:
        row.quantity = request.POST.get(f"rows-{row.index}-quantity", "").strip()
        row.reason_code = request.POST.get(f"rows-{row.index}-reason_code", "").strip()[:20]
        if not row.quantity:
            continue
        try:
            q = Decimal(row.quantity)
        except InvalidOperation:
            row.error = f"“{row.quantity}” is not a quantity: type a number such as 2"
            error = error or row.error
            continue
        if q == 0:
            continue
        lines.append((row.line.line, q, row.lot.lot, row.reason_code))
        used.append(row)
    if not lines and not error:
        error = "Type the quantity coming back on at least one line."
    return lines, used, error


@login_required
@require_http_methods(["GET", "POST"])
def rma_new_page(request: HttpRequest) -> HttpResponse:
    """Ask for a return: find the order (`?order=SO000123`), type the quantities coming
    back per shipped line and lot, the reason and the resolution."""
    user = request.user
    need(user, Capability.RETURN_REQUEST)
    order_q = (request.POST.get("order") or request.GET.get("order") or "").strip()
    form = NewForm()
    if not order_q:
        return render(request, "returns/new.html", _new_context(request, "", None, [], form))
    try:
        order = selectors.order_for_return(user=user, number=order_q)
    except NotFound:
        error = f"There is no order {order_q}" + (" of yours." if is_portal(user) else ".")
        return render(
            request, "returns/new.html", _new_context(request, order_q, None, [], form, error)
        )
    returnable = call(selectors.returnable_lines, user=user, order=order)
    rows = _rows(returnable)
    if request.method == "POST":
        form.reason = request.POST.get("reason", "").strip()
        form.resolution = request.POST.get("resolution", Resolution.CREDIT)
        lines, used, error = _posted_lines(request, rows)
        if error:
            form.errors.append(error)
        else:
            rma, exc = run(
                services.rma_request,
                actor=user,
                order=order,
                lines=lines,
                reason=form.reason,
                resolution=form.resolution,
                channel="desk",
            )
            if exc is None:
                messages.success(request, f"Return {rma.number} is asked for.")
                return redirect("returns:rma_detail", pk=rma.pk)
            _show_row_error(exc, used, form)
    return render(
        request, "returns/new.html", _new_context(request, order_q, returnable, rows, form)
    )


def _show_row_error(exc: DomainError, used: list[NewRow], form: NewForm) -> None:
    """Put the service's error next to the row its field names ("lines[2].quantity")."""
    text = error_text(exc)
    where = exc.field or ""
    if where.startswith("lines[") and "]" in where:
        index = int(where[6 : where.index("]")])
        if 0 <= index < len(used):
            used[index].error = text
    form.errors.append(text)


# -- the RMA page -----------------------------------------------------------------------------


@dataclass
class PageState:
    """A refused action posted back: where it was refused, the error and what was typed."""

    at: str = ""
    error: str = ""
    reason: str = ""
    receive: dict[str, str] = field(default_factory=dict)


@dataclass
class ReceiveRow:
    line: Any
    remaining: Decimal
    quantity: str
    lot: str
    condition: str
    disposition: str
    vendor: str
    notes: str


def _receive_rows(lines: list[Any], typed: dict[str, str]) -> list[ReceiveRow]:
    rows = []
    for ln in lines:
        remaining = ln.quantity - ln.qty_received
        if remaining <= 0:
            continue
        key = f"line-{ln.line_no}"
        rows.append(
            ReceiveRow(
                ln,
                remaining,
                typed.get(f"{key}-quantity", f"{remaining.normalize():f}" if not typed else ""),
                typed.get(f"{key}-lot", ln.lot),
                typed.get(f"{key}-condition", Condition.NEW),
                typed.get(f"{key}-disposition", Disposition.RESTOCK),
                typed.get(f"{key}-vendor", ""),
                typed.get(f"{key}-notes", ""),
            )
        )
    return rows


def detail_context(
    request: HttpRequest, rma: ReturnAuthorization, state: PageState | None = None
) -> dict[str, Any]:
    user = request.user
    state = state or PageState()
    portal = is_portal(user)
    lines = list(rma.lines.all())
    status = rma.status
    can_approve = has_capability(user, Capability.RETURN_APPROVE)
    due = [
        (ln, ln.qty_received - ln.qty_credited) for ln in lines if ln.qty_received > ln.qty_credited
    ]
    context: dict[str, Any] = {
        "rma": rma,
        "portal": portal,
        "lines": lines,
        "receipts": list(rma.receipts.all()),
        "open_findings": [f for f in rma.policy_findings if f.get("status") == "open"],
        "closed_findings": [f for f in rma.policy_findings if f.get("status") != "open"],
        "state": state,
        "order_url": url_or_none("orders:detail", rma.order_id),
        "invoice_url": url_or_none("billing:invoice_detail", rma.invoice_id)
        if rma.invoice_id
        else None,
        "credit_memo_url": url_or_none("billing:credit_memo_detail", rma.credit_memo_id)
        if rma.credit_memo_id
        else None,
        "replacement_url": url_or_none("orders:detail", rma.replacement_order_id)
        if rma.replacement_order_id
        else None,
        "can_decide": can_approve and status == RmaStatus.REQUESTED,
        "can_cancel": (
            status == RmaStatus.REQUESTED and has_capability(user, Capability.RETURN_REQUEST)
        )
        or (status == RmaStatus.APPROVED and can_approve),
        "can_credit": can_approve and status == RmaStatus.RECEIVED and bool(due),
        "can_close": can_approve and status in (RmaStatus.RECEIVED, RmaStatus.CREDITED),
        "due": due,
        "events": [],
    }
    if portal:
        return context
    can_receive = has_capability(user, Capability.RETURN_RECEIVE) and status in RECEIVABLE
    rows = _receive_rows(lines, state.receive) if can_receive else []
    context.update(
        {
            "can_receive": bool(rows),
            "receive_rows": rows,
            "warehouses": list(warehouse_list(active=True)) if rows else [],
            "vendors": list(vendor_list(active=True).order_by("code")) if rows else [],
            "conditions": Condition.choices,
            "dispositions": Disposition.choices,
            "receive_warehouse": state.receive.get("warehouse", str(rma.warehouse_id or "")),
            "received_on": state.receive.get("received_on", ""),
            "events": list(selectors.rma_events(user=user, rma=rma)[:EVENTS_SHOWN]),
        }
    )
    return context


@login_required
@require_GET
def rma_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    need(user, Capability.ORDER_VIEW)
    rma = call(selectors.rma_get, user=user, pk=pk)
    return render(request, "returns/detail.html", detail_context(request, rma))

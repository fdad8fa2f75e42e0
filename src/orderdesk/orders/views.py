"""Order desk pages: the desk (queues), order entry, the exception screen, the order page and
the order file upload.

Each view is an access check and one selector or service call; the reads that feed order
entry's look-ups (customer suggestions, ship-tos, a SKU's price and ATP) are small page
reads at the end of this module. Access: staff by capability; a portal user reaches only
their own customer's orders (the selectors scope every query, so another customer's order
is a 404) and enters orders for their own account only.

Actions answer with a redirect (POST, then GET: a reload never repeats an override) and a
message saying what happened; a refused action (no reason, wrong role, a block that cannot
be overridden) shows the page again with the error next to the form, status 200.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from orderdesk.core.errors import DomainError, Forbidden, NotFound
from orderdesk.core.roles import Capability, has_capability, is_portal
from orderdesk.web.pages import found_or_404, is_htmx, paginate, vary_on_htmx

from . import holds, selectors, submit
from .forms import ReasonForm, UploadForm, entry_draft, entry_forms, entry_show_error, error_text
from .intake import order_intake
from .models import SalesOrder
from .states import CHANGEABLE, Channel, FindingStatus, HoldKind, OrderStatus

# --- access ---------------------------------------------------------------------------


def _need(user: Any, capability: Capability, *, portal: bool = True) -> None:
    """403 unless the user holds `capability`; `portal=False` keeps portal users out too."""
    if not has_capability(user, capability) or (not portal and is_portal(user)):
        raise PermissionDenied(f"your role may not open this page ({capability.value})")


def _call(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """A selector or service call whose NotFound / Forbidden become 404 / 403."""
    return found_or_404(fn, **kwargs)


# --- the desk -------------------------------------------------------------------------

#: Held orders are to be worked within this many hours (settings.ORDERDESK_HOLD_SLA_HOURS).
DEFAULT_HOLD_SLA_HOURS = 4
#: "Backorders due": backordered lines promised within this many days.
BACKORDER_DAYS = 7
HOLD_QUEUES = [
    HoldKind.PRICE,
    HoldKind.CREDIT,
    HoldKind.DATA,
    HoldKind.COMPLIANCE,
    HoldKind.DUPLICATE,
    HoldKind.DATE,
]


#: The queue cards' labels: one word each, so all the queues fit in one row.
SHORT_LABELS = {HoldKind.DUPLICATE.value: "Duplicate", HoldKind.DATE.value: "Date"}


def hold_sla() -> dt.timedelta:
    return dt.timedelta(hours=float(getattr(settings, "ORDERDESK_HOLD_SLA_HOURS", 0) or 4))


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    count: int | None
    filters: dict[str, Any]

    @property
    def alert(self) -> bool:
        return bool(self.count) and self.key.startswith("held")


def _queue_groups(queues: list[Queue]) -> list[tuple[str, list[Queue]]]:
    return [
        ("Queues", queues[:3]),
        ("On hold by reason", queues[3:9]),
        ("Follow-up", queues[9:]),
    ]


def _queues(counts: dict[str, Any] | None, today: dt.date) -> list[Queue]:
    c = counts or {}
    by_kind = c.get("held_by_kind", {})
    queues = [
        Queue("", "All orders", None, {}),
        Queue("new", "New", c.get("new"), {"status": OrderStatus.RECEIVED}),
        Queue("held", "On hold", c.get("held"), {"status": OrderStatus.HELD}),
    ]
    queues += [
        Queue(
            f"held-{kind.value}",
            SHORT_LABELS.get(kind.value, str(kind.label)),
            by_kind.get(kind.value, 0),
            {"status": OrderStatus.HELD, "hold_kind": kind.value},
        )
        for kind in HOLD_QUEUES
    ]
    queues += [
        Queue("rush", "Rush", c.get("rush"), {"rush": True}),
        Queue(
            "backorders",
            "Backorders due",
            c.get("backorders_due"),
            {"backorders_due_by": today + dt.timedelta(days=BACKORDER_DAYS)},
        ),
    ]
    return queues


def span_text(delta: dt.timedelta) -> str:
    """A duration as a clerk reads it at a glance: "45m", "3h 12m", "2d 4h"."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins:02d}m"
    return f"{mins}m"


def sla_text(due: dt.datetime, now: dt.datetime) -> str:
    return f"overdue {span_text(now - due)}" if now > due else f"{span_text(due - now)} left"


@dataclass(frozen=True)
class DeskRow:
    order: SalesOrder
    age: str
    #: for held orders: when the hold is due to be worked, and whether it is late
    sla_due: dt.datetime | None = None
    overdue: bool = False
    sla_text: str = ""


def _desk_row(order: SalesOrder, now: dt.datetime, sla: dt.timedelta) -> DeskRow:
    age = span_text(now - order.created_at)
    if order.status != OrderStatus.HELD or order.held_at is None:
        return DeskRow(order, age)
    due = order.held_at + sla
    return DeskRow(order, age, due, now > due, sla_text(due, now))


@login_required
@require_GET
def desk_page(request: HttpRequest) -> HttpResponse:
    """The queues with their counts, and the orders of the chosen queue (search by order
    number, PO, account or customer name). An htmx search gets the table only."""
    user = request.user
    _need(user, Capability.ORDER_VIEW)
    portal = is_portal(user)
    today = timezone.localdate()
    q = (request.GET.get("q") or "").strip()[:100]
    counts = None if portal or is_htmx(request) else selectors.queue_counts(user=user)
    queues = _queues(counts, today)
    queue = next((x for x in queues if x.key == request.GET.get("queue", "")), queues[0])
    if portal:
        queue = queues[0]
    page = paginate(request, selectors.order_list(user=user, q=q or None, **queue.filters))
    now, sla = timezone.now(), hold_sla()
    context = {
        "page": page,
        "rows": [_desk_row(o, now, sla) for o in page.object_list],
        "q": q,
        "queue": queue,
        "queue_groups": _queue_groups(queues),
        "portal": portal,
        "held_total": (counts or {}).get("held", 0),
        "sla_hours": sla.total_seconds() / 3600,
        "can_enter": has_capability(user, Capability.ORDER_ENTRY),
        "can_upload": has_capability(user, Capability.ORDER_ENTRY) and not portal,
    }
    if is_htmx(request):
        context["oob"] = True
        return vary_on_htmx(render(request, "orders/partials/desk_results.html", context))
    return vary_on_htmx(render(request, "orders/desk.html", context))


# --- order entry ----------------------------------------------------------------------


@login_required
def order_new_page(request: HttpRequest) -> HttpResponse:
    """Keyboard-first order entry; the submit is one `order_intake` call. A held order goes
    to its exception screen, any other to its order page."""
    user = request.user
    _need(user, Capability.ORDER_ENTRY)
    portal = is_portal(user)
    own = _own_customer(user) if portal else None
    fixed = own.account_number if own is not None else ""
    if request.method == "POST":
        entry = entry_forms(request.POST, fixed_customer=fixed)
        if entry.is_valid():
            draft = entry_draft(entry)
            if not draft.lines:
                entry.header.add_error(None, "The order has no lines — type a SKU and a quantity.")
            else:
                try:
                    result = order_intake(
                        actor=user, channel=Channel.PORTAL if portal else Channel.DESK, draft=draft
                    )
                except Forbidden as exc:
                    raise PermissionDenied(exc.message) from exc
                except DomainError as exc:
                    entry_show_error(entry, exc)
                else:
                    return _after_intake(request, result.order, created=result.created)
    else:
        entry = entry_forms(fixed_customer=fixed)
    account = fixed or entry.header.data.get("customer", "")
    customer = own or (_customer_by_account(user, account) if account else None)
    return render(
        request,
        "orders/new.html",
        {
            "entry": entry,
            "header": entry.header,
            "lines": entry.lines,
            "portal": portal,
            "customer": customer,
            "ship_tos": _ship_tos(user, customer) if customer else [],
            "ship_to": entry.header.data.get("ship_to", ""),
            "ship_methods": _ship_methods(),
            "line_errors": entry.lines.is_bound and any(f.errors for f in entry.lines.forms),
        },
    )


def _after_intake(request: HttpRequest, order: SalesOrder, *, created: bool) -> HttpResponse:
    if not created:
        messages.warning(
            request,
            f"This PO with these lines was received before, as order {order.number}; "
            "no second order was made.",
        )
    elif order.status == OrderStatus.HELD:
        messages.warning(request, f"Order {order.number} is on hold: resolve it below.")
    else:
        messages.success(request, f"Order {order.number} is {order.get_status_display().lower()}.")
    if order.status == OrderStatus.HELD and not is_portal(request.user):
        return redirect("orders:exception", pk=order.pk)
    return redirect("orders:detail", pk=order.pk)


@login_required
@require_GET
def customer_suggest(request: HttpRequest) -> HttpResponse:
    """Up to eight customers matching what the clerk typed (account or name)."""
    user = request.user
    _need(user, Capability.ORDER_ENTRY, portal=False)
    q = (request.GET.get("customer_q") or "").strip()[:100]
    found = _customers_matching(user, q) if q else []
    return render(
        request, "orders/partials/customer_suggestions.html", {"customers": found, "q": q}
    )


@login_required
@require_GET
def customer_pick(request: HttpRequest) -> HttpResponse:
    """The ship-to select of the picked customer (default first, pre-selected), and its
    summary out of band."""
    user = request.user
    _need(user, Capability.ORDER_ENTRY, portal=False)
    customer = _customer_by_account(user, (request.GET.get("customer") or "").strip())
    return render(
        request,
        "orders/partials/customer_pick.html",
        {
            "customer": customer,
            "ship_tos": _ship_tos(user, customer) if customer else [],
            "ship_to": "",
        },
    )


@login_required
@require_GET
def sku_lookup(request: HttpRequest) -> HttpResponse:
    """Description, this customer's price and ATP of the SKU in one grid row."""
    user = request.user
    _need(user, Capability.ORDER_ENTRY)
    row = _row_values(request.GET)
    own = _own_customer(user) if is_portal(user) else None
    account = (request.GET.get("customer") or "").strip()
    customer = own or (_customer_by_account(user, account) if account else None)
    info = _sku_info(user, customer, row)
    return render(request, "orders/partials/sku_info.html", {"info": info})


# --- the exception screen -------------------------------------------------------------


@dataclass(frozen=True)
class FindingRow:
    finding: Any
    can_override: bool
    can_fix: bool
    #: a refused override or fix of this finding: the error, and the reason typed
    override_error: str = ""
    fix_error: str = ""
    reason: str = ""


def _exception_context(
    request: HttpRequest,
    order: SalesOrder,
    *,
    action_error: str = "",
    error_at: str = "",
    reason_value: str = "",
) -> dict[str, Any]:
    user = request.user
    findings = list(order.findings.all())
    can_enter = has_capability(user, Capability.ORDER_ENTRY)
    open_rows = []
    for f in findings:
        if f.status != FindingStatus.OPEN:
            continue
        override_here = error_at == f"override-{f.pk}"
        open_rows.append(
            FindingRow(
                f,
                holds.can_override(user, f),
                bool((f.data or {}).get("action")) and can_enter,
                override_error=action_error if override_here else "",
                fix_error=action_error if error_at == f"fix-{f.pk}" else "",
                reason=reason_value if override_here else "",
            )
        )
    held = order.status == OrderStatus.HELD
    at_form = any(r.override_error or r.fix_error for r in open_rows) or (
        error_at in ("revalidate", "release") and held and can_enter
    )
    at_form = at_form or (error_at == "cancel" and order.status in CHANGEABLE and can_enter)
    now = timezone.now()
    sla_due = order.held_at + hold_sla() if order.held_at and held else None
    return {
        "order": order,
        "open_rows": open_rows,
        "closed": [f for f in findings if f.status != FindingStatus.OPEN],
        "held": held,
        "sla_due": sla_due,
        "sla_text": sla_text(sla_due, now) if sla_due else "",
        "overdue": bool(sla_due and now > sla_due),
        "can_enter": can_enter,
        "cancellable": order.status in CHANGEABLE,
        "action_error": action_error,
        "banner_error": "" if at_form else action_error,
        "error_at": error_at,
        "reason_value": reason_value,
        "portal": False,
    }


@login_required
@require_GET
def exception_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Each open finding with its message, the fix, "Apply fix" and "Override"; Release,
    Cancel and Re-validate for the order. Once nothing holds it, says so and links on."""
    user = request.user
    _need(user, Capability.ORDER_VIEW, portal=False)
    order = _call(selectors.order_get, user=user, pk=pk)
    return render(request, "orders/exception.html", _exception_context(request, order))


def _action(
    request: HttpRequest,
    pk: int,
    run: Callable[[], SalesOrder],
    done: Callable[[SalesOrder], str],
    *,
    form_key: str = "",
    form: ReasonForm | None = None,
) -> HttpResponse:
    """Run one exception-screen action; on success redirect with `done(order)` as message,
    on a refusal show the screen again with the error at the form that sent it."""
    user = request.user
    _need(user, Capability.ORDER_VIEW, portal=False)
    error = ""
    if form is not None and not form.is_valid():
        error = " ".join(str(e) for e in form.errors.get("reason", []))
    else:
        try:
            order = run()
        except (NotFound, Http404) as exc:
            raise Http404(str(exc)) from exc
        except DomainError as exc:
            error = error_text(exc)
        else:
            messages.success(request, done(order))
            return redirect("orders:exception", pk=order.pk)
    order = _call(selectors.order_get, user=user, pk=pk)
    context = _exception_context(
        request,
        order,
        action_error=error,
        error_at=form_key,
        reason_value=request.POST.get("reason", ""),
    )
    return render(request, "orders/exception.html", context)


def _status_note(order: SalesOrder) -> str:
    if order.status == OrderStatus.HELD:
        n = sum(1 for f in order.findings.all() if f.holds)
        return f"order {order.number} is still on hold ({n} open hold{'s' if n != 1 else ''})"
    return f"order {order.number} is now {order.get_status_display().lower()}"


@login_required
@require_POST
def finding_override_action(request: HttpRequest, pk: int, finding_id: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    return _action(
        request,
        pk,
        lambda: submit.finding_override_by_id(
            actor=request.user, order_id=pk, pk=finding_id, reason=form.cleaned_data["reason"]
        ),
        lambda o: f"Hold overridden: {_status_note(o)}.",
        form_key=f"override-{finding_id}",
        form=form,
    )


@login_required
@require_POST
def finding_fix_action(request: HttpRequest, pk: int, finding_id: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda: submit.finding_fix_by_id(actor=request.user, order_id=pk, pk=finding_id),
        lambda o: f"Fix applied and the order re-validated: {_status_note(o)}.",
        form_key=f"fix-{finding_id}",
    )


@login_required
@require_POST
def order_revalidate_action(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda: submit.order_revalidate_by_id(actor=request.user, pk=pk),
        lambda o: f"Re-validated: {_status_note(o)}.",
        form_key="revalidate",
    )


@login_required
@require_POST
def order_release_action(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    return _action(
        request,
        pk,
        lambda: submit.order_release_by_id(
            actor=request.user, pk=pk, reason=form.cleaned_data["reason"]
        ),
        lambda o: f"Released from hold: {_status_note(o)}.",
        form_key="release",
        form=form,
    )


@login_required
@require_POST
def order_cancel_action(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    return _action(
        request,
        pk,
        lambda: submit.order_cancel_by_id(
            actor=request.user, pk=pk, reason=form.cleaned_data["reason"]
        ),
        lambda o: f"Order {o.number} is cancelled.",
        form_key="cancel",
        form=form,
    )


# --- the order page -------------------------------------------------------------------

#: Lines shown before "Show all": a 1,000-line EDI order still opens at once.
LINES_PER_PAGE = 200
#: Timeline entries shown before "Show all" (the newest).
EVENTS_SHOWN = 100


@login_required
@require_GET
def order_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Header, lines with buckets, price trace and allocations, charges and totals,
    findings, acknowledgements and the timeline: a fixed number of queries at any size."""
    user = request.user
    _need(user, Capability.ORDER_VIEW)
    order = _call(selectors.order_get, user=user, pk=pk)
    lines = list(order.lines.all())
    show_all = request.GET.get("lines") == "all"
    portal = is_portal(user)
    # The timeline is the desk's record (who overrode what, and why): not the customer's.
    events, more_events = (
        ([], False) if portal else _timeline(user, order, request.GET.get("events") == "all")
    )
    findings = list(order.findings.all())
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "lines": lines if show_all else lines[:LINES_PER_PAGE],
            "line_count": len(lines),
            "lines_hidden": 0 if show_all else max(0, len(lines) - LINES_PER_PAGE),
            "charges": list(order.charges.all()),
            "open_findings": [f for f in findings if f.status == FindingStatus.OPEN],
            "closed_findings": [f for f in findings if f.status != FindingStatus.OPEN],
            "acks": list(order.acks.all()),
            "events": events,
            "more_events": more_events,
            "portal": portal,
            "held": order.status == OrderStatus.HELD,
        },
    )


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


def event_summary(after: Any) -> str:
    """An event's "after" as one short line: "status: allocated, lines: 5"; lists are
    counted and long values cut, so an allocation of 500 lines stays one line."""
    if not isinstance(after, dict):
        return ""
    parts = []
    for key, value in after.items():
        if value in ("", None, [], {}):
            continue
        if isinstance(value, list | tuple | dict):
            value = f"{len(value)}"
        text = str(value)
        parts.append(f"{key}: {text[:80] + '…' if len(text) > 80 else text}")
    return ", ".join(parts)


@login_required
@require_GET
def ack_pdf(request: HttpRequest, pk: int, revision: int) -> HttpResponse:
    """One acknowledgement revision as PDF, rendered from what was frozen when it was sent."""
    from .documents import acknowledgement_pdf

    user = request.user
    _need(user, Capability.ORDER_VIEW)
    ack = _call(selectors.ack_get, user=user, order_id=pk, revision=revision)
    response = HttpResponse(acknowledgement_pdf(ack_id=ack.pk), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{ack.order.number}-ack-{ack.revision}.pdf"'
    )
    return response


# --- upload ---------------------------------------------------------------------------


@login_required
def upload_page(request: HttpRequest) -> HttpResponse:
    """Upload a CSV/XLSX order file, pick the customer and mapping, see the preview: the
    orders the file would make and each bad row with its column and fix. Nothing is
    ordered until Import."""
    from . import file_intake

    user = request.user
    _need(user, Capability.ORDER_ENTRY, portal=False)
    mappings = _mappings()
    order_file = None
    if request.method == "POST":
        form = UploadForm(
            request.POST, request.FILES, mappings=[(m.pk, _mapping_label(m)) for m in mappings]
        )
        if form.is_valid():
            account = form.cleaned_data.get("customer") or ""
            customer = _customer_by_account(user, account)
            if account and customer is None:
                form.add_error("customer", f"No customer with account number {account}.")
            else:
                upload = form.cleaned_data["file"]
                mapping_id = form.cleaned_data.get("mapping")
                try:
                    order_file = file_intake.order_file_preview(
                        actor=user,
                        data=upload.read(),
                        file_name=upload.name or "upload.csv",
                        customer=customer,
                        mapping=next((m for m in mappings if m.pk == mapping_id), None),
                    )
                except Forbidden as exc:
                    raise PermissionDenied(exc.message) from exc
                except DomainError as exc:
                    target = exc.field if exc.field in ("customer", "mapping") else None
                    form.add_error(target, error_text(exc))
    else:
        form = UploadForm(mappings=[(m.pk, _mapping_label(m)) for m in mappings])
    return render(request, "orders/upload.html", _upload_context(form, order_file))


def _upload_context(form: UploadForm, order_file: Any) -> dict[str, Any]:
    preview = order_file.preview if order_file is not None else None
    result = order_file.result if order_file is not None and order_file.result else None
    from .mappings import LINE_LEVEL, ORDER_LEVEL

    counts = (result or {}).get("counts") or {}
    parts = [
        (f"{counts[key]} {text}", key == "not_imported")
        for key, text in [
            ("accepted", "accepted"),
            ("held", "on hold"),
            ("already_received", "received before"),
            ("not_imported", "not taken in"),
        ]
        if counts.get(key)
    ]
    return {
        "columns": {"order": ORDER_LEVEL, "line": LINE_LEVEL},
        "result_parts": parts,
        "form": form,
        "order_file": order_file,
        "preview": preview,
        "result": result,
        "importable": bool(preview and not result and (preview.get("counts") or {}).get("ready")),
    }


@login_required
@require_POST
def upload_import(request: HttpRequest, file_id: int) -> HttpResponse:
    """Import a previewed file: every order without a bad row goes through intake."""
    from . import file_intake

    user = request.user
    _need(user, Capability.ORDER_ENTRY, portal=False)
    order_file = _order_file(file_id)
    try:
        order_file = file_intake.order_file_import(actor=user, order_file=order_file)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, error_text(exc))
    form = UploadForm(mappings=[(m.pk, _mapping_label(m)) for m in _mappings()])
    return render(request, "orders/upload.html", _upload_context(form, order_file))


@login_required
@require_GET
def upload_errors(request: HttpRequest, file_id: int) -> HttpResponse:
    """The rows of the orders not taken in, as read, with an error column: correct them and
    upload this file again."""
    from . import file_intake

    _need(request.user, Capability.ORDER_ENTRY, portal=False)
    order_file = _order_file(file_id)
    content = file_intake.order_file_errors(order_file=order_file)
    if content is None:
        raise Http404("every order of this file was taken in")
    xlsx = order_file.file_name.lower().endswith(".xlsx")
    response = HttpResponse(
        content,
        content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            if xlsx
            else "text/csv; charset=utf-8"
        ),
    )
    name = file_intake.errors_file_name(order_file)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _order_file(file_id: int) -> Any:
    from .models import OrderFile

    order_file = OrderFile.objects.filter(pk=file_id).first()
    if order_file is None:
        raise Http404("no such order file")
    return order_file


# --- page reads for order entry ---------------------------------------------------------
# Small reads the entry page's look-ups need, each a fixed number of queries.


def _own_customer(user: Any) -> Any:
    from orderdesk.parties.models import Customer

    customer_id: int | None = getattr(user, "customer_id", None)
    if customer_id is None:
        return None
    qs = Customer.objects.select_related("payment_terms", "price_list")
    return qs.filter(pk=customer_id).first()


def _customers_matching(user: Any, q: str) -> list[Any]:
    from orderdesk.parties.selectors import customer_list

    qs = customer_list(user=user, q=q)
    exact = list(qs.filter(account_number__iexact=q)[:1])
    rest = [c for c in qs.order_by("name")[:8] if not exact or c.pk != exact[0].pk]
    return (exact + rest)[:8]


def _customer_by_account(user: Any, account: str) -> Any:
    from orderdesk.parties.selectors import customer_list

    if not account:
        return None
    return customer_list(user=user).filter(account_number__iexact=account).first()


def _ship_tos(user: Any, customer: Any) -> list[Any]:
    from orderdesk.parties.models import AddressKind
    from orderdesk.parties.selectors import address_list

    found = address_list(user=user, customer_id=customer.pk, kind=AddressKind.SHIP_TO, active=True)
    return sorted(found, key=lambda a: (not a.is_default, a.code))


def _ship_methods() -> list[Any]:
    from orderdesk.parties.models import ShipMethod

    return list(ShipMethod.objects.filter(active=True).select_related("carrier").order_by("code"))


def _mappings() -> list[Any]:
    from .models import ColumnMapping

    return list(
        ColumnMapping.objects.select_related("customer").order_by(
            "customer__account_number", "name"
        )
    )


def _mapping_label(m: Any) -> str:
    return f"{m.customer.account_number if m.customer else 'House'} · {m.name}"


def _row_values(params: Any) -> dict[str, str]:
    """sku, quantity and uom of one grid row, whatever its formset prefix (lines-7-sku)."""
    out = {"sku": "", "quantity": "", "uom": "", "customer_price": ""}
    for key, value in params.items():
        for name in out:
            if key == name or key.endswith(f"-{name}"):
                out[name] = (value or "").strip()
    return out


@dataclass(frozen=True)
class SkuInfo:
    sku: str
    item: Any = None
    unit: str = ""
    factor: Decimal = Decimal(1)
    unit_price: Decimal | None = None
    currency: str = ""
    trace: tuple[str, ...] = ()
    atp: Decimal | None = None
    atp_by_warehouse: tuple[tuple[str, Decimal], ...] = ()
    promise: dt.date | None = None
    problem: str = ""
    similar: tuple[Any, ...] = ()
    #: the PO price against ours, in percent (+ = the customer expects to pay more)
    diff_percent: Decimal | None = None

    @property
    def diff_big(self) -> bool:
        # Only a hint while typing; whether it holds the order is the price rule's call.
        return self.diff_percent is not None and abs(self.diff_percent) >= 2


def _sku_info(user: Any, customer: Any, row: dict[str, str]) -> SkuInfo:
    """What the clerk needs to see while typing a line: the item, our price for this
    customer at this quantity, free stock by warehouse and the date it can be promised."""
    from orderdesk.catalog.models import Item
    from orderdesk.core.money import to_decimal
    from orderdesk.inventory import availability
    from orderdesk.inventory.models import Warehouse
    from orderdesk.pricing.quote import price_lookup

    sku, quantity, uom = row["sku"], row["quantity"], row["uom"]
    if not sku:
        return SkuInfo(sku="")
    item = (
        Item.objects.select_related("base_uom", "replacement", "default_vendor")
        .prefetch_related("conversions__uom")
        .filter(sku__iexact=sku)
        .first()
    )
    if item is None:
        similar = tuple(Item.objects.filter(sku__istartswith=sku).order_by("sku")[:5])
        return SkuInfo(sku=sku, problem="No item with this SKU.", similar=similar)
    unit = (uom or item.base_uom.code).upper()
    factor = Decimal(1)
    problem = ""
    if unit != item.base_uom.code.upper():
        conv = {c.uom.code.upper(): c.factor for c in item.conversions.all()}
        if unit in conv:
            factor = Decimal(conv[unit])
        else:
            problem = f"{item.sku} is not sold in {unit}; use {item.base_uom.code}."
            unit, factor = item.base_uom.code, Decimal(1)
    try:
        qty = to_decimal(quantity) if quantity else Decimal(1)
    except (ValueError, ArithmeticError):
        qty = Decimal(1)
    qty = qty if qty > 0 else Decimal(1)
    base_qty = qty * factor
    today = timezone.localdate()
    unit_price: Decimal | None = None
    trace: tuple[str, ...] = ()
    if customer is not None:
        price, trace_ = price_lookup(customer=customer, item=item, quantity=base_qty, on_date=today)
        unit_price, trace = price * factor, tuple(trace_)
    free = availability.available_by_warehouse([item.pk]).get(item.pk, {})
    codes = dict(Warehouse.objects.filter(pk__in=list(free)).values_list("pk", "code"))
    by_wh = tuple(
        sorted(((codes.get(w, str(w)), q) for w, q in free.items() if q), key=lambda x: x[0])
    )
    staff = not is_portal(user)
    diff = None
    try:
        po_price = to_decimal(row["customer_price"]) if row["customer_price"] else None
    except (ValueError, ArithmeticError):
        po_price = None
    if po_price is not None and unit_price:
        diff = ((po_price - unit_price) / unit_price * 100).quantize(Decimal("0.1"))
    return SkuInfo(
        sku=item.sku,
        item=item,
        unit=unit,
        factor=factor,
        unit_price=unit_price,
        currency=customer.currency if customer is not None else "",
        trace=trace,
        atp=sum(free.values(), Decimal(0)) if staff else None,
        atp_by_warehouse=by_wh if staff else (),
        promise=availability.promise_for(item, None, base_qty, today),
        problem=problem,
        diff_percent=diff,
    )

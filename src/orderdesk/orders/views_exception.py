"""The exception screen: each open finding with its message, the fix, "Apply fix" and
"Override"; Release, Cancel and Re-validate for the order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from orderdesk.core.errors import DomainError, NotFound
from orderdesk.core.roles import Capability, has_capability

from . import holds, selectors, submit
from .forms import ReasonForm, error_text
from .models import SalesOrder
from .states import CHANGEABLE, FindingStatus, OrderStatus
from .views import call, hold_sla, need, sla_text


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
    need(user, Capability.ORDER_VIEW, portal=False)
    order = call(selectors.order_get, user=user, pk=pk)
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
    need(user, Capability.ORDER_VIEW, portal=False)
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
    order = call(selectors.order_get, user=user, pk=pk)
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

"""Ledger pages: a customer's ledger with aging and the payment form, the aging of every
customer, the discrepancy list, and month-end with its exports and the period close.

Each view is an access check and one selector or service call. The ledger is BILLING_VIEW:
a portal user sees their own account only (another customer's is a 404) and read-only;
the reports across customers are billing staff's; recording a payment needs BILLING_POST
and closing a period PERIOD_CLOSE. Actions answer with a redirect and a message; a refused
one shows the page again with the error and what was typed (status 200).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orderdesk.core.errors import DomainError, Forbidden, NotFound
from orderdesk.core.money import to_decimal
from orderdesk.core.roles import Capability, has_capability, is_portal
from orderdesk.web.pages import found_or_404

from . import discrepancies, ledger, month_end, payments, periods
from .discrepancies import DiscrepancyKind
from .models import PaymentMethod

APPLY_CHOICES = [
    ("oldest", "Oldest due first (credits first, discounts in terms)"),
    ("named", "To the items below"),
    ("none", "Keep it unapplied"),
]


def _need(user: Any, capability: Capability, *, portal: bool = True) -> None:
    if not has_capability(user, capability) or (not portal and is_portal(user)):
        raise PermissionDenied(f"your role may not do this ({capability.value})")


def _message(exc: DomainError) -> str:
    return exc.message + (f" — {exc.fix}" if exc.fix else "")


def _date(text: str | None, default: dt.date | None = None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        return default


def _service(fn: Any, **kwargs: Any) -> Any:
    """A service call whose Forbidden / NotFound become 403 / 404 (other refusals pass)."""
    try:
        return fn(**kwargs)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except NotFound as exc:
        raise Http404(exc.message) from exc


# --- customer ledger -------------------------------------------------------------------------


class PaymentForm(forms.Form):
    amount = forms.DecimalField(min_value=Decimal("0.01"), decimal_places=4, max_digits=18)
    received_date = forms.DateField()
    method = forms.ChoiceField(choices=PaymentMethod.choices, initial=PaymentMethod.CHECK)
    reference = forms.CharField(required=False, max_length=60)
    apply = forms.ChoiceField(choices=APPLY_CHOICES, initial="oldest")


def _named_amounts(post: Any, ids: list[int], errors: list[str]) -> list[tuple[int, Decimal]]:
    out = []
    for pk in ids:
        text = (post.get(f"apply_{pk}") or "").strip()
        if not text:
            continue
        try:
            value = to_decimal(text)
        except ValueError:
            errors.append(f"“{text}” is not an amount")
            continue
        if value:
            out.append((pk, value))
    return out


def _ledger_context(
    request: HttpRequest, pk: int, form: PaymentForm | None = None, errors: list[str] | None = None
) -> dict[str, Any]:
    user = request.user
    start = _date(request.GET.get("start"))
    end = _date(request.GET.get("end"))
    as_of = _date(request.GET.get("as_of"))
    view = found_or_404(ledger.ledger_view, user=user, pk=pk, start=start, end=end, as_of=as_of)
    today = timezone.localdate()
    portal = is_portal(user)
    can_post = has_capability(user, Capability.BILLING_POST) and not portal
    return {
        "v": view,
        "cur": view.customer.currency,
        "buckets": [(label, getattr(view.aging, key), key) for key, label in ledger.BUCKETS],
        "portal": portal,
        "can_post": can_post,
        "form": form or PaymentForm(initial={"received_date": today, "apply": "oldest"}),
        "errors": errors or [],
        "typed": request.POST if errors else {},
        "start": start,
        "end": end,
        "invoices_open": [o for o in view.open_items if o.item.open_amount > 0],
        "apply_rows": [
            (o, request.POST.get(f"apply_{o.item.pk}", "") if errors else "")
            for o in view.open_items
            if o.item.open_amount > 0
        ],
        "credits_open": [o for o in view.open_items if o.item.open_amount < 0],
        "unapplied_payments": [
            e for e in view.ledger.entries if e.kind == "payment" and e.open_amount
        ],
    }


@login_required
@require_http_methods(["GET", "POST"])
def ledger_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The ledger; POST records a payment (billing)."""
    user = request.user
    _need(user, Capability.BILLING_VIEW)
    if request.method == "GET":
        return render(request, "billing/ledger.html", _ledger_context(request, pk))
    _need(user, Capability.BILLING_POST, portal=False)
    customer = found_or_404(ledger.ledger_customer, user=user, pk=pk)
    form = PaymentForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        data = form.cleaned_data
        ids = [int(k[6:]) for k in request.POST if k.startswith("apply_") and k[6:].isdigit()]
        apply_to = None
        if data["apply"] == "none":
            apply_to = []
        elif data["apply"] == "named":
            apply_to = _named_amounts(request.POST, ids, errors)
        if not errors:
            try:
                payment = _service(
                    payments.payment_record_by_ids,
                    actor=user,
                    customer_id=customer.pk,
                    amount=data["amount"],
                    received_date=data["received_date"],
                    method=data["method"],
                    reference=data["reference"],
                    apply_to=apply_to,
                )
            except DomainError as exc:
                errors.append(_message(exc))
            else:
                applied = payment.amount - payment.unapplied
                messages.success(
                    request,
                    f"Payment {payment.number} of {payment.amount:,.2f} {payment.currency} "
                    f"recorded: {applied:,.2f} applied, {payment.unapplied:,.2f} unapplied.",
                )
                return redirect("billing:ledger", pk=customer.pk)
    else:
        errors.extend(
            f"{f.replace('_', ' ')}: {'; '.join(str(m) for m in e)}" for f, e in form.errors.items()
        )
    return render(request, "billing/ledger.html", _ledger_context(request, pk, form, errors))


@login_required
@require_POST
def payment_apply_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply a payment's unapplied cash oldest due first (billing)."""
    return _apply(request, payment_id=pk)


@login_required
@require_POST
def credit_apply_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply an open credit memo to the oldest open invoices (billing)."""
    return _apply(request, credit_id=pk)


def _apply(request: HttpRequest, **source: int) -> HttpResponse:
    user = request.user
    _need(user, Capability.BILLING_POST, portal=False)
    customer_id = int(request.POST.get("customer") or 0)
    try:
        apps = _service(payments.payment_apply_by_ids, actor=user, **source)
    except DomainError as exc:
        messages.error(request, _message(exc))
    else:
        total = sum((a.amount for a in apps), Decimal(0))
        messages.success(request, f"{total:,.2f} applied to {len(apps)} open item(s).")
    if customer_id:
        return redirect("billing:ledger", pk=customer_id)
    return redirect("billing:aging")


@login_required
@require_GET
def my_ledger_page(request: HttpRequest) -> HttpResponse:
    """A portal user's own account."""
    customer_id = getattr(request.user, "customer_id", None)
    if not is_portal(request.user) or customer_id is None:
        raise Http404("only a customer portal user has an own account")
    return redirect("billing:ledger", pk=customer_id)


# --- aging -----------------------------------------------------------------------------------


@login_required
@require_GET
def aging_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    _need(user, Capability.BILLING_VIEW, portal=False)
    as_of = _date(request.GET.get("as_of"), timezone.localdate()) or timezone.localdate()
    sort = request.GET.get("sort", "account_number")
    if sort not in ledger.AGING_SORTS:
        sort = "account_number"
    descending = request.GET.get("dir") == "desc"
    report = found_or_404(
        ledger.aging_report, user=user, as_of=as_of, sort=sort, descending=descending
    )
    columns = [
        ("account_number", "Customer"),
        *ledger.BUCKETS,
        ("unapplied", "Unapplied cash"),
        ("total", "Balance"),
    ]
    return render(
        request,
        "billing/aging.html",
        {
            "report": report,
            "sort": sort,
            "descending": descending,
            "columns": columns,
            "bucket_keys": [k for k, _ in ledger.BUCKETS],
        },
    )


# --- discrepancies ---------------------------------------------------------------------------


@login_required
@require_GET
def discrepancies_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    _need(user, Capability.BILLING_VIEW, portal=False)
    kind = request.GET.get("kind", "")
    if kind not in DiscrepancyKind.__members__.values():
        kind = ""
    rows = found_or_404(discrepancies.discrepancy_list, user=user, kind=kind)
    return render(
        request,
        "billing/discrepancies.html",
        {"rows": rows, "kind": kind, "kinds": [(k.value, k.label) for k in DiscrepancyKind]},
    )


# --- month-end -------------------------------------------------------------------------------


def _last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


def _period_args(request: HttpRequest) -> tuple[dt.date, dt.date]:
    start, end = _last_month(timezone.localdate())
    return _date(request.GET.get("start"), start) or start, _date(
        request.GET.get("end"), end
    ) or end


def _month_end_context(request: HttpRequest, errors: list[str] | None = None) -> dict[str, Any]:
    user = request.user
    start, end = _period_args(request)
    context: dict[str, Any] = {
        "start": start,
        "end": end,
        "can_close": has_capability(user, Capability.PERIOD_CLOSE),
        "close_errors": errors or [],
        "typed": request.POST if errors else {},
        "sections": [(key, title) for key, (title, _, _) in month_end.SECTIONS.items()],
    }
    try:
        report = _service(month_end.month_end_for, user=user, start=start, end=end)
    except DomainError as exc:
        context["report_error"] = _message(exc)
        return context
    context["r"] = report
    context["totals_sni"] = report.totals["shipped-not-invoiced"]
    context["totals_ins"] = report.totals["invoiced-not-shipped"]
    return context


@login_required
@require_http_methods(["GET", "POST"])
def month_end_page(request: HttpRequest) -> HttpResponse:
    """The report; POST closes (or reopens) the books through a date (PERIOD_CLOSE)."""
    user = request.user
    _need(user, Capability.BILLING_VIEW, portal=False)
    if request.method == "POST":
        _need(user, Capability.PERIOD_CLOSE, portal=False)
        through = _date(request.POST.get("through"))
        reopen = request.POST.get("action") == "reopen"
        errors = []
        if through is None:
            errors.append("give the date the books are closed through (YYYY-MM-DD)")
        else:
            service = periods.period_reopen if reopen else periods.period_close
            try:
                _service(
                    service, actor=user, through=through, reason=request.POST.get("reason", "")
                )
            except DomainError as exc:
                errors.append(_message(exc))
            else:
                verb = "reopened back to" if reopen else "closed through"
                messages.success(request, f"The books are {verb} {through.isoformat()}.")
                return redirect(f"{reverse('billing:month_end')}?{request.GET.urlencode()}")
        return render(request, "billing/month_end.html", _month_end_context(request, errors))
    return render(request, "billing/month_end.html", _month_end_context(request))


@login_required
@require_GET
def month_end_export_view(request: HttpRequest, section: str, fmt: str) -> HttpResponse:
    user = request.user
    _need(user, Capability.BILLING_VIEW, portal=False)
    start, end = _period_args(request)
    try:
        data, content_type, name = _service(
            month_end.month_end_export_for,
            user=user,
            start=start,
            end=end,
            section=section,
            fmt=fmt,
        )
    except DomainError as exc:
        raise Http404(exc.message) from exc
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

"""Invoice and credit memo pages: lists with filters, the document on screen with its
events, credit memos and payments applied, the PDF, and billing's credit form.

Each view is an access check and one selector or service call. Staff need BILLING_VIEW; a
portal user reaches only their own customer's documents (the selectors scope every query,
so another customer's invoice is a 404). Crediting is billing's (BILLING_POST): done, it
redirects to the new memo with a message; refused, it shows the invoice again with the
error next to the form and what was typed (status 200).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from orderdesk.core.errors import DomainError, Forbidden, NotFound
from orderdesk.core.money import QUANTITY_PLACES, round_half_up, to_decimal
from orderdesk.core.roles import Capability, has_capability, is_portal
from orderdesk.web.pages import found_or_404, is_htmx, paginate, vary_on_htmx

from . import selectors_docs
from .credit_memos import credit_memo_create_by_ids
from .documents import credit_memo_html, credit_memo_pdf, invoice_html, invoice_pdf, terms_text
from .models import CreditMemo, Invoice, InvoiceCharge, InvoiceLine, InvoiceStatus

#: The document preview loads nothing from outside (it is the PDF's source, self-contained).
PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
EVENTS_SHOWN = 100


def need(user: Any, capability: Capability, *, portal: bool = True) -> None:
    if not has_capability(user, capability) or (not portal and is_portal(user)):
        raise PermissionDenied(f"your role may not open this page ({capability.value})")


class InvoiceFilterForm(forms.Form):
    """Read from GET, so a filtered list is a link; a garbled field is dropped."""

    q = forms.CharField(required=False, max_length=100, strip=True)
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *InvoiceStatus.choices])
    overdue = forms.BooleanField(required=False)
    customer = forms.IntegerField(required=False, min_value=1)
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)

    def values(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields}


class MemoFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, strip=True)
    customer = forms.IntegerField(required=False, min_value=1)
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)

    def values(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields}


@login_required
@require_GET
def invoice_list_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    need(user, Capability.BILLING_VIEW)
    form = InvoiceFilterForm(request.GET)
    f = form.values()
    today = timezone.localdate()
    qs = found_or_404(
        selectors_docs.invoice_list,
        user=user,
        customer_id=f["customer"],
        status=f["status"] or None,
        date_from=f["date_from"],
        date_to=f["date_to"],
        overdue=True if f["overdue"] else None,
        q=f["q"] or None,
        today=today,
    )
    page = paginate(request, qs)
    context = {
        "form": form,
        "f": f,
        "q": f["q"] or "",
        "page": page,
        "today": today,
        "portal": is_portal(user),
    }
    if is_htmx(request):
        context["oob"] = True
        return vary_on_htmx(render(request, "billing/invoice_results.html", context))
    return vary_on_htmx(render(request, "billing/invoice_list.html", context))


@dataclass
class CreditRow:
    line: InvoiceLine
    unit_qty: Decimal  # invoiced, in the unit ordered
    left: Decimal  # base units still to credit
    left_unit: Decimal
    typed: str = ""


@dataclass
class ChargeRow:
    charge: InvoiceCharge
    left: Decimal  # amount still to give back
    typed: str = ""


@dataclass
class CreditState:
    """What the credit form posted back when it was refused."""

    errors: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)


def _unit(base: Decimal, factor: Decimal) -> Decimal:
    if not factor or factor == 1:
        return base.normalize()
    return round_half_up(base / factor, QUANTITY_PLACES).normalize()


def _detail_context(
    request: HttpRequest, invoice: Invoice, state: CreditState | None = None
) -> dict[str, Any]:
    user = request.user
    portal = is_portal(user)
    state = state or CreditState()
    can_credit = has_capability(user, Capability.BILLING_POST) and not portal
    room_lines, room_charges = selectors_docs.credit_room(invoice)
    rows = [
        CreditRow(
            line=ln,
            unit_qty=_unit(ln.quantity, ln.order_line.factor),
            left=room_lines[ln.pk],
            left_unit=_unit(room_lines[ln.pk], ln.order_line.factor),
            typed=state.values.get(f"qty_{ln.pk}", ""),
        )
        for ln in invoice.lines.all()
    ]
    charges = [
        ChargeRow(c, room_charges[c.pk], state.values.get(f"charge_{c.pk}", ""))
        for c in invoice.charges.all()
    ]
    receivable = invoice.receivable
    today = timezone.localdate()
    return {
        "invoice": invoice,
        "rows": rows,
        "charges": charges,
        "memos": list(invoice.credit_memos.all()),
        "applications": list(selectors_docs.invoice_applications(invoice)),
        "events": (
            list(selectors_docs.invoice_events(user=user, invoice=invoice)[:EVENTS_SHOWN])
            if not portal
            else []
        ),
        "open_amount": receivable.open_amount if receivable else Decimal(0),
        "overdue": (
            invoice.status == InvoiceStatus.OPEN
            and receivable is not None
            and receivable.open_amount > 0
            and invoice.due_date < today
        ),
        "terms": terms_text(invoice),
        "portal": portal,
        "can_credit": can_credit
        and (any(r.left > 0 for r in rows) or any(c.left > 0 for c in charges)),
        "credit": state,
        "today": today,
    }


@login_required
@require_GET
def invoice_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    need(request.user, Capability.BILLING_VIEW)
    invoice = found_or_404(selectors_docs.invoice_get, user=request.user, pk=pk)
    return render(request, "billing/invoice_detail.html", _detail_context(request, invoice))


def _decimal(text: str, what: str, errors: list[str]) -> Decimal | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return to_decimal(text)
    except ValueError:
        errors.append(f"{what}: “{text}” is not a number")
        return None


def _credit_request(
    invoice: Invoice, post: Any
) -> tuple[list[tuple[int, Decimal]], list[tuple[int, Decimal]], dict[str, Any], list[str]]:
    """The form's lines (quantities typed in the unit ordered → base units), charges and
    header fields; errors for what cannot be read."""
    errors: list[str] = []
    lines: list[tuple[int, Decimal]] = []
    for ln in invoice.lines.all():
        q = _decimal(post.get(f"qty_{ln.pk}", ""), f"line {ln.line_no}", errors)
        if q is not None and q != 0:
            factor = ln.order_line.factor or Decimal(1)
            lines.append((ln.pk, round_half_up(q * factor, QUANTITY_PLACES)))
    charges: list[tuple[int, Decimal]] = []
    for c in invoice.charges.all():
        a = _decimal(post.get(f"charge_{c.pk}", ""), c.description or c.code, errors)
        if a is not None and a != 0:
            charges.append((c.pk, a))
    fee = _decimal(post.get("fee_percent", ""), "restocking fee", errors) or Decimal(0)
    memo_date: dt.date | None = None
    raw_date = (post.get("memo_date") or "").strip()
    if raw_date:
        try:
            memo_date = dt.date.fromisoformat(raw_date)
        except ValueError:
            errors.append(f"memo date: “{raw_date}” is not a date (YYYY-MM-DD)")
    header = {
        "reason": post.get("reason", ""),
        "reference": post.get("reference", ""),
        "fee_percent": fee,
        "memo_date": memo_date,
    }
    return lines, charges, header, errors


@login_required
@require_POST
def invoice_credit_action(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    need(user, Capability.BILLING_POST, portal=False)
    invoice = found_or_404(selectors_docs.invoice_get, user=user, pk=pk)
    lines, charges, header, errors = _credit_request(invoice, request.POST)
    values = {k: str(v) for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    if not errors:
        try:
            memo = credit_memo_create_by_ids(
                actor=user, invoice_id=invoice.pk, lines=lines, charges=charges, **header
            )
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            errors.append(exc.message + (f" — {exc.fix}" if exc.fix else ""))
        else:
            messages.success(
                request,
                f"Credit memo {memo.number} for {memo.total:.2f} {memo.currency} posted "
                f"against invoice {invoice.number}.",
            )
            return redirect("billing:credit_memo_detail", pk=memo.pk)
    invoice = found_or_404(selectors_docs.invoice_get, user=user, pk=pk)
    state = CreditState(errors=errors, values=values)
    return render(request, "billing/invoice_detail.html", _detail_context(request, invoice, state))


def _pdf(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _preview(html: str) -> HttpResponse:
    response = HttpResponse(html)
    response["Content-Security-Policy"] = PREVIEW_CSP
    return response


@login_required
@require_GET
def invoice_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    need(request.user, Capability.BILLING_VIEW)
    invoice = found_or_404(selectors_docs.invoice_get, user=request.user, pk=pk)
    return _pdf(invoice_pdf(invoice_id=invoice.pk), f"{invoice.number}.pdf")


@login_required
@require_GET
def invoice_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The invoice as the page its PDF is made from (no PDF rendering wait)."""
    need(request.user, Capability.BILLING_VIEW)
    invoice = found_or_404(selectors_docs.invoice_get, user=request.user, pk=pk)
    return _preview(invoice_html(invoice))


@login_required
@require_GET
def credit_memo_list_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    need(user, Capability.BILLING_VIEW)
    form = MemoFilterForm(request.GET)
    f = form.values()
    qs = found_or_404(
        selectors_docs.credit_memo_list,
        user=user,
        customer_id=f["customer"],
        date_from=f["date_from"],
        date_to=f["date_to"],
        q=f["q"] or None,
    )
    page = paginate(request, qs)
    context = {"form": form, "f": f, "q": f["q"] or "", "page": page, "portal": is_portal(user)}
    if is_htmx(request):
        context["oob"] = True
        return vary_on_htmx(render(request, "billing/credit_memo_results.html", context))
    return vary_on_htmx(render(request, "billing/credit_memo_list.html", context))


@login_required
@require_GET
def credit_memo_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    need(user, Capability.BILLING_VIEW)
    memo: CreditMemo = found_or_404(selectors_docs.credit_memo_get, user=user, pk=pk)
    portal = is_portal(user)
    events = [] if portal else list(selectors_docs.credit_memo_events(user=user, memo=memo))
    return render(
        request,
        "billing/credit_memo_detail.html",
        {"memo": memo, "lines": list(memo.lines.all()), "events": events, "portal": portal},
    )


@login_required
@require_GET
def credit_memo_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    need(request.user, Capability.BILLING_VIEW)
    memo = found_or_404(selectors_docs.credit_memo_get, user=request.user, pk=pk)
    return _pdf(credit_memo_pdf(memo_id=memo.pk), f"{memo.number}.pdf")


@login_required
@require_GET
def credit_memo_preview(request: HttpRequest, pk: int) -> HttpResponse:
    need(request.user, Capability.BILLING_VIEW)
    memo = found_or_404(selectors_docs.credit_memo_get, user=request.user, pk=pk)
    return _preview(credit_memo_html(memo))

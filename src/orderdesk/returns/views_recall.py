"""The recall look-up: a lot or serial number traced on one page, the notification list
with its CSV / XLSX export, and the quality hold button. Staff only (it shows every
customer the lot reached)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from orderdesk.core.errors import DomainError
from orderdesk.core.roles import Capability, has_capability

from . import commands, recall
from .views import error_text, need, run, url_or_none


def _context(request: HttpRequest, number: str, item: str, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "number": number,
        "item": item,
        "trace": None,
        "rows": [],
        "error": "",
        "can_hold": has_capability(request.user, Capability.STOCK_ADJUST),
        "hold_error": "",
        "hold_lot": None,
        "hold_reason": "",
        **extra,
    }
    if not number:
        return context
    try:
        result = recall.trace(number=number, item=item or None)
    except DomainError as exc:
        context["error"] = error_text(exc)
        return context
    context["trace"] = result
    context["rows"] = recall.recall_rows(result)
    context["query"] = urlencode({"number": number, **({"item": item} if item else {})})
    context["shipment_rows"] = [
        (
            s,
            url_or_none("orders:detail", s.order_id),
            [(i, url_or_none("billing:invoice_detail", i.id)) for i in s.invoices],
        )
        for s in result.shipments
    ]
    return context


@login_required
@require_GET
def recall_page(request: HttpRequest) -> HttpResponse:
    need(request.user, Capability.ORDER_VIEW, portal=False)
    number = request.GET.get("number", "").strip()
    item = request.GET.get("item", "").strip()
    return render(request, "returns/recall.html", _context(request, number, item))


@login_required
@require_GET
def recall_export_view(request: HttpRequest, format: str) -> HttpResponse:
    need(request.user, Capability.ORDER_VIEW, portal=False)
    if format not in recall.EXPORT_TYPES:
        raise Http404("export as csv or xlsx")
    number = request.GET.get("number", "").strip()
    item = request.GET.get("item", "").strip()
    try:
        content, filename, content_type = recall.recall_export(
            number=number, item=item or None, format=format
        )
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return redirect(f"{reverse('returns:recall')}?{urlencode({'number': number})}")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def lot_hold_action(request: HttpRequest, lot_id: int) -> HttpResponse:
    """Put one lot of the trace on quality hold; back to the trace with the result."""
    need(request.user, Capability.STOCK_ADJUST, portal=False)
    number = request.POST.get("number", "").strip()
    item = request.POST.get("item", "").strip()
    reason = request.POST.get("reason", "").strip()
    lot, exc = run(commands.lot_hold_by_id, actor=request.user, pk=lot_id, reason=reason)
    if exc is not None:
        context = _context(
            request, number, item, hold_error=error_text(exc), hold_lot=lot_id, hold_reason=reason
        )
        return render(request, "returns/recall.html", context)
    messages.success(
        request,
        f"Lot {lot.number} of {lot.item.sku} is on quality hold: it is no longer allocated "
        "or shipped.",
    )
    query = urlencode({"number": number or lot.number, **({"item": item} if item else {})})
    return redirect(f"{reverse('returns:recall')}?{query}")

"""Shipments: the list (search by shipment, order, tracking, PO or lot) and the shipment
page with its lines, lots, packages, tracking, documents (View / PDF) and invoices.
Portal users see their own customer's shipments and documents only (another's is a 404)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from orderdesk.core.roles import Capability, has_capability, is_portal
from orderdesk.orders.states import FreightPayment
from orderdesk.web.forms import SearchForm
from orderdesk.web.pages import (
    capability_required,
    found_or_404,
    is_htmx,
    paginate,
    vary_on_htmx,
)

from . import selectors
from .documents import document_filename, document_html, document_pdf, document_title
from .models import Shipment, ShipmentStatus
from .views import safe_reverse

#: The document preview loads nothing from outside itself and runs no script.
PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"


@require_GET
@capability_required(Capability.ORDER_VIEW)
def shipment_list_page(request: HttpRequest) -> HttpResponse:
    search = SearchForm(request.GET, status_choices=list(ShipmentStatus.choices))
    q, _ = search.query()
    page = paginate(request, selectors.shipment_list(user=request.user, q=q or None))
    context = {"page": page, "search": search, "q": q, "portal": is_portal(request.user)}
    if is_htmx(request):
        return vary_on_htmx(render(request, "fulfilment/partials/shipment_results.html", context))
    return vary_on_htmx(render(request, "fulfilment/shipment_list.html", context))


def shipment_context(request: HttpRequest, shipment: Shipment) -> dict[str, Any]:
    lines = list(shipment.lines.all())
    packages = list(shipment.packages.all())
    per_package: dict[int, list[Any]] = {}
    for line in lines:
        if line.package_id is not None:
            per_package.setdefault(line.package_id, []).append(line)
    return {
        "shipment": shipment,
        "order": shipment.order,
        "lines": lines,
        "packages": [(p, per_package.get(p.pk, [])) for p in packages],
        "documents": [(d, document_title(d)) for d in shipment.documents.all()],
        "invoices": [
            (inv, safe_reverse("billing:invoice_detail", inv.pk)) for inv in shipment.invoices.all()
        ],
        "portal": is_portal(request.user),
        "warehouse_staff": has_capability(request.user, Capability.WAREHOUSE_OPS),
        "order_url": safe_reverse("orders:detail", shipment.order_id),
        "freight": _label(FreightPayment, shipment.freight_payment),
    }


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@require_GET
@capability_required(Capability.ORDER_VIEW)
def shipment_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    shipment = found_or_404(selectors.shipment_get, user=request.user, pk=pk)
    return render(request, "fulfilment/shipment_detail.html", shipment_context(request, shipment))


@require_GET
@capability_required(Capability.ORDER_VIEW)
def document_page(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The document as the page its PDF is made from."""
    doc = found_or_404(
        selectors.shipment_document_get, user=request.user, shipment_id=pk, kind=kind
    )
    response = HttpResponse(document_html(doc))
    response["Content-Security-Policy"] = PREVIEW_CSP
    return response


@require_GET
@capability_required(Capability.ORDER_VIEW)
def document_pdf_page(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    doc = found_or_404(
        selectors.shipment_document_get, user=request.user, shipment_id=pk, kind=kind
    )
    response = HttpResponse(document_pdf(doc.pk), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document_filename(doc)}"'
    return response

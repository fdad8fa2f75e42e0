"""The ship screen: carrier service, tracking and PRO number, ship date, third-party bill-to
and reason for export where they apply, and the compliance check for the service chosen:
every problem with its reason and its fix, before anything is confirmed. Choosing another
service re-checks at once (htmx); Confirm is refused with the same list if a problem
remains."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from orderdesk.core.errors import DomainError
from orderdesk.core.roles import Capability
from orderdesk.parties.models import ShipMethod
from orderdesk.web.pages import capability_required, found_or_404

from . import commands, selectors
from .compliance_facts import shipment_compliance
from .errors import ComplianceProblem, ComplianceRefused
from .forms import THIRD_PARTY_FIELDS, ShipForm, ship_form
from .models import PickList, PickListStatus
from .shipping import EXPORT_REASONS
from .views import error_text


def _method(form: ShipForm, pl: PickList, methods: list[ShipMethod]) -> ShipMethod | None:
    code = form.ship_method or (pl.order.ship_method.code if pl.order.ship_method else "")
    return next((m for m in methods if m.code == code), None)


def _problems(pl: PickList, method: ShipMethod | None, form: ShipForm) -> list[ComplianceProblem]:
    if method is None or pl.status != PickListStatus.PACKED:
        return []
    return shipment_compliance(
        pick_list=pl, ship_method=method, third_party_bill_to=form.third_party
    )


def _context(
    pl: PickList,
    form: ShipForm,
    *,
    error: str = "",
    problems: list[ComplianceProblem] | None = None,
) -> dict[str, Any]:
    methods = list(selectors.ship_methods())
    method = _method(form, pl, methods)
    if problems is None:
        problems = _problems(pl, method, form)
    order = pl.order
    abroad = bool(order.ship_to and order.ship_to.country != pl.warehouse.country)
    return {
        "pick_list": pl,
        "order": order,
        "form": form,
        "methods": methods,
        "method": method,
        "problems": problems,
        "error": error,
        "packages": list(pl.packages.all()),
        "shipment": selectors.pick_list_shipment(pl),
        "third_party": order.freight_payment == "third_party",
        "third_party_fields": [
            (f, f.replace("_", " ").capitalize(), form.third_party.get(f, ""))
            for f in THIRD_PARTY_FIELDS
        ],
        "abroad": abroad,
        "export_reasons": EXPORT_REASONS,
        "today": selectors.warehouse_today(pl.warehouse),
        "can_ship": pl.status == PickListStatus.PACKED,
    }


@require_http_methods(["GET", "POST"])
@capability_required(Capability.WAREHOUSE_OPS)
def ship_page(request: HttpRequest, pk: int) -> HttpResponse:
    pl: PickList = found_or_404(selectors.pick_list_get, user=request.user, pk=pk)
    if request.method == "GET":
        form = ship_form(request.GET)
        return render(request, "fulfilment/ship.html", _context(pl, form))
    form = ship_form(request.POST)
    try:
        ship_date = dt.date.fromisoformat(form.ship_date) if form.ship_date else None
    except ValueError:
        context = _context(pl, form, error=f"Ship date {form.ship_date!r} is not a date.")
        return render(request, "fulfilment/ship.html", context)
    try:
        shipment = commands.ship_by_id(
            actor=request.user,
            pick_list_id=pk,
            ship_date=ship_date,
            ship_method=form.ship_method,
            tracking_number=form.tracking_number,
            pro_number=form.pro_number,
            third_party_bill_to=form.third_party or None,
            export_reason=form.export_reason,
        )
    except ComplianceRefused as exc:
        context = _context(pl, form, error=exc.message, problems=exc.problems)
        return render(request, "fulfilment/ship.html", context)
    except DomainError as exc:
        return render(request, "fulfilment/ship.html", _context(pl, form, error=error_text(exc)))
    invoices = [inv.number for inv in shipment.invoices.all()]
    messages.success(
        request,
        f"Shipment {shipment.number} confirmed"
        + (f", invoiced as {', '.join(invoices)}" if invoices else "")
        + "; the customer is sent the confirmation.",
    )
    return redirect(reverse("fulfilment:shipment_detail", args=[shipment.pk]))


@require_GET
@capability_required(Capability.WAREHOUSE_OPS)
def compliance_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The compliance panel for the service chosen (an htmx fragment)."""
    pl: PickList = found_or_404(selectors.pick_list_get, user=request.user, pk=pk)
    context = _context(pl, ship_form(request.GET))
    return render(request, "fulfilment/partials/compliance.html", context)

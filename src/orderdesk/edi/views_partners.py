"""Partner profile pages: the list, a new profile, a profile's edit form with its item
cross-references, and sending the partner an inventory advice (846).

The form parses; `partners` checks. A refused save shows the form again with the error at
the field the service names and everything as typed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from orderdesk.core.errors import NotFound
from orderdesk.core.roles import Capability, has_capability
from orderdesk.web.pages import capability_required, found_or_404, paginate

from . import commands, partners, selectors
from .forms import NEW_PARTNER, PartnerForm, PartnerItemForm, error_text
from .models import DOCUMENT_SETS, Send855, TradingPartner
from .views import run, tabs

EVENTS_SHOWN = 30


@capability_required(Capability.EDI_SETUP)
@require_http_methods(["GET"])
def partner_list_page(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:80]
    page = paginate(request, selectors.partner_list(user=request.user, q=q or None))
    context = {**tabs(request.user, "partners"), "page": page, "q": q}
    return render(request, "edi/partners.html", context)


def _form_context(
    request: HttpRequest,
    form: PartnerForm,
    partner: TradingPartner | None,
    item_form: PartnerItemForm | None = None,
) -> dict[str, Any]:
    user = request.user
    customer_id = partner.customer_id if partner is not None else None
    context: dict[str, Any] = {
        **tabs(user, "partners"),
        "form": form,
        "partner": partner,
        "document_sets": list(DOCUMENT_SETS.items()),
        "send_855_choices": Send855.choices,
        "chosen_documents": set(form["documents"].value() or []),
        "ship_to_codes": selectors.customer_ship_to_codes(user=user, customer_id=customer_id),
        "item_form": item_form or PartnerItemForm(),
        "items": [],
        "events": [],
        "can_send_846": False,
    }
    if partner is not None:
        context["items"] = list(selectors.partner_items(user=user, partner=partner))
        context["events"] = list(
            selectors.partner_events(user=user, partner=partner)[:EVENTS_SHOWN]
        )
        context["can_send_846"] = partner.exchanges("846") and has_capability(
            user, Capability.EDI_OPERATE
        )
    return context


def _customer_id(request: HttpRequest, form: PartnerForm) -> int | None:
    account = form.cleaned_data.get("customer", "")
    customer = selectors.customer_by_account(user=request.user, account=account)
    if customer is None:
        form.add_error(
            "customer",
            f"There is no customer with account number {account} — type the account number "
            "of the customer whose orders this partner sends",
        )
        return None
    return int(customer.pk)


@capability_required(Capability.EDI_SETUP)
@require_http_methods(["GET", "POST"])
def partner_new_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PartnerForm(request.POST)
        if form.is_valid():
            customer_id = _customer_id(request, form)
            if customer_id is not None:
                partner, exc = run(
                    partners.partner_create, actor=request.user, **form.profile(customer_id)
                )
                if exc is None:
                    messages.success(request, f"Partner {partner.name} is set up.")
                    return redirect("edi:partner", pk=partner.pk)
                form.show_error(exc)
    else:
        form = PartnerForm(initial=NEW_PARTNER)
    return render(request, "edi/partner_form.html", _form_context(request, form, None))


@capability_required(Capability.EDI_SETUP)
@require_http_methods(["GET", "POST"])
def partner_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    partner = found_or_404(selectors.partner_get, user=request.user, pk=pk)
    if request.method == "POST":
        form = PartnerForm(request.POST)
        if form.is_valid():
            customer_id = _customer_id(request, form)
            if customer_id is not None:
                saved, exc = run(
                    commands.partner_update_by_id,
                    actor=request.user,
                    pk=pk,
                    fields=form.profile(customer_id),
                )
                if exc is None:
                    messages.success(request, f"Partner {saved.name} is saved.")
                    return redirect("edi:partner", pk=pk)
                form.show_error(exc)
    else:
        form = PartnerForm(initial=PartnerForm.initial_for(partner))
    return render(request, "edi/partner_form.html", _form_context(request, form, partner))


def _edit_again(request: HttpRequest, pk: int, item_form: PartnerItemForm) -> HttpResponse:
    partner = found_or_404(selectors.partner_get, user=request.user, pk=pk)
    form = PartnerForm(initial=PartnerForm.initial_for(partner))
    context = _form_context(request, form, partner, item_form)
    context["item_open"] = True
    return render(request, "edi/partner_form.html", context)


@capability_required(Capability.EDI_SETUP)
@require_POST
def partner_item_set_action(request: HttpRequest, pk: int) -> HttpResponse:
    form = PartnerItemForm(request.POST)
    if not form.is_valid():
        return _edit_again(request, pk, form)
    row, exc = run(
        commands.partner_item_set_by_id, actor=request.user, pk=pk, body=form.cleaned_data
    )
    if exc is not None:
        form.show_error(exc)
        return _edit_again(request, pk, form)
    ref = " / ".join(x for x in (row.buyer_part, row.upc) if x)
    messages.success(request, f"{ref} is now our {row.item.sku}.")
    return redirect(reverse("edi:partner", args=[pk]) + "#items")


@capability_required(Capability.EDI_SETUP)
@require_POST
def partner_item_remove_action(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    _, exc = run(commands.partner_item_remove_by_id, actor=request.user, pk=pk, item_id=item_id)
    if isinstance(exc, NotFound):
        messages.error(request, "That cross-reference was already removed.")
    elif exc is not None:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "The cross-reference is removed.")
    return redirect("edi:partner", pk=pk)


@capability_required(Capability.EDI_SETUP)
@require_POST
def partner_846_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the partner our availability of their cross-referenced items now."""
    result, exc = run(commands.inventory_advice_send_by_id, actor=request.user, pk=pk)
    if exc is not None:
        messages.error(request, error_text(exc))
    else:
        number = getattr(result, "set_control", "") or getattr(result, "pk", "")
        messages.success(
            request,
            f"Inventory advice (846) queued for sending{f' (ST {number})' if number else ''}.",
        )
    return redirect("edi:partner", pk=pk)

"""Item pages for staff (MASTER_DATA_VIEW). Portal users do not see the catalogue with
stock and every price list; they see their own account and contract prices."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from orderdesk.core.roles import Capability
from orderdesk.web import page_queries
from orderdesk.web.forms import SearchForm
from orderdesk.web.pages import capability_required, found_or_404, is_htmx, paginate, vary_on_htmx

from .models import ItemStatus


@capability_required(Capability.MASTER_DATA_VIEW)
def item_list_page(request: HttpRequest) -> HttpResponse:
    """Search as you type, like the customer list; the same URL serves page and fragment."""
    form = SearchForm(request.GET, status_choices=list(ItemStatus.choices))
    q, status = form.query()
    page = paginate(request, page_queries.item_search(user=request.user, q=q, status=status))
    context = {"form": form, "q": q, "status": status, "page": page}
    if is_htmx(request):
        context["oob"] = True  # the live result count outside the table is replaced too
        return vary_on_htmx(render(request, "catalog/partials/item_results.html", context))
    return vary_on_htmx(render(request, "catalog/item_list.html", context))


@capability_required(Capability.MASTER_DATA_VIEW)
def item_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything a clerk checks before promising an item: units, compliance, kit, prices,
    stock by warehouse and lot."""
    data = found_or_404(page_queries.item_page, user=request.user, pk=pk)
    return render(request, "catalog/item_detail.html", {"data": data, "item": data.item})

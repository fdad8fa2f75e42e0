"""Customer pages. Each view is an access check and one page query; no business rules.

Staff need MASTER_DATA_VIEW. A portal user reaches only their own account: the selectors
scope every query to it, so another customer's page is a 404, never a 403 that would
confirm the account exists.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from orderdesk.core.roles import Capability, has_capability, is_portal
from orderdesk.web import page_queries
from orderdesk.web.forms import SearchForm
from orderdesk.web.pages import found_or_404, is_htmx, paginate, vary_on_htmx

from .models import CustomerStatus


@login_required
def customer_list_page(request: HttpRequest) -> HttpResponse:
    """Search as you type: an htmx request gets only the results table, a plain GET (no JS,
    a bookmark, Enter in the search box) the whole page with the same results."""
    user = request.user
    if is_portal(user):
        # A portal user has exactly one customer: the list would be a list of one.
        return redirect("parties:customer_detail", pk=user.customer_id)  # type: ignore[union-attr]
    if not has_capability(user, Capability.MASTER_DATA_VIEW):
        raise PermissionDenied("your role may not open the customer list")
    form = SearchForm(request.GET, status_choices=list(CustomerStatus.choices))
    q, status = form.query()
    page = paginate(request, page_queries.customer_search(user=user, q=q, status=status))
    context = {"form": form, "q": q, "status": status, "page": page}
    if is_htmx(request):
        context["oob"] = True  # the live result count outside the table is replaced too
        return vary_on_htmx(render(request, "parties/partials/customer_results.html", context))
    return vary_on_htmx(render(request, "parties/customer_list.html", context))


@login_required
def customer_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Header, bill-to and ship-to addresses, contacts and contract prices of one customer."""
    user = request.user
    if not (is_portal(user) or has_capability(user, Capability.MASTER_DATA_VIEW)):
        raise PermissionDenied("your role may not open customer records")
    data = found_or_404(page_queries.customer_page, user=user, pk=pk, today=timezone.localdate())
    return render(
        request,
        "parties/customer_detail.html",
        {
            "data": data,
            "customer": data.customer,
            "portal": is_portal(user),
            "can_view_items": has_capability(user, Capability.MASTER_DATA_VIEW),
        },
    )

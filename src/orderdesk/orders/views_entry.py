"""Order entry: keyboard-first, one `order_intake` call on submit, and the look-ups the grid
uses while the clerk types (customer suggestions, the picked customer's ship-tos, a SKU's
description, price and ATP)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from orderdesk.core.errors import DomainError, Forbidden
from orderdesk.core.roles import Capability, is_portal

from . import page_queries
from .forms import entry_draft, entry_forms, entry_show_error
from .intake import order_intake
from .models import SalesOrder
from .states import Channel, OrderStatus
from .views import need


@login_required
def order_new_page(request: HttpRequest) -> HttpResponse:
    """Keyboard-first order entry; the submit is one `order_intake` call. A held order goes
    to its exception screen, any other to its order page."""
    user = request.user
    need(user, Capability.ORDER_ENTRY)
    portal = is_portal(user)
    own = page_queries.own_customer(user) if portal else None
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
    customer = own or (page_queries.customer_by_account(user, account) if account else None)
    return render(
        request,
        "orders/new.html",
        {
            "entry": entry,
            "header": entry.header,
            "lines": entry.lines,
            "portal": portal,
            "customer": customer,
            "ship_tos": page_queries.ship_tos(user, customer) if customer else [],
            "ship_to": entry.header.data.get("ship_to", ""),
            "ship_methods": page_queries.ship_methods(),
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
    need(user, Capability.ORDER_ENTRY, portal=False)
    q = (request.GET.get("customer_q") or "").strip()[:100]
    found = page_queries.customers_matching(user, q) if q else []
    return render(
        request, "orders/partials/customer_suggestions.html", {"customers": found, "q": q}
    )


@login_required
@require_GET
def customer_pick(request: HttpRequest) -> HttpResponse:
    """The ship-to select of the picked customer (default first, pre-selected), and its
    summary out of band."""
    user = request.user
    need(user, Capability.ORDER_ENTRY, portal=False)
    account = (request.GET.get("customer") or "").strip()
    customer = page_queries.customer_by_account(user, account)
    return render(
        request,
        "orders/partials/customer_pick.html",
        {
            "customer": customer,
            "ship_tos": page_queries.ship_tos(user, customer) if customer else [],
            "ship_to": "",
        },
    )


@login_required
@require_GET
def sku_lookup(request: HttpRequest) -> HttpResponse:
    """Description, this customer's price and ATP of the SKU in one grid row (order entry's
    grid and the order page's "add lines")."""
    user = request.user
    need(user, Capability.ORDER_ENTRY)
    row = row_values(request.GET)
    own = page_queries.own_customer(user) if is_portal(user) else None
    account = (request.GET.get("customer") or "").strip()
    customer = own or (page_queries.customer_by_account(user, account) if account else None)
    info = page_queries.sku_info(user, customer, row)
    return render(request, "orders/partials/sku_info.html", {"info": info})


def row_values(params: Any) -> dict[str, str]:
    """sku, quantity and uom of one grid row, whatever its formset prefix (lines-7-sku)."""
    out = {"sku": "", "quantity": "", "uom": "", "customer_price": ""}
    for key, value in params.items():
        for name in out:
            if key == name or key.endswith(f"-{name}"):
                out[name] = (value or "").strip()
    return out

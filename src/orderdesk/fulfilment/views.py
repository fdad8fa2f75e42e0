"""Warehouse pages: what they share, the board (orders ready to release, open waves) with
its Release action, and a wave's pick lists. The pick, pack and ship screens are in
`views_pick`, `views_pack` and `views_ship`; shipments and their documents in
`views_shipment`.

Each view is an access check and one selector or service call. Actions answer with a
redirect and a message; a refused action shows the page again with the error, status 200.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from orderdesk.core.errors import DomainError
from orderdesk.core.roles import Capability
from orderdesk.web.pages import capability_required, found_or_404

from . import commands, selectors
from .models import Wave


def safe_reverse(name: str, *args: object) -> str:
    """The URL of a page another team builds, or "" while it does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def error_text(exc: DomainError) -> str:
    return f"{exc.message}. {exc.fix}" if exc.fix else exc.message


def _board_context(request: HttpRequest, chosen_id: str, *, error: str = "") -> dict[str, Any]:
    user = request.user
    houses = list(selectors.warehouses(user=user))
    chosen = next((w for w in houses if str(w.pk) == chosen_id), houses[0] if houses else None)
    now = timezone.now()
    context: dict[str, Any] = {
        "warehouses": houses,
        "warehouse": chosen,
        "error": error,
        "now": now,
    }
    if chosen is None:
        return context
    today = selectors.warehouse_today(chosen, now)
    queue = selectors.release_queue(user=user, warehouse=chosen, today=today, now=now)
    waves = list(selectors.wave_list(user=user, warehouse_id=chosen.pk, status="open"))
    context.update(
        {
            "today": today,
            "queue": queue,
            "ready": [r for r in queue if r.ready],
            "waves": waves,
            "pick_lists": list(
                selectors.pick_list_list(user=user, warehouse_id=chosen.pk).filter(
                    status__in=["open", "picked", "packed"]
                )[:100]
            ),
        }
    )
    return context


@require_GET
@capability_required(Capability.WAREHOUSE_OPS)
def board_page(request: HttpRequest) -> HttpResponse:
    context = _board_context(request, request.GET.get("warehouse", ""))
    return render(request, "fulfilment/board.html", context)


@require_POST
@capability_required(Capability.WAREHOUSE_OPS)
def release_action(request: HttpRequest, warehouse_id: int) -> HttpResponse:
    """Release the ticked orders, or every order that may go ("Release all ready")."""
    ids: list[int] | None = None
    if "selected" in request.POST:
        ids = [int(v) for v in request.POST.getlist("order") if v.isdigit()]
        if not ids:
            context = _board_context(
                request, str(warehouse_id), error="Tick the orders to release first."
            )
            return render(request, "fulfilment/board.html", context)
    try:
        waves = found_or_404(
            commands.release_by_warehouse,
            actor=request.user,
            warehouse_id=warehouse_id,
            order_ids=ids,
        )
    except DomainError as exc:
        context = _board_context(request, str(warehouse_id), error=error_text(exc))
        return render(request, "fulfilment/board.html", context)
    if waves:
        messages.success(
            request,
            f"Released to {len(waves)} wave{'s' if len(waves) != 1 else ''}: "
            + ", ".join(w.number for w in waves),
        )
    else:
        messages.info(request, "Nothing was ready to release.")
    return redirect(f"{reverse('fulfilment:board')}?warehouse={warehouse_id}")


@require_GET
@capability_required(Capability.WAREHOUSE_OPS)
def wave_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    wave: Wave = found_or_404(selectors.wave_get, user=request.user, pk=pk)
    return render(
        request,
        "fulfilment/wave_detail.html",
        {"wave": wave, "pick_lists": list(wave.pick_lists.all())},
    )

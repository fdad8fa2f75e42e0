"""The pack screen: what was picked (per line and lot) down the side, one column per
package with its kind, weight and size, and how much of each row is in it. "Add package"
adds a column (the form is posted back with what was typed, so no JavaScript is needed);
"Pack" packs. On a first visit one carton holds everything, weighed from the items."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from orderdesk.core.errors import DomainError
from orderdesk.core.roles import Capability
from orderdesk.web.pages import capability_required, found_or_404

from . import commands, selectors
from .forms import PackColumn, PackRow, pack_columns, pack_inputs
from .models import PackageKind, PickList, PickListStatus
from .views import error_text

ZERO = Decimal(0)


def pack_rows(pl: PickList) -> list[PackRow]:
    picked: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    lines = {ln.pk: ln for ln in pl.lines.all()}
    for ln in lines.values():
        for pick in ln.picks.all():
            picked[(ln.pk, pick.lot)] += pick.quantity
    rows = []
    for n, ((line_id, lot), q) in enumerate(
        sorted(picked.items(), key=lambda kv: (lines[kv[0][0]].order_line.line_no, kv[0]))
    ):
        ln = lines[line_id]
        rows.append(
            PackRow(
                n,
                line_id,
                lot,
                q,
                line_no=ln.order_line.line_no,
                sku=ln.item.sku,
                description=ln.item.description,
            )
        )
    return rows


def _estimated_weight(pl: PickList, rows: list[PackRow]) -> str:
    lines = {ln.pk: ln for ln in pl.lines.all()}
    if any(lines[r.line_id].item.weight_kg <= 0 for r in rows):
        return ""
    total = sum((lines[r.line_id].item.weight_kg * r.picked for r in rows), ZERO)
    return f"{total.quantize(Decimal('0.0001')).normalize():f}" if total else ""


def _context(
    pl: PickList, rows: list[PackRow], columns: list[PackColumn], error: str = ""
) -> dict[str, Any]:
    return {
        "pick_list": pl,
        "order": pl.order,
        "rows": rows,
        "columns": columns,
        "kinds": PackageKind.choices,
        "error": error,
        "can_pack": pl.status in (PickListStatus.PICKED, PickListStatus.PACKED),
        "packed": list(pl.packages.all()),
    }


@require_http_methods(["GET", "POST"])
@capability_required(Capability.WAREHOUSE_OPS)
def pack_page(request: HttpRequest, pk: int) -> HttpResponse:
    pl: PickList = found_or_404(selectors.pick_list_get, user=request.user, pk=pk)
    rows = pack_rows(pl)
    if request.method == "GET":
        columns = pack_columns(None, rows, _estimated_weight(pl, rows))
        return render(request, "fulfilment/pack.html", _context(pl, rows, columns))
    columns = pack_columns(request.POST, rows, "")
    if "add" in request.POST:
        return render(request, "fulfilment/pack.html", _context(pl, rows, columns))
    try:
        packages = commands.pack_by_id(
            actor=request.user, pick_list_id=pk, packages=pack_inputs(columns, rows)
        )
    except DomainError as exc:
        return render(request, "fulfilment/pack.html", _context(pl, rows, columns, error_text(exc)))
    messages.success(
        request,
        f"{pl.number} packed in {len(packages)} package{'s' if len(packages) != 1 else ''}: "
        + ", ".join(p.number for p in packages)
        + ". Ship it now.",
    )
    return redirect(reverse("fulfilment:ship", args=[pk]))

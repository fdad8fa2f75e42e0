"""The pick screen: one row per pick line with the lot to take (first expiring first) and
what else is on the shelf; a scan field per row that takes a scanner's Enter, the quantity,
a second lot for a line, and the reason when something is left short.

Without JavaScript it is a plain form. With it, Enter in a scan field moves to the next
line (never submits half a pick list) and each scan is read back at once: the lot it
names, and a warning when that lot is on hold, not here or not the one to take.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from orderdesk.catalog.models import Tracking
from orderdesk.core.errors import DomainError
from orderdesk.core.roles import Capability
from orderdesk.web.pages import capability_required, found_or_404

from . import commands, selectors
from .forms import PickRow, pick_inputs, pick_rows
from .models import PickLine, PickList, PickListStatus
from .scan import ScanError, scan_parse
from .selectors import ShelfLot
from .views import error_text


@dataclass
class ScreenRow:
    """One input row on the screen (a pick line, or a second lot of one)."""

    index: int
    line: PickLine
    shelf: list[ShelfLot]
    scanned: str = ""
    quantity: str = ""
    extra: bool = False
    picks: list[Any] = field(default_factory=list)

    @property
    def tracked(self) -> bool:
        return self.line.item.tracking != Tracking.NONE

    @property
    def serial(self) -> bool:
        return self.line.item.tracking == Tracking.SERIAL


def _rows(pl: PickList, posted: list[PickRow] | None) -> list[ScreenRow]:
    lines = list(pl.lines.all())
    shelf = selectors.shelf_lots(pl)
    by_id = {ln.pk: ln for ln in lines}
    if posted:
        out, seen = [], set()
        for n, row in enumerate(posted):
            line = by_id.get(row.line_id)
            if line is None:
                continue
            out.append(
                ScreenRow(
                    n,
                    line,
                    shelf.get(line.item_id, []),
                    row.scanned,
                    row.quantity,
                    extra=line.pk in seen,
                )
            )
            seen.add(line.pk)
        return out
    return [
        ScreenRow(
            n,
            ln,
            shelf.get(ln.item_id, []),
            quantity=f"{ln.quantity.normalize():f}",
            picks=list(ln.picks.all()),
        )
        for n, ln in enumerate(lines)
    ]


def _context(
    pl: PickList, posted: list[PickRow] | None = None, *, error: str = "", reason: str = ""
) -> dict[str, Any]:
    return {
        "pick_list": pl,
        "order": pl.order,
        "rows": _rows(pl, posted),
        "open": pl.status == PickListStatus.OPEN,
        "error": error,
        "short_reason": reason,
    }


@require_http_methods(["GET", "POST"])
@capability_required(Capability.WAREHOUSE_OPS)
def pick_page(request: HttpRequest, pk: int) -> HttpResponse:
    pl: PickList = found_or_404(selectors.pick_list_get, user=request.user, pk=pk)
    if request.method == "GET":
        return render(request, "fulfilment/pick.html", _context(pl))
    posted = pick_rows(request.POST)
    reason = request.POST.get("short_reason", "")
    try:
        done = commands.picks_by_id(
            actor=request.user,
            pick_list_id=pk,
            picks=pick_inputs(posted),
            short_reason=reason,
        )
    except DomainError as exc:
        context = _context(pl, posted, error=error_text(exc), reason=reason)
        return render(request, "fulfilment/pick.html", context)
    if done.status == PickListStatus.PICKED:
        short = sum(ln.qty_short for ln in done.lines.all())
        note = f", {short.normalize():f} short (backordered)" if short else ""
        messages.success(request, f"{done.number} picked{note}. Pack it now.")
        return redirect(reverse("fulfilment:pack", args=[pk]))
    messages.warning(
        request,
        f"{done.number} is cancelled: nothing of order {done.order.number} ships now"
        + (" (ship complete)" if done.order.ship_complete else "")
        + "; it waits for the backorder.",
    )
    return redirect(f"{reverse('fulfilment:board')}?warehouse={done.warehouse_id}")


def scan_feedback(line: PickLine, scanned: str, shelf: list[ShelfLot]) -> tuple[str, str]:
    """(level, text) for a scan on a pick line: "ok", "warn" or "bad", in the picker's words."""
    item = line.item
    if not scanned.strip():
        return "", ""
    try:
        scan = scan_parse(scanned)
    except ScanError as exc:
        return "bad", f"Cannot read the scan: {exc}"
    if item.tracking == Tracking.NONE:
        return "ok", f"{item.sku}: no lot needed" + (f" (GTIN {scan.gtin})" if scan.gtin else "")
    serial = item.tracking == Tracking.SERIAL
    what = "serial" if serial else "lot"
    code = scan.code_for(serial=serial).strip()
    if not code:
        return "bad", f"No {what} in that barcode: scan the {what}"
    found = next((s for s in shelf if s.lot == code), None)
    count = f", count {scan.count}" if scan.count is not None else ""
    if found is None:
        return "bad", f"{what.capitalize()} {code} is not on the shelf here"
    if found.on_hold:
        return "bad", f"{what.capitalize()} {code} is on quality hold: {found.hold_reason}"
    if code == line.lot:
        return "ok", f"{what.capitalize()} {code}: the one to take{count}"
    if found.free <= 0:
        return "bad", f"{what.capitalize()} {code} is reserved for other orders: take {line.lot}"
    return "warn", (
        f"{what.capitalize()} {code} instead of {line.lot}: "
        f"{found.free.normalize():f} free, the reservation moves to it{count}"
    )


@require_GET
@capability_required(Capability.WAREHOUSE_OPS)
def scan_check(request: HttpRequest, pk: int) -> HttpResponse:
    """The read-back under a scan field (an htmx fragment)."""
    pl: PickList = found_or_404(selectors.pick_list_get, user=request.user, pk=pk)
    row = request.GET.get("row", "")
    try:
        line_id = int(request.GET.get(f"line-{row}", ""))
    except ValueError:
        return HttpResponse("")
    line = next((ln for ln in pl.lines.all() if ln.pk == line_id), None)
    if line is None:
        return HttpResponse("")
    shelf = selectors.shelf_lots(pl).get(line.item_id, [])
    level, text = scan_feedback(line, request.GET.get(f"scan-{row}", ""), shelf)
    return render(request, "fulfilment/partials/scan_feedback.html", {"level": level, "text": text})

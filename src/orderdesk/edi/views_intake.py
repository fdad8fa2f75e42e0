"""The intake queue: e-mails and files that could not be read on their own, each with its
original attached, waiting for a clerk to take it in by hand, dismiss it or retry it.

The original is served only here, to users who may work the queue, always as an
attachment (never rendered in the browser: an e-mail or file from outside is untrusted).
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from orderdesk.core.roles import Capability
from orderdesk.web.pages import capability_required, found_or_404, paginate

from . import commands, selectors
from .forms import IntakeResolveForm, NoteForm, error_text
from .models import IntakeItem, IntakeStatus
from .views import need, run, tabs

NOTE_NEEDED = "Type a note: it says what was done with it, for whoever looks later."
STATUS_TABS = [
    ("waiting", "Waiting"),
    ("done", "Taken in"),
    ("dismissed", "Dismissed"),
    ("all", "All"),
]


@capability_required(Capability.EDI_OPERATE)
@require_GET
def intake_list_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    status = request.GET.get("status", "waiting")
    if status not in {k for k, _ in STATUS_TABS}:
        status = "waiting"
    q = request.GET.get("q", "").strip()[:80]
    items = selectors.intake_item_list(
        user=user, status=None if status == "all" else status, q=q or None
    )
    counts = selectors.intake_counts(user=user)
    counts["all"] = sum(counts.values())
    context = {
        **tabs(user, "intake"),
        "page": paginate(request, items),
        "status": status,
        "q": q,
        "status_tabs": [(k, label, counts.get(k, 0)) for k, label in STATUS_TABS],
    }
    return render(request, "edi/intake_list.html", context)


def _detail_context(
    request: HttpRequest,
    item: IntakeItem,
    *,
    at: str = "",
    error: str = "",
    typed: dict[str, str] | None = None,
) -> dict[str, Any]:
    user = request.user
    return {
        **tabs(user, "intake"),
        "item": item,
        "waiting": item.status == IntakeStatus.WAITING,
        "events": list(selectors.intake_item_events(user=user, item=item)),
        "at": at,
        "error": error,
        # A refusal shown at the top: a retry's, or any once the item is closed (its forms
        # are gone: another clerk got there first).
        "top_error": error if at == "retry" or item.status != IntakeStatus.WAITING else "",
        "typed": typed or {},
    }


@capability_required(Capability.EDI_OPERATE)
@require_GET
def intake_item_page(request: HttpRequest, pk: int) -> HttpResponse:
    item = found_or_404(selectors.intake_item_get, user=request.user, pk=pk)
    return render(request, "edi/intake_item.html", _detail_context(request, item))


@login_required
@require_GET
def intake_original(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The e-mail or file as received, as a download."""
    need(request.user, Capability.EDI_OPERATE)
    item = found_or_404(selectors.intake_item_get, user=request.user, pk=pk)
    if not item.original:
        raise Http404("the original of this item was not kept")
    try:
        handle = item.original.open("rb")
    except FileNotFoundError as exc:
        raise Http404("the original of this item is missing from storage") from exc
    name = commands.original_name(item)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if name.lower().endswith(".eml"):
        content_type = "message/rfc822"
    response = FileResponse(handle, content_type=content_type, as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _again(
    request: HttpRequest, pk: int, at: str, error: str, typed: dict[str, str]
) -> HttpResponse:
    item = found_or_404(selectors.intake_item_get, user=request.user, pk=pk)
    context = _detail_context(request, item, at=at, error=error, typed=typed)
    return render(request, "edi/intake_item.html", context)


@capability_required(Capability.EDI_OPERATE)
@require_POST
def intake_resolve_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Taken in by hand: the note says how, the order numbers what it became."""
    form = IntakeResolveForm(request.POST)
    typed = {k: request.POST.get(k, "") for k in ("note", "orders")}
    if not form.is_valid():
        return _again(request, pk, "resolve", NOTE_NEEDED, typed)
    item, exc = run(
        commands.intake_item_resolve_by_id,
        actor=request.user,
        pk=pk,
        note=form.cleaned_data["note"],
        orders=form.cleaned_data["orders"],
    )
    if exc is not None:
        return _again(request, pk, "resolve", error_text(exc), typed)
    made = f" as {', '.join(item.orders)}" if item.orders else ""
    messages.success(request, f"Taken in{made}.")
    return redirect("edi:intake")


@capability_required(Capability.EDI_OPERATE)
@require_POST
def intake_dismiss_action(request: HttpRequest, pk: int) -> HttpResponse:
    form = NoteForm(request.POST)
    typed = {"dismiss_note": request.POST.get("note", "")}
    if not form.is_valid():
        return _again(request, pk, "dismiss", NOTE_NEEDED, typed)
    _, exc = run(
        commands.intake_item_dismiss_by_id,
        actor=request.user,
        pk=pk,
        note=form.cleaned_data["note"],
    )
    if exc is not None:
        return _again(request, pk, "dismiss", error_text(exc), typed)
    messages.success(request, "Dismissed.")
    return redirect("edi:intake")


@capability_required(Capability.EDI_OPERATE)
@require_POST
def intake_retry_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Read the original again, after the customer, a mapping or an item was set up."""
    _, exc = run(commands.intake_item_retry_by_id, actor=request.user, pk=pk)
    if exc is not None:
        return _again(request, pk, "retry", error_text(exc), {})
    item = found_or_404(selectors.intake_item_get, user=request.user, pk=pk)
    if item.status == IntakeStatus.WAITING:
        messages.warning(request, f"Still not readable on its own: {item.reason}")
        return redirect("edi:intake_item", pk=pk)
    made = f": {', '.join(item.orders)}" if item.orders else ""
    messages.success(request, f"Read this time{made}.")
    return redirect("edi:intake")

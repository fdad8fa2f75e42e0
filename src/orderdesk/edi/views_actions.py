"""The document page's actions: re-process (the set as stored, or corrected), retry, mark
resolved. Each needs a reason, is one command and is recorded on the document's history.

Done, it redirects to the document page with a message saying what happened; refused, it
shows the document page again with the error at the form that sent it and what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from orderdesk.core.roles import Capability
from orderdesk.web.pages import capability_required, found_or_404

from . import commands, selectors
from .forms import ReasonForm, ReprocessForm, error_text
from .models import DocumentStatus, EdiDocument
from .views import ActionState, document_context, run

REASON_NEEDED = "Type the reason: it is kept on the document's history."


def _again(request: HttpRequest, pk: int, state: ActionState) -> HttpResponse:
    doc = found_or_404(selectors.document_get, user=request.user, pk=pk)
    return render(request, "edi/document.html", document_context(request, doc, state))


def _outcome(doc: EdiDocument, verb: str) -> str:
    what = f"{doc.set_id} {doc.reference or doc.set_control}".strip()
    if doc.status == DocumentStatus.RESOLVED:
        return f"{what} is marked resolved and off the queue."
    text = f"{what} {verb}: {doc.get_status_display().lower()}"
    if doc.sales_order_id and doc.sales_order is not None:
        text += f"; order {doc.sales_order.number} ({doc.sales_order.get_status_display().lower()})"
    return text + "."


def _reason_action(
    request: HttpRequest, pk: int, at: str, command: Callable[..., Any], verb: str
) -> HttpResponse:
    form = ReasonForm(request.POST)
    typed = request.POST.get("reason", "")
    if not form.is_valid():
        return _again(request, pk, ActionState(at, REASON_NEEDED, reason=typed))
    doc, exc = run(command, actor=request.user, pk=pk, reason=form.cleaned_data["reason"])
    if exc is not None:
        return _again(request, pk, ActionState(at, error_text(exc), reason=typed))
    messages.success(request, _outcome(doc, verb))
    return redirect("edi:document", pk=pk)


@capability_required(Capability.EDI_OPERATE)
@require_POST
def document_retry_action(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_action(request, pk, "retry", commands.document_retry_by_id, "retried")


@capability_required(Capability.EDI_OPERATE)
@require_POST
def document_resolve_action(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_action(
        request, pk, "resolve", commands.document_resolve_by_id, "marked resolved"
    )


@capability_required(Capability.EDI_OPERATE)
@require_POST
def document_reprocess_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-process the set; the textarea holds the raw set, corrected by the clerk or not."""
    form = ReprocessForm(request.POST)
    raw, reason = request.POST.get("raw", ""), request.POST.get("reason", "")
    if not form.is_valid():
        return _again(request, pk, ActionState("reprocess", REASON_NEEDED, raw, reason))
    doc, exc = run(
        commands.document_reprocess_by_id,
        actor=request.user,
        pk=pk,
        raw=form.cleaned_data["raw"],
        reason=form.cleaned_data["reason"],
    )
    if exc is not None:
        return _again(request, pk, ActionState("reprocess", error_text(exc), raw, reason))
    messages.success(request, _outcome(doc, "re-processed"))
    return redirect("edi:document", pk=pk)

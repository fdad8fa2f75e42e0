"""EDI pages: the monitor (documents in and out, interchanges, upload) and the document
page. Actions on a document are in `views_actions`, partner profiles in `views_partners`,
the intake queue in `views_intake`.

Each view is an access check and one selector or command. A row on the monitor reads the
way a clerk asks about it: whose document (partner, type, PO / shipment / invoice number,
date), then who must act, then what state it is in and what it made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from orderdesk.core.errors import DomainError, Forbidden, NotFound
from orderdesk.core.roles import Capability, has_capability
from orderdesk.web.pages import capability_required, found_or_404, is_htmx, paginate, vary_on_htmx

from . import commands, explain, selectors
from .forms import UploadForm, error_text
from .models import (
    Actor,
    Direction,
    DocumentStatus,
    EdiDocument,
    Interchange,
    InterchangeStatus,
)

R = TypeVar("R", bound=HttpResponseBase)

#: Interchanges shown on the monitor; the rest are on the interchanges page.
RECENT_INTERCHANGES = 8
#: Timeline entries shown on the document page.
EVENTS_SHOWN = 100
#: Sets offered in the monitor's filter.
SET_CHOICES = [(k, explain.set_words(k)) for k in explain.SET_NAMES]


def url_or_none(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def run(fn: Callable[..., Any], **kwargs: Any) -> tuple[Any, DomainError | None]:
    """A command: (result, None) or (None, the refusal). Not found and not allowed are 404
    and 403, as for any page."""
    try:
        return fn(**kwargs), None
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except NotFound as exc:
        if exc.field:
            return None, exc
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return None, exc


def tabs(user: Any, current: str) -> dict[str, Any]:
    """The EDI section's tabs; the intake tab carries the count of items waiting."""
    counts = selectors.intake_counts(user=user)
    items = [
        ("monitor", "Monitor", reverse("edi:monitor"), None),
        ("interchanges", "Interchanges", reverse("edi:interchanges"), None),
        ("intake", "Intake queue", reverse("edi:intake"), counts["waiting"]),
    ]
    if has_capability(user, Capability.EDI_SETUP):
        items.append(("partners", "Partners", reverse("edi:partners"), None))
    return {"edi_tabs": items, "edi_tab": current}


# -- the monitor ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    direction: str = ""
    partner: int | None = None
    set_id: str = ""
    status: str = ""
    action_by: str = ""
    overdue: bool = False
    q: str = ""

    @property
    def any(self) -> bool:
        return bool(
            self.direction
            or self.partner
            or self.set_id
            or self.status
            or self.action_by
            or self.overdue
            or self.q
        )


def _filters(request: HttpRequest) -> Filters:
    get = request.GET
    partner = get.get("partner", "")
    direction = get.get("direction", "")
    action_by = get.get("action_by", "")
    status = get.get("status", "")
    return Filters(
        direction=direction if direction in Direction.values else "",
        partner=int(partner) if partner.isdigit() else None,
        set_id=get.get("set", "")[:3] if get.get("set", "").isdigit() else "",
        status=status if status in DocumentStatus.values else "",
        action_by=action_by if action_by in (Actor.US, Actor.PARTNER) else "",
        overdue=get.get("overdue") in ("1", "on", "true"),
        q=get.get("q", "").strip()[:80],
    )


@dataclass(frozen=True)
class MonitorRow:
    doc: EdiDocument
    set_words: str
    reference_words: str
    #: "us", "partner" or "" (nothing left to do)
    who: str
    #: the first error, as the clerk reads it on the document page
    first_error: str = ""
    holds: list[str] = field(default_factory=list)


def who_acts(doc: EdiDocument) -> str:
    return "" if doc.status in selectors.SETTLED else str(doc.action_by or "")


def first_error(doc: EdiDocument) -> str:
    for e in doc.errors or []:
        if isinstance(e, dict) and (e.get("severity") or "error") == "error":
            text = str(e.get("message") or "")
            fix = str(e.get("fix") or "")
            return f"{text}; {fix}" if fix and text else text or fix
    return ""


def hold_words(order: Any) -> list[str]:
    """ "Price hold", "Credit hold": one per kind of open hold on the order."""
    seen: list[str] = []
    for finding in getattr(order, "open_holds", None) or []:
        text = f"{finding.get_hold_kind_display()} hold"
        if text not in seen:
            seen.append(text)
    return seen


def monitor_row(doc: EdiDocument) -> MonitorRow:
    return MonitorRow(
        doc,
        explain.set_words(doc.set_id),
        explain.REFERENCE_WORDS.get(doc.set_id, "Ref."),
        who_acts(doc),
        first_error(doc) if who_acts(doc) else "",
        hold_words(doc.sales_order) if doc.sales_order_id else [],
    )


def _monitor_context(request: HttpRequest, upload_form: UploadForm | None = None) -> dict[str, Any]:
    user = request.user
    f = _filters(request)
    docs = selectors.document_list(
        user=user,
        direction=f.direction or None,
        partner_id=f.partner,
        set_id=f.set_id or None,
        status=f.status or None,
        action_by=f.action_by or None,
        overdue=f.overdue,
        q=f.q or None,
    )
    page = paginate(request, docs)
    context: dict[str, Any] = {
        "page": page,
        "rows": [monitor_row(d) for d in page.object_list],
        "f": f,
        "q": f.q,
    }
    context["counts"] = selectors.monitor_counts(user=user)
    if is_htmx(request):
        return context
    context.update(tabs(user, "monitor"))
    context.update(
        {
            "partners": list(selectors.partner_choices(user=user)),
            "set_choices": SET_CHOICES,
            "status_choices": DocumentStatus.choices,
            "directions": Direction.choices,
            "interchanges": list(selectors.interchange_list(user=user)[:RECENT_INTERCHANGES]),
            "upload_form": upload_form or UploadForm(),
        }
    )
    return context


@capability_required(Capability.EDI_OPERATE)
@require_GET
def monitor_page(request: HttpRequest) -> HttpResponse:
    """Documents in and out, newest first, with the filters; an htmx filter change gets the
    table only."""
    context = _monitor_context(request)
    if is_htmx(request):
        context["oob"] = True
        return vary_on_htmx(render(request, "edi/partials/monitor_results.html", context))
    return vary_on_htmx(render(request, "edi/monitor.html", context))


def _received_text(received: commands.Received, file_name: str) -> str:
    if received.kind == "x12":
        n_docs = len(received.documents)
        failed = sum(
            1
            for d in received.documents
            if getattr(d, "status", "") in (DocumentStatus.FAILED, DocumentStatus.REJECTED)
        )
        parts = [
            f"{file_name}: {len(received.interchanges)} interchange"
            f"{'' if len(received.interchanges) == 1 else 's'}",
            f"{n_docs} document{'' if n_docs == 1 else 's'}",
        ]
        if received.orders:
            parts.append(
                f"order{'' if len(received.orders) == 1 else 's'} " + ", ".join(received.orders)
            )
        if failed:
            parts.append(f"{failed} failed: see the documents marked “Us” or “Partner”")
        return " · ".join(parts) + "."
    if received.intake_items and not received.orders:
        return f"{file_name} could not be read on its own: it waits in the intake queue."
    orders = ", ".join(received.orders)
    return f"{file_name}: order{'' if len(received.orders) == 1 else 's'} {orders}."


@capability_required(Capability.EDI_OPERATE)
@require_POST
def upload_action(request: HttpRequest) -> HttpResponse:
    """An X12 file goes to the inbound gateway, a CSV or XLSX purchase order to spreadsheet
    intake. Large files are stored and read in the background."""
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        name = PurePath(upload.name or "upload").name
        result, exc = run(
            commands.file_submit,
            actor=request.user,
            upload=upload,
            file_name=name,
            customer_account=form.cleaned_data.get("customer") or "",
        )
        if exc is None:
            if isinstance(result, commands.Queued):
                messages.success(
                    request,
                    f"{name} ({result.size:,} bytes) is stored and is being read in the "
                    "background: its documents appear here as they are processed.",
                )
            else:
                messages.success(request, _received_text(result, name))
                if result.intake_items and not result.orders:
                    return redirect("edi:intake_item", pk=result.intake_items[0].pk)
            return redirect("edi:monitor")
        target = exc.field if exc.field in ("file", "customer") else None
        form.add_error(target, error_text(exc))
    context = _monitor_context(request, upload_form=form)
    context["upload_open"] = True
    return render(request, "edi/monitor.html", context)


# -- interchanges -----------------------------------------------------------------------------


@capability_required(Capability.EDI_OPERATE)
@require_GET
def interchange_list_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    direction = request.GET.get("direction", "")
    status = request.GET.get("status", "")
    partner = request.GET.get("partner", "")
    q = request.GET.get("q", "").strip()[:80]
    qs = selectors.interchange_list(
        user=user,
        direction=direction if direction in Direction.values else None,
        status=status if status in InterchangeStatus.values else None,
        partner_id=int(partner) if partner.isdigit() else None,
        q=q or None,
    )
    context = {
        **tabs(user, "interchanges"),
        "page": paginate(request, qs),
        "q": q,
        "direction": direction,
        "status": status,
        "partner": partner,
        "partners": list(selectors.partner_choices(user=user)),
        "statuses": InterchangeStatus.choices,
        "directions": Direction.choices,
    }
    return render(request, "edi/interchanges.html", context)


def _attachment(response: R, filename: str) -> R:
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in filename) or "file"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def need(user: Any, capability: Capability) -> None:
    """The check `capability_required` makes, for views that stream (a FileResponse is no
    HttpResponse to that decorator's type)."""
    if not has_capability(user, capability):
        raise PermissionDenied(f"your role may not open this page ({capability.value})")


@login_required
@require_GET
def interchange_raw(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The interchange exactly as received or sent, as a download."""
    need(request.user, Capability.EDI_OPERATE)
    interchange: Interchange = found_or_404(selectors.interchange_get, user=request.user, pk=pk)
    if not interchange.raw:
        raise Http404("the raw file of this interchange was not kept")
    try:
        handle = interchange.raw.open("rb")
    except FileNotFoundError as exc:
        raise Http404("the raw file of this interchange is missing from storage") from exc
    name = f"{interchange.direction}-{interchange.control_number or interchange.pk}.x12"
    response = FileResponse(handle, content_type="application/edi-x12")
    return _attachment(response, name)


# -- the document page ------------------------------------------------------------------------


def _who_acts(doc: EdiDocument) -> tuple[str, str]:
    """Who must act, and what they do, in a clerk's words."""
    if doc.status in selectors.SETTLED:
        return "", "Nothing to do."
    if doc.action_by == Actor.US:
        return (
            "Us",
            "Correct the set below and re-process it, retry it after fixing the master data "
            "(an item cross-reference, a ship-to), or mark it resolved with the reason.",
        )
    if doc.action_by == Actor.PARTNER:
        if doc.direction == Direction.OUTBOUND:
            return (
                "The partner",
                "They have not acknowledged this document: ask them for the 997, resend it, "
                "or mark it resolved when they confirm another way.",
            )
        return (
            "The partner",
            "We rejected it in our 997: they must correct it and send it again. Re-process it "
            "only if they send the correction to us by other means.",
        )
    return "", ""


@dataclass(frozen=True)
class ActionState:
    """A refused action posted back: which form, the error, and what was typed."""

    at: str = ""
    error: str = ""
    raw: str | None = None
    reason: str = ""


def document_context(
    request: HttpRequest, doc: EdiDocument, state: ActionState | None = None
) -> dict[str, Any]:
    user = request.user
    state = state or ActionState()
    partner = doc.partner
    component = partner.component_separator if partner is not None else ""
    errors = explain.explain_all(doc.errors, component_separator=component)
    interchange = doc.interchange
    envelope = (
        explain.explain_all(interchange.errors, component_separator=component)
        if interchange is not None
        else []
    )
    who_words, what = _who_acts(doc)
    reply_doc = selectors.reply_document(user=user, document=doc)
    settled = doc.status in selectors.SETTLED
    forms = {
        "reprocess": doc.direction == Direction.INBOUND and not settled,
        # An inbound set that breaks the grammar fails the same way again as it is.
        "retry": not settled
        and not (doc.direction == Direction.INBOUND and doc.status == DocumentStatus.REJECTED),
        "resolve": not settled,
    }
    return {
        **tabs(user, "monitor"),
        "doc": doc,
        "set_words": explain.set_words(doc.set_id),
        "reference_words": explain.REFERENCE_WORDS.get(doc.set_id, "Reference"),
        "who": who_acts(doc),
        "who_words": who_words,
        "what": what,
        "holds": hold_words(doc.sales_order) if doc.sales_order_id else [],
        "errors": errors,
        "envelope_errors": envelope,
        "error_count": len(errors) + len(envelope),
        "ta1_text": explain.code_text("interchange", interchange.ta1_code)
        if interchange is not None and interchange.ta1_code
        else "",
        "raw_lines": explain.raw_lines(doc.raw, doc.errors, component_separator=component),
        "reply_doc": reply_doc,
        "order_url": url_or_none("orders:detail", doc.sales_order_id)
        if doc.sales_order_id
        else None,
        "shipment_url": url_or_none("fulfilment:shipment_detail", doc.shipment_id)
        if doc.shipment_id
        else None,
        "invoice_url": url_or_none("billing:invoice_detail", doc.invoice_id)
        if doc.invoice_id
        else None,
        "can_reprocess": forms["reprocess"],
        "can_retry": forms["retry"],
        "can_resolve": forms["resolve"],
        # A refusal whose form is not on the page (the document moved on meanwhile).
        "top_error": "" if forms.get(state.at) else state.error,
        "events": list(selectors.document_events(user=user, document=doc)[:EVENTS_SHOWN]),
        "state": state,
        "raw_typed": doc.raw if state.raw is None else state.raw,
    }


@capability_required(Capability.EDI_OPERATE)
@require_GET
def document_page(request: HttpRequest, pk: int) -> HttpResponse:
    doc = found_or_404(selectors.document_get, user=request.user, pk=pk)
    return render(request, "edi/document.html", document_context(request, doc))


@capability_required(Capability.EDI_OPERATE)
@require_GET
def document_raw(request: HttpRequest, pk: int) -> HttpResponse:
    """The set's raw text (ST to SE) as a download."""
    doc = found_or_404(selectors.document_get, user=request.user, pk=pk)
    response = HttpResponse(doc.raw, content_type="application/edi-x12; charset=utf-8")
    return _attachment(response, f"{doc.set_id}-{doc.reference or doc.set_control or doc.pk}.x12")

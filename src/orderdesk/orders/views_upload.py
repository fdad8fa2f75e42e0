"""The order file upload: upload a CSV/XLSX file, pick the customer and mapping, see the
preview, import it, download the rows not taken in."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from orderdesk.core.errors import DomainError, Forbidden, NotFound
from orderdesk.core.roles import Capability

from . import file_intake, page_queries
from .forms import UploadForm, error_text
from .mappings import LINE_LEVEL, ORDER_LEVEL
from .models import ColumnMapping
from .views import call, need


def _mapping_label(m: ColumnMapping) -> str:
    return f"{m.customer.account_number if m.customer else 'House'} · {m.name}"


def _mapping_choices(mappings: list[ColumnMapping]) -> list[tuple[int, str]]:
    return [(m.pk, _mapping_label(m)) for m in mappings]


@login_required
def upload_page(request: HttpRequest) -> HttpResponse:
    """Upload a CSV/XLSX order file, pick the customer and mapping, see the preview: the
    orders the file would make and each bad row with its column and fix. Nothing is
    ordered until Import."""
    user = request.user
    need(user, Capability.ORDER_ENTRY, portal=False)
    mappings = page_queries.mappings()
    order_file = None
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, mappings=_mapping_choices(mappings))
        if form.is_valid():
            account = form.cleaned_data.get("customer") or ""
            customer = page_queries.customer_by_account(user, account)
            if account and customer is None:
                form.add_error("customer", f"No customer with account number {account}.")
            else:
                upload = form.cleaned_data["file"]
                mapping_id = form.cleaned_data.get("mapping")
                try:
                    order_file = file_intake.order_file_preview(
                        actor=user,
                        data=upload.read(),
                        file_name=upload.name or "upload.csv",
                        customer=customer,
                        mapping=next((m for m in mappings if m.pk == mapping_id), None),
                    )
                except Forbidden as exc:
                    raise PermissionDenied(exc.message) from exc
                except DomainError as exc:
                    target = exc.field if exc.field in ("customer", "mapping") else None
                    form.add_error(target, error_text(exc))
    else:
        form = UploadForm(mappings=_mapping_choices(mappings))
    return render(request, "orders/upload.html", _upload_context(form, order_file))


def _upload_context(form: UploadForm, order_file: Any) -> dict[str, Any]:
    preview = order_file.preview if order_file is not None else None
    result = order_file.result if order_file is not None and order_file.result else None
    counts = (result or {}).get("counts") or {}
    parts = [
        (f"{counts[key]} {text}", key == "not_imported")
        for key, text in [
            ("accepted", "accepted"),
            ("held", "on hold"),
            ("already_received", "received before"),
            ("not_imported", "not taken in"),
        ]
        if counts.get(key)
    ]
    return {
        "columns": {"order": ORDER_LEVEL, "line": LINE_LEVEL},
        "result_parts": parts,
        "form": form,
        "order_file": order_file,
        "preview": preview,
        "result": result,
        "importable": bool(preview and not result and (preview.get("counts") or {}).get("ready")),
    }


@login_required
@require_POST
def upload_import(request: HttpRequest, file_id: int) -> HttpResponse:
    """Import a previewed file: every order without a bad row goes through intake."""
    user = request.user
    need(user, Capability.ORDER_ENTRY, portal=False)
    order_file = call(page_queries.order_file_get, user=user, pk=file_id)
    try:
        order_file = file_intake.order_file_import(actor=user, order_file=order_file)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, error_text(exc))
    form = UploadForm(mappings=_mapping_choices(page_queries.mappings()))
    return render(request, "orders/upload.html", _upload_context(form, order_file))


@login_required
@require_GET
def upload_errors(request: HttpRequest, file_id: int) -> HttpResponse:
    """The rows of the orders not taken in, as read, with an error column: correct them and
    upload this file again."""
    user = request.user
    need(user, Capability.ORDER_ENTRY, portal=False)
    order_file = call(page_queries.order_file_get, user=user, pk=file_id)
    content = file_intake.order_file_errors(order_file=order_file)
    if content is None:
        raise Http404("every order of this file was taken in")
    xlsx = order_file.file_name.lower().endswith(".xlsx")
    response = HttpResponse(
        content,
        content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            if xlsx
            else "text/csv; charset=utf-8"
        ),
    )
    name = file_intake.errors_file_name(order_file)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

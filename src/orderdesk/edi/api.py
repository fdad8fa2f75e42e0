"""EDI and intake over REST. Thin by rule: parse, call one service or selector, return.

The monitor, the document actions, uploads and the intake queue need EDI_OPERATE; partner
profiles EDI_SETUP. Portal, technician and warehouse users get 403 on every endpoint.

`POST /edi/files` reads a file up to `ORDERDESK_EDI_SYNC_UPLOAD_BYTES` (default 2 MB) during
the request and answers 201 with what it made; a larger X12 file is kept in storage, handed
to the `edi_stored_file_process` task and answered 202 with the task id: its documents then
appear in `GET /edi/documents` as they are processed.
"""

from typing import Any, TypeVar

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from ninja import File, Form, Query, Router, UploadedFile
from ninja.pagination import paginate

from orderdesk.core.apitools import Page, answers

from . import commands, partners, selectors
from .schemas import (
    DocumentFilter,
    DocumentOut,
    DocumentSummaryOut,
    IntakeFilter,
    IntakeItemOut,
    IntakeResolveIn,
    InterchangeFilter,
    InterchangeOut,
    NoteIn,
    PartnerFilter,
    PartnerIn,
    PartnerItemIn,
    PartnerItemOut,
    PartnerOut,
    PartnerPatch,
    QueuedOut,
    ReasonIn,
    ReceivedOut,
    ReprocessIn,
)

R = TypeVar("R", bound=HttpResponseBase)

router = Router(tags=["edi"])


def _attachment(response: R, filename: str) -> R:
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in filename) or "file"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _documents_by_id(request: HttpRequest, docs: list[Any]) -> list[Any]:
    """The documents a file made, read back through the selector (relations and holds)."""
    ids = [d.pk for d in docs]
    rows = {d.pk: d for d in selectors.document_list(user=request.user).filter(pk__in=ids)}
    return [rows[i] for i in ids if i in rows]


# -- files ------------------------------------------------------------------------------------


@router.post(
    "/edi/files",
    response={**answers(ReceivedOut, status=201, write=True), 202: QueuedOut},
    summary="Upload an X12 file (or a CSV/XLSX purchase order)",
)
def edi_files_upload(
    request: HttpRequest, file: File[UploadedFile], customer: Form[str] = ""
) -> Any:
    """Multipart upload, field `file`. An X12 interchange goes through the inbound gateway
    (duplicates detected, 997/TA1 sent back); a CSV or XLSX purchase order through
    spreadsheet intake (`customer`: the account number when the file does not name one).
    201 with what it made; 202 when a large X12 file was queued for the background."""
    result = commands.file_submit(
        actor=request.user,
        upload=file,
        file_name=(file.name or "upload").rsplit("/", 1)[-1],
        customer_account=customer,
    )
    if isinstance(result, commands.Queued):
        return 202, result
    return 201, {
        "kind": result.kind,
        "interchanges": result.interchanges,
        "documents": _documents_by_id(request, result.documents),
        "orders": [str(o) for o in result.orders],
        "intake_item_ids": [i.pk for i in result.intake_items],
    }


# -- documents --------------------------------------------------------------------------------


@router.get(
    "/edi/documents",
    response=answers(list[DocumentSummaryOut]),
    summary="EDI documents in and out, newest first",
)
@paginate(Page)
def edi_documents_list(request: HttpRequest, filters: Query[DocumentFilter]) -> Any:
    return selectors.document_list(user=request.user, **filters.dict())


@router.get(
    "/edi/documents/{document_id}",
    response=answers(DocumentOut),
    summary="One document with its errors in words and its raw set",
)
def edi_documents_read(request: HttpRequest, document_id: int) -> Any:
    return selectors.document_get(user=request.user, pk=document_id)


@router.get(
    "/edi/documents/{document_id}/raw",
    response=answers(None),
    summary="The raw transaction set (ST to SE) as a download",
)
def edi_documents_raw(request: HttpRequest, document_id: int) -> HttpResponse:
    doc = selectors.document_get(user=request.user, pk=document_id)
    response = HttpResponse(doc.raw, content_type="application/edi-x12; charset=utf-8")
    return _attachment(response, f"{doc.set_id}-{doc.reference or doc.set_control or doc.pk}.x12")


@router.post(
    "/edi/documents/{document_id}/reprocess",
    response=answers(DocumentOut, write=True),
    summary="Re-process a failed document, corrected or as stored",
)
def edi_documents_reprocess(request: HttpRequest, document_id: int, payload: ReprocessIn) -> Any:
    return commands.document_reprocess_by_id(
        actor=request.user, pk=document_id, raw=payload.raw, reason=payload.reason
    )


@router.post(
    "/edi/documents/{document_id}/retry",
    response=answers(DocumentOut, write=True),
    summary="Retry a document as it is (after fixing master data)",
)
def edi_documents_retry(request: HttpRequest, document_id: int, payload: ReasonIn) -> Any:
    return commands.document_retry_by_id(actor=request.user, pk=document_id, reason=payload.reason)


@router.post(
    "/edi/documents/{document_id}/resolve",
    response=answers(DocumentOut, write=True),
    summary="Mark a document resolved, with the reason",
)
def edi_documents_resolve(request: HttpRequest, document_id: int, payload: ReasonIn) -> Any:
    return commands.document_resolve_by_id(
        actor=request.user, pk=document_id, reason=payload.reason
    )


# -- interchanges -----------------------------------------------------------------------------


@router.get(
    "/edi/interchanges",
    response=answers(list[InterchangeOut]),
    summary="Interchanges (ISA envelopes) in and out, newest first",
)
@paginate(Page)
def edi_interchanges_list(request: HttpRequest, filters: Query[InterchangeFilter]) -> Any:
    return selectors.interchange_list(user=request.user, **filters.dict())


@router.get(
    "/edi/interchanges/{interchange_id}/raw",
    response=answers(None),
    summary="An interchange exactly as received or sent",
)
def edi_interchanges_raw(request: HttpRequest, interchange_id: int) -> HttpResponseBase:
    interchange = selectors.interchange_get(user=request.user, pk=interchange_id)
    if not interchange.raw:
        raise Http404("the raw file of this interchange was not kept")
    response = FileResponse(interchange.raw.open("rb"), content_type="application/edi-x12")
    name = f"{interchange.direction}-{interchange.control_number or interchange.pk}.x12"
    return _attachment(response, name)


# -- partners ---------------------------------------------------------------------------------


@router.get("/edi/partners", response=answers(list[PartnerOut]), summary="Trading-partner profiles")
@paginate(Page)
def edi_partners_list(request: HttpRequest, filters: Query[PartnerFilter]) -> Any:
    return selectors.partner_list(user=request.user, q=filters.q)


@router.post(
    "/edi/partners",
    response=answers(PartnerOut, status=201, write=True),
    summary="Set up a trading partner",
)
def edi_partners_create(request: HttpRequest, payload: PartnerIn) -> Any:
    """Checked whole: ids of at most 15 characters, 2-character qualifiers, separators that
    are distinct single characters not found in data, a version we have grammars for,
    documents among 850/860/855/856/810/846/997, units and ship-tos that exist."""
    partner = partners.partner_create(actor=request.user, **payload.dict())
    return 201, selectors.partner_get(user=request.user, pk=partner.pk)


@router.get("/edi/partners/{partner_id}", response=answers(PartnerOut), summary="One profile")
def edi_partners_read(request: HttpRequest, partner_id: int) -> Any:
    return selectors.partner_get(user=request.user, pk=partner_id)


@router.patch(
    "/edi/partners/{partner_id}",
    response=answers(PartnerOut, write=True),
    summary="Change a profile (only the fields sent)",
)
def edi_partners_update(request: HttpRequest, partner_id: int, payload: PartnerPatch) -> Any:
    fields = payload.dict(exclude_unset=True)
    commands.partner_update_by_id(actor=request.user, pk=partner_id, fields=fields)
    return selectors.partner_get(user=request.user, pk=partner_id)


@router.get(
    "/edi/partners/{partner_id}/items",
    response=answers(list[PartnerItemOut]),
    summary="The partner's item cross-references",
)
@paginate(Page)
def edi_partner_items_list(request: HttpRequest, partner_id: int) -> Any:
    partner = selectors.partner_get(user=request.user, pk=partner_id)
    return selectors.partner_items(user=request.user, partner=partner)


@router.put(
    "/edi/partners/{partner_id}/items",
    response=answers(PartnerItemOut, write=True),
    summary="Add or change one item cross-reference",
)
def edi_partner_items_set(request: HttpRequest, partner_id: int, payload: PartnerItemIn) -> Any:
    """Found by buyer part number, else by UPC: sending the same body twice changes
    nothing. A buyer part and a UPC that are on two different rows is a 409."""
    return commands.partner_item_set_by_id(actor=request.user, pk=partner_id, body=payload.dict())


@router.delete(
    "/edi/partners/{partner_id}/items/{item_id}",
    response=answers(None, status=204, write=True),
    summary="Remove an item cross-reference",
)
def edi_partner_items_remove(request: HttpRequest, partner_id: int, item_id: int) -> Any:
    commands.partner_item_remove_by_id(actor=request.user, pk=partner_id, item_id=item_id)
    return 204, None


@router.post(
    "/edi/partners/{partner_id}/inventory-advice",
    response=answers(DocumentSummaryOut, status=202, write=True),
    summary="Queue an inventory advice (846) to the partner",
)
def edi_partners_846(request: HttpRequest, partner_id: int) -> Any:
    doc = commands.inventory_advice_send_by_id(actor=request.user, pk=partner_id)
    return 202, selectors.document_get(user=request.user, pk=doc.pk)


# -- intake -----------------------------------------------------------------------------------


@router.get(
    "/edi/intake-items",
    response=answers(list[IntakeItemOut]),
    summary="E-mails and files waiting for a clerk",
)
@paginate(Page)
def edi_intake_list(request: HttpRequest, filters: Query[IntakeFilter]) -> Any:
    status = None if filters.status in (None, "", "all") else filters.status
    return selectors.intake_item_list(user=request.user, status=status, q=filters.q)


@router.get(
    "/edi/intake-items/{item_id}", response=answers(IntakeItemOut), summary="One intake item"
)
def edi_intake_read(request: HttpRequest, item_id: int) -> Any:
    return selectors.intake_item_get(user=request.user, pk=item_id)


@router.get(
    "/edi/intake-items/{item_id}/original",
    response=answers(None),
    summary="The e-mail or file as received (always an attachment)",
)
def edi_intake_original(request: HttpRequest, item_id: int) -> HttpResponseBase:
    item = selectors.intake_item_get(user=request.user, pk=item_id)
    if not item.original:
        raise Http404("the original of this item was not kept")
    response = FileResponse(item.original.open("rb"), content_type="application/octet-stream")
    return _attachment(response, commands.original_name(item))


@router.post(
    "/edi/intake-items/{item_id}/resolve",
    response=answers(IntakeItemOut, write=True),
    summary="Taken in by hand: a note and the order numbers it became",
)
def edi_intake_resolve(request: HttpRequest, item_id: int, payload: IntakeResolveIn) -> Any:
    return commands.intake_item_resolve_by_id(
        actor=request.user, pk=item_id, note=payload.note, orders=payload.orders
    )


@router.post(
    "/edi/intake-items/{item_id}/dismiss",
    response=answers(IntakeItemOut, write=True),
    summary="Not an order: dismiss it with a note",
)
def edi_intake_dismiss(request: HttpRequest, item_id: int, payload: NoteIn) -> Any:
    return commands.intake_item_dismiss_by_id(actor=request.user, pk=item_id, note=payload.note)


@router.post(
    "/edi/intake-items/{item_id}/retry",
    response=answers(IntakeItemOut, write=True),
    summary="Read the original again",
)
def edi_intake_retry(request: HttpRequest, item_id: int) -> Any:
    commands.intake_item_retry_by_id(actor=request.user, pk=item_id)
    return selectors.intake_item_get(user=request.user, pk=item_id)

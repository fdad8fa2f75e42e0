"""EDI commands as the pages and the API send them: ids in, one service call out.

The row named by id is read through the selector first (role check, 404 for an unknown
id), then handed to the service that owns the change. The upload decides only which
service reads the file: an X12 interchange goes to the inbound gateway, a CSV or XLSX
purchase order to spreadsheet intake.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from orderdesk.core.roles import Capability, require
from orderdesk.parties.models import Customer

from . import partners, selectors
from .errors import EdiErrorCode, EdiInvalid
from .models import EdiDocument, IntakeItem, PartnerItem, TradingPartner

#: File names a spreadsheet purchase order may have.
SPREADSHEET_SUFFIXES = (".csv", ".xlsx")


# -- documents --------------------------------------------------------------------------------


def document_reprocess_by_id(*, actor: Any, pk: int, raw: str | None, reason: str) -> EdiDocument:
    """Run the set again, corrected when `raw` differs from what is stored (a browser's
    textarea sends CRLF line ends: they are read as LF). Blank: as it is."""
    from . import services

    document = selectors.document_get(user=actor, pk=pk)
    corrected = (raw or "").replace("\r\n", "\n")
    if not corrected.strip() or corrected.strip() == document.raw.replace("\r\n", "\n").strip():
        corrected = ""
    services.document_reprocess(
        actor=actor, document=document, raw=corrected or None, reason=reason
    )
    return selectors.document_get(user=actor, pk=pk)


def document_retry_by_id(*, actor: Any, pk: int, reason: str) -> EdiDocument:
    from . import services

    document = selectors.document_get(user=actor, pk=pk)
    services.document_retry(actor=actor, document=document, reason=reason)
    return selectors.document_get(user=actor, pk=pk)


def document_resolve_by_id(*, actor: Any, pk: int, reason: str) -> EdiDocument:
    from . import services

    document = selectors.document_get(user=actor, pk=pk)
    services.document_resolve(actor=actor, document=document, reason=reason)
    return selectors.document_get(user=actor, pk=pk)


# -- upload -----------------------------------------------------------------------------------


@dataclass
class Received:
    """What an upload made, whichever service read it."""

    kind: str  # "x12" or "spreadsheet"
    interchanges: list[Any] = field(default_factory=list)
    documents: list[Any] = field(default_factory=list)
    #: order numbers
    orders: list[str] = field(default_factory=list)
    intake_items: list[Any] = field(default_factory=list)
    result: Any = None


def is_x12(data: bytes) -> bool:
    """An interchange starts with ISA, after an optional BOM and blank lines."""
    head = data[:64].lstrip(b"\xef\xbb\xbf").lstrip()
    return head[:3] == b"ISA"


def file_kind(data: bytes, file_name: str) -> str:
    if is_x12(data):
        return "x12"
    if file_name.lower().endswith(SPREADSHEET_SUFFIXES):
        return "spreadsheet"
    raise EdiInvalid(
        EdiErrorCode.FILE_UNREADABLE,
        f"{file_name or 'the file'} is neither an X12 interchange nor a CSV or XLSX purchase order",
        field="file",
        fix="upload an X12 file (it starts with ISA), or a .csv or .xlsx file",
    )


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def file_receive(
    *, actor: Any, data: bytes, file_name: str, customer_account: str = ""
) -> Received:
    """Read one uploaded file now. `customer_account` names the customer of a spreadsheet
    that does not name one itself; an X12 file names its partner on the envelope."""
    require(actor, Capability.EDI_OPERATE)
    kind = file_kind(data, file_name)
    if kind == "x12":
        from .inbound import interchange_file_receive

        result = interchange_file_receive(
            data=data, source=f"upload:{file_name}"[:300], actor=actor
        )
        return Received(
            kind,
            interchanges=_as_list(result.interchanges),
            documents=_as_list(result.documents),
            orders=[getattr(o, "number", o) for o in _as_list(result.orders)],
            result=result,
        )
    from .intake import spreadsheet_po_receive

    customer = None
    if customer_account.strip():
        customer = Customer.objects.filter(account_number__iexact=customer_account.strip()).first()
        if customer is None:
            raise EdiInvalid(
                EdiErrorCode.FILE_UNREADABLE,
                f"there is no customer with account number {customer_account.strip()}",
                field="customer",
                fix="type the account number of the customer who sent the PO, or leave it blank",
            )
    read = spreadsheet_po_receive(
        actor=actor, data=data, file_name=file_name, customer=customer, source="upload"
    )
    items = [read.item] if read.item is not None else []
    return Received(kind, orders=list(read.orders), intake_items=items, result=read)


@dataclass
class Queued:
    """A large X12 file kept in storage and handed to the `edi_stored_file_process` task."""

    path: str
    source: str
    size: int
    task_id: str


def sync_limit() -> int:
    """Files up to this size are read during the request; larger X12 files in the
    background (`ORDERDESK_EDI_SYNC_UPLOAD_BYTES`, default 2 MB: about 2,000 orders)."""
    return int(getattr(settings, "ORDERDESK_EDI_SYNC_UPLOAD_BYTES", 2 * 1024 * 1024))


def upload_limit() -> int:
    """The largest file taken at all (`ORDERDESK_EDI_MAX_UPLOAD_BYTES`, default 50 MB)."""
    return int(getattr(settings, "ORDERDESK_EDI_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))


def file_submit(
    *, actor: Any, upload: UploadedFile, file_name: str, customer_account: str = ""
) -> Received | Queued:
    """An uploaded file: read now when small, else (X12 only) stored and queued."""
    require(actor, Capability.EDI_OPERATE)
    size = int(upload.size or 0)
    if size > upload_limit():
        raise EdiInvalid(
            EdiErrorCode.FILE_TOO_LARGE,
            f"{file_name} is {size:,} bytes; the largest upload taken is {upload_limit():,}",
            field="file",
            fix="split the file, or drop it in the partner's inbox folder",
        )
    if size <= sync_limit():
        data = upload.read()
        return file_receive(
            actor=actor, data=data, file_name=file_name, customer_account=customer_account
        )
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    if file_kind(head, file_name) != "x12":
        return file_receive(
            actor=actor, data=upload.read(), file_name=file_name, customer_account=customer_account
        )
    return file_enqueue(actor=actor, upload=upload, file_name=file_name)


def file_enqueue(*, actor: Any, upload: UploadedFile, file_name: str) -> Queued:
    """Keep the file in storage and process it in a task, after this transaction commits."""
    from .tasks import edi_stored_file_process

    require(actor, Capability.EDI_OPERATE)
    stamp = timezone.now().strftime("%Y/%m/%d/%H%M%S")
    path = default_storage.save(f"edi/uploads/{stamp}-{file_name}"[:250], upload)
    source = f"upload:{file_name}"[:300]
    result = edi_stored_file_process.enqueue(path=path, source=source)
    return Queued(path=path, source=source, size=int(upload.size or 0), task_id=str(result.id))


# -- partners ---------------------------------------------------------------------------------


def partner_update_by_id(*, actor: Any, pk: int, fields: dict[str, Any]) -> TradingPartner:
    partner = selectors.partner_get(user=actor, pk=pk)
    return partners.partner_update(actor=actor, partner=partner, **fields)


def partner_item_set_by_id(*, actor: Any, pk: int, body: dict[str, Any]) -> PartnerItem:
    partner = selectors.partner_get(user=actor, pk=pk)
    return partners.partner_item_set(
        actor=actor,
        partner=partner,
        item_sku=str(body.get("item_sku") or ""),
        buyer_part=str(body.get("buyer_part") or ""),
        upc=str(body.get("upc") or ""),
        uom=str(body.get("uom") or ""),
    )


def partner_item_remove_by_id(*, actor: Any, pk: int, item_id: int) -> None:
    partner = selectors.partner_get(user=actor, pk=pk)
    partners.partner_item_remove(actor=actor, partner=partner, partner_item_id=item_id)


def inventory_advice_send_by_id(*, actor: Any, pk: int) -> Any:
    """Queue an 846 with today's availability of the partner's cross-referenced items."""
    from .outbound import inventory_advice_send

    require(actor, Capability.EDI_OPERATE)
    partner = selectors.partner_get(user=actor, pk=pk)
    return inventory_advice_send(actor=actor, partner=partner)


# -- intake -----------------------------------------------------------------------------------


def original_name(item: IntakeItem) -> str:
    """The original's file name, safe for a Content-Disposition header."""
    name = item.filename or PurePath(item.original.name or "").name or f"intake-{item.pk}"
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name)


def intake_item_resolve_by_id(
    *, actor: Any, pk: int, note: str, orders: list[str] | None = None
) -> IntakeItem:
    from .intake_actions import intake_item_resolve

    item = selectors.intake_item_get(user=actor, pk=pk)
    intake_item_resolve(actor=actor, item=item, note=note, orders=list(orders or []))
    return selectors.intake_item_get(user=actor, pk=pk)


def intake_item_dismiss_by_id(*, actor: Any, pk: int, note: str) -> IntakeItem:
    from .intake_actions import intake_item_dismiss

    item = selectors.intake_item_get(user=actor, pk=pk)
    intake_item_dismiss(actor=actor, item=item, note=note)
    return selectors.intake_item_get(user=actor, pk=pk)


def intake_item_retry_by_id(*, actor: Any, pk: int) -> Any:
    """Read the original again (after a mapping or customer was set up); returns what the
    intake service says it made."""
    from .intake_actions import intake_item_retry

    item = selectors.intake_item_get(user=actor, pk=pk)
    return intake_item_retry(actor=actor, item=item)

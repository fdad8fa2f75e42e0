"""Outbound documents: queued in the business transaction, sent after it, watched for a 997.

    edi_outbound_queue(*, kind: str, obj) -> EdiDocument | None
    edi_document_send_by_id(*, document_id: int) -> str
    outbound_sweep() -> int
    overdue_documents(now: datetime | None = None) -> QuerySet[EdiDocument]
    outbound_retry(*, actor, document: EdiDocument) -> EdiDocument
    inventory_advice_send(*, actor, partner: TradingPartner, today: date | None = None)
        -> EdiDocument

The acknowledgement, shipping and invoicing services call `edi_outbound_queue` inside their
transaction (855 for an Acknowledgement, 856 for a Shipment, 810 for an Invoice). It does
nothing unless the order's customer trades by EDI with an active partner who exchanges that
set (and, for an 855, wants it: always, never, or only when the acknowledgement differs
from the PO). Otherwise it writes one queued `EdiDocument` per source record (a dedupe key,
so a second call gives back the first) and enqueues the send task on commit: a rolled-back
shipment queues no 856.

Sending builds the segments from the records (`docs_*`), numbers, writes and stores the
interchange (`sending.interchange_send`) and marks the document sent with its 997 due in the
partner's `ack_hours`. It holds the document's row lock, so a task and the sweep (or two
workers) never send one document twice; a document not queued any more is left alone. A
document our own grammar refuses is marked failed with the problems for a clerk (a bug or
missing data on our side: the partner never sees it); `outbound_retry` queues it again.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from orderdesk.core.audit import event_record
from orderdesk.core.importing_spec import SYSTEM
from orderdesk.core.locks import lock_one
from orderdesk.core.roles import Capability, require

from . import codec
from .docs_810 import segments_810
from .docs_846 import segments_846
from .docs_855 import ack_shows_change, segments_855
from .docs_856 import segments_856
from .docs_common import Segment, po_ref_for
from .errors import EdiConflict, EdiErrorCode
from .models import (
    Actor,
    Direction,
    DocumentStatus,
    EdiDocument,
    PartnerItem,
    Send855,
    TradingPartner,
)
from .sending import FUNCTIONAL_IDS, interchange_send

log = logging.getLogger(__name__)

#: Source record label per set, for the dedupe key "<set>:<label>:<pk>".
LABELS = {"855": "ack", "856": "shipment", "810": "invoice"}


def _order_of(kind: str, obj: Any) -> Any:
    if kind not in LABELS:
        raise ValueError(f"no outbound document {kind!r} from a record (855, 856 or 810)")
    return obj.order


def partner_for(customer_id: int, kind: str) -> TradingPartner | None:
    """The customer's active partner profile that exchanges `kind` (the oldest one)."""
    for partner in TradingPartner.objects.filter(customer_id=customer_id, active=True).order_by(
        "pk"
    ):
        if partner.exchanges(kind):
            return partner
    return None


def _wants_855(partner: TradingPartner, ack: Any) -> bool:
    if partner.send_855 == Send855.NEVER:
        return False
    if partner.send_855 == Send855.ON_CHANGE:
        return ack_shows_change(ack.data, po_ref_for(ack.order, partner))
    return True


def edi_outbound_queue(*, kind: str, obj: Any) -> EdiDocument | None:
    """Queue the outbound `kind` for `obj` when its customer trades it by EDI; None if not.

    Call it inside the transaction that made `obj`; the send is enqueued on its commit."""
    order = _order_of(kind, obj)
    partner = partner_for(order.customer_id, kind)
    if partner is None:
        return None
    if kind == "855" and not _wants_855(partner, obj):
        return None
    key = f"{kind}:{LABELS[kind]}:{obj.pk}"
    existing = EdiDocument.objects.filter(dedupe_key=key).first()
    if existing is not None:
        return existing
    if kind == "855":
        reference, date = order.customer_po, timezone.localdate(obj.created_at)
    elif kind == "856":
        reference, date = obj.number, obj.ship_date
    else:
        reference, date = obj.number, obj.invoice_date
    try:
        with transaction.atomic():
            doc = EdiDocument.objects.create(
                direction=Direction.OUTBOUND,
                partner=partner,
                set_id=kind,
                functional_id=FUNCTIONAL_IDS[kind],
                version=partner.version,
                reference=reference[:80],
                document_date=date,
                status=DocumentStatus.QUEUED,
                sales_order=order,
                acknowledgement=obj if kind == "855" else None,
                shipment=obj if kind == "856" else None,
                invoice=obj if kind == "810" else None,
                dedupe_key=key,
            )
    except IntegrityError:  # queued by a concurrent call with the same key
        return EdiDocument.objects.get(dedupe_key=key)
    event_record(
        actor=SYSTEM,
        obj=doc,
        action="edi.document.queued",
        after={"set": kind, "partner": partner.code, "reference": doc.reference},
    )
    _enqueue_on_commit(doc.pk)
    return doc


def _enqueue_on_commit(document_id: int) -> None:
    from .tasks import edi_document_send

    transaction.on_commit(lambda: edi_document_send.enqueue(document_id))


def _segments(doc: EdiDocument, partner: TradingPartner, now: dt.datetime) -> list[Segment]:
    if doc.set_id == "855":
        ack = doc.acknowledgement
        if ack is None:
            raise ValueError("the acknowledgement of this 855 is gone")
        skus = [ln["sku"] for ln in ack.data["lines"]]
        refs = {
            r.item.sku: r
            for r in PartnerItem.objects.filter(partner=partner, item__sku__in=skus)
            .select_related("item")
            .order_by("-pk")
        }
        return segments_855(
            partner=partner,
            data=ack.data,
            po=po_ref_for(ack.order, partner),
            refs=refs,
            ack_date=timezone.localdate(ack.created_at),
        )
    if doc.set_id == "856":
        shipment = doc.shipment
        if shipment is None:
            raise ValueError("the shipment of this 856 is gone")
        return segments_856(
            partner=partner, shipment=shipment, po=po_ref_for(shipment.order, partner), now=now
        )
    if doc.set_id == "810":
        invoice = doc.invoice
        if invoice is None:
            raise ValueError("the invoice of this 810 is gone")
        ship_date = invoice.shipment.ship_date if invoice.shipment is not None else None
        return segments_810(
            partner=partner,
            invoice=invoice,
            po=po_ref_for(invoice.order, partner),
            ship_date=ship_date,
        )
    if doc.set_id == "846":
        segments, _ = segments_846(
            partner=partner, report=doc.reference, today=doc.document_date or now.date()
        )
        return segments
    raise ValueError(f"we do not send {doc.set_id} documents")


def _business_error(code: str, message: str, fix: str) -> dict[str, Any]:
    return {
        "level": "business",
        "code": code,
        "message": message,
        "fix": fix,
        "severity": "error",
        "action_by": "us",
    }


def _fail(doc: EdiDocument, errors: list[dict[str, Any]]) -> str:
    before = {"status": doc.status}
    doc.status = DocumentStatus.FAILED
    doc.action_by = Actor.US
    doc.errors = errors
    doc.attempts += 1
    doc.save(update_fields=["status", "action_by", "errors", "attempts", "updated_at"])
    event_record(
        actor=SYSTEM,
        obj=doc,
        action="edi.document.failed",
        before=before,
        after={"status": doc.status, "errors": [e.get("message") for e in errors][:5]},
    )
    return f"failed {doc.set_id} {doc.reference}: {errors[0].get('message') if errors else ''}"


def edi_document_send_by_id(*, document_id: int) -> str:
    """Send one queued outbound document; what happened, in a few words (the task result)."""
    now = timezone.now()
    with transaction.atomic():
        doc = lock_one(EdiDocument.objects.filter(pk=document_id, direction=Direction.OUTBOUND))
        if doc.status != DocumentStatus.QUEUED:
            return f"not sent: {doc.set_id} {doc.reference} is {doc.status}"
        partner = doc.partner
        if partner is None or not partner.active:
            return _fail(
                doc,
                [
                    _business_error(
                        EdiErrorCode.PARTNER_INVALID.value,
                        "the trading partner is gone or inactive",
                        "make the partner active again, then retry the document",
                    )
                ],
            )
        try:
            segments = _segments(doc, partner, now)
            sent = interchange_send(
                partner=partner,
                sets=[(doc.set_id, segments)],
                source=f"{doc.set_id} {doc.reference}",
                now=now,
            )
        except codec.WriteError as exc:
            return _fail(doc, [p.as_dict() for p in exc.problems])
        except ValueError as exc:
            return _fail(
                doc,
                [
                    _business_error(
                        "edi_document_unbuildable",
                        f"the {doc.set_id} could not be made: {exc}",
                        "correct the record it is made from, then retry the document",
                    )
                ],
            )
        one = sent.sets[0]
        before = {"status": doc.status}
        doc.status = DocumentStatus.SENT
        doc.interchange = sent.interchange
        doc.group_control = str(sent.group_control)
        doc.set_control = one.control
        doc.raw = one.raw
        doc.action_by = Actor.PARTNER  # the 997 is theirs to send
        doc.errors = []
        doc.attempts += 1
        doc.ack_due_at = now + dt.timedelta(hours=partner.ack_hours)
        doc.save(
            update_fields=[
                "status",
                "interchange",
                "group_control",
                "set_control",
                "raw",
                "action_by",
                "errors",
                "attempts",
                "ack_due_at",
                "updated_at",
            ]
        )
        event_record(
            actor=SYSTEM,
            obj=doc,
            action="edi.document.sent",
            before=before,
            after={
                "status": doc.status,
                "isa13": sent.interchange.control_number,
                "gs06": doc.group_control,
                "st02": doc.set_control,
                "ack_due_at": doc.ack_due_at,
            },
        )
    return (
        f"sent {doc.set_id} {doc.reference} in ISA {sent.interchange.control_number}"
        f" to {partner.code}"
    )


def outbound_sweep() -> int:
    """Send every queued outbound document, oldest first (enqueues lost to a crash between
    commit and enqueue end up here); returns how many were sent."""
    ids = list(
        EdiDocument.objects.filter(direction=Direction.OUTBOUND, status=DocumentStatus.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for document_id in ids:
        try:
            result = edi_document_send_by_id(document_id=document_id)
        except Exception:  # one bad document must not stop the others; the next sweep retries
            log.exception("EDI outbound document %s could not be sent", document_id)
            continue
        sent += result.startswith("sent ")
    return sent


def overdue_documents(now: dt.datetime | None = None) -> QuerySet[EdiDocument]:
    """Outbound documents sent whose 997 has not come back by their due time."""
    now = now or timezone.now()
    return EdiDocument.objects.filter(
        direction=Direction.OUTBOUND,
        status=DocumentStatus.SENT,
        acknowledged_at__isnull=True,
        ack_due_at__lt=now,
    )


def is_overdue(doc: EdiDocument, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        doc.direction == Direction.OUTBOUND
        and doc.status == DocumentStatus.SENT
        and doc.acknowledged_at is None
        and doc.ack_due_at is not None
        and doc.ack_due_at < now
    )


def outbound_retry(*, actor: Any, document: EdiDocument) -> EdiDocument:
    """Queue a failed outbound document again (after the clerk fixed the data)."""
    require(actor, Capability.EDI_OPERATE)
    with transaction.atomic():
        doc = lock_one(EdiDocument.objects.filter(pk=document.pk))
        if doc.direction != Direction.OUTBOUND or doc.status != DocumentStatus.FAILED:
            raise EdiConflict(
                EdiErrorCode.DOCUMENT_NOT_RETRYABLE,
                f"{doc.set_id} {doc.reference} is {doc.get_status_display().lower()}: only a "
                "failed outbound document can be sent again",
            )
        before = {"status": doc.status}
        doc.status = DocumentStatus.QUEUED
        doc.action_by = Actor.NONE
        doc.save(update_fields=["status", "action_by", "updated_at"])
        event_record(
            actor=actor,
            obj=doc,
            action="edi.document.requeued",
            before=before,
            after={"status": doc.status},
        )
        _enqueue_on_commit(doc.pk)
    return doc


def inventory_advice_send(
    *, actor: Any, partner: TradingPartner, today: dt.date | None = None
) -> EdiDocument:
    """Send the partner an 846 of today's available quantities of its cross-referenced items,
    at once (the file lands in the outbox on commit)."""
    require(actor, Capability.EDI_OPERATE)
    today = today or timezone.localdate()
    if not partner.active or not partner.exchanges("846"):
        raise EdiConflict(
            EdiErrorCode.PARTNER_INVALID,
            f"{partner.name} does not take 846 inventory advice",
            field="documents",
            fix="add 846 to the partner's documents (and make the partner active)",
        )
    with transaction.atomic():
        doc = EdiDocument.objects.create(
            direction=Direction.OUTBOUND,
            partner=partner,
            set_id="846",
            functional_id=FUNCTIONAL_IDS["846"],
            version=partner.version,
            document_date=today,
            status=DocumentStatus.QUEUED,
        )
        doc.reference = f"{partner.code.upper()}-{today:%Y%m%d}-{doc.pk}"[:80]
        doc.save(update_fields=["reference"])
        event_record(
            actor=actor,
            obj=doc,
            action="edi.document.queued",
            after={"set": "846", "partner": partner.code, "reference": doc.reference},
        )
        edi_document_send_by_id(document_id=doc.pk)
    doc.refresh_from_db()
    return doc

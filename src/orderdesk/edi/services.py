"""What a clerk does with an EDI document on the monitor: re-process, retry, mark resolved.

- re-process: an inbound document that failed or was rejected, with its text as it is or as
  the clerk corrected it (one ST … SE), validated again in the envelope it came in and then
  processed like a new one;
- retry: run the mapping and the intake again unchanged (the clerk has since added the
  cross-reference or the ship-to mapping); for an outbound document, send it again;
- resolve: the clerk dealt with it by other means (entered the order by hand, phoned the
  partner); it leaves the queue.

Each locks the document row, checks its state, and records an event with what it was before
(the old error list included), so nothing a clerk does is lost. A document that made an
order is never processed again: one document, at most one order.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from orderdesk.core.audit import event_record
from orderdesk.core.locks import lock_one
from orderdesk.core.roles import Capability, require

from .errors import EdiConflict, EdiErrorCode, EdiInvalid
from .inbound_documents import Envelope, document_apply, document_identity, set_reread
from .models import Actor, Direction, DocumentStatus, EdiDocument

#: Inbound documents waiting for a clerk.
INBOUND_OPEN = (DocumentStatus.FAILED, DocumentStatus.REJECTED)
#: Outbound documents a clerk may send again or mark resolved.
OUTBOUND_OPEN = (
    DocumentStatus.QUEUED,
    DocumentStatus.FAILED,
    DocumentStatus.SENT,
    DocumentStatus.ACK_REJECTED,
)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise EdiInvalid(
            EdiErrorCode.DOCUMENT_NOT_RETRYABLE,
            "say why (a few words the next person will understand)",
            field="reason",
            fix="e.g. 'added buyer part X9 to the cross-reference'",
        )
    return reason


def _locked(document: EdiDocument | int) -> EdiDocument:
    pk = document.pk if isinstance(document, EdiDocument) else document
    return lock_one(
        EdiDocument.objects.filter(pk=pk).select_related("partner__customer", "interchange")
    )


def _refuse(doc: EdiDocument, doing: str) -> EdiConflict:
    if doc.status == DocumentStatus.RESOLVED:
        return EdiConflict(
            EdiErrorCode.DOCUMENT_RESOLVED,
            f"{doc} was already marked resolved",
            field="status",
        )
    return EdiConflict(
        EdiErrorCode.DOCUMENT_NOT_RETRYABLE,
        f"{doc} is {doc.get_status_display().lower()}: it cannot be {doing}",
        field="status",
    )


def _snapshot(doc: EdiDocument) -> dict[str, Any]:
    return {
        "status": doc.status,
        "action_by": doc.action_by,
        "errors": list(doc.errors or []),
        "sales_order": doc.sales_order_id,
    }


def _envelope(doc: EdiDocument) -> Envelope:
    isa13 = doc.interchange.control_number if doc.interchange else ""
    return Envelope(isa13, doc.group_control, doc.set_control)


def document_reprocess(
    *,
    actor: Any,
    document: EdiDocument,
    raw: str | None = None,
    reason: str,
    today: dt.date | None = None,
) -> EdiDocument:
    """Validate and process a failed or rejected inbound document again, as corrected.

    A correction that still breaks the grammar leaves the document rejected with the new
    error list (returned, not raised: the clerk reads what is still wrong)."""
    require(actor, Capability.EDI_OPERATE)
    reason = _reason(reason)
    with transaction.atomic():
        doc = _locked(document)
        if doc.direction != Direction.INBOUND or doc.status not in INBOUND_OPEN:
            raise _refuse(doc, "re-processed")
        if doc.sales_order_id and doc.set_id == "850":
            raise _refuse(doc, "re-processed (it made an order)")
        before = _snapshot(doc)
        text = doc.raw if raw is None else raw
        ic, group, ts = set_reread(doc, text)
        if raw is not None and raw.strip() != doc.raw.strip():
            before["raw"] = doc.raw
            doc.raw = ts.raw
        doc.attempts += 1
        segments = ts.segments
        if ic.problems or group.ack_code == "R" or not ts.accepted:
            doc.status = DocumentStatus.REJECTED
            doc.action_by = Actor.US
            doc.errors = [p.as_dict() for p in (*ic.problems, *group.problems, *ts.problems)]
            doc.save()
        else:
            doc.reference, doc.document_date = document_identity(doc.set_id, segments)
            doc.reference = doc.reference[:80]
            document_apply(
                doc=doc,
                segments=segments,
                partner=doc.partner,  # type: ignore[arg-type]
                envelope=_envelope(doc),
                actor=actor,
                today=today,
                warnings=[w.as_dict() for w in (*ts.warnings, *ts.problems)],
            )
        event_record(
            actor=actor,
            obj=doc,
            action="edi.document.reprocessed",
            before=before,
            after={**_snapshot(doc), "corrected": "raw" in before},
            reason=reason,
        )
    return doc


def document_retry(
    *, actor: Any, document: EdiDocument, reason: str, today: dt.date | None = None
) -> EdiDocument:
    """Inbound: map and take in a failed document again as it is. Outbound: send it again."""
    require(actor, Capability.EDI_OPERATE)
    reason = _reason(reason)
    with transaction.atomic():
        doc = _locked(document)
        before = _snapshot(doc)
        if doc.direction == Direction.OUTBOUND:
            if doc.status not in OUTBOUND_OPEN:
                raise _refuse(doc, "sent again")
            doc.status = DocumentStatus.QUEUED
            doc.action_by = Actor.NONE
            doc.acknowledged_at = None  # a new send waits for a new 997
            doc.save(update_fields=["status", "action_by", "acknowledged_at", "updated_at"])
            event_record(
                actor=actor,
                obj=doc,
                action="edi.document.retried",
                before=before,
                after=_snapshot(doc),
                reason=reason,
            )
            pk = doc.pk
            transaction.on_commit(lambda: _send_later(pk))
            return doc
        if doc.status != DocumentStatus.FAILED:
            if doc.status == DocumentStatus.REJECTED:
                raise EdiConflict(
                    EdiErrorCode.DOCUMENT_NOT_RETRYABLE,
                    f"{doc} breaks the X12 grammar: retrying it as it is would fail again",
                    field="status",
                    fix="correct the text and re-process it, or ask the partner to resend",
                )
            raise _refuse(doc, "retried")
        _, _, ts = set_reread(doc, doc.raw)
        doc.attempts += 1
        document_apply(
            doc=doc,
            segments=ts.segments,
            partner=doc.partner,  # type: ignore[arg-type]
            envelope=_envelope(doc),
            actor=actor,
            today=today,
            warnings=[w.as_dict() for w in (*ts.warnings, *ts.problems)],
        )
        event_record(
            actor=actor,
            obj=doc,
            action="edi.document.retried",
            before=before,
            after=_snapshot(doc),
            reason=reason,
        )
    return doc


def _send_later(document_id: int) -> None:
    from .tasks import edi_document_send

    edi_document_send.enqueue(document_id)


def document_resolve(*, actor: Any, document: EdiDocument, reason: str) -> EdiDocument:
    """Take a document off the queue: the clerk dealt with it another way (the reason says how)."""
    require(actor, Capability.EDI_OPERATE)
    reason = _reason(reason)
    with transaction.atomic():
        doc = _locked(document)
        allowed = INBOUND_OPEN if doc.direction == Direction.INBOUND else OUTBOUND_OPEN
        if doc.status not in allowed:
            raise _refuse(doc, "marked resolved")
        before = _snapshot(doc)
        doc.status = DocumentStatus.RESOLVED
        doc.action_by = Actor.NONE
        doc.save(update_fields=["status", "action_by", "updated_at"])
        event_record(
            actor=actor,
            obj=doc,
            action="edi.document.resolved",
            before=before,
            after={"status": doc.status},
            reason=reason,
        )
    return doc

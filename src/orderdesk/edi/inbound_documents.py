"""One inbound transaction set that passed its grammar: what it makes, or why it could not.

`document_apply` is shared by the first receipt (inbound.py) and the clerk's retry and
re-process (services.py), so a document is handled the same way however often it is tried.
It runs inside the caller's transaction, which holds the document row: the order, the
change or the acknowledgement it makes and the document's new status commit together, so a
document never makes a second order. What it makes runs in a savepoint: a refusal rolls back
that work only and the document keeps the reason.

`set_reread` puts a document's text (or a clerk's corrected text) back into the envelope it
came in, so a correction is validated exactly as the original was.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from orderdesk.core.audit import event_record
from orderdesk.core.errors import DomainError
from orderdesk.core.importing_spec import SYSTEM
from orderdesk.orders.models import SalesOrder
from orderdesk.orders.states import Channel, OrderStatus

from . import codec
from .errors import EdiBusinessCode, EdiErrorCode, EdiInvalid
from .inbound_acks import ack_apply, ack_reference
from .mapping_850 import (
    MappingCode,
    MappingError,
    PartnerCatalog,
    business_error,
    buyer_line_numbers,
    draft_from_850,
    source_document,
    x12_date,
)
from .mapping_860 import OrderLineView, change_from_860, change_header
from .models import Actor, Direction, DocumentStatus, EdiDocument, TradingPartner

log = logging.getLogger(__name__)

#: Where each set keeps its business identity: (segment, reference element, date element).
IDENTITY = {
    "850": ("BEG", 3, 5),
    "860": ("BCH", 3, 6),
    "855": ("BAK", 3, 4),
    "856": ("BSN", 2, 3),
    "810": ("BIG", 2, 1),
    "846": ("BIA", 3, 4),
}


@dataclass(frozen=True)
class Envelope:
    isa13: str
    gs06: str
    st02: str


def document_identity(set_id: str, segments: Sequence[codec.Segment]) -> tuple[str, dt.date | None]:
    """(reference, document date) a clerk knows the document by: PO, shipment, invoice no."""
    if set_id in ("997", "999"):
        return ack_reference(segments), None
    where = IDENTITY.get(set_id)
    if where is None:
        return "", None
    seg = next((s for s in segments if s.id == where[0]), None)
    if seg is None:
        return "", None
    date = x12_date(seg.get(where[2]))
    if set_id == "860" and date is None:
        date = x12_date(seg.get(11))
    return seg.get(where[1]).strip(), date


def _domain_error(exc: DomainError) -> dict[str, Any]:
    return business_error(
        exc.code, exc.message, field=exc.field or "", fix=exc.fix or "correct it and retry"
    )


def _hold_notes(order: SalesOrder) -> list[dict[str, Any]]:
    from orderdesk.orders.pipeline import holding

    return [
        business_error(
            f.code,
            f"order {order.number} is on {f.get_hold_kind_display().lower()} hold: {f.message}",
            field=f.field,
            fix=f.fix or "work it in the exception queue",
            severity="warning",
        )
        for f in holding(order.findings.filter(status="open"))
    ]


def _apply_850(
    doc: EdiDocument,
    segments: Sequence[codec.Segment],
    partner: TradingPartner,
    envelope: Envelope,
    today: dt.date | None,
) -> tuple[str, SalesOrder | None, list[dict[str, Any]]]:
    from orderdesk.orders.intake import order_intake

    draft = draft_from_850(
        segments,
        partner=partner,
        catalog=PartnerCatalog(partner),
        source=source_document(partner, envelope.isa13, envelope.gs06, envelope.st02),
    )
    result = order_intake(actor=SYSTEM, channel=Channel.EDI, draft=draft, today=today)
    if not result.created:
        return (
            DocumentStatus.DUPLICATE,
            result.order,
            [
                business_error(
                    MappingCode.ALREADY_RECEIVED,
                    f"PO {draft.customer_po} with the same lines was received before as order "
                    f"{result.order.number}; no second order was made",
                    field="BEG-03",
                    fix="nothing to do unless the partner meant a new order",
                    severity="warning",
                )
            ],
        )
    return DocumentStatus.PROCESSED, result.order, _hold_notes(result.order)


def buyer_lines(order: SalesOrder) -> dict[int, str]:
    """Our line number → the buyer's PO101, from the 850 the order was made from."""
    origin = (
        EdiDocument.objects.filter(direction=Direction.INBOUND, set_id="850", sales_order=order)
        .exclude(status=DocumentStatus.DUPLICATE)
        .select_related("interchange", "partner")
        .order_by("pk")
        .first()
    )
    if origin is None:
        return {}
    try:
        _, _, ts = set_reread(origin, origin.raw)
    except EdiInvalid:
        return {}
    return buyer_line_numbers(ts.segments)


def _apply_860(
    doc: EdiDocument,
    segments: Sequence[codec.Segment],
    partner: TradingPartner,
    envelope: Envelope,
    today: dt.date | None,
) -> tuple[str, SalesOrder | None, list[dict[str, Any]]]:
    from orderdesk.orders.changes import order_change

    _, po, _ = change_header(segments)
    order = (
        SalesOrder.objects.filter(customer_id=partner.customer_id, customer_po=po)
        .exclude(status=OrderStatus.CANCELLED)
        .order_by("-pk")
        .first()
    )
    if order is None:
        bch = next((s for s in segments if s.id == "BCH"), None)
        raise MappingError(
            [
                business_error(
                    MappingCode.ORDER_UNKNOWN,
                    f"BCH-03 PO '{po}' matches no open order of {partner.customer.account_number}"
                    f" ({partner.name})",
                    segment=bch,
                    element=3,
                    value=po,
                    fix="if the 850 for this PO is waiting on the EDI monitor, process it first "
                    "and retry this change; otherwise ask the partner",
                )
            ]
        )
    buyers = buyer_lines(order)
    views = [
        OrderLineView(
            line_no=ln.line_no,
            sku=ln.item.sku if ln.item is not None else ln.sku,
            uom=ln.uom_code,
            unit_price=ln.unit_price,
            buyer_line=buyers.get(ln.line_no, ""),
        )
        for ln in order.lines.select_related("item").order_by("line_no")
    ]
    mapping = change_from_860(
        segments, partner=partner, catalog=PartnerCatalog(partner), lines=views
    )
    req = mapping.request
    if not (req.lines or req.add or req.requested_date or req.notes is not None):
        return DocumentStatus.PROCESSED, order, mapping.warnings
    reason = (
        f"EDI 860 from {partner.name}: PO {po}"
        + (f" change {mapping.sequence}" if mapping.sequence else "")
        + f" (ISA {envelope.isa13} GS {envelope.gs06} ST {envelope.st02})"
    )
    outcome = order_change(actor=SYSTEM, order=order, request=req, reason=reason, today=today)
    notes = list(mapping.warnings)
    if outcome.pending is not None:
        notes.append(
            business_error(
                EdiBusinessCode.CHANGE_PENDING,
                f"the change to order {order.number} waits for approval (its value crosses "
                "the customer's approval threshold)",
                fix="approve or reject it on the order",
                severity="warning",
            )
        )
    return DocumentStatus.PROCESSED, outcome.order, notes


def _apply_ack(
    doc: EdiDocument,
    segments: Sequence[codec.Segment],
    partner: TradingPartner,
    envelope: Envelope,
    today: dt.date | None,
) -> tuple[str, SalesOrder | None, list[dict[str, Any]]]:
    ack_apply(actor=SYSTEM, partner=partner, segments=segments, set_ref=doc.set_id)
    return DocumentStatus.PROCESSED, None, []


HANDLERS = {"850": _apply_850, "860": _apply_860, "997": _apply_ack, "999": _apply_ack}


def document_apply(
    *,
    doc: EdiDocument,
    segments: Sequence[codec.Segment],
    partner: TradingPartner,
    envelope: Envelope,
    actor: Any = SYSTEM,
    today: dt.date | None = None,
    warnings: Sequence[dict[str, Any]] = (),
) -> SalesOrder | None:
    """Act on one valid inbound set and record the outcome on `doc` (saved, with an event).

    Caller holds a transaction and the document row (or has just created it)."""
    handler = HANDLERS.get(doc.set_id)
    order: SalesOrder | None = None
    notes: list[dict[str, Any]] = []
    try:
        if handler is None:
            raise MappingError(
                [
                    business_error(
                        MappingCode.SET_UNSUPPORTED,
                        f"we do not take in {doc.set_id} documents",
                        fix="ask the partner not to send them; mark this document resolved",
                    )
                ]
            )
        if doc.set_id in ("850", "860") and not partner.exchanges(doc.set_id):
            raise MappingError(
                [
                    business_error(
                        MappingCode.SET_NOT_EXCHANGED,
                        f"{partner.name} is not set up to send {doc.set_id} documents",
                        fix=f"tick {doc.set_id} on the partner profile and retry",
                    )
                ]
            )
        with transaction.atomic():
            status, order, notes = handler(doc, segments, partner, envelope, today)
    except MappingError as exc:
        status, notes = DocumentStatus.FAILED, exc.errors
    except DomainError as exc:
        status, notes = DocumentStatus.FAILED, [_domain_error(exc)]
    except Exception as exc:  # one bad document must not stop the rest of the file
        log.exception("EDI document %s failed", doc.pk)
        status = DocumentStatus.FAILED
        notes = [
            business_error(
                MappingCode.INTERNAL,
                f"internal error while processing: {type(exc).__name__}: {exc}",
                fix="retry; if it fails again, report it to support",
            )
        ]
    before = {"status": doc.status}
    doc.status = status
    doc.action_by = Actor.US if status == DocumentStatus.FAILED else Actor.NONE
    doc.errors = [*warnings, *notes]
    if order is not None:
        doc.sales_order = order
    doc.save()
    event_record(
        actor=actor,
        obj=doc,
        action=f"edi.document.{status}",
        before=before,
        after={
            "status": status,
            "reference": doc.reference,
            "order": order.number if order is not None else None,
            "errors": [e.get("message") for e in notes if e.get("severity") == "error"][:10],
        },
    )
    return order


# --- putting a set back into its envelope ----------------------------------------------


def _stored_isa(doc: EdiDocument) -> str:
    """The ISA segment (with its terminator) of the interchange the document came in."""
    ic = doc.interchange
    if ic is None or not ic.raw:
        return ""
    try:
        with ic.raw.open("rb") as fh:
            head = fh.read(4096).decode("utf-8", errors="replace")
    except OSError:
        return ""
    head = head.lstrip("\ufeff \t\r\n")
    if not head.startswith("ISA") or len(head) < 4:
        return ""
    sep = head[3]
    pos, count = -1, 0
    while count < 16:
        pos = head.find(sep, pos + 1)
        if pos < 0:
            return ""
        count += 1
    return head[: pos + 3]


def _synth_isa(doc: EdiDocument, partner: TradingPartner) -> str:
    ic = doc.interchange
    when = (ic.interchange_date if ic and ic.interchange_date else timezone.now()).strftime(
        "%y%m%d*%H%M"
    )
    e = partner.element_separator or "*"
    fields = [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        f"{partner.isa_qualifier:<2}",
        f"{partner.isa_id:<15}",
        f"{partner.our_isa_qualifier:<2}",
        f"{partner.our_isa_id:<15}",
        *when.split("*"),
        partner.repetition_separator or "U",
        (ic.version if ic and ic.version else partner.isa_version),
        f"{int(ic.control_number or 1) if ic else 1:09d}",
        "0",
        (ic.test_indicator if ic and ic.test_indicator else partner.test_indicator) or "P",
        partner.component_separator or ">",
    ]
    return e.join(fields) + (partner.segment_terminator or "~")


def set_reread(
    doc: EdiDocument, raw: str
) -> tuple[codec.Interchange, codec.Group, codec.TransactionSet]:
    """Validate `raw` (one ST..SE) in the document's original envelope; raises `EdiInvalid`
    when it is not one transaction set of the document's type."""
    partner = doc.partner
    if partner is None:
        raise EdiInvalid(EdiErrorCode.PARTNER_UNKNOWN, "the document has no trading partner")
    isa = _stored_isa(doc) or _synth_isa(doc, partner)
    e, term = isa[3], isa[-1]
    eol = "" if term in "\r\n" else "\n"
    now = timezone.now()
    gs = e.join(
        [
            "GS",
            doc.functional_id or "PO",
            partner.gs_id,
            partner.our_gs_id,
            now.strftime("%Y%m%d"),
            now.strftime("%H%M"),
            doc.group_control or "1",
            "X",
            doc.version or partner.version,
        ]
    )
    body = (raw or "").strip().lstrip("\ufeff")
    if not body.endswith(term):
        body += term
    control = isa.split(e)[13] if len(isa.split(e)) > 13 else "000000001"
    text = (
        f"{isa}{eol}{gs}{term}{eol}{body}{eol}"
        f"GE{e}1{e}{doc.group_control or '1'}{term}{eol}IEA{e}1{e}{control}{term}{eol}"
    )
    read = list(codec.read(text))
    sets = [(ic, g, ts) for ic in read for g in ic.groups for ts in g.sets]
    if len(sets) != 1:
        raise EdiInvalid(
            EdiErrorCode.DOCUMENT_NOT_RETRYABLE,
            f"the text must hold exactly one transaction set (ST … SE); it holds {len(sets)}",
            field="raw",
            fix="paste the document's segments from ST to SE",
        )
    ic, group, ts = sets[0]
    if ts.set_id != doc.set_id:
        raise EdiInvalid(
            EdiErrorCode.DOCUMENT_NOT_RETRYABLE,
            f"the text is a {ts.set_id or '?'}, the document a {doc.set_id}",
            field="raw",
            fix=f"keep ST-01 {doc.set_id}",
        )
    return ic, group, ts

"""Inbound X12: from a file to orders, changes and acknowledgements, one interchange at a time.

For each interchange read (the codec streams them; a 10 MB file is never parsed whole):

1. Claim: the sender is looked up (ISA05/06 and our ISA08); under the partner row's lock
   the interchange is checked against the ones already taken in (same ISA13 in the retention
   window → duplicate, nothing processed) and recorded with its raw text. Committed at once,
   so a second worker holding the same file sees it and stops: one file, one order.
2. An envelope error rejects the interchange (TA1 R with the TA105 code); nothing in it is
   processed. An unknown sender is recorded for a clerk (no reply: we do not know them).
3. Each transaction set becomes an `EdiDocument` in its own transaction, together with what
   it makes: a set that fails its grammar is rejected (the partner must resend; the 997 says
   why); a set that passes is mapped (mapping_850 / mapping_860) and handed to the order
   intake or change service; what we cannot map or the service refuses fails, for a clerk,
   with the fix. A 997 or TA1 from the partner moves our outbound documents on.
4. One reply interchange per interchange received: a 997 for every functional group (not
   for groups of 997s), and a TA1 A when the partner asked for one (ISA14 = 1).

If a worker dies between 1 and 4 the interchange stays "received" with the documents done so
far; a re-sent file is a duplicate of it, and the clerk retries or re-processes from the
monitor (`services.py`).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from orderdesk.core.audit import event_record
from orderdesk.core.importing_spec import SYSTEM
from orderdesk.core.locks import lock_one
from orderdesk.orders.models import SalesOrder

from . import codec, duplicates, sending
from .errors import EdiErrorCode, EdiInvalid
from .inbound_acks import ta1_apply
from .inbound_documents import Envelope, document_apply, document_identity
from .models import (
    Actor,
    Direction,
    DocumentStatus,
    EdiDocument,
    Interchange,
    InterchangeStatus,
    TradingPartner,
)

log = logging.getLogger(__name__)

ACK_SETS = frozenset({"997", "999"})


@dataclass
class ReceiveResult:
    interchanges: list[Interchange] = field(default_factory=list)
    documents: list[EdiDocument] = field(default_factory=list)
    orders: list[SalesOrder] = field(default_factory=list)
    replies: list[Interchange] = field(default_factory=list)

    def summary(self) -> str:
        """One line for a log, the poll command or a task result."""
        statuses: dict[str, int] = {}
        for ic in self.interchanges:
            statuses[ic.status] = statuses.get(ic.status, 0) + 1
        docs: dict[str, int] = {}
        for d in self.documents:
            docs[d.status] = docs.get(d.status, 0) + 1
        parts = [
            f"{len(self.interchanges)} interchange(s) "
            f"({', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))})",
            f"{len(self.documents)} document(s)"
            + (f" ({', '.join(f'{n} {s}' for s, n in sorted(docs.items()))})" if docs else ""),
        ]
        if self.orders:
            parts.append("orders " + " ".join(o.number for o in self.orders))
        if self.replies:
            parts.append(f"{len(self.replies)} reply(ies) sent")
        return "; ".join(parts)


def interchange_file_receive(
    *,
    data: bytes | str | None = None,
    path: str | Path | None = None,
    source: str,
    actor: Any = SYSTEM,
    today: dt.date | None = None,
    partner: TradingPartner | None = None,
) -> ReceiveResult:
    """Take in every interchange of one file (bytes or a path); see the module docstring.

    `partner`: the file came through this partner's own channel (their drop folder), so an
    interchange from any other sender is not taken in. Raises `EdiInvalid` (file unreadable)
    only when the file holds no interchange at all.
    """
    if (data is None) == (path is None):
        raise ValueError("give data or path, not both")
    stream: Iterator[codec.Interchange] = (
        codec.read_file(path) if path is not None else codec.read(data or b"")
    )
    result = ReceiveResult()
    for ic in stream:
        if ic.isa is None:
            if not result.interchanges:
                raise _unreadable(ic, source)
            _trailing_note(result.interchanges[-1], ic)
            continue
        interchange_receive(
            ic, source=source, actor=actor, today=today, expected=partner, result=result
        )
        del ic  # the next interchange is read only now: one in memory at a time
    if not result.interchanges:
        raise EdiInvalid(
            EdiErrorCode.FILE_UNREADABLE,
            f"{source}: no X12 interchange (ISA segment) found",
            field="file",
            fix="check that the file is X12 (it starts with ISA)",
        )
    return result


def _trailing_note(last: Interchange, ic: codec.Interchange) -> None:
    """Text after the last IEA that is no interchange: noted on the one before it."""
    notes = [{**p.as_dict(), "severity": "warning"} for p in ic.problems]
    if notes:
        last.warnings = [*last.warnings, *notes]
        Interchange.objects.filter(pk=last.pk).update(warnings=last.warnings)


def _unreadable(ic: codec.Interchange, source: str) -> EdiInvalid:
    why = ic.problems[0].message if ic.problems else "no ISA segment"
    return EdiInvalid(
        EdiErrorCode.FILE_UNREADABLE,
        f"{source}: not readable as X12: {why}",
        field="file",
        fix="check that the file is X12 (it starts with ISA)",
    )


def stored_file_process(*, path: str, source: str) -> str:
    """Process an X12 file kept in default storage (the upload task); returns a summary."""
    try:
        local = default_storage.path(path)
    except NotImplementedError:
        local = ""
    if local:
        return interchange_file_receive(path=local, source=source).summary()
    with tempfile.NamedTemporaryFile(suffix=".x12") as tmp:
        with default_storage.open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                tmp.write(chunk)
        tmp.flush()
        return interchange_file_receive(path=tmp.name, source=source).summary()


# --- the envelope ---------------------------------------------------------------------


def _problem(code: str, message: str, fix: str, value: str = "") -> dict[str, Any]:
    return {
        "level": "interchange",
        "code": code,
        "segment_id": "ISA",
        "segment_position": 1,
        "loop": "",
        "element": 6 if code in ("005", "006") else 8 if code in ("007", "008") else None,
        "component": None,
        "value": value,
        "field": "ISA06 Interchange Sender ID"
        if code == "006"
        else "ISA08 Interchange Receiver ID",
        "message": message,
        "fix": fix,
        "raw": "",
        "severity": "error",
        "action_by": "us",
    }


def partner_for(
    ic: codec.Interchange, expected: TradingPartner | None = None
) -> tuple[TradingPartner | None, dict[str, Any] | None]:
    """The trading partner who sent this interchange, or the error a clerk reads."""
    sender, qualifier = ic.sender_id.strip(), ic.sender_qualifier.strip()
    receiver = ic.receiver_id.strip()
    candidates = list(TradingPartner.objects.select_related("customer").filter(isa_id=sender))
    ours = [p for p in candidates if p.our_isa_id.strip() == receiver]
    exact = [p for p in ours if p.isa_qualifier.strip() == qualifier]
    found: TradingPartner | None = (exact or ours or [None])[0]  # type: ignore[list-item]
    if found is None:
        if candidates:
            p = candidates[0]
            return None, _problem(
                "008",
                f"ISA08 '{receiver}' is not our id with {p.name} (we are '{p.our_isa_id}')",
                "check the receiver id the partner uses for us, or correct it on the profile",
                receiver,
            )
        return None, _problem(
            "006",
            f"no trading partner with ISA06 {sender} ({qualifier})",
            f"add a trading partner with ISA05/06 {qualifier}/{sender}, or check who sent the file",
            sender,
        )
    if expected is not None and found.pk != expected.pk:
        return None, _problem(
            "006",
            f"ISA06 {sender} is {found.name}, but the file came through {expected.name}'s channel",
            "ask the partner to send through their own folder or account",
            sender,
        )
    if not found.active:
        return None, _problem(
            "006",
            f"trading partner {found.name} (ISA06 {sender}) is not active",
            "activate the partner profile, then ask the partner to re-send",
            sender,
        )
    return found, None


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _file_name(partner: TradingPartner | None, ic: codec.Interchange) -> str:
    who = partner.code if partner else re.sub(r"[^A-Za-z0-9]", "", ic.sender_id) or "unknown"
    control = re.sub(r"[^A-Za-z0-9]", "", ic.control_number) or "noisa"
    return f"{who}-in-{control}.x12"


def _interchange_claim(
    ic: codec.Interchange,
    *,
    partner: TradingPartner | None,
    problem: dict[str, Any] | None,
    source: str,
    actor: Any,
) -> tuple[Interchange, TradingPartner | None]:
    """Record the interchange; under the partner lock, so only one copy is ever taken in."""
    with transaction.atomic():
        original = None
        if partner is not None:
            partner = lock_one(
                TradingPartner.objects.filter(pk=partner.pk).select_related("customer")
            )
            if ic.control_number and ic.isa is not None:
                original = duplicates.interchange_original(
                    partner=partner, control_number=ic.control_number
                )
        raw = ic.raw.encode("utf-8")
        row = Interchange(
            direction=Direction.INBOUND,
            partner=partner,
            sender_qualifier=ic.sender_qualifier.strip()[:2],
            sender_id=ic.sender_id.strip()[:15],
            receiver_qualifier=ic.receiver_qualifier.strip()[:2],
            receiver_id=ic.receiver_id.strip()[:15],
            control_number=ic.control_number.strip()[:9],
            version=ic.version[:5],
            test_indicator=ic.test_indicator[:1],
            interchange_date=_aware(ic.date),
            source=source[:300],
            size=len(raw),
            warnings=[w.as_dict() for w in ic.warnings],
        )
        if partner is None:
            row.status = InterchangeStatus.UNKNOWN_PARTNER
            row.errors = [problem] if problem else []
            row.errors += [p.as_dict() for p in ic.problems]
        elif original is not None:
            row.status = InterchangeStatus.DUPLICATE
            row.duplicate_of = original
            row.ta1_code = "025"
        elif ic.problems:
            row.status = InterchangeStatus.REJECTED
            row.errors = [p.as_dict() for p in ic.problems]
            row.ta1_code = ic.problems[0].code[:3]
        else:
            row.status = InterchangeStatus.RECEIVED
        row.raw.save(_file_name(partner, ic), ContentFile(raw), save=False)
        row.save()
        event_record(
            actor=actor,
            obj=row,
            action=f"edi.interchange.{row.status}",
            after={
                "partner": partner.code if partner else None,
                "sender": f"{row.sender_qualifier}/{row.sender_id}",
                "isa13": row.control_number,
                "source": row.source,
                "duplicate_of": original.pk if original else None,
                "errors": [e.get("message") for e in row.errors][:5],
            },
        )
    return row, partner


def _reply(
    *,
    partner: TradingPartner,
    ic: codec.Interchange,
    row: Interchange,
    acks: Sequence[codec.OutSet] = (),
    ta1s: Sequence[tuple[Any, ...]] = (),
) -> Interchange | None:
    """Send our 997s / TA1 for one interchange; a failure to build them is logged on it."""
    try:
        sent = sending.interchange_send(
            partner=partner,
            sets=[("997", list(a.segments)) for a in acks],
            functional_id="FA",
            ta1s=list(ta1s),
            source=f"{'997' if acks else 'TA1'} for ISA {row.control_number} from {partner.code}",
        )
    except Exception as exc:  # a reply we cannot build must not undo what was taken in
        log.exception("EDI reply for interchange %s failed", row.pk)
        row.warnings = [
            *row.warnings,
            {
                "level": "interchange",
                "code": "",
                "message": f"our acknowledgement could not be sent: {exc}",
                "fix": "report this to support; the documents were processed",
                "severity": "warning",
                "action_by": "us",
            },
        ]
        return None
    return sent.interchange


def interchange_receive(
    ic: codec.Interchange,
    *,
    source: str,
    actor: Any = SYSTEM,
    today: dt.date | None = None,
    expected: TradingPartner | None = None,
    result: ReceiveResult | None = None,
) -> ReceiveResult:
    """Take in one interchange read by the codec (see the module docstring)."""
    result = result if result is not None else ReceiveResult()
    partner, problem = partner_for(ic, expected)
    row, partner = _interchange_claim(
        ic, partner=partner, problem=problem, source=source, actor=actor
    )
    result.interchanges.append(row)
    if partner is None:
        return result
    if row.status in (InterchangeStatus.REJECTED, InterchangeStatus.DUPLICATE):
        if row.status == InterchangeStatus.REJECTED or ic.ack_requested:
            with transaction.atomic():
                reply = _reply(
                    partner=partner,
                    ic=ic,
                    row=row,
                    ta1s=[codec.ta1(ic, code=row.ta1_code or "024", ack="R")],
                )
                if reply is not None:
                    result.replies.append(reply)
                row.save(update_fields=["warnings"])
        return result
    for seg in ic.ta1s:
        with transaction.atomic():
            if ta1_apply(actor=actor, partner=partner, segment=seg) is None:
                row.warnings = [
                    *row.warnings,
                    {
                        "level": "interchange",
                        "code": seg.get(5),
                        "message": f"TA1 for interchange {seg.get(1)}, which we did not send",
                        "raw": seg.raw,
                        "severity": "warning",
                        "action_by": "us",
                    },
                ]
    acks: list[codec.OutSet] = []
    clean = True
    for group in ic.groups:
        clean &= _group_receive(
            ic, group, row=row, partner=partner, actor=actor, today=today, result=result
        )
        if group.functional_id != "FA" and partner.exchanges("997"):
            acks.append(codec.ack_997(group))
    with transaction.atomic():
        ta1s = [codec.ta1(ic, code="000", ack="A")] if ic.ack_requested else []
        reply = (
            _reply(partner=partner, ic=ic, row=row, acks=acks, ta1s=ta1s)
            if (acks or ta1s)
            else None
        )
        if reply is not None:
            result.replies.append(reply)
            EdiDocument.objects.filter(interchange=row, direction=Direction.INBOUND).update(
                reply=reply
            )
        row.status = InterchangeStatus.ACCEPTED if clean else InterchangeStatus.PARTIAL
        row.save(update_fields=["status", "warnings"])
        event_record(
            actor=actor,
            obj=row,
            action="edi.interchange.processed",
            before={"status": InterchangeStatus.RECEIVED},
            after={
                "status": row.status,
                "groups": len(ic.groups),
                "reply": reply.control_number if reply else None,
            },
        )
    return result


def _group_receive(
    ic: codec.Interchange,
    group: codec.Group,
    *,
    row: Interchange,
    partner: TradingPartner,
    actor: Any,
    today: dt.date | None,
    result: ReceiveResult,
) -> bool:
    """Every set of one functional group; True when all were processed cleanly."""
    reused = duplicates.group_reused(
        partner=partner,
        functional_id=group.functional_id,
        group_control=group.control_number,
        exclude_interchange=row.pk,
    )
    clean = group.ack_code == "A"
    fresh = 0
    for ts in group.sets:
        doc = _set_receive(
            ic, group, ts, row=row, partner=partner, actor=actor, today=today, result=result
        )
        # The set's text is in the database now; the result keeps the row without it (read
        # again on access), so a large file's documents do not stay in memory twice.
        doc.__dict__.pop("raw", None)
        result.documents.append(doc)
        clean &= doc.status in (DocumentStatus.PROCESSED, DocumentStatus.DUPLICATE)
        fresh += doc.status != DocumentStatus.DUPLICATE
    if reused is not None and fresh:
        row.warnings = [
            *row.warnings,
            {
                "level": "group",
                "code": "",
                "message": f"GS06 {group.control_number} was used before by ISA "
                f"{reused.interchange.control_number if reused.interchange else '?'}; "
                "its sets differ, so they were processed",
                "fix": "",
                "severity": "warning",
                "action_by": "partner",
            },
        ]
    return clean


def _set_receive(
    ic: codec.Interchange,
    group: codec.Group,
    ts: codec.TransactionSet,
    *,
    row: Interchange,
    partner: TradingPartner,
    actor: Any,
    today: dt.date | None,
    result: ReceiveResult,
) -> EdiDocument:
    segments = ts.segments
    reference, document_date = document_identity(ts.set_id, segments)
    doc = EdiDocument(
        direction=Direction.INBOUND,
        partner=partner,
        interchange=row,
        set_id=ts.set_id[:3],
        functional_id=group.functional_id[:2],
        group_control=group.control_number[:9],
        set_control=ts.control_number[:9],
        version=group.version[:12],
        reference=reference[:80],
        document_date=document_date,
        raw=ts.raw,
        status=DocumentStatus.RECEIVED,
        attempts=1,
    )
    rejected = group.ack_code == "R" or not ts.accepted
    if rejected:
        doc.status = DocumentStatus.REJECTED
        doc.action_by = Actor.PARTNER
        doc.errors = [p.as_dict() for p in (*group.problems, *ts.problems)] or [
            {
                "level": "group",
                "code": "",
                "message": "the functional group was rejected",
                "severity": "error",
                "action_by": "partner",
            }
        ]
        with transaction.atomic():
            doc.save()
            event_record(
                actor=actor,
                obj=doc,
                action="edi.document.rejected",
                after={"reference": doc.reference, "errors": len(doc.errors)},
            )
        return doc
    original = duplicates.set_original(
        partner=partner,
        set_id=doc.set_id,
        functional_id=doc.functional_id,
        group_control=doc.group_control,
        set_control=doc.set_control,
        raw=doc.raw,
        exclude_interchange=row.pk,
    )
    warnings = [w.as_dict() for w in (*ts.warnings, *ts.problems)]
    if original is not None:
        doc.status = DocumentStatus.DUPLICATE
        doc.sales_order_id = original.sales_order_id
        doc.errors = warnings
        with transaction.atomic():
            doc.save()
            event_record(
                actor=actor,
                obj=doc,
                action="edi.document.duplicate",
                after={"duplicate_of": original.pk, "reference": doc.reference},
            )
        return doc
    envelope = Envelope(row.control_number, doc.group_control, doc.set_control)
    with transaction.atomic():
        doc.save()
        order = document_apply(
            doc=doc,
            segments=segments,
            partner=partner,
            envelope=envelope,
            actor=actor,
            today=today,
            warnings=warnings,
        )
    if order is not None and all(o.pk != order.pk for o in result.orders):
        result.orders.append(order)
    return doc

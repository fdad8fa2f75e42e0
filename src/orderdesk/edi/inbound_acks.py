"""Acknowledgements a partner sends us: 997/999 for our groups, TA1 for our interchanges.

A 997 answers one functional group we sent (AK1: GS01 and GS06) set by set (AK2 … AK5), or
as a whole (AK9) when it lists no sets. Our outbound documents in it become acknowledged
(AK5 A or E) or rejected by the partner (R, M, W, X), with the partner's AK3/AK4 details as
their error list, so the clerk sees which segment and element of what we sent was refused.
A TA1 answers one interchange we sent (TA101). Nothing here creates or changes an order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from orderdesk.core.audit import event_record
from orderdesk.core.locks import lock_rows

from .codec import Segment
from .duplicates import control_variants
from .mapping_850 import MappingCode, MappingError, business_error
from .models import (
    Actor,
    Direction,
    DocumentStatus,
    EdiDocument,
    Interchange,
    InterchangeStatus,
    TradingPartner,
)

ACCEPTED_CODES = frozenset({"A", "E"})
#: Outbound states a 997 may move on (a resolved document stays resolved).
ACKABLE = (
    DocumentStatus.QUEUED,
    DocumentStatus.SENT,
    DocumentStatus.ACKNOWLEDGED,
    DocumentStatus.ACK_REJECTED,
)


def ack_reference(segments: Sequence[Segment]) -> str:
    ak1 = next((s for s in segments if s.id == "AK1"), None)
    return f"{ak1.get(1)} {ak1.get(2)}".strip() if ak1 is not None else ""


def _as_int(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _reported(seg: Segment, ak3: Segment | None, set_ref: str) -> dict[str, Any]:
    """One error the partner reports (AK3 segment / AK4 element) in our error-list shape."""
    if seg.id in ("AK3", "IK3"):
        return {
            "level": "segment",
            "code": seg.get(4),
            "segment_id": seg.get(1),
            "segment_position": _as_int(seg.get(2)),
            "loop": seg.get(3),
            "element": None,
            "component": None,
            "value": "",
            "field": seg.get(1),
            "message": f"the partner's {set_ref} reports segment {seg.get(1)} at position "
            f"{seg.get(2)}: error {seg.get(4)}",
            "fix": "correct what we send for this partner and re-send",
            "raw": seg.raw,
            "severity": "error",
            "action_by": "us",
        }
    position = seg.component(1, 1) or seg.get(1)
    component = _as_int(seg.component(1, 2))
    segment_id = ak3.get(1) if ak3 is not None else ""
    ref = f"{segment_id}-{int(position):02d}" if segment_id and position.isdigit() else position
    bad = seg.get(4)
    return {
        "level": "element",
        "code": seg.get(3),
        "segment_id": segment_id,
        "segment_position": _as_int(ak3.get(2)) if ak3 is not None else None,
        "loop": ak3.get(3) if ak3 is not None else "",
        "element": _as_int(position),
        "component": component,
        "value": bad,
        "field": ref,
        "message": f"the partner's {set_ref} reports element {ref}"
        + (f" value '{bad}'" if bad else "")
        + f": error {seg.get(3)}",
        "fix": "correct what we send for this partner and re-send",
        "raw": seg.raw,
        "severity": "error",
        "action_by": "us",
    }


def _responses(segments: Sequence[Segment]) -> tuple[list[dict[str, Any]], str]:
    """Per set (AK2 … AK5/IK5): set id, control, code, errors; and the group's AK9 code."""
    out: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    ak3: Segment | None = None
    group_code = ""
    for seg in segments:
        if seg.id == "AK2":
            current = {"set_id": seg.get(1), "control": seg.get(2), "code": "", "errors": []}
            out.append(current)
            ak3 = None
        elif seg.id in ("AK3", "IK3") and current is not None:
            ak3 = seg
            current["errors"].append(_reported(seg, None, "997"))
        elif seg.id in ("AK4", "IK4") and current is not None:
            current["errors"].append(_reported(seg, ak3, "997"))
        elif seg.id in ("AK5", "IK5") and current is not None:
            current["code"] = seg.get(1).strip().upper()
            for n in range(2, 7):
                if seg.get(n):
                    current["errors"].append(
                        {
                            "level": "set",
                            "code": seg.get(n),
                            "segment_id": "",
                            "segment_position": None,
                            "loop": "",
                            "element": None,
                            "component": None,
                            "value": "",
                            "field": f"{current['set_id']} {current['control']}",
                            "message": f"the partner rejected set {current['set_id']} "
                            f"{current['control']}: AK5 error {seg.get(n)}",
                            "fix": "correct what we send for this partner and re-send",
                            "raw": seg.raw,
                            "severity": "error",
                            "action_by": "us",
                        }
                    )
        elif seg.id == "AK9":
            group_code = seg.get(1).strip().upper()
    return out, group_code


def ack_apply(
    *,
    actor: Any,
    partner: TradingPartner,
    segments: Sequence[Segment],
    set_ref: str,
    now: dt.datetime | None = None,
) -> list[EdiDocument]:
    """Apply one 997/999 to our outbound documents; caller holds a transaction.

    Returns the documents it moved on; raises `MappingError` when it answers nothing we sent.
    """
    now = now or timezone.now()
    ak1 = next((s for s in segments if s.id == "AK1"), None)
    if ak1 is None:
        raise MappingError(
            [business_error(MappingCode.SET_UNSUPPORTED, f"the {set_ref} has no AK1 segment")]
        )
    functional_id, group_control = ak1.get(1).strip(), ak1.get(2).strip()
    docs = lock_rows(
        EdiDocument.objects.filter(
            partner=partner,
            direction=Direction.OUTBOUND,
            functional_id=functional_id,
            group_control__in=control_variants(group_control),
        )
    )
    if not docs:
        raise MappingError(
            [
                business_error(
                    MappingCode.ACK_UNMATCHED,
                    f"the {set_ref} acknowledges group {functional_id} {group_control}, which "
                    f"we did not send to {partner.name}",
                    segment=ak1,
                    element=2,
                    value=group_control,
                    fix="check the partner's acknowledgement; mark this document resolved",
                )
            ]
        )
    responses, group_code = _responses(segments)
    moved: list[EdiDocument] = []
    if responses:
        for r in responses:
            control = _as_int(r["control"])
            for doc in docs:
                if _as_int(doc.set_control) == control and (
                    not r["set_id"] or doc.set_id == r["set_id"]
                ):
                    _ack_one(actor, doc, r["code"] or group_code, r["errors"], set_ref, now)
                    moved.append(doc)
    else:
        for doc in docs:
            _ack_one(actor, doc, group_code, [], set_ref, now)
            moved.append(doc)
    return moved


def _ack_one(
    actor: Any,
    doc: EdiDocument,
    code: str,
    errors: list[dict[str, Any]],
    set_ref: str,
    now: dt.datetime,
) -> None:
    if doc.status not in ACKABLE:
        return
    before = {"status": doc.status}
    if code in ACCEPTED_CODES or (code == "P" and not errors):
        doc.status = DocumentStatus.ACKNOWLEDGED
        doc.action_by = Actor.NONE
        doc.errors = [{**e, "severity": "warning"} for e in errors]
    else:
        doc.status = DocumentStatus.ACK_REJECTED
        doc.action_by = Actor.US
        doc.errors = errors or [
            {
                "level": "group",
                "code": code,
                "segment_id": "",
                "segment_position": None,
                "loop": "",
                "element": None,
                "component": None,
                "value": "",
                "field": "",
                "message": f"the partner's {set_ref} rejected the group (code {code or '?'})",
                "fix": "correct what we send for this partner and re-send",
                "raw": "",
                "severity": "error",
                "action_by": "us",
            }
        ]
    doc.acknowledged_at = now
    doc.save(update_fields=["status", "action_by", "errors", "acknowledged_at", "updated_at"])
    event_record(
        actor=actor,
        obj=doc,
        action=(
            "edi.document.acknowledged"
            if doc.status == DocumentStatus.ACKNOWLEDGED
            else "edi.document.ack_rejected"
        ),
        before=before,
        after={"status": doc.status, "code": code, "errors": len(doc.errors)},
    )


TA1_STATUS = {
    "A": InterchangeStatus.ACCEPTED,
    "E": InterchangeStatus.PARTIAL,
    "R": InterchangeStatus.REJECTED,
}


def ta1_apply(
    *, actor: Any, partner: TradingPartner, segment: Segment, now: dt.datetime | None = None
) -> Interchange | None:
    """Record a TA1 against the interchange we sent; None when we sent no such interchange."""
    now = now or timezone.now()
    control = segment.get(1).strip()
    ack, note = segment.get(4).strip().upper(), segment.get(5).strip()
    rows = lock_rows(
        Interchange.objects.filter(
            partner=partner,
            direction=Direction.OUTBOUND,
            control_number__in=control_variants(control),
        )
    )
    if not rows:
        return None
    sent = rows[-1]
    before = {"status": sent.status, "ta1_code": sent.ta1_code}
    sent.ta1_code = note[:3]
    sent.status = TA1_STATUS.get(ack, sent.status)
    if ack in ("R", "E"):
        sent.errors = [
            {
                "level": "interchange",
                "code": note,
                "segment_id": "TA1",
                "segment_position": None,
                "loop": "",
                "element": 5,
                "component": None,
                "value": note,
                "field": "TA105 Interchange Note Code",
                "message": f"the partner's TA1 {'rejected' if ack == 'R' else 'noted errors in'} "
                f"our interchange {control}: code {note}",
                "fix": "correct the envelope we send this partner and re-send",
                "raw": segment.raw,
                "severity": "error" if ack == "R" else "warning",
                "action_by": "us",
            }
        ]
    sent.save(update_fields=["status", "ta1_code", "errors"])
    event_record(
        actor=actor,
        obj=sent,
        action="edi.interchange.ta1",
        before=before,
        after={"status": sent.status, "ta1_code": sent.ta1_code, "ack": ack},
    )
    if ack == "R":
        for doc in lock_rows(
            EdiDocument.objects.filter(
                interchange=sent, direction=Direction.OUTBOUND, status__in=ACKABLE
            )
        ):
            _ack_one(actor, doc, "R", list(sent.errors), "TA1", now)
    return sent

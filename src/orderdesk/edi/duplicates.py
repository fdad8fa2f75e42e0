"""Inbound duplicates: the same interchange, group or set received again never acts twice.

Partners re-send: a VAN retries, an operator drops yesterday's file again, a partner that
missed our 997 sends the group again in a new envelope. Within the partner's retention
window (`duplicate_days`):

- an interchange is a duplicate when the partner sent the same ISA13 before (and that one
  was taken in: a rejected or unknown-sender interchange may be sent again with its number);
- a transaction set is a duplicate when the partner sent a set with the same GS01, GS06,
  ST02 and the same text before (and it was acted on). Partners that restart GS06 or ST02 at
  1 every day are common, so the numbers alone are not enough: only the same numbers with
  the same contents are the same document. Same numbers, other contents is reported as a
  warning on the interchange and processed.

The interchange claim is made under the partner row's lock (`interchange_claim` in
inbound.py), so two workers receiving one file at once cannot both pass this check. The
intake service adds its own net: the same PO with the same lines is the same order.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import (
    Direction,
    DocumentStatus,
    EdiDocument,
    Interchange,
    InterchangeStatus,
    TradingPartner,
)

#: Interchanges that were taken in (a later one with the same ISA13 is a duplicate).
TAKEN = (InterchangeStatus.RECEIVED, InterchangeStatus.ACCEPTED, InterchangeStatus.PARTIAL)
#: Documents that were acted on (a later identical one is a duplicate).
ACTED = (DocumentStatus.PROCESSED, DocumentStatus.FAILED, DocumentStatus.RESOLVED)


def window_start(partner: TradingPartner, now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=partner.duplicate_days)


def control_variants(value: str) -> list[str]:
    """The spellings of one control number: "1", "0001", "000000001" are the same number."""
    value = (value or "").strip()
    bare = value.lstrip("0") or "0"
    out = {value, bare}
    if bare.isdigit():
        out.update(bare.zfill(n) for n in range(len(bare), 10))
    return sorted(out)


def interchange_original(
    *, partner: TradingPartner, control_number: str, now: dt.datetime | None = None
) -> Interchange | None:
    """The interchange this partner sent with this ISA13 in the window, if any.

    Caller holds the partner row's lock when it goes on to record a new interchange."""
    return (
        Interchange.objects.filter(
            direction=Direction.INBOUND,
            partner=partner,
            control_number__in=control_variants(control_number),
            status__in=TAKEN,
            created_at__gte=window_start(partner, now),
        )
        .order_by("pk")
        .first()
    )


def _same_text(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return "".join(s.split())

    return norm(a) == norm(b)


def set_original(
    *,
    partner: TradingPartner,
    set_id: str,
    functional_id: str,
    group_control: str,
    set_control: str,
    raw: str,
    now: dt.datetime | None = None,
    exclude_interchange: int | None = None,
) -> EdiDocument | None:
    """The document this partner sent before with the same numbers and the same contents."""
    candidates = (
        EdiDocument.objects.filter(
            direction=Direction.INBOUND,
            partner=partner,
            set_id=set_id,
            functional_id=functional_id,
            group_control__in=control_variants(group_control),
            set_control__in=control_variants(set_control),
            status__in=ACTED,
            created_at__gte=window_start(partner, now),
        )
        .order_by("pk")
        .only("pk", "raw", "status", "sales_order", "interchange")
    )
    if exclude_interchange is not None:
        candidates = candidates.exclude(interchange_id=exclude_interchange)
    for doc in candidates:
        if _same_text(doc.raw, raw):
            return doc
    return None


def group_reused(
    *,
    partner: TradingPartner,
    functional_id: str,
    group_control: str,
    now: dt.datetime | None = None,
    exclude_interchange: int | None = None,
) -> EdiDocument | None:
    """A document of an earlier group with this GS01/GS06 (for a warning, not a refusal)."""
    qs = EdiDocument.objects.filter(
        direction=Direction.INBOUND,
        partner=partner,
        functional_id=functional_id,
        group_control__in=control_variants(group_control),
        created_at__gte=window_start(partner, now),
    )
    if exclude_interchange is not None:
        qs = qs.exclude(interchange_id=exclude_interchange)
    return qs.select_related("interchange").order_by("pk").first()

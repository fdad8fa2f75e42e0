"""What the EDI pages and API read: documents, interchanges, partners, intake items.

Every list comes with its relations joined or prefetched, so a page of 25 rows or an API
page of 500 costs the same few queries. The role check comes first: the monitor and the
intake queue are EDI_OPERATE, partner profiles EDI_SETUP; portal, technician and
warehouse users hold neither.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Count, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from orderdesk.core.errors import NotFound
from orderdesk.core.models import Event
from orderdesk.core.roles import Capability, require
from orderdesk.orders.models import OrderFinding
from orderdesk.orders.states import FindingStatus, Severity
from orderdesk.parties.models import Address, AddressKind, Customer

from . import codec
from .models import (
    Actor,
    Direction,
    DocumentStatus,
    EdiDocument,
    IntakeItem,
    IntakeStatus,
    Interchange,
    PartnerItem,
    TradingPartner,
)

#: Statuses after which nobody has anything left to do, whatever `action_by` still says.
SETTLED = (
    DocumentStatus.PROCESSED,
    DocumentStatus.RESOLVED,
    DocumentStatus.DUPLICATE,
    DocumentStatus.ACKNOWLEDGED,
)


def overdue_q(now: dt.datetime) -> Q:
    """Sent, no 997 back, past its due time: the same rule as `outbound.overdue_documents`."""
    return Q(
        direction=Direction.OUTBOUND,
        status=DocumentStatus.SENT,
        acknowledged_at__isnull=True,
        ack_due_at__lt=now,
    )


def _open_holds() -> Prefetch:
    """The open findings that hold the order a document made: 'Price hold' on the monitor."""
    holds = OrderFinding.objects.filter(
        status=FindingStatus.OPEN, severity__in=(Severity.HOLD, Severity.BLOCK)
    ).order_by("id")
    return Prefetch("sales_order__findings", queryset=holds, to_attr="open_holds")


def _documents(user: Any, now: dt.datetime | None = None) -> QuerySet[EdiDocument]:
    require(user, Capability.EDI_OPERATE)
    return (
        EdiDocument.objects.select_related(
            "partner", "interchange", "sales_order", "shipment", "invoice", "reply"
        )
        .prefetch_related(_open_holds())
        .annotate(
            is_overdue=Case(
                When(overdue_q(now or timezone.now()), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


def document_list(
    *,
    user: Any,
    direction: str | None = None,
    partner_id: int | None = None,
    set_id: str | None = None,
    status: str | None = None,
    action_by: str | None = None,
    overdue: bool = False,
    q: str | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[EdiDocument]:
    """Documents in and out, newest first. `action_by` us/partner: what still waits for
    someone; `overdue`: outbound documents whose 997 is late; `q`: PO, shipment or invoice
    number, control number or order number."""
    now = now or timezone.now()
    qs = _documents(user, now)
    if direction:
        qs = qs.filter(direction=direction)
    if partner_id:
        qs = qs.filter(partner_id=partner_id)
    if set_id:
        qs = qs.filter(set_id=set_id)
    if status:
        qs = qs.filter(status=status)
    if action_by:
        qs = qs.filter(action_by=action_by).exclude(status__in=SETTLED)
    if overdue:
        qs = qs.filter(overdue_q(now))
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(reference__icontains=q)
            | Q(set_control=q)
            | Q(group_control=q)
            | Q(interchange__control_number=q)
            | Q(sales_order__number__iexact=q)
        )
    return qs.order_by("-created_at", "-id")


def monitor_counts(*, user: Any, now: dt.datetime | None = None) -> dict[str, int]:
    """The monitor's cards: what waits for us, for the partner, late 997s, the intake queue."""
    require(user, Capability.EDI_OPERATE)
    now = now or timezone.now()
    open_ = ~Q(status__in=SETTLED)
    counts = EdiDocument.objects.aggregate(
        us=Count("id", filter=Q(action_by=Actor.US) & open_),
        partner=Count("id", filter=Q(action_by=Actor.PARTNER) & open_),
        overdue=Count("id", filter=overdue_q(now)),
    )
    counts["intake"] = IntakeItem.objects.filter(status=IntakeStatus.WAITING).count()
    return {k: int(v or 0) for k, v in counts.items()}


def document_get(*, user: Any, pk: int) -> EdiDocument:
    doc = _documents(user).select_related("acknowledgement", "partner__customer").filter(pk=pk)
    row = doc.first()
    if row is None:
        raise NotFound("EDI document", pk)
    return row


def document_events(*, user: Any, document: EdiDocument) -> QuerySet[Event]:
    require(user, Capability.EDI_OPERATE)
    return (
        Event.objects.filter(object_type=document._meta.label_lower, object_id=str(document.pk))
        .select_related("actor")
        .order_by("at", "id")
    )


@dataclass(frozen=True)
class Reply:
    """What we answered a document with: "997" or "TA1", and the set or segment as sent."""

    kind: str
    text: str


def reply_document(*, user: Any, document: EdiDocument) -> Reply | None:
    """Our reply to the document's interchange, read back from what we stored: the 997 set
    that acknowledged its group, else the TA1 (an envelope error or an asked-for TA1)."""
    require(user, Capability.EDI_OPERATE)
    reply = document.reply
    if reply is None or not reply.raw:
        return None
    with reply.raw.open("rb") as fh:
        data = fh.read()
    for ic in codec.read(data):
        for group in ic.groups:
            for ts in group.sets:
                if ts.set_id == "997":
                    return Reply("997", ts.raw)
        if ic.ta1s:
            return Reply("TA1", "\n".join(seg.raw for seg in ic.ta1s))
    return None


def interchange_list(
    *,
    user: Any,
    direction: str | None = None,
    partner_id: int | None = None,
    status: str | None = None,
    q: str | None = None,
) -> QuerySet[Interchange]:
    require(user, Capability.EDI_OPERATE)
    qs = Interchange.objects.select_related("partner").annotate(
        document_count=Count("documents", distinct=True)
    )
    if direction:
        qs = qs.filter(direction=direction)
    if partner_id:
        qs = qs.filter(partner_id=partner_id)
    if status:
        qs = qs.filter(status=status)
    if q:
        q = q.strip()
        qs = qs.filter(Q(control_number=q) | Q(sender_id__iexact=q) | Q(source__icontains=q))
    return qs.order_by("-created_at", "-id")


def interchange_get(*, user: Any, pk: int) -> Interchange:
    require(user, Capability.EDI_OPERATE)
    row = Interchange.objects.select_related("partner").filter(pk=pk).first()
    if row is None:
        raise NotFound("interchange", pk)
    return row


# -- partners ---------------------------------------------------------------------------------


def partner_choices(*, user: Any) -> QuerySet[TradingPartner]:
    """Partners for the monitor's filter (code and name only)."""
    require(user, Capability.EDI_OPERATE)
    return TradingPartner.objects.only("id", "code", "name").order_by("name")


def partner_list(*, user: Any, q: str | None = None) -> QuerySet[TradingPartner]:
    require(user, Capability.EDI_SETUP)
    qs = TradingPartner.objects.select_related("customer").annotate(
        item_count=Count("items", distinct=True)
    )
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(code__icontains=q)
            | Q(name__icontains=q)
            | Q(isa_id__icontains=q)
            | Q(customer__account_number__iexact=q)
        )
    return qs.order_by("name", "id")


def partner_get(*, user: Any, pk: int) -> TradingPartner:
    require(user, Capability.EDI_SETUP)
    row = TradingPartner.objects.select_related("customer").filter(pk=pk).first()
    if row is None:
        raise NotFound("trading partner", pk)
    return row


def partner_items(*, user: Any, partner: TradingPartner) -> QuerySet[PartnerItem]:
    require(user, Capability.EDI_SETUP)
    return (
        PartnerItem.objects.filter(partner=partner)
        .select_related("item", "item__base_uom")
        .order_by("buyer_part", "upc", "id")
    )


def partner_events(*, user: Any, partner: TradingPartner) -> QuerySet[Event]:
    require(user, Capability.EDI_SETUP)
    return (
        Event.objects.filter(object_type=partner._meta.label_lower, object_id=str(partner.pk))
        .select_related("actor")
        .order_by("-at", "-id")
    )


def customer_by_account(*, user: Any, account: str) -> Customer | None:
    require(user, Capability.EDI_SETUP)
    return Customer.objects.filter(account_number__iexact=account.strip()).first()


def customer_ship_to_codes(*, user: Any, customer_id: int | None) -> list[str]:
    require(user, Capability.EDI_SETUP)
    if not customer_id:
        return []
    return list(
        Address.objects.filter(customer_id=customer_id, kind=AddressKind.SHIP_TO)
        .order_by("code")
        .values_list("code", flat=True)
    )


# -- intake -----------------------------------------------------------------------------------


def intake_item_list(
    *, user: Any, status: str | None = IntakeStatus.WAITING, q: str | None = None
) -> QuerySet[IntakeItem]:
    """Items waiting for a clerk (oldest first: first in, first worked), or all of them
    newest first with `status=None`."""
    require(user, Capability.EDI_OPERATE)
    qs = IntakeItem.objects.select_related("customer", "resolved_by")
    if status:
        qs = qs.filter(status=status)
    if q:
        q = q.strip()
        qs = qs.filter(Q(sender__icontains=q) | Q(subject__icontains=q) | Q(filename__icontains=q))
    if status == IntakeStatus.WAITING:
        return qs.order_by("received_at", "id")
    return qs.order_by("-received_at", "-id")


def intake_counts(*, user: Any) -> dict[str, int]:
    require(user, Capability.EDI_OPERATE)
    rows = IntakeItem.objects.values("status").annotate(n=Count("id"))
    out = {s.value: 0 for s in IntakeStatus}
    out.update({r["status"]: r["n"] for r in rows})
    return out


def intake_item_get(*, user: Any, pk: int) -> IntakeItem:
    require(user, Capability.EDI_OPERATE)
    row = IntakeItem.objects.select_related("customer", "resolved_by").filter(pk=pk).first()
    if row is None:
        raise NotFound("intake item", pk)
    return row


def intake_item_events(*, user: Any, item: IntakeItem) -> QuerySet[Event]:
    require(user, Capability.EDI_OPERATE)
    return (
        Event.objects.filter(object_type=item._meta.label_lower, object_id=str(item.pk))
        .select_related("actor")
        .order_by("at", "id")
    )

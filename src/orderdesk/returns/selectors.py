"""RMA queries for the returns desk, the portal and the API; portal users see their own only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from orderdesk.core.access import scope_to_customer
from orderdesk.core.errors import NotFound
from orderdesk.core.models import Event
from orderdesk.core.roles import Capability, require
from orderdesk.orders.models import SalesOrder, SalesOrderLine

from .models import (
    Disposition,
    ReturnAuthorization,
    ReturnLine,
    ReturnReceipt,
    ReturnReceiptLine,
    RmaStatus,
)
from .services import counted_by_line, policy_for, shipped_by_line

ZERO = Decimal(0)

#: The queues of the returns desk, in the order work flows through them.
QUEUES: tuple[tuple[str, str, str], ...] = (
    ("requested", "Waiting for a decision", RmaStatus.REQUESTED),
    ("approved", "Approved, awaiting the goods", RmaStatus.APPROVED),
    ("received", "Received, awaiting credit", RmaStatus.RECEIVED),
    ("credited", "Credited", RmaStatus.CREDITED),
    ("done", "Closed, rejected or cancelled", ""),
)
_DONE = (RmaStatus.CLOSED, RmaStatus.REJECTED, RmaStatus.CANCELLED)


def _rmas(user: Any) -> QuerySet[ReturnAuthorization]:
    require(user, Capability.ORDER_VIEW)
    return scope_to_customer(ReturnAuthorization.objects.all(), user)


def rma_list(
    *,
    user: Any,
    status: str | None = None,
    customer_id: int | None = None,
    order_id: int | None = None,
    q: str | None = None,
) -> QuerySet[ReturnAuthorization]:
    """RMAs newest first; `status` "done" means closed, rejected or cancelled."""
    qs = _rmas(user).select_related(
        "customer", "order", "invoice", "credit_memo", "replacement_order"
    )
    if status == "done":
        qs = qs.filter(status__in=_DONE)
    elif status:
        qs = qs.filter(status=status)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if order_id:
        qs = qs.filter(order_id=order_id)
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(number__iexact=q)
            | Q(order__number__iexact=q)
            | Q(order__customer_po__icontains=q)
            | Q(customer__account_number__iexact=q)
            | Q(customer__name__icontains=q)
        )
    return qs.annotate(line_count=Count("lines", distinct=True)).order_by("-requested_at", "-id")


def queue_counts(*, user: Any) -> dict[str, int]:
    rows = _rmas(user).values("status").annotate(n=Count("id"))
    by_status = {r["status"]: r["n"] for r in rows}
    out = {key: by_status.get(status, 0) for key, _, status in QUEUES if status}
    out["done"] = sum(by_status.get(s, 0) for s in _DONE)
    return out


def rma_get(*, user: Any, pk: int) -> ReturnAuthorization:
    rma = (
        _rmas(user)
        .select_related(
            "customer",
            "order",
            "order__ship_to",
            "invoice",
            "credit_memo",
            "replacement_order",
            "warehouse",
            "requested_by",
            "decided_by",
        )
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=ReturnLine.objects.select_related(
                    "item", "item__default_vendor", "order_line", "invoice_line"
                ).order_by("line_no"),
            ),
            Prefetch(
                "receipts",
                queryset=ReturnReceipt.objects.select_related("warehouse", "received_by")
                .prefetch_related(
                    Prefetch(
                        "lines",
                        queryset=ReturnReceiptLine.objects.select_related(
                            "return_line", "return_line__item", "vendor"
                        ),
                    )
                )
                .order_by("id"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if rma is None:
        raise NotFound("RMA", pk)
    return rma


def rma_events(*, user: Any, rma: ReturnAuthorization) -> QuerySet[Event]:
    require(user, Capability.ORDER_VIEW)
    return (
        Event.objects.filter(object_type=rma._meta.label_lower, object_id=str(rma.pk))
        .select_related("actor")
        .order_by("at", "id")
    )


def rework_list(*, user: Any, limit: int = 100) -> QuerySet[ReturnReceiptLine]:
    """Returned goods sent to repair or back to a vendor, newest first (staff only)."""
    require(user, Capability.RETURN_RECEIVE)
    return (
        ReturnReceiptLine.objects.filter(
            disposition__in=[Disposition.REPAIR, Disposition.RETURN_TO_VENDOR]
        )
        .select_related(
            "receipt",
            "receipt__warehouse",
            "receipt__rma",
            "receipt__rma__customer",
            "return_line__item",
            "vendor",
        )
        .order_by("-receipt__received_on", "-id")[:limit]
    )


@dataclass
class ReturnableLot:
    lot: str
    shipped: Decimal
    on_rmas: Decimal
    last_shipped: dt.date | None

    @property
    def available(self) -> Decimal:
        return max(self.shipped - self.on_rmas, ZERO)


@dataclass
class ReturnableLine:
    """An order line that shipped: what may still come back, per lot."""

    line: SalesOrderLine
    lots: list[ReturnableLot] = field(default_factory=list)

    @property
    def shipped(self) -> Decimal:
        return sum((x.shipped for x in self.lots), ZERO)

    @property
    def on_rmas(self) -> Decimal:
        return sum((x.on_rmas for x in self.lots), ZERO)

    @property
    def available(self) -> Decimal:
        return max(self.shipped - self.on_rmas, ZERO)

    @property
    def tracked(self) -> bool:
        return self.line.item is not None and self.line.item.tracking != "none"


@dataclass
class Returnable:
    order: SalesOrder
    lines: list[ReturnableLine]
    window_days: int
    restocking_fee_percent: Decimal


def order_for_return(*, user: Any, number: str = "", pk: int | None = None) -> SalesOrder:
    """The order a return is asked for, by number or id, scoped to a portal user's own."""
    require(user, Capability.RETURN_REQUEST)
    qs = scope_to_customer(SalesOrder.objects.select_related("customer", "ship_to"), user)
    found = (
        qs.filter(pk=pk).first()
        if pk is not None
        else qs.filter(number__iexact=(number or "").strip()).first()
    )
    if found is None:
        raise NotFound("order", number or pk)
    return found


def returnable_lines(*, user: Any, order: SalesOrder) -> Returnable:
    """Each shipped line of the order with what may still be asked back, lot by lot."""
    order = order_for_return(user=user, pk=order.pk)
    lines = list(
        SalesOrderLine.objects.filter(order=order, qty_shipped__gt=0, item__isnull=False)
        .select_related("item")
        .order_by("line_no")
    )
    ids = [ln.pk for ln in lines]
    shipped, _ = shipped_by_line(ids)
    counted = counted_by_line(ids)
    out = []
    for ln in lines:
        lots = shipped.get(ln.pk) or []
        on = counted.get(ln.pk, {})
        rows = [
            ReturnableLot(s.lot, s.quantity, on.get(s.lot, ZERO), s.last_ship_date) for s in lots
        ]
        if not rows:  # drop-shipped without a shipment record here
            rows = [ReturnableLot("", ln.qty_shipped, sum(on.values(), ZERO), None)]
        out.append(ReturnableLine(ln, sorted(rows, key=lambda r: r.lot)))
    policy = policy_for(order.customer_id)
    return Returnable(order, out, policy.window_days, policy.restocking_fee_percent)

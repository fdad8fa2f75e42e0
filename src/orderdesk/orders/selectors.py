"""Order queries for the desk, the portal and the API; portal users see their own only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from orderdesk.core.access import scope_to_customer
from orderdesk.core.errors import NotFound
from orderdesk.core.models import Event
from orderdesk.core.roles import Capability, require

from .models import Acknowledgement, Allocation, OrderFinding, SalesOrder, SalesOrderLine
from .states import FindingStatus, OrderStatus


def _orders(user: Any) -> QuerySet[SalesOrder]:
    require(user, Capability.ORDER_VIEW)
    return scope_to_customer(SalesOrder.objects.all(), user)


def order_list(
    *,
    user: Any,
    status: str | None = None,
    hold_kind: str | None = None,
    customer_id: int | None = None,
    rush: bool | None = None,
    q: str | None = None,
    backorders_due_by: dt.date | None = None,
) -> QuerySet[SalesOrder]:
    qs = _orders(user).select_related("customer", "ship_to")
    if status:
        qs = qs.filter(status=status)
    if hold_kind:
        qs = qs.filter(
            Exists(
                OrderFinding.objects.filter(
                    order=OuterRef("pk"), status=FindingStatus.OPEN, hold_kind=hold_kind
                ).exclude(severity="warn")
            )
        )
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if rush is not None:
        qs = qs.filter(rush=rush)
    if backorders_due_by is not None:
        qs = qs.filter(
            Exists(
                SalesOrderLine.objects.filter(
                    order=OuterRef("pk"),
                    qty_backordered__gt=0,
                    promised_date__lte=backorders_due_by,
                )
            )
        )
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(number__iexact=q)
            | Q(customer_po__icontains=q)
            | Q(customer__account_number__iexact=q)
            | Q(customer__name__icontains=q)
        )
    return qs.annotate(line_count=Count("lines", distinct=True)).order_by("priority", "-id")


def order_get(*, user: Any, pk: int) -> SalesOrder:
    order = (
        _orders(user)
        .select_related(
            "customer",
            "bill_to",
            "ship_to",
            "ship_method",
            "ship_method__carrier",
            "payment_terms",
            "warehouse",
        )
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=SalesOrderLine.objects.select_related("item", "warehouse").order_by(
                    "line_no"
                ),
            ),
            "charges",
            Prefetch("findings", queryset=OrderFinding.objects.select_related("line", "closed_by")),
            Prefetch(
                "lines__allocations",
                queryset=Allocation.objects.select_related("warehouse", "item"),
            ),
            "acks",
            "changes",
        )
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise NotFound("order", pk)
    return order


def order_by_number(*, user: Any, number: str) -> SalesOrder:
    found = _orders(user).filter(number__iexact=number.strip()).values_list("pk", flat=True)
    pk = found.first()
    if pk is None:
        raise NotFound("order", number)
    return order_get(user=user, pk=pk)


def finding_get(*, user: Any, order_id: int, pk: int) -> OrderFinding:
    finding = (
        OrderFinding.objects.filter(pk=pk, order__in=_orders(user).filter(pk=order_id))
        .select_related("order", "line")
        .first()
    )
    if finding is None:
        raise NotFound("finding", pk)
    return finding


def line_get(*, user: Any, order_id: int, line_no: int) -> SalesOrderLine:
    line = (
        SalesOrderLine.objects.filter(order__in=_orders(user).filter(pk=order_id), line_no=line_no)
        .select_related("order", "item", "warehouse")
        .first()
    )
    if line is None:
        raise NotFound("line", line_no)
    return line


def ack_get(*, user: Any, order_id: int, revision: int) -> Acknowledgement:
    ack = (
        Acknowledgement.objects.filter(
            order__in=_orders(user).filter(pk=order_id), revision=revision
        )
        .select_related("order")
        .first()
    )
    if ack is None:
        raise NotFound("acknowledgement revision", revision)
    return ack


def order_events(*, user: Any, order: SalesOrder) -> QuerySet[Event]:
    """The order's timeline: staff only (it names overrides, reasons and people)."""
    require(user, Capability.MASTER_DATA_VIEW)
    line_ids = [str(pk) for pk in order.lines.values_list("pk", flat=True)]
    return (
        Event.objects.filter(
            Q(object_type="orders.salesorder", object_id=str(order.pk))
            | Q(object_type="orders.salesorderline", object_id__in=line_ids)
        )
        .select_related("actor")
        .order_by("at", "id")
    )


def queue_counts(*, user: Any) -> dict[str, Any]:
    """The desk's queue sizes: new, held by reason, rush, backorders due this week."""
    orders = _orders(user)
    today = timezone.localdate()
    held = (
        OrderFinding.objects.filter(
            order__in=orders.filter(status=OrderStatus.HELD), status=FindingStatus.OPEN
        )
        .exclude(severity="warn")
        .values("hold_kind")
        .annotate(n=Count("order", distinct=True))
    )
    return {
        "new": orders.filter(status=OrderStatus.RECEIVED).count(),
        "held": orders.filter(status=OrderStatus.HELD).count(),
        "held_by_kind": {row["hold_kind"]: row["n"] for row in held},
        "rush": orders.filter(
            rush=True, status__in=[OrderStatus.HELD, OrderStatus.ACCEPTED, OrderStatus.BACKORDERED]
        ).count(),
        "backorders_due": orders.filter(
            lines__qty_backordered__gt=0,
            lines__promised_date__lte=today + dt.timedelta(days=7),
        )
        .distinct()
        .count(),
    }


def order_events_for(*, user: Any, pk: int) -> QuerySet[Event]:
    return order_events(user=user, order=order_get(user=user, pk=pk))

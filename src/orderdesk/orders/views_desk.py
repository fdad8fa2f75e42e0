"""The desk: the queues with their counts, and the orders of the chosen queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from orderdesk.core.roles import Capability, has_capability, is_portal
from orderdesk.web.pages import is_htmx, paginate, vary_on_htmx

from . import page_queries, selectors
from .models import SalesOrder
from .states import HoldKind, OrderStatus
from .views import hold_sla, need, sla_text, span_text

#: "Backorders due": backordered lines promised within this many days.
BACKORDER_DAYS = 7
HOLD_QUEUES = [
    HoldKind.PRICE,
    HoldKind.CREDIT,
    HoldKind.DATA,
    HoldKind.COMPLIANCE,
    HoldKind.DUPLICATE,
    HoldKind.DATE,
]
#: The queue of orders with a change waiting for approval (coordinators and managers).
APPROVAL_QUEUE = "changes"


#: The queue cards' labels: one word each, so all the queues fit in one row.
SHORT_LABELS = {HoldKind.DUPLICATE.value: "Duplicate", HoldKind.DATE.value: "Date"}


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    count: int | None
    filters: dict[str, Any] = field(default_factory=dict)

    @property
    def alert(self) -> bool:
        return bool(self.count) and (self.key.startswith("held") or self.key == APPROVAL_QUEUE)


def _queue_groups(queues: list[Queue]) -> list[tuple[str, list[Queue]]]:
    return [
        ("Queues", queues[:3]),
        ("On hold by reason", queues[3:9]),
        ("Follow-up", queues[9:]),
    ]


def _queues(counts: dict[str, Any] | None, today: dt.date, *, approver: bool) -> list[Queue]:
    c = counts or {}
    by_kind = c.get("held_by_kind", {})
    queues = [
        Queue("", "All orders", None, {}),
        Queue("new", "New", c.get("new"), {"status": OrderStatus.RECEIVED}),
        Queue("held", "On hold", c.get("held"), {"status": OrderStatus.HELD}),
    ]
    queues += [
        Queue(
            f"held-{kind.value}",
            SHORT_LABELS.get(kind.value, str(kind.label)),
            by_kind.get(kind.value, 0),
            {"status": OrderStatus.HELD, "hold_kind": kind.value},
        )
        for kind in HOLD_QUEUES
    ]
    queues += [
        Queue("rush", "Rush", c.get("rush"), {"rush": True}),
        Queue(
            "backorders",
            "Backorders due",
            c.get("backorders_due"),
            {"backorders_due_by": today + dt.timedelta(days=BACKORDER_DAYS)},
        ),
    ]
    if approver:
        queues.append(Queue(APPROVAL_QUEUE, "Changes to approve", c.get(APPROVAL_QUEUE)))
    return queues


@dataclass(frozen=True)
class DeskRow:
    order: SalesOrder
    age: str
    #: for held orders: when the hold is due to be worked, and whether it is late
    sla_due: dt.datetime | None = None
    overdue: bool = False
    sla_text: str = ""


def _desk_row(order: SalesOrder, now: dt.datetime, sla: dt.timedelta) -> DeskRow:
    age = span_text(now - order.created_at)
    if order.status != OrderStatus.HELD or order.held_at is None:
        return DeskRow(order, age)
    due = order.held_at + sla
    return DeskRow(order, age, due, now > due, sla_text(due, now))


def _counts(user: Any, *, approver: bool) -> dict[str, Any]:
    counts = selectors.queue_counts(user=user)
    if approver:
        counts[APPROVAL_QUEUE] = page_queries.awaiting_approval_count(user=user)
    return counts


def _orders(user: Any, queue: Queue, q: str | None) -> QuerySet[SalesOrder]:
    if queue.key == APPROVAL_QUEUE:
        return page_queries.orders_awaiting_approval(user=user, q=q)
    return selectors.order_list(user=user, q=q, **queue.filters)


@login_required
@require_GET
def desk_page(request: HttpRequest) -> HttpResponse:
    """The queues with their counts, and the orders of the chosen queue (search by order
    number, PO, account or customer name). An htmx search gets the table only."""
    user = request.user
    need(user, Capability.ORDER_VIEW)
    portal = is_portal(user)
    approver = not portal and has_capability(user, Capability.ORDER_APPROVE)
    today = timezone.localdate()
    q = (request.GET.get("q") or "").strip()[:100]
    counts = None if portal or is_htmx(request) else _counts(user, approver=approver)
    queues = _queues(counts, today, approver=approver)
    queue = next((x for x in queues if x.key == request.GET.get("queue", "")), queues[0])
    if portal:
        queue = queues[0]
    page = paginate(request, _orders(user, queue, q or None))
    now, sla = timezone.now(), hold_sla()
    context = {
        "page": page,
        "rows": [_desk_row(o, now, sla) for o in page.object_list],
        "q": q,
        "queue": queue,
        "queue_groups": _queue_groups(queues),
        "portal": portal,
        "held_total": (counts or {}).get("held", 0),
        "sla_hours": sla.total_seconds() / 3600,
        "can_enter": has_capability(user, Capability.ORDER_ENTRY),
        "can_upload": has_capability(user, Capability.ORDER_ENTRY) and not portal,
    }
    if is_htmx(request):
        context["oob"] = True
        return vary_on_htmx(render(request, "orders/partials/desk_results.html", context))
    return vary_on_htmx(render(request, "orders/desk.html", context))

"""Where an order stands once the warehouse and billing have worked on it.

After a release, a pick, a shipment or an invoice, the order's status is read off its lines
and allocations: still in the warehouse (any allocation released to a pick list) →
released; stock reserved → allocated; waiting for stock → backordered; everything shipped
but not all invoiced → shipped; everything shipped and invoiced → invoiced. A partly
shipped order is therefore allocated or backordered again, showing the work left.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q

from .models import Allocation, SalesOrder, SalesOrderLine
from .services import order_transition
from .states import OrderStatus

S = OrderStatus

#: The steps from one state to another when a single command moves an order further than
#: one transition (a release that ships and invoices at once goes released → shipped →
#: invoiced, each step an event).
_PATHS: dict[tuple[str, str], tuple[str, ...]] = {
    (S.RELEASED, S.INVOICED): (S.SHIPPED, S.INVOICED),
    (S.ALLOCATED, S.INVOICED): (S.SHIPPED, S.INVOICED),
    (S.BACKORDERED, S.INVOICED): (S.SHIPPED, S.INVOICED),
}

#: States whose status this module maintains (held, received, cancelled, closed are others').
_FOLLOWED = frozenset({S.ACCEPTED, S.ALLOCATED, S.BACKORDERED, S.RELEASED, S.SHIPPED, S.INVOICED})


def order_status_due(order: SalesOrder) -> OrderStatus:
    """The status the order's lines and allocations say it is in (a few EXISTS queries)."""
    if Allocation.objects.filter(line__order=order, released=True).exists():
        return S.RELEASED
    lines = SalesOrderLine.objects.filter(order=order)
    flags = {
        "allocated": lines.filter(qty_allocated__gt=0).exists(),
        "waiting": lines.filter(qty_backordered__gt=0, drop_ship=False).exists(),
        "remaining": lines.filter(Q(qty_open__gt=0) | Q(qty_backordered__gt=0)).exists(),
        "uninvoiced": lines.filter(qty_shipped__gt=F("qty_invoiced")).exists(),
    }
    if flags["waiting"]:
        return S.BACKORDERED
    if flags["allocated"] or flags["remaining"]:
        return S.ALLOCATED
    if flags["uninvoiced"]:
        return S.SHIPPED
    return S.INVOICED


def order_progress(*, actor: Any, order: SalesOrder, reason: str = "") -> SalesOrder:
    """Move the order to the status its lines say, through the allowed steps, each an event.

    Caller holds the order row (inside the transaction that released, picked, shipped or
    invoiced). An order that is held, cancelled or closed is left alone.
    """
    if order.status not in _FOLLOWED:
        return order
    target = order_status_due(order)
    if target == order.status:
        return order
    steps = _PATHS.get((order.status, target), (target,))
    for step in steps:
        order_transition(actor=actor, order=order, to=step, reason=reason)
    return order

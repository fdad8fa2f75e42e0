"""The discrepancy check: invoiced ≠ shipped ≠ ordered, line by line.

Three quantities of each order line should agree once the work is done: what was ordered
(less what was cancelled), what left on shipments, and what was invoiced. And the counters
kept on the order line (`qty_shipped`, `qty_invoiced`) should agree with the documents they
summarise. Each disagreement is a row naming the order, the line, the SKU, the three
quantities and the kind, so billing can go straight to the document that is missing or
wrong. A kit line ships as its components, so its shipped quantity is the line's own count
of whole kits shipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from orderdesk.core.fields import QuantityField
from orderdesk.fulfilment.models import ShipmentLine
from orderdesk.orders.models import SalesOrderLine
from orderdesk.orders.states import OrderStatus
from orderdesk.parties.models import Customer

from .models import InvoiceLine

ZERO = Decimal(0)

#: Orders whose shipping is over: what left should be what was ordered.
DONE_SHIPPING = (OrderStatus.SHIPPED, OrderStatus.INVOICED, OrderStatus.CLOSED)


class DiscrepancyKind(StrEnum):
    SHIPPED_NOT_INVOICED = "shipped_not_invoiced"
    INVOICED_NOT_SHIPPED = "invoiced_not_shipped"
    SHORT_SHIPPED = "short_shipped"
    OVER_SHIPPED = "over_shipped"
    COUNTER_MISMATCH = "counter_mismatch"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


@dataclass(frozen=True, slots=True)
class Discrepancy:
    kind: DiscrepancyKind
    order_id: int
    order_number: str
    order_status: str
    customer_id: int
    account_number: str
    line_id: int
    line_no: int
    sku: str
    ordered: Decimal  # ordered less cancelled
    shipped: Decimal  # by the shipment documents (kits: the line's count)
    invoiced: Decimal  # by the invoice lines
    detail: str


def _qty_sum(qs: QuerySet[Any]) -> Coalesce:
    return Coalesce(
        Subquery(
            qs.order_by().values("order_line_id").annotate(s=Sum("quantity")).values("s")[:1],
            output_field=QuantityField(),
        ),
        Value(0, output_field=QuantityField()),
        output_field=QuantityField(),
    )


def _lines(customer: Customer | int | None, order: Any) -> QuerySet[SalesOrderLine]:
    qs = SalesOrderLine.objects.all()
    if customer is not None:
        qs = qs.filter(order__customer=customer)
    if order is not None:
        qs = qs.filter(order=order)
    qs = qs.annotate(
        doc_shipped=_qty_sum(ShipmentLine.objects.filter(order_line=OuterRef("pk"))),
        doc_invoiced=_qty_sum(InvoiceLine.objects.filter(order_line=OuterRef("pk"))),
        is_kit=Coalesce(F("item__is_kit"), Value(False)),
    ).annotate(
        shipped=Case(
            When(is_kit=True, then=F("qty_shipped")),
            default=F("doc_shipped"),
            output_field=QuantityField(),
        ),
        billable=ExpressionWrapper(
            F("qty_ordered") - F("qty_cancelled"), output_field=QuantityField()
        ),
    )
    done = Q(order__status__in=DONE_SHIPPING)
    return (
        qs.filter(
            ~Q(doc_invoiced=F("shipped"))
            | (done & ~Q(shipped=F("billable")))
            | (Q(is_kit=False) & ~Q(doc_shipped=F("qty_shipped")))
            | ~Q(doc_invoiced=F("qty_invoiced"))
        )
        .select_related("order", "order__customer")
        .order_by("order__number", "line_no")
    )


def _kinds(line: Any) -> list[tuple[DiscrepancyKind, str]]:
    shipped, invoiced, billable = line.shipped, line.doc_invoiced, line.billable
    out: list[tuple[DiscrepancyKind, str]] = []
    if invoiced < shipped:
        out.append((DiscrepancyKind.SHIPPED_NOT_INVOICED, f"{_q(shipped - invoiced)} to invoice"))
    elif invoiced > shipped:
        out.append(
            (DiscrepancyKind.INVOICED_NOT_SHIPPED, f"{_q(invoiced - shipped)} billed, not shipped")
        )
    if line.order.status in DONE_SHIPPING:
        if shipped < billable:
            out.append((DiscrepancyKind.SHORT_SHIPPED, f"{_q(billable - shipped)} never shipped"))
        elif shipped > billable:
            out.append((DiscrepancyKind.OVER_SHIPPED, f"{_q(shipped - billable)} over the order"))
    counters = []
    if not line.is_kit and line.doc_shipped != line.qty_shipped:
        counters.append(
            f"line says {_q(line.qty_shipped)} shipped, shipments {_q(line.doc_shipped)}"
        )
    if invoiced != line.qty_invoiced:
        counters.append(f"line says {_q(line.qty_invoiced)} invoiced, invoices {_q(invoiced)}")
    if counters:
        out.append((DiscrepancyKind.COUNTER_MISMATCH, "; ".join(counters)))
    return out


def _q(value: Decimal) -> str:
    return f"{value.normalize():f}"


def discrepancies(
    *, customer: Customer | int | None = None, order: Any = None
) -> list[Discrepancy]:
    """Every disagreement between ordered, shipped and invoiced quantities (base units), by
    order number and line; a line with two problems gives two rows (1 query).

    Caller checks access (staff with BILLING_VIEW: the rows name customers).
    """
    rows: list[Discrepancy] = []
    line: Any
    for line in _lines(customer, order):
        for kind, detail in _kinds(line):
            rows.append(
                Discrepancy(
                    kind=kind,
                    order_id=line.order_id,
                    order_number=line.order.number,
                    order_status=line.order.status,
                    customer_id=line.order.customer_id,
                    account_number=line.order.customer.account_number,
                    line_id=line.pk,
                    line_no=line.line_no,
                    sku=line.sku,
                    ordered=line.billable,
                    shipped=line.shipped,
                    invoiced=line.doc_invoiced,
                    detail=detail,
                )
            )
    return rows


def discrepancy_list(
    *, user: Any, customer_id: int | None = None, order_id: int | None = None, kind: str = ""
) -> list[Discrepancy]:
    """`discrepancies` for billing staff, optionally of one kind."""
    from .ledger import require_billing_staff

    require_billing_staff(user)
    rows = discrepancies(customer=customer_id, order=order_id)
    return [r for r in rows if r.kind == kind] if kind else rows

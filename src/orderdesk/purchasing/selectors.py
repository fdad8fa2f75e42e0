"""Queries on purchase orders and the receipts they promise (read by ATP)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from django.db.models import ExpressionWrapper, F, Prefetch, Q, QuerySet, Sum

from orderdesk.catalog.models import Item
from orderdesk.core.errors import NotFound
from orderdesk.core.fields import QuantityField
from orderdesk.inventory.models import Warehouse

from .models import PurchaseOrder, PurchaseOrderLine, PurchaseOrderStatus

#: Purchase orders whose open quantities are expected into stock (drafts are not promised).
EXPECTED_STATUSES = (PurchaseOrderStatus.OPEN, PurchaseOrderStatus.PARTIALLY_RECEIVED)


class ExpectedReceipt(NamedTuple):
    expected_date: dt.date
    quantity: Decimal


def purchase_order_list(
    *,
    status: str | None = None,
    vendor: int | None = None,
    warehouse: int | None = None,
    drop_ship: bool | None = None,
    q: str | None = None,
) -> QuerySet[PurchaseOrder]:
    qs = PurchaseOrder.objects.select_related("vendor", "warehouse", "ship_to")
    if status:
        qs = qs.filter(status=status)
    if vendor is not None:
        qs = qs.filter(vendor=vendor)
    if warehouse is not None:
        qs = qs.filter(warehouse=warehouse)
    if drop_ship is not None:
        qs = qs.filter(drop_ship=drop_ship)
    if q:
        q = q.strip()
        qs = qs.filter(Q(number__icontains=q) | Q(vendor_reference__icontains=q))
    return qs.order_by("-order_date", "-number")


def purchase_order_get(*, pk: int) -> PurchaseOrder:
    """One purchase order with its lines and their items loaded."""
    found = (
        PurchaseOrder.objects.select_related("vendor", "warehouse", "ship_to")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=PurchaseOrderLine.objects.select_related("item", "item__base_uom"),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound("purchase order", pk)
    return found


def _open_lines(
    *, item: Item | int | None, warehouse: Warehouse | int | None, until: dt.date | None
) -> QuerySet[PurchaseOrderLine]:
    qs = PurchaseOrderLine.objects.filter(
        purchase_order__status__in=EXPECTED_STATUSES,
        purchase_order__drop_ship=False,
        quantity_received__lt=F("quantity_ordered"),
    )
    if item is not None:
        qs = qs.filter(item=item)
    if warehouse is not None:
        qs = qs.filter(purchase_order__warehouse=warehouse)
    if until is not None:
        qs = qs.filter(expected_date__lte=until)
    return qs.annotate(
        open_quantity=ExpressionWrapper(
            F("quantity_ordered") - F("quantity_received"), output_field=QuantityField()
        )
    )


def expected_receipt_lines(
    *,
    item: Item | int | None = None,
    warehouse: Warehouse | int | None = None,
    until: dt.date | None = None,
) -> QuerySet[PurchaseOrderLine]:
    """Open lines of sent, stocked purchase orders, earliest first, with `open_quantity`."""
    return (
        _open_lines(item=item, warehouse=warehouse, until=until)
        .select_related("item", "purchase_order", "purchase_order__vendor")
        .order_by("expected_date", "purchase_order__number", "line_no")
    )


def expected_receipts(
    *, item: Item | int, warehouse: Warehouse | int | None = None, until: dt.date | None = None
) -> list[ExpectedReceipt]:
    """Open quantity of `item` expected into stock, summed per expected date, earliest first.

    Counts sent (open or partly received) purchase orders into a warehouse; drafts, drop-ship
    orders (they never reach stock) and cancelled ones are not expected. `until` includes
    that date.
    """
    rows = (
        _open_lines(item=item, warehouse=warehouse, until=until)
        .order_by()
        .values("expected_date")
        .annotate(
            total=Sum(F("quantity_ordered") - F("quantity_received"), output_field=QuantityField())
        )
        .order_by("expected_date")
    )
    return [ExpectedReceipt(r["expected_date"], r["total"]) for r in rows]

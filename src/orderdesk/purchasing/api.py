"""Purchase orders over REST: list, read, create, change while draft, send, receive, cancel.

The purchasing services take rows, not ids, so the ids of a request are turned into rows
here (path ids that name nothing are 404, body ids 422) after the role check, which
`requires` makes before any lookup so that a refused caller learns nothing.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from orderdesk.catalog.models import Item
from orderdesk.core.apitools import Page, answers, body_row, one_or_404, requires
from orderdesk.core.errors import Invalid
from orderdesk.core.roles import Capability
from orderdesk.inventory.models import Warehouse
from orderdesk.parties.models import Address, Vendor

from . import selectors, services
from .models import PurchaseOrder
from .schemas import (
    CancelIn,
    PurchaseOrderDetailOut,
    PurchaseOrderFilter,
    PurchaseOrderIn,
    PurchaseOrderLineIn,
    PurchaseOrderOut,
    PurchaseOrderPatch,
    ReceiptIn,
)

router = Router(tags=["purchasing"])

BUY = Capability.PURCHASING


def _lines(lines: list[PurchaseOrderLineIn]) -> list[services.LineInput]:
    """The request's lines with their items, fetched in one query."""
    items = Item.objects.in_bulk([line.item_id for line in lines])
    out = []
    for n, line in enumerate(lines):
        item = items.get(line.item_id)
        if item is None:
            raise Invalid(
                "reference_unknown",
                f"line {n + 1}: there is no item with id {line.item_id}",
                field=f"lines.{n}.item_id",
                fix="use the id of an existing item",
            )
        out.append(services.LineInput(item, line.quantity, line.unit_cost, line.expected_date))
    return out


def _order(purchase_order_id: int) -> PurchaseOrder:
    return one_or_404(PurchaseOrder.objects.all(), purchase_order_id, "purchase order")


@router.get(
    "/purchase-orders", response=answers(list[PurchaseOrderOut]), summary="List purchase orders"
)
@paginate(Page)
@requires(Capability.MASTER_DATA_VIEW)
def purchase_orders_list(request: HttpRequest, filters: Query[PurchaseOrderFilter]) -> Any:
    return selectors.purchase_order_list(**filters.dict())


@router.get(
    "/purchase-orders/{purchase_order_id}",
    response=answers(PurchaseOrderDetailOut),
    summary="Purchase order with its lines",
)
@requires(Capability.MASTER_DATA_VIEW)
def purchase_orders_read(request: HttpRequest, purchase_order_id: int) -> Any:
    return selectors.purchase_order_get(pk=purchase_order_id)


@router.post(
    "/purchase-orders",
    response=answers(PurchaseOrderDetailOut, status=201, write=True),
    summary="Create a draft purchase order",
)
@requires(BUY)
def purchase_orders_create(request: HttpRequest, payload: PurchaseOrderIn) -> Any:
    p = payload
    return 201, services.purchase_order_create(
        actor=request.user,
        vendor=body_row(Vendor, p.vendor_id, field="vendor_id", what="vendor"),
        warehouse=(
            body_row(Warehouse, p.warehouse_id, field="warehouse_id", what="warehouse")
            if p.warehouse_id is not None
            else None
        ),
        expected_date=p.expected_date,
        lines=_lines(p.lines),
        drop_ship=p.drop_ship,
        ship_to=(
            body_row(Address, p.ship_to_id, field="ship_to_id", what="address")
            if p.ship_to_id is not None
            else None
        ),
        currency=p.currency,
        vendor_reference=p.vendor_reference,
        notes=p.notes,
    )


@router.patch(
    "/purchase-orders/{purchase_order_id}",
    response=answers(PurchaseOrderDetailOut, write=True),
    summary="Change a draft purchase order",
)
@requires(BUY)
def purchase_orders_update(
    request: HttpRequest, purchase_order_id: int, payload: PurchaseOrderPatch
) -> Any:
    """409 unless the purchase order is still a draft."""
    p = payload
    return services.purchase_order_update(
        actor=request.user,
        purchase_order=_order(purchase_order_id),
        expected_date=p.expected_date,
        warehouse=(
            body_row(Warehouse, p.warehouse_id, field="warehouse_id", what="warehouse")
            if p.warehouse_id is not None
            else None
        ),
        ship_to=(
            body_row(Address, p.ship_to_id, field="ship_to_id", what="address")
            if p.ship_to_id is not None
            else None
        ),
        currency=p.currency,
        vendor_reference=p.vendor_reference,
        notes=p.notes,
        lines=_lines(p.lines) if p.lines is not None else None,
        reason=p.reason,
    )


@router.post(
    "/purchase-orders/{purchase_order_id}/send",
    response=answers(PurchaseOrderDetailOut, write=True),
    summary="Send a draft to the vendor (draft → open)",
)
@requires(BUY)
def purchase_orders_send(request: HttpRequest, purchase_order_id: int) -> Any:
    return services.purchase_order_send(
        actor=request.user, purchase_order=_order(purchase_order_id)
    )


@router.post(
    "/purchase-orders/{purchase_order_id}/receive",
    response=answers(PurchaseOrderDetailOut, write=True),
    summary="Receive goods against lines",
)
@requires(BUY)
def purchase_orders_receive(
    request: HttpRequest, purchase_order_id: int, payload: ReceiptIn
) -> Any:
    """All receipt lines apply or none; stock is booked into the order's warehouse."""
    return services.purchase_order_receive(
        actor=request.user,
        purchase_order=_order(purchase_order_id),
        receipts=[services.Receipt(r.line_no, r.quantity, r.lot) for r in payload.receipts],
        reference=payload.reference,
    )


@router.post(
    "/purchase-orders/{purchase_order_id}/cancel",
    response=answers(PurchaseOrderDetailOut, write=True),
    summary="Cancel a purchase order (or the open rest of a partly received one)",
)
@requires(BUY)
def purchase_orders_cancel(request: HttpRequest, purchase_order_id: int, payload: CancelIn) -> Any:
    return services.purchase_order_cancel(
        actor=request.user, purchase_order=_order(purchase_order_id), reason=payload.reason
    )

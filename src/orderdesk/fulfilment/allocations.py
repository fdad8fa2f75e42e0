"""The order side of reserved stock, as the warehouse changes it: Allocation rows follow the
stock reservations when a picker takes another lot, leaves a quantity short, or ships.

An order line's Allocation rows always sum (per item, warehouse and lot) to what that line
holds reserved in `StockLevel.allocated`; these helpers change both together or the row
alone when the caller moves the reservation itself. Callers hold the order row lock.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_FLOOR, Decimal

from django.utils import timezone

from orderdesk.catalog.models import KitComponent
from orderdesk.orders.models import Allocation, SalesOrderLine

from .errors import FulfilmentConflict, FulfilmentErrorCode

ZERO = Decimal(0)


def allocation_take(
    *, line_id: int, item_id: int, warehouse_id: int, lot: str, quantity: Decimal, released: bool
) -> None:
    """Take `quantity` off the line's Allocation rows of that item, warehouse and lot
    (oldest first), deleting rows that reach zero. The reservation is the caller's business.

    Refused (409) when the rows hold less: the warehouse would ship or give back stock the
    order does not hold, which is a bug to look at, not a case to absorb.
    """
    left = quantity
    rows = list(
        Allocation.objects.filter(
            line_id=line_id, item_id=item_id, warehouse_id=warehouse_id, lot=lot, released=released
        ).order_by("pk")
    )
    gone: list[int] = []
    for row in rows:
        if left <= 0:
            break
        take = min(left, row.quantity)
        left -= take
        if take == row.quantity:
            gone.append(row.pk)
        else:
            row.quantity -= take
            row.save(update_fields=["quantity"])
    if left > 0:
        lot_text = f" lot {lot}" if lot else ""
        raise FulfilmentConflict(
            FulfilmentErrorCode.ALLOCATION_MISMATCH,
            f"order line {line_id} holds less of item {item_id}{lot_text} than "
            f"{quantity.normalize():f} in this warehouse",
            field="allocation",
        )
    if gone:
        Allocation.objects.filter(pk__in=gone).delete()


def allocation_add(
    *, line_id: int, item_id: int, warehouse_id: int, lot: str, quantity: Decimal, released: bool
) -> Allocation:
    """Add `quantity` to the line's row of that item, warehouse, lot and release state (or a
    new row). The reservation is the caller's business."""
    row = (
        Allocation.objects.filter(
            line_id=line_id, item_id=item_id, warehouse_id=warehouse_id, lot=lot, released=released
        )
        .order_by("pk")
        .first()
    )
    if row is not None:
        row.quantity += quantity
        row.save(update_fields=["quantity"])
        return row
    return Allocation.objects.create(
        line_id=line_id,
        item_id=item_id,
        warehouse_id=warehouse_id,
        lot=lot,
        quantity=quantity,
        released=released,
        created_at=timezone.now(),
    )


def kit_parts(lines: list[SalesOrderLine]) -> dict[int, dict[int, Decimal]]:
    """Kit item id → {component item id: quantity per kit}, for the kit lines given."""
    kit_ids = {ln.item_id for ln in lines if ln.item is not None and ln.item.is_kit}
    out: dict[int, dict[int, Decimal]] = defaultdict(dict)
    if kit_ids:
        for kit_id, component_id, quantity in KitComponent.objects.filter(
            kit_id__in=kit_ids
        ).values_list("kit_id", "component_id", "quantity"):
            out[kit_id][component_id] = quantity
    return dict(out)


def whole_kits(have: dict[int, Decimal], per_kit: dict[int, Decimal]) -> Decimal:
    """How many whole kits the component quantities make."""
    if not per_kit:
        return ZERO
    units = min(have.get(c, ZERO) / q for c, q in per_kit.items())
    return units.to_integral_value(rounding=ROUND_FLOOR)

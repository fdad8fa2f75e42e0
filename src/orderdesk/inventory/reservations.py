"""Reserving stock for orders: the stock side of an allocation.

A reservation raises `StockLevel.allocated` with a conditional
`UPDATE ... SET allocated = allocated + q WHERE id = ? AND on_hand - allocated >= q` whose
row count is checked; never read-modify-write. On PostgreSQL (READ COMMITTED) an UPDATE that
waited for another transaction's row lock re-checks its WHERE on the row as that transaction
left it, so two reservations can never both take the last unit; SQLite serialises writers
(IMMEDIATE transactions). When the condition fails the row is read again and what is still
free is taken: reservations may be partial, and the caller backorders the rest. The CHECK
constraint `allocated <= on_hand` is the last line behind it.

These functions run inside the caller's transaction and record no events: the order-side
command that calls them records what was allocated to which line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Subquery

from orderdesk.core.errors import Conflict, CoreErrorCode
from orderdesk.core.fields import units_value

from .errors import InventoryError, InventoryErrorCode, plain
from .models import Lot, StockLevel

#: How often one level is read again after its conditional update failed (a busy SKU).
MAX_RETRIES = 5


@dataclass
class Level:
    """A stock level that can be reserved from, as last read."""

    pk: int
    item_id: int
    warehouse_id: int
    lot: str
    available: Decimal


def reservable_levels(
    item_ids: Iterable[int], *, warehouse_ids: Iterable[int] | None = None
) -> dict[tuple[int, int], list[Level]]:
    """(item id, warehouse id) → levels with free stock, first expiring first (FEFO). One query.

    Only active warehouses, and no lot on quality hold. Levels without a lot (items that are
    not lot controlled) and lots without an expiry date come after dated lots.
    """
    lots = Lot.objects.filter(item_id=OuterRef("item_id"), number=OuterRef("lot"))
    qs = (
        StockLevel.objects.filter(
            item_id__in=list(item_ids), warehouse__active=True, on_hand__gt=F("allocated")
        )
        .annotate(
            held=Exists(lots.filter(quality_hold=True)),
            expiry=Subquery(lots.values("expiry_date")[:1]),
        )
        .filter(held=False)
    )
    if warehouse_ids is not None:
        qs = qs.filter(warehouse_id__in=list(warehouse_ids))
    rows = qs.order_by(
        "item_id", "warehouse_id", F("expiry").asc(nulls_last=True), "lot", "pk"
    ).values_list("pk", "item_id", "warehouse_id", "lot", "on_hand", "allocated")
    out: dict[tuple[int, int], list[Level]] = {}
    for pk, item_id, warehouse_id, lot, on_hand, allocated in rows:
        out.setdefault((item_id, warehouse_id), []).append(
            Level(pk, item_id, warehouse_id, lot, on_hand - allocated)
        )
    return out


def _positive(quantity: Decimal) -> Decimal:
    if quantity <= 0:
        raise InventoryError(
            InventoryErrorCode.QUANTITY_INVALID,
            f"reserve or release a positive quantity (got {plain(quantity)})",
            field="quantity",
        )
    return quantity


def _take(pk: int, quantity: Decimal) -> bool:
    return (
        StockLevel.objects.filter(
            pk=pk, on_hand__gte=F("allocated") + units_value(quantity)
        ).update(allocated=F("allocated") + units_value(quantity))
        == 1
    )


def _free(pk: int) -> Decimal:
    row = StockLevel.objects.filter(pk=pk).values_list("on_hand", "allocated").first()
    return row[0] - row[1] if row else Decimal(0)


def _reserve_from(levels: list[Level], quantity: Decimal) -> tuple[list[tuple[str, Decimal]], bool]:
    """Take up to `quantity` from the levels in turn; (taken, whether any update failed)."""
    taken: list[tuple[str, Decimal]] = []
    left = quantity
    raced = False
    for level in levels:
        if left <= 0:
            break
        take = min(left, level.available)
        for _ in range(MAX_RETRIES + 1):
            if take <= 0:
                break
            if _take(level.pk, take):
                taken.append((level.lot, take))
                level.available -= take
                left -= take
                break
            raced = True
            level.available = _free(level.pk)
            take = min(left, level.available)
    return taken, raced


def stock_reserve(
    *,
    item_id: int,
    warehouse_id: int,
    quantity: Decimal,
    levels: list[Level] | None = None,
) -> list[tuple[str, Decimal]]:
    """Reserve up to `quantity` of the item in the warehouse; returns [(lot, quantity)] taken.

    Lots first expiring go first; held lots and inactive warehouses are never reserved.
    `levels` are this item's and warehouse's rows from `reservable_levels`, when the caller
    read many items at once (they are updated in place with what was taken); otherwise
    they are read here. If another transaction took stock meanwhile, the levels are read
    once more and what is left is taken. Caller is inside `transaction.atomic()`.
    """
    quantity = _positive(quantity)
    given = levels is not None
    if levels is None:
        levels = reservable_levels([item_id], warehouse_ids=[warehouse_id]).get(
            (item_id, warehouse_id), []
        )
    taken, raced = _reserve_from(levels, quantity)
    left = quantity - sum((q for _, q in taken), Decimal(0))
    if left > 0 and (raced or given):
        fresh = reservable_levels([item_id], warehouse_ids=[warehouse_id]).get(
            (item_id, warehouse_id), []
        )
        more, _ = _reserve_from(fresh, left)
        merged = dict(taken)
        for lot, q in more:
            merged[lot] = merged.get(lot, Decimal(0)) + q
        taken = list(merged.items())
    return taken


def stock_unreserve(*, item_id: int, warehouse_id: int, lot: str, quantity: Decimal) -> None:
    """Give back a reservation: `allocated` down by `quantity`, never below zero.

    Refused (Conflict) when the level does not hold that much allocated: the allocation being
    released does not match the stock, which is a bug to look at, not a case to absorb.
    Caller is inside `transaction.atomic()`.
    """
    quantity = _positive(quantity)
    updated = StockLevel.objects.filter(
        item_id=item_id,
        warehouse_id=warehouse_id,
        lot=lot,
        allocated__gte=quantity,
    ).update(allocated=F("allocated") - units_value(quantity))
    if updated != 1:
        lot_text = f" lot {lot}" if lot else ""
        raise Conflict(
            CoreErrorCode.CONFLICT,
            f"cannot release {plain(quantity)} of item {item_id}{lot_text} in warehouse "
            f"{warehouse_id}: less than that is allocated there",
            field="quantity",
        )


def stock_take_many(takes: dict[int, Decimal], *, lock: Iterable[int] = ()) -> set[int]:
    """Reserve `takes` (stock level id → quantity) in one statement; returns the ids taken.

    For a large order, one conditional UPDATE … RETURNING instead of one per line. On
    PostgreSQL the rows (and the extra ids in `lock`, the rows a fall-back may touch after)
    are first locked in id order, so two orders reserving overlapping items never wait on
    each other in a circle; a row whose free stock no longer covers its quantity is simply
    not returned, and the caller falls back to `stock_reserve` for it. SQLite serialises
    writers, and the CHECK constraint stays the last line. Caller is inside a transaction.
    """
    from django.db import connection

    from orderdesk.core.fields import to_units
    from orderdesk.core.locks import lock_rows
    from orderdesk.core.money import QUANTITY_PLACES

    if not takes:
        return set()
    if connection.vendor == "postgresql":
        lock_rows(StockLevel.objects.filter(pk__in=sorted({*takes, *lock})).only("pk"))
    table = connection.ops.quote_name(StockLevel._meta.db_table)
    cast = "CAST(%s AS bigint)" if connection.vendor == "postgresql" else "%s"
    values = ", ".join([f"({cast}, {cast})"] * len(takes))
    params: list[int] = []
    for pk, quantity in sorted(takes.items()):
        params += [pk, to_units(_positive(quantity), QUANTITY_PLACES)]
    sql = (
        f"WITH v(id, q) AS (VALUES {values}) "
        f"UPDATE {table} SET allocated = allocated + v.q FROM v "
        f"WHERE {table}.id = v.id AND {table}.on_hand >= {table}.allocated + v.q "
        f"RETURNING {table}.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}

"""Import formats of warehouses and of stock on hand.

Stock is never written here: each counted quantity that differs from the book goes through
`inventory.services.stock_adjust`, so the ledger keeps its rule (on hand = the sum of the
movements) and a re-import of the same counts finds nothing to adjust and books nothing.
"""

from __future__ import annotations

import zoneinfo
from decimal import Decimal

from orderdesk.catalog.models import Item, Tracking
from orderdesk.core.errors import DomainError
from orderdesk.core.importing import (
    CellError,
    Column,
    Context,
    Ref,
    Row,
    Spec,
    apply_upsert,
    register,
)
from orderdesk.core.roles import Capability
from orderdesk.parties.imports import country_check

from .models import StockLevel, Warehouse
from .services import stock_adjust


def _timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise CellError(
            f"'{value}' is not a time zone", "use an IANA name such as America/Chicago"
        ) from exc
    return value


def _apply_warehouses(ctx: Context, rows: list[Row]) -> None:
    """A warehouse still holding stock cannot be deactivated (the services refuse it too)."""
    closing = [r.values["code"] for r in rows if r.values.get("active") is False]
    if closing:
        stocked = set(
            StockLevel.objects.filter(warehouse__code__in=closing, warehouse__active=True)
            .filter(on_hand__gt=Decimal(0))
            .values_list("warehouse__code", flat=True)
        )
        for row in rows:
            if row.values.get("active") is False and row.values["code"] in stocked:
                row.error(
                    "active",
                    f"warehouse {row.values['code']} still holds stock: it cannot be deactivated",
                    "transfer or adjust its stock out first",
                )
    apply_upsert(ctx, [r for r in rows if not r.errors])


WAREHOUSES = Spec(
    name="warehouses",
    model=Warehouse,
    key=("code",),
    entity="warehouse",
    order=55,
    help="Warehouses that hold stock and receive purchase orders.",
    capability=Capability.MASTER_DATA_EDIT,
    apply=_apply_warehouses,
    columns=[
        Column("code", required=True, upper=True, help="warehouse code", example="CHI"),
        Column("name", required=True, help="name", example="Chicago DC"),
        Column(
            "timezone",
            check=_timezone,
            help="IANA time zone (blank = America/Chicago)",
            example="America/Chicago",
        ),
        Column("line1", help="street", example="4500 S Kildare Ave"),
        Column("city", help="city", example="Chicago"),
        Column("region", help="state or province", example="IL"),
        Column("postal_code", help="postal code", example="60632"),
        Column(
            "country", upper=True, check=country_check, help="ISO 3166 (blank = US)", example="US"
        ),
        Column("active", "bool", help="no = takes no stock (blank = yes)", example="yes"),
    ],
)


# --- stock on hand -------------------------------------------------------------------------


def _check_stock(row: Row, ctx: Context) -> None:
    item = row.extra.get("sku")
    if item is None or "lot" not in row.values:
        return
    lot, tracking = row.values["lot"], item["tracking"]
    if tracking in (Tracking.LOT, Tracking.SERIAL) and not lot:
        what = "serial" if tracking == Tracking.SERIAL else "lot"
        row.error(
            "lot",
            f"{row.texts['sku']} is {what} controlled: a {what} number is required",
            f"give the {what} number printed on the goods",
        )
    elif tracking == Tracking.NONE and lot:
        row.error("lot", f"{row.texts['sku']} is not lot controlled", "leave the lot empty")
    if tracking == Tracking.SERIAL and row.values.get("on_hand", 0) not in (0, 1):
        row.error("on_hand", "a serial number is in stock once or not at all", "write 1 or 0")


def _apply_stock(ctx: Context, rows: list[Row]) -> None:
    """Book the difference between each count and the book through `stock_adjust`."""
    book = {
        (item, warehouse, lot): on_hand
        for item, warehouse, lot, on_hand in StockLevel.objects.filter(
            item_id__in={r.values["sku"] for r in rows},
            warehouse_id__in={r.values["warehouse"] for r in rows},
        ).values_list("item_id", "warehouse_id", "lot", "on_hand")
    }
    items = Item.objects.in_bulk({r.values["sku"] for r in rows})
    warehouses = Warehouse.objects.in_bulk({r.values["warehouse"] for r in rows})
    for row in rows:
        key = (row.values["sku"], row.values["warehouse"], row.values["lot"])
        counted: Decimal = row.values["on_hand"]
        if book.get(key, Decimal(0)) == counted:
            row.outcome = "unchanged"
            continue
        try:
            stock_adjust(
                actor=ctx.actor,
                item=items[key[0]],
                warehouse=warehouses[key[1]],
                lot=key[2],
                counted=counted,
                reason=f"stock import of {ctx.file}, row {row.number}",
                reference="import",
            )
        except DomainError as exc:
            row.error(exc.field or "on_hand", exc.message, exc.fix or "")
            continue
        row.outcome = "updated" if key in book else "created"


STOCK = Spec(
    name="stock",
    model=StockLevel,
    key=("sku", "warehouse", "lot"),
    entity="stock",
    order=100,
    help=(
        "Stock on hand by item, warehouse and lot. Each count that differs from the book is "
        "booked as a stock adjustment on the ledger; an equal count books nothing."
    ),
    capability=Capability.STOCK_ADJUST,
    checks=[_check_stock],
    apply=_apply_stock,
    columns=[
        Column(
            "sku",
            "ref",
            field="item",
            required=True,
            help="the item",
            example="CTR-3P-40A",
            ref=Ref(Item, ("sku",), "item", "use a SKU from the items import", extra=("tracking",)),
        ),
        Column(
            "warehouse",
            "ref",
            required=True,
            upper=True,
            help="warehouse code",
            example="CHI",
            ref=Ref(Warehouse, ("code",), "warehouse", "use a code from the warehouses import"),
        ),
        Column(
            "lot", default="", help="lot or serial number (blank = not lot controlled)", example=""
        ),
        Column(
            "on_hand",
            "decimal",
            required=True,
            minimum=Decimal(0),
            help="counted quantity in the item's base unit",
            example="140",
        ),
    ],
)

register(WAREHOUSES, STOCK)

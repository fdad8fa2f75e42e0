"""Import format of open purchase orders: one row per line, the header repeated on each.

Open orders are what allocation (expected receipts), drop-ship and replenishment need when
a desk moves to OrderDesk, so they come in with their own numbers. After that, purchase
orders change through the purchasing commands (send, receive, cancel), so an import may
create orders and change drafts, but not change an order already sent, nor its status.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from orderdesk.catalog.models import Item, ItemStatus
from orderdesk.core.importing import KEEP, Column, Context, Ref, Row, Spec, register, upsert
from orderdesk.core.numbering import number_seen
from orderdesk.core.roles import Capability
from orderdesk.inventory.models import Warehouse
from orderdesk.parties.imports import currency_check
from orderdesk.parties.models import Address, AddressKind, Vendor

from .models import PurchaseOrder, PurchaseOrderLine, PurchaseOrderStatus

S = PurchaseOrderStatus
OPEN_STATUSES = (S.DRAFT.value, S.OPEN.value, S.PARTIALLY_RECEIVED.value)
HEADER = "order"


def _check_row(row: Row, ctx: Context) -> None:
    """One row's own rules, then its header against the first row of the same order."""
    v = row.values
    vendor = row.extra.get("vendor")
    if vendor is not None and "currency" not in v:
        v["currency"] = vendor["currency"]
    dates = ["expected_date"]
    if "line_expected_date" in v:
        dates.append("line_expected_date")
    elif "expected_date" in v:
        v["line_expected_date"] = v["expected_date"]
    if row.has("order_date"):
        for column in dates:
            if row.has(column) and v[column] < v["order_date"]:
                row.error(
                    column,
                    f"{v[column]} is before the order date {v['order_date']}",
                    "give a date on or after the order date",
                )
    drop_ship, ship_to = v.get("drop_ship", False), v.get("ship_to_code")
    if drop_ship and ship_to is None and "ship_to_code" not in [c for c, _, _ in row.errors]:
        row.error(
            "ship_to_code",
            "a drop-ship purchase order needs the customer's ship-to",
            "fill in ship_to_customer and ship_to_code",
        )
    if not drop_ship and ship_to is not None:
        row.error(
            "ship_to_code",
            "only a drop-ship purchase order has a customer ship-to",
            "clear the ship-to, or set drop_ship = yes",
        )
    if not drop_ship and v.get("warehouse") is None and not row.errors:
        row.error(
            "warehouse", "name the warehouse the goods are delivered to", "fill in a warehouse code"
        )
    if v.get("quantity_received") and v.get("status") in (S.DRAFT, S.OPEN):
        row.error(
            "quantity_received",
            f"a {v['status']} purchase order has received nothing",
            "set status to partially_received, or quantity_received to 0",
        )
    if "po_number" not in v or row.errors:
        return
    header = ctx.spec.record(row, HEADER)
    first = ctx.state.setdefault("headers", {}).setdefault(v["po_number"], (header, row.number))
    differs = [f for f in header if header[f] != first[0].get(f)]
    if differs:
        columns = {ctx.spec.attname(c.name): c.name for c in ctx.spec.columns if c.part == HEADER}
        row.error(
            columns.get(differs[0], differs[0]),
            f"differs from row {first[1]}, a line of the same purchase order",
            "repeat the same header values on every line of a purchase order",
        )


def _refuse(rows: list[Row], column: str, message: str, fix: str) -> None:
    for row in rows:
        row.error(column, message, fix)


def _apply(ctx: Context, rows: list[Row]) -> None:
    """Headers first (one per order), then lines; nothing is written for a refused order."""
    spec = ctx.spec
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.values["po_number"], []).append(row)
    stored = PurchaseOrder.objects.in_bulk(list(groups), field_name="number")
    lines = {
        (ln.purchase_order_id, ln.line_no): ln
        for ln in PurchaseOrderLine.objects.filter(purchase_order__number__in=list(groups))
    }
    vendors = Vendor.objects.in_bulk({r.values["vendor"] for r in rows})
    warehouses = Warehouse.objects.in_bulk({r.values.get("warehouse") for r in rows} - {None})
    for number, group in groups.items():
        header = spec.record(group[0], HEADER)
        po = stored.get(number)
        if po is None:
            if not vendors[header["vendor_id"]].active:
                _refuse(
                    group,
                    "vendor",
                    f"vendor {group[0].texts['vendor']} is inactive",
                    "order from an active vendor",
                )
            wh = warehouses.get(header.get("warehouse_id"))
            if wh is not None and not wh.active:
                _refuse(
                    group,
                    "warehouse",
                    f"warehouse {wh.code} is inactive",
                    "deliver to an active warehouse",
                )
            for row in group:
                if (row.extra.get("sku") or {}).get("status") == ItemStatus.DISCONTINUED:
                    row.error(
                        "sku", f"{row.texts['sku']} is discontinued", "order its replacement item"
                    )
            continue
        if header.get("status", po.status) != po.status:
            _refuse(
                group,
                "status",
                f"purchase order {number} is {po.status} already",
                "change its status with the purchase order commands (send, receive, cancel)",
            )
        elif po.status != S.DRAFT:
            changed = [f for f, v in header.items() if getattr(po, f) != v]
            for row in group:
                line = lines.get((po.pk, row.values["line_no"]))
                values = spec.record(row)
                if changed or line is None or any(getattr(line, f) != v for f, v in values.items()):
                    row.error(
                        "po_number",
                        f"purchase order {number} was sent ({po.status}): "
                        "an import can no longer change it",
                        "agree the change with the vendor, then cancel and re-order",
                    )
    good = {n: [r for r in g if not r.errors] for n, g in groups.items()}
    heads = [(g[0], {**spec.record(g[0], HEADER)}) for g in good.values() if g]
    upsert(
        ctx,
        PurchaseOrder,
        ["number"],
        heads,
        entity="purchase_order",
        on_create=lambda r, v: {} if "status" in v else {"status": S.OPEN.value},
    )
    ids = {values["number"]: row.pk for row, values in heads if row.pk is not None}
    number_seen(doc_type="purchase_order", numbers=list(ids))
    entries = [
        (r, {"purchase_order_id": ids[n], **spec.record(r)})
        for n, g in good.items()
        for r in g
        if n in ids
    ]
    upsert(
        ctx,
        PurchaseOrderLine,
        ["purchase_order_id", "line_no"],
        entries,
        entity="purchase_order_line",
    )


def _export() -> Any:
    return PurchaseOrderLine.objects.filter(purchase_order__status__in=OPEN_STATUSES)


def _h(name: str, kind: str = "text", **kw: Any) -> Column:
    return Column(name, kind, part=HEADER, export=f"purchase_order__{kw.pop('path', name)}", **kw)


PURCHASE_ORDERS = Spec(
    name="purchase_orders",
    model=PurchaseOrderLine,
    key=("po_number", "line_no"),
    entity="purchase_order_line",
    order=110,
    help="Open purchase orders to vendors, one row per line; the header repeats on each line.",
    capability=Capability.PURCHASING,
    parts={HEADER: PurchaseOrder},
    checks=[_check_row],
    apply=_apply,
    export_queryset=_export,
    columns=[
        _h(
            "po_number",
            field="number",
            path="number",
            required=True,
            upper=True,
            help="purchase order number",
            example="PO004711",
        ),
        _h(
            "vendor",
            "ref",
            path="vendor__code",
            required=True,
            upper=True,
            help="vendor code",
            example="V0042",
            ref=Ref(Vendor, ("code",), "vendor", "use a code from vendors", extra=("currency",)),
        ),
        _h(
            "warehouse",
            "ref",
            path="warehouse__code",
            upper=True,
            help="receiving warehouse (blank only for drop-ship)",
            example="CHI",
            ref=Ref(Warehouse, ("code",), "warehouse", "use a code from warehouses"),
        ),
        _h(
            "status",
            choices=OPEN_STATUSES,
            default=S.OPEN.value,
            help="draft, open or partially_received (blank = open)",
            example="open",
        ),
        _h("order_date", "date", required=True, help="date ordered", example="2025-03-03"),
        _h("expected_date", "date", required=True, help="date expected", example="2025-03-17"),
        _h(
            "currency",
            upper=True,
            check=currency_check,
            default=KEEP,
            help="ISO 4217 (blank = the vendor's)",
            example="USD",
        ),
        _h("drop_ship", "bool", help="yes = the vendor ships to the customer", example="no"),
        _h(
            "ship_to_customer",
            field=None,
            path="ship_to__customer__account_number",
            upper=True,
            help="drop-ship: the customer's account number",
            example="",
        ),
        _h(
            "ship_to_code",
            "ref",
            field="ship_to",
            path="ship_to__code",
            upper=True,
            with_columns=("ship_to_customer",),
            help="drop-ship: the customer's ship-to code",
            example="",
            ref=Ref(
                Address,
                ("customer__account_number", "code"),
                "ship-to",
                "use a ship-to from the addresses import",
                filters=(("kind", AddressKind.SHIP_TO.value),),
            ),
        ),
        _h("vendor_reference", help="the vendor's order confirmation number", example="SO-88812"),
        _h("notes", help="notes", example=""),
        Column(
            "line_no", "int", required=True, minimum=Decimal(1), help="line number", example="1"
        ),
        Column(
            "sku",
            "ref",
            field="item",
            required=True,
            help="the item",
            example="CTR-3P-40A",
            ref=Ref(Item, ("sku",), "item", "use a SKU from the items import", extra=("status",)),
        ),
        Column(
            "quantity_ordered",
            "decimal",
            required=True,
            positive=True,
            help="quantity in the item's base unit",
            example="200",
        ),
        Column(
            "quantity_received",
            "decimal",
            minimum=Decimal(0),
            help="already received (blank = 0)",
            example="0",
        ),
        Column(
            "unit_cost",
            "decimal",
            required=True,
            minimum=Decimal(0),
            help="cost per base unit in the order's currency",
            example="31.20",
        ),
        Column(
            "line_expected_date",
            "date",
            field="expected_date",
            default=KEEP,
            help="date this line is expected (blank = the header's)",
            example="2025-03-17",
        ),
    ],
)

register(PURCHASE_ORDERS)

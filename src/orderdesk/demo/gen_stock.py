"""Warehouses, opening stock with lots, and the open purchase orders that ATP counts on.

Quantities follow how the goods move: fittings by the hundred, compressors by the handful,
wire by the reel. A few lots are on quality hold and some POs are already late, so the
desk's exception queues have something in them from the start.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from .data_commercial import VENDORS, WAREHOUSES
from .rows import (
    DemoData,
    ItemRow,
    LotRow,
    PurchaseOrderLineRow,
    PurchaseOrderRow,
    StockRow,
    WarehouseRow,
)

#: On-hand range per warehouse (base units) and the step quantities come in, per group.
QUANTITIES: dict[str, tuple[int, int, int]] = {
    "COMPRESSORS": (1, 12, 1),
    "CONDENSING_UNITS": (1, 8, 1),
    "CONTACTORS": (5, 120, 5),
    "CAPACITORS": (10, 300, 10),
    "MOTORS": (2, 40, 1),
    "THERMOSTATS": (6, 90, 6),
    "REFRIGERANT": (4, 60, 2),
    "CHEMICALS": (12, 144, 12),
    "FILTERS": (24, 600, 12),
    "BREAKERS": (5, 150, 5),
    "WIRE": (500, 15000, 500),  # by the foot, in whole reels
    "CONDUIT": (20, 400, 10),
    "FITTINGS": (50, 1500, 50),
    "TOOLS": (1, 15, 1),
    "CONTROLS": (2, 60, 2),
}
#: What one unit of each vendor currency costs in USD terms (for PO unit costs).
FX_FROM_USD = {"USD": Decimal(1), "CAD": Decimal("1.37"), "EUR": Decimal("0.92"),
               "GBP": Decimal("0.79")}  # fmt: skip
OPEN_PURCHASE_ORDERS = 12
MUST_ORDER_FROM = ("V101", "V114", "V116")


def generate_warehouses(data: DemoData) -> None:
    data.warehouses.extend(
        WarehouseRow(w.code, w.name, w.timezone, w.line1, w.city, w.region, w.postal_code,
                     w.country)
        for w in WAREHOUSES
    )  # fmt: skip


def _quantity(rng: random.Random, item: ItemRow, share: int = 1) -> Decimal:
    """A whole number of steps between the group's bounds (`share` divides the top)."""
    lo, hi, step = QUANTITIES[item.item_group]
    low = max(lo // step, 1)
    return Decimal(rng.randint(low, max(hi // step // share, low)) * step)


def _lots(rng: random.Random, data: DemoData, item: ItemRow) -> list[str]:
    today = data.today
    numbers: list[str] = []
    for n in range(rng.randint(1, 4)):
        made = today - dt.timedelta(days=rng.randint(20, 400))
        number = f"L{made:%y%m}-{'ABCDEFGH'[n]}{rng.randint(10, 99)}"
        expires = (
            made + dt.timedelta(days=rng.choice((540, 730, 1095)))
            if item.item_group == "CHEMICALS"
            else None
        )
        hold = rng.randint(1, 40) == 1
        reason = (
            "Cylinder valve recall notice from the supplier"
            if item.item_group == "REFRIGERANT"
            else "Viscosity out of specification; awaiting supplier"
        )
        data.lots.append(
            LotRow(
                sku=item.sku,
                number=number,
                expiry_date=expires,
                quality_hold=hold,
                hold_reason=reason if hold else "",
            )
        )
        numbers.append(number)
    return numbers


def generate_stock(rng: random.Random, data: DemoData) -> None:
    for item in data.items:
        if item.is_kit or (item.status == "discontinued" and rng.random() < 0.5):
            continue  # kits are assembled to order; half the retired items are sold out
        stocked = [w.code for w in WAREHOUSES if rng.randint(1, 100) <= w.coverage]
        if not stocked:
            if rng.random() < 0.6:
                continue  # never stocked: bought to order
            stocked = ["CHI"]
        if item.tracking == "serial":
            _serials(rng, data, item, stocked)
            continue
        lots = _lots(rng, data, item) if item.tracking == "lot" else [""]
        for warehouse in stocked:
            for lot in sorted(rng.sample(lots, rng.randint(1, min(len(lots), 3)))):
                data.stock.append(StockRow(item.sku, warehouse, lot, _quantity(rng, item)))


def _serials(rng: random.Random, data: DemoData, item: ItemRow, warehouses: list[str]) -> None:
    """One level of one unit per serial number, as `stock_move` keeps serial stock."""
    made = data.today - dt.timedelta(days=rng.randint(30, 300))
    plant = rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") + rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ")
    sequence = rng.randint(100, 9000)
    for warehouse in warehouses:
        for _ in range(rng.randint(1, 6)):
            sequence += rng.randint(1, 40)
            number = f"{made:%y%m}{plant}{sequence:05d}"
            data.lots.append(LotRow(item.sku, number, None, False, ""))
            data.stock.append(StockRow(item.sku, warehouse, number, Decimal(1)))


def generate_purchase_orders(rng: random.Random, data: DemoData) -> None:
    today = data.today
    by_vendor: dict[str, list[ItemRow]] = {}
    for item in data.items:
        if item.status == "active" and not item.is_kit and item.vendor_code:
            by_vendor.setdefault(item.vendor_code, []).append(item)
    vendors = [v for v in VENDORS if v.code in by_vendor]
    # always a drop-ship (condensing units) and orders in CAD and EUR, then any others
    must = [v for v in vendors if v.code in MUST_ORDER_FROM]
    others = [v for v in vendors if v.code not in MUST_ORDER_FROM]
    chosen = must + rng.sample(others, OPEN_PURCHASE_ORDERS - len(must))
    rng.shuffle(chosen)
    for n, vendor in enumerate(chosen):
        lead = dt.timedelta(days=vendor.lead_time_days)
        draft = n == OPEN_PURCHASE_ORDERS - 1  # being written: not sent to the vendor yet
        if draft:
            ordered = today
        elif n % 5 == 2:  # the vendor missed its date: an exception for the desk to chase
            ordered = today - lead - dt.timedelta(days=rng.randint(2, 6))
        else:
            ordered = today - dt.timedelta(days=rng.randint(1, min(vendor.lead_time_days, 20)))
        expected = ordered + lead
        drop_ship = vendor.groups == ("CONDENSING_UNITS",)
        ship_to = None
        if drop_ship:
            customer = next(c for c in data.customers if c.status == "active" and
                            c.price_list_code == "CONTRACTOR")  # fmt: skip
            ship_to = (customer.account_number, "ST01")
        warehouse = "TOR" if vendor.currency == "CAD" else rng.choice(("CHI", "DAL"))
        items = rng.sample(by_vendor[vendor.code], 1 if drop_ship else rng.randint(2, 8))
        lines = []
        for item in sorted(items, key=lambda i: i.sku):
            quantity = _quantity(rng, item, share=2)
            cent = Decimal("0.0001") if item.base_uom == "FT" else Decimal("0.01")
            cost = (item.cost * FX_FROM_USD[vendor.currency]).quantize(cent)
            late_line = rng.randint(1, 6) == 1
            lines.append(
                PurchaseOrderLineRow(
                    sku=item.sku,
                    quantity_ordered=quantity,
                    unit_cost=cost,
                    expected_date=expected + dt.timedelta(days=7 if late_line else 0),
                )
            )
        data.purchase_orders.append(
            PurchaseOrderRow(
                vendor_code=vendor.code,
                warehouse_code="" if drop_ship else warehouse,
                status="draft" if draft else "open",
                order_date=ordered,
                expected_date=expected,
                currency=vendor.currency,
                drop_ship=drop_ship,
                ship_to=ship_to,
                vendor_reference="" if draft else f"ACK-{rng.randint(100000, 999999)}",
                notes="Drop-ship to the customer's site; call on arrival." if drop_ship else "",
                lines=tuple(lines),
            )
        )

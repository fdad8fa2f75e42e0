"""Traceability: where a lot or serial number went, and the recall notification list.

`trace` follows a lot (or serial) from the shipment lines that carried it to the shipment
(date, warehouse, carrier, tracking), the order and its PO, the customer with its primary
contact, the ship-to, the invoices that billed it and the RMAs that brought some back with
their dispositions; it adds what is still on the shelves per warehouse and whether the lot
is on quality hold. A fixed number of queries whatever the spread (one per table).

`recall_list` folds the trace into the list a recall is worked from: one row per customer
and ship-to, with whom to call and how much is still out there; `recall_export` writes it
as CSV or XLSX (text cells that a spreadsheet would run as a formula get a leading quote).
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from orderdesk.billing.models import InvoiceLine
from orderdesk.catalog.models import Item
from orderdesk.core.tabular import write_table
from orderdesk.fulfilment.models import ShipmentLine
from orderdesk.inventory.models import Lot, StockLevel
from orderdesk.parties.models import Contact

from .errors import ReturnError, ReturnErrorCode
from .models import ReturnLine, ReturnReceiptLine, RmaStatus

ZERO = Decimal(0)


@dataclass
class TraceLot:
    id: int
    item_id: int
    sku: str
    description: str
    number: str
    expiry_date: dt.date | None
    quality_hold: bool
    hold_reason: str


@dataclass
class TraceInvoice:
    id: int
    number: str
    invoice_date: dt.date
    quantity: Decimal


@dataclass
class TraceDisposition:
    receipt: str
    received_on: dt.date
    warehouse: str
    quantity: Decimal
    condition: str
    disposition: str


@dataclass
class TraceReturn:
    rma_id: int
    rma_number: str
    status: str
    order_line_id: int
    quantity: Decimal  # authorised
    received: Decimal
    dispositions: list[TraceDisposition] = field(default_factory=list)


@dataclass
class TraceShipment:
    """One shipment line that carried the lot, with everything a recall needs about it."""

    shipment_line_id: int
    shipment_id: int
    shipment_number: str
    ship_date: dt.date
    warehouse: str
    carrier: str
    scac: str
    tracking_number: str
    pro_number: str
    order_id: int
    order_line_id: int
    order_number: str
    customer_po: str
    customer_id: int
    account_number: str
    customer_name: str
    customer_email: str
    customer_phone: str
    contact_name: str
    contact_email: str
    contact_phone: str
    ship_to_id: int | None
    ship_to_code: str
    ship_to_name: str
    ship_to_address: str
    ship_to_phone: str
    item_id: int
    sku: str
    description: str
    lot: str
    quantity: Decimal
    invoices: list[TraceInvoice] = field(default_factory=list)
    #: RMAs of this order line and lot (shown on the line's first shipment only)
    returns: list[TraceReturn] = field(default_factory=list)


@dataclass
class TraceStock:
    warehouse: str
    sku: str
    lot: str
    on_hand: Decimal
    allocated: Decimal


@dataclass
class Trace:
    number: str
    item: str | None
    lots: list[TraceLot]
    shipments: list[TraceShipment]
    stock: list[TraceStock]

    @property
    def found(self) -> bool:
        return bool(self.lots or self.shipments or self.stock)

    @property
    def customers(self) -> int:
        return len({s.customer_id for s in self.shipments})

    @property
    def shipped(self) -> Decimal:
        return sum((s.quantity for s in self.shipments), ZERO)

    @property
    def returned(self) -> Decimal:
        return sum((r.received for s in self.shipments for r in s.returns), ZERO)

    @property
    def on_hand(self) -> Decimal:
        return sum((s.on_hand for s in self.stock), ZERO)

    @property
    def on_hold(self) -> bool:
        """Every lot of this number is on quality hold (and there is one)."""
        return bool(self.lots) and all(lot.quality_hold for lot in self.lots)


def item_resolve(item: Item | int | str | None) -> Item | None:
    """An item given as a row, an id or a SKU; an unknown SKU is the caller's mistake."""
    if item is None or item == "":
        return None
    if isinstance(item, Item):
        return item
    if isinstance(item, int):
        found = Item.objects.filter(pk=item).first()
    else:
        found = Item.objects.filter(sku__iexact=str(item).strip()).first()
    if found is None:
        raise ReturnError(
            ReturnErrorCode.ITEM_UNKNOWN,
            f"there is no item {item}",
            field="item",
            fix="give the SKU as the catalogue has it, or leave it empty for every item",
        )
    return found


def _number(number: str) -> str:
    number = (number or "").strip()
    if not number:
        raise ReturnError(
            ReturnErrorCode.NUMBER_REQUIRED,
            "give the lot or serial number to trace",
            field="number",
            fix="type or scan the number printed on the goods",
        )
    return number


def _primary_contacts(customer_ids: set[int]) -> dict[int, Contact]:
    out: dict[int, Contact] = {}
    for c in Contact.objects.filter(customer_id__in=customer_ids).order_by("-is_primary", "pk"):
        out.setdefault(c.customer_id, c)
    return out


def _invoices(rows: list[ShipmentLine], number: str) -> dict[int, list[TraceInvoice]]:
    """Invoices per shipment line: lines naming it, else lines of its order line and lot."""
    by_sl: dict[int, list[TraceInvoice]] = defaultdict(list)
    sl_ids = [sl.pk for sl in rows]
    ol_ids = {sl.order_line_id for sl in rows}
    loose: dict[int, list[TraceInvoice]] = defaultdict(list)
    for il in (
        InvoiceLine.objects.filter(shipment_line_id__in=sl_ids).select_related("invoice")
        | InvoiceLine.objects.filter(
            shipment_line__isnull=True, order_line_id__in=ol_ids, lot=number
        ).select_related("invoice")
    ).order_by("invoice__invoice_date", "invoice_id", "line_no"):
        entry = TraceInvoice(il.invoice_id, il.invoice.number, il.invoice.invoice_date, il.quantity)
        if il.shipment_line_id is not None:
            by_sl[il.shipment_line_id].append(entry)
        else:
            loose[il.order_line_id].append(entry)
    first_of_line: set[int] = set()
    for sl in rows:
        if sl.order_line_id in loose and sl.order_line_id not in first_of_line:
            first_of_line.add(sl.order_line_id)
            by_sl[sl.pk].extend(loose[sl.order_line_id])
    return by_sl


def _returns(rows: list[ShipmentLine], number: str) -> dict[int, list[TraceReturn]]:
    """RMAs per order line for this lot, with what each receipt did with the goods."""
    ol_ids = {sl.order_line_id for sl in rows}
    lines = (
        ReturnLine.objects.filter(order_line_id__in=ol_ids, lot=number)
        .exclude(rma__status__in=[RmaStatus.REJECTED, RmaStatus.CANCELLED])
        .select_related("rma")
        .order_by("rma_id", "line_no")
    )
    found = {rl.pk: rl for rl in lines}
    by_line: dict[int, TraceReturn] = {
        rl.pk: TraceReturn(
            rl.rma_id, rl.rma.number, rl.rma.status, rl.order_line_id, rl.quantity, rl.qty_received
        )
        for rl in found.values()
    }
    for rrl in (
        ReturnReceiptLine.objects.filter(return_line_id__in=list(found), lot=number)
        .select_related("receipt", "receipt__warehouse")
        .order_by("receipt_id", "id")
    ):
        by_line[rrl.return_line_id].dispositions.append(
            TraceDisposition(
                rrl.receipt.number,
                rrl.receipt.received_on,
                rrl.receipt.warehouse.code,
                rrl.quantity,
                rrl.get_condition_display(),
                rrl.get_disposition_display(),
            )
        )
    out: dict[int, list[TraceReturn]] = defaultdict(list)
    for tr in by_line.values():
        out[tr.order_line_id].append(tr)
    return out


def _shipment_row(sl: ShipmentLine, contact: Contact | None) -> TraceShipment:
    sh = sl.shipment
    order, customer, ship_to = sh.order, sh.customer, sh.ship_to
    return TraceShipment(
        shipment_line_id=sl.pk,
        shipment_id=sh.pk,
        shipment_number=sh.number,
        ship_date=sh.ship_date,
        warehouse=sh.warehouse.code,
        carrier=sh.carrier.name,
        scac=sh.carrier.scac,
        tracking_number=sh.tracking_number,
        pro_number=sh.pro_number,
        order_id=order.pk,
        order_line_id=sl.order_line_id,
        order_number=order.number,
        customer_po=order.customer_po,
        customer_id=customer.pk,
        account_number=customer.account_number,
        customer_name=customer.name,
        customer_email=customer.email,
        customer_phone=customer.phone,
        contact_name=contact.name if contact else "",
        contact_email=contact.email if contact else "",
        contact_phone=contact.phone if contact else "",
        ship_to_id=ship_to.pk if ship_to else None,
        ship_to_code=ship_to.code if ship_to else "",
        ship_to_name=ship_to.name if ship_to else "",
        ship_to_address=ship_to.one_line() if ship_to else "",
        ship_to_phone=ship_to.phone if ship_to else "",
        item_id=sl.item_id,
        sku=sl.item.sku,
        description=sl.item.description,
        lot=sl.lot,
        quantity=sl.quantity,
    )


def trace(*, number: str, item: Item | int | str | None = None) -> Trace:
    """Everything a lot or serial number touched (optionally one item's lot of that number).

    No access check here (the page and the API check theirs: staff only). An unknown
    number is not an error: the trace is empty, and says so.
    """
    number = _number(number)
    found_item = item_resolve(item)
    item_filter: dict[str, Any] = {"item": found_item} if found_item is not None else {}
    lots = [
        TraceLot(
            lot.pk,
            lot.item_id,
            lot.item.sku,
            lot.item.description,
            lot.number,
            lot.expiry_date,
            lot.quality_hold,
            lot.hold_reason,
        )
        for lot in Lot.objects.filter(number=number, **item_filter)
        .select_related("item")
        .order_by("item__sku")
    ]
    rows = list(
        ShipmentLine.objects.filter(lot=number, **item_filter)
        .select_related(
            "item",
            "shipment",
            "shipment__warehouse",
            "shipment__carrier",
            "shipment__order",
            "shipment__customer",
            "shipment__ship_to",
        )
        .order_by("shipment__ship_date", "shipment_id", "id")
    )
    contacts = _primary_contacts({sl.shipment.customer_id for sl in rows})
    invoices = _invoices(rows, number)
    returns = _returns(rows, number)
    shipments = []
    seen_lines: set[int] = set()
    for sl in rows:
        row = _shipment_row(sl, contacts.get(sl.shipment.customer_id))
        row.invoices = invoices.get(sl.pk, [])
        if sl.order_line_id not in seen_lines:
            seen_lines.add(sl.order_line_id)
            row.returns = returns.get(sl.order_line_id, [])
        shipments.append(row)
    stock = [
        TraceStock(level.warehouse.code, level.item.sku, level.lot, level.on_hand, level.allocated)
        for level in StockLevel.objects.filter(lot=number, **item_filter)
        .select_related("warehouse", "item")
        .order_by("item__sku", "warehouse__code")
    ]
    return Trace(number, found_item.sku if found_item else None, lots, shipments, stock)


@dataclass
class RecallRow:
    """One customer and ship-to a recall reaches: who to call and what is still there."""

    account_number: str
    customer_name: str
    customer_email: str
    customer_phone: str
    contact_name: str
    contact_email: str
    contact_phone: str
    ship_to_code: str
    ship_to_name: str
    ship_to_address: str
    ship_to_phone: str
    skus: list[str]
    lots: list[str]
    shipped: Decimal
    returned: Decimal
    shipments: list[str]
    orders: list[str]
    customer_pos: list[str]
    invoices: list[str]
    first_shipped: dt.date
    last_shipped: dt.date

    @property
    def outstanding(self) -> Decimal:
        return self.shipped - self.returned


def _add(values: list[str], value: str) -> None:
    if value and value not in values:
        values.append(value)


def recall_rows(result: Trace) -> list[RecallRow]:
    """The trace folded to one row per customer and ship-to, by account and ship-to code."""
    rows: dict[tuple[int, int | None], RecallRow] = {}
    for s in result.shipments:
        key = (s.customer_id, s.ship_to_id)
        row = rows.get(key)
        if row is None:
            row = rows[key] = RecallRow(
                s.account_number,
                s.customer_name,
                s.customer_email,
                s.customer_phone,
                s.contact_name,
                s.contact_email,
                s.contact_phone,
                s.ship_to_code,
                s.ship_to_name,
                s.ship_to_address,
                s.ship_to_phone,
                [],
                [],
                ZERO,
                ZERO,
                [],
                [],
                [],
                [],
                s.ship_date,
                s.ship_date,
            )
        row.shipped += s.quantity
        row.returned += sum((r.received for r in s.returns), ZERO)
        _add(row.skus, s.sku)
        _add(row.lots, s.lot)
        _add(row.shipments, s.shipment_number)
        _add(row.orders, s.order_number)
        _add(row.customer_pos, s.customer_po)
        for inv in s.invoices:
            _add(row.invoices, inv.number)
        row.first_shipped = min(row.first_shipped, s.ship_date)
        row.last_shipped = max(row.last_shipped, s.ship_date)
    return sorted(rows.values(), key=lambda r: (r.account_number, r.ship_to_code))


def recall_list(*, number: str, item: Item | int | str | None = None) -> list[RecallRow]:
    """The recall notification list of a lot or serial number."""
    return recall_rows(trace(number=number, item=item))


RECALL_HEADER = [
    "Account",
    "Customer",
    "Customer e-mail",
    "Customer phone",
    "Contact",
    "Contact e-mail",
    "Contact phone",
    "Ship-to code",
    "Ship-to name",
    "Ship-to address",
    "Ship-to phone",
    "SKU",
    "Lot / serial",
    "Shipped",
    "Returned",
    "Still at customer",
    "Shipments",
    "Orders",
    "Customer POs",
    "Invoices",
    "First shipped",
    "Last shipped",
]


def _cells(row: RecallRow) -> list[Any]:
    return [
        row.account_number,
        row.customer_name,
        row.customer_email,
        row.customer_phone,
        row.contact_name,
        row.contact_email,
        row.contact_phone,
        row.ship_to_code,
        row.ship_to_name,
        row.ship_to_address,
        row.ship_to_phone,
        ", ".join(row.skus),
        ", ".join(row.lots),
        row.shipped,
        row.returned,
        row.outstanding,
        ", ".join(row.shipments),
        ", ".join(row.orders),
        ", ".join(row.customer_pos),
        ", ".join(row.invoices),
        row.first_shipped,
        row.last_shipped,
    ]


EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def recall_export(
    *, number: str, item: Item | int | str | None = None, format: str = "csv"
) -> tuple[bytes, str, str]:
    """(content, filename, content type) of the recall list as CSV (UTF-8 with BOM) or XLSX."""
    if format not in EXPORT_TYPES:
        raise ReturnError(
            ReturnErrorCode.INVALID,
            f"cannot export as {format!r}",
            field="format",
            fix="csv or xlsx",
        )
    rows = recall_list(number=number, item=item)
    buffer = io.BytesIO()
    write_table(buffer, RECALL_HEADER, (_cells(r) for r in rows), format=format)
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in number.strip())[:40]
    return buffer.getvalue(), f"recall-{safe}.{format}", EXPORT_TYPES[format]

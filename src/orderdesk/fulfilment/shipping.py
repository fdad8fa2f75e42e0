"""Shipment confirmation: the packed pick list leaves the dock.

Compliance first, all problems at once, nothing written when refused. Then in one
transaction: the shipment with its lines (one per packed lot per package), the stock booked
out of the ledger (the reservation given back, then an ISSUE movement per item and lot, so
on-hand and allocated both come down), the order's Allocation rows consumed, the order
lines' allocated quantities moved to shipped (a kit line by whole kits), the documents
issued, the order's status, the invoice ("shipping calls invoicing", unless
settings.ORDERDESK_INVOICE_ON_SHIP is false) and the confirmation e-mail queued.

Locks: the order row, then the pick list row, as picking and packing take them; a second
confirmation of the same pick list waits and is then refused (409), so goods never leave
the ledger twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from orderdesk.billing.invoicing import invoice_for_shipment, invoice_on_ship
from orderdesk.billing.periods import posting_date_check
from orderdesk.catalog.models import Item, Tracking
from orderdesk.core.audit import event_record
from orderdesk.core.bulk import update_rows
from orderdesk.core.locks import lock_one
from orderdesk.core.money import minor_exponent, round_half_up
from orderdesk.core.numbering import number_next
from orderdesk.core.roles import Capability, require
from orderdesk.inventory.models import MovementKind
from orderdesk.inventory.reservations import stock_unreserve
from orderdesk.inventory.services import stock_move
from orderdesk.orders.models import SalesOrder, SalesOrderLine
from orderdesk.orders.progress import order_progress
from orderdesk.orders.services import lines_restatus
from orderdesk.parties.models import ShipMethod

from .allocations import allocation_take, kit_parts, whole_kits
from .compliance_facts import shipment_compliance
from .confirmation import shipment_confirmation_queue
from .errors import ComplianceRefused, FulfilmentConflict, FulfilmentError, FulfilmentErrorCode
from .models import Package, PackageLine, PickList, PickListStatus, Shipment, ShipmentLine
from .waves import wave_settle

ZERO = Decimal(0)
EXPORT_REASONS = ("sale", "sample", "gift", "repair", "return", "temporary", "other")


def _user(actor: Any) -> Any:
    return (
        actor if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) else None
    )


def _text(value: str, name: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise FulfilmentError(
            FulfilmentErrorCode.INVALID,
            f"{name.replace('_', ' ')} is at most {limit} characters (got {len(value)})",
            field=name,
        )
    return value


def _lock(pick_list: PickList) -> tuple[SalesOrder, PickList]:
    order = lock_one(
        SalesOrder.objects.select_related(
            "customer", "ship_to", "ship_method__carrier", "payment_terms"
        ).filter(pk=pick_list.order_id)
    )
    pl = lock_one(PickList.objects.select_related("warehouse").filter(pk=pick_list.pk))
    pl.order = order
    shipped = Shipment.objects.filter(pick_list=pl).values_list("number", flat=True).first()
    if shipped is not None or pl.status == PickListStatus.SHIPPED:
        raise FulfilmentConflict(
            FulfilmentErrorCode.ALREADY_SHIPPED,
            f"pick list {pl.number} has already shipped" + (f" as {shipped}" if shipped else ""),
            field="pick_list",
        )
    if pl.status != PickListStatus.PACKED:
        raise FulfilmentConflict(
            FulfilmentErrorCode.NOT_PACKED,
            f"pick list {pl.number} is {pl.get_status_display().lower()}: only a packed list "
            "can ship",
            field="status",
            fix="pack it first" if pl.status == PickListStatus.PICKED else None,
        )
    return order, pl


def _check_terms(
    order: SalesOrder, ship_method: ShipMethod | None, export_reason: str
) -> ShipMethod:
    method = ship_method or order.ship_method
    if method is None:
        raise FulfilmentError(
            FulfilmentErrorCode.SHIP_METHOD_REQUIRED,
            f"order {order.number} has no ship method: choose the carrier service",
            field="ship_method",
        )
    if not method.active:
        raise FulfilmentError(
            FulfilmentErrorCode.INVALID,
            f"ship method {method.code} is no longer in use",
            field="ship_method",
            fix="choose another carrier service",
        )
    if export_reason and export_reason not in EXPORT_REASONS:
        raise FulfilmentError(
            FulfilmentErrorCode.INVALID,
            f"unknown reason for export {export_reason!r}",
            field="export_reason",
            fix="one of " + ", ".join(EXPORT_REASONS),
        )
    return method


def _declared_value(
    shipped: dict[int, Decimal], lines: dict[int, SalesOrderLine], currency: str
) -> Decimal:
    """What the goods are worth at the order's prices: each line's net per unit × shipped,
    rounded once to the currency's minor unit."""
    total = sum(
        (lines[lid].net * q / lines[lid].qty_ordered for lid, q in shipped.items() if q),
        ZERO,
    )
    return round_half_up(total, minor_exponent(currency))


def _shipped_per_line(
    rows: list[PackageLine], lines: dict[int, SalesOrderLine]
) -> dict[int, Decimal]:
    """Order line id → quantity shipped now in the line's own unit (kit lines: whole kits)."""
    base: dict[int, Decimal] = defaultdict(lambda: ZERO)
    components: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    parts = kit_parts(list(lines.values()))
    for row in rows:
        line = lines[row.pick_line.order_line_id]
        if line.item_id in parts:
            components[line.pk][row.pick_line.item_id] += row.quantity
        else:
            base[line.pk] += row.quantity
    for line_id, have in components.items():
        base[line_id] = whole_kits(have, parts[lines[line_id].item_id])  # type: ignore[index]
    return dict(base)


def _book_out(
    *, actor: Any, shipment: Shipment, rows: list[PackageLine], warehouse_id: int
) -> None:
    """Reservation back, then the issue, per item and lot; Allocation rows consumed."""
    per_lot: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    per_allocation: dict[tuple[int, int, str], Decimal] = defaultdict(lambda: ZERO)
    items: dict[int, Item] = {}
    for row in rows:
        pick_line = row.pick_line
        items[pick_line.item_id] = pick_line.item
        per_lot[(pick_line.item_id, row.lot)] += row.quantity
        per_allocation[(pick_line.order_line_id, pick_line.item_id, row.lot)] += row.quantity
    warehouse = shipment.warehouse
    reason = f"shipment {shipment.number} of order {shipment.order.number}"
    for (item_id, lot), q in sorted(per_lot.items()):
        stock_unreserve(item_id=item_id, warehouse_id=warehouse_id, lot=lot, quantity=q)
        item = items[item_id]
        moves = [Decimal(1)] * int(q) if item.tracking == Tracking.SERIAL else [q]
        for move in moves:
            stock_move(
                actor=actor,
                item=item,
                warehouse=warehouse,
                quantity=-move,
                kind=MovementKind.ISSUE,
                lot=lot,
                reference=shipment.number,
                reason=reason,
            )
    for (line_id, item_id, lot), q in sorted(per_allocation.items()):
        allocation_take(
            line_id=line_id,
            item_id=item_id,
            warehouse_id=warehouse_id,
            lot=lot,
            quantity=q,
            released=True,
        )


def shipment_confirm(
    *,
    actor: Any,
    pick_list: PickList,
    ship_date: dt.date,
    ship_method: ShipMethod | None = None,
    tracking_number: str = "",
    pro_number: str = "",
    third_party_bill_to: Mapping[str, Any] | None = None,
    export_reason: str = "",
) -> Shipment:
    """Ship a packed pick list on `ship_method` (the order's when None).

    Refused with nothing written: 409 when the list is not packed or has shipped already,
    422 for compliance problems (`ComplianceRefused` lists them all, each with its fix), a
    ship date in a closed period, or no ship method.
    """
    require(actor, Capability.WAREHOUSE_OPS)
    tracking_number = _text(tracking_number, "tracking_number", 40)
    pro_number = _text(pro_number, "pro_number", 40)
    export_reason = _text(export_reason, "export_reason", 20).lower()
    payer = {str(k): str(v).strip() for k, v in (third_party_bill_to or {}).items() if v}
    now = timezone.now()
    with transaction.atomic():
        order, pl = _lock(pick_list)
        method = _check_terms(order, ship_method, export_reason)
        posting_date_check(on=ship_date, what=f"the shipment of pick list {pl.number}")
        problems = shipment_compliance(pick_list=pl, ship_method=method, third_party_bill_to=payer)
        if problems:
            raise ComplianceRefused(problems)
        packages = list(Package.objects.filter(pick_list=pl, shipment__isnull=True).order_by("pk"))
        rows = list(
            PackageLine.objects.filter(package__in=packages)
            .select_related("pick_line__item")
            .order_by("package_id", "pk")
        )
        lines = {
            ln.pk: ln
            for ln in SalesOrderLine.objects.filter(
                pk__in={r.pick_line.order_line_id for r in rows}
            ).select_related("item")
        }
        shipped = _shipped_per_line(rows, lines)
        shipment = Shipment.objects.create(
            number=number_next(doc_type="shipment"),
            order=order,
            pick_list=pl,
            warehouse=pl.warehouse,
            customer_id=order.customer_id,
            ship_to_id=order.ship_to_id,
            ship_method=method,
            carrier_id=method.carrier_id,
            tracking_number=tracking_number,
            pro_number=pro_number,
            ship_date=ship_date,
            freight_payment=order.freight_payment,
            third_party_bill_to=payer if order.freight_payment == "third_party" else {},
            export_reason=export_reason,
            handling_units=len(packages),
            weight_kg=sum((p.weight_kg for p in packages), ZERO),
            declared_value=_declared_value(shipped, lines, order.currency),
            currency=order.currency,
            created_at=now,
            created_by=_user(actor),
        )
        ShipmentLine.objects.bulk_create(
            [
                ShipmentLine(
                    shipment=shipment,
                    order_line_id=r.pick_line.order_line_id,
                    item_id=r.pick_line.item_id,
                    lot=r.lot,
                    quantity=r.quantity,
                    package_id=r.package_id,
                )
                for r in rows
            ]
        )
        Package.objects.filter(pk__in=[p.pk for p in packages]).update(shipment=shipment)
        _book_out(actor=actor, shipment=shipment, rows=rows, warehouse_id=pl.warehouse_id)
        moved = []
        for line_id, q in shipped.items():
            line = lines[line_id]
            line.qty_allocated -= q
            line.qty_shipped += q
            moved.append(line)
        update_rows(SalesOrderLine, moved, ["qty_allocated", "qty_shipped"])
        lines_restatus(actor=actor, lines=moved, reason=f"shipped on {shipment.number}")
        pl.status = PickListStatus.SHIPPED
        pl.save(update_fields=["status"])
        wave_settle(actor=actor, wave_id=pl.wave_id)
        from .paperwork import shipping_documents_issue

        documents = shipping_documents_issue(shipment=shipment, actor=actor)
        detail = {
            "shipment": shipment.number,
            "pick_list": pl.number,
            "carrier": method.carrier.scac,
            "ship_method": method.code,
            "tracking_number": tracking_number,
            "pro_number": pro_number,
            "ship_date": ship_date,
            "packages": len(packages),
            "weight_kg": shipment.weight_kg,
            "declared_value": shipment.declared_value,
            "lines": [
                {"line_no": lines[lid].line_no, "quantity": q} for lid, q in sorted(shipped.items())
            ],
            "documents": [d.number for d in documents],
        }
        event_record(actor=actor, obj=shipment, action="shipment.created", after=detail)
        event_record(actor=actor, obj=order, action="shipment.created", after=detail)
        from orderdesk.edi.outbound import edi_outbound_queue

        edi_outbound_queue(kind="856", obj=shipment)
        event_record(
            actor=actor,
            obj=pl,
            action="pick_list.shipped",
            before={"status": PickListStatus.PACKED},
            after={"status": PickListStatus.SHIPPED, "shipment": shipment.number},
        )
        order_progress(actor=actor, order=order, reason=f"shipped on {shipment.number}")
        if invoice_on_ship():
            invoice_for_shipment(actor=actor, shipment=shipment)  # moves the order on too
            order.refresh_from_db(fields=["status"])
        _confirm(actor=actor, shipment=shipment, order=order, documents=documents)
    return shipment


def _confirm(*, actor: Any, shipment: Shipment, order: SalesOrder, documents: list[Any]) -> None:
    message, why = shipment_confirmation_queue(shipment=shipment, order=order, documents=documents)
    if message is not None:
        shipment.confirmation_message_id = message.pk
        shipment.save(update_fields=["confirmation_message_id"])
        after: dict[str, Any] = {"sent_to": message.to, "message": message.pk}
    else:
        after = {"email": "skipped"}
    event_record(
        actor=actor, obj=shipment, action="shipment.confirmation_queued", after=after, reason=why
    )

"""The demo warehouse's and billing's afternoon: the morning's allocated orders released in
waves, picked (a few short), packed and shipped with their documents and invoices; some
invoices paid; a return received and credited, and another waiting for a decision.

Everything goes through the real services, as the warehouse, billing and the desk would
use them, so every page of the demo shows records made the way production makes them.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from orderdesk.billing.models import Invoice
from orderdesk.billing.payments import payment_record
from orderdesk.core.errors import DomainError
from orderdesk.core.models import User
from orderdesk.core.roles import Role
from orderdesk.fulfilment.models import PickList, PickListStatus
from orderdesk.fulfilment.packing import pick_list_pack
from orderdesk.fulfilment.picking import PickInput, pick_confirm
from orderdesk.fulfilment.release import orders_release
from orderdesk.fulfilment.shipping import shipment_confirm
from orderdesk.inventory.models import Warehouse
from orderdesk.orders.models import SalesOrder
from orderdesk.parties.models import ShipMethod
from orderdesk.returns.crediting import rma_credit
from orderdesk.returns.models import Condition, Disposition
from orderdesk.returns.receiving import rma_receive
from orderdesk.returns.services import rma_approve, rma_request


def _user(role: Role) -> User | None:
    return User.objects.filter(role=role).order_by("pk").first()


def _ship_one(dock: User, pick_list: PickList, rng: random.Random, today: dt.date) -> str:
    lines = list(pick_list.lines.all())
    short = rng.random() < 0.1 and lines and lines[0].quantity > 1
    picks = [
        PickInput(
            pick_line=ln.pk,
            quantity=ln.quantity - 1 if short and i == 0 else ln.quantity,
            scanned=ln.lot,
        )
        for i, ln in enumerate(lines)
    ]
    picked = pick_confirm(
        actor=dock,
        pick_list=pick_list,
        picks=picks,
        short_reason="bin empty: one unit short, count requested" if short else "",
    )
    if picked.status != PickListStatus.PICKED:
        return "waiting"  # a ship-complete order with a short waits whole
    pick_list_pack(actor=dock, pick_list=pick_list, packages=None)
    method = pick_list.order.ship_method
    freight = method is not None and method.mode in ("ltl", "truckload")
    ship_to = pick_list.order.ship_to
    abroad = ship_to is not None and ship_to.country != pick_list.warehouse.country
    if abroad and not (method and method.international):
        # Stock came from across the border: the dock books the international service.
        method = ShipMethod.objects.filter(international=True, active=True).first()
        freight = False
    shipment_confirm(
        actor=dock,
        pick_list=pick_list,
        ship_date=today,
        ship_method=method,
        tracking_number="" if freight else f"1Z{rng.randrange(10**15):015d}",
        pro_number=f"{rng.randrange(10**9):09d}" if freight else "",
        export_reason="sale" if abroad else "",
    )
    if abroad:
        return "shipped_cross_border"
    return "short_shipped" if short else "shipped"


def _returns(coordinator: User, clerk: User, today: dt.date) -> dict[str, int]:
    """One return received and credited; one waiting for the coordinator's decision."""
    counts = {"rmas": 0}
    shipped = list(SalesOrder.objects.filter(status__in=["invoiced", "closed"]).order_by("pk")[:2])
    for n, order in enumerate(shipped):
        line = order.lines.filter(qty_shipped__gt=0).order_by("line_no").first()
        if line is None:
            continue
        lot = line.shipment_lines.values_list("lot", flat=True).first() or ""
        try:
            rma = rma_request(
                actor=clerk,
                order=order,
                lines=[(line, Decimal(1), lot, "DAMAGED")],
                reason="arrived with a crushed corner" if n == 0 else "ordered one too many",
                today=today,
            )
            counts["rmas"] += 1
            if n == 0:
                rma_approve(actor=coordinator, rma=rma, reason="photo of the damage received")
                warehouse = Warehouse.objects.get(
                    pk=line.shipment_lines.values_list("shipment__warehouse_id", flat=True)[0]
                )
                rma_receive(
                    actor=coordinator,
                    rma=rma,
                    warehouse=warehouse,
                    lines=[
                        (
                            rma.lines.get(),
                            Decimal(1),
                            lot,
                            Condition.OPENED,
                            Disposition.RESTOCK,
                            "outer carton damaged, goods fine",
                        )
                    ],
                    received_on=today,
                )
                rma_credit(actor=coordinator, rma=rma, memo_date=today)
        except DomainError:
            continue
    return counts


def run_fulfilment_day(*, seed: int, today: dt.date) -> dict[str, int]:
    """Release, pick, pack, ship and invoice most allocated orders; payments and returns."""
    rng = random.Random(seed * 104729 + 11)
    dock, billing = _user(Role.WAREHOUSE), _user(Role.BILLING)
    coordinator, clerk = _user(Role.DESK_COORDINATOR), _user(Role.ORDER_CLERK)
    if dock is None or billing is None or coordinator is None or clerk is None:
        return {}
    counts: dict[str, int] = {}
    now = dt.datetime.combine(today, dt.time(9, 0), tzinfo=dt.UTC)
    for warehouse in Warehouse.objects.filter(active=True).order_by("code"):
        orders_release(actor=dock, warehouse=warehouse, today=today, now=now)
    open_lists = list(
        PickList.objects.filter(status=PickListStatus.OPEN)
        .select_related("order__ship_method", "order__ship_to", "warehouse")
        .order_by("pk")
    )
    # Two in three go out today; every third stays on the floor for the next wave.
    for pick_list in (pl for n, pl in enumerate(open_lists) if n % 3 != 2):
        pick_list.refresh_from_db(fields=["status"])
        if pick_list.status != PickListStatus.OPEN:
            continue  # cancelled by a short pick of the same ship-complete order
        try:
            outcome = _ship_one(dock, pick_list, rng, today)
        except DomainError:
            outcome = "refused"
        counts[outcome] = counts.get(outcome, 0) + 1
    invoices = list(Invoice.objects.order_by("pk"))
    for invoice in invoices[::2]:
        try:
            payment_record(
                actor=billing,
                customer=invoice.customer,
                amount=invoice.total,
                received_date=today,
                method=rng.choice(("check", "ach", "wire")),
                reference=f"REMIT {invoice.number}",
            )
            counts["payments"] = counts.get("payments", 0) + 1
        except DomainError:
            continue
    counts.update(_returns(coordinator, clerk, today))
    return counts

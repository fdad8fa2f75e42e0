"""The demo desk's morning: carriers, restricted destinations, open receivables, and a day
of orders sent through the real intake, so the queues hold what a desk really sees.

Orders go through `order_intake` exactly as the API would send them (no shortcuts): most
flow straight through, some land on holds for the reasons a desk meets every day (a PO
price that differs from ours, a customer over the limit or past due, hazmat on a parcel
service, a discontinued SKU, a date sooner than the lead time), and a few backorder.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from orderdesk.billing.models import Receivable
from orderdesk.catalog.models import ExportRestriction, Item, ItemStatus
from orderdesk.core.models import User
from orderdesk.core.roles import Role
from orderdesk.inventory.models import Warehouse
from orderdesk.inventory.selectors import available_subquery
from orderdesk.orders.drafts import LineDraft, OrderDraft
from orderdesk.orders.errors import OrderError
from orderdesk.orders.intake import order_intake
from orderdesk.parties.models import (
    Address,
    Carrier,
    Customer,
    CustomerStatus,
    ShipMethod,
    ShipMode,
)

#: (SCAC, carrier, pick-up cut-off, [(code, service, transit days, hazmat, international, mode)])
CARRIERS = (
    ("UPSN", "UPS", dt.time(17, 0), (
        ("UPS-GND", "UPS Ground", 3, False, False, ShipMode.PARCEL),
        ("UPS-2DA", "UPS 2nd Day Air", 2, False, False, ShipMode.PARCEL),
    )),
    ("FDEG", "FedEx", dt.time(18, 30), (
        ("FDX-PRI", "FedEx Priority Overnight", 1, False, False, ShipMode.COURIER),
    )),
    ("ODFL", "Old Dominion Freight Line", dt.time(15, 0), (
        ("LTL-STD", "LTL standard (hazmat certified)", 4, True, False, ShipMode.LTL),
    )),
    ("DHLE", "DHL Express", dt.time(16, 0), (
        ("DHL-INTL", "DHL Express Worldwide", 5, False, True, ShipMode.COURIER),
    )),
    ("OWN", "Customer pick-up", None, (
        ("WILL-CALL", "Will call (customer collects)", 0, True, False, ShipMode.PICKUP),
    )),
)  # fmt: skip

#: The shipper's 24-hour emergency response line printed on hazmat papers (demo contract).
EMERGENCY_CONTACT = "CHEMTREC 1-800-424-9300 (contract CCN 000000 demo)"

#: NMFC density classes: (minimum pounds per cubic foot, class), densest first.
DENSITY_CLASSES = (
    (50, "50"), (35, "55"), (30, "60"), (22.5, "65"), (15, "70"), (13.5, "77.5"),
    (12, "85"), (10.5, "92.5"), (9, "100"), (8, "110"), (7, "125"), (6, "150"),
    (5, "175"), (4, "200"), (3, "250"), (2, "300"), (1, "400"), (0, "500"),
)  # fmt: skip

#: Destinations where controlled items need a compliance review (a demo subset).
RESTRICTIONS = (
    ("CU", "", "Embargoed destination"),
    ("IR", "", "Embargoed destination"),
    ("KP", "", "Embargoed destination"),
    ("SY", "", "Embargoed destination"),
    ("RU", "5A", "Telecommunications/encryption items need a licence"),
    ("CN", "5A", "Encryption items need a licence review"),
)


def load_shipping() -> dict[str, int]:
    """Carriers, their services and restricted destinations (idempotent)."""
    methods = 0
    for scac, name, cutoff, services in CARRIERS:
        carrier, _ = Carrier.objects.get_or_create(
            scac=scac, defaults={"name": name, "pickup_cutoff": cutoff}
        )
        for code, service, days, hazmat, intl, mode in services:
            _, made = ShipMethod.objects.get_or_create(
                code=code,
                defaults={
                    "carrier": carrier,
                    "name": service,
                    "transit_days": days,
                    "hazmat_allowed": hazmat,
                    "international": intl,
                    "mode": mode,
                },
            )
            methods += made
    for country, control, reason in RESTRICTIONS:
        ExportRestriction.objects.get_or_create(
            country=country, control_class=control, defaults={"reason": reason}
        )
    return {"ship_methods": methods, "export_restrictions": len(RESTRICTIONS)}


def load_emergency_contacts() -> int:
    """Every shipping warehouse prints the emergency response line on hazmat papers."""
    return Warehouse.objects.filter(hazmat_emergency_contact="").update(
        hazmat_emergency_contact=EMERGENCY_CONTACT
    )


def freight_class(
    weight_kg: Decimal, length_cm: Decimal, width_cm: Decimal, height_cm: Decimal
) -> str:
    """The NMFC density class of one unit (pounds per cubic foot); blank without dimensions."""
    cubic_ft = float(length_cm * width_cm * height_cm) / 28316.846592
    if cubic_ft <= 0 or weight_kg <= 0:
        return ""
    density = float(weight_kg) * 2.2046226218 / cubic_ft
    return next(cls for floor, cls in DENSITY_CLASSES if density >= floor)


def load_freight_classes() -> int:
    """Give every item with weight and dimensions its density freight class (for the BOL)."""
    items = list(
        Item.objects.filter(freight_class="").only(
            "id", "weight_kg", "length_cm", "width_cm", "height_cm"
        )
    )
    changed = []
    for item in items:
        cls = freight_class(item.weight_kg, item.length_cm, item.width_cm, item.height_cm)
        if cls:
            item.freight_class = cls
            changed.append(item)
    Item.objects.bulk_update(changed, ["freight_class"], batch_size=500)
    return len(changed)


def load_receivables(rng: random.Random, today: dt.date) -> int:
    """Open invoices from before go-live: most current, some past due, a few far past due."""
    rows = []
    customers = list(Customer.objects.filter(status=CustomerStatus.ACTIVE).order_by("pk"))
    for n, customer in enumerate(customers):
        limit = Decimal(customer.credit_limit)
        if not limit:
            continue
        for k in range(rng.randint(0, 3)):
            issued = today - dt.timedelta(days=rng.randint(3, 40))
            age = rng.random()
            due = issued + dt.timedelta(days=30)
            if n % 17 == 0 and k == 0:
                issued, due = today - dt.timedelta(days=75), today - dt.timedelta(days=45)
            amount = (limit * Decimal(rng.uniform(0.02, 0.25))).quantize(Decimal("0.01"))
            if n % 23 == 0:  # a customer close to the limit
                amount = (limit * Decimal("0.9")).quantize(Decimal("0.01"))
            paid = amount * Decimal(age > 0.8) * Decimal("0.5")
            rows.append(
                Receivable(
                    customer=customer,
                    document_number=f"OB{customer.pk:05d}-{k + 1}",
                    document_date=issued,
                    due_date=due,
                    currency=customer.currency,
                    amount=amount,
                    open_amount=(amount - paid).quantize(Decimal("0.01")),
                )
            )
    Receivable.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _stocked_items(limit: int) -> list[Item]:
    return list(
        Item.objects.filter(status=ItemStatus.ACTIVE, is_kit=False, drop_ship=False)
        .annotate(avail=available_subquery())
        .filter(avail__gt=20, un_number="")
        .order_by("pk")[:limit]
    )


def run_order_day(*, seed: int, today: dt.date, orders: int = 120) -> dict[str, int]:
    """Send a day of orders through intake as the clerk; returns counts by status."""
    rng = random.Random(seed * 7919 + 3)
    clerk = User.objects.filter(role=Role.ORDER_CLERK).order_by("pk").first()
    if clerk is None:
        return {}
    customers = list(
        Customer.objects.filter(status=CustomerStatus.ACTIVE)
        .exclude(addresses__isnull=True)
        .order_by("pk")[:150]
    )
    ship_tos: dict[int, list[str]] = {}
    for a in Address.objects.filter(kind="ship_to", active=True, country="US").order_by("pk"):
        ship_tos.setdefault(a.customer_id, []).append(a.code)
    customers = [c for c in customers if c.pk in ship_tos]
    stocked = _stocked_items(400)
    hazmat = list(Item.objects.exclude(un_number="").order_by("pk")[:20])
    discontinued = list(
        Item.objects.filter(status=ItemStatus.DISCONTINUED, replacement__isnull=False).order_by(
            "pk"
        )[:20]
    )
    counts: dict[str, int] = {}
    for n in range(orders):
        customer = customers[n % len(customers)]
        kind = rng.random()
        lines = [
            LineDraft(sku=item.sku, quantity=Decimal(rng.choice((1, 2, 2, 4, 5, 10))))
            for item in rng.sample(stocked, rng.randint(1, 6))
        ]
        draft = OrderDraft(
            customer=customer.account_number,
            customer_po=f"{rng.randint(4500000000, 4599999999)}",
            ship_to=rng.choice(ship_tos[customer.pk]),
            ship_method=rng.choice(("UPS-GND", "UPS-GND", "LTL-STD", "UPS-2DA")),
            freight_payment=rng.choice(("prepaid", "prepaid_add", "collect")),
            incoterm="FCA",
            rush=rng.random() < 0.08,
            lines=lines,
            source_document="demo: morning mailbox",
        )
        if kind < 0.08 and lines:  # PO price from an old quote
            lines[0].customer_price = Decimal("1.00")
        elif kind < 0.12 and hazmat:
            draft.lines.append(LineDraft(sku=rng.choice(hazmat).sku, quantity=Decimal(1)))
            draft.ship_method = "UPS-GND"
        elif kind < 0.15 and discontinued:
            draft.lines.append(LineDraft(sku=rng.choice(discontinued).sku, quantity=Decimal(2)))
        elif kind < 0.18:
            draft.requested_date = today
        elif kind < 0.20:
            draft.freight_payment = ""
            draft.incoterm = ""
        elif kind < 0.24:
            lines[0].quantity = Decimal(500)  # more than the shelf holds: backorder
        try:
            channel = rng.choice(("api", "api", "desk", "file", "portal"))
            if channel == "portal":
                channel = "desk"  # portal orders are the portal user's own, placed later
            result = order_intake(actor=clerk, channel=channel, draft=draft, today=today)
        except OrderError:
            counts["refused"] = counts.get("refused", 0) + 1
            continue
        status = result.order.status
        counts[status] = counts.get(status, 0) + 1
    return counts

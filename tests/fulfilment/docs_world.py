"""Shipments built directly as rows, for the shipping-document tests.

A customer with a US, a Canadian and a German ship-to; a Chicago warehouse with a hazmat
emergency contact; items covering what the documents must show (a plain part with freight
class and NMFC, paint that is hazmat UN1263 class 3 PG II, aerosols UN1950 class 2.1, an
export-controlled radio module made abroad, a lot-controlled adhesive sold by the case of
12); a parcel and an LTL service. `make_order` and `make_shipment` write consistent rows:
line buckets add up, and what ships leaves the allocated bucket for the shipped one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from orderdesk.catalog.models import Item, KitComponent, Tracking, UnitConversion, UnitOfMeasure
from orderdesk.core.money import round_half_up
from orderdesk.fulfilment.models import (
    Package,
    PackageLine,
    PickLine,
    PickList,
    Shipment,
    ShipmentLine,
)
from orderdesk.inventory.models import Warehouse
from orderdesk.orders.models import SalesOrder, SalesOrderLine
from orderdesk.orders.states import Channel, OrderStatus
from orderdesk.parties.models import Address, AddressKind, Carrier, Customer, ShipMethod, ShipMode

from ..factories import AddressFactory, CustomerFactory, PaymentTermsFactory

SHIP_DATE = dt.date(2026, 3, 16)
EMERGENCY = "CHEMTREC 1-800-424-9300 (CCN 731245)"


@dataclass
class DocsWorld:
    customer: Customer
    bill_to: Address
    ship_to_us: Address
    ship_to_ca: Address
    ship_to_de: Address
    warehouse: Warehouse
    parcel: ShipMethod
    ltl: ShipMethod
    items: dict[str, Item]
    counter: list[int] = field(default_factory=lambda: [0])

    def next(self, prefix: str) -> str:
        self.counter[0] += 1
        return f"{prefix}T{self.counter[0]:05d}"


@dataclass
class LineSpec:
    """An order line: item key, quantity in the unit ordered, unit, price per unit ordered."""

    item: str
    quantity: str
    price: str = "10.00"
    unit: str = ""
    discount: str = "0"
    cancelled: str = "0"  # base units


@dataclass
class PackSpec:
    kind: str = "carton"
    weight_kg: str = "5"
    dims: tuple[str, str, str] = ("40", "30", "20")
    tracking: str = ""


@dataclass
class ShipSpec:
    """What leaves: order line number, base quantity, lot, index of the package it is in."""

    line_no: int
    quantity: str
    lot: str = ""
    package: int | None = 0
    component: str = ""  # item key of a kit's component (the line's own item when blank)


def build_docs_world() -> DocsWorld:
    ea = UnitOfMeasure.objects.get_or_create(code="EA", defaults={"name": "Each"})[0]
    cs = UnitOfMeasure.objects.get_or_create(code="CS", defaults={"name": "Case"})[0]
    customer = CustomerFactory(
        name="Acme Industrial Supply",
        payment_terms=PaymentTermsFactory(),
        delivery_instructions="Call before delivery",
    )
    bill_to = AddressFactory(
        customer=customer,
        kind=AddressKind.BILL_TO,
        code="BILL",
        name="Acme Industrial Supply — Accounts Payable",
        line1="500 Commerce Drive",
        city="Springfield",
        region="IL",
        postal_code="62701",
        country="US",
    )
    ship_to_us = AddressFactory(
        customer=customer,
        code="MAIN",
        name="Acme Springfield Plant",
        line1="1200 Industrial Parkway",
        city="Springfield",
        region="IL",
        postal_code="62703",
        country="US",
        phone="+1 217 555 0134",
        delivery_instructions="Dock 4, Mon–Fri 07:00–15:00, liftgate required",
    )
    ship_to_ca = AddressFactory(
        customer=customer,
        code="TOR",
        name="Acme Canada Ltd",
        line1="88 Queens Quay West",
        city="Toronto",
        region="ON",
        postal_code="M5J 0B8",
        country="CA",
        phone="+1 416 555 0190",
    )
    ship_to_de = AddressFactory(
        customer=customer,
        code="MUC",
        name="Acme Europa GmbH",
        line1="Landsberger Straße 155",
        city="München",
        region="BY",
        postal_code="80687",
        country="DE",
        phone="+49 89 5550 1200",
    )
    warehouse = Warehouse.objects.update_or_create(
        code="CHI",
        defaults={
            "name": "Chicago DC",
            "line1": "2400 W Fulton Street",
            "city": "Chicago",
            "region": "IL",
            "postal_code": "60612",
            "country": "US",
            "phone": "+1 312 555 0100",
            "hazmat_emergency_contact": EMERGENCY,
        },
    )[0]
    ups = Carrier.objects.get_or_create(scac="UPSN", defaults={"name": "UPS"})[0]
    odfl = Carrier.objects.get_or_create(
        scac="ODFL", defaults={"name": "Old Dominion Freight Line"}
    )[0]
    parcel = ShipMethod.objects.get_or_create(
        code="UPS-GND",
        defaults={"carrier": ups, "name": "UPS Ground", "mode": ShipMode.PARCEL},
    )[0]
    ltl = ShipMethod.objects.get_or_create(
        code="ODFL-LTL",
        defaults={
            "carrier": odfl,
            "name": "LTL Standard",
            "mode": ShipMode.LTL,
            "hazmat_allowed": True,
            "international": True,
        },
    )[0]

    def item(sku: str, description: str, **kw: object) -> Item:
        return Item.objects.create(sku=sku, description=description, base_uom=ea, **kw)

    items = {
        "bracket": item(
            "BRK-100",
            "Steel mounting bracket",
            weight_kg=Decimal("1.2"),
            hs_code="7326.90",
            schedule_b="7326908688",
            country_of_origin="US",
            freight_class="70",
            nmfc="61680",
        ),
        "paint": item(
            "PNT-5G",
            "Industrial enamel paint, 5 gal",
            weight_kg=Decimal("22"),
            hs_code="3208.10",
            schedule_b="3208100000",
            country_of_origin="US",
            un_number="UN1263",
            proper_shipping_name="Paint",
            hazmat_class="3",
            packing_group="II",
            freight_class="55",
            nmfc="149980",
        ),
        "aerosol": item(
            "AER-400",
            "Lubricant spray 400 ml",
            weight_kg=Decimal("0.45"),
            hs_code="3403.19",
            schedule_b="3403195000",
            country_of_origin="US",
            un_number="UN1950",
            proper_shipping_name="Aerosols, flammable",
            hazmat_class="2.1",
            freight_class="60",
            nmfc="4860",
        ),
        "radio": item(
            "RAD-5G",
            "Encrypted radio module",
            weight_kg=Decimal("0.3"),
            hs_code="8517.62",
            schedule_b="8517620090",
            country_of_origin="CN",
            export_control_class="5A992.c",
            freight_class="85",
            nmfc="61700",
        ),
        "adhesive": item(
            "EPX-50",
            "Epoxy adhesive cartridge 50 ml",
            weight_kg=Decimal("0.1"),
            hs_code="3506.91",
            schedule_b="3506910000",
            country_of_origin="DE",
            tracking=Tracking.LOT,
            freight_class="65",
            nmfc="4610",
        ),
    }
    UnitConversion.objects.create(item=items["adhesive"], uom=cs, factor=Decimal(12))
    items["kit"] = item(
        "KIT-MNT",
        "Mounting kit (4 brackets, 1 adhesive)",
        is_kit=True,
        hs_code="7326.90",
        schedule_b="7326908688",
        country_of_origin="US",
    )
    KitComponent.objects.create(kit=items["kit"], component=items["bracket"], quantity=4)
    KitComponent.objects.create(kit=items["kit"], component=items["adhesive"], quantity=1)
    return DocsWorld(
        customer=customer,
        bill_to=bill_to,
        ship_to_us=ship_to_us,
        ship_to_ca=ship_to_ca,
        ship_to_de=ship_to_de,
        warehouse=warehouse,
        parcel=parcel,
        ltl=ltl,
        items=items,
    )


def make_order(
    w: DocsWorld,
    lines: list[LineSpec],
    *,
    ship_to: Address | None = None,
    method: ShipMethod | None = None,
    currency: str = "USD",
    customer_po: str = "PO-4471",
    incoterm: str = "",
    incoterm_place: str = "",
    freight_payment: str = "prepaid",
) -> SalesOrder:
    """A released order whose lines are all allocated (minus what is cancelled)."""
    order = SalesOrder.objects.create(
        number=w.next("SO"),
        customer=w.customer,
        customer_po=customer_po,
        channel=Channel.API,
        status=OrderStatus.RELEASED,
        bill_to=w.bill_to,
        ship_to=ship_to or w.ship_to_us,
        order_date=SHIP_DATE - dt.timedelta(days=5),
        ship_method=method or w.parcel,
        incoterm=incoterm,
        incoterm_place=incoterm_place,
        freight_payment=freight_payment,
        payment_terms=w.customer.payment_terms,
        currency=currency,
        warehouse=w.warehouse,
    )
    for no, spec in enumerate(lines, start=1):
        item = w.items[spec.item]
        factor = Decimal(12) if spec.unit == "CS" else Decimal(1)
        qty = Decimal(spec.quantity)
        base = qty * factor
        cancelled = Decimal(spec.cancelled)
        price = Decimal(spec.price)
        gross = round_half_up(qty * price, 2)
        discount = Decimal(spec.discount)
        SalesOrderLine.objects.create(
            order=order,
            line_no=no,
            item=item,
            sku=item.sku,
            description=item.description,
            quantity=qty,
            uom_code=spec.unit or "EA",
            factor=factor,
            qty_ordered=base,
            qty_allocated=base - cancelled,
            qty_cancelled=cancelled,
            warehouse=w.warehouse,
            list_price=price,
            unit_price=price,
            gross=gross,
            discount=discount,
            net=gross - discount,
        )
    return order


def make_shipment(
    w: DocsWorld,
    order: SalesOrder,
    contents: list[ShipSpec],
    packages: list[PackSpec],
    *,
    method: ShipMethod | None = None,
    tracking: str = "1Z999AA10123456784",
    pro_number: str = "",
    freight_payment: str = "",
    third_party_bill_to: dict | None = None,
    export_reason: str = "",
    link_packages: bool = True,
) -> Shipment:
    """A shipment as the dock confirms it: pick list, pick lines, packages with their
    package lines, shipment lines; the order lines' allocated quantity moves to shipped
    (a kit's components leave the kit line's buckets to the caller: `ship_kits`).
    `link_packages=False` leaves ShipmentLine.package empty (the documents then find the
    contents through the packing record)."""
    method = method or order.ship_method or w.parcel
    now = timezone.now()
    pick_list = PickList.objects.create(
        number=w.next("PK"), order=order, warehouse=w.warehouse, created_at=now
    )
    shipment = Shipment.objects.create(
        number=w.next("SH"),
        order=order,
        pick_list=pick_list,
        warehouse=w.warehouse,
        customer=order.customer,
        ship_to=order.ship_to,
        ship_method=method,
        carrier=method.carrier,
        tracking_number=tracking,
        pro_number=pro_number,
        ship_date=SHIP_DATE,
        freight_payment=freight_payment,
        third_party_bill_to=third_party_bill_to or {},
        export_reason=export_reason,
        handling_units=len(packages),
        weight_kg=sum((Decimal(p.weight_kg) for p in packages), Decimal(0)),
        currency=order.currency,
        created_at=now,
    )
    made = [
        Package.objects.create(
            pick_list=pick_list,
            shipment=shipment,
            number=w.next("PKG"),
            kind=p.kind,
            weight_kg=Decimal(p.weight_kg),
            length_cm=Decimal(p.dims[0]),
            width_cm=Decimal(p.dims[1]),
            height_cm=Decimal(p.dims[2]),
            tracking_number=p.tracking,
            created_at=now,
        )
        for p in packages
    ]
    lines = {ln.line_no: ln for ln in order.lines.select_related("item")}
    for spec in contents:
        ol = lines[spec.line_no]
        qty = Decimal(spec.quantity)
        item = w.items[spec.component] if spec.component else ol.item
        pick_line = PickLine.objects.create(
            pick_list=pick_list,
            order_line=ol,
            item=item,
            lot=spec.lot,
            quantity=qty,
            qty_picked=qty,
        )
        package = made[spec.package] if spec.package is not None else None
        if package is not None:
            PackageLine.objects.create(
                package=package, pick_line=pick_line, lot=spec.lot, quantity=qty
            )
        ShipmentLine.objects.create(
            shipment=shipment,
            order_line=ol,
            item=item,
            lot=spec.lot,
            quantity=qty,
            package=package if link_packages else None,
        )
        if not spec.component:
            ol.qty_allocated -= qty
            ol.qty_shipped += qty
            ol.save(update_fields=["qty_allocated", "qty_shipped"])
    return shipment


def ship_kits(order: SalesOrder, line_no: int, kits: str) -> None:
    """Move whole kits of a kit line from allocated to shipped."""
    ol = order.lines.get(line_no=line_no)
    ol.qty_allocated -= Decimal(kits)
    ol.qty_shipped += Decimal(kits)
    ol.save(update_fields=["qty_allocated", "qty_shipped"])

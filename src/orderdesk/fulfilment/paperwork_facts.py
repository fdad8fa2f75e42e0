"""The facts shipping documents are made from, read once per shipment, and the formatting
that turns them into JSON-safe values (Decimals as strings, dates ISO 8601).

`shipment_facts` reads a shipment with everything its documents show in 4–5 queries,
however many lines and packages it has, and splits each package's weighed weight over
its contents so that line weights on every document add up to the scale's total.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, Sum

from orderdesk.catalog.models import Item
from orderdesk.core.money import QUANTITY_PLACES, minor_exponent, round_half_up
from orderdesk.inventory.models import Warehouse
from orderdesk.orders.acknowledgement import company_name
from orderdesk.orders.models import SalesOrder, SalesOrderLine
from orderdesk.orders.states import Incoterm
from orderdesk.parties.models import FREIGHT_MODES, Address, ShipMode

from .allocations import kit_parts, whole_kits
from .models import Package, PackageLine, Shipment, ShipmentLine

#: Bumped when the shape of a document's data changes; stored rows keep their version.
DOCUMENT_SCHEMA = 1
KG_TO_LB = Decimal("2.20462262185")
_QTY_UNIT = Decimal(1).scaleb(-QUANTITY_PLACES)
_WEIGHT_STEP = Decimal("0.01")

EXPORT_REASONS = {
    "sale": "Sale",
    "sample": "Sample",
    "gift": "Gift",
    "repair": "Repair / return after repair",
    "return": "Return",
    "temporary": "Temporary export",
    "other": "Other",
}


# -- formatting: the one place values become strings --------------------------------------


def qty_text(value: Decimal) -> str:
    """A quantity without trailing zeros, never in exponent form: "5", "2.5"."""
    return f"{value.normalize():f}" if value else "0"


def in_unit(base_qty: Decimal, factor: Decimal) -> Decimal:
    """Base units back to the unit ordered, rounded half-up to the quantity precision."""
    if not factor or factor == 1:
        return base_qty
    return (base_qty / factor).quantize(_QTY_UNIT, rounding=ROUND_HALF_UP)


def amount_text(value: Decimal, currency: str) -> str:
    """At least the currency's minor unit, further non-zero digits kept (unit prices)."""
    exp = minor_exponent(currency)
    norm = value.normalize()
    exponent = norm.as_tuple().exponent
    if isinstance(exponent, int) and -exponent < exp:
        norm = norm.quantize(Decimal(1).scaleb(-exp))
    return f"{norm:f}"


def kg_text(value: Decimal) -> str:
    return f"{value.quantize(_WEIGHT_STEP, rounding=ROUND_HALF_UP):f}"


def lb_text(value_kg: Decimal) -> str:
    return f"{(value_kg * KG_TO_LB).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}"


def cm_text(value: Decimal) -> str:
    return f"{value.normalize():f}" if value else "0"


def date_text(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def address_data(address: Address | None) -> dict[str, str] | None:
    if address is None:
        return None
    return {
        "code": address.code,
        "name": address.name,
        "line1": address.line1,
        "line2": address.line2,
        "city": address.city,
        "region": address.region,
        "postal_code": address.postal_code,
        "country": address.country,
        "phone": address.phone,
    }


def shipper_data(warehouse: Warehouse) -> dict[str, str]:
    return {
        "name": company_name(),
        "warehouse": warehouse.code,
        "warehouse_name": warehouse.name,
        "line1": warehouse.line1,
        "line2": "",
        "city": warehouse.city,
        "region": warehouse.region,
        "postal_code": warehouse.postal_code,
        "country": warehouse.country,
        "phone": warehouse.phone,
    }


def choice_label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


# -- the facts, read once ----------------------------------------------------------------


@dataclass
class Content:
    """Some of one shipment line in one package (package None: not packed)."""

    package: Package | None
    line: ShipmentLine
    lot: str
    quantity: Decimal
    weight_kg: Decimal = Decimal(0)


@dataclass
class ShipmentFacts:
    """What the documents show of a shipment, read in a few queries."""

    shipment: Shipment
    order: SalesOrder
    warehouse: Warehouse
    ship_to: Address | None
    lines: list[ShipmentLine]
    packages: list[Package]
    contents: list[Content]
    #: Order line id → quantity of the line's own item (kits: whole kits), base units,
    #: shipped now and on earlier shipments.
    sold_now: dict[int, Decimal]
    sold_before: dict[int, Decimal]
    #: Kit item id → {component item id: quantity per kit}, for the kit lines shipped.
    kits: dict[int, dict[int, Decimal]]
    package_commodity: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def is_component(self, line: ShipmentLine) -> bool:
        """The shipment line is a component of a kit sold on its order line."""
        return line.order_line.item_id in self.kits and line.item_id != line.order_line.item_id

    @property
    def destination(self) -> str:
        return self.ship_to.country if self.ship_to is not None else self.warehouse.country

    @property
    def cross_border(self) -> bool:
        return self.destination.upper() != self.warehouse.country.upper()

    @property
    def freight(self) -> bool:
        return self.shipment.ship_method.mode in FREIGHT_MODES

    @property
    def hazmat(self) -> bool:
        return any(ln.item.un_number for ln in self.lines)

    @property
    def weight_kg(self) -> Decimal:
        if self.packages:
            return sum((p.weight_kg for p in self.packages), Decimal(0))
        return self.shipment.weight_kg

    @property
    def freight_payment(self) -> str:
        return self.shipment.freight_payment or self.order.freight_payment


def apportion(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """`total` split in proportion to `weights`, in steps of 0.01, summing exactly to
    `total` (largest remainder); equal shares when every weight is zero."""
    if not weights:
        return []
    if not any(weights):
        weights = [Decimal(1)] * len(weights)
    units = int((total / _WEIGHT_STEP).to_integral_value(rounding=ROUND_HALF_UP))
    whole = sum(weights, Decimal(0))
    raw = [units * w / whole for w in weights]
    floors = [int(r) for r in raw]
    left = units - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(f) * _WEIGHT_STEP for f in floors]


def _contents(
    lines: list[ShipmentLine], packages: list[Package], package_lines: list[PackageLine]
) -> list[Content]:
    """What is in which package. Shipment lines that name their package say it directly;
    otherwise the packing record (package lines) is matched to the shipment lines by order
    line and lot. Whatever no package holds is listed unpacked."""
    by_id = {p.pk: p for p in packages}
    if any(ln.package_id for ln in lines) or not package_lines:
        return [Content(by_id.get(ln.package_id or 0), ln, ln.lot, ln.quantity) for ln in lines]
    remaining = {ln.pk: ln.quantity for ln in lines}
    out: list[Content] = []
    for pl in package_lines:
        want = pl.quantity
        for ln in lines:
            if want <= 0:
                break
            if ln.order_line_id != pl.pick_line.order_line_id or remaining[ln.pk] <= 0:
                continue
            if pl.lot and ln.lot and pl.lot != ln.lot:
                continue
            take = min(want, remaining[ln.pk])
            remaining[ln.pk] -= take
            want -= take
            out.append(Content(by_id.get(pl.package_id), ln, pl.lot or ln.lot, take))
    for ln in lines:
        if remaining[ln.pk] > 0:
            out.append(Content(None, ln, ln.lot, remaining[ln.pk]))
    return out


def commodity_key(item: Item) -> tuple[str, ...]:
    """One bill-of-lading line per hazmat identity, freight class and NMFC item."""
    return (
        item.un_number,
        item.proper_shipping_name,
        item.hazmat_class,
        item.packing_group,
        item.freight_class,
        item.nmfc,
    )


def _weigh(facts: ShipmentFacts) -> None:
    """Each content's share of its package's weighed weight (by the items' catalogue
    weight, else by quantity), so that line weights add up to the scale's total; an
    unpacked content weighs its catalogue weight. Each package goes on the commodity line
    of its heaviest content (handling units then add up to the package count)."""
    by_package: dict[int, list[Content]] = defaultdict(list)
    for c in facts.contents:
        if c.package is None:
            c.weight_kg = (c.line.item.weight_kg * c.quantity).quantize(_WEIGHT_STEP)
        else:
            by_package[c.package.pk].append(c)
    for package in facts.packages:
        inside = by_package.get(package.pk, [])
        shares = apportion(package.weight_kg, [c.line.item.weight_kg * c.quantity for c in inside])
        for c, share in zip(inside, shares, strict=True):
            c.weight_kg = share
        if inside:
            heaviest = max(inside, key=lambda c: c.weight_kg)
            facts.package_commodity[package.pk] = commodity_key(heaviest.line.item)


def _sold(
    per_item: dict[int, Decimal], item_id: int, kits: dict[int, dict[int, Decimal]]
) -> Decimal:
    """Base units of the item sold: its own quantity, or for a kit the whole kits its
    components make (as the ship service counts them)."""
    if item_id in kits:
        return whole_kits(per_item, kits[item_id])
    return sum(per_item.values(), Decimal(0))


def shipment_facts(shipment: Shipment) -> ShipmentFacts:
    """The shipment with everything its documents show: 4 queries (one more when the
    packages' contents come from the packing record, one more when a kit was shipped)."""
    shipment = Shipment.objects.select_related(
        "order__bill_to",
        "order__ship_to",
        "order__customer",
        "ship_to",
        "warehouse",
        "ship_method__carrier",
        "carrier",
    ).get(pk=shipment.pk)
    lines = list(
        ShipmentLine.objects.filter(shipment_id=shipment.pk)
        .select_related("order_line__item__base_uom", "item__base_uom")
        .order_by("order_line__line_no", "pk")
    )
    # A shipment's packages are those of its pick list (one pick list, one shipment), also
    # when the dock did not stamp the shipment on them.
    packages = list(
        Package.objects.filter(
            Q(shipment_id=shipment.pk) | Q(pick_list_id=shipment.pick_list_id)
        ).order_by("pk")
    )
    package_lines: list[PackageLine] = []
    if packages and not any(ln.package_id for ln in lines):
        package_lines = list(
            PackageLine.objects.filter(package_id__in=[p.pk for p in packages])
            .select_related("pick_line")
            .order_by("package_id", "pk")
        )
    before = (
        ShipmentLine.objects.filter(order_line_id__in={ln.order_line_id for ln in lines})
        .exclude(shipment_id=shipment.pk)
        .values_list("order_line_id", "item_id")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    kits = kit_parts([ln.order_line for ln in lines])
    now: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for ln in lines:
        now[ln.order_line_id][ln.item_id] += ln.quantity
    earlier: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for ol_id, item_id, total in before:
        earlier[ol_id][item_id] += Decimal(total)
    sold_items = {ln.order_line_id: ln.order_line.item_id or ln.item_id for ln in lines}
    order = shipment.order
    facts = ShipmentFacts(
        shipment=shipment,
        order=order,
        warehouse=shipment.warehouse,
        ship_to=shipment.ship_to or order.ship_to,
        lines=lines,
        packages=packages,
        contents=_contents(lines, packages, package_lines),
        sold_now={k: _sold(v, sold_items[k], kits) for k, v in now.items()},
        sold_before={k: _sold(v, sold_items[k], kits) for k, v in earlier.items()},
        kits=kits,
    )
    _weigh(facts)
    return facts


def facts_of(shipment: Shipment, facts: ShipmentFacts | None) -> ShipmentFacts:
    return facts if facts is not None else shipment_facts(shipment)


def header_data(facts: ShipmentFacts, kind: str) -> dict[str, Any]:
    s, o = facts.shipment, facts.order
    method = s.ship_method
    return {
        "schema": DOCUMENT_SCHEMA,
        "kind": kind,
        "shipment": {
            "number": s.number,
            "ship_date": date_text(s.ship_date),
            "tracking_number": s.tracking_number,
            "pro_number": s.pro_number,
        },
        "order": {
            "number": o.number,
            "customer_po": o.customer_po,
            "order_date": date_text(o.order_date),
            "currency": o.currency,
        },
        "customer": {"account": o.customer.account_number, "name": o.customer.name},
        "shipper": shipper_data(facts.warehouse),
        "ship_to": address_data(facts.ship_to)
        or {"name": o.customer.name, "line1": "", "line2": "", "city": "", "region": "",
            "postal_code": "", "country": facts.warehouse.country, "phone": "", "code": ""},
        "carrier": {
            "name": s.carrier.name,
            "scac": s.carrier.scac,
            "service": method.name,
            "service_code": method.code,
            "mode": method.mode,
            "mode_label": choice_label(ShipMode, method.mode),
        },
    }  # fmt: skip


def delivery_instructions(facts: ShipmentFacts) -> str:
    if facts.ship_to is not None and facts.ship_to.delivery_instructions:
        return facts.ship_to.delivery_instructions
    return facts.order.customer.delivery_instructions


def sold_item(line: ShipmentLine) -> Item:
    """The item sold on the line's order line (a kit, where the line is a component)."""
    return line.order_line.item or line.item


def order_units(line: ShipmentLine) -> tuple[str, str, Decimal]:
    """(unit ordered, base unit, base units per unit ordered) of the item sold."""
    base = sold_item(line).base_uom.code
    ol = line.order_line
    return ol.uom_code or base, base, ol.factor or Decimal(1)


@dataclass
class ValuedLine:
    """One order line's part of the shipment, valued at the order's price."""

    order_line: SalesOrderLine
    item: Item
    quantity_base: Decimal
    quantity: Decimal  # unit ordered
    unit: str
    unit_value: Decimal
    value: Decimal
    weight_kg: Decimal  # share of the weighed packages
    net_weight_kg: Decimal  # catalogue weight of the goods
    lots: list[str]


def valued_lines(f: ShipmentFacts) -> list[ValuedLine]:
    """Shipped quantity per order line (kits in whole kits), at the price the customer
    pays per unit ordered (after any line discount), rounded once per line to the
    currency's minor unit."""
    currency = f.order.currency
    exp = minor_exponent(currency)
    weight: dict[int, Decimal] = defaultdict(Decimal)
    net: dict[int, Decimal] = defaultdict(Decimal)
    lots: dict[int, list[str]] = defaultdict(list)
    first: dict[int, ShipmentLine] = {}
    for c in f.contents:
        ol_id = c.line.order_line_id
        weight[ol_id] += c.weight_kg
        net[ol_id] += c.line.item.weight_kg * c.quantity
        first.setdefault(ol_id, c.line)
        if c.lot and c.lot not in lots[ol_id]:
            lots[ol_id].append(c.lot)
    out = []
    for ol_id, ln in sorted(first.items(), key=lambda kv: kv[1].order_line.line_no):
        ol = ln.order_line
        unit, _, factor = order_units(ln)
        base = f.sold_now.get(ol_id, Decimal(0))
        shipped = in_unit(base, factor)
        # After a line discount the customer pays net / quantity per unit, not the list.
        unit_value = ol.net / ol.quantity if ol.discount and ol.quantity else ol.unit_price
        out.append(
            ValuedLine(
                order_line=ol,
                item=sold_item(ln),
                quantity_base=base,
                quantity=shipped,
                unit=unit,
                unit_value=unit_value,
                value=round_half_up(shipped * unit_value, exp),
                weight_kg=weight[ol_id],
                net_weight_kg=net[ol_id],
                lots=lots[ol_id],
            )
        )
    return out


def incoterm_data(order: SalesOrder) -> dict[str, str]:
    return {
        "code": order.incoterm,
        "label": choice_label(Incoterm, order.incoterm) if order.incoterm else "",
        "place": order.incoterm_place,
    }


def export_reason_data(shipment: Shipment) -> dict[str, str]:
    code = shipment.export_reason or "sale"
    return {"code": code, "label": EXPORT_REASONS.get(code, code.replace("_", " ").capitalize())}

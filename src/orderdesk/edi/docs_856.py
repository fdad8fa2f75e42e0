"""The 856 advance ship notice, from a confirmed shipment, and the SSCC-18 of its packages.

Hierarchy "0001" (shipment / order / pack / item, "pick and pack"), as retailers' guides ask:

- S: TD1 (packages and gross weight), TD5 (carrier SCAC and service), REF*BM (bill of
  lading, when one was issued), REF*CN (PRO number, else tracking number), DTM*011 (ship
  date), N1*ST (their location code) and N1*SF (our warehouse).
- O: PRF with the PO number and date.
- P: REF*CN with the package's own tracking number, MAN*GM with the package's SSCC-18
  (preceded by its application identifier "00", the VICS convention: 20 digits).
- I: LIN (the 850's PO1-01, buyer part / UPC / our SKU) and SN1 (quantity and unit).
- CTT: the number of HL segments.

SSCC-18 = extension digit + GS1 company prefix + serial reference + GS1 mod-10 check digit,
17 digits before the check. The company prefix is settings.ORDERDESK_GS1_COMPANY_PREFIX
(7–10 digits); the default 0614141 is GS1's own example prefix from the General
Specifications: fine for tests and demos, never for real labels. The serial reference is the
package's id, so a package keeps one SSCC; with a 7-digit prefix that gives 10^9 packages
before serials repeat (GS1 asks for no reuse within a year).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.conf import settings

from orderdesk.fulfilment.allocations import kit_parts, whole_kits
from orderdesk.fulfilment.models import (
    DocumentKind,
    Package,
    Shipment,
    ShipmentLine,
    ShippingDocument,
)
from orderdesk.orders.models import SalesOrderLine

from .docs_common import (
    PoRef,
    Segment,
    item_refs,
    our_name,
    plain,
    product_ids,
    seg,
    their_location,
    their_unit,
)
from .models import TradingPartner

#: GS1's example company prefix (General Specifications); replace it in settings.
DEFAULT_GS1_COMPANY_PREFIX = "0614141"
#: TD101 packaging code (103) per package kind: material + type.
PACKAGING = {
    "carton": "CTN25",
    "pallet": "PLT94",
    "crate": "CRT25",
    "envelope": "ENV25",
    "drum": "DRM25",
}
ZERO = Decimal(0)


def gs1_check_digit(body: str) -> int:
    """The GS1 mod-10 check digit of `body` (weights 3, 1, 3 … from the rightmost digit)."""
    if not body.isdigit():
        raise ValueError(f"{body!r} is not all digits")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def gs1_company_prefix() -> str:
    prefix = str(getattr(settings, "ORDERDESK_GS1_COMPANY_PREFIX", "") or "")
    return prefix or DEFAULT_GS1_COMPANY_PREFIX


def sscc18(*, serial: int, company_prefix: str | None = None, extension: int = 0) -> str:
    """The 18-digit SSCC of a handling unit: extension, prefix, serial, check digit.

    The serial reference fills the 16 − len(prefix) digits left; a larger serial wraps."""
    prefix = company_prefix if company_prefix is not None else gs1_company_prefix()
    if not prefix.isdigit() or not 7 <= len(prefix) <= 10:
        raise ValueError(f"GS1 company prefix {prefix!r} must be 7 to 10 digits")
    if not 0 <= extension <= 9:
        raise ValueError("the SSCC extension digit is 0 to 9")
    if serial < 0:
        raise ValueError("the SSCC serial reference cannot be negative")
    width = 16 - len(prefix)
    body = f"{extension}{prefix}{serial % 10**width:0{width}d}"
    return body + str(gs1_check_digit(body))


def sscc_valid(value: str) -> bool:
    return len(value) == 18 and value.isdigit() and gs1_check_digit(value[:17]) == int(value[17])


def _line_quantity(line: SalesOrderLine, base: Decimal) -> tuple[Decimal, str]:
    """A base quantity in the unit ordered when it divides evenly, else in the base unit."""
    factor = line.factor or Decimal(1)
    base_unit = line.item.base_uom.code if line.item is not None else (line.uom_code or "EA")
    if factor != 1 and line.uom_code:
        ordered = base / factor
        if ordered == ordered.to_integral_value():
            return ordered, line.uom_code
        return base, base_unit
    return base, line.uom_code or base_unit


def segments_856(
    *, partner: TradingPartner, shipment: Shipment, po: PoRef, now: dt.datetime
) -> list[Segment]:
    """The 856's segments (no ST/SE); reads the shipment's rows, writes nothing."""
    order = shipment.order
    packages = list(Package.objects.filter(shipment=shipment).order_by("pk"))
    rows = list(
        ShipmentLine.objects.filter(shipment=shipment)
        .select_related("order_line__item__base_uom")
        .order_by("pk")
    )
    bol = (
        ShippingDocument.objects.filter(shipment=shipment, kind=DocumentKind.BILL_OF_LADING)
        .values_list("number", flat=True)
        .first()
    )
    order_lines = {r.order_line_id: r.order_line for r in rows}
    kits = kit_parts(list(order_lines.values()))
    refs = item_refs(partner, [ln.item_id for ln in order_lines.values()])

    stamp = now.time().replace(microsecond=0)
    out: list[Segment] = [seg("BSN", "00", shipment.number, now.date(), stamp, "0001")]
    hl = 0

    def level(parent: int | None, code: str, children: bool) -> int:
        nonlocal hl
        hl += 1
        out.append(seg("HL", hl, parent, code, "1" if children else "0"))
        return hl

    s = level(None, "S", True)
    kind = packages[0].kind if packages else "carton"
    out.append(
        seg(
            "TD1",
            PACKAGING.get(kind, "CTN25"),
            len(packages) or shipment.handling_units or 1,
            None,
            None,
            None,
            "G",
            plain(shipment.weight_kg),
            "KG",
        )
    )
    out.append(seg("TD5", "B", "2", shipment.carrier.scac, None, shipment.ship_method.name[:35]))
    if bol:
        out.append(seg("REF", "BM", bol))
    if shipment.pro_number or shipment.tracking_number:
        out.append(seg("REF", "CN", shipment.pro_number or shipment.tracking_number))
    out.append(seg("DTM", "011", shipment.ship_date))
    ship_to = shipment.ship_to
    if ship_to is not None:
        out.append(seg("N1", "ST", ship_to.name[:60], "92", their_location(partner, ship_to.code)))
    warehouse = shipment.warehouse
    out.append(seg("N1", "SF", (warehouse.name or our_name())[:60], "91", warehouse.code))

    o = level(s, "O", True)
    out.append(
        seg("PRF", po.po_number or order.customer_po or order.number, None, None, po.po_date)
    )

    by_package: dict[int | None, dict[int, dict[int, Decimal]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(lambda: ZERO))
    )
    for r in rows:
        by_package[r.package_id][r.order_line_id][r.item_id] += r.quantity

    def items(parent: int, lines: dict[int, dict[int, Decimal]]) -> None:
        for line_id in sorted(lines, key=lambda i: order_lines[i].line_no):
            line = order_lines[line_id]
            have = lines[line_id]
            if line.item_id in kits:
                base = whole_kits(have, kits[line.item_id])  # type: ignore[index]
                quantity, unit = base, line.uom_code or "EA"
                if base == 0:
                    continue  # part of a kit in this package: the kit is counted where whole
            else:
                quantity, unit = _line_quantity(line, sum(have.values(), ZERO))
            po_line = po.line(line.line_no)
            level(parent, "I", False)
            ids = product_ids(
                po_line=po.lines.get(line.line_no),
                ref=refs.get(line.item_id) if line.item_id else None,
                sku=line.item.sku if line.item is not None else line.sku,
            )
            out.append(seg("LIN", po_line.assigned_id, *ids))
            out.append(seg("SN1", po_line.assigned_id, plain(quantity), their_unit(partner, unit)))

    for package in packages:
        p = level(o, "P", True)
        if package.tracking_number:
            out.append(seg("REF", "CN", package.tracking_number))
        out.append(seg("MAN", "GM", "00" + sscc18(serial=package.pk)))
        items(p, by_package.get(package.pk, {}))
    if None in by_package:  # shipped without a package: the items hang off the order
        items(o, by_package[None])
    out.append(seg("CTT", hl))
    return out


def shipment_label(shipment: Shipment) -> dict[str, Any]:
    """The SSCCs of a shipment's packages, for labels and the monitor."""
    return {
        p.number: sscc18(serial=p.pk)
        for p in Package.objects.filter(shipment=shipment).order_by("pk")
    }

"""Shipping documents as data: packing list, bill of lading, commercial invoice, EEI data.

`shipping_documents_issue` runs inside the ship transaction, once the shipment, its lines
(with lot) and its packages are saved. It decides which documents the shipment needs,
numbers them and freezes each one's content as plain JSON (`ShippingDocument.data`:
Decimals as strings, dates ISO 8601). Every rendering (HTML page, PDF, a reprint next
year) is made from that data, never from the rows as they are now, so a document shows
what left the dock. No PDF is made here: `documents.document_pdf` renders one on demand
(or as an outbox attachment), so shipping costs a handful of queries, not WeasyPrint.

Which documents:
- packing list: always;
- straight bill of lading: freight modes (LTL, truckload) or any hazmat line (the DOT
  shipping paper must travel with dangerous goods whatever the mode);
- commercial invoice and export filing (EEI) data: ship-to country ≠ warehouse country.

The facts every document needs are read once (`shipment_facts`: 4–5 queries however
many lines and packages) and shared by the builders.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from orderdesk.catalog.models import Item
from orderdesk.core.audit import event_record_many
from orderdesk.core.numbering import number_next
from orderdesk.orders.models import SalesOrderLine
from orderdesk.orders.states import FreightPayment

from .models import (
    DocumentKind,
    Package,
    PackageKind,
    Shipment,
    ShipmentLine,
    ShippingDocument,
)
from .paperwork_eei import export_filing_data
from .paperwork_facts import (
    Content,
    ShipmentFacts,
    address_data,
    amount_text,
    choice_label,
    cm_text,
    commodity_key,
    delivery_instructions,
    export_reason_data,
    facts_of,
    header_data,
    in_unit,
    incoterm_data,
    kg_text,
    lb_text,
    order_units,
    qty_text,
    shipment_facts,
    shipper_data,
    sold_item,
    valued_lines,
)

__all__ = [
    "bill_of_lading_data",
    "commercial_invoice_data",
    "document_data",
    "documents_needed",
    "export_filing_data",
    "packing_list_data",
    "shipment_facts",
    "shipping_documents_issue",
]

SHIPPER_CERTIFICATION = (
    "This is to certify that the above-named materials are properly classified, described, "
    "packaged, marked and labeled, and are in proper condition for transportation according "
    "to the applicable regulations of the Department of Transportation."
)
CARRIER_CERTIFICATION = (
    "Carrier acknowledges receipt of packages and required placards. Carrier certifies "
    "emergency response information was made available and/or carrier has the DOT emergency "
    "response guidebook or equivalent documentation in the vehicle. Property described above "
    "is received in good order, except as noted."
)
BOL_TERMS = (
    "Received, subject to individually determined rates or contracts that have been agreed "
    "upon in writing between the carrier and shipper, if applicable, otherwise to the rates, "
    "classifications and rules that have been established by the carrier and are available "
    "to the shipper, on request. This bill of lading is not negotiable."
)
CI_DECLARATION = (
    "I declare that all the information contained in this invoice is true and correct, and "
    "that the contents and value of this shipment are as stated above. These commodities, "
    "technology or software were exported from {country} in accordance with the Export "
    "Administration Regulations. Diversion contrary to {country} law is prohibited."
)


# -- packing list -----------------------------------------------------------------------


def _content_row(c: Content, facts: ShipmentFacts) -> dict[str, Any]:
    """One lot of one item in a package. A kit's component is listed as itself, in its
    own unit, with the kit it belongs to; anything else in the unit ordered too."""
    item = c.line.item
    ol = c.line.order_line
    component = facts.is_component(c.line)
    if component:
        unit = base = item.base_uom.code
        factor = Decimal(1)
    else:
        unit, base, factor = order_units(c.line)
    return {
        "line_no": ol.line_no,
        "sku": item.sku,
        "customer_sku": item.sku if component else ol.sku,
        "description": item.description if component else (ol.description or item.description),
        "kit_sku": sold_item(c.line).sku if component else "",
        "lot": c.lot,
        "tracking": item.tracking,
        "quantity": qty_text(in_unit(c.quantity, factor)),
        "unit": unit,
        "quantity_base": qty_text(c.quantity),
        "base_unit": base,
    }


def _order_line_rows(facts: ShipmentFacts) -> list[dict[str, Any]]:
    """Ordered, shipped now, shipped before and still to come for each order line in the
    shipment, in the unit ordered (kits in whole kits). "Backordered" is what the customer
    still waits for: ordered − cancelled − everything shipped so far, this shipment too."""
    first: dict[int, ShipmentLine] = {}
    for ln in facts.lines:
        first.setdefault(ln.order_line_id, ln)
    rows = []
    for ol_id, ln in sorted(first.items(), key=lambda kv: kv[1].order_line.line_no):
        ol: SalesOrderLine = ln.order_line
        item = sold_item(ln)
        unit, base, factor = order_units(ln)
        now = facts.sold_now.get(ol_id, Decimal(0))
        before = facts.sold_before.get(ol_id, Decimal(0))
        to_come = max(ol.qty_ordered - ol.qty_cancelled - before - now, Decimal(0))
        rows.append(
            {
                "line_no": ol.line_no,
                "sku": item.sku,
                "customer_sku": ol.sku,
                "description": ol.description or item.description,
                "kit": ol.item_id in facts.kits,
                "unit": unit,
                "base_unit": base,
                "factor": qty_text(factor),
                "ordered": qty_text(in_unit(ol.qty_ordered, factor)),
                "shipped": qty_text(in_unit(now, factor)),
                "shipped_base": qty_text(now),
                "shipped_before": qty_text(in_unit(before, factor)),
                "backordered": qty_text(in_unit(to_come, factor)),
                "cancelled": qty_text(in_unit(ol.qty_cancelled, factor)),
            }
        )
    return rows


def _package_row(p: Package, contents: list[Content], facts: ShipmentFacts) -> dict[str, Any]:
    dims = (p.length_cm, p.width_cm, p.height_cm)
    return {
        "number": p.number,
        "kind": p.kind,
        "kind_label": choice_label(PackageKind, p.kind),
        "weight_kg": kg_text(p.weight_kg),
        "weight_lb": lb_text(p.weight_kg),
        "length_cm": cm_text(p.length_cm),
        "width_cm": cm_text(p.width_cm),
        "height_cm": cm_text(p.height_cm),
        "dimensions": " × ".join(cm_text(d) for d in dims) + " cm" if all(dims) else "",
        "tracking_number": p.tracking_number,
        "contents": [_content_row(c, facts) for c in contents],
    }


def packing_list_data(shipment: Shipment, *, facts: ShipmentFacts | None = None) -> dict[str, Any]:
    """What is in each package and what of the order is still to come."""
    f = facts_of(shipment, facts)
    inside: dict[int, list[Content]] = defaultdict(list)
    loose: list[Content] = []
    for c in f.contents:
        (inside[c.package.pk] if c.package is not None else loose).append(c)
    lines = _order_line_rows(f)
    weight = f.weight_kg
    return {
        **header_data(f, DocumentKind.PACKING_LIST),
        "packages": [_package_row(p, inside.get(p.pk, []), f) for p in f.packages],
        "unpacked": [_content_row(c, f) for c in loose],
        "lines": lines,
        "delivery_instructions": delivery_instructions(f),
        "totals": {
            "packages": len(f.packages),
            "weight_kg": kg_text(weight),
            "weight_lb": lb_text(weight),
            "lines_backordered": sum(1 for r in lines if r["backordered"] != "0"),
        },
    }


# -- straight bill of lading ---------------------------------------------------------------


def _hazmat_description(item: Item) -> str:
    """The basic description in DOT order (49 CFR 172.202): identification number, proper
    shipping name, hazard class, packing group."""
    parts = [item.un_number, item.proper_shipping_name, item.hazmat_class]
    if item.packing_group:
        parts.append(f"PG {item.packing_group}")
    return ", ".join(p for p in parts if p)


def _commodities(f: ShipmentFacts) -> list[dict[str, Any]]:
    groups: dict[tuple[str, ...], dict[str, Any]] = {}
    for c in f.contents:
        item = c.line.item
        key = commodity_key(item)
        g = groups.get(key)
        if g is None:
            g = groups[key] = {
                "item": item,
                "descriptions": [],
                "pieces": defaultdict(Decimal),
                "weight": Decimal(0),
                "units": defaultdict(int),
            }
        desc = (
            item.description
            if f.is_component(c.line)
            else (c.line.order_line.description or item.description)
        )
        if desc not in g["descriptions"]:
            g["descriptions"].append(desc)
        g["pieces"][item.base_uom.code] += c.quantity
        g["weight"] += c.weight_kg
    for p in f.packages:
        assigned = f.package_commodity.get(p.pk)
        if assigned is not None and assigned in groups:
            groups[assigned]["units"][p.kind] += 1
    rows = []
    for g in groups.values():
        item = g["item"]
        hazmat = bool(item.un_number)
        units = g["units"]
        rows.append(
            {
                "hazmat": hazmat,
                "hm": "X" if hazmat else "",
                "description": _hazmat_description(item)
                if hazmat
                else "; ".join(g["descriptions"]),
                "contents": "; ".join(g["descriptions"]),
                "un_number": item.un_number,
                "proper_shipping_name": item.proper_shipping_name,
                "hazard_class": item.hazmat_class,
                "packing_group": item.packing_group,
                "handling_units": sum(units.values()),
                "handling_unit_kinds": ", ".join(
                    f"{n} {choice_label(PackageKind, k).lower()}" for k, n in sorted(units.items())
                ),
                "pieces": ", ".join(f"{qty_text(q)} {u}" for u, q in g["pieces"].items()),
                "weight_kg": kg_text(g["weight"]),
                "weight_lb": lb_text(g["weight"]),
                "freight_class": item.freight_class,
                "nmfc": item.nmfc,
                "sku": item.sku,
            }
        )
    # Hazardous materials first, as 49 CFR 172.201 allows (or marked "X": we do both).
    rows.sort(key=lambda r: (not r["hazmat"],))
    return rows


def _bol_missing(f: ShipmentFacts, rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    missing = []
    if not f.shipment.carrier.scac:
        missing.append({"field": "carrier.scac", "message": "The carrier has no SCAC."})
    if f.freight and not f.shipment.pro_number:
        missing.append({"field": "pro_number", "message": "No PRO number from the carrier yet."})
    for r in rows:
        if f.freight and not r["freight_class"]:
            missing.append(
                {
                    "field": f"{r['sku']}.freight_class",
                    "message": f"{r['sku']} has no freight class.",
                }
            )
        if r["hazmat"] and not (r["proper_shipping_name"] and r["hazard_class"]):
            missing.append(
                {
                    "field": f"{r['sku']}.hazmat",
                    "message": f"{r['sku']} ({r['un_number']}) lacks its proper shipping name "
                    "or hazard class.",
                }
            )
    if f.hazmat and not f.warehouse.hazmat_emergency_contact:
        missing.append(
            {
                "field": "emergency_contact",
                "message": f"Warehouse {f.warehouse.code} has no 24-hour emergency contact.",
            }
        )
    if f.freight_payment == FreightPayment.THIRD_PARTY and not f.shipment.third_party_bill_to:
        missing.append(
            {"field": "third_party_bill_to", "message": "Third-party freight without a bill-to."}
        )
    return missing


def bill_of_lading_data(
    shipment: Shipment, *, facts: ShipmentFacts | None = None
) -> dict[str, Any]:
    """A straight (non-negotiable) bill of lading in the VICS layout."""
    f = facts_of(shipment, facts)
    rows = _commodities(f)
    terms = f.freight_payment
    kinds: dict[str, int] = defaultdict(int)
    for p in f.packages:
        kinds[p.kind] += 1
    weight = f.weight_kg
    pieces = sum((c.quantity for c in f.contents), Decimal(0))
    header = header_data(f, DocumentKind.BILL_OF_LADING)
    third_party = f.shipment.third_party_bill_to if terms == FreightPayment.THIRD_PARTY else {}
    return {
        **header,
        "consignee": header["ship_to"],
        "third_party_bill_to": dict(third_party) if third_party else None,
        "freight_terms": {
            "code": terms,
            "label": choice_label(FreightPayment, terms) if terms else "",
        },
        "customer_orders": [
            {
                "number": f.order.customer_po or f.order.number,
                "order_number": f.order.number,
                "packages": len(f.packages),
                "weight_kg": kg_text(weight),
                "weight_lb": lb_text(weight),
            }
        ],
        "handling_units": {
            "count": len(f.packages),
            "by_kind": [
                {"kind": k, "label": choice_label(PackageKind, k), "count": n}
                for k, n in sorted(kinds.items())
            ],
        },
        "commodities": rows,
        "hazmat": f.hazmat,
        "emergency_contact": f.warehouse.hazmat_emergency_contact if f.hazmat else "",
        "special_instructions": delivery_instructions(f),
        "totals": {
            "handling_units": len(f.packages),
            "pieces": qty_text(pieces),
            "weight_kg": kg_text(weight),
            "weight_lb": lb_text(weight),
        },
        "shipper_certification": SHIPPER_CERTIFICATION,
        "carrier_certification": CARRIER_CERTIFICATION,
        "terms": BOL_TERMS,
        "missing": _bol_missing(f, rows),
    }


# -- commercial invoice -----------------------------------------------------------------


def commercial_invoice_data(
    shipment: Shipment, *, facts: ShipmentFacts | None = None
) -> dict[str, Any]:
    """The customs invoice: what is shipped, where it was made, its HS code and value."""
    f = facts_of(shipment, facts)
    currency = f.order.currency
    valued = valued_lines(f)
    total = sum((v.value for v in valued), Decimal(0))
    net_weight = sum((v.net_weight_kg for v in valued), Decimal(0))
    gross = f.weight_kg
    missing = []
    for v in valued:
        if not v.item.hs_code:
            missing.append(
                {"field": f"{v.item.sku}.hs_code", "message": f"{v.item.sku} has no HS code."}
            )
        if not v.item.country_of_origin:
            missing.append(
                {"field": f"{v.item.sku}.country_of_origin",
                 "message": f"{v.item.sku} has no country of origin."}
            )  # fmt: skip
    if not f.order.incoterm:
        missing.append({"field": "incoterm", "message": "The order has no Incoterm."})
    return {
        **header_data(f, DocumentKind.COMMERCIAL_INVOICE),
        "exporter": shipper_data(f.warehouse),
        "consignee": header_data(f, "")["ship_to"],
        "sold_to": address_data(f.order.bill_to)
        or {"name": f.order.customer.name, "line1": "", "line2": "", "city": "", "region": "",
            "postal_code": "", "country": f.destination, "phone": "", "code": ""},
        "currency": currency,
        "incoterm": incoterm_data(f.order),
        "export_reason": export_reason_data(f.shipment),
        "country_of_destination": f.destination,
        "lines": [
            {
                "line_no": v.order_line.line_no,
                "sku": v.item.sku,
                "description": v.order_line.description or v.item.description,
                "hs_code": v.item.hs_code,
                "country_of_origin": v.item.country_of_origin,
                "quantity": qty_text(v.quantity),
                "unit": v.unit,
                "unit_value": amount_text(v.unit_value.quantize(Decimal("0.0001")), currency),
                "value": amount_text(v.value, currency),
                "lots": v.lots,
                "net_weight_kg": kg_text(v.net_weight_kg),
            }
            for v in valued
        ],
        "totals": {
            "value": amount_text(total, currency),
            "packages": len(f.packages),
            "net_weight_kg": kg_text(net_weight),
            "gross_weight_kg": kg_text(gross),
            "gross_weight_lb": lb_text(gross),
        },
        "declaration": CI_DECLARATION.format(country=f.warehouse.country),
        "missing": missing,
    }  # fmt: skip


# -- issuing --------------------------------------------------------------------------------


def documents_needed(facts: ShipmentFacts) -> list[str]:
    """The kinds the shipment needs, in the order they are numbered."""
    kinds = [DocumentKind.PACKING_LIST.value]
    if facts.freight or facts.hazmat:
        kinds.append(DocumentKind.BILL_OF_LADING.value)
    if facts.cross_border:
        kinds += [DocumentKind.COMMERCIAL_INVOICE.value, DocumentKind.EXPORT_FILING.value]
    return kinds


def document_data(kind: str, shipment: Shipment, *, facts: ShipmentFacts | None = None) -> dict:
    """The data of one document kind (not stored: `shipping_documents_issue` stores it)."""
    builders = {
        DocumentKind.PACKING_LIST: packing_list_data,
        DocumentKind.BILL_OF_LADING: bill_of_lading_data,
        DocumentKind.COMMERCIAL_INVOICE: commercial_invoice_data,
        DocumentKind.EXPORT_FILING: export_filing_data,
    }
    return builders[DocumentKind(kind)](shipment, facts=facts_of(shipment, facts))


def shipping_documents_issue(*, shipment: Shipment, actor: Any = None) -> list[ShippingDocument]:
    """Number and store the documents the shipment needs; their data is frozen here.

    Precondition: inside the ship transaction, with the shipment, its lines and packages
    saved. Issuing again is harmless: documents already issued are returned as they are
    (their numbers and data never change), only missing kinds are added.
    """
    with transaction.atomic():
        facts = shipment_facts(shipment)
        existing = {d.kind: d for d in ShippingDocument.objects.filter(shipment_id=shipment.pk)}
        now = timezone.now()
        made = []
        for kind in documents_needed(facts):
            if kind in existing:
                continue
            data = document_data(kind, facts.shipment, facts=facts)
            number = number_next(doc_type=kind)
            data["number"] = number
            made.append(
                ShippingDocument(
                    shipment_id=shipment.pk, kind=kind, number=number, data=data, created_at=now
                )
            )
        if made:
            ShippingDocument.objects.bulk_create(made)
            event_record_many(
                actor=actor,
                records=[
                    (d, "shipping_document.issued", None, {"kind": d.kind, "number": d.number})
                    for d in made
                ],
                reason=f"shipment {facts.shipment.number}",
            )
        docs = [*existing.values(), *made]
    return sorted(docs, key=lambda d: list(DocumentKind.values).index(d.kind))

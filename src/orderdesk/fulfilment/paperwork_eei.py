"""The data an Electronic Export Information (EEI) filing in AES needs, for cross-border
shipments, with what we do not know named in `missing` so the clerk can complete it
before the filer (or the forwarder) submits it.

Whether a filing is required follows the Foreign Trade Regulations (15 CFR 30): required
when the value under one Schedule B number exceeds USD 2,500 (§30.37(a)) or when a licence
is needed (§30.2(a)(1)(iv)); exports to Canada that need no licence are exempt (§30.36).
Values are reported in whole US dollars; an order in another currency is converted with
settings.ORDERDESK_USD_RATES ({"EUR": "1.08"}: USD per unit of the currency), and a value
that cannot be converted is listed as missing (and the filing treated as required: we
cannot show it is not).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings

from orderdesk.catalog.models import ExportRestriction
from orderdesk.parties.models import ShipMode

from .models import DocumentKind, Shipment
from .paperwork_facts import (
    ShipmentFacts,
    ValuedLine,
    address_data,
    amount_text,
    facts_of,
    header_data,
    qty_text,
    shipper_data,
    valued_lines,
)

#: FTR §30.37(a): no filing when each Schedule B number's value is at most this (USD).
FILING_THRESHOLD_USD = Decimal(2500)
EAR99 = "EAR99"
#: License code C33: no licence required (NLR), EAR99 or an ECCN with no licence needed.
LICENSE_NLR = "C33"
#: Export information code "OS": all other exports (a normal sale).
EXPORT_INFO_CODE = "OS"
#: In-bond code 70: not in bond.
INBOND_NOT = "70"
#: Countries reached over land from the warehouse country (parcel then goes by truck).
LAND_NEIGHBOURS: dict[str, frozenset[str]] = {
    "US": frozenset({"CA", "MX"}),
    "CA": frozenset({"US"}),
    "MX": frozenset({"US", "GT", "BZ"}),
}
TRANSPORT_MODES = {"30": "Truck", "40": "Air", "10": "Vessel", "20": "Rail", "90": "Other"}
CONSIGNEE_TYPES = {"D": "Direct consumer", "G": "Government entity", "R": "Reseller",
                   "O": "Other / unknown"}  # fmt: skip
#: Our base units that have an obvious Schedule B unit; others are for the filer to state.
SCHEDULE_B_UNITS = {"EA": "NO", "PC": "NO", "PCS": "NO", "KG": "KG", "L": "L", "M": "M",
                    "DZ": "DOZ", "PR": "PRS", "M2": "M2", "M3": "M3"}  # fmt: skip


def _rate(currency: str) -> Decimal | None:
    if currency.upper() == "USD":
        return Decimal(1)
    rates = getattr(settings, "ORDERDESK_USD_RATES", None) or {}
    value = rates.get(currency.upper())
    return Decimal(str(value)) if value not in (None, "") else None


def _mode(f: ShipmentFacts) -> str:
    mode = f.shipment.ship_method.mode
    overland = f.destination.upper() in LAND_NEIGHBOURS.get(f.warehouse.country.upper(), ())
    if mode in (ShipMode.LTL, ShipMode.TRUCKLOAD):
        return "30"
    if mode == ShipMode.COURIER:
        return "40"
    if mode == ShipMode.PARCEL:
        return "30" if overland else "40"
    return "30" if overland else ""


def _eccn(v: ValuedLine) -> str:
    return (v.item.export_control_class or "").strip().upper() or EAR99


def _licence_reason(eccn: str, restrictions: list[ExportRestriction]) -> str:
    """Why this ECCN needs a licence to the destination ('' when it does not)."""
    if eccn == EAR99:
        return ""
    for r in restrictions:
        if not r.control_class or eccn.startswith(r.control_class.upper()):
            return r.reason or "Restricted destination"
    return ""


def _schedule_b(v: ValuedLine) -> tuple[str, str]:
    """(code as digits, where it came from)."""
    if v.item.schedule_b:
        return "".join(ch for ch in v.item.schedule_b if ch.isdigit()), "schedule_b"
    return "".join(ch for ch in v.item.hs_code if ch.isdigit()), "hs_code" if v.item.hs_code else ""


def _commodity_lines(
    f: ShipmentFacts, restrictions: list[ExportRestriction], rate: Decimal | None
) -> list[dict[str, Any]]:
    """One line per Schedule B number, origin, ECCN and licence, as AES reports them."""
    groups: dict[tuple[str, ...], dict[str, Any]] = {}
    home = f.warehouse.country.upper()
    for v in valued_lines(f):
        code, source = _schedule_b(v)
        origin_country = v.item.country_of_origin.upper()
        origin = "D" if not origin_country or origin_country == home else "F"
        eccn = _eccn(v)
        licence_reason = _licence_reason(eccn, restrictions)
        licence = "" if licence_reason else LICENSE_NLR
        base = v.item.base_uom.code
        unit = SCHEDULE_B_UNITS.get(base.upper(), base)
        key = (code, origin, eccn, licence, unit)
        g = groups.get(key)
        if g is None:
            g = groups[key] = {
                "schedule_b": code,
                "code_source": source,
                "origin": origin,
                "eccn": eccn,
                "license_code": licence,
                "license_required": bool(licence_reason),
                "license_reason": licence_reason,
                "export_info_code": EXPORT_INFO_CODE,
                "unit": unit,
                "skus": [],
                "descriptions": [],
                "quantity": Decimal(0),
                "weight": Decimal(0),
                "value": Decimal(0),
                "origin_known": bool(origin_country),
            }
        g["skus"].append(v.item.sku)
        desc = v.order_line.description or v.item.description
        if desc not in g["descriptions"]:
            g["descriptions"].append(desc)
        g["quantity"] += v.quantity_base
        g["weight"] += v.weight_kg
        g["value"] += v.value
        g["origin_known"] = g["origin_known"] and bool(origin_country)
    currency = f.order.currency
    out = []
    for g in groups.values():
        usd = (g["value"] * rate).quantize(Decimal(1), ROUND_HALF_UP) if rate is not None else None
        # AES takes whole kilograms; a part kilogram is rounded up so nothing weighs 0.
        weight = g["weight"].quantize(Decimal(1), ROUND_CEILING)
        out.append(
            {
                "schedule_b": g["schedule_b"],
                "code_source": g["code_source"],
                "description": "; ".join(g["descriptions"]),
                "skus": g["skus"],
                "quantity": qty_text(g["quantity"]),
                "unit": g["unit"],
                "weight_kg": qty_text(max(weight, Decimal(1)) if g["weight"] else weight),
                "value": amount_text(g["value"], currency),
                "value_usd": qty_text(usd) if usd is not None else None,
                "origin": g["origin"],
                "origin_label": "Domestic" if g["origin"] == "D" else "Foreign",
                "origin_known": g["origin_known"],
                "eccn": g["eccn"],
                "license_code": g["license_code"],
                "license_label": "NLR (no licence required)" if g["license_code"] else "",
                "license_required": g["license_required"],
                "license_reason": g["license_reason"],
                "export_info_code": g["export_info_code"],
            }
        )
    return out


def _filing(
    f: ShipmentFacts, lines: list[dict[str, Any]], rate: Decimal | None
) -> tuple[bool, list[str]]:
    reasons = []
    licensed = [ln for ln in lines if ln["license_required"]]
    for ln in licensed:
        reasons.append(
            f"Licence required for ECCN {ln['eccn']} to {f.destination}: {ln['license_reason']}"
        )
    if rate is None:
        reasons.append(
            f"Values are in {f.order.currency} and no USD rate is set: the USD 2,500 "
            "exemption cannot be shown"
        )
    else:
        per_code: dict[str, Decimal] = defaultdict(Decimal)
        for ln in lines:
            per_code[ln["schedule_b"]] += Decimal(ln["value_usd"])
        for code, usd in per_code.items():
            if usd > FILING_THRESHOLD_USD:
                reasons.append(
                    f"Schedule B {code or '(none)'} is worth USD {qty_text(usd)}, over USD 2,500"
                )
    if not licensed and f.destination.upper() == "CA" and f.warehouse.country.upper() == "US":
        return False, ["Export to Canada with no licence required: exempt (FTR 30.36)"]
    if not reasons:
        return False, ["Each Schedule B number is USD 2,500 or less and no licence is required"]
    return True, reasons


def _missing(f: ShipmentFacts, data: dict[str, Any]) -> list[dict[str, str]]:
    missing: list[dict[str, str]] = []

    def need(field: str, message: str) -> None:
        missing.append({"field": field, "message": message})

    if not data["usppi"]["ein"]:
        need("usppi.ein", "The exporter's EIN is not set (settings ORDERDESK_EXPORTER_EIN).")
    w = f.warehouse
    if not (w.line1 and w.city and w.postal_code):
        need("usppi.address", f"Warehouse {w.code} address is incomplete.")
    if not data["state_of_origin"]:
        need("state_of_origin", f"Warehouse {w.code} has no state (region).")
    if not data["port_of_export"]:
        need("port_of_export", "Port of export not known (settings ORDERDESK_EXPORT_PORTS).")
    if not data["mode_of_transport"]["code"]:
        need("mode_of_transport", "Mode of transport not known for this ship method.")
    c = data["ultimate_consignee"]
    if not (c["line1"] and c["city"] and c["country"]):
        need("ultimate_consignee.address", "The ship-to address is incomplete.")
    need("related_party", "Say whether the consignee is a related party (10% or more owned).")
    for ln in data["lines"]:
        label = ", ".join(ln["skus"])
        if len(ln["schedule_b"]) != 10:
            need(
                f"{label}.schedule_b",
                f"{label}: a 10-digit Schedule B / HTS number is needed "
                f"(have {ln['schedule_b'] or 'none'}).",
            )
        if not ln["origin_known"]:
            need(f"{label}.country_of_origin", f"{label}: country of origin not set.")
        if ln["value_usd"] is None:
            need(f"{label}.value_usd", f"{label}: no USD rate for {f.order.currency}.")
        if ln["license_required"]:
            need(f"{label}.license", f"{label}: licence code and number ({ln['license_reason']}).")
    return missing


def export_filing_data(shipment: Shipment, *, facts: ShipmentFacts | None = None) -> dict[str, Any]:
    """The EEI record: parties, routing and one line per Schedule B number."""
    f = facts_of(shipment, facts)
    restrictions = list(ExportRestriction.objects.filter(country=f.destination.upper()))
    rate = _rate(f.order.currency)
    lines = _commodity_lines(f, restrictions, rate)
    required, reasons = _filing(f, lines, rate)
    header = header_data(f, DocumentKind.EXPORT_FILING)
    consignee = address_data(f.ship_to) or header["ship_to"]
    usppi = shipper_data(f.warehouse)
    usppi["ein"] = str(getattr(settings, "ORDERDESK_EXPORTER_EIN", "") or "")
    mode = _mode(f)
    ports = getattr(settings, "ORDERDESK_EXPORT_PORTS", None) or {}
    total_usd = (
        sum((Decimal(ln["value_usd"]) for ln in lines), Decimal(0))
        if all(ln["value_usd"] is not None for ln in lines)
        else None
    )
    s = f.shipment
    data: dict[str, Any] = {
        **header,
        "usppi": usppi,
        "ultimate_consignee": {
            **consignee,
            "type": "O",
            "type_label": CONSIGNEE_TYPES["O"],
        },
        "intermediate_consignee": None,
        "country_of_destination": f.destination.upper(),
        "state_of_origin": f.warehouse.region,
        "port_of_export": str(ports.get(f.warehouse.code, "")),
        "mode_of_transport": {"code": mode, "label": TRANSPORT_MODES.get(mode, "")},
        "date_of_export": header["shipment"]["ship_date"],
        "transportation_reference": s.pro_number or s.tracking_number or s.number,
        "related_party": None,
        "routed_export": False,
        "hazmat": f.hazmat,
        "inbond_code": INBOND_NOT,
        "currency": f.order.currency,
        "usd_rate": qty_text(rate) if rate is not None else None,
        "lines": lines,
        "totals": {
            "value_usd": qty_text(total_usd) if total_usd is not None else None,
            "weight_kg": qty_text(sum((Decimal(ln["weight_kg"]) for ln in lines), Decimal(0))),
        },
        "filing_required": required,
        "filing_reasons": reasons,
        "filing_reason": "; ".join(reasons),
        "itn": "",
    }
    data["missing"] = _missing(f, data)
    return data

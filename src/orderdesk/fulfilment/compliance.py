"""Compliance at shipping: may this shipment leave, on this carrier service, to this place?

`problems_for` is the rule book: plain facts in, every problem out (each with its reason
and its fix), so the dock sees them all at once and the rules are tested one by one without
a database. `shipment_compliance` reads the facts of a pick list for it.

The rules:
- dangerous goods (an item with a UN number) only on a ship method that takes them, and
  only from a warehouse with a 24-hour emergency contact for the shipping papers;
- an export-controlled item (an export control class other than EAR99) never to a
  destination with an export restriction covering its class (blank class: every one);
- a destination abroad only on an international service;
- no lot on quality hold;
- third-party freight terms need the third party to bill;
- a shipment needs a ship-to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ComplianceProblem


@dataclass(frozen=True, slots=True)
class ItemFact:
    sku: str
    un_number: str = ""
    hazmat_class: str = ""
    export_control_class: str = ""


@dataclass(frozen=True, slots=True)
class LotFact:
    sku: str
    lot: str
    on_hold: bool
    hold_reason: str = ""


@dataclass(frozen=True, slots=True)
class RestrictionFact:
    country: str
    control_class: str
    reason: str


@dataclass(frozen=True, slots=True)
class ShipmentFacts:
    warehouse_code: str
    warehouse_country: str
    emergency_contact: str
    method_code: str
    method_name: str
    hazmat_allowed: bool
    international: bool
    destination_country: str | None  # None: no ship-to
    freight_payment: str
    third_party_bill_to: Mapping[str, Any] | None
    items: tuple[ItemFact, ...]
    lots: tuple[LotFact, ...] = ()
    restrictions: tuple[RestrictionFact, ...] = ()
    hazmat_methods: tuple[str, ...] = ()  # codes of services that take dangerous goods
    international_methods: tuple[str, ...] = ()


def controlled(eccn: str) -> bool:
    eccn = eccn.strip().upper()
    return bool(eccn) and eccn != "EAR99"


def _names(values: list[str]) -> str:
    return ", ".join(sorted(set(values)))


def _choose(codes: tuple[str, ...], what: str) -> str:
    if codes:
        return f"ship it on a service that {what} ({', '.join(codes)})"
    return f"ship it on a service that {what} (none is set up: ask for one)"


def problems_for(facts: ShipmentFacts) -> list[ComplianceProblem]:
    """Every reason this shipment may not leave; empty when it may."""
    out: list[ComplianceProblem] = []
    method = f"{facts.method_code} {facts.method_name}".strip()
    hazmat = [i for i in facts.items if i.un_number.strip()]
    if hazmat and not facts.hazmat_allowed:
        goods = _names([f"{i.sku} ({i.un_number})" for i in hazmat])
        out.append(
            ComplianceProblem(
                "hazmat_carrier",
                f"{goods}: dangerous goods, and {method} does not take dangerous goods",
                _choose(facts.hazmat_methods, "takes dangerous goods"),
                "ship_method",
            )
        )
    if hazmat and not facts.emergency_contact.strip():
        out.append(
            ComplianceProblem(
                "hazmat_emergency_contact",
                f"{_names([i.sku for i in hazmat])}: dangerous goods need a 24-hour emergency "
                f"contact on the shipping papers, and warehouse {facts.warehouse_code} has none",
                f"set the hazmat emergency contact of warehouse {facts.warehouse_code} "
                "(e.g. CHEMTREC 1-800-424-9300)",
                "warehouse",
            )
        )
    country = facts.destination_country
    if country is None:
        out.append(
            ComplianceProblem(
                "ship_to_missing",
                "the order has no ship-to address",
                "give the order a ship-to",
                "ship_to",
            )
        )
    else:
        for item in facts.items:
            eccn = item.export_control_class.strip().upper()
            if not controlled(eccn):
                continue
            for r in facts.restrictions:
                cls = r.control_class.strip().upper()
                if r.country.upper() == country.upper() and eccn.startswith(cls):
                    out.append(
                        ComplianceProblem(
                            "export_restricted",
                            f"{item.sku} is export controlled ({eccn}) and {country} is a "
                            f"restricted destination: {r.reason}",
                            "do not ship: hold it for an export licence review by compliance",
                            "ship_to",
                        )
                    )
                    break
        if country.upper() != facts.warehouse_country.upper() and not facts.international:
            out.append(
                ComplianceProblem(
                    "not_international",
                    f"the ship-to is in {country}, abroad from warehouse {facts.warehouse_code} "
                    f"({facts.warehouse_country}), and {method} is not an international service",
                    _choose(facts.international_methods, "crosses borders"),
                    "ship_method",
                )
            )
    for lot in facts.lots:
        if lot.on_hold:
            out.append(
                ComplianceProblem(
                    "lot_on_hold",
                    f"lot {lot.lot} of {lot.sku} is on quality hold: "
                    f"{lot.hold_reason or 'no reason given'}",
                    "take it off the shipment (pick another lot) or wait for quality to "
                    "release the hold",
                    "lot",
                )
            )
    if facts.freight_payment == "third_party":
        payer = facts.third_party_bill_to or {}
        if not str(payer.get("name", "")).strip():
            out.append(
                ComplianceProblem(
                    "third_party_bill_to",
                    "the freight terms are third party, and no third party to bill is given",
                    "give the third party's name and address (who pays the freight)",
                    "third_party_bill_to",
                )
            )
    return out

"""The shipping compliance rules one by one, on plain facts (no database)."""

from __future__ import annotations

import dataclasses

from orderdesk.fulfilment.compliance import (
    ItemFact,
    LotFact,
    RestrictionFact,
    ShipmentFacts,
    problems_for,
)

PLAIN = ItemFact("CT-3P-40A")
PAINT = ItemFact("PAINT-1G", un_number="UN1263", hazmat_class="3")
RADIO = ItemFact("RADIO-5", export_control_class="5A002")
EAR99 = ItemFact("TOOL-9", export_control_class="EAR99")


def facts(**changes: object) -> ShipmentFacts:
    base = ShipmentFacts(
        warehouse_code="CHI",
        warehouse_country="US",
        emergency_contact="CHEMTREC 1-800-424-9300",
        method_code="UPS-GND",
        method_name="UPS Ground",
        hazmat_allowed=False,
        international=False,
        destination_country="US",
        freight_payment="prepaid",
        third_party_bill_to=None,
        items=(PLAIN,),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def codes(f: ShipmentFacts) -> list[str]:
    return [p.code for p in problems_for(f)]


def test_a_plain_domestic_shipment_has_no_problem():
    assert problems_for(facts()) == []


def test_hazmat_on_a_service_that_refuses_dangerous_goods():
    [problem] = problems_for(facts(items=(PLAIN, PAINT), hazmat_methods=("LTL-HAZ",)))

    assert problem.code == "hazmat_carrier"
    assert problem.message == (
        "PAINT-1G (UN1263): dangerous goods, and UPS-GND UPS Ground does not take dangerous goods"
    )
    assert problem.fix == "ship it on a service that takes dangerous goods (LTL-HAZ)"
    assert problem.field == "ship_method"


def test_hazmat_on_a_hazmat_service_passes():
    assert problems_for(facts(items=(PAINT,), hazmat_allowed=True)) == []


def test_hazmat_needs_the_warehouses_emergency_contact():
    [problem] = problems_for(facts(items=(PAINT,), hazmat_allowed=True, emergency_contact=" "))

    assert problem.code == "hazmat_emergency_contact"
    assert "warehouse CHI has none" in problem.message
    assert "emergency contact of warehouse CHI" in problem.fix


def test_export_controlled_item_to_a_destination_restricted_for_all_classes():
    restriction = RestrictionFact("CN", "", "Entity List destination: licence required")
    [export, abroad] = problems_for(
        facts(items=(RADIO,), destination_country="CN", restrictions=(restriction,))
    )

    assert export.code == "export_restricted"
    assert export.message == (
        "RADIO-5 is export controlled (5A002) and CN is a restricted destination: "
        "Entity List destination: licence required"
    )
    assert abroad.code == "not_international"


def test_a_restriction_covers_only_its_class_prefix():
    restriction = RestrictionFact("CN", "3A", "3A items need review")
    ok = facts(
        items=(RADIO,), destination_country="CN", international=True, restrictions=(restriction,)
    )
    hit = dataclasses.replace(ok, restrictions=(RestrictionFact("CN", "5a", "5A review"),))

    assert problems_for(ok) == []
    assert codes(hit) == ["export_restricted"]


def test_ear99_and_uncontrolled_items_are_never_export_restricted():
    restriction = RestrictionFact("CN", "", "all controlled")
    f = facts(
        items=(PLAIN, EAR99), destination_country="CN", international=True,
        restrictions=(restriction,),
    )  # fmt: skip

    assert problems_for(f) == []


def test_abroad_needs_an_international_service():
    [problem] = problems_for(facts(destination_country="CA", international_methods=("UPS-WW",)))

    assert problem.code == "not_international"
    assert problem.message == (
        "the ship-to is in CA, abroad from warehouse CHI (US), and UPS-GND UPS Ground is not "
        "an international service"
    )
    assert problem.fix == "ship it on a service that crosses borders (UPS-WW)"


def test_a_lot_on_quality_hold_blocks_with_the_hold_reason():
    lots = (LotFact("GLUE-5", "L1", False), LotFact("GLUE-5", "L2", True, "viscosity out of spec"))

    [problem] = problems_for(facts(lots=lots))

    assert problem.code == "lot_on_hold"
    assert problem.message == "lot L2 of GLUE-5 is on quality hold: viscosity out of spec"


def test_third_party_freight_needs_who_to_bill():
    assert codes(facts(freight_payment="third_party")) == ["third_party_bill_to"]
    assert codes(facts(freight_payment="third_party", third_party_bill_to={"name": " "})) == [
        "third_party_bill_to"
    ]
    assert (
        problems_for(
            facts(freight_payment="third_party", third_party_bill_to={"name": "Acme Logistics"})
        )
        == []
    )


def test_no_ship_to_is_a_problem():
    assert codes(facts(destination_country=None)) == ["ship_to_missing"]


def test_every_problem_is_reported_together():
    f = facts(
        items=(PAINT, RADIO),
        emergency_contact="",
        destination_country="CN",
        restrictions=(RestrictionFact("CN", "", "embargo"),),
        lots=(LotFact("PAINT-1G", "B7", True, "recall 2026-03"),),
        freight_payment="third_party",
    )

    assert codes(f) == [
        "hazmat_carrier",
        "hazmat_emergency_contact",
        "export_restricted",
        "not_international",
        "lot_on_hold",
        "third_party_bill_to",
    ]

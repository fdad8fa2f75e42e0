"""Shipping documents as data: which are issued, their numbers, and what they say."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from orderdesk.catalog.models import ExportRestriction
from orderdesk.core.models import Event
from orderdesk.fulfilment.documents import document_filename, document_html
from orderdesk.fulfilment.models import ShippingDocument
from orderdesk.fulfilment.paperwork import (
    bill_of_lading_data,
    commercial_invoice_data,
    export_filing_data,
    packing_list_data,
    shipping_documents_issue,
)

from .docs_world import (
    EMERGENCY,
    DocsWorld,
    LineSpec,
    PackSpec,
    ShipSpec,
    build_docs_world,
    make_order,
    make_shipment,
    ship_kits,
)

pytestmark = pytest.mark.django_db

THIRD_PARTY = {
    "name": "Freight Audit Co",
    "account": "FA-2210",
    "line1": "1 Audit Way",
    "city": "Omaha",
    "region": "NE",
    "postal_code": "68102",
    "country": "US",
}


@pytest.fixture
def w() -> DocsWorld:
    return build_docs_world()


def _domestic_parcel(w: DocsWorld):
    order = make_order(
        w, [LineSpec("bracket", "10", "12.50"), LineSpec("adhesive", "3", "40.00", unit="CS")]
    )
    return make_shipment(
        w,
        order,
        [
            ShipSpec(1, "6", package=0),
            ShipSpec(2, "24", lot="L2401", package=0),
            ShipSpec(2, "6", lot="L2402", package=1),
        ],
        [PackSpec("carton", "9.4"), PackSpec("carton", "1.1", ("20", "15", "10"))],
    )


def _domestic_ltl_hazmat(w: DocsWorld):
    order = make_order(
        w,
        [
            LineSpec("paint", "4", "89.00"),
            LineSpec("aerosol", "48", "4.25"),
            LineSpec("bracket", "20", "12.50"),
        ],
        method=w.ltl,
        freight_payment="collect",
    )
    return make_shipment(
        w,
        order,
        [ShipSpec(1, "4", package=0), ShipSpec(2, "48", package=1), ShipSpec(3, "20", package=1)],
        [
            PackSpec("pallet", "104.5", ("120", "100", "80")),
            PackSpec("pallet", "60", ("120", "100", "110")),
        ],
        method=w.ltl,
        pro_number="PRO-0778812",
        tracking="",
        freight_payment="third_party",
        third_party_bill_to=THIRD_PARTY,
    )


def _cross_border(w: DocsWorld, ship_to=None, **order_kw):
    order = make_order(
        w,
        [
            LineSpec("radio", "20", "149.00"),
            LineSpec("bracket", "10", "12.50"),
            LineSpec("adhesive", "2", "40.00", unit="CS"),
        ],
        ship_to=ship_to or w.ship_to_de,
        incoterm="DAP",
        incoterm_place="München",
        **order_kw,
    )
    return make_shipment(
        w,
        order,
        [
            ShipSpec(1, "20", package=0),
            ShipSpec(2, "10", package=0),
            ShipSpec(3, "24", lot="L2401", package=0),
        ],
        [PackSpec("carton", "21.5")],
        export_reason="sale",
    )


# -- which documents ------------------------------------------------------------------------


def test_domestic_parcel_gets_a_packing_list_only(w):
    docs = shipping_documents_issue(shipment=_domestic_parcel(w))
    assert [(d.kind, d.number) for d in docs] == [("packing_list", "PL000001")]


def test_domestic_ltl_with_hazmat_gets_packing_list_and_bill_of_lading(w):
    docs = shipping_documents_issue(shipment=_domestic_ltl_hazmat(w))
    assert [(d.kind, d.number) for d in docs] == [
        ("packing_list", "PL000001"),
        ("bill_of_lading", "BOL000001"),
    ]


def test_hazmat_by_parcel_still_gets_a_bill_of_lading(w):
    order = make_order(w, [LineSpec("aerosol", "12", "4.25")])
    shipment = make_shipment(w, order, [ShipSpec(1, "12")], [PackSpec("carton", "6")])
    kinds = [d.kind for d in shipping_documents_issue(shipment=shipment)]
    assert kinds == ["packing_list", "bill_of_lading"]


def test_ltl_without_hazmat_gets_a_bill_of_lading(w):
    order = make_order(w, [LineSpec("bracket", "200", "12.50")], method=w.ltl)
    shipment = make_shipment(
        w, order, [ShipSpec(1, "200")], [PackSpec("pallet", "260")], method=w.ltl
    )
    kinds = [d.kind for d in shipping_documents_issue(shipment=shipment)]
    assert kinds == ["packing_list", "bill_of_lading"]


def test_cross_border_gets_commercial_invoice_and_export_filing_data(w):
    docs = shipping_documents_issue(shipment=_cross_border(w))
    assert [(d.kind, d.number) for d in docs] == [
        ("packing_list", "PL000001"),
        ("commercial_invoice", "CI000001"),
        ("export_filing", "EEI000001"),
    ]
    assert all(d.data["number"] == d.number for d in docs)
    assert Event.objects.filter(action="shipping_document.issued").count() == 3


def test_issuing_again_keeps_numbers_and_data(w):
    shipment = _domestic_ltl_hazmat(w)
    first = shipping_documents_issue(shipment=shipment)
    again = shipping_documents_issue(shipment=shipment)
    assert [(d.pk, d.number, d.data) for d in again] == [(d.pk, d.number, d.data) for d in first]
    assert ShippingDocument.objects.count() == 2


def test_data_is_json_safe_and_frozen_at_issue(w):
    shipment = _cross_border(w)
    docs = shipping_documents_issue(shipment=shipment)
    ci = next(d for d in docs if d.kind == "commercial_invoice")
    assert json.loads(json.dumps(ci.data)) == ci.data
    radio = w.items["radio"]
    radio.hs_code = "9999.99"
    radio.save()
    ci.refresh_from_db()
    html = document_html(ci)
    assert "8517.62" in html and "9999.99" not in html


def test_filename_names_number_kind_and_shipment(w):
    shipment = _domestic_parcel(w)
    (doc,) = shipping_documents_issue(shipment=shipment)
    assert document_filename(doc) == f"PL000001-packing-list-{shipment.number}.pdf"


# -- packing list ---------------------------------------------------------------------------


def test_packing_list_shows_packages_contents_and_backorders(w):
    shipment = _domestic_parcel(w)
    data = packing_list_data(shipment)
    assert data["shipper"]["name"] == "OrderDesk"
    assert data["shipper"]["line1"] == "2400 W Fulton Street"
    assert data["shipper"]["phone"] == "+1 312 555 0100"
    assert (data["ship_to"]["name"], data["ship_to"]["phone"]) == (
        "Acme Springfield Plant",
        "+1 217 555 0134",
    )
    assert data["order"]["customer_po"] == "PO-4471"
    assert data["shipment"] == {
        "number": shipment.number,
        "ship_date": "2026-03-16",
        "tracking_number": "1Z999AA10123456784",
        "pro_number": "",
    }
    assert (data["carrier"]["name"], data["carrier"]["service"]) == ("UPS", "UPS Ground")
    first, second = data["packages"]
    assert (first["kind"], first["weight_kg"], first["dimensions"]) == (
        "carton",
        "9.40",
        "40 × 30 × 20 cm",
    )
    assert [
        (c["sku"], c["lot"], c["quantity"], c["unit"], c["quantity_base"], c["base_unit"])
        for c in first["contents"]
    ] == [
        ("BRK-100", "", "6", "EA", "6", "EA"),
        ("EPX-50", "L2401", "2", "CS", "24", "EA"),
    ]
    assert [(c["lot"], c["quantity"], c["quantity_base"]) for c in second["contents"]] == [
        ("L2402", "0.5", "6")
    ]
    assert [
        (ln["line_no"], ln["ordered"], ln["shipped"], ln["backordered"]) for ln in data["lines"]
    ] == [
        (1, "10", "6", "4"),
        (2, "3", "2.5", "0.5"),
    ]
    assert data["totals"] == {
        "packages": 2,
        "weight_kg": "10.50",
        "weight_lb": "23.1",
        "lines_backordered": 2,
    }
    assert data["delivery_instructions"] == "Dock 4, Mon–Fri 07:00–15:00, liftgate required"


def test_packing_list_counts_earlier_shipments_and_cancellations(w):
    order = make_order(w, [LineSpec("bracket", "10", "12.50", cancelled="2")])
    make_shipment(w, order, [ShipSpec(1, "3")], [PackSpec()])
    second = make_shipment(w, order, [ShipSpec(1, "4")], [PackSpec()])
    (line,) = packing_list_data(second)["lines"]
    assert (
        line["ordered"],
        line["shipped_before"],
        line["shipped"],
        line["cancelled"],
        line["backordered"],
    ) == (
        "10",
        "3",
        "4",
        "2",
        "1",
    )


def test_contents_come_from_the_packing_record_when_lines_name_no_package(w):
    order = make_order(
        w, [LineSpec("bracket", "10", "12.50"), LineSpec("adhesive", "1", "40.00", unit="CS")]
    )
    shipment = make_shipment(
        w,
        order,
        [ShipSpec(1, "10", package=1), ShipSpec(2, "12", lot="L7", package=0)],
        [PackSpec("carton", "2"), PackSpec("carton", "13")],
        link_packages=False,
    )
    data = packing_list_data(shipment)
    assert [
        [(c["sku"], c["lot"], c["quantity_base"]) for c in p["contents"]] for p in data["packages"]
    ] == [
        [("EPX-50", "L7", "12")],
        [("BRK-100", "", "10")],
    ]
    assert data["unpacked"] == []


def test_a_kit_ships_as_its_components_and_counts_in_whole_kits(w):
    order = make_order(w, [LineSpec("kit", "3", "65.00")], ship_to=w.ship_to_de, incoterm="FCA")
    shipment = make_shipment(
        w,
        order,
        [ShipSpec(1, "8", component="bracket"), ShipSpec(1, "2", lot="L9", component="adhesive")],
        [PackSpec("carton", "10.4")],
    )
    ship_kits(order, 1, "2")
    pl = packing_list_data(shipment)
    assert [
        (c["sku"], c["kit_sku"], c["lot"], c["quantity"], c["unit"])
        for c in pl["packages"][0]["contents"]
    ] == [("BRK-100", "KIT-MNT", "", "8", "EA"), ("EPX-50", "KIT-MNT", "L9", "2", "EA")]
    (line,) = pl["lines"]
    assert (line["sku"], line["ordered"], line["shipped"], line["backordered"], line["kit"]) == (
        "KIT-MNT",
        "3",
        "2",
        "1",
        True,
    )
    (ci,) = commercial_invoice_data(shipment)["lines"]
    assert (ci["sku"], ci["hs_code"], ci["quantity"], ci["value"], ci["net_weight_kg"]) == (
        "KIT-MNT",
        "7326.90",
        "2",
        "130.00",
        "9.80",
    )
    rows = [
        (c["description"], c["weight_kg"]) for c in bill_of_lading_data(shipment)["commodities"]
    ]
    assert rows == [("Steel mounting bracket", "10.19"), ("Epoxy adhesive cartridge 50 ml", "0.21")]


# -- bill of lading -------------------------------------------------------------------------


def test_bill_of_lading_has_carrier_terms_units_classes_and_hazmat(w):
    shipment = _domestic_ltl_hazmat(w)
    data = bill_of_lading_data(shipment)
    assert (data["carrier"]["name"], data["carrier"]["scac"]) == (
        "Old Dominion Freight Line",
        "ODFL",
    )
    assert data["shipment"]["pro_number"] == "PRO-0778812"
    assert data["freight_terms"] == {"code": "third_party", "label": "Third party"}
    assert data["third_party_bill_to"] == THIRD_PARTY
    assert data["consignee"]["name"] == "Acme Springfield Plant"
    assert data["order"]["customer_po"] == "PO-4471"
    assert data["handling_units"] == {
        "count": 2,
        "by_kind": [{"kind": "pallet", "label": "Pallet", "count": 2}],
    }
    rows = [
        (
            c["hm"],
            c["description"],
            c["handling_units"],
            c["weight_kg"],
            c["freight_class"],
            c["nmfc"],
        )
        for c in data["commodities"]
    ]
    # Pallet 2 (60 kg) holds 48 aerosols (21.6 kg by catalogue) and 20 brackets (24 kg):
    # the scale weight is split in that proportion; the pallet goes with its heavier part.
    assert rows == [
        ("X", "UN1263, Paint, 3, PG II", 1, "104.50", "55", "149980"),
        ("X", "UN1950, Aerosols, flammable, 2.1", 0, "28.42", "60", "4860"),
        ("", "Steel mounting bracket", 1, "31.58", "70", "61680"),
    ]
    paint = data["commodities"][0]
    assert (
        paint["un_number"],
        paint["proper_shipping_name"],
        paint["hazard_class"],
        paint["packing_group"],
    ) == (
        "UN1263",
        "Paint",
        "3",
        "II",
    )
    assert data["totals"] == {
        "handling_units": 2,
        "pieces": "72",
        "weight_kg": "164.50",
        "weight_lb": "362.7",
    }
    assert sum(Decimal(c["weight_kg"]) for c in data["commodities"]) == Decimal("164.50")
    assert data["hazmat"] is True
    assert data["emergency_contact"] == EMERGENCY
    assert data["special_instructions"] == "Dock 4, Mon–Fri 07:00–15:00, liftgate required"
    assert "properly classified" in data["shipper_certification"]
    assert data["missing"] == []


def test_bill_of_lading_falls_back_to_the_order_terms_and_flags_what_is_missing(w):
    w.warehouse.hazmat_emergency_contact = ""
    w.warehouse.save()
    w.items["bracket"].freight_class = ""
    w.items["bracket"].save()
    order = make_order(
        w,
        [LineSpec("paint", "1", "89.00"), LineSpec("bracket", "2")],
        method=w.ltl,
        freight_payment="collect",
    )
    shipment = make_shipment(
        w, order, [ShipSpec(1, "1"), ShipSpec(2, "2")], [PackSpec("pallet", "40")], method=w.ltl
    )
    data = bill_of_lading_data(shipment)
    assert data["freight_terms"] == {"code": "collect", "label": "Collect"}
    assert data["third_party_bill_to"] is None
    assert data["emergency_contact"] == ""
    assert [m["field"] for m in data["missing"]] == [
        "pro_number",
        "BRK-100.freight_class",
        "emergency_contact",
    ]


# -- commercial invoice ---------------------------------------------------------------------


def test_commercial_invoice_values_shipped_quantities_at_order_prices(w):
    shipment = _cross_border(w)
    data = commercial_invoice_data(shipment)
    assert data["exporter"]["name"] == "OrderDesk"
    assert data["consignee"]["name"] == "Acme Europa GmbH"
    assert data["sold_to"]["name"] == "Acme Industrial Supply — Accounts Payable"
    assert data["currency"] == "USD"
    assert data["incoterm"] == {
        "code": "DAP",
        "label": "DAP Delivered at Place",
        "place": "München",
    }
    assert data["export_reason"] == {"code": "sale", "label": "Sale"}
    assert data["country_of_destination"] == "DE"
    assert [
        (
            ln["sku"],
            ln["hs_code"],
            ln["country_of_origin"],
            ln["quantity"],
            ln["unit"],
            ln["unit_value"],
            ln["value"],
        )
        for ln in data["lines"]
    ] == [
        ("RAD-5G", "8517.62", "CN", "20", "EA", "149.00", "2980.00"),
        ("BRK-100", "7326.90", "US", "10", "EA", "12.50", "125.00"),
        ("EPX-50", "3506.91", "DE", "2", "CS", "40.00", "80.00"),
    ]
    assert data["totals"] == {
        "value": "3185.00",
        "packages": 1,
        "net_weight_kg": "20.40",
        "gross_weight_kg": "21.50",
        "gross_weight_lb": "47.4",
    }
    assert "true and correct" in data["declaration"]
    assert data["missing"] == []


def test_commercial_invoice_uses_the_discounted_price_and_part_cases(w):
    order = make_order(
        w,
        [LineSpec("adhesive", "3", "40.00", unit="CS", discount="12.00")],
        ship_to=w.ship_to_ca,
        incoterm="FCA",
    )
    shipment = make_shipment(w, order, [ShipSpec(1, "18", lot="L1")], [PackSpec()])
    (line,) = commercial_invoice_data(shipment)["lines"]
    # 3 cases for 120.00 less 12.00 = 36.00 a case; 1.5 cases shipped.
    assert (line["quantity"], line["unit_value"], line["value"]) == ("1.5", "36.00", "54.00")


# -- export filing data ---------------------------------------------------------------------


def test_export_filing_over_2500_is_required_with_its_lines(w, settings):
    settings.ORDERDESK_EXPORTER_EIN = "36-1234567"
    settings.ORDERDESK_EXPORT_PORTS = {"CHI": "3901"}
    data = export_filing_data(_cross_border(w))
    assert data["filing_required"] is True
    assert data["filing_reasons"] == ["Schedule B 8517620090 is worth USD 2980, over USD 2,500"]
    assert data["usppi"]["ein"] == "36-1234567"
    assert data["ultimate_consignee"]["name"] == "Acme Europa GmbH"
    assert data["ultimate_consignee"]["type"] == "O"
    assert data["intermediate_consignee"] is None
    assert (data["country_of_destination"], data["state_of_origin"], data["port_of_export"]) == (
        "DE",
        "IL",
        "3901",
    )
    assert data["mode_of_transport"] == {"code": "40", "label": "Air"}
    assert data["carrier"]["scac"] == "UPSN"
    assert data["date_of_export"] == "2026-03-16"
    assert [
        (
            ln["schedule_b"],
            ln["quantity"],
            ln["unit"],
            ln["weight_kg"],
            ln["value_usd"],
            ln["eccn"],
            ln["license_code"],
            ln["origin"],
        )
        for ln in data["lines"]
    ] == [
        ("8517620090", "20", "NO", "7", "2980", "5A992.C", "C33", "F"),
        ("7326908688", "10", "NO", "13", "125", "EAR99", "C33", "D"),
        ("3506910000", "24", "NO", "3", "80", "EAR99", "C33", "F"),
    ]
    assert data["totals"] == {"value_usd": "3185", "weight_kg": "23"}
    assert [m["field"] for m in data["missing"]] == ["related_party"]


def test_export_filing_flags_missing_ein_and_codes(w):
    w.items["bracket"].schedule_b = ""
    w.items["bracket"].save()
    data = export_filing_data(_cross_border(w))
    assert [m["field"] for m in data["missing"]] == [
        "usppi.ein",
        "port_of_export",
        "related_party",
        "BRK-100.schedule_b",
    ]
    bracket = data["lines"][1]
    assert (bracket["schedule_b"], bracket["code_source"]) == ("732690", "hs_code")


def test_export_filing_under_threshold_is_not_required(w):
    order = make_order(w, [LineSpec("bracket", "10", "12.50")], ship_to=w.ship_to_de)
    shipment = make_shipment(w, order, [ShipSpec(1, "10")], [PackSpec()])
    data = export_filing_data(shipment)
    assert data["filing_required"] is False
    assert data["filing_reasons"] == [
        "Each Schedule B number is USD 2,500 or less and no licence is required"
    ]


def test_export_to_canada_without_licence_is_exempt_even_over_2500(w):
    data = export_filing_data(_cross_border(w, ship_to=w.ship_to_ca))
    assert data["filing_required"] is False
    assert data["filing_reasons"] == [
        "Export to Canada with no licence required: exempt (FTR 30.36)"
    ]
    assert data["mode_of_transport"] == {"code": "30", "label": "Truck"}


def test_export_needing_a_licence_is_required_whatever_the_value(w):
    ExportRestriction.objects.create(
        country="CA", control_class="5A", reason="Encryption items need review"
    )
    order = make_order(w, [LineSpec("radio", "1", "149.00")], ship_to=w.ship_to_ca)
    shipment = make_shipment(w, order, [ShipSpec(1, "1")], [PackSpec()])
    data = export_filing_data(shipment)
    assert data["filing_required"] is True
    assert data["filing_reasons"] == [
        "Licence required for ECCN 5A992.C to CA: Encryption items need review"
    ]
    (line,) = data["lines"]
    assert (line["license_code"], line["license_required"]) == ("", True)
    assert "RAD-5G.license" in [m["field"] for m in data["missing"]]


def test_export_in_another_currency_converts_or_says_it_cannot(w, settings):
    shipment = _cross_border(w, currency="EUR")
    data = export_filing_data(shipment)
    assert [ln["value_usd"] for ln in data["lines"]] == [None, None, None]
    assert data["filing_required"] is True
    assert "no USD rate is set" in data["filing_reasons"][0]
    assert "RAD-5G.value_usd" in [m["field"] for m in data["missing"]]
    settings.ORDERDESK_USD_RATES = {"EUR": "1.08"}
    data = export_filing_data(shipment)
    assert [ln["value_usd"] for ln in data["lines"]] == ["3218", "135", "86"]
    assert data["usd_rate"] == "1.08"
    assert data["filing_required"] is True


# -- cost -----------------------------------------------------------------------------------


def test_issuing_takes_few_queries(w, django_assert_max_num_queries):
    shipping_documents_issue(shipment=_cross_border(w))  # the number sequences exist now
    shipment = _cross_border(w)
    # facts 4 + existing 1 + export restrictions 1 + 3 numbers × 4 (savepoint, lock,
    # update, release) + documents 1 + events 1 + our savepoint 2.
    with django_assert_max_num_queries(22):
        docs = shipping_documents_issue(shipment=shipment)
    assert [d.number for d in docs] == ["PL000002", "CI000002", "EEI000002"]


def test_query_count_does_not_grow_with_lines_and_packages(w, django_assert_num_queries):
    shipping_documents_issue(shipment=_domestic_parcel(w))  # the number sequence exists now
    small = _domestic_parcel(w)
    order = make_order(w, [LineSpec("bracket", "50", "12.50") for _ in range(12)])
    big = make_shipment(
        w,
        order,
        [ShipSpec(n, "50", package=n % 6) for n in range(1, 13)],
        [PackSpec("carton", "20") for _ in range(6)],
    )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        shipping_documents_issue(shipment=small)
    with django_assert_num_queries(len(few.captured_queries)):
        shipping_documents_issue(shipment=big)

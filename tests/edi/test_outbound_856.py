"""The 856: shipment / order / pack / item levels from the confirmed shipment, carrier and
tracking, and an SSCC-18 per package whose GS1 check digit is right."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderdesk.edi.docs_856 import gs1_check_digit, sscc18, sscc_valid
from orderdesk.edi.models import EdiDocument
from orderdesk.fulfilment.models import Package, Shipment, ShippingDocument
from orderdesk.parties.models import ShipMethod

from ..fulfilment.flow import TODAY
from .outbound_flow import (
    elements,
    outbound_storage,  # noqa: F401  (autouse fixture)
    sent_set,
    shipped,
)
from .world import build_edi_world


def weighted_ok(sscc: str) -> bool:
    """The check the scanner makes: weights 3,1,3,… from the left over all 18 digits."""
    return sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(sscc)) % 10 == 0


def test_the_gs1_example_sscc_comes_out_as_gs1_prints_it():
    # GS1 General Specifications, SSCC example: (00) 1 0614141 234567890 8
    assert sscc18(serial=234567890, company_prefix="0614141", extension=1) == ("106141412345678908")
    assert gs1_check_digit("10614141234567890") == 8


@given(
    serial=st.integers(min_value=0, max_value=10**12),
    prefix=st.text(alphabet="0123456789", min_size=7, max_size=10),
    extension=st.integers(min_value=0, max_value=9),
)
def test_every_sscc_is_18_digits_with_a_check_digit_the_scanner_accepts(serial, prefix, extension):
    code = sscc18(serial=serial, company_prefix=prefix, extension=extension)
    assert len(code) == 18 and code.isdigit()
    assert code.startswith(f"{extension}{prefix}")
    assert int(code[1 + len(prefix) : 17]) == serial % 10 ** (16 - len(prefix))
    assert weighted_ok(code) and sscc_valid(code)


@given(
    body=st.text(alphabet="0123456789", min_size=17, max_size=17),
    position=st.integers(min_value=0, max_value=17),
    bump=st.integers(min_value=1, max_value=9),
)
def test_any_single_wrong_digit_is_caught(body, position, bump):
    code = body + str(gs1_check_digit(body))
    wrong = code[:position] + str((int(code[position]) + bump) % 10) + code[position + 1 :]
    assert not sscc_valid(wrong)


@pytest.mark.parametrize(
    "prefix", ["061414", "06141411234", "06141A1"], ids=["short", "long", "letters"]
)
def test_a_company_prefix_that_is_not_7_to_10_digits_is_refused(prefix):
    with pytest.raises(ValueError):
        sscc18(serial=1, company_prefix=prefix)


@pytest.mark.django_db
def test_the_asn_nests_shipment_order_pack_and_items(tmp_path, clerk_api, api_client, settings):
    settings.ORDERDESK_GS1_COMPANY_PREFIX = "0614141"
    ew = build_edi_world(tmp_path)
    a, b = ew.items[0], ew.items[1]
    wh = api_client("warehouse")

    shipped(clerk_api, wh, ew, (a.sku, "3"), (b.sku, "2"))

    shipment = Shipment.objects.get()
    package = Package.objects.get()
    doc = EdiDocument.objects.get(set_id="856")
    assert (doc.status, doc.reference, doc.shipment_id) == ("sent", shipment.number, shipment.pk)
    assert doc.dedupe_key == f"856:shipment:{shipment.pk}"
    ts = sent_set(doc)
    bsn = ts.first("BSN")
    assert (bsn.get(1), bsn.get(2), bsn.get(5)) == ("00", shipment.number, "0001")
    assert elements(ts, "HL") == [
        ["1", "", "S", "1"],
        ["2", "1", "O", "1"],
        ["3", "2", "P", "1"],
        ["4", "3", "I", "0"],
        ["5", "3", "I", "0"],
    ]
    assert elements(ts, "TD1") == [
        ["CTN25", "1", "", "", "", "G", f"{package.weight_kg.normalize():f}", "KG"]
    ]
    assert elements(ts, "TD5") == [["B", "2", "UPSN", "", "UPS Ground"]]
    assert elements(ts, "REF") == [["CN", "PRO-778"]]  # parcel: no bill of lading
    assert elements(ts, "DTM") == [["011", TODAY.strftime("%Y%m%d")]]
    n1 = elements(ts, "N1")
    assert n1[0] == ["ST", ew.world.ship_to.name, "92", "0001"]
    assert n1[1] == ["SF", ew.world.warehouse.name, "91", ew.world.warehouse.code]
    assert elements(ts, "PRF") == [["PO-855"]]
    [man] = elements(ts, "MAN")
    assert man == ["GM", "00" + sscc18(serial=package.pk, company_prefix="0614141")]
    assert sscc_valid(man[1][2:])
    assert elements(ts, "LIN") == [
        ["1", "BP", "BP-1", "UP", "000000000001", "VP", a.sku],
        ["2", "BP", "BP-2", "UP", "000000000002", "VP", b.sku],
    ]
    assert elements(ts, "SN1") == [["1", "3", "EA"], ["2", "2", "EA"]]
    assert elements(ts, "CTT") == [["5"]]
    loops = list(ts.loops("HL"))
    assert [lp.first("HL").get(3) for lp in loops] == ["S", "O", "P", "I", "I"]


@pytest.mark.django_db
def test_freight_moves_under_a_bill_of_lading_named_on_the_asn(tmp_path, clerk_api, api_client):
    ew = build_edi_world(tmp_path)
    ShipMethod.objects.create(
        code="LTL-STD", carrier=ew.world.ship_method.carrier, name="LTL standard", mode="ltl"
    )
    wh = api_client("warehouse")

    shipped(clerk_api, wh, ew, (ew.items[0].sku, "1"), ship_body={"ship_method": "LTL-STD"})

    bol = ShippingDocument.objects.get(kind="bill_of_lading")
    ts = sent_set(EdiDocument.objects.get(set_id="856"))
    assert elements(ts, "REF") == [["BM", bol.number], ["CN", "PRO-778"]]
    assert elements(ts, "TD5") == [["B", "2", "UPSN", "", "LTL standard"]]

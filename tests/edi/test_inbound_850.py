"""850 in: order through intake, 997 back, duplicates, failures a clerk can fix."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orderdesk.core.models import Event
from orderdesk.edi.models import (
    DocumentStatus,
    EdiDocument,
    Interchange,
    InterchangeStatus,
    PartnerItem,
)
from orderdesk.edi.services import document_reprocess, document_retry
from orderdesk.edi.transport import partner_folders
from orderdesk.orders.models import SalesOrder

from .inbound_world import (
    TODAY,
    edi_world,
    element_rows,
    po_850,
    read_reply,
    receive,
    stored_text,
    without_segment,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ew(tmp_path, settings):  # type: ignore[no-untyped-def]
    return edi_world(tmp_path, settings)


def test_850_becomes_an_accepted_edi_order_with_its_lines_prices_and_ship_to(ew):
    text = po_850(po="PO-77", lines=[("10", "EA", "10.00", "BP-1"), ("4", "EA", "10.00", "BP-2")])
    result = receive(text)
    order = SalesOrder.objects.get()
    assert result.orders == [order]
    assert order.channel == "edi"
    assert order.customer_po == "PO-77"
    assert order.customer == ew.world.customer
    assert order.ship_to == ew.world.ship_to
    assert order.requested_date == TODAY.replace(day=27)
    assert order.source_document == "EDI acme ISA 000000001 GS 1 ST 0001"
    assert order.status in ("accepted", "allocated")
    assert order.findings.filter(status="open", severity__in=["hold", "block"]).count() == 0
    lines = list(order.lines.order_by("line_no"))
    assert [(ln.sku, ln.quantity, ln.uom_code, ln.customer_price) for ln in lines] == [
        (ew.items[0].sku, Decimal("10"), "EA", Decimal("10.00")),
        (ew.items[1].sku, Decimal("4"), "EA", Decimal("10.00")),
    ]
    doc = EdiDocument.objects.get(direction="in")
    assert (doc.set_id, doc.status, doc.reference, doc.action_by) == (
        "850",
        "processed",
        "PO-77",
        "",
    )
    assert doc.document_date == TODAY
    assert doc.sales_order == order
    assert (doc.functional_id, doc.group_control, doc.set_control) == ("PO", "1", "0001")
    assert doc.raw.startswith("ST*850*0001")
    ic = Interchange.objects.get(direction="in")
    assert ic.status == InterchangeStatus.ACCEPTED
    assert ic.partner == ew.partner
    assert stored_text(ic) == text.rstrip("\n")
    assert Event.objects.filter(action="edi.document.processed", object_id=str(doc.pk)).exists()


def test_a_997_for_the_group_goes_back_and_parses_with_our_codec(
    ew, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = receive(po_850(isa13=31, gs06=17))
    [reply] = result.replies
    doc = EdiDocument.objects.get(direction="in")
    assert doc.reply == reply
    ic = read_reply(reply)
    assert (ic.sender_id.strip(), ic.receiver_id.strip()) == ("ORDERDESK", "ACMEBUYER")
    [group] = ic.groups
    assert group.functional_id == "FA"
    [ts] = group.sets
    assert ts.set_id == "997"
    assert element_rows(ts, "AK1") == [["PO", "17"]]
    assert element_rows(ts, "AK2") == [["850", "0001"]]
    assert [r[0] for r in element_rows(ts, "AK5")] == ["A"]
    assert element_rows(ts, "AK9")[0][0] == "A"
    files = sorted(p.name for p in partner_folders(ew.partner).outbox.iterdir())
    assert files == [f"acme-997-{reply.control_number}.x12"]


def test_the_same_file_twice_makes_one_order_and_a_duplicate_interchange(ew):
    text = po_850(po="PO-DUP")
    receive(text)
    second = receive(text)
    assert SalesOrder.objects.count() == 1
    first_ic, second_ic = Interchange.objects.filter(direction="in").order_by("pk")
    assert second_ic.status == InterchangeStatus.DUPLICATE
    assert second_ic.duplicate_of == first_ic
    assert second.documents == [] and second.orders == []
    assert EdiDocument.objects.filter(direction="in").count() == 1
    assert second.replies == []  # ISA14 0: no TA1 asked for


def test_the_same_set_in_a_new_envelope_is_a_duplicate_document(ew):
    receive(po_850(po="PO-RE", isa13=1, gs06=5))
    again = receive(po_850(po="PO-RE", isa13=2, gs06=5))
    assert SalesOrder.objects.count() == 1
    [doc] = again.documents
    assert doc.status == DocumentStatus.DUPLICATE
    assert doc.sales_order == SalesOrder.objects.get()
    assert Interchange.objects.get(direction="in", control_number="000000002").status == "accepted"


def test_a_new_po_reusing_group_and_set_numbers_is_processed_with_a_warning(ew):
    receive(po_850(po="PO-A", isa13=1, gs06=1))
    again = receive(po_850(po="PO-B", isa13=2, gs06=1))
    assert SalesOrder.objects.count() == 2
    assert again.documents[0].status == DocumentStatus.PROCESSED
    ic = again.interchanges[0]
    assert [w["message"] for w in ic.warnings] == [
        "GS06 1 was used before by ISA 000000001; its sets differ, so they were processed"
    ]


def test_price_mismatch_lands_on_a_price_hold_shown_on_the_document(ew):
    receive(po_850(po="PO-PRICE", lines=[("10", "EA", "9.50", "BP-1")]))
    order = SalesOrder.objects.get()
    assert order.status == "held"
    holds = list(order.findings.filter(status="open", hold_kind="price"))
    assert len(holds) == 1
    doc = EdiDocument.objects.get(direction="in")
    assert doc.status == DocumentStatus.PROCESSED
    assert doc.sales_order == order
    assert [(e["code"], e["severity"]) for e in doc.errors] == [(holds[0].code, "warning")]
    assert doc.errors[0]["message"].startswith(f"order {order.number} is on price hold: ")


def test_unknown_buyer_part_fails_for_a_clerk_then_retry_after_mapping_makes_the_order(
    ew, make_user
):
    result = receive(po_850(po="PO-X9", lines=[("5", "EA", "10.00", "X9")]))
    doc = result.documents[0]
    assert SalesOrder.objects.count() == 0
    assert (doc.status, doc.action_by) == ("failed", "us")
    [err] = doc.errors
    assert err["message"] == "PO1-07 buyer part 'X9' is not cross-referenced for Acme Retail"
    assert err["fix"] == "add it on the partner profile and re-process"
    assert (err["level"], err["code"], err["segment_id"], err["element"], err["value"]) == (
        "business",
        "edi_item_unknown",
        "PO1",
        7,
        "X9",
    )
    assert err["segment_position"] == 6 and err["raw"] == "PO1*1*5*EA*10.00**BP*X9"
    assert result.interchanges[0].status == InterchangeStatus.PARTIAL
    # The 997 is about syntax: the set was accepted.
    assert result.replies

    PartnerItem.objects.create(partner=ew.partner, item=ew.items[3], buyer_part="X9")
    clerk = make_user()
    document_retry(actor=clerk, document=doc, reason="mapped X9 on the profile", today=TODAY)
    doc.refresh_from_db()
    order = SalesOrder.objects.get()
    assert (doc.status, doc.action_by, doc.sales_order) == ("processed", "", order)
    assert order.lines.get().sku == ew.items[3].sku
    assert doc.attempts == 2
    retried = Event.objects.get(action="edi.document.retried", object_id=str(doc.pk))
    assert retried.before["errors"][0]["code"] == "edi_item_unknown"
    assert retried.reason == "mapped X9 on the profile"


def test_unmapped_ship_to_location_fails_with_the_fix(ew):
    result = receive(po_850(ship_to="0099"))
    [err] = result.documents[0].errors
    assert err["message"] == "N1-04 ship-to location '0099' is not mapped for Acme Retail"
    assert err["code"] == "edi_ship_to_unknown"
    assert SalesOrder.objects.count() == 0


def test_ship_to_by_our_own_address_code_needs_no_mapping(ew):
    receive(po_850(ship_to=ew.world.ship_to.code))
    assert SalesOrder.objects.get().ship_to == ew.world.ship_to


def test_upc_and_unit_map_identify_the_line(ew):
    ew.partner.uom_map = {"EACH": "EA"}
    ew.partner.save()
    text = po_850(lines=[("3", "EA", "10.00", "X")]).replace(
        "PO1*1*3*EA*10.00**BP*X", "PO1*1*3*EA*10.00**UP*000000000002"
    )
    receive(text)
    assert SalesOrder.objects.get().lines.get().sku == ew.items[1].sku


def test_syntax_bad_850_is_rejected_with_997_ak4_code_7_and_the_fix(ew, make_user):
    text = po_850(po="PO-EACH", lines=[("10", "EACH", "10.00", "BP-1")])
    result = receive(text)
    [doc] = result.documents
    assert (doc.status, doc.action_by, doc.reference) == ("rejected", "partner", "PO-EACH")
    element = [e for e in doc.errors if e["level"] == "element"]
    assert element and element[0]["code"] == "7"
    assert element[0]["segment_id"] == "PO1" and element[0]["element"] == 3
    assert element[0]["value"] == "EACH"
    assert element[0]["fix"] == "did you mean EA?"
    assert SalesOrder.objects.count() == 0
    ack = read_reply(result.replies[0]).groups[0].sets[0]
    assert [r[0] for r in element_rows(ack, "AK3")] == ["PO1"]
    ak4 = element_rows(ack, "AK4")
    assert ak4[0][2] == "7" and ak4[0][3] == "EACH"
    assert element_rows(ack, "AK5")[0][0] == "R"

    clerk = make_user()
    corrected = doc.raw.replace("*EACH*", "*EA*")
    document_reprocess(
        actor=clerk, document=doc, raw=corrected, reason="partner confirmed EA", today=TODAY
    )
    doc.refresh_from_db()
    order = SalesOrder.objects.get()
    assert (doc.status, doc.sales_order, doc.errors) == ("processed", order, [])
    assert "*EA*" in doc.raw
    event = Event.objects.get(action="edi.document.reprocessed", object_id=str(doc.pk))
    assert event.before["errors"][0]["value"] == "EACH"
    assert "*EACH*" in event.before["raw"]


def test_reprocess_with_text_still_wrong_keeps_it_rejected_with_the_new_errors(ew, make_user):
    doc = receive(po_850(lines=[("10", "EACH", "10.00", "BP-1")])).documents[0]
    still = doc.raw.replace("*EACH*", "*EACHES*")
    document_reprocess(actor=make_user(), document=doc, raw=still, reason="try again")
    doc.refresh_from_db()
    assert doc.status == "rejected"
    assert any(e["value"] == "EACHES" for e in doc.errors)
    assert SalesOrder.objects.count() == 0


def test_unknown_sender_is_kept_for_a_clerk_and_nothing_is_processed(ew):
    result = receive(po_850(sender="STRANGER"))
    [ic] = result.interchanges
    assert ic.status == InterchangeStatus.UNKNOWN_PARTNER
    assert ic.partner is None
    [err] = ic.errors
    assert err["message"] == "no trading partner with ISA06 STRANGER (ZZ)"
    assert err["action_by"] == "us"
    assert result.documents == [] and result.replies == []
    assert SalesOrder.objects.count() == 0
    assert stored_text(ic).startswith("ISA*")


def test_envelope_error_rejects_the_interchange_with_a_ta1(ew):
    text = po_850(isa13=5).replace("IEA*1*000000005", "IEA*1*000000006")
    result = receive(text)
    [ic] = result.interchanges
    assert ic.status == InterchangeStatus.REJECTED
    assert ic.ta1_code == "001"
    assert ic.errors[0]["code"] == "001"
    assert result.documents == []
    assert SalesOrder.objects.count() == 0
    reply = read_reply(result.replies[0])
    assert reply.groups == []
    [ta1] = reply.ta1s
    assert (ta1.get(1), ta1.get(4), ta1.get(5)) == ("000000005", "R", "001")


def test_ack_requested_gets_a_ta1_accept_beside_the_997(ew):
    text = po_850(isa13=8).replace("*000000008*0*P*>", "*000000008*1*P*>")
    result = receive(text)
    reply = read_reply(result.replies[0])
    [ta1] = reply.ta1s
    assert (ta1.get(1), ta1.get(4), ta1.get(5)) == ("000000008", "A", "000")
    assert reply.groups[0].sets[0].set_id == "997"


def test_several_interchanges_in_one_file_are_each_taken_in(ew):
    text = po_850(po="PO-1", isa13=1) + po_850(po="PO-2", isa13=2, gs06=2)
    result = receive(text)
    assert [ic.status for ic in result.interchanges] == ["accepted", "accepted"]
    assert sorted(o.customer_po for o in result.orders) == ["PO-1", "PO-2"]


def test_not_x12_is_refused_as_unreadable(ew):
    from orderdesk.edi.errors import EdiInvalid

    with pytest.raises(EdiInvalid) as exc:
        receive(b"Order: 10 widgets please\n")
    assert exc.value.code == "edi_file_unreadable"
    assert Interchange.objects.count() == 0


def test_a_partner_not_set_up_for_850_fails_the_document(ew):
    ew.partner.documents = ["855", "997"]
    ew.partner.save()
    [doc] = receive(po_850()).documents
    assert doc.status == "failed"
    assert doc.errors[0]["message"] == "Acme Retail is not set up to send 850 documents"


def test_codec_problem_dicts_are_json_shaped(ew):
    doc = receive(po_850(lines=[("10", "EACH", "10.00", "BP-1")])).documents[0]
    keys = {
        "level",
        "code",
        "segment_id",
        "segment_position",
        "loop",
        "element",
        "component",
        "value",
        "field",
        "message",
        "fix",
        "raw",
        "severity",
        "action_by",
    }
    assert doc.errors and all(set(e) == keys for e in doc.errors)


def test_freight_terms_come_from_the_fob_segment(ew):
    text = po_850(po="PO-FOB").replace("FOB*PP~", "FOB*CC*DE~")
    receive(text)
    order = SalesOrder.objects.get()
    assert (order.freight_payment, order.fob_point) == ("collect", "destination")


def test_an_850_without_freight_terms_holds_the_order_as_any_channel_would(ew):
    [doc] = receive(without_segment(po_850(po="PO-NOFOB"), "FOB*PP")).documents
    order = SalesOrder.objects.get()
    assert order.status == "held"
    assert [e["code"] for e in doc.errors] == ["freight_terms_missing"]
    assert doc.status == "processed"


def test_text_after_the_last_interchange_is_a_warning_not_an_interchange(ew):
    result = receive(po_850() + "END OF FILE\n")
    [ic] = result.interchanges
    ic.refresh_from_db()
    assert ic.status == "accepted"
    assert [w["severity"] for w in ic.warnings] == ["warning"]
    assert Interchange.objects.filter(direction="in").count() == 1


def test_a_rejected_group_processes_none_of_its_sets_and_the_997_says_so(ew):
    result = receive(po_850(gs06=4).replace("GE*1*4~", "GE*2*4~"))
    [doc] = result.documents
    assert (doc.status, doc.action_by) == ("rejected", "partner")
    assert [e["level"] for e in doc.errors] == ["group"]
    assert SalesOrder.objects.count() == 0
    ack = read_reply(result.replies[0]).groups[0].sets[0]
    assert element_rows(ack, "AK9")[0][0] == "R"
    assert result.interchanges[0].status == InterchangeStatus.PARTIAL


def test_a_duplicate_interchange_asking_for_a_ta1_gets_ta1_r_025(ew):
    text = po_850(isa13=6).replace("*000000006*0*P*>", "*000000006*1*P*>")
    receive(text)
    again = receive(text)
    [ta1] = read_reply(again.replies[0]).ta1s
    assert (ta1.get(1), ta1.get(4), ta1.get(5)) == ("000000006", "R", "025")
    assert SalesOrder.objects.count() == 1


def test_an_uploaded_file_in_storage_is_processed_by_the_task_function(ew):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from orderdesk.edi.inbound import stored_file_process

    name = default_storage.save("edi-uploads/po.x12", ContentFile(po_850(po="PO-UP").encode()))
    summary = stored_file_process(path=name, source="upload po.x12")
    order = SalesOrder.objects.get()
    assert summary == (
        "1 interchange(s) (1 accepted); 1 document(s) (1 processed); "
        f"orders {order.number}; 1 reply(ies) sent"
    )
    assert Interchange.objects.get(direction="in").source == "upload po.x12"


def test_td5_routing_or_carrier_scac_chooses_our_ship_method(ew):
    # World methods: UPS-GND and LTL-HAZ, both carried by UPSN.
    by_routing = po_850(po="PO-TD5-A").replace("~\nN1*ST", "~\nTD5**2*UPSN**LTL-HAZ~\nN1*ST")
    by_routing = by_routing.replace("SE*8*", "SE*9*")
    by_scac = (
        po_850(po="PO-TD5-B", isa13=2, gs06=2)
        .replace("~\nN1*ST", "~\nTD5**2*UPSN~\nN1*ST")
        .replace("SE*8*", "SE*9*")
    )
    unknown = (
        po_850(po="PO-TD5-C", isa13=3, gs06=3)
        .replace("~\nN1*ST", "~\nTD5**2*ZZZZ~\nN1*ST")
        .replace("SE*8*", "SE*9*")
    )
    for text in (by_routing, by_scac, unknown):
        receive(text)
    methods = dict(SalesOrder.objects.values_list("customer_po", "ship_method__code"))
    assert methods == {"PO-TD5-A": "LTL-HAZ", "PO-TD5-B": "LTL-HAZ", "PO-TD5-C": None}

"""997 and TA1 from the partner: our outbound documents acknowledged or rejected."""

from __future__ import annotations

import pytest

from orderdesk.edi.models import EdiDocument, Interchange, InterchangeStatus

from .inbound_world import edi_world, receive, x12_997

pytestmark = pytest.mark.django_db


@pytest.fixture
def ew(tmp_path, settings):  # type: ignore[no-untyped-def]
    return edi_world(tmp_path, settings)


def _sent(ew, *, isa13: str = "000000012", gs06: str = "12", st02s=("0001",), set_id="855"):  # type: ignore[no-untyped-def]
    ic = Interchange.objects.create(
        direction="out",
        partner=ew.partner,
        sender_id="ORDERDESK",
        receiver_id="ACMEBUYER",
        control_number=isa13,
        status=InterchangeStatus.SENT,
    )
    return [
        EdiDocument.objects.create(
            direction="out",
            partner=ew.partner,
            interchange=ic,
            set_id=set_id,
            functional_id="PR",
            group_control=gs06,
            set_control=st02,
            reference=f"PO-{st02}",
            status="sent",
            action_by="partner",
        )
        for st02 in st02s
    ]


def test_inbound_997_marks_our_855_acknowledged(ew):
    [doc] = _sent(ew)
    result = receive(x12_997(functional_id="PR", group_control="12", sets=[("855", "0001", "A")]))
    doc.refresh_from_db()
    assert (doc.status, doc.action_by, doc.errors) == ("acknowledged", "", [])
    assert doc.acknowledged_at is not None
    [ack_doc] = result.documents
    assert (ack_doc.set_id, ack_doc.status, ack_doc.reference) == ("997", "processed", "PR 12")
    assert result.replies == []  # a 997 is never acknowledged


def test_997_rejecting_a_set_marks_it_rejected_with_the_partners_details(ew):
    accepted, rejected = _sent(ew, st02s=("0001", "0002"))
    text = x12_997(
        functional_id="PR",
        group_control="000000012",
        sets=[("855", "0001", "A"), ("855", "0002", "R")],
        group_code="P",
        details={"0002": ["AK3*BAK*2**8", "AK4*3*324*7*XX"]},
    )
    receive(text)
    accepted.refresh_from_db()
    rejected.refresh_from_db()
    assert accepted.status == "acknowledged"
    assert (rejected.status, rejected.action_by) == ("ack_rejected", "us")
    segment, element = rejected.errors[:2]
    assert (segment["level"], segment["segment_id"], segment["segment_position"]) == (
        "segment",
        "BAK",
        2,
    )
    assert (element["level"], element["code"], element["value"], element["field"]) == (
        "element",
        "7",
        "XX",
        "BAK-03",
    )


def test_group_level_997_without_set_responses_applies_to_every_set(ew):
    docs = _sent(ew, st02s=("0001", "0002"))
    receive(x12_997(functional_id="PR", group_control="12", sets=[], group_code="R"))
    assert {EdiDocument.objects.get(pk=d.pk).status for d in docs} == {"ack_rejected"}


def test_997_for_a_group_we_never_sent_fails_for_a_clerk(ew):
    [doc] = receive(x12_997(functional_id="PR", group_control="99", sets=[])).documents
    assert (doc.status, doc.action_by) == ("failed", "us")
    assert doc.errors[0]["code"] == "edi_ack_unmatched"


def test_resolved_document_is_not_moved_by_a_late_997(ew):
    [doc] = _sent(ew)
    EdiDocument.objects.filter(pk=doc.pk).update(status="resolved")
    receive(x12_997(functional_id="PR", group_control="12", sets=[("855", "0001", "A")]))
    doc.refresh_from_db()
    assert doc.status == "resolved"


def test_ta1_reject_is_recorded_against_our_interchange(ew):
    [doc] = _sent(ew, isa13="000000044")
    text = (
        "ISA*00*          *00*          *ZZ*ACMEBUYER      *ZZ*ORDERDESK      *261121*1400*U*"
        "00401*000000090*0*P*>~\nTA1*000000044*261120*1200*R*006~\nIEA*0*000000090~\n"
    )
    result = receive(text)
    sent = Interchange.objects.get(direction="out")
    assert (sent.status, sent.ta1_code) == ("rejected", "006")
    assert sent.errors[0]["code"] == "006"
    doc.refresh_from_db()
    assert doc.status == "ack_rejected"
    assert result.interchanges[0].status == "accepted"

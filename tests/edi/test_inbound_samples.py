"""Every real public sample through the whole inbound path: nothing crashes, nothing is lost,
and every document that was not taken in says why and who must act."""

from __future__ import annotations

import pytest

from orderdesk.edi import codec
from orderdesk.edi.inbound import interchange_file_receive
from orderdesk.edi.models import EdiDocument, Interchange, TradingPartner
from orderdesk.orders.models import SalesOrder

from .inbound_world import edi_world
from .world import sample, sample_names

pytestmark = pytest.mark.django_db

NAMES = sample_names()


def _partners_for(path, customer) -> None:  # type: ignore[no-untyped-def]
    seen = set()
    for ic in codec.read_file(path):
        key = (ic.sender_qualifier.strip(), ic.sender_id.strip(), ic.receiver_id.strip())
        if ic.isa is None or key in seen or not key[1]:
            continue
        seen.add(key)
        TradingPartner.objects.create(
            code=f"p{len(seen)}",
            name=f"Sample partner {len(seen)}",
            customer=customer,
            isa_qualifier=key[0],
            isa_id=key[1],
            gs_id=key[1],
            our_isa_id=key[2],
            our_gs_id=key[2],
            documents=["850", "860", "997"],
        )


@pytest.mark.skipif(not NAMES, reason="the X12 samples are not beside the project")
@pytest.mark.parametrize("name", NAMES)
def test_sample_from_an_unknown_sender_is_kept_and_nothing_is_processed(name, tmp_path, settings):
    edi_world(tmp_path, settings)
    TradingPartner.objects.all().delete()  # nobody is set up: every sender is unknown
    path = sample(name)
    expected = sum(1 for _ in codec.read_file(path))

    result = interchange_file_receive(path=path, source=name)
    assert len(result.interchanges) == expected
    assert {ic.status for ic in result.interchanges} == {"unknown"}
    assert all(ic.errors and ic.raw for ic in result.interchanges)
    assert EdiDocument.objects.count() == 0 and SalesOrder.objects.count() == 0


@pytest.mark.skipif(not NAMES, reason="the X12 samples are not beside the project")
@pytest.mark.parametrize("name", NAMES)
def test_sample_from_a_partner_every_document_is_explained(name, tmp_path, settings):
    ew = edi_world(tmp_path, settings)
    TradingPartner.objects.all().delete()
    path = sample(name)
    _partners_for(path, ew.world.customer)
    result = interchange_file_receive(path=path, source=name)
    assert result.interchanges
    taken = [ic for ic in result.interchanges if ic.status in ("accepted", "partial")]
    docs = EdiDocument.objects.filter(direction="in")
    assert docs.count() == sum(
        len(g.sets)
        for n, ic in enumerate(codec.read_file(path))
        for g in ic.groups
        if result.interchanges[n].status in ("accepted", "partial")
    )
    for doc in docs:
        assert doc.interchange in taken
        if doc.status in ("failed", "rejected"):
            assert doc.errors, doc
            assert all(e["message"] for e in doc.errors)
            assert doc.action_by == ("us" if doc.status == "failed" else "partner")
    for ic in result.interchanges:
        if ic.status == "rejected":
            assert ic.ta1_code and ic.errors


def test_the_same_interchange_twice_in_one_file_is_taken_in_once(tmp_path, settings):
    ew = edi_world(tmp_path, settings)
    path = sample("nodex12-850-two-interchanges-same-isa13.edi")
    _partners_for(path, ew.world.customer)
    result = interchange_file_receive(path=path, source="fat")
    first, second = result.interchanges
    assert first.status in ("accepted", "partial")
    assert (second.status, second.duplicate_of, second.ta1_code) == ("duplicate", first, "025")
    assert EdiDocument.objects.filter(interchange=second).count() == 0
    assert Interchange.objects.filter(direction="in").count() == 2

"""Sending an interchange: control numbers taken for good, the envelope from the partner's
profile, the text stored and dropped in the outbox only once the transaction commits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from orderdesk.core.models import Event
from orderdesk.edi import codec
from orderdesk.edi.models import Interchange, TradingPartner
from orderdesk.edi.sending import CONTROL_MAX, control_numbers_take, interchange_send

from .outbound_flow import (
    outbound_storage,  # noqa: F401  (autouse fixture)
    outbox,
    read_one,
)
from .world import build_edi_world

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 21, 9, 30, tzinfo=dt.UTC)
ACK_997 = [("AK1", "PO", "7"), ("AK2", "850", "0001"), ("AK5", "A"), ("AK9", "A", 1, 1, 1)]


def counters(partner: TradingPartner) -> tuple[int, int, int]:
    partner.refresh_from_db()
    return partner.next_isa, partner.next_gs, partner.next_st


def test_control_numbers_move_forward_one_interchange_one_group_and_a_run_of_sets(tmp_path):
    partner = build_edi_world(tmp_path).partner

    assert control_numbers_take(partner=partner, sets=3) == (1, 1, 1)
    assert control_numbers_take(partner=partner, sets=2) == (2, 2, 4)
    assert control_numbers_take(partner=partner, sets=0) == (3, 3, 6)

    assert counters(partner) == (4, 3, 6)  # no group, no set: only the ISA13 is used up


def test_control_numbers_wrap_to_1_after_nine_digits_and_a_run_never_straddles_it(tmp_path):
    partner = build_edi_world(tmp_path).partner
    TradingPartner.objects.filter(pk=partner.pk).update(
        next_isa=CONTROL_MAX, next_gs=CONTROL_MAX, next_st=CONTROL_MAX - 1
    )

    assert control_numbers_take(partner=partner, sets=3) == (CONTROL_MAX, CONTROL_MAX, 1)
    assert counters(partner) == (1, 1, 4)
    assert control_numbers_take(partner=partner, sets=1) == (1, 1, 4)


def test_an_interchange_is_numbered_stored_and_dropped_in_the_outbox_after_commit(
    tmp_path, django_capture_on_commit_callbacks
):
    partner = build_edi_world(tmp_path).partner
    TradingPartner.objects.filter(pk=partner.pk).update(next_isa=41, next_gs=7, next_st=12)
    partner.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sent = interchange_send(partner=partner, sets=[("997", ACK_997)], now=NOW)
        assert outbox(partner) == []  # nothing for the partner before the commit

    for callback in callbacks:
        callback()
    ic = Interchange.objects.get()
    assert sent.interchange == ic
    assert (ic.direction, ic.status, ic.control_number, ic.partner_id) == (
        "out",
        "sent",
        "000000041",
        partner.pk,
    )
    assert (ic.sender_id, ic.receiver_id, ic.version, ic.test_indicator) == (
        "ORDERDESK",
        "ACMEBUYER",
        "00401",
        "P",
    )
    assert (sent.group_control, sent.set_controls) == (7, [12])
    [path] = outbox(partner)
    assert path.name == "acme-997-000000041.x12"
    text = path.read_text()
    with ic.raw.open("rb") as fh:
        assert fh.read().decode() == text
    assert ic.size == len(text.encode())
    [parsed] = list(codec.read(text))
    assert (parsed.sender_id, parsed.receiver_id, parsed.control_number) == (
        "ORDERDESK",
        "ACMEBUYER",
        "000000041",
    )
    group = parsed.groups[0]
    assert (group.functional_id, group.control_number, group.version) == ("FA", "7", "004010")
    ts = read_one(text)
    assert (ts.set_id, ts.control_number) == ("997", sent.sets[0].control)
    assert int(ts.control_number) == 12
    assert [s.id for s in ts.segments] == ["ST", "AK1", "AK2", "AK5", "AK9", "SE"]
    assert sent.sets[0].raw == ts.raw
    assert counters(partner) == (42, 8, 13)
    assert Event.objects.filter(action="edi.interchange.sent", object_id=str(ic.pk)).exists()


def test_the_partners_delimiters_are_used(tmp_path):
    partner = build_edi_world(tmp_path).partner
    TradingPartner.objects.filter(pk=partner.pk).update(
        element_separator="|", component_separator="^", segment_terminator="\n", line_break=False
    )
    partner.refresh_from_db()

    sent = interchange_send(partner=partner, sets=[("997", ACK_997)], now=NOW)

    lines = sent.text.split("\n")
    assert lines[0].startswith("ISA|00|")
    assert lines[0].endswith("|^")
    assert lines[3] == "AK1|PO|7"
    assert read_one(sent.text).first("AK9").elements == ["A", "1", "1", "1"]


def test_a_rolled_back_send_leaves_no_file_no_interchange_and_the_numbers_unused(
    tmp_path, django_capture_on_commit_callbacks
):
    partner = build_edi_world(tmp_path).partner

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        interchange_send(partner=partner, sets=[("997", ACK_997)], now=NOW)
        raise RuntimeError("the business transaction failed")

    assert Interchange.objects.count() == 0
    assert outbox(partner) == []
    assert counters(partner) == (1, 1, 1)


def test_a_set_our_grammar_refuses_is_never_written_or_numbered(
    tmp_path, django_capture_on_commit_callbacks
):
    partner = build_edi_world(tmp_path).partner

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(codec.WriteError):
        interchange_send(partner=partner, sets=[("997", [("AK1", "PO")])], now=NOW)

    assert Interchange.objects.count() == 0
    assert outbox(partner) == []
    assert counters(partner) == (1, 1, 1)


def test_a_ta1_goes_alone_with_no_group(tmp_path, django_capture_on_commit_callbacks):
    partner = build_edi_world(tmp_path).partner
    ta1 = ("TA1", "000000005", dt.date(2026, 11, 20), dt.time(12, 0), "R", "006")

    with django_capture_on_commit_callbacks(execute=True):
        sent = interchange_send(partner=partner, ta1s=[ta1], now=NOW)

    assert (sent.group_control, sent.sets) == (None, [])
    [path] = outbox(partner)
    assert path.name == "acme-TA1-000000001.x12"
    [parsed] = list(codec.read(path.read_text()))
    assert parsed.groups == []
    assert [t.elements for t in parsed.ta1s] == [["000000005", "261120", "1200", "R", "006"]]
    assert counters(partner) == (2, 1, 1)


def test_numbers_are_strictly_increasing_across_sends(tmp_path):
    partner = build_edi_world(tmp_path).partner
    seen = [
        interchange_send(partner=partner, sets=[("997", ACK_997)] * n, now=NOW) for n in (1, 2, 1)
    ]
    assert [s.interchange.control_number for s in seen] == [
        "000000001",
        "000000002",
        "000000003",
    ]
    assert [s.group_control for s in seen] == [1, 2, 3]
    assert [s.set_controls for s in seen] == [[1], [2, 3], [4]]
    assert Interchange.objects.filter(direction="out").count() == 3


def test_names_go_out_in_plain_x12_characters(tmp_path):
    partner = build_edi_world(tmp_path).partner
    segments = [
        ("BIA", "00", "MB", "INV-1", dt.date(2026, 11, 21)),
        ("N1", "ST", "Café Müller – Nord’s “Depot”", "92", "0001"),
        ("LIN", "1", "BP", "BP-1"),
        ("QTY", "33", 5, ("EA",)),
    ]

    sent = interchange_send(partner=partner, sets=[("846", segments)], now=NOW)

    assert sent.text.isascii()
    n1 = read_one(sent.text).first("N1")
    assert n1 is not None and n1.get(2) == 'Cafe Muller - Nord\'s "Depot"'

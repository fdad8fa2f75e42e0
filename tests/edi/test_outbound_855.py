"""The 855: queued with the acknowledgement, sent after it, and saying per line what the
buyer gets: accepted, changed (price or quantity), rescheduled, backordered with its date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from orderdesk.core.models import Event
from orderdesk.edi.docs_855 import ack_shows_change, line_verdict
from orderdesk.edi.docs_common import PoLine, PoRef, po_ref_parse
from orderdesk.edi.models import EdiDocument, TradingPartner
from orderdesk.edi.outbound import edi_outbound_queue, outbound_sweep
from orderdesk.orders.holds import order_release
from orderdesk.orders.models import Acknowledgement, SalesOrder, SalesOrderLine

from ..fulfilment.flow import post
from .outbound_flow import (
    elements,
    order_placed,
    outbound_storage,  # noqa: F401  (autouse fixture)
    outbox,
    sent_set,
)
from .world import build_edi_world

pytestmark = pytest.mark.django_db

D = Decimal


def iso(value: dt.date | None) -> str:
    assert value is not None
    return value.strftime("%Y%m%d")


def test_an_order_taken_as_sent_is_acknowledged_ad_with_every_line_ia(
    tmp_path, clerk_api, django_capture_on_commit_callbacks
):
    ew = build_edi_world(tmp_path)
    a, b = ew.items[0], ew.items[1]

    body = order_placed(clerk_api, ew, (a.sku, "10"), (b.sku, "4"))

    doc = EdiDocument.objects.get(set_id="855")
    order = SalesOrder.objects.get(pk=body["id"])
    ack = Acknowledgement.objects.get(order=order)
    assert (doc.direction, doc.status, doc.reference, doc.partner_id) == (
        "out",
        "queued",
        "PO-855",
        ew.partner.pk,
    )
    assert (doc.acknowledgement_id, doc.sales_order_id, doc.dedupe_key) == (
        ack.pk,
        order.pk,
        f"855:ack:{ack.pk}",
    )
    assert outbox(ew.partner) == []

    with django_capture_on_commit_callbacks(execute=True):
        assert outbound_sweep() == 1

    doc.refresh_from_db()
    assert doc.status == "sent" and doc.action_by == "partner"
    assert doc.ack_due_at is not None
    assert abs(doc.ack_due_at - (timezone.now() + dt.timedelta(hours=24))) < dt.timedelta(minutes=1)
    ts = sent_set(doc)
    assert (doc.set_control, doc.group_control) == (ts.control_number, "1")
    assert doc.raw == ts.raw
    promised = [ln.promised_date for ln in order.lines.order_by("line_no")]
    assert elements(ts, "BAK") == [
        ["00", "AD", "PO-855", iso(order.order_date), "", "", "", order.number,
         iso(ack.created_at.date())]
    ]  # fmt: skip
    assert elements(ts, "PO1") == [
        ["1", "10", "EA", "10", "", "BP", "BP-1", "UP", "000000000001", "VP", a.sku],
        ["2", "4", "EA", "10", "", "BP", "BP-2", "UP", "000000000002", "VP", b.sku],
    ]
    assert elements(ts, "ACK") == [
        ["IA", "10", "EA", "068", iso(promised[0])],
        ["IA", "4", "EA", "068", iso(promised[1])],
    ]
    assert elements(ts, "CTT") == [["2", "14"]]
    [path] = outbox(ew.partner)
    assert path.name == f"acme-855-{int(doc.interchange.control_number):09d}.x12"
    assert Event.objects.filter(action="edi.document.sent", object_id=str(doc.pk)).count() == 1


def test_a_backordered_line_is_ib_with_its_ship_date_and_the_855_is_ac(tmp_path, clerk_api):
    ew = build_edi_world(tmp_path, on_hand=5)
    item = ew.items[0]

    body = order_placed(clerk_api, ew, (item.sku, "8"))
    outbound_sweep()

    line = SalesOrderLine.objects.get(order_id=body["id"])
    assert (line.qty_allocated, line.qty_backordered) == (D(5), D(3))
    ts = sent_set(EdiDocument.objects.get(set_id="855"))
    assert ts.first("BAK").get(2) == "AC"
    assert elements(ts, "ACK") == [
        ["IA", "5", "EA", "068", iso(line.promised_date)],
        ["IB", "3", "EA", "068", iso(line.promised_date)],
    ]


def test_a_price_held_order_is_acknowledged_on_release_with_our_price_as_a_change(
    tmp_path, clerk_api
):
    ew = build_edi_world(tmp_path)
    item = ew.items[0]

    status, body = post(clerk_api, "/orders", ew.world.body((item.sku, "6", "9.50")))

    assert status == 201, body
    order = SalesOrder.objects.get(pk=body["id"])
    assert order.status == "held"
    assert not EdiDocument.objects.filter(set_id="855").exists()

    order_release(actor=clerk_api.user, order=order, reason="buyer agreed to list price")
    assert outbound_sweep() == 1

    ts = sent_set(EdiDocument.objects.get(set_id="855"))
    assert ts.first("BAK").get(2) == "AC"
    assert elements(ts, "PO1")[0][:4] == ["1", "6", "EA", "10"]
    assert [a[0:3] for a in elements(ts, "ACK")] == [["IC", "6", "EA"]]


def test_on_change_partners_get_no_855_for_an_order_taken_as_sent(tmp_path, clerk_api):
    ew = build_edi_world(tmp_path, on_hand=5, repeat_orders=True)
    TradingPartner.objects.filter(pk=ew.partner.pk).update(send_855="on_change")
    item = ew.items[0]

    order_placed(clerk_api, ew, (item.sku, "5"), customer_po="PO-AS-SENT")
    assert not EdiDocument.objects.filter(set_id="855").exists()

    order_placed(clerk_api, ew, (item.sku, "2"), customer_po="PO-SHORT")  # nothing left
    [doc] = EdiDocument.objects.filter(set_id="855")
    assert doc.reference == "PO-SHORT"
    outbound_sweep()
    assert [a[0] for a in elements(sent_set(doc), "ACK")] == ["IB"]


def test_never_partners_and_customers_without_edi_get_no_855(tmp_path, clerk_api):
    ew = build_edi_world(tmp_path, repeat_orders=True)
    TradingPartner.objects.filter(pk=ew.partner.pk).update(send_855="never")
    order_placed(clerk_api, ew, (ew.items[0].sku, "1"), customer_po="PO-NEVER")

    TradingPartner.objects.filter(pk=ew.partner.pk).update(send_855="always", active=False)
    order_placed(clerk_api, ew, (ew.items[0].sku, "1"), customer_po="PO-INACTIVE")

    TradingPartner.objects.filter(pk=ew.partner.pk).update(active=True, documents=["850", "997"])
    order_placed(clerk_api, ew, (ew.items[0].sku, "1"), customer_po="PO-NOT-EXCHANGED")

    assert Acknowledgement.objects.count() == 3
    assert EdiDocument.objects.count() == 0
    assert outbound_sweep() == 0


def test_queueing_the_same_acknowledgement_twice_gives_back_the_first_document(tmp_path, clerk_api):
    ew = build_edi_world(tmp_path)
    order_placed(clerk_api, ew, (ew.items[0].sku, "1"))
    ack = Acknowledgement.objects.get()

    again = edi_outbound_queue(kind="855", obj=ack)

    assert again == EdiDocument.objects.get()
    assert Event.objects.filter(action="edi.document.queued").count() == 1


PO_850 = (
    "ST*850*0001~BEG*00*SA*PO-855**20261120~"
    "PO1*10*12*EA*10**BP*BP-1~PO1*20*4*CA*10**UP*000000000002~CTT*2~SE*6*0001~"
)


def test_the_855_quotes_the_850s_line_numbers_parts_and_units_back(tmp_path, clerk_api):
    ew = build_edi_world(tmp_path)
    a, b = ew.items[0], ew.items[1]
    body = order_placed(clerk_api, ew, (a.sku, "10"), (b.sku, "4"))
    EdiDocument.objects.create(  # what the inbound side keeps of the 850 that made the order
        direction="in",
        partner=ew.partner,
        set_id="850",
        reference="PO-855",
        raw=PO_850,
        status="processed",
        sales_order_id=body["id"],
    )

    outbound_sweep()

    ts = sent_set(EdiDocument.objects.get(set_id="855", direction="out"))
    bak = ts.first("BAK")
    assert (bak.get(2), bak.get(3), bak.get(4)) == ("AC", "PO-855", "20261120")
    assert elements(ts, "PO1") == [
        ["10", "10", "EA", "10", "", "BP", "BP-1", "UP", "000000000001", "VP", a.sku],
        ["20", "4", "CA", "10", "", "BP", "BP-2", "UP", "000000000002", "VP", b.sku],
    ]
    # line 10: the PO asked 12, we took 10 (a change); line 20 as asked
    assert [a[:3] for a in elements(ts, "ACK")] == [["IC", "10", "EA"], ["IA", "4", "CA"]]


def test_po_lines_are_read_from_the_stored_850_by_position():
    ref = po_ref_parse(PO_850)
    assert (ref.po_number, ref.po_date) == ("PO-855", dt.date(2026, 11, 20))
    assert ref.lines == {
        1: PoLine("10", D(12), "EA", D(10), {"BP": "BP-1"}),
        2: PoLine("20", D(4), "CA", D(10), {"UP": "000000000002"}),
    }
    assert ref.line(3) == PoLine("3")


def line(**kw: object) -> dict:
    base = {
        "line_no": 1,
        "quantity": "10",
        "unit_price": "10.00",
        "customer_price": None,
        "promised_date": "2026-11-27",
        "requested_date": "2026-11-27",
        "quantity_backordered": "0",
        "quantity_cancelled": "0",
        "change_kinds": [],
    }
    return {**base, **kw}


def test_what_counts_as_a_change_against_the_po():
    po = PoRef(lines={1: PoLine("1", D(10), "EA", D("10.00"))})
    assert not line_verdict(line(), po.lines[1]).changed
    assert line_verdict(line(customer_price="9.99")).price
    assert line_verdict(line(), PoLine("1", D(10), "EA", D("9.50"))).price
    assert line_verdict(line(quantity="8"), po.lines[1]).quantity
    assert line_verdict(line(promised_date="2026-12-01")).date
    assert not line_verdict(line(requested_date=None)).date
    assert line_verdict(line(quantity_backordered="2")).backordered
    assert line_verdict(line(quantity_cancelled="10")).rejected
    assert line_verdict(line(change_kinds=["quantity"])).quantity

    data = {"lines": [line()], "changes": []}
    assert not ack_shows_change(data, po)
    assert ack_shows_change({**data, "changes": [{"kind": "date"}]}, po)
    assert ack_shows_change({"lines": [line(quantity="9")], "changes": []}, po)

"""Acceptance, end to end: an 850 dropped in the partner's inbox becomes an accepted order;
the partner finds a 997 and an 855 in its outbox; the goods are released, picked, packed and
shipped, and an 856 follows; the shipment is invoiced, and an 810 follows. Every file parses
back with our own codec and matches the order. The same file dropped again makes no second
order."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from orderdesk.billing.models import Invoice
from orderdesk.edi import codec
from orderdesk.edi.docs_856 import sscc_valid
from orderdesk.edi.models import EdiDocument, Interchange
from orderdesk.edi.outbound import outbound_sweep
from orderdesk.edi.transport import dropbox_poll, partner_folders
from orderdesk.fulfilment.models import Package, Shipment
from orderdesk.orders.models import SalesOrder

from ..fulfilment.flow import pack_one_carton, pick_all, pick_list_for, release, ship
from .inbound_world import po_850
from .outbound_flow import elements, outbound_storage, read_one  # noqa: F401 (autouse fixture)
from .world import build_edi_world

pytestmark = pytest.mark.django_db

D = Decimal
PO = "PO-O2C-1"


def outbox_by_set(outbox: Path) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    for path in sorted(outbox.glob("*.x12")):
        [ic] = list(codec.read(path.read_text()))
        for group in ic.groups:
            for ts in group.sets:
                found.setdefault(ts.set_id, []).append(path)
    return found


def test_an_850_in_the_inbox_comes_back_as_997_855_856_and_810(
    tmp_path, api_client, django_capture_on_commit_callbacks
):
    ew = build_edi_world(tmp_path)
    a, b = ew.items[0], ew.items[1]
    folders = partner_folders(ew.partner)
    text = po_850(
        po=PO,
        lines=[("10", "EA", "10.00", "BP-1"), ("4", "EA", "10.00", "BP-2")],
        isa13=501,
        gs06=77,
    )
    (folders.inbox / "po-o2c-1.x12").write_text(text)

    # 850 in → order accepted, 997 and 855 out
    with django_capture_on_commit_callbacks(execute=True):
        polled = dropbox_poll(partner=ew.partner, settle_seconds=0)
        outbound_sweep()

    assert (polled.files, polled.orders) == (1, 1)
    order = SalesOrder.objects.get(customer_po=PO)
    assert (order.channel, order.status) == ("edi", "allocated")
    lines = list(order.lines.order_by("line_no"))
    assert [(ln.sku, ln.quantity) for ln in lines] == [(a.sku, D(10)), (b.sku, D(4))]
    sent = outbox_by_set(folders.outbox)
    assert sorted(sent) == ["855", "997"]

    ack997 = read_one(sent["997"][0].read_text())
    assert elements(ack997, "AK1") == [["PO", "77"]]
    assert elements(ack997, "AK2") == [["850", "0001"]]
    assert [r[0] for r in elements(ack997, "AK5")] == ["A"]

    ack855 = read_one(sent["855"][0].read_text())
    bak = ack855.first("BAK")
    assert (bak.get(1), bak.get(2), bak.get(3), bak.get(4), bak.get(8)) == (
        "00",
        "AD",
        PO,
        "20261120",
        order.number,
    )
    assert [(p.get(1), p.value(2), p.get(3), p.value(4), p.get(7)) for p in ack855.all("PO1")] == [
        ("1", D(10), "EA", D(10), "BP-1"),
        ("2", D(4), "EA", D(10), "BP-2"),
    ]
    assert [(k.get(1), k.value(2)) for k in ack855.all("ACK")] == [("IA", D(10)), ("IA", D(4))]

    # release, pick, pack, ship → 856; the ship service invoices → 810
    wh = api_client("warehouse")
    status, body = release(wh, ew.world, orders=[order.pk])
    assert status == 200, body
    pick_list = pick_list_for(order.pk)
    pick_all(wh, pick_list.pk)
    pack_one_carton(wh, pick_list.pk)
    with django_capture_on_commit_callbacks(execute=True):
        status, body = ship(wh, pick_list.pk, pro_number="PRO-O2C", ship_method="UPS-GND")
        assert status == 201, body
        assert outbound_sweep() == 2

    shipment = Shipment.objects.get(order=order)
    invoice = Invoice.objects.get(order=order)
    sent = outbox_by_set(folders.outbox)
    assert sorted(sent) == ["810", "855", "856", "997"]

    asn = read_one(sent["856"][0].read_text())
    assert asn.first("BSN").get(2) == shipment.number
    assert [h.get(3) for h in asn.all("HL")] == ["S", "O", "P", "I", "I"]
    assert asn.first("PRF").get(1) == PO
    assert asn.first("TD5").get(3) == "UPSN"
    assert asn.first("N1").elements == ["ST", ew.world.ship_to.name, "92", "0001"]
    assert elements(asn, "REF") == [["CN", "PRO-O2C"]]
    [man] = asn.all("MAN")
    assert man.get(1) == "GM" and sscc_valid(man.get(2)[2:])
    assert len(Package.objects.filter(shipment=shipment)) == 1
    assert [(s.get(1), s.value(2), s.get(3)) for s in asn.all("SN1")] == [
        ("1", D(10), "EA"),
        ("2", D(4), "EA"),
    ]
    assert [ln.get(3) for ln in asn.all("LIN")] == ["BP-1", "BP-2"]
    assert asn.first("CTT").value(1) == 5

    inv = read_one(sent["810"][0].read_text())
    big = inv.first("BIG")
    assert (big.get(2), big.get(4)) == (invoice.number, PO)
    it1 = [(s.get(1), s.value(2), s.value(4), s.get(7)) for s in inv.all("IT1")]
    assert it1 == [("1", D(10), D(10), "BP-1"), ("2", D(4), D(10), "BP-2")]
    assert inv.first("TDS").value(1) == invoice.total
    tax = sum((t.value(2) for t in inv.all("TXI")), D(0))
    charges = sum((s.value(5) for s in inv.all("SAC")), D(0))
    assert sum((q * p for _, q, p, _ in it1), D(0)) + charges + tax == invoice.total
    assert (invoice.merchandise, tax) == (D("140"), invoice.tax_total)

    docs = EdiDocument.objects.filter(direction="out").order_by("pk")
    assert [(d.set_id, d.status, d.reference) for d in docs] == [
        ("855", "sent", PO),
        ("856", "sent", shipment.number),
        ("810", "sent", invoice.number),
    ]
    isa13 = [int(ic.control_number) for ic in Interchange.objects.filter(direction="out")]
    assert len(set(isa13)) == len(isa13) == 4

    # the same file dropped again: a duplicate, no second order, nothing new to send
    (folders.inbox / "po-o2c-1-again.x12").write_text(text)
    with django_capture_on_commit_callbacks(execute=True):
        again = dropbox_poll(partner=ew.partner, settle_seconds=0)
        assert outbound_sweep() == 0

    assert (again.files, again.orders) == (1, 0)
    assert SalesOrder.objects.filter(customer=ew.world.customer).count() == 1
    statuses = Interchange.objects.filter(direction="in").order_by("pk")
    assert [ic.status for ic in statuses] == ["accepted", "duplicate"]
    assert EdiDocument.objects.filter(direction="out", set_id="855").count() == 1

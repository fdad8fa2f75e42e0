"""The pages through the real services: a file uploaded on the monitor, a rejected 850
corrected on its document page and re-processed into an order, a price mismatch on the
monitor as a price hold, an 846 sent from the partner page, a CSV that waits in the intake
queue."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.edi import partners
from orderdesk.edi.models import Actor, DocumentStatus, EdiDocument, IntakeItem
from orderdesk.orders.models import SalesOrder

from ..factories import UserFactory
from .pages_world import browser, media  # noqa: F401
from .world import EdiWorld, build_edi_world, x12_850

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def edi() -> EdiWorld:
    return build_edi_world()


def _text(fragment: str) -> str:
    inline = re.sub(r"</?(?:span|mark|a|strong|code|em)\b[^>]*>", "", fragment)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline)).strip())


def _upload(client, text: str | bytes, name: str = "po.x12", **extra):  # type: ignore[no-untyped-def]
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        "/edi/upload/", {"file": SimpleUploadedFile(name, data), **extra}, follow=True
    )


def test_rejected_850_corrected_on_its_page_becomes_an_order(edi):
    client = browser(UserFactory(role=Role.ORDER_CLERK))
    bad = x12_850(po="PO-FLOW-1", isa13=601, lines=[("10", "EACH", "10.00", "BP-1")])

    uploaded = _upload(client, bad)
    doc = EdiDocument.objects.get(reference="PO-FLOW-1")
    page = client.get(f"/edi/documents/{doc.pk}/").content.decode()

    assert "po.x12: 1 interchange · 1 document · 1 failed" in _text(uploaded.content.decode())
    assert "PO-FLOW-1" in uploaded.content.decode()
    assert re.search(r"PO1\*1\*10\*<mark[^>]*>EACH</mark>\*10", page)
    assert "Element PO1-03 of segment PO1" in _text(page)

    corrected = doc.raw.replace("*EACH*", "*EA*")
    done = client.post(
        f"/edi/documents/{doc.pk}/reprocess/",
        {"raw": corrected.replace("\n", "\r\n"), "reason": "EACH is EA, agreed with the buyer"},
        follow=True,
    )

    doc.refresh_from_db()
    order = SalesOrder.objects.get(customer_po="PO-FLOW-1")
    assert (doc.status, doc.sales_order, doc.action_by) == (
        DocumentStatus.PROCESSED,
        order,
        Actor.NONE,
    )
    assert f"850 PO-FLOW-1 re-processed: processed; order {order.number}" in _text(
        done.content.decode()
    )
    event = Event.objects.get(action="edi.document.reprocessed")
    assert (event.reason, event.after["corrected"]) == ("EACH is EA, agreed with the buyer", True)


def test_price_mismatch_850_shows_on_the_monitor_as_a_price_hold(edi):
    client = browser(UserFactory(role=Role.ORDER_CLERK))

    _upload(client, x12_850(po="PO-FLOW-2", isa13=602, lines=[("5", "EA", "7.25", "BP-2")]))

    order = SalesOrder.objects.get(customer_po="PO-FLOW-2")
    rows = client.get("/edi/").context["rows"]
    row = next(r for r in rows if r.doc.reference == "PO-FLOW-2")
    # (the test world's customer has no freight terms: an order-data hold comes too)
    assert (order.status, "Price hold" in row.holds) == ("held", True)
    assert "Price hold" in _text(client.get(f"/edi/documents/{row.doc.pk}/").content.decode())
    # The same order waits in the desk's price-hold queue and opens on its exception screen.
    queue = client.get("/orders/?queue=held-price").content.decode()
    assert f'href="/orders/{order.pk}/' in queue and "PO-FLOW-2" in queue
    exception = _text(client.get(f"/orders/{order.pk}/exception/").content.decode())
    assert "PO price 7.25" in exception


def test_unknown_buyer_part_is_ours_to_fix_and_retry_works_after_the_cross_reference(edi):
    coordinator = UserFactory(role=Role.DESK_COORDINATOR)
    client = browser(coordinator)
    _upload(client, x12_850(po="PO-FLOW-3", isa13=603, lines=[("2", "EA", "10.00", "BP-77")]))
    doc = EdiDocument.objects.get(reference="PO-FLOW-3")
    assert (doc.status, doc.action_by) == (DocumentStatus.FAILED, Actor.US)
    assert [r.doc.pk for r in client.get("/edi/?action_by=us").context["rows"]] == [doc.pk]

    client.post(
        f"/edi/partners/{edi.partner.pk}/items/",
        {"item_sku": edi.items[3].sku, "buyer_part": "BP-77"},
    )
    client.post(f"/edi/documents/{doc.pk}/retry/", {"reason": "BP-77 cross-referenced"})

    doc.refresh_from_db()
    assert doc.status == DocumentStatus.PROCESSED
    assert doc.sales_order.lines.get().item == edi.items[3]
    assert client.get("/edi/?action_by=us").context["rows"] == []


def test_846_sent_from_the_partner_page(edi, tmp_path):
    coordinator = UserFactory(role=Role.DESK_COORDINATOR)
    partners.partner_update(
        actor=coordinator,
        partner=edi.partner,
        documents=[*edi.partner.documents, "846"],
        folder=str(tmp_path / "acme"),
    )

    response = browser(coordinator).post(
        f"/edi/partners/{edi.partner.pk}/inventory-advice/", follow=True
    )

    doc = EdiDocument.objects.get(set_id="846")
    assert "Inventory advice (846) queued for sending" in _text(response.content.decode())
    assert (doc.partner, doc.direction) == (edi.partner, "out")


def test_csv_that_cannot_be_read_waits_in_the_intake_queue(edi):
    client = browser(UserFactory(role=Role.ORDER_CLERK))

    response = _upload(client, b"customer,customer_po,sku,quantity\nNOPE,PO-9,X,1\n", "po.csv")

    item = IntakeItem.objects.get()
    assert response.redirect_chain[-1][0] == f"/edi/intake/{item.pk}/"
    assert "po.csv could not be read on its own: it waits in the intake queue." in _text(
        response.content.decode()
    )


def test_unreadable_upload_shows_the_error_at_the_file_field(edi):
    client = browser(UserFactory(role=Role.ORDER_CLERK))

    response = _upload(client, b"hello", "notes.txt")

    assert response.status_code == 200
    assert response.context["upload_form"].errors["file"] == [
        "Notes.txt is neither an X12 interchange nor a CSV or XLSX purchase order — upload an "
        "X12 file (it starts with ISA), or a .csv or .xlsx file"
    ]

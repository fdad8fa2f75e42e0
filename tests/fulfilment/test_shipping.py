"""Shipping: the stock leaves the ledger, the order lines are shipped, documents, invoice and
the customer's confirmation follow; a backorder ships later as a second shipment; every
compliance refusal says why and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from orderdesk.billing.models import Invoice, PeriodClose
from orderdesk.catalog.models import ExportRestriction, KitComponent
from orderdesk.core.models import DocumentSequence, Event
from orderdesk.core.roles import Role
from orderdesk.fulfilment.models import Package, PickList, Shipment, ShipmentLine, Wave
from orderdesk.inventory.models import Lot, StockLevel, StockMovement
from orderdesk.inventory.services import lot_hold, stock_move
from orderdesk.notify.models import OutboxMessage
from orderdesk.orders.allocation import backorders_fill
from orderdesk.orders.models import Allocation, SalesOrderLine
from orderdesk.parties.models import Address, AddressKind, ShipMethod

from ..factories import CustomerFactory, UserFactory
from .flow import (
    TODAY,
    D,
    get,
    ledger_matches_levels,
    level,
    lines_of,
    lot_item,
    order_row,
    pack_one_carton,
    pick_all,
    pick_list_for,
    place,
    priced_item,
    release,
    serial_item,
    ship,
)
from .records import shipment_of

pytestmark = pytest.mark.django_db


def packed(
    clerk_api, wh_api, desk, *lines, scans: dict | None = None, **header
) -> tuple[dict, PickList]:
    """An order placed, released, picked in full and packed in one carton."""
    order = place(clerk_api, desk, *lines, **header)
    status, body = release(wh_api, desk, orders=[order["id"]])
    assert status == 200, body
    pl = pick_list_for(order["id"])
    pick_all(wh_api, pl.pk, scans)
    pack_one_carton(wh_api, pl.pk)
    return order, pl


def world_state() -> list[Any]:
    """Everything a refused shipment must leave as it was."""
    return [
        list(StockLevel.objects.order_by("pk").values_list("on_hand", "allocated")),
        StockMovement.objects.count(),
        list(Allocation.objects.order_by("pk").values_list("lot", "quantity", "released")),
        list(PickList.objects.order_by("pk").values_list("status", flat=True)),
        list(SalesOrderLine.objects.order_by("pk").values_list(
            "qty_allocated", "qty_shipped", "status"
        )),
        Shipment.objects.count(),
        ShipmentLine.objects.count(),
        Invoice.objects.count(),
        OutboxMessage.objects.filter(dedupe_key__startswith="shipment:").count(),
        list(Package.objects.values_list("shipment_id", flat=True)),
        list(DocumentSequence.objects.order_by("doc_type").values_list("doc_type", "next_value")),
        Event.objects.count(),
    ]  # fmt: skip


def test_a_shipment_books_the_stock_out_and_ships_the_order_lines(clerk_api, wh_api, desk):
    glue = lot_item(desk, [("L1", 5, dt.date(2026, 6, 1)), ("L2", 10, dt.date(2027, 1, 1))])
    plain = desk.items[0]
    order, pl = packed(
        clerk_api, wh_api, desk, (plain.sku, "3"), (glue.sku, "4"), scans={glue.sku: "(10)L2"}
    )

    status, body = ship(wh_api, pl.pk)

    assert status == 201, body
    shipment = Shipment.objects.get()
    assert body["number"] == shipment.number and shipment.number.startswith("SH")
    moves = StockMovement.objects.filter(kind="issue").order_by("item_id")
    assert [(m.item_id, m.lot, m.quantity, m.reference) for m in moves] == [
        (plain.pk, "", D(-3), shipment.number),
        (glue.pk, "L2", D(-4), shipment.number),
    ]
    assert level(plain, desk.warehouse) == (D(97), D(0))
    assert level(glue, desk.warehouse, "L2") == (D(6), D(0))
    assert level(glue, desk.warehouse, "L1") == (D(5), D(0))
    assert ledger_matches_levels(plain) and ledger_matches_levels(glue)
    assert not Allocation.objects.exists()
    lines = SalesOrderLine.objects.filter(order_id=order["id"]).order_by("line_no")
    assert [(ln.qty_allocated, ln.qty_shipped, ln.qty_invoiced, ln.status) for ln in lines] == [
        (D(0), D(3), D(3), "invoiced"),
        (D(0), D(4), D(4), "invoiced"),
    ]
    assert order_row(order["id"]).status == "invoiced"
    assert [(ln["sku"], ln["lot"], ln["quantity"]) for ln in body["lines"]] == [
        (plain.sku, "", "3.0000"),
        (glue.sku, "L2", "4.0000"),
    ]
    assert (body["handling_units"], body["weight_kg"]) == (1, "3.5000")
    assert (body["declared_value"], body["currency"]) == ("70.0000", "USD")
    assert (body["carrier"], body["ship_method"], body["tracking_number"]) == (
        "UPSN",
        "UPS-GND",
        "1Z999AA10123456784",
    )
    assert [d["kind"] for d in body["documents"]] == ["packing_list"]
    assert body["invoices"] == [Invoice.objects.get(shipment=shipment).number]
    pl.refresh_from_db()
    assert pl.status == "shipped"
    assert Package.objects.get().shipment_id == shipment.pk
    assert Wave.objects.get().status == "done"
    actions = {
        (e.object_type, e.action)
        for e in Event.objects.filter(action__in=["shipment.created", "pick_list.shipped"])
    }
    assert actions == {
        ("fulfilment.shipment", "shipment.created"),
        ("orders.salesorder", "shipment.created"),
        ("fulfilment.picklist", "pick_list.shipped"),
    }


def test_the_customer_is_sent_the_confirmation_with_the_packing_list(clerk_api, wh_api, desk):
    a, b = desk.items[0], desk.items[1]
    order, pl = packed(
        clerk_api, wh_api, desk, (a.sku, "3"), (b.sku, "150"), customer_po="PO-4471"
    )  # 100 of b in stock: 50 backordered

    status, body = ship(wh_api, pl.pk, tracking_number="1ZTRACK")

    assert status == 201, body
    shipment = Shipment.objects.get()
    message = OutboxMessage.objects.get(dedupe_key=f"shipment:{shipment.number}")
    assert message.to == "buyer@example.com"
    assert (
        message.subject
        == f"Shipped: order {order['number']} (your PO PO-4471), shipment {shipment.number}"
    )
    text = message.body_text
    for expected in (
        "Carrier: UPS (UPSN)",
        "Service: UPS Ground",
        "Tracking number: 1ZTRACK",
        f"Ship date: {TODAY.isoformat()}",
        f"Line 1: {a.sku}",
        f"Line 2: {b.sku}",
        "Still to come (backordered):",
        f"- Line 2: {b.sku} {b.description}, 50 ",
    ):
        assert expected in text, (expected, text)
    packing = shipment.documents.get(kind="packing_list")
    [attachment] = message.attachments
    assert attachment["render"] == "orderdesk.fulfilment.documents:document_pdf"
    assert attachment["args"] == {"document_id": packing.pk}
    assert attachment["filename"].startswith(packing.number)
    assert shipment.confirmation_message_id == message.pk


def test_the_backorder_ships_later_as_a_second_shipment(clerk_api, wh_api, desk):
    item = priced_item(desk, price="12.50")
    stock_move(actor=None, item=item, warehouse=desk.warehouse, quantity=D(6), kind="receipt")
    order, pl = packed(clerk_api, wh_api, desk, (item.sku, "10"))
    assert order["status"] == "backordered"

    status, first = ship(wh_api, pl.pk)
    assert status == 201, first
    line = SalesOrderLine.objects.get(order_id=order["id"])
    assert (line.qty_shipped, line.qty_backordered, line.qty_invoiced) == (D(6), D(4), D(6))
    assert order_row(order["id"]).status == "backordered"

    stock_move(actor=None, item=item, warehouse=desk.warehouse, quantity=D(4), kind="receipt")
    assert backorders_fill(actor=None, item_ids=[item.pk], today=TODAY) == 1
    assert order_row(order["id"]).status == "allocated"
    status, waves = release(wh_api, desk)
    assert status == 200 and len(waves) == 1
    pl2 = pick_list_for(order["id"])
    pick_all(wh_api, pl2.pk)
    pack_one_carton(wh_api, pl2.pk)
    status, second = ship(
        wh_api,
        pl2.pk,
        ship_date=(TODAY + dt.timedelta(days=4)).isoformat(),
        tracking_number="1ZSECOND",
    )

    assert status == 201, second
    line.refresh_from_db()
    assert (line.qty_shipped, line.qty_backordered, line.qty_allocated) == (D(10), D(0), D(0))
    assert order_row(order["id"]).status == "invoiced"
    assert [s.lines.get().quantity for s in Shipment.objects.order_by("pk")] == [D(6), D(4)]
    assert [(i.merchandise, i.invoice_date) for i in Invoice.objects.order_by("pk")] == [
        (D("75.00"), TODAY),
        (D("50.00"), TODAY + dt.timedelta(days=4)),
    ]
    assert level(item, desk.warehouse) == (D(0), D(0))
    assert ledger_matches_levels(item)


def test_without_invoicing_on_ship_the_order_stays_shipped(clerk_api, wh_api, desk, settings):
    settings.ORDERDESK_INVOICE_ON_SHIP = False
    order, pl = packed(clerk_api, wh_api, desk, (desk.items[0].sku, "2"))

    status, body = ship(wh_api, pl.pk)

    assert status == 201, body
    assert body["invoices"] == [] and not Invoice.objects.exists()
    assert order_row(order["id"]).status == "shipped"


def test_a_pick_list_ships_once(clerk_api, wh_api, desk):
    item = desk.items[0]
    _order, pl = packed(clerk_api, wh_api, desk, (item.sku, "2"))
    ship(wh_api, pl.pk)
    before = world_state()

    status, body = ship(wh_api, pl.pk)

    assert (status, body["code"]) == (409, "pick_list_already_shipped")
    assert (
        body["message"]
        == f"pick list {pl.number} has already shipped as {Shipment.objects.get().number}"
    )
    assert world_state() == before
    assert StockMovement.objects.filter(kind="issue").count() == 1


def test_an_unpacked_pick_list_cannot_ship(clerk_api, wh_api, desk):
    order = place(clerk_api, desk, (desk.items[0].sku, "2"))
    release(wh_api, desk)
    pl = pick_list_for(order["id"])
    pick_all(wh_api, pl.pk)

    status, body = ship(wh_api, pl.pk)

    assert (status, body["code"], body["fix"]) == (409, "not_packed", "pack it first")


def test_a_ship_date_in_a_closed_period_is_refused(clerk_api, wh_api, desk):
    _order, pl = packed(clerk_api, wh_api, desk, (desk.items[0].sku, "2"))
    PeriodClose.objects.create(closed_through=TODAY, reason="March", closed_at=timezone.now())
    before = world_state()

    status, body = ship(wh_api, pl.pk)

    assert (status, body["code"]) == (422, "period_closed")
    assert f"books are closed through {TODAY.isoformat()}" in body["message"]
    assert world_state() == before


def test_only_warehouse_roles_ship(clerk_api, wh_api, desk):
    _order, pl = packed(clerk_api, wh_api, desk, (desk.items[0].sku, "2"))

    status, _body = ship(clerk_api, pl.pk)

    assert status == 403
    assert not Shipment.objects.exists()


# compliance at the dock


def refused(client, pick_list_id: int, **body: Any) -> list[dict]:
    before = world_state()
    status, answer = ship(client, pick_list_id, **body)
    assert (status, answer["code"]) == (422, "shipment_not_compliant"), answer
    assert world_state() == before
    return list(answer["problems"])


@pytest.fixture
def paint(desk):
    return priced_item(
        desk,
        un_number="UN1263",
        hazmat_class="3",
        packing_group="II",
        proper_shipping_name="Paint",
    )


def test_hazmat_on_a_service_that_cannot_take_it_is_stopped(clerk_api, wh_api, desk, paint):
    desk.warehouse.hazmat_emergency_contact = "CHEMTREC 1-800-424-9300"
    desk.warehouse.save()
    stock_move(actor=None, item=paint, warehouse=desk.warehouse, quantity=D(10), kind="receipt")
    _order, pl = packed(clerk_api, wh_api, desk, (paint.sku, "2"), ship_method="LTL-HAZ")

    [problem] = refused(wh_api, pl.pk, ship_method="UPS-GND")

    assert problem["code"] == "hazmat_carrier"
    assert problem["message"] == (
        f"{paint.sku} (UN1263): dangerous goods, and UPS-GND UPS Ground does not take "
        "dangerous goods"
    )
    assert problem["fix"] == "ship it on a service that takes dangerous goods (LTL-HAZ)"
    status, body = ship(wh_api, pl.pk)  # the order's LTL-HAZ
    assert status == 201, body
    assert body["ship_method"] == "LTL-HAZ"


def test_hazmat_without_an_emergency_contact_is_stopped(clerk_api, wh_api, desk, paint):
    stock_move(actor=None, item=paint, warehouse=desk.warehouse, quantity=D(10), kind="receipt")
    _order, pl = packed(clerk_api, wh_api, desk, (paint.sku, "2"), ship_method="LTL-HAZ")

    [problem] = refused(wh_api, pl.pk)

    assert problem["code"] == "hazmat_emergency_contact"
    assert problem["message"] == (
        f"{paint.sku}: dangerous goods need a 24-hour emergency contact on the shipping papers, "
        f"and warehouse {desk.warehouse.code} has none"
    )


def test_an_export_controlled_item_to_a_restricted_country_is_stopped(clerk_api, wh_api, desk):
    radio = priced_item(desk, export_control_class="5A002", hs_code="852691")
    stock_move(actor=None, item=radio, warehouse=desk.warehouse, quantity=D(10), kind="receipt")
    Address.objects.create(
        customer=desk.customer, kind=AddressKind.SHIP_TO, code="SHA", name="Shanghai branch",
        line1="88 Century Ave", city="Shanghai", postal_code="200120", country="CN",
    )  # fmt: skip
    ShipMethod.objects.create(
        code="UPS-WW", carrier=desk.ship_method.carrier, name="UPS Worldwide", international=True
    )
    _order, pl = packed(
        clerk_api, wh_api, desk, (radio.sku, "1"), ship_to="SHA", ship_method="UPS-WW"
    )
    ExportRestriction.objects.create(
        country="CN", control_class="5A", reason="Licence required (EAR 742.15)"
    )

    [problem] = refused(wh_api, pl.pk)

    assert problem["code"] == "export_restricted"
    assert problem["message"] == (
        f"{radio.sku} is export controlled (5A002) and CN is a restricted destination: "
        "Licence required (EAR 742.15)"
    )
    ExportRestriction.objects.all().delete()
    [abroad] = refused(wh_api, pl.pk, ship_method="UPS-GND")
    assert abroad["code"] == "not_international"
    status, body = ship(wh_api, pl.pk, export_reason="sale")
    assert status == 201, body
    assert body["export_reason"] == "sale"


def test_a_lot_on_quality_hold_cannot_leave(clerk_api, wh_api, desk):
    glue = lot_item(desk, [("L1", 5, dt.date(2026, 6, 1))])
    _order, pl = packed(clerk_api, wh_api, desk, (glue.sku, "2"))
    lot_hold(
        actor=UserFactory(role=Role.MANAGER),
        lot=Lot.objects.get(item=glue, number="L1"),
        reason="supplier recall R-77",
    )

    [problem] = refused(wh_api, pl.pk)

    assert problem["code"] == "lot_on_hold"
    assert problem["message"] == f"lot L1 of {glue.sku} is on quality hold: supplier recall R-77"


def test_third_party_freight_needs_a_bill_to_and_keeps_it(clerk_api, wh_api, desk):
    _order, pl = packed(
        clerk_api, wh_api, desk, (desk.items[0].sku, "2"), freight_payment="third_party"
    )

    [problem] = refused(wh_api, pl.pk)
    assert problem["code"] == "third_party_bill_to"

    payer = {"name": "Acme Logistics", "city": "Dallas", "account": "ACM-1"}
    status, body = ship(wh_api, pl.pk, third_party_bill_to=payer)
    assert status == 201, body
    assert body["third_party_bill_to"] == payer


def test_every_problem_is_listed_at_once(clerk_api, wh_api, desk, paint):
    stock_move(actor=None, item=paint, warehouse=desk.warehouse, quantity=D(10), kind="receipt")
    _order, pl = packed(
        clerk_api,
        wh_api,
        desk,
        (paint.sku, "2"),
        ship_method="LTL-HAZ",
        freight_payment="third_party",
    )

    problems = refused(wh_api, pl.pk, ship_method="UPS-GND")

    assert [p["code"] for p in problems] == [
        "hazmat_carrier",
        "hazmat_emergency_contact",
        "third_party_bill_to",
    ]


# reading shipments


def test_portal_users_read_their_own_shipments_and_documents_only(
    api_client, clerk_api, wh_api, desk
):
    _order, pl = packed(clerk_api, wh_api, desk, (desk.items[0].sku, "2"))
    status, mine = ship(wh_api, pl.pk)
    own = api_client(Role.PORTAL, customer=desk.customer)
    other = api_client(Role.PORTAL)

    assert get(own, f"/shipments/{mine['id']}")[0] == 200
    assert [s["number"] for s in get(own, "/shipments")[1]["items"]] == [mine["number"]]
    assert get(other, "/shipments")[1]["count"] == 0
    status, body = get(other, f"/shipments/{mine['id']}")
    assert (status, body["code"]) == (404, "not_found")
    assert own.get(f"/api/v1/shipments/{mine['id']}/documents/packing_list").status_code == 200
    assert other.get(f"/api/v1/shipments/{mine['id']}/documents/packing_list").status_code == 404
    assert (
        other.get(f"/api/v1/shipments/{mine['id']}/documents/packing_list/pdf").status_code == 404
    )
    assert get(own, f"/pick-lists/{pl.pk}")[0] == 403


def test_the_shipment_answers_its_document_as_html(clerk_api, wh_api, desk):
    _order, pl = packed(clerk_api, wh_api, desk, (desk.items[0].sku, "2"), customer_po="PO-DOC")
    status, body = ship(wh_api, pl.pk)
    assert status == 201, body
    [doc] = body["documents"]

    html = wh_api.get(doc["html"])

    assert html.status_code == 200 and html["Content-Type"].startswith("text/html")
    assert body["number"] in html.content.decode() and doc["number"] in html.content.decode()
    assert wh_api.get(f"/api/v1/shipments/{body['id']}/documents/bill_of_lading").status_code == 404
    _status, listed = get(wh_api, "/shipments", q="PO-DOC")
    assert [s["number"] for s in listed["items"]] == [body["number"]]
    assert lines_of(wh_api, pl.pk)[0]["qty_picked"] == "2.0000"


def test_serials_leave_one_movement_each(clerk_api, wh_api, desk):
    meter = serial_item(desk, ["SN-1", "SN-2", "SN-3"])
    order, pl = packed(clerk_api, wh_api, desk, (meter.sku, "2"))

    status, body = ship(wh_api, pl.pk)

    assert status == 201, body
    assert sorted((ln["lot"], ln["quantity"]) for ln in body["lines"]) == [
        ("SN-1", "1.0000"),
        ("SN-2", "1.0000"),
    ]
    issues = StockMovement.objects.filter(kind="issue").order_by("lot")
    assert [(m.lot, m.quantity) for m in issues] == [("SN-1", D(-1)), ("SN-2", D(-1))]
    assert level(meter, desk.warehouse, "SN-3") == (D(1), D(0))
    assert ledger_matches_levels(meter)
    assert SalesOrderLine.objects.get(order_id=order["id"]).qty_shipped == D(2)


def test_a_kit_line_ships_in_kits_and_its_components_leave_the_ledger(clerk_api, wh_api, desk):
    a, b = desk.items[0], desk.items[1]
    kit = priced_item(desk, price="45.00", is_kit=True)
    KitComponent.objects.create(kit=kit, component=a, quantity=D(2))
    KitComponent.objects.create(kit=kit, component=b, quantity=D(1))
    order, pl = packed(clerk_api, wh_api, desk, (kit.sku, "3"))

    status, body = ship(wh_api, pl.pk)

    assert status == 201, body
    line = SalesOrderLine.objects.get(order_id=order["id"])
    assert (line.qty_shipped, line.qty_allocated, line.qty_invoiced) == (D(3), D(0), D(3))
    assert level(a, desk.warehouse) == (D(94), D(0))
    assert level(b, desk.warehouse) == (D(97), D(0))
    assert body["declared_value"] == "135.0000"
    assert sorted((ln["sku"], ln["quantity"]) for ln in body["lines"]) == sorted(
        [(a.sku, "6.0000"), (b.sku, "3.0000")]
    )


def test_a_shipment_made_as_rows_is_read_by_its_own_customer_only(api_client):
    own, other = CustomerFactory(), CustomerFactory()
    mine, theirs = shipment_of(own), shipment_of(other)
    portal = api_client(Role.PORTAL, customer=own)

    assert get(portal, f"/shipments/{mine}")[0] == 200
    assert get(portal, f"/shipments/{theirs}")[0] == 404
    listed = get(portal, "/shipments")[1]["items"]
    assert [(s["id"], s["customer_id"]) for s in listed] == [(mine, own.pk)]

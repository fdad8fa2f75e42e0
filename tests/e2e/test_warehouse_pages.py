"""The dock's walk, in a real browser: release an order from the board, scan a lot into the
pick page (typed like a scanner, then Enter), pack, ship, and open the shipment page with
its documents and invoice. Screenshots go to test-artifacts/."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from orderdesk.catalog.models import Tracking
from orderdesk.core.models import ApiToken
from orderdesk.core.roles import Role
from orderdesk.fulfilment.models import PickList, Shipment
from orderdesk.inventory.models import Lot, StockLevel
from orderdesk.inventory.services import stock_move

from ..factories import ItemFactory, PriceListEntryFactory, UserFactory
from ..orders.world import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"
GTIN = "09501101530003"


def _order() -> tuple[Any, dict[str, Any]]:
    world = build_world(items=1)
    glue = ItemFactory(
        sku="ADH-2K-400", description="Two-part epoxy adhesive 400 ml", tracking=Tracking.LOT
    )
    PriceListEntryFactory(
        price_list=world.customer.price_list, item=glue, unit_price=Decimal("18.40")
    )
    for lot, quantity, expiry in (
        ("B2611", 6, dt.date(2027, 2, 28)),
        ("B2702", 20, dt.date(2027, 9, 30)),
    ):
        stock_move(actor=None, item=glue, warehouse=world.warehouse, quantity=Decimal(quantity),
                   kind="receipt", lot=lot)  # fmt: skip
        Lot.objects.filter(item=glue, number=lot).update(expiry_date=expiry)
    clerk = UserFactory(username="intake", role=Role.ORDER_CLERK)
    _, raw = ApiToken.issue(clerk, "test")
    body = world.body((glue.sku, "4"), (world.items[0].sku, "2"), customer_po="PO-88120")
    r = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        "/api/v1/orders", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 201 and r.json()["status"] == "allocated", r.content
    UserFactory(username="dock", first_name="Dana", last_name="Kowalski", role=Role.WAREHOUSE)
    return world, {"order": r.json(), "glue": glue, "plain": world.items[0]}


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(f"{base}/")


def test_dock_releases_scans_a_lot_packs_ships_and_opens_the_shipment(live_server, page, shot):
    _world, data = _order()
    order, glue = data["order"], data["glue"]
    base = live_server.url
    _log_in(page, base, "dock")

    # The board: the order is ready; release it.
    page.goto(f"{base}/warehouse/")
    ready = page.get_by_role("region", name=re.compile("^Ready to release"))
    assert order["number"] in ready.inner_text()
    shot(page, "41-warehouse-board")
    page.get_by_role("button", name=re.compile("Release all ready")).click()
    page.wait_for_url(re.compile(r"/warehouse/\?warehouse="))
    pick_list = PickList.objects.get(order_id=order["id"])
    assert f"Released to 1 wave: {pick_list.wave.number}" in page.locator(".messages").inner_text()
    floor = page.get_by_role("region", name=re.compile("^Pick lists on the floor"))
    floor.get_by_role("link", name="Pick").click()
    page.wait_for_url(f"{base}/warehouse/pick/{pick_list.pk}/")

    # The pick page: the first-expiring lot is shown; the scan field has the focus.
    first = page.locator("tr[data-row='0']")
    assert "B2611" in first.locator("[data-lot]").inner_text()
    assert "exp 2027-02-28" in first.inner_text()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'scan-0'")
    page.keyboard.type(f"(01){GTIN}(17)270228(10)B2611", delay=5)
    page.keyboard.press("Enter")  # the scanner's Enter: on to the next line, never submit
    page.wait_for_function("document.activeElement && document.activeElement.id === 'scan-1'")
    assert page.url == f"{base}/warehouse/pick/{pick_list.pk}/"
    page.locator("#scan-msg-0").get_by_text("Lot B2611: the one to take").wait_for()
    page.keyboard.press("Enter")  # the plain item needs no scan: on to Confirm
    page.wait_for_function(
        "document.activeElement && document.activeElement.matches('[data-confirm]')"
    )
    shot(page, "42-warehouse-pick-scanned")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/warehouse/pack/{pick_list.pk}/")
    assert f"{pick_list.number} picked. Pack it now." in page.locator(".messages").inner_text()

    # Pack: one carton, weighed from the items; then ship with a tracking number.
    assert page.get_by_label("Package 1 weight in kg").input_value() == "3"
    page.get_by_label("Package 1 length cm").fill("40")
    page.get_by_label("Package 1 width cm").fill("30")
    page.get_by_label("Package 1 height cm").fill("25")
    shot(page, "43-warehouse-pack")
    page.get_by_role("button", name="Pack", exact=True).click()
    page.wait_for_url(f"{base}/warehouse/ship/{pick_list.pk}/")
    assert "No problems" in page.locator("#compliance").inner_text()
    page.get_by_label("Tracking number").fill("1Z999AA10123456784")
    shot(page, "44-warehouse-ship")
    page.get_by_role("button", name="Confirm shipment").click()

    # The shipment page.
    shipment = Shipment.objects.get()
    page.wait_for_url(f"{base}/warehouse/shipments/{shipment.pk}/")
    invoice = shipment.invoices.get()
    assert (
        f"Shipment {shipment.number} confirmed, invoiced as {invoice.number}"
        in page.locator(".messages").inner_text()
    )
    lines = page.get_by_role("region", name=re.compile("^Lines"))
    assert re.search(rf"{glue.sku}\s.*B2611\s+4", lines.inner_text())
    assert page.locator("#tracking").inner_text() == "1Z999AA10123456784"
    docs = page.get_by_role("region", name=re.compile("^Documents"))
    assert "Packing list" in docs.inner_text()
    assert docs.get_by_role("link", name="PDF").get_attribute("href") == (
        f"/warehouse/shipments/{shipment.pk}/documents/packing_list/pdf/"
    )
    assert docs.get_by_role("link", name=invoice.number).get_attribute("href") == (
        f"/billing/invoices/{invoice.pk}/"
    )
    shot(page, "45-warehouse-shipment")
    level = StockLevel.objects.get(item=glue, lot="B2611")
    assert (level.on_hand, level.allocated) == (Decimal(2), Decimal(0))

    # The packing list opens as a page of its own.
    page.goto(f"{base}/warehouse/shipments/{shipment.pk}/documents/packing_list/")
    assert shipment.number in page.locator("body").inner_text()
    shot(page, "46-warehouse-packing-list")


def test_the_ship_page_shows_compliance_problems_for_the_service_chosen(live_server, page, shot):
    world = build_world(items=1)
    paint = ItemFactory(
        sku="PNT-ALK-1G",
        description="Alkyd enamel paint, 1 gal",
        un_number="UN1263",
        hazmat_class="3",
        packing_group="II",
    )
    PriceListEntryFactory(
        price_list=world.customer.price_list, item=paint, unit_price=Decimal("32")
    )
    stock_move(
        actor=None, item=paint, warehouse=world.warehouse, quantity=Decimal(8), kind="receipt"
    )
    clerk = UserFactory(username="intake", role=Role.ORDER_CLERK)
    dock = UserFactory(username="dock", role=Role.WAREHOUSE)
    _, raw = ApiToken.issue(dock, "test")
    _, clerk_raw = ApiToken.issue(clerk, "test")
    body = world.body((paint.sku, "2"), ship_method="LTL-HAZ", customer_po="PO-HAZ")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    order = (
        Client(HTTP_AUTHORIZATION=f"Bearer {clerk_raw}")
        .post("/api/v1/orders", json.dumps(body), content_type="application/json")
        .json()
    )
    api.post(
        f"/api/v1/warehouses/{world.warehouse.pk}/release", "{}", content_type="application/json"
    )
    pick_list = PickList.objects.get(order_id=order["id"])
    line = pick_list.lines.get()
    picks = {"picks": [{"pick_line": line.pk, "quantity": "2"}]}
    api.post(
        f"/api/v1/pick-lists/{pick_list.pk}/picks",
        json.dumps(picks),
        content_type="application/json",
    )
    api.post(f"/api/v1/pick-lists/{pick_list.pk}/pack", "{}", content_type="application/json")
    base = live_server.url
    _log_in(page, base, "dock")

    page.goto(f"{base}/warehouse/ship/{pick_list.pk}/")
    panel = page.locator("#compliance")
    assert "1 problem: this shipment cannot leave on LTL hazmat." in panel.inner_text()
    page.get_by_label("Carrier and service").select_option("UPS-GND")
    page.locator("#compliance").get_by_text("2 problems").wait_for()
    text = page.locator("#compliance").inner_text()
    assert "dangerous goods, and UPS-GND UPS Ground does not take dangerous goods" in text
    assert "Fix: ship it on a service that takes dangerous goods (LTL-HAZ)" in text
    shot(page, "47-warehouse-ship-compliance")
    page.get_by_role("button", name="Confirm shipment").click()
    page.locator("#ship-error").wait_for()
    assert "the shipment cannot leave (2 problems)" in page.locator("#ship-error").inner_text()
    assert not Shipment.objects.exists()

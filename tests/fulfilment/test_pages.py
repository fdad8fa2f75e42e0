"""The warehouse pages: board and release, wave, pick (scan read-back), pack, ship (with the
compliance panel), the shipment list and page with its documents. Access by role and, for
portal users, by customer; the shipment page's query count does not grow with its lines."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from orderdesk.core.roles import Role
from orderdesk.fulfilment.models import PickList, Shipment
from orderdesk.inventory.models import Lot
from orderdesk.inventory.services import lot_hold, stock_move

from ..factories import CustomerFactory, UserFactory
from .flow import (
    TODAY,
    D,
    lot_item,
    order_row,
    pack_one_carton,
    pick_all,
    pick_list_for,
    place,
    priced_item,
    release,
    ship,
)

pytestmark = pytest.mark.django_db


def logged_in(role: str = Role.WAREHOUSE, **kwargs: Any) -> Client:
    client = Client()
    client.force_login(UserFactory(role=role, **kwargs))
    return client


@pytest.fixture
def dock() -> Client:
    return logged_in()


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_board_lists_what_may_go_and_releases_it(clerk_api, desk, dock):
    ready = place(clerk_api, desk, (desk.items[0].sku, "2"), customer_po="READY", rush=True)

    page = dock.get("/warehouse/")

    assert page.status_code == 200
    body = text(page)
    assert ready["number"] in body and "Release all ready (1)" in body
    assert "badge--rush" in body
    response = dock.post(f"/warehouse/release/{desk.warehouse.pk}/", {"all": "1"}, follow=True)
    assert response.status_code == 200
    body = text(response)
    wave_number = PickList.objects.get().wave.number
    assert f"Released to 1 wave: {wave_number}" in body
    assert "Open waves" in body and wave_number in body
    assert order_row(ready["id"]).status == "released"


def test_release_ticked_without_a_tick_says_so(clerk_api, desk, dock):
    place(clerk_api, desk, (desk.items[0].sku, "2"))

    response = dock.post(f"/warehouse/release/{desk.warehouse.pk}/", {"selected": "1"})

    assert response.status_code == 200
    assert "Tick the orders to release first." in text(response)
    assert not PickList.objects.exists()


def test_warehouse_pages_are_for_warehouse_roles(desk):
    clerk, portal = logged_in(Role.ORDER_CLERK), logged_in(Role.PORTAL, customer=desk.customer)

    assert clerk.get("/warehouse/").status_code == 403
    assert portal.get("/warehouse/").status_code == 403
    assert Client().get("/warehouse/").status_code == 302


def test_the_pick_page_shows_the_lot_to_take_and_reads_scans_back(clerk_api, wh_api, desk, dock):
    glue = lot_item(desk, [("L1", 5, dt.date(2026, 6, 1)), ("L2", 10, dt.date(2027, 1, 1))])
    lot_hold(actor=UserFactory(role=Role.MANAGER), lot=Lot.objects.get(item=glue, number="L2"),
             reason="viscosity")  # fmt: skip
    order = place(clerk_api, desk, (glue.sku, "3"))
    release(wh_api, desk)
    pl = pick_list_for(order["id"])
    line = pl.lines.get()

    page = dock.get(f"/warehouse/pick/{pl.pk}/")

    body = text(page)
    assert page.status_code == 200
    assert '<strong class="mono" data-lot>L1</strong>' in body and "exp 2026-06-01" in body
    assert 'id="scan-0" name="scan-0"' in body and "autofocus" in body
    assert "on hold</span> viscosity" in body

    def check(scanned: str) -> str:
        r = dock.get(
            f"/warehouse/pick/{pl.pk}/scan/", {"row": "0", "line-0": line.pk, "scan-0": scanned}
        )
        return text(r)

    assert "Lot L1: the one to take" in check("(01)09501101530003(10)L1")
    assert "Lot L2 is on quality hold: viscosity" in check("L2")
    assert "Lot L7 is not on the shelf here" in check("L7")
    assert "Cannot read the scan" in check("(01)123")


def test_a_refused_pick_shows_the_page_again_with_what_was_typed(clerk_api, wh_api, desk, dock):
    item = desk.items[0]
    order = place(clerk_api, desk, (item.sku, "4"))
    release(wh_api, desk)
    pl = pick_list_for(order["id"])
    line = pl.lines.get()

    response = dock.post(f"/warehouse/pick/{pl.pk}/", {"line-0": line.pk, "qty-0": "3"})

    assert response.status_code == 200
    body = text(response)
    assert "say why these were not picked" in body
    assert 'name="qty-0" value="3"' in body
    response = dock.post(
        f"/warehouse/pick/{pl.pk}/",
        {"line-0": line.pk, "qty-0": "3", "short_reason": "bin empty"},
        follow=True,
    )
    assert "picked, 1 short (backordered). Pack it now." in text(response)
    assert response.redirect_chain[-1][0] == f"/warehouse/pack/{pl.pk}/"


def test_pick_pack_and_ship_through_the_pages(clerk_api, wh_api, desk, dock):
    a, b = desk.items[0], desk.items[1]
    order = place(clerk_api, desk, (a.sku, "3"), (b.sku, "2"), customer_po="PO-PAGES")
    release(wh_api, desk)
    pl = pick_list_for(order["id"])
    lines = list(pl.lines.order_by("pk"))
    picked = dock.post(
        f"/warehouse/pick/{pl.pk}/",
        {"line-0": lines[0].pk, "qty-0": "3", "line-1": lines[1].pk, "qty-1": "2"},
    )
    assert picked.status_code == 302

    pack = dock.get(f"/warehouse/pack/{pl.pk}/")
    assert 'name="pkg-0-weight" value="2.5"' in text(pack)  # 5 × 0.5 kg
    added = dock.post(
        f"/warehouse/pack/{pl.pk}/", {"packages": "1", "add": "1", "pkg-0-weight": "2"}
    )
    assert "Package 2" in text(added)
    refused = dock.post(
        f"/warehouse/pack/{pl.pk}/",
        {"packages": "2", "pkg-0-weight": "2", "qty-0-0": "3", "qty-0-1": "1", "pkg-1-weight": "1"},
    )
    assert f"line 2 ({b.sku}): 2 picked, 1 packed" in text(refused)
    packed = dock.post(
        f"/warehouse/pack/{pl.pk}/",
        {
            "packages": "2",
            "pkg-0-weight": "2",
            "pkg-0-length": "40",
            "qty-0-0": "3",
            "qty-0-1": "1",
            "pkg-1-kind": "envelope",
            "pkg-1-weight": "0.6",
            "qty-1-1": "1",
        },
    )
    assert packed.status_code == 302 and packed["Location"] == f"/warehouse/ship/{pl.pk}/"

    ship_page = dock.get(f"/warehouse/ship/{pl.pk}/")
    body = text(ship_page)
    assert "No problems" in body and "PKG" in body
    done = dock.post(
        f"/warehouse/ship/{pl.pk}/",
        {"ship_method": "UPS-GND", "tracking_number": "1ZPAGE", "ship_date": TODAY.isoformat()},
        follow=True,
    )
    body = text(done)
    shipment = Shipment.objects.get()
    assert done.redirect_chain[-1][0] == f"/warehouse/shipments/{shipment.pk}/"
    assert f"Shipment {shipment.number} confirmed, invoiced as INV" in body
    assert "1ZPAGE" in body and "Packing list" in body
    assert [p.weight_kg for p in shipment.packages.order_by("pk")] == [D(2), D("0.6")]


def test_the_ship_page_shows_compliance_problems_before_confirming(clerk_api, wh_api, desk, dock):
    paint = priced_item(desk, un_number="UN1263", hazmat_class="3")
    stock_move(actor=None, item=paint, warehouse=desk.warehouse, quantity=D(5), kind="receipt")
    order = place(clerk_api, desk, (paint.sku, "1"), ship_method="LTL-HAZ")
    release(wh_api, desk)
    pl = pick_list_for(order["id"])
    pick_all(wh_api, pl.pk)
    pack_one_carton(wh_api, pl.pk)

    page = text(dock.get(f"/warehouse/ship/{pl.pk}/"))
    assert "1 problem: this shipment cannot leave on LTL hazmat." in page
    assert "emergency contact of warehouse" in page
    panel = text(dock.get(f"/warehouse/ship/{pl.pk}/compliance/", {"ship_method": "UPS-GND"}))
    assert "2 problems" in panel and "does not take dangerous goods" in panel
    assert "Fix: ship it on a service that takes dangerous goods (LTL-HAZ)" in panel

    refused = dock.post(
        f"/warehouse/ship/{pl.pk}/", {"ship_method": "UPS-GND", "ship_date": TODAY.isoformat()}
    )

    assert refused.status_code == 200
    assert 'data-code="hazmat_carrier"' in text(refused)
    assert not Shipment.objects.exists()


def _shipped(clerk_api, wh_api, desk, lines: int, po: str) -> Shipment:
    order = place(
        clerk_api, desk, *[(desk.items[n].sku, "1") for n in range(lines)], customer_po=po
    )
    release(wh_api, desk, orders=[order["id"]])
    pl = pick_list_for(order["id"])
    pick_all(wh_api, pl.pk)
    pack_one_carton(wh_api, pl.pk)
    status, body = ship(wh_api, pl.pk)
    assert status == 201, body
    return Shipment.objects.get(pk=body["id"])


def test_the_shipment_page_shows_lines_packages_documents_and_invoice(
    clerk_api, wh_api, desk, dock
):
    shipment = _shipped(clerk_api, wh_api, desk, 2, "PO-SH")
    invoice = shipment.invoices.get()

    page = dock.get(f"/warehouse/shipments/{shipment.pk}/")

    body = text(page)
    assert page.status_code == 200
    assert shipment.number in body and "1Z999AA10123456784" in body
    assert desk.items[0].sku in body and desk.items[1].sku in body
    docs = f"/warehouse/shipments/{shipment.pk}/documents/packing_list/"
    assert f'href="{docs}"' in body and f'href="{docs}pdf/"' in body
    assert f'<a href="/billing/invoices/{invoice.pk}/">{invoice.number}</a>' in body
    preview = dock.get(docs)
    assert preview.status_code == 200 and "default-src 'none'" in preview["Content-Security-Policy"]
    listed = text(dock.get("/warehouse/shipments/", {"q": "PO-SH"}))
    assert shipment.number in listed


def test_the_shipment_page_reads_the_same_queries_for_2_lines_as_for_5(
    clerk_api, wh_api, desk, dock
):
    small = _shipped(clerk_api, wh_api, desk, 2, "PO-SMALL")
    large = _shipped(clerk_api, wh_api, desk, 5, "PO-LARGE")
    dock.get(f"/warehouse/shipments/{small.pk}/")  # session and user warm

    with CaptureQueriesContext(connection) as few:
        assert dock.get(f"/warehouse/shipments/{small.pk}/").status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert dock.get(f"/warehouse/shipments/{large.pk}/").status_code == 200

    # session, user, shipment with its relations, lines, packages, documents, invoices
    assert len(few) == len(many) == 7


def test_portal_users_see_their_own_shipments_only(clerk_api, wh_api, desk):
    shipment = _shipped(clerk_api, wh_api, desk, 1, "PO-P")
    own = logged_in(Role.PORTAL, customer=desk.customer)
    other = logged_in(Role.PORTAL, customer=CustomerFactory())

    assert own.get(f"/warehouse/shipments/{shipment.pk}/").status_code == 200
    assert shipment.number in text(own.get("/warehouse/shipments/"))
    assert other.get(f"/warehouse/shipments/{shipment.pk}/").status_code == 404
    assert shipment.number not in text(other.get("/warehouse/shipments/"))
    assert (
        other.get(f"/warehouse/shipments/{shipment.pk}/documents/packing_list/").status_code == 404
    )
    assert (
        other.get(f"/warehouse/shipments/{shipment.pk}/documents/packing_list/pdf/").status_code
        == 404
    )
    assert own.get(f"/warehouse/pick/{shipment.pick_list_id}/").status_code == 403


def test_the_wave_page_lists_its_pick_lists_with_the_next_step(clerk_api, wh_api, desk, dock):
    order = place(clerk_api, desk, (desk.items[0].sku, "2"))
    release(wh_api, desk)
    pl = pick_list_for(order["id"])

    body = text(dock.get(f"/warehouse/waves/{pl.wave_id}/"))

    assert pl.number in body and f'href="/warehouse/pick/{pl.pk}/"' in body


def test_the_pick_page_reads_the_same_queries_for_1_line_as_for_4(clerk_api, wh_api, desk, dock):
    small = place(clerk_api, desk, (desk.items[0].sku, "1"), customer_po="S")
    large = place(
        clerk_api, desk, *[(desk.items[n].sku, "2") for n in range(1, 5)], customer_po="L"
    )
    release(wh_api, desk)
    small_pl, large_pl = pick_list_for(small["id"]), pick_list_for(large["id"])
    dock.get(f"/warehouse/pick/{small_pl.pk}/")

    with CaptureQueriesContext(connection) as few:
        assert dock.get(f"/warehouse/pick/{small_pl.pk}/").status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert dock.get(f"/warehouse/pick/{large_pl.pk}/").status_code == 200

    # session, user, pick list with its order, lines, picks, packages
    assert len(few) == len(many) == 6

"""Picking: lots and serials as scanned (plain or GS1), another lot than allocated, quality
holds, short picks turning into backorders, ship-complete orders with a short, kits."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from orderdesk.catalog.models import KitComponent
from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.fulfilment.models import Pick, PickList
from orderdesk.fulfilment.picking import PickInput, pick_confirm
from orderdesk.inventory.models import Lot, StockLevel
from orderdesk.inventory.services import lot_hold
from orderdesk.orders.allocation import backorders_fill
from orderdesk.orders.models import Allocation, SalesOrderLine

from ..factories import ItemFactory, PriceListEntryFactory, UserFactory
from .flow import (
    TODAY,
    D,
    level,
    lines_of,
    lot_item,
    order_row,
    pick_list_for,
    place,
    post,
    receive,
    release,
    serial_item,
)

pytestmark = pytest.mark.django_db

GTIN = "09501101530003"
SOON, LATER = dt.date(2026, 6, 30), dt.date(2027, 1, 31)


def picks(client, pick_list_id: int, rows: list[dict], reason: str = "") -> tuple[int, Any]:
    return post(
        client, f"/pick-lists/{pick_list_id}/picks", {"picks": rows, "short_reason": reason}
    )


def state(*items) -> list:
    """Everything a refused pick must leave as it was."""
    return [
        list(StockLevel.objects.filter(item__in=items).order_by("pk").values_list(
            "lot", "on_hand", "allocated"
        )),
        list(Allocation.objects.order_by("pk").values_list("lot", "quantity", "released")),
        list(PickList.objects.order_by("pk").values_list("status", flat=True)),
        Pick.objects.count(),
        list(SalesOrderLine.objects.order_by("pk").values_list(
            "qty_allocated", "qty_backordered", "qty_shipped"
        )),
    ]  # fmt: skip


@pytest.fixture
def glue(desk):
    """A lot-controlled item: L1 (5, expires first) and L2 (10)."""
    return lot_item(desk, [("L1", 5, SOON), ("L2", 10, LATER)])


def released(clerk_api, wh_api, desk, *lines, **header) -> tuple[dict, PickList, list[dict]]:
    order = place(clerk_api, desk, *lines, **header)
    status, body = release(wh_api, desk, orders=[order["id"]])
    assert status == 200, body
    pick_list = pick_list_for(order["id"])
    return order, pick_list, lines_of(wh_api, pick_list.pk)


def test_the_allocated_lot_is_first_expiring_and_picking_it_changes_no_reservation(
    clerk_api, wh_api, desk, glue
):
    order, pl, [line] = released(clerk_api, wh_api, desk, (glue.sku, "4"))
    assert (line["lot"], line["tracking"]) == ("L1", "lot")

    status, body = picks(
        wh_api, pl.pk, [{"pick_line": line["id"], "quantity": "4", "scanned": "L1"}]
    )

    assert status == 200, body
    assert body["status"] == "picked"
    assert body["lines"][0]["picks"][0]["lot"] == "L1"
    assert level(glue, desk.warehouse, "L1") == (D(5), D(4))
    assert order_row(order["id"]).status == "released"


def test_another_lot_with_free_stock_takes_the_reservation_with_it(clerk_api, wh_api, desk, glue):
    _order, pl, [line] = released(clerk_api, wh_api, desk, (glue.sku, "4"))

    status, body = picks(
        wh_api, pl.pk, [{"pick_line": line["id"], "quantity": "4", "scanned": "L2"}]
    )

    assert status == 200, body
    assert level(glue, desk.warehouse, "L1") == (D(5), D(0))
    assert level(glue, desk.warehouse, "L2") == (D(10), D(4))
    assert list(Allocation.objects.values_list("lot", "quantity", "released")) == [
        ("L2", D(4), True)
    ]
    assert body["lines"][0]["qty_picked"] == "4.0000"


def test_a_line_taken_from_two_lots(clerk_api, wh_api, desk, glue):
    _order, pl, rows = released(clerk_api, wh_api, desk, (glue.sku, "7"))
    # FEFO: L1 first, then L2
    assert [(r["lot"], r["quantity"]) for r in rows] == [("L1", "5.0000"), ("L2", "2.0000")]

    status, body = picks(
        wh_api,
        pl.pk,
        [
            {"pick_line": rows[0]["id"], "quantity": "3", "scanned": "L1"},
            {"pick_line": rows[0]["id"], "quantity": "2", "scanned": "L2"},
            {"pick_line": rows[1]["id"], "quantity": "2", "scanned": "L2"},
        ],
    )

    assert status == 200, body
    assert level(glue, desk.warehouse, "L1") == (D(5), D(3))
    assert level(glue, desk.warehouse, "L2") == (D(10), D(4))
    assert sorted(Allocation.objects.values_list("lot", "quantity")) == [("L1", D(3)), ("L2", D(4))]


def test_gs1_labels_human_readable_and_raw_with_count(clerk_api, wh_api, desk, glue):
    _order, pl, rows = released(clerk_api, wh_api, desk, (glue.sku, "7"))

    status, body = picks(
        wh_api,
        pl.pk,
        [
            {"pick_line": rows[0]["id"], "scanned": f"(01){GTIN}(17)260630(10)L1(37)5"},
            {"pick_line": rows[1]["id"], "quantity": "2", "scanned": f"]C101{GTIN}10L2\x1d3702"},
        ],
    )

    assert status == 200, body
    assert [(p["lot"], p["quantity"]) for r in body["lines"] for p in r["picks"]] == [
        ("L1", "5.0000"),
        ("L2", "2.0000"),
    ]
    assert Pick.objects.order_by("pk").first().scanned == f"(01){GTIN}(17)260630(10)L1(37)5"


@pytest.mark.parametrize(
    ("scanned", "code", "says"),
    [
        ("", "lot_required", "is lot controlled: scan its lot number"),
        (f"(01){GTIN}", "lot_required", "the label scanned carries no lot number (10)"),
        ("(01)09501101530004(10)L1", "scan_invalid", "wrong check digit"),
        ("L9", "lot_unknown", "lot L9 of"),
    ],
)
def test_a_scan_that_names_no_usable_lot_is_refused(
    clerk_api, wh_api, desk, glue, scanned, code, says
):
    _order, pl, [line] = released(clerk_api, wh_api, desk, (glue.sku, "4"))
    before = state(glue)

    status, body = picks(
        wh_api, pl.pk, [{"pick_line": line["id"], "quantity": "4", "scanned": scanned}]
    )

    assert (status, body["code"]) == (422, code)
    assert says in body["message"]
    assert state(glue) == before


def test_a_lot_on_quality_hold_is_refused_with_the_reason(clerk_api, wh_api, desk, glue):
    _order, pl, [line] = released(clerk_api, wh_api, desk, (glue.sku, "4"))
    lot_hold(actor=UserFactory(role=Role.MANAGER), lot=Lot.objects.get(item=glue, number="L1"),
             reason="viscosity out of spec")  # fmt: skip
    before = state(glue)

    status, body = picks(
        wh_api, pl.pk, [{"pick_line": line["id"], "quantity": "4", "scanned": "L1"}]
    )

    assert (status, body["code"]) == (422, "lot_on_hold")
    assert body["message"].endswith(
        f"lot L1 of {glue.sku} is on quality hold (viscosity out of spec): it may not be picked"
    )
    assert state(glue) == before


def test_another_lot_without_enough_free_stock_is_refused(clerk_api, wh_api, desk, glue):
    _order, pl, [line] = released(clerk_api, wh_api, desk, (glue.sku, "4"))
    other = place(clerk_api, desk, (glue.sku, "9"), customer_po="OTHER")  # L1 1 + L2 8
    assert other["status"] == "allocated"
    before = state(glue)

    status, body = picks(
        wh_api, pl.pk, [{"pick_line": line["id"], "quantity": "4", "scanned": "L2"}]
    )

    assert (status, body["code"]) == (422, "lot_not_free")
    assert "lot L2 of" in body["message"] and "has 2 free" in body["message"]
    assert state(glue) == before


def test_picking_more_than_asked_is_refused(clerk_api, wh_api, desk, glue):
    _order, pl, [line] = released(clerk_api, wh_api, desk, (glue.sku, "4"))

    status, body = picks(
        wh_api, pl.pk, [{"pick_line": line["id"], "quantity": "5", "scanned": "L1"}]
    )

    assert (status, body["code"]) == (422, "over_picked")
    assert "5 picked, the pick line asks for 4" in body["message"]


# serials


@pytest.fixture
def meter(desk):
    return serial_item(desk, ["SN-001", "SN-002", "SN-003", "SN-004"])


def test_serials_one_per_unit_another_serial_moves_the_reservation(clerk_api, wh_api, desk, meter):
    _order, pl, rows = released(clerk_api, wh_api, desk, (meter.sku, "2"))
    assert [(r["lot"], r["quantity"], r["tracking"]) for r in rows] == [
        ("SN-001", "1.0000", "serial"),
        ("SN-002", "1.0000", "serial"),
    ]

    status, body = picks(
        wh_api,
        pl.pk,
        [
            {"pick_line": rows[0]["id"], "scanned": "(21)SN-003"},
            {"pick_line": rows[1]["id"], "scanned": "SN-002"},
        ],
    )

    assert status == 200, body
    assert level(meter, desk.warehouse, "SN-001") == (D(1), D(0))
    assert level(meter, desk.warehouse, "SN-003") == (D(1), D(1))
    assert sorted(Allocation.objects.values_list("lot", flat=True)) == ["SN-002", "SN-003"]


@pytest.mark.parametrize(
    ("second", "code", "says"),
    [
        ({"scanned": "SN-001"}, "serial_duplicate", "serial SN-001 of"),
        ({"scanned": "SN-002", "quantity": "2"}, "quantity_invalid", "scan one serial per unit"),
        ({"scanned": "SN-999"}, "serial_not_in_stock", "serial SN-999 of"),
        ({"scanned": f"(01){GTIN}(10)B1"}, "serial_required", "carries no serial number (21)"),
    ],
)
def test_serial_capture_refusals(clerk_api, wh_api, desk, meter, second, code, says):
    _order, pl, rows = released(clerk_api, wh_api, desk, (meter.sku, "2"))
    before = state(meter)

    status, body = picks(
        wh_api,
        pl.pk,
        [{"pick_line": rows[0]["id"], "scanned": "SN-001"}, {"pick_line": rows[1]["id"], **second}],
    )

    assert (status, body["code"]) == (422, code)
    assert says in body["message"]
    assert state(meter) == before


# short picks


def test_a_short_pick_becomes_a_backorder(clerk_api, wh_api, desk):
    item = desk.items[0]
    order, pl, [line] = released(clerk_api, wh_api, desk, (item.sku, "5"))

    status, body = picks(wh_api, pl.pk, [{"pick_line": line["id"], "quantity": "3"}])
    assert (status, body["code"], body["field"]) == (422, "short_reason_required", "short_reason")
    assert f"line 1 ({item.sku}) short 2" in body["message"]

    status, body = picks(wh_api, pl.pk, [{"pick_line": line["id"], "quantity": "3"}], "bin empty")

    assert status == 200, body
    assert body["status"] == "picked"
    assert (body["lines"][0]["qty_picked"], body["lines"][0]["qty_short"]) == ("3.0000", "2.0000")
    ol = SalesOrderLine.objects.get(order_id=order["id"])
    assert (ol.qty_allocated, ol.qty_backordered, ol.status) == (D(3), D(2), "partial")
    assert level(item, desk.warehouse) == (D(100), D(3))
    assert list(Allocation.objects.values_list("quantity", "released")) == [(D(3), True)]
    event = Event.objects.get(object_type="orders.salesorder", action="pick.short")
    assert (event.reason, event.after["backordered"]) == (
        "bin empty",
        [{"line_no": 1, "quantity": "2.0000"}],
    )
    assert order_row(order["id"]).status == "released"


def test_nothing_picked_cancels_the_pick_list_and_the_order_waits(clerk_api, wh_api, desk):
    item = desk.items[0]
    order, pl, [_line] = released(clerk_api, wh_api, desk, (item.sku, "5"))

    status, body = picks(wh_api, pl.pk, [], "whole bin damaged")

    assert status == 200, body
    assert body["status"] == "cancelled"
    assert order_row(order["id"]).status == "backordered"
    assert level(item, desk.warehouse) == (D(100), D(0))
    assert not Allocation.objects.exists()


def test_ship_complete_with_a_short_ships_nothing_and_waits_whole(clerk_api, wh_api, desk):
    a, b = desk.items[0], desk.items[1]
    order, pl, rows = released(
        clerk_api, wh_api, desk, (a.sku, "4"), (b.sku, "3"), ship_complete=True
    )

    status, body = picks(
        wh_api,
        pl.pk,
        [
            {"pick_line": rows[0]["id"], "quantity": "4"},
            {"pick_line": rows[1]["id"], "quantity": "2"},
        ],
        "one damaged",
    )

    assert status == 200, body
    assert body["status"] == "cancelled"
    assert order_row(order["id"]).status == "backordered"
    assert sorted(Allocation.objects.values_list("item_id", "quantity", "released")) == sorted(
        [(a.pk, D(4), False), (b.pk, D(2), False)]
    )  # back on the shelf, still reserved
    assert level(a, desk.warehouse) == (D(100), D(4))
    assert level(b, desk.warehouse) == (D(100), D(2))
    lines = SalesOrderLine.objects.filter(order_id=order["id"]).order_by("line_no")
    assert [(ln.qty_allocated, ln.qty_backordered, ln.status) for ln in lines] == [
        (D(4), D(0), "allocated"),
        (D(2), D(1), "partial"),
    ]
    # not released again while line 2 waits …
    status, waves = release(wh_api, desk)
    assert (status, waves) == (200, [])
    status, body = release(wh_api, desk, orders=[order["id"]])
    assert (status, body["code"]) == (409, "release_refused")
    assert "ship complete, still waiting for stock (line 2: 1 not allocated)" in body["message"]
    # … until the backorder is filled
    assert backorders_fill(actor=None, item_ids=[b.pk], today=TODAY) == 1
    assert order_row(order["id"]).status == "allocated"
    status, waves = release(wh_api, desk)
    assert status == 200 and len(waves) == 1
    fresh = pick_list_for(order["id"])
    assert fresh.pk != pl.pk
    assert sorted(fresh.lines.values_list("item_id", "quantity")) == sorted(
        [(a.pk, D(4)), (b.pk, D(2)), (b.pk, D(1))]
    )


# kits


def test_a_kit_ships_in_whole_kits_and_odd_components_go_back(clerk_api, wh_api, desk):
    a, b = desk.items[0], desk.items[1]
    kit = ItemFactory(is_kit=True, weight_kg=D("1.5"))
    PriceListEntryFactory(price_list=desk.customer.price_list, item=kit, unit_price=D("50"))
    KitComponent.objects.create(kit=kit, component=a, quantity=D(2))
    KitComponent.objects.create(kit=kit, component=b, quantity=D(1))
    order, pl, rows = released(clerk_api, wh_api, desk, (kit.sku, "2"))
    assert sorted((r["sku"], r["quantity"]) for r in rows) == sorted(
        [(a.sku, "4.0000"), (b.sku, "2.0000")]
    )
    by_sku = {r["sku"]: r for r in rows}

    status, body = picks(
        wh_api,
        pl.pk,
        [
            {"pick_line": by_sku[a.sku]["id"], "quantity": "4"},
            {"pick_line": by_sku[b.sku]["id"], "quantity": "1"},
        ],
        "one missing",
    )

    assert status == 200, body
    got = {r["sku"]: (r["qty_picked"], r["qty_short"]) for r in body["lines"]}
    assert got == {a.sku: ("2.0000", "2.0000"), b.sku: ("1.0000", "1.0000")}
    ol = SalesOrderLine.objects.get(order_id=order["id"])
    assert (ol.qty_allocated, ol.qty_backordered) == (D(1), D(1))  # kit units
    assert level(a, desk.warehouse) == (D(100), D(2))
    assert level(b, desk.warehouse) == (D(100), D(1))
    assert sorted(Pick.objects.values_list("pick_line__item_id", "quantity")) == sorted(
        [(a.pk, D(2)), (b.pk, D(1))]
    )


def test_only_an_open_pick_list_is_picked(clerk_api, wh_api, desk):
    _order, pl, [line] = released(clerk_api, wh_api, desk, (desk.items[0].sku, "2"))
    picks(wh_api, pl.pk, [{"pick_line": line["id"], "quantity": "2"}])

    status, body = picks(wh_api, pl.pk, [{"pick_line": line["id"], "quantity": "2"}])

    assert (status, body["code"]) == (409, "pick_list_wrong_status")


def test_a_pick_line_of_another_list_is_refused(clerk_api, wh_api, desk):
    _order, pl, [_line] = released(clerk_api, wh_api, desk, (desk.items[0].sku, "2"))
    _other, _pl2, [line2] = released(
        clerk_api, wh_api, desk, (desk.items[1].sku, "1"), customer_po="X"
    )

    with pytest.raises(Exception, match=f"pick line {line2['id']} is not on pick list"):
        pick_confirm(
            actor=UserFactory(role=Role.WAREHOUSE),
            pick_list=pl,
            picks=[PickInput(line2["id"], D(1))],
        )


def test_received_lot_stock_can_be_picked_after_a_backorder_fill(clerk_api, wh_api, desk, glue):
    order = place(clerk_api, desk, (glue.sku, "20"))
    assert order["status"] == "backordered"  # 15 in stock
    receive(glue, desk.warehouse, 5, "L3", LATER)
    assert backorders_fill(actor=None, item_ids=[glue.pk], today=TODAY) == 1
    _status, _ = release(wh_api, desk)
    rows = lines_of(wh_api, pick_list_for(order["id"]).pk)

    assert sorted((r["lot"], r["quantity"]) for r in rows) == [
        ("L1", "5.0000"),
        ("L2", "10.0000"),
        ("L3", "5.0000"),
    ]

"""Warehouses, stock levels, the ledger and stock adjustments through the API."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.inventory.models import MovementKind, StockLevel, StockMovement, Warehouse
from orderdesk.inventory.services import stock_move

from ..factories import ItemFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


def _receive(item, warehouse, qty: str) -> None:
    stock_move(
        actor=None, item=item, warehouse=warehouse, quantity=Decimal(qty), kind=MovementKind.RECEIPT
    )


def test_create_patch_read_and_list_warehouses(manager_api):
    created = manager_api.post(
        "/api/v1/warehouses",
        {"code": "atl", "name": "Atlanta DC", "timezone": "America/New_York", "country": "US"},
        content_type="application/json",
    )
    wid = created.json()["id"]
    patched = manager_api.patch(
        f"/api/v1/warehouses/{wid}", {"name": "Atlanta"}, content_type="application/json"
    )
    read = manager_api.get(f"/api/v1/warehouses/{wid}")
    listed = manager_api.get("/api/v1/warehouses", {"active": "true"})

    assert created.status_code == 201
    assert (created.json()["code"], created.json()["timezone"]) == ("ATL", "America/New_York")
    assert (patched.json()["name"], read.json()["name"]) == ("Atlanta", "Atlanta")
    assert [w["code"] for w in listed.json()["items"]] == ["ATL"]
    assert list(Event.objects.values_list("action", flat=True)) == [
        "warehouse.created",
        "warehouse.updated",
    ]


def test_invalid_time_zone_answers_422(manager_api):
    response = manager_api.post(
        "/api/v1/warehouses",
        {"code": "X", "name": "X", "timezone": "Mars/Olympus"},
        content_type="application/json",
    )

    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        422,
        "timezone_invalid",
        "timezone",
    )
    assert Warehouse.objects.count() == 0


def test_warehouse_holding_stock_cannot_be_deactivated(manager_api):
    warehouse = WarehouseFactory()
    _receive(ItemFactory(), warehouse, "5")

    response = manager_api.patch(
        f"/api/v1/warehouses/{warehouse.pk}", {"active": False}, content_type="application/json"
    )

    assert (response.status_code, response.json()["code"]) == (422, "warehouse_has_stock")
    warehouse.refresh_from_db()
    assert warehouse.active is True


def test_patch_unknown_warehouse_is_404(manager_api):
    response = manager_api.patch(
        "/api/v1/warehouses/99999", {"name": "X"}, content_type="application/json"
    )

    assert response.status_code == 404


def test_stock_levels_by_item_and_warehouse(clerk_api, django_assert_max_num_queries):
    chicago, dallas = WarehouseFactory(), WarehouseFactory(code="DAL", name="Dallas DC")
    item = ItemFactory(sku="CAP-45")
    _receive(item, chicago, "12")
    _receive(item, dallas, "3.5")
    for _ in range(10):
        _receive(ItemFactory(), chicago, "1")

    with django_assert_max_num_queries(4):
        by_item = clerk_api.get("/api/v1/stock-levels", {"item": item.pk})
    by_both = clerk_api.get("/api/v1/stock-levels", {"item": item.pk, "warehouse": dallas.pk})

    assert [
        (s["warehouse_code"], s["on_hand"], s["available"]) for s in by_item.json()["items"]
    ] == [
        ("CHI", "12.0000", "12.0000"),
        ("DAL", "3.5000", "3.5000"),
    ]
    assert by_both.json()["count"] == 1
    assert by_both.json()["items"][0]["uom_code"] == "EA"


def test_read_stock_level_and_unknown_is_404(clerk_api):
    item, warehouse = ItemFactory(), WarehouseFactory()
    _receive(item, warehouse, "2")
    level = StockLevel.objects.get()

    found = clerk_api.get(f"/api/v1/stock-levels/{level.pk}")
    missing = clerk_api.get("/api/v1/stock-levels/987654")

    assert (found.status_code, found.json()["on_hand"]) == (200, "2.0000")
    assert missing.status_code == 404


def test_stock_movements_ledger(clerk_api, django_assert_max_num_queries):
    item, warehouse = ItemFactory(), WarehouseFactory()
    _receive(item, warehouse, "10")
    stock_move(
        actor=None, item=item, warehouse=warehouse, quantity=Decimal(-4), kind=MovementKind.ISSUE
    )
    for _ in range(5):
        _receive(ItemFactory(), warehouse, "1")

    with django_assert_max_num_queries(4):
        response = clerk_api.get("/api/v1/stock-movements", {"item": item.pk})
    issues = clerk_api.get("/api/v1/stock-movements", {"item": item.pk, "kind": "issue"})

    assert [(m["kind"], m["quantity"]) for m in response.json()["items"]] == [
        ("receipt", "10.0000"),
        ("issue", "-4.0000"),
    ]
    assert issues.json()["count"] == 1


def test_adjust_to_a_count_books_the_difference(manager_api):
    item, warehouse = ItemFactory(), WarehouseFactory()
    _receive(item, warehouse, "10")

    response = manager_api.post(
        "/api/v1/stock-adjustments",
        {"item_id": item.pk, "warehouse_id": warehouse.pk, "counted": "7", "reason": "cycle count"},
        content_type="application/json",
    )

    assert response.status_code == 201
    movement = response.json()["movement"]
    assert (movement["kind"], movement["quantity"], movement["actor"]) == (
        "adjustment",
        "-3.0000",
        manager_api.user.username,
    )
    assert StockLevel.objects.get().on_hand == Decimal(7)


def test_count_matching_the_book_books_nothing(manager_api):
    item, warehouse = ItemFactory(), WarehouseFactory()
    _receive(item, warehouse, "10")

    response = manager_api.post(
        "/api/v1/stock-adjustments",
        {"item_id": item.pk, "warehouse_id": warehouse.pk, "counted": "10", "reason": "count"},
        content_type="application/json",
    )

    assert (response.status_code, response.json()) == (200, {"movement": None})
    assert StockMovement.objects.count() == 1


def test_adjust_by_a_difference(manager_api):
    item, warehouse = ItemFactory(), WarehouseFactory()

    response = manager_api.post(
        "/api/v1/stock-adjustments",
        {"item_id": item.pk, "warehouse_id": warehouse.pk, "delta": "4", "reason": "found"},
        content_type="application/json",
    )

    assert (response.status_code, response.json()["movement"]["quantity"]) == (201, "4.0000")


def test_adjustment_taking_more_than_on_hand_is_409(manager_api):
    item, warehouse = ItemFactory(), WarehouseFactory()
    _receive(item, warehouse, "2")

    response = manager_api.post(
        "/api/v1/stock-adjustments",
        {"item_id": item.pk, "warehouse_id": warehouse.pk, "delta": "-5", "reason": "damaged"},
        content_type="application/json",
    )

    assert (response.status_code, response.json()["code"]) == (409, "insufficient_stock")
    assert StockLevel.objects.get().on_hand == Decimal(2)


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"counted": "5", "delta": "1"}, "adjustment_invalid", "counted"),
        ({"counted": "5", "item_id": 987654}, "reference_unknown", "item_id"),
        ({"counted": "5", "reason": "  "}, "reason_required", "reason"),
        ({"counted": "1.00001"}, "invalid", "counted"),
    ],
)
def test_invalid_adjustment_answers_422(manager_api, body, code, field):
    item, warehouse = ItemFactory(), WarehouseFactory()
    payload = {"item_id": item.pk, "warehouse_id": warehouse.pk, "reason": "count", **body}

    response = manager_api.post(
        "/api/v1/stock-adjustments", payload, content_type="application/json"
    )

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert StockMovement.objects.count() == 0
    assert Event.objects.count() == 0


def test_clerk_may_not_adjust_stock(clerk_api):
    item, warehouse = ItemFactory(), WarehouseFactory()

    response = clerk_api.post(
        "/api/v1/stock-adjustments",
        {"item_id": item.pk, "warehouse_id": warehouse.pk, "delta": "4", "reason": "found"},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert StockMovement.objects.count() == 0
    assert Event.objects.count() == 0


def test_portal_user_may_not_see_stock(api_client):
    portal = api_client(Role.PORTAL)

    assert portal.get("/api/v1/stock-levels").status_code == 403
    assert portal.get("/api/v1/warehouses").status_code == 403

"""Purchase orders through the API: create, change while draft, send, receive, cancel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.inventory.models import StockLevel
from orderdesk.purchasing.models import PurchaseOrder

from ..factories import ItemFactory, VendorFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/purchase-orders"


def _soon(days: int = 7) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _order(**extra: object) -> dict:
    if "lines" not in extra:
        extra["lines"] = [
            {"item_id": ItemFactory(sku="FAN-1").pk, "quantity": "10", "unit_cost": "42.50"},
            {"item_id": ItemFactory(sku="BELT-2").pk, "quantity": "4", "unit_cost": "3.10"},
        ]
    return {
        "vendor_id": VendorFactory().pk,
        "warehouse_id": WarehouseFactory().pk,
        "expected_date": _soon(),
        **extra,
    }


def _create(client, **extra: object) -> dict:
    response = client.post(URL, _order(**extra), content_type="application/json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_create_draft_purchase_order(manager_api):
    data = _create(manager_api, vendor_reference="Q-77")

    assert (data["status"], data["warehouse_code"], data["vendor_reference"]) == (
        "draft",
        "CHI",
        "Q-77",
    )
    assert data["number"].startswith("PO")
    assert [
        (ln["line_no"], ln["item_sku"], ln["quantity_ordered"], ln["unit_cost"])
        for ln in data["lines"]
    ] == [
        (1, "FAN-1", "10.0000", "42.5000"),
        (2, "BELT-2", "4.0000", "3.1000"),
    ]
    assert Event.objects.get(action="purchase_order.created").object_id == str(data["id"])


def test_unknown_item_on_a_line_is_422(manager_api):
    body = _order()
    body["lines"][1]["item_id"] = 987654

    response = manager_api.post(URL, body, content_type="application/json")

    assert (response.status_code, response.json()["field"]) == (422, "lines.1.item_id")
    assert PurchaseOrder.objects.count() == 0
    assert Event.objects.count() == 0


def test_expected_date_in_the_past_is_422(manager_api):
    response = manager_api.post(
        URL, _order(expected_date="2001-01-01"), content_type="application/json"
    )

    assert (response.status_code, response.json()["code"]) == (422, "date_invalid")
    assert PurchaseOrder.objects.count() == 0


def test_patch_draft_replaces_lines_and_records_the_change(manager_api):
    data = _create(manager_api)
    item = ItemFactory(sku="COIL-9")

    response = manager_api.patch(
        f"{URL}/{data['id']}",
        {"notes": "rush", "lines": [{"item_id": item.pk, "quantity": "2", "unit_cost": "99"}]},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["notes"] == "rush"
    assert [ln["item_sku"] for ln in response.json()["lines"]] == ["COIL-9"]
    event = Event.objects.get(action="purchase_order.updated")
    assert event.after["notes"] == "rush"


def test_sent_purchase_order_cannot_be_changed(manager_api):
    data = _create(manager_api, notes="first")
    sent = manager_api.post(f"{URL}/{data['id']}/send")

    response = manager_api.patch(
        f"{URL}/{data['id']}", {"notes": "late"}, content_type="application/json"
    )

    assert sent.json()["status"] == "open"
    assert (response.status_code, response.json()["code"]) == (409, "not_draft")
    assert PurchaseOrder.objects.get().notes == "first"


def test_receive_books_stock_and_moves_the_status(manager_api):
    data = _create(manager_api)
    manager_api.post(f"{URL}/{data['id']}/send")

    partly = manager_api.post(
        f"{URL}/{data['id']}/receive",
        {"receipts": [{"line_no": 1, "quantity": "6"}], "reference": "ASN-1"},
        content_type="application/json",
    )
    rest = manager_api.post(
        f"{URL}/{data['id']}/receive",
        {"receipts": [{"line_no": 1, "quantity": "4"}, {"line_no": 2, "quantity": "4"}]},
        content_type="application/json",
    )

    assert partly.json()["status"] == "partially_received"
    assert [ln["quantity_open"] for ln in partly.json()["lines"]] == ["4.0000", "4.0000"]
    assert rest.json()["status"] == "received"
    assert sorted(StockLevel.objects.values_list("item__sku", "on_hand")) == [
        ("BELT-2", Decimal(4)),
        ("FAN-1", Decimal(10)),
    ]


def test_over_receipt_is_refused_and_nothing_is_booked(manager_api):
    data = _create(manager_api)
    manager_api.post(f"{URL}/{data['id']}/send")

    response = manager_api.post(
        f"{URL}/{data['id']}/receive",
        {"receipts": [{"line_no": 1, "quantity": "20"}]},
        content_type="application/json",
    )

    assert (response.status_code, response.json()["code"]) == (422, "over_receipt")
    assert StockLevel.objects.count() == 0


def test_cancel_a_draft(manager_api):
    data = _create(manager_api)

    response = manager_api.post(
        f"{URL}/{data['id']}/cancel",
        {"reason": "vendor cannot deliver"},
        content_type="application/json",
    )

    assert response.json()["status"] == "cancelled"
    assert Event.objects.get(action="purchase_order.cancelled").reason == "vendor cannot deliver"


def test_list_and_read_pin_their_queries(manager_api, clerk_api, django_assert_max_num_queries):
    for _ in range(5):
        lines = [
            {"item_id": ItemFactory().pk, "quantity": "1", "unit_cost": "1"},
            {"item_id": ItemFactory().pk, "quantity": "2", "unit_cost": "1"},
        ]
        _create(manager_api, lines=lines)
    first = PurchaseOrder.objects.order_by("pk").first()
    assert first is not None

    with django_assert_max_num_queries(4):
        listed = clerk_api.get(URL, {"status": "draft"})
    with django_assert_max_num_queries(4):
        read = clerk_api.get(f"{URL}/{first.pk}")

    assert listed.json()["count"] == 5
    assert len(read.json()["lines"]) == 2


def test_read_unknown_purchase_order_is_404(clerk_api):
    assert clerk_api.get(f"{URL}/424242").status_code == 404


def test_clerk_reads_but_may_not_buy(clerk_api):
    response = clerk_api.post(URL, _order(), content_type="application/json")

    assert response.status_code == 403
    assert PurchaseOrder.objects.count() == 0
    assert Event.objects.count() == 0


def test_portal_user_may_not_see_purchase_orders(api_client):
    assert api_client(Role.PORTAL).get(URL).status_code == 403

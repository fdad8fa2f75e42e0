"""Orders through the API: the clean path, holds and their actions, changes, access."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from orderdesk.core.roles import Role
from orderdesk.inventory.models import StockLevel
from orderdesk.notify.models import OutboxMessage
from orderdesk.orders.errors import OrderConflict
from orderdesk.orders.models import Acknowledgement, OrderChange, SalesOrder
from orderdesk.orders.states import OrderStatus

from .world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def post(client: Client, body: dict, **headers: str) -> tuple[int, dict]:
    r = client.post(
        "/api/v1/orders", json.dumps(body), content_type="application/json", headers=headers
    )
    return r.status_code, r.json()


def act(client: Client, path: str, body: dict | None = None) -> tuple[int, dict]:
    r = client.post(path, json.dumps(body or {}), content_type="application/json")
    return r.status_code, r.json()


def allocated(world: World, i: int) -> Decimal:
    return StockLevel.objects.get(item=world.items[i], warehouse=world.warehouse).allocated


def test_clean_order_is_priced_allocated_and_acknowledged_untouched(
    clerk_api: Client, world: World
) -> None:
    skus = [i.sku for i in world.items]
    status, order = post(clerk_api, world.body(*[(s, "3") for s in skus]))
    assert status == 201, order
    assert order["status"] == "allocated"
    assert order["channel"] == "api"
    assert [ln["qty_allocated"] for ln in order["lines"]] == ["3.0000"] * 5
    assert all(ln["unit_price"] == "10.0000" and ln["net"] == "30.0000" for ln in order["lines"])
    assert order["merchandise"] == "150.0000"
    assert Decimal(order["total"]) == Decimal(order["merchandise"]) + Decimal(
        order["charges_total"]
    ) + Decimal(order["tax_total"])
    assert [f for f in order["findings"] if f["severity"] != "warn"] == []
    assert [a["revision"] for a in order["acknowledgements"]] == [1]
    assert allocated(world, 0) == Decimal(3)
    ack = Acknowledgement.objects.get(order_id=order["id"])
    assert ack.data["lines"][0]["sku"] == skus[0]
    msg = OutboxMessage.objects.get(dedupe_key=f"ack:{order['number']}:1")
    assert "buyer@example.com" in msg.to


def test_price_hold_then_override_accepts_and_acknowledges(clerk_api: Client, world: World) -> None:
    skus = [i.sku for i in world.items]
    status, order = post(clerk_api, world.body((skus[0], "2", "7.00"), (skus[1], "1")))
    assert status == 201
    assert order["status"] == "held"
    [finding] = [f for f in order["findings"] if f["code"] == "price_mismatch"]
    assert finding["line_no"] == 1 and finding["hold_kind"] == "price"
    assert "7" in finding["message"] and "10" in finding["message"]
    assert allocated(world, 0) == 0  # a held order holds no stock
    status, body = act(
        clerk_api,
        f"/api/v1/orders/{order['id']}/findings/{finding['id']}/override",
        {"reason": ""},
    )
    assert status == 422 and body["field"] == "reason"
    status, order = act(
        clerk_api,
        f"/api/v1/orders/{order['id']}/findings/{finding['id']}/override",
        {"reason": "customer agreed our price by phone"},
    )
    assert status == 200, order
    assert order["status"] == "allocated"
    assert [a["revision"] for a in order["acknowledgements"]] == [1]
    assert allocated(world, 0) == Decimal(2)


def test_apply_fix_accepts_our_price(clerk_api: Client, world: World) -> None:
    sku = world.items[0].sku
    _, order = post(clerk_api, world.body((sku, "2", "7.00")))
    [finding] = [f for f in order["findings"] if f["code"] == "price_mismatch"]
    status, order = act(clerk_api, f"/api/v1/orders/{order['id']}/findings/{finding['id']}/fix")
    assert status == 200, order
    assert order["status"] == "allocated"
    assert order["lines"][0]["customer_price"] is None


def test_credit_hold_needs_billing_to_override(api_client, clerk_api: Client, world: World) -> None:
    world.customer.credit_limit = Decimal("20")
    world.customer.save()
    _, order = post(clerk_api, world.body((world.items[0].sku, "5")))
    assert order["status"] == "held"
    [finding] = [f for f in order["findings"] if f["hold_kind"] == "credit"]
    path = f"/api/v1/orders/{order['id']}/findings/{finding['id']}/override"
    status, _ = act(clerk_api, path, {"reason": "trust them"})
    assert status == 403
    assert SalesOrder.objects.get(pk=order["id"]).status == OrderStatus.HELD
    status, order = act(api_client(Role.BILLING), path, {"reason": "payment received today"})
    assert status == 200 and order["status"] == "allocated"


def test_held_order_cannot_be_allocated_by_any_path(clerk_api: Client, world: World) -> None:
    from orderdesk.orders.allocation import order_allocate

    _, body = post(clerk_api, world.body((world.items[0].sku, "2", "1.00")))
    order = SalesOrder.objects.get(pk=body["id"])
    with pytest.raises(OrderConflict):
        order_allocate(actor=None, order=order, today=order.order_date)
    assert allocated(world, 0) == 0
    # re-sending the same PO with the same lines gives back the held order, not a new one
    status, again = post(clerk_api, world.body((world.items[0].sku, "2", "1.00")))
    assert status == 200 and again["id"] == body["id"] and again["status"] == "held"


def test_release_needs_a_reason_and_accepts(clerk_api: Client, world: World) -> None:
    _, order = post(clerk_api, world.body((world.items[0].sku, "2", "1.00")))
    status, order = act(
        clerk_api, f"/api/v1/orders/{order['id']}/release", {"reason": "approved by sales"}
    )
    assert status == 200 and order["status"] == "allocated"
    assert all(f["status"] != "open" or f["severity"] == "warn" for f in order["findings"])


def test_unknown_customer_is_refused_with_field_and_fix(clerk_api: Client, world: World) -> None:
    body = world.body((world.items[0].sku, "1"))
    body["customer"] = "NOPE"
    status, err = post(clerk_api, body)
    assert status == 422
    assert err["field"] == "customer" and err["fix"]
    assert SalesOrder.objects.count() == 0


def test_unknown_sku_is_kept_on_a_block(clerk_api: Client, world: World) -> None:
    status, order = post(clerk_api, world.body(("NO-SUCH-SKU", "1"), (world.items[0].sku, "1")))
    assert status == 201
    assert order["status"] == "held"
    [f] = [f for f in order["findings"] if f["code"] == "sku_unknown"]
    assert f["severity"] == "block" and f["line_no"] == 1
    status, _ = act(
        clerk_api,
        f"/api/v1/orders/{order['id']}/findings/{f['id']}/override",
        {"reason": "ship it anyway"},
    )
    assert status == 422


def test_portal_orders_for_own_account_and_sees_only_its_orders(
    api_client, clerk_api: Client, world: World
) -> None:
    portal = api_client(Role.PORTAL, customer=world.customer)
    body = world.body((world.items[0].sku, "1"))
    body.pop("customer")
    status, order = post(portal, body)
    assert status == 201, order
    assert order["channel"] == "portal" and order["customer"] == world.customer.account_number
    other = build_world()
    _, theirs = post(clerk_api, other.body((other.items[0].sku, "1"), customer_po="X"))
    assert portal.get(f"/api/v1/orders/{theirs['id']}").status_code == 404
    listed = portal.get("/api/v1/orders").json()
    assert [o["id"] for o in listed["items"]] == [order["id"]]
    body["customer"] = other.customer.account_number
    status, err = post(portal, body)
    assert status == 422 and err["field"] == "customer"


def test_cancel_gives_stock_back(clerk_api: Client, world: World) -> None:
    _, order = post(clerk_api, world.body((world.items[0].sku, "4")))
    assert allocated(world, 0) == 4
    status, order = act(
        clerk_api, f"/api/v1/orders/{order['id']}/cancel", {"reason": "customer cancelled"}
    )
    assert status == 200 and order["status"] == "cancelled"
    assert order["lines"][0]["qty_cancelled"] == "4.0000"
    assert allocated(world, 0) == 0


def test_quantity_change_reallocates_and_sends_revision_two(
    clerk_api: Client, world: World
) -> None:
    skus = [i.sku for i in world.items]
    _, order = post(clerk_api, world.body((skus[0], "4"), (skus[1], "1")))
    status, result = act(
        clerk_api,
        f"/api/v1/orders/{order['id']}/changes",
        {"reason": "customer phoned", "lines": [{"line_no": 1, "quantity": "6"}]},
    )
    assert status == 200, result
    order = result["order"]
    assert order["lines"][0]["qty_allocated"] == "6.0000"
    assert order["lines"][0]["net"] == "60.0000"
    assert allocated(world, 0) == 6
    assert [a["revision"] for a in order["acknowledgements"]] == [1, 2]
    ack = Acknowledgement.objects.get(order_id=order["id"], revision=2)
    assert any(c["kind"] == "quantity" for c in ack.data["changes"])


def test_large_change_waits_for_approval(api_client, clerk_api: Client, world: World) -> None:
    _, order = post(clerk_api, world.body((world.items[0].sku, "1")))
    status, result = act(
        clerk_api,
        f"/api/v1/orders/{order['id']}/changes",
        {"reason": "big job", "lines": [{"line_no": 1, "quantity": "120"}]},
    )
    assert status == 200
    assert result["pending_change"] is not None
    assert allocated(world, 0) == 1  # nothing applied yet
    change = OrderChange.objects.get(pk=result["pending_change"]["id"])
    status, result = act(
        api_client(Role.DESK_COORDINATOR),
        f"/api/v1/orders/{order['id']}/changes/{change.pk}/approve",
        {"reason": "confirmed with sales"},
    )
    assert status == 200, result
    line = result["order"]["lines"][0]
    assert (line["qty_allocated"], line["qty_backordered"]) == ("100.0000", "20.0000")


def test_shortage_backorders_with_promised_date(clerk_api: Client, world: World) -> None:
    status, order = post(clerk_api, world.body((world.items[0].sku, "130")))
    assert status == 201
    line = order["lines"][0]
    assert order["status"] == "backordered"
    assert line["qty_allocated"] == "100.0000" and line["qty_backordered"] == "30.0000"
    assert line["promised_date"] is not None


def test_portal_cannot_change_or_cancel_its_order(api_client, world: World) -> None:
    portal = api_client(Role.PORTAL, customer=world.customer)
    _, order = post(portal, world.body((world.items[0].sku, "2")))
    status, _ = act(portal, f"/api/v1/orders/{order['id']}/cancel", {"reason": "no longer needed"})
    assert status == 403
    status, _ = act(
        portal,
        f"/api/v1/orders/{order['id']}/changes",
        {"reason": "more", "lines": [{"line_no": 1, "quantity": "3"}]},
    )
    assert status == 403
    assert SalesOrder.objects.get(pk=order["id"]).status == OrderStatus.ALLOCATED
    assert portal.get(f"/api/v1/orders/{order['id']}/events").status_code == 403


def test_line_actions_decommit_and_move(api_client, clerk_api: Client, world: World) -> None:
    from tests.factories import WarehouseFactory

    from .world import stock

    dallas = WarehouseFactory(code="DAL", name="Dallas DC")
    stock(world.items[0], dallas, 50)
    _, order = post(clerk_api, world.body((world.items[0].sku, "5")))
    base = f"/api/v1/orders/{order['id']}/lines/1"
    status, order = act(clerk_api, f"{base}/decommit", {"reason": "customer asked to wait"})
    assert status == 200, order
    assert order["lines"][0]["qty_allocated"] == "0.0000"
    assert order["lines"][0]["qty_backordered"] == "5.0000"
    status, order = act(
        clerk_api, f"{base}/move", {"reason": "ship from Dallas", "warehouse": "DAL"}
    )
    assert status == 200, order
    line = order["lines"][0]
    assert line["warehouse"] == "DAL" and line["qty_allocated"] == "5.0000"
    assert [a["warehouse"] for a in line["allocations"]] == ["DAL"]
    status, _ = act(api_client(Role.SERVICE_CLERK), f"{base}/expedite", {"reason": "rush"})
    assert status == 403


def test_an_added_line_without_po_price_still_needs_approval_above_the_threshold(
    clerk_api: Client, world: World
) -> None:
    _, order = post(clerk_api, world.body((world.items[0].sku, "1")))
    status, result = act(
        clerk_api,
        f"/api/v1/orders/{order['id']}/changes",
        {"reason": "site extension", "add": [{"sku": world.items[1].sku, "quantity": "150"}]},
    )
    assert status == 200, result
    assert result["pending_change"] is not None  # 150 × 10.00 at our price > 1,000
    assert result["pending_change"]["value_delta"] == "1500.0000"
    assert len(result["order"]["lines"]) == 1
    assert allocated(world, 1) == 0

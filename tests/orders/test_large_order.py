"""A 1,000-line order through the API and through a CSV file, and a one-line change to it.

Speed is measured in bench/order_pipeline.py; here: that it is taken whole, that the page
opens, and that changing one line re-validates that line only.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from orderdesk.core.roles import Role
from orderdesk.orders import rules
from orderdesk.orders.models import Acknowledgement, SalesOrder

from .world import World, build_world

pytestmark = pytest.mark.django_db

LINES = 1000


@pytest.fixture
def world() -> World:
    return build_world(items=100, on_hand=100000, price="2.50", repeat_orders=True)


def _body(world: World) -> dict:
    return world.body(
        *[(world.items[n % len(world.items)].sku, str(1 + n % 7)) for n in range(LINES)],
        customer_po="BIG-1",
    )


def test_a_1000_line_order_is_priced_allocated_and_acknowledged(
    clerk_api: Client, world: World
) -> None:
    r = clerk_api.post("/api/v1/orders", json.dumps(_body(world)), content_type="application/json")
    assert r.status_code == 201
    order = r.json()
    assert order["status"] == "allocated" and len(order["lines"]) == LINES
    assert sum(Decimal(ln["net"]) for ln in order["lines"]) == Decimal(order["merchandise"])
    assert Decimal(order["total"]) == sum(
        (Decimal(order[k]) for k in ("merchandise", "charges_total", "tax_total")), Decimal(0)
    )
    ack = Acknowledgement.objects.get(order_id=order["id"])
    assert len(ack.data["lines"]) == LINES
    browser = Client()
    browser.force_login(clerk_api.user)  # type: ignore[attr-defined]
    page = browser.get(f"/orders/{order['id']}/")
    assert page.status_code == 200 and order["number"] in page.content.decode()


def test_changing_one_line_revalidates_that_line_only(
    clerk_api: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = clerk_api.post("/api/v1/orders", json.dumps(_body(world)), content_type="application/json")
    order_id = r.json()["id"]
    seen: list[frozenset[str] | None] = []
    original = rules.evaluate

    def spy(facts, policy, *, only_lines=None):  # type: ignore[no-untyped-def]
        seen.append(only_lines)
        return original(facts, policy, only_lines=only_lines)

    monkeypatch.setattr(rules, "evaluate", spy)
    written: list[int] = []
    from orderdesk.orders import holds

    real_update = holds.update_rows

    def count_rows(model, objs, fields):  # type: ignore[no-untyped-def]
        written.append(len(objs))
        return real_update(model, objs, fields)

    monkeypatch.setattr(holds, "update_rows", count_rows)
    r = clerk_api.post(
        f"/api/v1/orders/{order_id}/changes",
        json.dumps({"reason": "customer phoned", "lines": [{"line_no": 500, "quantity": "9"}]}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.json()
    assert seen == [frozenset({"500"})]
    assert written == [1]  # the one line re-resolved and written back, not 1,000
    line = r.json()["order"]["lines"][499]
    assert (line["quantity"], line["qty_allocated"]) == ("9.0000", "9.0000")
    assert [a["revision"] for a in r.json()["order"]["acknowledgements"]] == [1, 2]


def test_a_1000_line_order_from_a_csv_file(api_client, world: World) -> None:
    from orderdesk.orders.file_intake import order_file_import, order_file_preview

    rows = ["customer,customer_po,ship_method,freight_payment,sku,quantity"]
    for n in range(LINES):
        sku = world.items[n % len(world.items)].sku
        rows.append(f"{world.customer.account_number},CSV-1,UPS-GND,prepaid,{sku},{1 + n % 7}")
    clerk = api_client(Role.ORDER_CLERK).user
    preview = order_file_preview(actor=clerk, data="\n".join(rows).encode(), file_name="big.csv")
    assert preview.preview["counts"]["orders"] == 1
    imported = order_file_import(actor=clerk, order_file=preview)
    [result] = imported.result["orders"]
    assert result["status"] == "accepted", result
    order = SalesOrder.objects.get(number=result["number"])
    assert order.channel == "file" and order.lines.count() == LINES
    assert order.status == "allocated"

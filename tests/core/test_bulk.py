"""update_rows writes each row's own values exactly as save() would, on both databases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from orderdesk.core.bulk import update_rows
from orderdesk.orders.models import SalesOrderLine
from tests.orders.world import build_world

pytestmark = pytest.mark.django_db


def test_update_rows_writes_decimals_dates_json_and_foreign_keys(clerk_api) -> None:
    import json

    world = build_world(items=3)
    body = world.body(*[(i.sku, "2") for i in world.items])
    order_id = clerk_api.post(
        "/api/v1/orders", json.dumps(body), content_type="application/json"
    ).json()["id"]
    lines = list(SalesOrderLine.objects.filter(order_id=order_id).order_by("line_no"))
    for n, line in enumerate(lines):
        line.unit_price = Decimal("1.2345") + n
        line.promised_date = dt.date(2026, 12, 1 + n)
        line.price_trace = [f"trace {n}", "ü"]
        line.warehouse = None if n == 0 else world.warehouse
    assert (
        update_rows(
            SalesOrderLine, lines, ["unit_price", "promised_date", "price_trace", "warehouse"]
        )
        == 3
    )
    again = list(SalesOrderLine.objects.filter(order_id=order_id).order_by("line_no"))
    assert [ln.unit_price for ln in again] == [
        Decimal("1.2345"),
        Decimal("2.2345"),
        Decimal("3.2345"),
    ]
    assert [ln.promised_date.day for ln in again] == [1, 2, 3]
    assert again[2].price_trace == ["trace 2", "ü"]
    assert [ln.warehouse_id for ln in again] == [None, world.warehouse.pk, world.warehouse.pk]
    assert update_rows(SalesOrderLine, [], ["unit_price"]) == 0

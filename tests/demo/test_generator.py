"""The generator alone, without a database: sizes, validity and determinism."""

from __future__ import annotations

import collections
import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal

import pytest

from orderdesk.core.roles import Role
from orderdesk.demo.data_places import CITIES
from orderdesk.demo.generate import fingerprint, generate
from orderdesk.demo.rows import DemoData
from orderdesk.parties.postal import check_postal_code

TODAY = dt.date(2025, 6, 2)


@pytest.fixture(scope="module")
def data() -> DemoData:
    return generate(7, TODAY)


def test_sizes_are_those_of_the_demo_company(data: DemoData) -> None:
    assert len(data.customers) == 200
    assert len(data.items) == 2000
    assert len(data.warehouses) == 3
    assert len(data.vendors) == 25
    assert sorted(u.role for u in data.users) == sorted(Role.values)


def test_every_customer_has_one_bill_to_and_one_to_six_ship_tos(data: DemoData) -> None:
    kinds = collections.Counter((a.account_number, a.kind) for a in data.addresses)
    for customer in data.customers:
        assert kinds[(customer.account_number, "bill_to")] == 1
        assert 1 <= kinds[(customer.account_number, "ship_to")] <= 6


def test_every_postal_code_passes_the_clerks_check(data: DemoData) -> None:
    places = [(a.country, a.postal_code) for a in data.addresses]
    places += [(v.country, v.postal_code) for v in data.vendors]
    places += [(w.country, w.postal_code) for w in data.warehouses]
    assert [p for p in places if check_postal_code(*p) is not None] == []
    assert {a.country for a in data.addresses} == {"US", "CA", "MX", "GB", "DE", "FR"}


def test_coordinates_are_decimals_near_their_city(data: DemoData) -> None:
    centre = {(c.country, c.name): (Decimal(c.lat), Decimal(c.lon)) for c in CITIES}
    for a in data.addresses:
        lat, lon = centre[(a.country, a.city)]
        assert isinstance(a.latitude, Decimal) and isinstance(a.longitude, Decimal)
        assert abs(a.latitude - lat) <= Decimal("0.13") and abs(a.longitude - lon) <= Decimal(
            "0.13"
        )
        assert a.latitude.as_tuple().exponent == -6


def test_natural_keys_are_unique(data: DemoData) -> None:
    for values in (
        [c.account_number for c in data.customers],
        [c.name for c in data.customers],
        [i.sku for i in data.items],
        [(a.account_number, a.kind, a.code) for a in data.addresses],
        [(c.account_number, c.name) for c in data.contacts],
        [(lot.sku, lot.number) for lot in data.lots],
        [(s.sku, s.warehouse_code, s.lot) for s in data.stock],
        [(p.price_list_code, p.sku, p.min_quantity) for p in data.price_entries],
        [(c.account_number, c.sku, c.valid_from) for c in data.contract_prices],
    ):
        assert len(values) == len(set(values))


def test_catalogue_rules(data: DemoData) -> None:
    items = {i.sku: i for i in data.items}
    retired = [i for i in data.items if i.status == "discontinued"]
    assert retired
    for item in retired:
        successor = items[item.replacement_sku]
        assert (successor.status, successor.item_group) == ("active", item.item_group)
    groups = collections.Counter(i.item_group for i in data.items)
    assert groups["KITS"] == 10
    assert {c.kit_sku for c in data.kit_components} == {i.sku for i in data.items if i.is_kit}
    assert all(items[c.component_sku].status == "active" for c in data.kit_components)
    refrigerants = [i for i in data.items if i.item_group == "REFRIGERANT"]
    assert all(i.tracking == "lot" and i.hazmat_class == "2.2" for i in refrigerants)
    assert {"UN1078", "UN3163"} <= {i.un_number for i in refrigerants}
    assert all(i.tracking == "serial" for i in data.items if i.item_group == "COMPRESSORS")
    assert any(i.export_control_class == "5A992.c" for i in data.items)
    assert {i.base_uom for i in data.items} == {"EA", "FT"}
    assert {c.uom for c in data.conversions} == {"CS", "PL", "RL"}


def test_stock_follows_tracking(data: DemoData) -> None:
    items = {i.sku: i for i in data.items}
    lots = {(lot.sku, lot.number) for lot in data.lots}
    for row in data.stock:
        tracking = items[row.sku].tracking
        assert row.on_hand > 0
        assert (row.lot == "") == (tracking == "none")
        if tracking == "serial":
            assert row.on_hand == 1
        if row.lot:
            assert (row.sku, row.lot) in lots
    assert not any(items[row.sku].is_kit for row in data.stock)


def test_open_purchase_orders_expect_receipts(data: DemoData) -> None:
    orders = data.purchase_orders
    assert len(orders) == 12
    assert any(o.drop_ship and o.ship_to for o in orders)
    assert {o.currency for o in orders} >= {"USD", "CAD", "EUR"}
    assert sum(o.expected_date >= TODAY for o in orders if o.status == "open") >= 6
    assert all(o.lines and all(line.quantity_ordered > 0 for line in o.lines) for o in orders)


def test_no_float_anywhere(data: DemoData) -> None:
    assert "float" not in {type(v).__name__ for v in _values(data)}


def _values(obj: object) -> list[object]:
    if isinstance(obj, list | tuple):
        return [x for v in obj for x in _values(v)]
    if hasattr(obj, "__dataclass_fields__"):
        return [x for name in obj.__dataclass_fields__ for x in _values(getattr(obj, name))]
    return [obj]


def test_same_seed_same_company_and_other_seed_another(data: DemoData) -> None:
    assert fingerprint(generate(7, TODAY)) == fingerprint(data)
    other = generate(8, TODAY)
    assert fingerprint(other) != fingerprint(data)
    assert [c.name for c in other.customers] != [c.name for c in data.customers]


def test_same_seed_same_company_in_another_process(data: DemoData) -> None:
    """Another process with another hash seed: nothing may depend on set or dict order."""
    code = (
        "import datetime as dt; from orderdesk.demo.generate import fingerprint, generate; "
        f"print(fingerprint(generate(7, dt.date({TODAY.year}, {TODAY.month}, {TODAY.day}))))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "DJANGO_SETTINGS_MODULE": "orderdesk.settings"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == fingerprint(data)


def test_every_ship_to_has_a_tax_rate(data: DemoData) -> None:
    rates = {(t.country, t.region) for t in data.tax_rates}
    for a in data.addresses:
        assert (a.country, a.region) in rates or (a.country, "") in rates, a

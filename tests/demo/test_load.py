"""The demo company loaded into the test database: counts, invariants, users, numbering."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.db.models import Count, Sum

from orderdesk.catalog.models import Item, KitComponent
from orderdesk.core.models import DocumentSequence, Event, User
from orderdesk.core.roles import Role
from orderdesk.demo.generate import DEMO_PASSWORD, generate
from orderdesk.demo.load import demo_is_loaded, load_demo
from orderdesk.inventory.models import Lot, StockLevel, StockMovement, Warehouse
from orderdesk.parties.models import Address, Customer, Vendor
from orderdesk.parties.postal import check_postal_code
from orderdesk.pricing.models import ContractPrice, PriceList, PriceListEntry
from orderdesk.purchasing.models import PurchaseOrder

SEED = 11
TODAY = dt.date(2025, 6, 2)


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: object) -> Iterator[dict[str, int]]:
    """Load once per module inside a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield load_demo(seed=SEED, today=TODAY)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


pytestmark = pytest.mark.django_db


def test_counts(loaded: dict[str, int]) -> None:
    assert demo_is_loaded()
    assert Customer.objects.count() == loaded["customers"] == 200
    assert Item.objects.count() == 2000
    assert Warehouse.objects.count() == 3
    assert Vendor.objects.count() == 25
    assert PriceList.objects.count() == 3
    assert PriceListEntry.objects.count() == loaded["price_list_entries"] > 6000
    assert ContractPrice.objects.values("customer").distinct().count() == 40
    assert KitComponent.objects.values("kit").distinct().count() == 10
    assert PurchaseOrder.objects.count() == 12
    per_customer = Address.objects.values("customer").annotate(n=Count("id"))
    assert {row["n"] for row in per_customer} <= set(range(2, 8))


def test_every_address_postal_code_is_valid(loaded: dict[str, int]) -> None:
    rows = list(Address.objects.values_list("country", "postal_code"))
    rows += list(Warehouse.objects.values_list("country", "postal_code"))
    rows += list(Vendor.objects.values_list("country", "postal_code"))
    assert [r for r in rows if check_postal_code(*r) is not None] == []


def test_stock_ledger_sums_to_every_level(loaded: dict[str, int]) -> None:
    levels = {
        (row.item_id, row.warehouse_id, row.lot): row.on_hand for row in StockLevel.objects.all()
    }
    sums = {
        (row["item_id"], row["warehouse_id"], row["lot"]): row["total"]
        for row in StockMovement.objects.order_by()
        .values("item_id", "warehouse_id", "lot")
        .annotate(total=Sum("quantity"))
    }
    assert len(levels) == loaded["stock_levels"] > 3000
    assert sums == levels
    # opening balances, the afternoon's shipments, and one restocked return
    assert set(StockMovement.objects.values_list("kind", flat=True)) == {
        "opening",
        "issue",
        "return",
    }


def test_the_morning_orders_hold_exactly_the_stock_allocated_to_them(
    loaded: dict[str, int],
) -> None:
    from orderdesk.orders.models import Allocation, SalesOrder

    by_level = {
        (row["item_id"], row["warehouse_id"], row["lot"]): row["total"]
        for row in Allocation.objects.order_by()
        .values("item_id", "warehouse_id", "lot")
        .annotate(total=Sum("quantity"))
    }
    allocated = {
        (row.item_id, row.warehouse_id, row.lot): row.allocated
        for row in StockLevel.objects.exclude(allocated=0)
    }
    assert by_level == allocated and allocated
    statuses = set(SalesOrder.objects.values_list("status", flat=True))
    # held in the morning; on the warehouse board, shipped and invoiced in the afternoon
    assert {"held", "released", "invoiced"} <= statuses


def test_lot_and_serial_stock_have_their_lot_rows(loaded: dict[str, int]) -> None:
    lots = set(Lot.objects.values_list("item_id", "number"))
    tracked = StockLevel.objects.exclude(item__tracking="none")
    assert tracked.exists()
    assert all((item, lot) in lots for item, lot in tracked.values_list("item_id", "lot"))
    assert not tracked.filter(lot="").exists()
    assert not StockLevel.objects.filter(item__tracking="none").exclude(lot="").exists()
    serial = StockLevel.objects.filter(item__tracking="serial")
    assert set(serial.values_list("on_hand", flat=True)) <= {0, 1}


def test_one_user_per_role_with_the_demo_password(loaded: dict[str, int]) -> None:
    users = list(User.objects.select_related("customer"))
    assert sorted(u.role for u in users) == sorted(Role.values)
    # one shared hash (hashing is slow on purpose), and it is the documented password
    assert len({u.password for u in users}) == 1
    assert users[0].check_password(DEMO_PASSWORD)
    admin = next(u for u in users if u.role == Role.ADMIN)
    assert admin.is_superuser and admin.is_staff
    assert [u.username for u in users if u.is_staff] == [admin.username]
    portal = next(u for u in users if u.role == Role.PORTAL)
    assert portal.customer is not None and portal.customer.addresses.count() >= 3


def test_purchase_order_numbers_agree_with_the_sequence(loaded: dict[str, int]) -> None:
    numbers = sorted(PurchaseOrder.objects.values_list("number", flat=True))
    assert numbers == [f"PO{n:06d}" for n in range(1, 13)]
    assert DocumentSequence.objects.get(doc_type="purchase_order").next_value == 13


def test_loaded_company_is_the_generated_one(loaded: dict[str, int]) -> None:
    data = generate(SEED, TODAY)
    assert list(Customer.objects.order_by("account_number").values_list("name", flat=True)) == [
        c.name for c in sorted(data.customers, key=lambda c: c.account_number)
    ]
    assert sorted(Item.objects.values_list("sku", flat=True)) == sorted(i.sku for i in data.items)
    retired = Item.objects.filter(status="discontinued")
    assert retired.exists() and not retired.filter(replacement__isnull=True).exists()


def test_the_load_is_an_audit_event(loaded: dict[str, int]) -> None:
    event = Event.objects.get(action="demo.loaded")
    assert event.after is not None and event.after["seed"] == SEED
    assert event.after["customers"] == 200

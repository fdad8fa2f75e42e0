"""Price lists and their quantity breaks through the API."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.pricing.models import PriceList, PriceListEntry

from ..factories import CustomerFactory, ItemFactory, PriceListEntryFactory, PriceListFactory

pytestmark = pytest.mark.django_db


def test_create_price_list_and_new_default_demotes_the_old(manager_api):
    old = PriceListFactory(code="LIST", is_default=True)

    response = manager_api.post(
        "/api/v1/price-lists",
        {"code": "LIST-2026", "name": "List 2026", "currency": "usd", "is_default": True},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert (response.json()["currency"], response.json()["is_default"]) == ("USD", True)
    old.refresh_from_db()
    assert old.is_default is False
    assert sorted(Event.objects.values_list("action", flat=True)) == [
        "price_list.created",
        "price_list.updated",
    ]


def test_clerk_may_not_create_price_lists(clerk_api):
    response = clerk_api.post(
        "/api/v1/price-lists", {"code": "X", "name": "X"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert PriceList.objects.count() == 0
    assert Event.objects.count() == 0


def test_currency_of_a_used_price_list_is_locked(manager_api):
    price_list = PriceListFactory()
    CustomerFactory(price_list=price_list)

    response = manager_api.patch(
        f"/api/v1/price-lists/{price_list.pk}", {"currency": "CAD"}, content_type="application/json"
    )

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == (
        "price_list_currency_locked",
        "currency",
    )
    price_list.refresh_from_db()
    assert price_list.currency == "USD"


def test_patch_read_and_list_price_lists(manager_api):
    price_list = PriceListFactory(name="List")
    PriceListFactory(code="EU", currency="EUR", is_default=False)

    patched = manager_api.patch(
        f"/api/v1/price-lists/{price_list.pk}",
        {"name": "List prices"},
        content_type="application/json",
    )
    read = manager_api.get(f"/api/v1/price-lists/{price_list.pk}")
    listed = manager_api.get("/api/v1/price-lists", {"currency": "eur"})

    assert patched.json()["name"] == "List prices"
    assert read.json()["name"] == "List prices"
    assert [p["code"] for p in listed.json()["items"]] == ["EU"]


def test_upsert_creates_then_updates_a_price_break(manager_api):
    price_list, item = PriceListFactory(), ItemFactory()
    body = {
        "price_list_id": price_list.pk,
        "item_id": item.pk,
        "min_quantity": "10",
        "unit_price": "8.75",
    }

    created = manager_api.post("/api/v1/price-list-entries", body, content_type="application/json")
    updated = manager_api.post(
        "/api/v1/price-list-entries",
        {**body, "unit_price": "8.50"},
        content_type="application/json",
    )
    again = manager_api.post(
        "/api/v1/price-list-entries",
        {**body, "unit_price": "8.50"},
        content_type="application/json",
    )

    assert (created.status_code, updated.status_code, again.status_code) == (201, 200, 200)
    assert created.json()["id"] == updated.json()["id"]
    assert (updated.json()["unit_price"], updated.json()["currency"]) == ("8.5000", "USD")
    assert PriceListEntry.objects.count() == 1
    # the same price again changes nothing and records nothing
    assert list(Event.objects.values_list("action", flat=True)) == [
        "price_list_entry.created",
        "price_list_entry.updated",
    ]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"unit_price": "-1"}, "unit_price"),
        ({"unit_price": "1.00001"}, "unit_price"),
        ({"min_quantity": "0"}, "min_quantity"),
    ],
)
def test_invalid_price_break_answers_422(manager_api, extra, field):
    body = {"price_list_id": PriceListFactory().pk, "item_id": ItemFactory().pk, "unit_price": "5"}

    response = manager_api.post(
        "/api/v1/price-list-entries", {**body, **extra}, content_type="application/json"
    )

    assert (response.status_code, response.json()["field"]) == (422, field)
    assert PriceListEntry.objects.count() == 0


def test_moving_a_break_onto_another_answers_409(manager_api):
    entry = PriceListEntryFactory(min_quantity=Decimal(1))
    PriceListEntryFactory(price_list=entry.price_list, item=entry.item, min_quantity=Decimal(10))

    response = manager_api.patch(
        f"/api/v1/price-list-entries/{entry.pk}",
        {"min_quantity": "10"},
        content_type="application/json",
    )

    assert (response.status_code, response.json()["code"]) == (409, "price_break_taken")
    entry.refresh_from_db()
    assert entry.min_quantity == Decimal(1)


def test_list_breaks_of_an_item_in_quantity_order(clerk_api, django_assert_max_num_queries):
    item = ItemFactory()
    for qty, price in [("100", "7.00"), ("1", "10.00"), ("10", "9.00")]:
        PriceListEntryFactory(item=item, min_quantity=Decimal(qty), unit_price=Decimal(price))
    PriceListEntryFactory.create_batch(5)

    with django_assert_max_num_queries(4):
        response = clerk_api.get("/api/v1/price-list-entries", {"item": item.pk})

    assert [(e["min_quantity"], e["unit_price"]) for e in response.json()["items"]] == [
        ("1.0000", "10.0000"),
        ("10.0000", "9.0000"),
        ("100.0000", "7.0000"),
    ]


def test_read_price_break_and_patch_price(manager_api):
    entry = PriceListEntryFactory(unit_price=Decimal("10.00"))

    patched = manager_api.patch(
        f"/api/v1/price-list-entries/{entry.pk}",
        {"unit_price": "11.25"},
        content_type="application/json",
    )
    read = manager_api.get(f"/api/v1/price-list-entries/{entry.pk}")

    assert patched.json()["unit_price"] == "11.2500"
    assert read.json()["item_sku"] == entry.item.sku
    assert Event.objects.get(action="price_list_entry.updated").before == {"unit_price": "10.0000"}


def test_desk_coordinator_may_set_prices_but_portal_may_not_read_them(api_client):
    entry = PriceListEntryFactory()

    coordinator = api_client(Role.DESK_COORDINATOR).patch(
        f"/api/v1/price-list-entries/{entry.pk}",
        {"unit_price": "12"},
        content_type="application/json",
    )
    portal = api_client(Role.PORTAL).get("/api/v1/price-list-entries")

    assert (coordinator.status_code, portal.status_code) == (200, 403)

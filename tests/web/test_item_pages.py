"""Item list and item detail: units, compliance, kit, list prices, stock and lots."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orderdesk.catalog.models import KitComponent
from orderdesk.core.roles import Role
from orderdesk.inventory.models import Lot, StockLevel

from ..factories import ItemFactory, PriceListEntryFactory, WarehouseFactory
from .conftest import STAFF_ROLES

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_item_list_renders_for_every_staff_role(login, desk, role):
    response = login(role).get("/items/")
    assert response.status_code == 200
    assert "<h1>Items</h1>" in response.content.decode()


def test_item_search_partial_returns_matching_rows_with_available_stock(login, desk):
    body = login().get("/items/", {"q": "contactor"}, **HX).content.decode()
    assert "<html" not in body
    assert f'href="/items/{desk.contactor.pk}/" data-result>CT-3P-40A</a>' in body
    assert "CT-3P-40A-OLD" in body and "→ CT-3P-40A" in body  # discontinued, replaced
    assert "R410A" not in body
    # 120 - 20 in Chicago + 35.5 in Dallas
    assert '<td class="num">135.5</td>' in body


def test_item_search_by_description_words_and_status(login, desk):
    client = login()
    words = client.get("/items/", {"q": "cylinder 410"}, **HX).content.decode()
    assert "R410A-25" in words and "CT-3P" not in words
    discontinued = client.get("/items/", {"status": "discontinued"}, **HX).content.decode()
    assert "CT-3P-40A-OLD" in discontinued and "R410A-25" not in discontinued


@pytest.mark.django_db
def test_item_list_query_count(login, django_assert_max_num_queries):
    for _ in range(30):
        ItemFactory()
    client = login()
    # session, user, count, page of items (+unit, replacement, vendor, available subquery)
    with django_assert_max_num_queries(4):
        response = client.get("/items/")
    assert response.content.decode().count(" data-result>") == 25


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_item_detail_renders_for_every_staff_role(login, desk, role):
    response = login(role).get(f"/items/{desk.contactor.pk}/")
    assert response.status_code == 200
    assert "Contactor 3-pole 40A 24V coil" in response.content.decode()


def test_item_detail_shows_units_compliance_prices_and_stock(login, desk):
    body = login().get(f"/items/{desk.contactor.pk}/").content.decode()
    # units and conversions
    assert '<td class="num">12 EA</td>' in body and '<td class="num">480 EA</td>' in body
    # compliance
    assert "8536.49" in body and "MX" in body and "EAR99" in body
    assert "Not dangerous goods" in body
    # replaces the old model
    assert f'href="/items/{desk.old_contactor.pk}/" class="mono">CT-3P-40A-OLD</a>' in body
    # list prices per price list, with quantity breaks; extra decimals kept only when present
    assert "List prices <span" in body and "Contractor prices <span" in body
    assert "48.50" in body and "45.00" in body and "41.2375" in body
    assert '<td class="num">12 EA</td>' in body
    # stock by warehouse: on hand, allocated, available, and the total
    assert "Chicago DC" in body and "Dallas DC" in body
    assert '<td class="num"><strong>100</strong></td>' in body
    assert '<td class="num"><strong>35.5</strong></td>' in body
    assert '<td class="num"><strong>135.5</strong></td>' in body
    # last movement in the warehouse's time zone: 15:30 UTC is 09:30 CST
    assert "2026-03-02 09:30 CST" in body


def test_discontinued_item_links_its_replacement(login, desk):
    body = login().get(f"/items/{desk.old_contactor.pk}/").content.decode()
    assert "Discontinued" in body
    assert f'replaced by <a href="/items/{desk.contactor.pk}/"' in body


def test_hazmat_lot_item_shows_un_data_and_lots(login, desk):
    body = login().get(f"/items/{desk.refrigerant.pk}/").content.decode()
    assert "UN3163" in body and "2.2" in body and "Liquefied gas, n.o.s." in body
    assert "L2401" in body and "2027-06-30" in body
    assert "L2402" in body and "Valve recall" in body
    assert '<td class="num"><strong>12</strong></td>' in body  # 10 - 4 + 6


def test_kit_shows_components(login, desk):
    body = login().get(f"/items/{desk.kit.pk}/").content.decode()
    assert "Kit components" in body
    assert '<td class="num">2 EA</td>' in body and '<td class="num">1 EA</td>' in body
    assert "R410A-25" in body


def test_item_detail_query_count_does_not_grow(login, desk, django_assert_max_num_queries):
    client = login()
    StockLevel.objects.create(item=desk.kit, warehouse=desk.chicago, lot="K1", on_hand=Decimal(1))
    # session, user; item_get: item (+unit, replacement, vendor), conversions, kit components
    # (+their items and units); page: replaced items, list prices, stock levels, last
    # movements, lots
    with django_assert_max_num_queries(10) as small:
        assert client.get(f"/items/{desk.kit.pk}/").status_code == 200
    for n in range(6):
        part = ItemFactory()
        KitComponent.objects.create(kit=desk.kit, component=part, quantity=Decimal(n + 1))
        PriceListEntryFactory(price_list=desk.price_list, item=desk.kit, min_quantity=n + 1)
        warehouse = WarehouseFactory(code=f"W{n}", name=f"Warehouse {n}")
        StockLevel.objects.create(
            item=desk.kit, warehouse=warehouse, lot=f"LOT{n}", on_hand=Decimal(5)
        )
        Lot.objects.create(item=desk.kit, number=f"LOT{n}")
    with django_assert_max_num_queries(len(small)):
        body = client.get(f"/items/{desk.kit.pk}/").content.decode()
    assert body.count("Warehouse ") >= 6 and "LOT5" in body


def test_unknown_item_is_404(login, desk):
    assert login().get("/items/999999/").status_code == 404


@pytest.mark.parametrize("url", ["/items/", "/items/{pk}/"])
def test_portal_user_may_not_browse_the_catalogue(login, desk, url):
    client = login(Role.PORTAL, customer=desk.acme)
    assert client.get(url.format(pk=desk.contactor.pk)).status_code == 403

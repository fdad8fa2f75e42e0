"""Units of measure, unit conversions and kit components through the API."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orderdesk.catalog.models import KitComponent, UnitConversion, UnitOfMeasure
from orderdesk.core.models import Event

from ..factories import ItemFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_create_patch_read_and_list_units(clerk_api):
    created = clerk_api.post(
        "/api/v1/units", {"code": "PL", "name": "Palet"}, content_type="application/json"
    )
    unit_id = created.json()["id"]
    patched = clerk_api.patch(
        f"/api/v1/units/{unit_id}", {"name": "Pallet"}, content_type="application/json"
    )
    read = clerk_api.get(f"/api/v1/units/{unit_id}")
    listed = clerk_api.get("/api/v1/units", {"q": "pall"})

    assert created.status_code == 201
    assert patched.json()["name"] == "Pallet"
    assert read.json() == {"id": unit_id, "code": "PL", "name": "Pallet"}
    assert [u["code"] for u in listed.json()["items"]] == ["PL"]
    assert list(Event.objects.values_list("action", flat=True)) == ["uom.created", "uom.updated"]


def test_unit_code_taken_answers_409(clerk_api):
    UnitFactory(code="EA")

    response = clerk_api.post(
        "/api/v1/units", {"code": "EA", "name": "Each"}, content_type="application/json"
    )

    assert (response.status_code, response.json()["code"]) == (409, "uom_code_taken")
    assert UnitOfMeasure.objects.count() == 1


def test_add_change_and_remove_a_unit_conversion(clerk_api):
    item = ItemFactory()
    case = UnitFactory(code="CS", name="Case")

    created = clerk_api.post(
        "/api/v1/unit-conversions",
        {"item_id": item.pk, "uom_id": case.pk, "factor": "12"},
        content_type="application/json",
    )
    conversion_id = created.json()["id"]
    patched = clerk_api.patch(
        f"/api/v1/unit-conversions/{conversion_id}",
        {"factor": "24"},
        content_type="application/json",
    )
    read = clerk_api.get(f"/api/v1/unit-conversions/{conversion_id}")
    listed = clerk_api.get("/api/v1/unit-conversions", {"item": item.pk})
    deleted = clerk_api.delete(f"/api/v1/unit-conversions/{conversion_id}")

    assert created.status_code == 201
    assert (patched.json()["factor"], read.json()["factor"]) == ("24.0000", "24.0000")
    assert listed.json()["count"] == 1
    assert deleted.status_code == 204
    assert UnitConversion.objects.count() == 0
    assert list(Event.objects.values_list("action", flat=True)) == [
        "unit_conversion.created",
        "unit_conversion.updated",
        "unit_conversion.deleted",
    ]


def test_conversion_of_the_base_unit_is_refused(clerk_api):
    item = ItemFactory()

    response = clerk_api.post(
        "/api/v1/unit-conversions",
        {"item_id": item.pk, "uom_id": item.base_uom_id, "factor": "1"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == (
        "conversion_of_base_unit",
        "uom_id",
    )
    assert UnitConversion.objects.count() == 0


def test_duplicate_conversion_answers_409(clerk_api):
    item = ItemFactory()
    case = UnitFactory(code="CS", name="Case")
    UnitConversion.objects.create(item=item, uom=case, factor=Decimal(12))

    response = clerk_api.post(
        "/api/v1/unit-conversions",
        {"item_id": item.pk, "uom_id": case.pk, "factor": "6"},
        content_type="application/json",
    )

    assert (response.status_code, response.json()["code"]) == (409, "conversion_taken")


def test_add_change_and_remove_a_kit_component(clerk_api):
    kit, part = ItemFactory(sku="KIT-1", is_kit=True), ItemFactory(sku="PART-1")

    created = clerk_api.post(
        "/api/v1/kit-components",
        {"kit_id": kit.pk, "component_id": part.pk, "quantity": "2"},
        content_type="application/json",
    )
    line_id = created.json()["id"]
    patched = clerk_api.patch(
        f"/api/v1/kit-components/{line_id}", {"quantity": "3"}, content_type="application/json"
    )
    used_in = clerk_api.get("/api/v1/kit-components", {"component": part.pk})
    read = clerk_api.get(f"/api/v1/kit-components/{line_id}")
    deleted = clerk_api.delete(f"/api/v1/kit-components/{line_id}")

    assert created.status_code == 201
    assert (created.json()["kit_sku"], created.json()["component_sku"]) == ("KIT-1", "PART-1")
    assert patched.json()["quantity"] == "3.0000"
    assert [k["kit_sku"] for k in used_in.json()["items"]] == ["KIT-1"]
    assert read.json()["component_uom_code"] == "EA"
    assert deleted.status_code == 204
    assert KitComponent.objects.count() == 0
    assert Event.objects.get(action="kit_component.updated").after == {"quantity": "3.0000"}


def test_kit_may_not_contain_itself(clerk_api):
    kit = ItemFactory(is_kit=True)

    response = clerk_api.post(
        "/api/v1/kit-components",
        {"kit_id": kit.pk, "component_id": kit.pk, "quantity": "1"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == (
        "kit_contains_itself",
        "component_id",
    )
    assert KitComponent.objects.count() == 0
    assert Event.objects.count() == 0


def test_kit_may_not_contain_a_kit_that_contains_it(clerk_api):
    outer, inner = ItemFactory(is_kit=True), ItemFactory(is_kit=True)
    KitComponent.objects.create(kit=outer, component=inner, quantity=Decimal(1))

    response = clerk_api.post(
        "/api/v1/kit-components",
        {"kit_id": inner.pk, "component_id": outer.pk, "quantity": "1"},
        content_type="application/json",
    )

    assert (response.status_code, response.json()["code"]) == (422, "kit_contains_itself")


def test_components_only_on_kits(clerk_api):
    item, part = ItemFactory(), ItemFactory()

    response = clerk_api.post(
        "/api/v1/kit-components",
        {"kit_id": item.pk, "component_id": part.pk, "quantity": "1"},
        content_type="application/json",
    )

    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        422,
        "not_a_kit",
        "kit_id",
    )


def test_kit_with_components_may_not_stop_being_a_kit(clerk_api):
    kit = ItemFactory(is_kit=True)
    KitComponent.objects.create(kit=kit, component=ItemFactory(), quantity=Decimal(1))

    response = clerk_api.patch(
        f"/api/v1/items/{kit.pk}", {"is_kit": False}, content_type="application/json"
    )

    assert (response.status_code, response.json()["code"]) == (422, "kit_has_components")
    kit.refresh_from_db()
    assert kit.is_kit is True

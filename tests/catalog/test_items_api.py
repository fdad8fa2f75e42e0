"""Items through the API: create, read, list, change, discontinue with a replacement."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orderdesk.catalog.models import Item
from orderdesk.core.models import Event
from orderdesk.core.roles import Role

from ..factories import ItemFactory, UnitFactory, VendorFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/items"


def _new(**extra: object) -> dict:
    return {
        "sku": "CTR-3P-40",
        "description": "Contactor 3-pole 40A",
        "base_uom_id": UnitFactory().pk,
        **extra,
    }


def test_create_item_with_compliance_attributes(clerk_api):
    vendor = VendorFactory(code="V-SIE")
    body = _new(
        weight_kg="0.7500",
        length_cm="12.5",
        order_multiple="6",
        default_vendor_id=vendor.pk,
        hs_code="8536.49",
        country_of_origin="de",
        un_number="1950",
        hazmat_class="2.1",
        packing_group="ii",
        export_control_class="EAR99",
    )

    response = clerk_api.post(URL, body, content_type="application/json")

    assert response.status_code == 201
    data = response.json()
    assert (data["weight_kg"], data["length_cm"], data["order_multiple"]) == (
        "0.7500",
        "12.50",
        "6.0000",
    )
    assert (
        data["hs_code"],
        data["country_of_origin"],
        data["un_number"],
        data["packing_group"],
    ) == (
        "853649",
        "DE",
        "UN1950",
        "II",
    )
    assert (data["base_uom_code"], data["default_vendor_code"]) == ("EA", "V-SIE")
    assert (data["conversions"], data["components"]) == ([], [])
    assert Event.objects.get(action="item.created").object_id == str(data["id"])


@pytest.mark.parametrize(
    ("extra", "code", "field"),
    [
        ({"un_number": "UN19"}, "un_number_invalid", "un_number"),
        ({"un_number": "UN1950"}, "hazmat_incomplete", "hazmat_class"),
        ({"packing_group": "IV"}, "packing_group_invalid", "packing_group"),
        ({"hs_code": "85AB"}, "hs_code_invalid", "hs_code"),
        ({"country_of_origin": "QQ"}, "country_invalid", "country_of_origin"),
        ({"base_uom_id": 987654}, "reference_unknown", "base_uom_id"),
        ({"order_multiple": "0"}, "invalid", "order_multiple"),
        ({"length_cm": "1.234"}, "invalid", "length_cm"),
        ({"tracking": "batch"}, "invalid", "tracking"),
    ],
)
def test_invalid_item_answers_422(clerk_api, extra, code, field):
    response = clerk_api.post(URL, _new(**extra), content_type="application/json")

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert Item.objects.count() == 0
    assert Event.objects.count() == 0


def test_sku_taken_answers_409(clerk_api):
    ItemFactory(sku="CTR-3P-40")

    response = clerk_api.post(URL, _new(), content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (409, "sku_taken")


def test_active_item_may_not_name_a_replacement(clerk_api):
    other = ItemFactory()

    response = clerk_api.post(URL, _new(replacement_id=other.pk), content_type="application/json")

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == (
        "replacement_on_active_item",
        "replacement_id",
    )


def test_discontinue_with_replacement_records_both_fields(clerk_api):
    old, new = ItemFactory(sku="OLD"), ItemFactory(sku="NEW")

    response = clerk_api.patch(
        f"{URL}/{old.pk}",
        {"status": "discontinued", "replacement_id": new.pk},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["replacement_sku"]) == (
        "discontinued",
        "NEW",
    )
    event = Event.objects.get(action="item.updated")
    assert (event.before, event.after) == (
        {"status": "active", "replacement": None},
        {"status": "discontinued", "replacement": new.pk},
    )


def test_discontinued_item_may_have_no_replacement(clerk_api):
    item = ItemFactory()

    response = clerk_api.patch(
        f"{URL}/{item.pk}", {"status": "discontinued"}, content_type="application/json"
    )

    assert (response.status_code, response.json()["replacement_id"]) == (200, None)


def test_item_may_not_replace_itself(clerk_api):
    item = ItemFactory(status="discontinued")

    response = clerk_api.patch(
        f"{URL}/{item.pk}", {"replacement_id": item.pk}, content_type="application/json"
    )

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == (
        "self_replacement",
        "replacement_id",
    )
    item.refresh_from_db()
    assert item.replacement_id is None
    assert Event.objects.count() == 0


def test_replacement_chain_may_not_loop(clerk_api):
    a = ItemFactory(sku="A", status="discontinued")
    b = ItemFactory(sku="B", status="discontinued", replacement=a)

    response = clerk_api.patch(
        f"{URL}/{a.pk}", {"replacement_id": b.pk}, content_type="application/json"
    )

    assert (response.status_code, response.json()["code"]) == (422, "replacement_cycle")


def test_reactivating_an_item_with_a_replacement_is_refused(clerk_api):
    item = ItemFactory(status="discontinued", replacement=ItemFactory())

    response = clerk_api.patch(
        f"{URL}/{item.pk}", {"status": "active"}, content_type="application/json"
    )

    assert (response.status_code, response.json()["code"]) == (422, "replacement_on_active_item")
    item.refresh_from_db()
    assert item.status == "discontinued"


def test_read_item_with_conversions_and_components(clerk_api, django_assert_max_num_queries):
    from orderdesk.catalog.models import KitComponent, UnitConversion

    kit = ItemFactory(sku="KIT", is_kit=True)
    for n in range(3):
        KitComponent.objects.create(
            kit=kit, component=ItemFactory(sku=f"P{n}"), quantity=Decimal(2)
        )
    UnitConversion.objects.create(
        item=kit, uom=UnitFactory(code="CS", name="Case"), factor=Decimal(4)
    )

    # token lookup, token touch, item with unit/replacement/vendor, conversions, components
    with django_assert_max_num_queries(5):
        response = clerk_api.get(f"{URL}/{kit.pk}")

    data = response.json()
    assert [(c["component_sku"], c["quantity"]) for c in data["components"]] == [
        ("P0", "2.0000"),
        ("P1", "2.0000"),
        ("P2", "2.0000"),
    ]
    assert [(c["uom_code"], c["factor"], c["base_uom_code"]) for c in data["conversions"]] == [
        ("CS", "4.0000", "EA")
    ]


def test_list_items_filters_and_pins_queries(clerk_api, django_assert_max_num_queries):
    vendor = VendorFactory()
    for n in range(20):
        ItemFactory(sku=f"FLT-{n:02d}", description=f"Air filter {n}", default_vendor=vendor)
    ItemFactory(sku="CAP-1", description="Run capacitor")

    with django_assert_max_num_queries(4):
        response = clerk_api.get(URL, {"q": "filter", "vendor": vendor.pk, "limit": 5})

    data = response.json()
    assert (data["count"], len(data["items"])) == (20, 5)
    assert data["items"][0]["sku"] == "FLT-00"


def test_read_unknown_item_is_404(clerk_api):
    assert clerk_api.get(f"{URL}/123456").status_code == 404


def test_portal_user_may_not_read_the_catalogue(api_client):
    item = ItemFactory()
    portal = api_client(Role.PORTAL)

    assert portal.get(URL).status_code == 403
    assert portal.get(f"{URL}/{item.pk}").status_code == 403


def test_billing_may_not_create_items(api_client):
    response = api_client(Role.BILLING).post(URL, _new(), content_type="application/json")

    assert response.status_code == 403
    assert Item.objects.count() == 0

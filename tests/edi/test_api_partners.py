"""The partner profile API: create, read, patch, list; item cross-references set and removed;
the same checks as the page; EDI_SETUP only."""

from __future__ import annotations

from typing import Any

import pytest

from orderdesk.catalog.models import UnitOfMeasure
from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.edi.models import PartnerItem, TradingPartner

from .world import EdiWorld, build_edi_world

pytestmark = pytest.mark.django_db
API = "/api/v1/edi/partners"


@pytest.fixture
def edi() -> EdiWorld:
    UnitOfMeasure.objects.get_or_create(code="CS", defaults={"name": "Case"})
    return build_edi_world()


@pytest.fixture
def setup_api(api_client):  # type: ignore[no-untyped-def]
    return api_client(Role.DESK_COORDINATOR)


def _json(client: Any, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, body, content_type="application/json")


def new_partner(edi: EdiWorld, **kw: Any) -> dict[str, Any]:
    return {
        "code": "bolt",
        "name": "Bolt Supply",
        "customer_id": edi.world.customer.pk,
        "isa_qualifier": "01",
        "isa_id": "123456789",
        "gs_id": "BOLTGS",
        "our_isa_id": "ORDERDESK",
        "our_gs_id": "ORDERDESK",
        "documents": ["997", "850"],
        "uom_map": {"ca": "cs"},
        "location_map": {"0001": edi.world.ship_to.code},
        **kw,
    }


def test_create_read_and_list(edi, setup_api):
    created = _json(setup_api, "post", API, new_partner(edi))

    assert created.status_code == 201
    body = created.json()
    assert {k: body[k] for k in ("code", "customer", "documents", "uom_map", "next_isa")} == {
        "code": "bolt",
        "customer": edi.world.customer.account_number,
        "documents": ["850", "997"],
        "uom_map": {"CA": "CS"},
        "next_isa": 1,
    }
    assert setup_api.get(f"{API}/{body['id']}").json()["isa_id"] == "123456789"
    listed = setup_api.get(API, {"q": "bolt"}).json()
    assert [p["code"] for p in listed["items"]] == ["bolt"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"isa_id": "X" * 16}, "isa_id"),
        ({"our_isa_qualifier": "ZZZ"}, "our_isa_qualifier"),
        ({"element_separator": "~"}, "segment_terminator"),
        ({"version": "004010XYZ1234"}, "version"),
        ({"documents": ["850", "204"]}, "documents"),
        ({"uom_map": {"CA": "BOX"}}, "uom_map"),
        ({"send_855": "sometimes"}, "send_855"),
        ({"customer_id": 999999}, "customer_id"),
    ],
)
def test_create_refuses_what_a_partner_would_reject(edi, setup_api, changes, field):
    events = Event.objects.count()

    response = _json(setup_api, "post", API, new_partner(edi, **changes))

    assert (response.status_code, response.json()["field"]) == (422, field)
    assert response.json()["fix"]
    assert not TradingPartner.objects.filter(code="bolt").exists()
    assert Event.objects.count() == events


def test_same_code_is_409(edi, setup_api):
    response = _json(setup_api, "post", API, new_partner(edi, code="acme", isa_id="OTHER"))

    assert (response.status_code, response.json()["field"]) == (409, "code")


def test_patch_changes_only_what_is_sent(edi, setup_api):
    response = _json(
        setup_api, "patch", f"{API}/{edi.partner.pk}", {"ack_hours": 6, "send_855": "never"}
    )

    assert response.status_code == 200
    p = TradingPartner.objects.get(pk=edi.partner.pk)
    assert (p.ack_hours, p.send_855, p.name, p.documents) == (
        6,
        "never",
        "Acme Retail",
        ["850", "860", "855", "856", "810", "997"],
    )
    event = Event.objects.get(action="edi.partner.updated")
    assert (event.before, event.after) == (
        {"send_855": "always", "ack_hours": 24},
        {"send_855": "never", "ack_hours": 6},
    )


def test_patch_refused_leaves_the_profile(edi, setup_api):
    response = _json(setup_api, "patch", f"{API}/{edi.partner.pk}", {"component_separator": "A"})

    assert response.status_code == 422
    assert TradingPartner.objects.get(pk=edi.partner.pk).component_separator == ">"


def test_item_cross_references_put_list_delete(edi, setup_api):
    url = f"{API}/{edi.partner.pk}/items"
    body = {"item_sku": edi.items[4].sku, "buyer_part": "BP-X", "upc": "0123456789012"}

    first = _json(setup_api, "put", url, body)
    again = _json(setup_api, "put", url, body)
    listed = setup_api.get(url, {"limit": 10}).json()
    deleted = setup_api.delete(f"{url}/{first.json()['id']}")
    gone = setup_api.delete(f"{url}/{first.json()['id']}")

    assert first.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert listed["count"] == 6
    assert deleted.status_code == 204
    assert gone.status_code == 404
    assert not PartnerItem.objects.filter(buyer_part="BP-X").exists()
    assert Event.objects.filter(action="edi.partner_item.set").count() == 1


def test_conflicting_cross_reference_is_409(edi, setup_api):
    response = _json(
        setup_api,
        "put",
        f"{API}/{edi.partner.pk}/items",
        {"item_sku": edi.items[0].sku, "buyer_part": "BP-1", "upc": "000000000002"},
    )

    assert (response.status_code, response.json()["field"]) == (409, "upc")


@pytest.mark.parametrize(
    "role", [Role.ORDER_CLERK, Role.PORTAL, Role.TECHNICIAN, Role.WAREHOUSE, Role.BILLING]
)
def test_partners_need_edi_setup(edi, api_client, role):
    client = api_client(role)

    reads = [client.get(API), client.get(f"{API}/{edi.partner.pk}")]
    writes = [
        _json(client, "patch", f"{API}/{edi.partner.pk}", {"name": "Hacked"}),
        _json(client, "put", f"{API}/{edi.partner.pk}/items", {"item_sku": "X", "upc": ""}),
        client.delete(f"{API}/{edi.partner.pk}/items/{PartnerItem.objects.first().pk}"),
    ]

    assert [r.status_code for r in reads + writes] == [403] * 5
    assert TradingPartner.objects.get(pk=edi.partner.pk).name == "Acme Retail"
    assert PartnerItem.objects.count() == 5


def test_inventory_advice_refused_when_the_partner_does_not_take_846(edi, setup_api):
    response = setup_api.post(f"{API}/{edi.partner.pk}/inventory-advice")

    assert (response.status_code, response.json()["field"]) == (409, "documents")


def test_list_query_count_is_fixed(edi, setup_api, django_assert_max_num_queries):
    setup_api.get(API)
    for n in range(20):
        _json(setup_api, "post", API, new_partner(edi, code=f"p{n}", isa_id=f"ID{n}"))

    with django_assert_max_num_queries(4):
        body = setup_api.get(API, {"limit": 100}).json()

    assert body["count"] == 21

"""Bill-to / ship-to addresses and contacts through the API."""

from __future__ import annotations

import pytest

from orderdesk.core.models import Event
from orderdesk.parties.models import Address, Contact

from ..factories import AddressFactory, ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def _address(customer_id: int, **extra: object) -> dict:
    return {
        "customer_id": customer_id,
        "kind": "ship_to",
        "code": "DOCK-1",
        "name": "Receiving dock",
        "line1": "1 Harbour Rd",
        "city": "Toronto",
        "region": "on",
        "postal_code": "m5v3l9",
        "country": "ca",
        **extra,
    }


def test_create_address_normalises_country_region_and_postal_code(clerk_api):
    customer = CustomerFactory()

    response = clerk_api.post(
        "/api/v1/addresses", _address(customer.pk), content_type="application/json"
    )

    assert response.status_code == 201
    data = response.json()
    assert (data["country"], data["region"], data["postal_code"]) == ("CA", "ON", "M5V 3L9")
    assert data["is_default"] is True  # the customer's first ship-to
    event = Event.objects.get(action="address.created")
    assert event.object_id == str(data["id"])


@pytest.mark.parametrize(
    ("extra", "code", "field"),
    [
        ({"country": "US", "postal_code": "1234"}, "postal_code_invalid", "postal_code"),
        ({"country": "GB", "postal_code": "123 456"}, "postal_code_invalid", "postal_code"),
        ({"country": "DE", "postal_code": ""}, "postal_code_invalid", "postal_code"),
        ({"country": "MX", "postal_code": "0660"}, "postal_code_invalid", "postal_code"),
        ({"country": "FR", "postal_code": "7500A"}, "postal_code_invalid", "postal_code"),
        ({"country": "XX"}, "country_invalid", "country"),
        ({"kind": "deliver_to"}, "invalid", "kind"),
        ({"latitude": "91"}, "decimal_invalid", "latitude"),
    ],
)
def test_invalid_address_answers_422(clerk_api, extra, code, field):
    customer = CustomerFactory()

    response = clerk_api.post(
        "/api/v1/addresses", _address(customer.pk, **extra), content_type="application/json"
    )

    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert body["fix"]
    assert Address.objects.count() == 0
    assert Event.objects.count() == 0


def test_postal_code_check_names_the_expected_shape(clerk_api):
    customer = CustomerFactory()

    response = clerk_api.post(
        "/api/v1/addresses",
        _address(customer.pk, country="US", postal_code="ABCDE"),
        content_type="application/json",
    )

    assert response.json()["message"] == (
        "'ABCDE' is not a valid US postal code; expected 5 digits, or ZIP+4 as 12345-6789"
    )


def test_address_for_unknown_customer_is_422(clerk_api):
    response = clerk_api.post(
        "/api/v1/addresses", _address(999999), content_type="application/json"
    )

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == (
        "reference_unknown",
        "customer_id",
    )


def test_duplicate_address_code_answers_409(clerk_api):
    existing = AddressFactory(code="DOCK-1")

    response = clerk_api.post(
        "/api/v1/addresses", _address(existing.customer_id), content_type="application/json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "address_code_taken"
    assert Address.objects.count() == 1


def test_new_default_demotes_the_old_one_and_records_both(clerk_api):
    old = AddressFactory(is_default=True)

    response = clerk_api.post(
        "/api/v1/addresses",
        _address(old.customer_id, is_default=True),
        content_type="application/json",
    )

    assert response.status_code == 201
    old.refresh_from_db()
    assert old.is_default is False
    demoted = Event.objects.get(action="address.updated")
    assert (demoted.object_id, demoted.after) == (str(old.pk), {"is_default": False})


def test_patch_address_rechecks_postal_code_for_new_country(clerk_api):
    address = AddressFactory(country="US", postal_code="62701")

    refused = clerk_api.patch(
        f"/api/v1/addresses/{address.pk}", {"country": "GB"}, content_type="application/json"
    )
    moved = clerk_api.patch(
        f"/api/v1/addresses/{address.pk}",
        {"country": "GB", "postal_code": "sw1a1aa", "city": "London"},
        content_type="application/json",
    )

    assert (refused.status_code, refused.json()["field"]) == (422, "postal_code")
    assert moved.status_code == 200
    assert (moved.json()["country"], moved.json()["postal_code"]) == ("GB", "SW1A 1AA")
    event = Event.objects.get(action="address.updated")
    assert event.before == {"city": "Springfield", "postal_code": "62701", "country": "US"}


def test_list_addresses_filters_by_customer_and_kind(clerk_api, django_assert_max_num_queries):
    customer = CustomerFactory()
    bill_to = AddressFactory(customer=customer, kind="bill_to", code="B1")
    AddressFactory.create_batch(3, customer=customer)
    AddressFactory.create_batch(3)

    with django_assert_max_num_queries(4):
        response = clerk_api.get("/api/v1/addresses", {"customer": customer.pk, "kind": "bill_to"})

    assert response.json()["count"] == 1
    assert [a["id"] for a in response.json()["items"]] == [bill_to.pk]


def test_read_address(clerk_api):
    address = AddressFactory(code="ST-9")

    response = clerk_api.get(f"/api/v1/addresses/{address.pk}")

    assert (response.status_code, response.json()["code"]) == (200, "ST-9")


def test_create_contact_and_primary_moves(clerk_api):
    first = ContactFactory(is_primary=True)

    response = clerk_api.post(
        "/api/v1/contacts",
        {
            "customer_id": first.customer_id,
            "name": "Li Wei",
            "email": "li@example.com",
            "is_primary": True,
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["is_primary"] is True
    first.refresh_from_db()
    assert first.is_primary is False
    assert sorted(Event.objects.values_list("action", flat=True)) == [
        "contact.created",
        "contact.updated",
    ]


def test_contact_with_bad_email_or_taken_name_is_refused(clerk_api):
    existing = ContactFactory(name="Li Wei")

    bad_email = clerk_api.post(
        "/api/v1/contacts",
        {"customer_id": existing.customer_id, "name": "Other", "email": "li@"},
        content_type="application/json",
    )
    taken = clerk_api.post(
        "/api/v1/contacts",
        {"customer_id": existing.customer_id, "name": "Li Wei"},
        content_type="application/json",
    )

    assert (bad_email.status_code, bad_email.json()["field"]) == (422, "email")
    assert (taken.status_code, taken.json()["code"]) == (409, "contact_name_taken")
    assert Contact.objects.count() == 1


def test_patch_read_and_list_contacts(clerk_api):
    contact = ContactFactory(job_title="Buyer")
    ContactFactory.create_batch(2)

    patched = clerk_api.patch(
        f"/api/v1/contacts/{contact.pk}",
        {"job_title": "Head buyer"},
        content_type="application/json",
    )
    read = clerk_api.get(f"/api/v1/contacts/{contact.pk}")
    listed = clerk_api.get("/api/v1/contacts", {"customer": contact.customer_id})

    assert patched.json()["job_title"] == "Head buyer"
    assert read.json()["job_title"] == "Head buyer"
    assert [c["id"] for c in listed.json()["items"]] == [contact.pk]
    event = Event.objects.get(action="contact.updated")
    assert event.after == {"job_title": "Head buyer"}

"""Customers through the API: create, read, list, change; roles per field; events per write."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.parties.models import Customer

from ..factories import (
    AddressFactory,
    ContactFactory,
    CustomerFactory,
    PaymentTermsFactory,
    PriceListFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers"


def _new(**extra: object) -> dict:
    terms = PaymentTermsFactory()
    return {
        "account_number": "C-9001",
        "name": "Northwind HVAC",
        "payment_terms_id": terms.pk,
        **extra,
    }


def test_manager_creates_customer_with_decimals_as_strings(manager_api):
    price_list = PriceListFactory()
    body = _new(credit_limit="25000.50", price_list_id=price_list.pk, discount_percent="2.5")

    response = manager_api.post(URL, body, content_type="application/json")

    assert response.status_code == 201
    data = response.json()
    customer = Customer.objects.get()
    assert data["id"] == customer.pk
    assert (data["credit_limit"], data["discount_percent"]) == ("25000.5000", "2.5000")
    assert (data["payment_terms_code"], data["price_list_code"]) == ("NET30", "LIST")
    assert (data["addresses"], data["contacts"]) == ([], [])
    assert customer.credit_limit == Decimal("25000.50")
    event = Event.objects.get(action="customer.created")
    assert (event.object_id, event.actor_id) == (str(customer.pk), manager_api.user.pk)
    assert event.after["credit_limit"] == "25000.5000"


def test_decimal_sent_as_json_number_is_kept_exact(manager_api):
    response = manager_api.post(URL, _new(credit_limit=1234.56), content_type="application/json")

    assert response.status_code == 201
    assert response.json()["credit_limit"] == "1234.5600"
    assert Customer.objects.get().credit_limit == Decimal("1234.56")


def test_clerk_creates_customer_without_credit_limit(clerk_api):
    response = clerk_api.post(URL, _new(), content_type="application/json")

    assert response.status_code == 201
    assert response.json()["credit_limit"] == "0.0000"
    assert Event.objects.filter(action="customer.created").count() == 1


def test_clerk_may_not_grant_credit_on_create(clerk_api):
    response = clerk_api.post(URL, _new(credit_limit="1000"), content_type="application/json")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Customer.objects.count() == 0
    assert Event.objects.count() == 0


@pytest.mark.parametrize(
    ("extra", "code", "field"),
    [
        ({"currency": "USX"}, "currency_invalid", "currency"),
        ({"payment_terms_id": 999999}, "reference_unknown", "payment_terms_id"),
        ({"tax_exempt": True}, "exemption_certificate_missing", "exemption_certificate"),
        ({"discount_percent": "101"}, "decimal_invalid", "discount_percent"),
        ({"email": "not-an-address"}, "value_invalid", "email"),
        ({"credit_limit": "1.12345"}, "invalid", "credit_limit"),
        ({"status": "dormant"}, "invalid", "status"),
    ],
)
def test_invalid_customer_answers_422_with_code_and_field(manager_api, extra, code, field):
    response = manager_api.post(URL, _new(**extra), content_type="application/json")

    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert body["message"]
    assert Customer.objects.count() == 0
    assert Event.objects.count() == 0


def test_too_long_value_is_refused_on_every_database(manager_api):
    # SQLite would store 41 characters in a varchar(40); the check must not depend on it.
    response = manager_api.post(URL, _new(tax_id="T" * 41), content_type="application/json")

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("too_long", "tax_id")
    assert Customer.objects.count() == 0


def test_price_list_in_another_currency_is_refused(manager_api):
    eur = PriceListFactory(code="EU", currency="EUR")

    response = manager_api.post(URL, _new(price_list_id=eur.pk), content_type="application/json")

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == (
        "currency_mismatch",
        "price_list_id",
    )


def test_duplicate_account_number_answers_409(manager_api):
    CustomerFactory(account_number="C-9001")

    response = manager_api.post(URL, _new(), content_type="application/json")

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["field"]) == (
        "account_number_taken",
        "account_number",
    )
    assert Customer.objects.count() == 1
    assert Event.objects.count() == 0


def test_read_customer_with_addresses_and_contacts(clerk_api):
    customer = CustomerFactory()
    ship_to = AddressFactory(customer=customer, code="MAIN")
    contact = ContactFactory(customer=customer, name="Ana Ruiz")

    response = clerk_api.get(f"{URL}/{customer.pk}")

    assert response.status_code == 200
    data = response.json()
    assert data["account_number"] == customer.account_number
    assert [a["id"] for a in data["addresses"]] == [ship_to.pk]
    assert data["addresses"][0]["postal_code"] == "62701"
    assert [c["name"] for c in data["contacts"]] == [contact.name]


def test_read_unknown_customer_answers_404(clerk_api):
    response = clerk_api.get(f"{URL}/424242")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_list_is_paginated_with_total_count(clerk_api):
    for n in range(5):
        CustomerFactory(name=f"Acme {n}")

    response = clerk_api.get(URL, {"limit": 2, "offset": 2})

    assert response.status_code == 200
    data = response.json()
    assert (data["count"], data["limit"], data["offset"]) == (5, 2, 2)
    assert [c["name"] for c in data["items"]] == ["Acme 2", "Acme 3"]


def test_list_filters_by_q_and_status(clerk_api):
    CustomerFactory(name="Polar Refrigeration", status="on_hold")
    CustomerFactory(name="Polar Air", status="active")
    CustomerFactory(name="Desert Cooling", status="on_hold")

    response = clerk_api.get(URL, {"q": "polar", "status": "on_hold"})

    assert [c["name"] for c in response.json()["items"]] == ["Polar Refrigeration"]


def test_list_rejects_limit_above_maximum(clerk_api):
    response = clerk_api.get(URL, {"limit": 501})

    assert response.status_code == 422
    assert response.json()["field"] == "limit"


def test_list_query_count_does_not_grow_with_rows(clerk_api, django_assert_max_num_queries):
    for n in range(30):
        CustomerFactory(name=f"Customer {n:02d}", price_list=PriceListFactory(code=f"PL{n}"))

    # token lookup, token touch, count, page (terms and price list joined)
    with django_assert_max_num_queries(4):
        response = clerk_api.get(URL, {"limit": 30})

    assert len(response.json()["items"]) == 30


def test_read_query_count_is_fixed(clerk_api, django_assert_max_num_queries):
    customer = CustomerFactory()
    AddressFactory.create_batch(5, customer=customer)
    ContactFactory.create_batch(5, customer=customer)

    with django_assert_max_num_queries(5):
        response = clerk_api.get(f"{URL}/{customer.pk}")

    assert len(response.json()["addresses"]) == 5


def test_patch_changes_only_sent_fields_and_records_the_change(clerk_api):
    customer = CustomerFactory(name="Old Name", phone="555-0100")

    response = clerk_api.patch(
        f"{URL}/{customer.pk}", {"name": "New Name"}, content_type="application/json"
    )

    assert response.status_code == 200
    customer.refresh_from_db()
    assert (customer.name, customer.phone) == ("New Name", "555-0100")
    event = Event.objects.get(action="customer.updated")
    assert (event.before, event.after) == ({"name": "Old Name"}, {"name": "New Name"})


def test_patch_without_a_change_records_nothing(clerk_api):
    customer = CustomerFactory(name="Same")

    response = clerk_api.patch(
        f"{URL}/{customer.pk}",
        {"name": "Same", "credit_limit": str(customer.credit_limit)},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert Event.objects.count() == 0


def test_clerk_may_not_change_credit_limit(clerk_api):
    customer = CustomerFactory(credit_limit=Decimal("50000"), name="Before")

    response = clerk_api.patch(
        f"{URL}/{customer.pk}",
        {"name": "After", "credit_limit": "90000"},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert "credit_edit" in response.json()["message"]
    customer.refresh_from_db()
    assert (customer.name, customer.credit_limit) == ("Before", Decimal("50000"))
    assert Event.objects.count() == 0


def test_billing_changes_credit_limit_but_not_the_name(api_client):
    billing = api_client(Role.BILLING)
    customer = CustomerFactory(credit_limit=Decimal("50000"))

    raised = billing.patch(
        f"{URL}/{customer.pk}", {"credit_limit": "75000"}, content_type="application/json"
    )
    renamed = billing.patch(f"{URL}/{customer.pk}", {"name": "X"}, content_type="application/json")

    assert (raised.status_code, raised.json()["credit_limit"]) == (200, "75000.0000")
    assert renamed.status_code == 403
    event = Event.objects.get(action="customer.updated")
    assert (event.before, event.after) == (
        {"credit_limit": "50000.0000"},
        {"credit_limit": "75000.0000"},
    )


def test_patch_to_null_of_a_required_field_is_422(clerk_api):
    customer = CustomerFactory(name="Keep")

    response = clerk_api.patch(
        f"{URL}/{customer.pk}", {"name": None}, content_type="application/json"
    )

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("required", "name")
    customer.refresh_from_db()
    assert customer.name == "Keep"


def test_patch_unknown_customer_answers_404(clerk_api):
    response = clerk_api.patch(f"{URL}/999999", {"name": "X"}, content_type="application/json")

    assert response.status_code == 404


def test_technician_reads_but_may_not_write(api_client):
    technician = api_client(Role.TECHNICIAN)
    customer = CustomerFactory(name="Unchanged")

    read = technician.get(f"{URL}/{customer.pk}")
    write = technician.patch(f"{URL}/{customer.pk}", {"name": "X"}, content_type="application/json")

    assert (read.status_code, write.status_code) == (200, 403)
    customer.refresh_from_db()
    assert customer.name == "Unchanged"
    assert Event.objects.count() == 0


def test_portal_user_lists_only_their_own_customer(api_client):
    own = CustomerFactory()
    CustomerFactory.create_batch(3)
    portal = api_client(Role.PORTAL, customer=own)

    response = portal.get(URL)

    assert [c["id"] for c in response.json()["items"]] == [own.pk]
    assert response.json()["count"] == 1

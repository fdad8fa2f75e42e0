"""Contract prices, surcharges and tax rates through the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from orderdesk.core.models import Event
from orderdesk.pricing.models import ContractPrice, Surcharge, TaxRate

from ..factories import ContractPriceFactory, CustomerFactory, ItemFactory

pytestmark = pytest.mark.django_db


def _contract(**extra: object) -> dict:
    return {
        "customer_id": CustomerFactory().pk,
        "item_id": ItemFactory().pk,
        "unit_price": "8.40",
        "valid_from": "2026-01-01",
        "valid_to": "2026-12-31",
        "contract_ref": "K-2026-01",
        **extra,
    }


def test_create_contract_price_in_the_customers_currency(manager_api):
    response = manager_api.post(
        "/api/v1/contract-prices", _contract(), content_type="application/json"
    )

    assert response.status_code == 201
    data = response.json()
    assert (data["unit_price"], data["currency"], data["valid_to"]) == (
        "8.4000",
        "USD",
        "2026-12-31",
    )
    assert Event.objects.get(action="contract_price.created").object_id == str(data["id"])


def test_contract_ending_before_it_starts_is_refused(manager_api):
    response = manager_api.post(
        "/api/v1/contract-prices",
        _contract(valid_from="2026-06-01", valid_to="2026-05-31"),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == (
        "contract_dates_invalid",
        "valid_to",
    )
    assert ContractPrice.objects.count() == 0
    assert Event.objects.count() == 0


def test_overlapping_contract_prices_are_refused(manager_api):
    existing = ContractPriceFactory(valid_from=dt.date(2026, 1, 1), valid_to=None)

    response = manager_api.post(
        "/api/v1/contract-prices",
        _contract(
            customer_id=existing.customer_id,
            item_id=existing.item_id,
            valid_from="2027-01-01",
            valid_to=None,
        ),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("contract_overlap", "valid_from")
    assert ContractPrice.objects.count() == 1


def test_contract_in_another_currency_is_refused(manager_api):
    response = manager_api.post(
        "/api/v1/contract-prices", _contract(currency="EUR"), content_type="application/json"
    )

    assert (response.status_code, response.json()["code"]) == (422, "contract_currency_mismatch")


def test_patch_contract_end_date_then_renew(manager_api):
    old = ContractPriceFactory(valid_from=dt.date(2025, 1, 1), valid_to=None)

    ended = manager_api.patch(
        f"/api/v1/contract-prices/{old.pk}",
        {"valid_to": "2025-12-31"},
        content_type="application/json",
    )
    renewed = manager_api.post(
        "/api/v1/contract-prices",
        _contract(customer_id=old.customer_id, item_id=old.item_id, valid_to=None),
        content_type="application/json",
    )

    assert (ended.status_code, renewed.status_code) == (200, 201)
    assert Event.objects.get(action="contract_price.updated").after == {"valid_to": "2025-12-31"}


def test_list_contract_prices_valid_on_a_day(clerk_api, django_assert_max_num_queries):
    customer, item = CustomerFactory(), ItemFactory()
    ContractPriceFactory(
        customer=customer, item=item, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 12, 31)
    )
    current = ContractPriceFactory(customer=customer, item=item, valid_from=dt.date(2026, 1, 1))
    ContractPriceFactory.create_batch(5)

    with django_assert_max_num_queries(4):
        response = clerk_api.get(
            "/api/v1/contract-prices", {"customer": customer.pk, "valid_on": "2026-03-01"}
        )

    assert [c["id"] for c in response.json()["items"]] == [current.pk]
    assert response.json()["items"][0]["customer_account_number"] == customer.account_number


def test_read_contract_price(clerk_api):
    contract = ContractPriceFactory(unit_price=Decimal("9.00"))

    response = clerk_api.get(f"/api/v1/contract-prices/{contract.pk}")

    assert (response.status_code, response.json()["unit_price"]) == (200, "9.0000")


def test_clerk_may_not_agree_contract_prices(clerk_api):
    response = clerk_api.post(
        "/api/v1/contract-prices", _contract(), content_type="application/json"
    )

    assert response.status_code == 403
    assert ContractPrice.objects.count() == 0


def test_surcharge_create_patch_read_list(manager_api):
    created = manager_api.post(
        "/api/v1/surcharges",
        {"code": "FUEL", "name": "Fuel", "basis": "percent_line", "amount": "3.5"},
        content_type="application/json",
    )
    sid = created.json()["id"]
    patched = manager_api.patch(
        f"/api/v1/surcharges/{sid}", {"amount": "4"}, content_type="application/json"
    )
    read = manager_api.get(f"/api/v1/surcharges/{sid}")
    listed = manager_api.get("/api/v1/surcharges", {"q": "fuel", "active": "true"})

    assert created.status_code == 201
    assert (patched.json()["amount"], read.json()["amount"]) == ("4.0000", "4.0000")
    assert listed.json()["count"] == 1
    assert Event.objects.get(action="surcharge.updated").before == {"amount": "3.5000"}


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"basis": "percent_line", "amount": "150"}, "decimal_invalid", "amount"),
        ({"basis": "per_order", "amount": "25", "currency": "XYZ"}, "currency_invalid", "currency"),
        ({"basis": "per_week", "amount": "1"}, "invalid", "basis"),
    ],
)
def test_invalid_surcharge_answers_422(manager_api, body, code, field):
    response = manager_api.post(
        "/api/v1/surcharges", {"code": "S", "name": "S", **body}, content_type="application/json"
    )

    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        422,
        code,
        field,
    )
    assert Surcharge.objects.count() == 0


def test_tax_rate_create_patch_read_list(manager_api):
    created = manager_api.post(
        "/api/v1/tax-rates",
        {
            "country": "us",
            "region": "il",
            "rate_percent": "6.25",
            "valid_from": "2026-01-01",
            "name": "Illinois",
        },
        content_type="application/json",
    )
    rid = created.json()["id"]
    patched = manager_api.patch(
        f"/api/v1/tax-rates/{rid}", {"rate_percent": "6.5"}, content_type="application/json"
    )
    read = manager_api.get(f"/api/v1/tax-rates/{rid}")
    listed = manager_api.get("/api/v1/tax-rates", {"country": "US", "region": "IL"})

    assert created.status_code == 201
    assert (created.json()["country"], created.json()["region"]) == ("US", "IL")
    assert (patched.json()["rate_percent"], read.json()["rate_percent"]) == ("6.5000", "6.5000")
    assert listed.json()["count"] == 1


def test_tax_rate_for_the_same_jurisdiction_and_day_answers_409(manager_api):
    body = {"country": "CA", "region": "ON", "rate_percent": "13", "valid_from": "2026-01-01"}
    manager_api.post("/api/v1/tax-rates", body, content_type="application/json")

    response = manager_api.post("/api/v1/tax-rates", body, content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (409, "tax_rate_taken")
    assert TaxRate.objects.count() == 1


def test_tax_rate_with_unknown_country_is_422(manager_api):
    response = manager_api.post(
        "/api/v1/tax-rates",
        {"country": "QQ", "rate_percent": "5", "valid_from": "2026-01-01"},
        content_type="application/json",
    )

    assert (response.status_code, response.json()["field"]) == (422, "country")

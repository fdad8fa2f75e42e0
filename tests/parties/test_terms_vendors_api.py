"""Payment terms and vendors through the API."""

from __future__ import annotations

import pytest

from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.parties.models import PaymentTerms, Vendor

from ..factories import PaymentTermsFactory, VendorFactory

pytestmark = pytest.mark.django_db


def test_create_payment_terms_with_discount(clerk_api):
    response = clerk_api.post(
        "/api/v1/payment-terms",
        {
            "code": "2-10-N30",
            "description": "2% 10, net 30",
            "discount_percent": "2",
            "discount_days": 10,
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    assert (response.json()["discount_percent"], response.json()["net_days"]) == ("2.0000", 30)
    assert Event.objects.filter(action="payment_terms.created").count() == 1


def test_discount_period_after_due_date_is_refused(clerk_api):
    response = clerk_api.post(
        "/api/v1/payment-terms",
        {
            "code": "BAD",
            "description": "x",
            "net_days": 10,
            "discount_percent": "2",
            "discount_days": 15,
        },
        content_type="application/json",
    )

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("terms_invalid", "discount_days")
    assert PaymentTerms.objects.count() == 0


def test_patch_read_and_list_payment_terms(clerk_api):
    terms = PaymentTermsFactory()
    PaymentTermsFactory(code="NET60", net_days=60)

    patched = clerk_api.patch(
        f"/api/v1/payment-terms/{terms.pk}", {"net_days": 45}, content_type="application/json"
    )
    read = clerk_api.get(f"/api/v1/payment-terms/{terms.pk}")
    listed = clerk_api.get("/api/v1/payment-terms", {"q": "net6"})

    assert patched.json()["net_days"] == 45
    assert read.json()["net_days"] == 45
    assert [t["code"] for t in listed.json()["items"]] == ["NET60"]
    assert Event.objects.get(action="payment_terms.updated").after == {"net_days": 45}


def test_create_vendor(clerk_api):
    response = clerk_api.post(
        "/api/v1/vendors",
        {
            "code": "V-77",
            "name": "Carrier Parts",
            "currency": "cad",
            "country": "CA",
            "line1": "5 King St",
            "city": "Ottawa",
            "postal_code": "K1A0B1",
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    assert (response.json()["currency"], response.json()["postal_code"]) == ("CAD", "K1A 0B1")
    assert Event.objects.filter(action="vendor.created").count() == 1


@pytest.mark.parametrize(
    ("extra", "code", "field"),
    [
        ({"currency": "DOLLARS"}, "currency_invalid", "currency"),
        ({"line1": "1 Main", "postal_code": "ABC"}, "postal_code_invalid", "postal_code"),
        ({"country": "ZZ"}, "country_invalid", "country"),
        ({"payment_terms_id": 98765}, "reference_unknown", "payment_terms_id"),
    ],
)
def test_invalid_vendor_answers_422(clerk_api, extra, code, field):
    response = clerk_api.post(
        "/api/v1/vendors", {"code": "V-1", "name": "X", **extra}, content_type="application/json"
    )

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert Vendor.objects.count() == 0
    assert Event.objects.count() == 0


def test_vendor_code_taken_answers_409(clerk_api):
    VendorFactory(code="V-1")

    response = clerk_api.post(
        "/api/v1/vendors", {"code": "V-1", "name": "X"}, content_type="application/json"
    )

    assert (response.status_code, response.json()["code"]) == (409, "vendor_code_taken")


def test_patch_read_and_list_vendors(clerk_api, django_assert_max_num_queries):
    vendor = VendorFactory(name="Old", payment_terms=PaymentTermsFactory())
    VendorFactory.create_batch(10, payment_terms=PaymentTermsFactory(code="NET60"))

    patched = clerk_api.patch(
        f"/api/v1/vendors/{vendor.pk}", {"active": False}, content_type="application/json"
    )
    read = clerk_api.get(f"/api/v1/vendors/{vendor.pk}")
    with django_assert_max_num_queries(4):
        listed = clerk_api.get("/api/v1/vendors", {"active": "true"})

    assert patched.json()["active"] is False
    assert read.json()["payment_terms_code"] == "NET30"
    assert listed.json()["count"] == 10
    assert Event.objects.get(action="vendor.updated").after == {"active": False}


def test_service_clerk_may_edit_vendors_but_billing_may_not(api_client):
    vendor = VendorFactory(name="Keep")

    service = api_client(Role.SERVICE_CLERK).patch(
        f"/api/v1/vendors/{vendor.pk}", {"lead_time_days": 3}, content_type="application/json"
    )
    billing = api_client(Role.BILLING).patch(
        f"/api/v1/vendors/{vendor.pk}", {"name": "Changed"}, content_type="application/json"
    )

    assert (service.status_code, billing.status_code) == (200, 403)
    vendor.refresh_from_db()
    assert (vendor.lead_time_days, vendor.name) == (3, "Keep")

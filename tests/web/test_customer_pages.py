"""Customer list (search as you type, paging, no-JS form) and customer detail, by role."""

from __future__ import annotations

import pytest

from orderdesk.core.roles import Role

from ..factories import (
    AddressFactory,
    ContactFactory,
    ContractPriceFactory,
    CustomerFactory,
    ItemFactory,
)
from .conftest import STAFF_ROLES

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_customer_list_renders_for_every_staff_role(login, desk, role):
    response = login(role).get("/customers/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Customers</h1>" in body
    assert "Acme Heating &amp; Cooling" in body and "Borealis Electric Ltd" in body
    assert "2 customers" in body


def test_search_partial_returns_only_matching_rows(login, desk):
    response = login().get("/customers/", {"q": "acme"}, **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and "<h1>" not in body
    assert f'href="/customers/{desk.acme.pk}/" data-result>Acme Heating &amp; Cooling</a>' in body
    assert "Borealis" not in body
    assert 'data-query="acme"' in body
    assert 'id="result-count"' in body and 'hx-swap-oob="true"' in body
    assert "1 customer matches “acme”" in body
    assert "HX-Request" in response["Vary"]


def test_search_by_account_number_part(login, desk):
    body = login().get("/customers/", {"q": "10002"}, **HX).content.decode()
    assert "Borealis Electric Ltd" in body and "Acme" not in body


def test_search_with_no_match_says_so(login, desk):
    body = login().get("/customers/", {"q": "zzzz"}, **HX).content.decode()
    assert "No customer matches “zzzz”" in body
    assert "<table" not in body


def test_search_without_js_is_a_plain_get_form_with_the_same_results(login, desk):
    response = login().get("/customers/", {"q": "borealis"})
    body = response.content.decode()
    assert "<html" in body
    assert '<form method="get" action="/customers/"' in body
    assert 'value="borealis"' in body
    assert "Borealis Electric Ltd" in body and "Acme" not in body
    assert 'hx-trigger="input changed delay:250ms, search"' in body


def test_history_restore_request_gets_the_whole_page(login, desk):
    response = login().get(
        "/customers/", {"q": "acme"}, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HX
    )
    assert "<html" in response.content.decode()


def test_status_filter_and_unknown_status_is_ignored(login, desk):
    client = login()
    on_hold = client.get("/customers/", {"status": "on_hold"}, **HX).content.decode()
    assert "Borealis" in on_hold and "Acme" not in on_hold
    anything = client.get("/customers/", {"status": "bogus"}, **HX).content.decode()
    assert "Borealis" in anything and "Acme" in anything


def test_list_shows_bill_to_city_terms_and_credit_limit(login, desk):
    body = login().get("/customers/", {"q": "acme"}, **HX).content.decode()
    assert "Chicago, IL" in body
    assert "2/10N30" in body
    assert "75,000.00" in body


@pytest.mark.django_db
def test_list_is_paginated_and_pager_keeps_the_query(login):
    for n in range(30):
        CustomerFactory(name=f"Zephyr Plumbing {n:02d}")
    client = login()
    first = client.get("/customers/", {"q": "zephyr"}).content.decode()
    assert first.count(" data-result>") == 25
    assert "1–25 of 30" in first
    assert 'href="?q=zephyr&amp;page=2"' in first
    second = client.get("/customers/", {"q": "zephyr", "page": "2"}, **HX).content.decode()
    assert second.count(" data-result>") == 5
    assert "Zephyr Plumbing 29" in second
    past_end = client.get("/customers/", {"q": "zephyr", "page": "99"}, **HX).content.decode()
    assert "26–30 of 30" in past_end


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_rows(login, django_assert_max_num_queries):
    for _ in range(25):
        customer = CustomerFactory()
        AddressFactory(customer=customer, kind="bill_to", code="B")
        AddressFactory(customer=customer)
    client = login()
    # session, user, count, page of customers (+terms, price list), their bill-tos
    with django_assert_max_num_queries(5):
        response = client.get("/customers/")
    assert response.content.decode().count(" data-result>") == 25
    with django_assert_max_num_queries(5):
        client.get("/customers/", {"q": "Mechanical"}, **HX)


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_customer_detail_renders_for_every_staff_role(login, desk, role):
    response = login(role).get(f"/customers/{desk.acme.pk}/")
    assert response.status_code == 200
    assert "<h1>Acme Heating &amp; Cooling</h1>" in response.content.decode()


def test_customer_detail_shows_header_addresses_contacts_and_contract_prices(login, desk):
    body = login().get(f"/customers/{desk.acme.pk}/").content.decode()
    # header
    for text in [
        "C10001",
        "2% 10 days, net 30",
        "75,000.00 USD",
        "36-1234567",
        "Gold",
        "Contractor prices",
        "Dock 4, call ahead",
        "Pays late in December",
    ]:
        assert text in body, text
    # bill-to, ship-tos
    assert "1 Wacker Dr" in body
    assert "ST-NORTH" in body and "4400 N Elston Ave, Chicago, IL, 60630, US" in body
    assert "ST-EVAN" in body and "Evanston" in body
    assert "Forklift on site" in body
    # contacts
    assert "Dana Buyer" in body and "Purchasing" in body and "Sam Payable" in body
    # contract prices: current and expired, linked to the item for staff
    assert f'href="/items/{desk.contactor.pk}/">CT-3P-40A</a>' in body
    assert "39.90" in body and "ACME-2020" in body
    assert "120.00" in body and "ACME-2019" in body
    assert '<span class="badge badge--current">Current</span>' in body
    assert '<span class="badge badge--expired">Expired</span>' in body
    # another customer's data is not on this page
    assert "ST-SECRET" not in body and "1.11" not in body


def test_customer_detail_query_count_does_not_grow(login, desk, django_assert_max_num_queries):
    client = login()
    # session, user, customer (+terms, price list), addresses, contacts, contract prices
    with django_assert_max_num_queries(6) as few:
        assert client.get(f"/customers/{desk.acme.pk}/").status_code == 200
    for n in range(5):
        AddressFactory(customer=desk.acme, code=f"MORE{n}")
        ContactFactory(customer=desk.acme, name=f"Extra Person {n}")
        ContractPriceFactory(customer=desk.acme, item=ItemFactory(), contract_ref=f"X{n}")
    with django_assert_max_num_queries(len(few)):
        body = client.get(f"/customers/{desk.acme.pk}/").content.decode()
    assert "MORE4" in body and "Extra Person 4" in body and "X4" in body


def test_unknown_customer_is_404(login, desk):
    assert login().get("/customers/999999/").status_code == 404


def test_portal_user_sees_own_account_without_internal_notes(login, desk):
    client = login(Role.PORTAL, customer=desk.acme)
    response = client.get(f"/customers/{desk.acme.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "ST-NORTH" in body and "39.90" in body
    assert "Pays late in December" not in body
    assert 'href="/items/' not in body  # the catalogue is not theirs to browse
    assert 'aria-label="Breadcrumb"' not in body


def test_portal_user_gets_404_for_another_customer(login, desk):
    client = login(Role.PORTAL, customer=desk.acme)
    response = client.get(f"/customers/{desk.borealis.pk}/")
    assert response.status_code == 404
    assert "Borealis" not in response.content.decode()


def test_portal_user_list_goes_to_own_account(login, desk):
    client = login(Role.PORTAL, customer=desk.acme)
    response = client.get("/customers/", {"q": "borealis"})
    assert (response.status_code, response["Location"]) == (302, f"/customers/{desk.acme.pk}/")

"""The shell: login and logout, navigation by role, the home page, error pages."""

from __future__ import annotations

import pytest
from django.test import Client

from orderdesk.core.roles import Role
from orderdesk.web.navigation import links_for

from ..factories import CustomerFactory, UserFactory
from .conftest import STAFF_ROLES

PASSWORD = "pass-word-123"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/customers/", "/customers/1/", "/items/", "/items/1/"])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


@pytest.mark.django_db
def test_login_page_has_labelled_fields_and_csrf_token(client):
    response = client.get("/login/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in body
    assert '<label for="id_username">User name</label>' in body
    assert '<label for="id_password">Password</label>' in body
    assert 'href="#main"' in body and 'id="main"' in body
    assert 'aria-label="Main"' not in body  # no navigation before login


@pytest.mark.django_db
def test_login_refuses_a_post_without_csrf_token():
    UserFactory(username="ana")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "ana", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_with_good_password_lands_on_next_page(client):
    UserFactory(username="ana")
    response = client.post(
        "/login/", {"username": "ana", "password": PASSWORD, "next": "/customers/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/customers/"
    assert client.session["_auth_user_id"]


@pytest.mark.django_db
def test_login_with_wrong_password_says_so(client):
    UserFactory(username="ana")
    response = client.post("/login/", {"username": "ana", "password": "wrong"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in body
    assert "correct username and password" in body
    assert 'aria-invalid="true"' in body
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_signed_in_user_on_login_page_is_sent_home(login):
    response = login(Role.ORDER_CLERK).get("/login/")
    assert (response.status_code, response["Location"]) == (302, "/")


@pytest.mark.django_db
def test_logout_needs_post_and_then_says_so(login):
    client = login(Role.ORDER_CLERK)
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/", follow=True)
    assert response.redirect_chain == [("/login/", 302)]
    assert "You are signed out." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*STAFF_ROLES, Role.PORTAL])
def test_home_greets_every_role_with_role_and_logout(login, role):
    client = login(role, first_name="Ana")
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert ", Ana</h1>" in body
    assert Role(role).label in body
    assert 'action="/logout/"' in body
    assert 'aria-label="Main"' in body


def _nav_keys(user) -> list[str]:
    return [link.key for link in links_for(user, "/")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "keys"),
    [
        (Role.ORDER_CLERK, ["desk", "customers", "items", "returns", "edi"]),
        (Role.DESK_COORDINATOR, ["desk", "customers", "items", "warehouse", "returns", "edi"]),
        (Role.SERVICE_CLERK, ["customers", "items"]),
        (Role.DISPATCHER, ["customers", "items"]),
        (Role.TECHNICIAN, ["customers", "items"]),
        (Role.WAREHOUSE, ["customers", "items", "warehouse", "returns"]),
        (Role.BILLING, ["customers", "items", "billing"]),
        (Role.MANAGER, ["desk", "customers", "items", "warehouse", "returns", "edi", "billing"]),
        (
            Role.ADMIN,
            ["desk", "customers", "items", "warehouse", "returns", "edi", "billing", "admin"],
        ),
    ],
)
def test_navigation_shows_only_pages_that_exist_for_the_role(role, keys):
    # Stock, Service, Dispatch and Dashboards have no page yet: no link to nothing.
    assert _nav_keys(UserFactory(role=role)) == keys


@pytest.mark.django_db
def test_portal_navigation_is_their_own_documents_and_account_only():
    customer = CustomerFactory()
    user = UserFactory(role=Role.PORTAL, customer=customer)
    links = links_for(user, f"/customers/{customer.pk}/")
    assert [(link.key, link.url, link.current) for link in links] == [
        ("orders", "/orders/", False),
        ("shipments", "/warehouse/shipments/", False),
        ("invoices", "/billing/invoices/", False),
        ("statement", "/billing/my-account/", False),
        ("returns", "/returns/", False),
        ("account", f"/customers/{customer.pk}/", True),
    ]


@pytest.mark.django_db
def test_navigation_marks_the_current_section(login):
    body = login(Role.ORDER_CLERK).get("/items/").content.decode()
    assert '<a href="/items/" aria-current="page">Items</a>' in body
    assert '<a href="/customers/">Customers</a>' in body


@pytest.mark.django_db
def test_admin_link_only_for_admin(login):
    assert 'href="/admin/"' in login(Role.ADMIN).get("/").content.decode()
    assert 'href="/admin/"' not in login(Role.MANAGER).get("/").content.decode()


@pytest.mark.django_db
def test_home_shows_time_in_users_time_zone(login):
    body = login(Role.ORDER_CLERK, timezone="Europe/Berlin").get("/").content.decode()
    assert "Europe/Berlin" in body


@pytest.mark.django_db
def test_pages_load_htmx_and_our_assets_from_static(login):
    body = login(Role.ORDER_CLERK).get("/").content.decode()
    assert 'src="/static/htmx.min.js"' in body
    assert 'href="/static/web/app.css"' in body
    assert 'src="/static/web/app.js"' in body
    assert "://" not in body.split("<body")[0]  # no CDN in the head


@pytest.mark.django_db
def test_forbidden_page_explains_in_the_layout(login):
    response = login(Role.PORTAL).get("/items/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "Your role cannot open this page" in body
    assert 'id="main"' in body

"""The Django admin: open to the admin role only; edits in it leave events; events stay put."""

from __future__ import annotations

import pytest
from django.test import Client

from orderdesk.core.audit import event_record
from orderdesk.core.models import Event
from orderdesk.core.roles import Role

from ..factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_admin_role_opens_the_admin_without_being_staff(make_user):
    admin_user = make_user(Role.ADMIN, is_staff=False)
    CustomerFactory(name="Polar Air")

    client = _logged_in(admin_user)

    assert client.get("/admin/").status_code == 200
    listing = client.get("/admin/parties/customer/")
    assert listing.status_code == 200
    assert b"Polar Air" in listing.content


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ORDER_CLERK, Role.PORTAL])
def test_other_roles_are_sent_to_the_login(make_user, role):
    client = _logged_in(make_user(role, is_staff=True))

    response = client.get("/admin/parties/customer/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_change_in_the_admin_records_an_event(make_user):
    admin_user = make_user(Role.ADMIN)
    customer = CustomerFactory(name="Old")
    client = _logged_in(admin_user)
    form = client.get(f"/admin/parties/customer/{customer.pk}/change/").context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "name": "New",
            "addresses-TOTAL_FORMS": "0",
            "addresses-INITIAL_FORMS": "0",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
        }
    )

    response = client.post(f"/admin/parties/customer/{customer.pk}/change/", data)

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "New"
    event = Event.objects.get(action="customer.updated")
    assert (event.before, event.after, event.actor_id) == (
        {"name": "Old"},
        {"name": "New"},
        admin_user.pk,
    )


def test_events_are_read_only_in_the_admin(make_user):
    event = event_record(actor=None, object_type="test", object_id=1, action="made")
    client = _logged_in(make_user(Role.ADMIN))

    view = client.get(f"/admin/core/event/{event.pk}/change/")
    delete = client.post(f"/admin/core/event/{event.pk}/delete/", {"post": "yes"})

    assert view.status_code == 200
    assert b'name="_save"' not in view.content
    assert delete.status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from orderdesk.core.audit import event_record, events_for
from orderdesk.core.models import Event

from ..factories import CustomerFactory


@pytest.mark.django_db
def test_event_records_actor_object_and_change(make_user):
    clerk = make_user()
    customer = CustomerFactory()
    ev = event_record(
        actor=clerk,
        obj=customer,
        action="customer.updated",
        before={"credit_limit": "100"},
        after={"credit_limit": "200"},
        reason="raised after review",
    )
    assert list(events_for(customer)) == [ev]
    ev.refresh_from_db()
    assert (ev.actor_label, ev.object_type, ev.object_id) == (
        clerk.username,
        "parties.customer",
        str(customer.pk),
    )
    assert ev.after == {"credit_limit": "200"}
    assert ev.at.tzinfo is not None


@pytest.mark.django_db
@pytest.mark.parametrize("operation", ["update", "delete"])
def test_event_table_refuses_update_and_delete(operation):
    ev = event_record(actor=None, object_type="test", object_id=1, action="made")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        if operation == "update":
            Event.objects.filter(pk=ev.pk).update(action="forged")
        else:
            Event.objects.filter(pk=ev.pk).delete()
    ev.refresh_from_db()
    assert ev.action == "made"

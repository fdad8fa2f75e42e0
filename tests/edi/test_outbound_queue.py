"""Queue and send: one document per record, the task enqueued on commit only, a document
sent once however often it is asked for, a failure kept for a clerk, the sweep, the
overdue 997 flag and the 846 inventory advice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from orderdesk.core.errors import Forbidden
from orderdesk.core.models import Event
from orderdesk.edi import outbound
from orderdesk.edi.errors import EdiConflict
from orderdesk.edi.models import EdiDocument, Interchange, TradingPartner
from orderdesk.edi.outbound import (
    edi_document_send_by_id,
    edi_outbound_queue,
    inventory_advice_send,
    is_overdue,
    outbound_retry,
    outbound_sweep,
    overdue_documents,
)
from orderdesk.orders.models import Acknowledgement

from ..factories import UserFactory
from .outbound_flow import (
    elements,
    order_placed,
    outbound_storage,  # noqa: F401  (autouse fixture)
    outbox,
    sent_set,
)
from .world import build_edi_world

pytestmark = pytest.mark.django_db


def test_the_send_task_is_enqueued_when_the_acknowledgement_commits(
    tmp_path, clerk_api, django_capture_on_commit_callbacks
):
    ew = build_edi_world(tmp_path)

    with django_capture_on_commit_callbacks(execute=True):
        order_placed(clerk_api, ew, (ew.items[0].sku, "1"))

    doc = EdiDocument.objects.get()
    [task] = DBTaskResult.objects.filter(task_path="orderdesk.edi.tasks.edi_document_send")
    assert task.args_kwargs == {"args": [doc.pk], "kwargs": {}}
    assert doc.status == "queued"  # until a worker runs it


def test_a_rolled_back_acknowledgement_queues_nothing(
    tmp_path, clerk_api, django_capture_on_commit_callbacks
):
    ew = build_edi_world(tmp_path)
    order_placed(clerk_api, ew, (ew.items[0].sku, "1"))
    ack = Acknowledgement.objects.get()
    EdiDocument.objects.all().delete()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        edi_outbound_queue(kind="855", obj=ack)
        raise RuntimeError("the acknowledgement failed")

    assert EdiDocument.objects.count() == 0
    assert not DBTaskResult.objects.filter(task_path__endswith="edi_document_send").exists()


def test_a_document_is_sent_once_however_often_it_is_asked(
    tmp_path, clerk_api, django_capture_on_commit_callbacks
):
    ew = build_edi_world(tmp_path)
    order_placed(clerk_api, ew, (ew.items[0].sku, "1"))
    doc = EdiDocument.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        first = edi_document_send_by_id(document_id=doc.pk)
        second = edi_document_send_by_id(document_id=doc.pk)

    assert first.startswith("sent 855 PO-855 in ISA 000000001 to acme")
    assert second == "not sent: 855 PO-855 is sent"
    assert outbound_sweep() == 0
    assert Interchange.objects.count() == 1
    assert len(outbox(ew.partner)) == 1
    doc.refresh_from_db()
    assert doc.attempts == 1


def test_the_sweep_sends_what_lost_its_task_oldest_first(tmp_path, clerk_api):
    ew = build_edi_world(tmp_path, repeat_orders=True)
    order_placed(clerk_api, ew, (ew.items[0].sku, "1"), customer_po="PO-A")
    order_placed(clerk_api, ew, (ew.items[0].sku, "2"), customer_po="PO-B")

    assert outbound_sweep() == 2

    docs = list(EdiDocument.objects.order_by("pk"))
    assert [(d.reference, d.status) for d in docs] == [("PO-A", "sent"), ("PO-B", "sent")]
    assert [d.interchange.control_number for d in docs] == ["000000001", "000000002"]


def test_a_document_our_grammar_refuses_waits_for_a_clerk_and_can_be_sent_again(
    tmp_path, clerk_api, monkeypatch, django_capture_on_commit_callbacks
):
    ew = build_edi_world(tmp_path)
    order_placed(clerk_api, ew, (ew.items[0].sku, "1"))
    doc = EdiDocument.objects.get()
    good = outbound.segments_855
    monkeypatch.setattr(outbound, "segments_855", lambda **kw: [("BAK", "00")])

    result = edi_document_send_by_id(document_id=doc.pk)

    doc.refresh_from_db()
    assert result.startswith("failed 855 PO-855")
    assert (doc.status, doc.action_by, doc.attempts) == ("failed", "us", 1)
    assert doc.errors and doc.errors[0]["segment_id"] == "BAK"
    assert Interchange.objects.count() == 0 and outbox(ew.partner) == []
    ew.partner.refresh_from_db()
    assert ew.partner.next_isa == 1  # nothing numbered
    assert outbound_sweep() == 0  # a failed document is not retried behind the clerk's back

    with pytest.raises(Forbidden):
        outbound_retry(actor=UserFactory(role="warehouse"), document=doc)
    monkeypatch.setattr(outbound, "segments_855", good)
    with django_capture_on_commit_callbacks(execute=True):
        outbound_retry(actor=clerk_api.user, document=doc)
    assert DBTaskResult.objects.filter(task_path__endswith="edi_document_send").count() == 1
    assert outbound_sweep() == 1
    doc.refresh_from_db()
    assert (doc.status, doc.errors, doc.attempts) == ("sent", [], 2)
    with pytest.raises(EdiConflict):
        outbound_retry(actor=clerk_api.user, document=doc)
    events = Event.objects.filter(object_id=str(doc.pk), object_type="edi.edidocument")
    assert [e.action for e in events.order_by("pk")] == [
        "edi.document.queued",
        "edi.document.failed",
        "edi.document.requeued",
        "edi.document.sent",
    ]


def test_a_document_whose_997_is_late_is_flagged_overdue(tmp_path, clerk_api):
    ew = build_edi_world(tmp_path, repeat_orders=True)
    TradingPartner.objects.filter(pk=ew.partner.pk).update(ack_hours=4)
    order_placed(clerk_api, ew, (ew.items[0].sku, "1"), customer_po="PO-LATE")
    order_placed(clerk_api, ew, (ew.items[0].sku, "2"), customer_po="PO-BACK")
    outbound_sweep()
    late, back = EdiDocument.objects.order_by("pk")
    EdiDocument.objects.filter(pk=back.pk).update(
        status="acknowledged", acknowledged_at=timezone.now()
    )
    back.refresh_from_db()
    due = late.ack_due_at

    assert list(overdue_documents(now=due - dt.timedelta(minutes=1))) == []
    assert list(overdue_documents(now=due + dt.timedelta(minutes=1))) == [late]
    assert is_overdue(late, now=due + dt.timedelta(minutes=1))
    assert not is_overdue(late, now=due - dt.timedelta(minutes=1))
    assert not is_overdue(back, now=due + dt.timedelta(days=1))


def test_inventory_advice_tells_the_partner_what_is_available_today(tmp_path, clerk_api):
    ew = build_edi_world(tmp_path, items=2, on_hand=40)
    TradingPartner.objects.filter(pk=ew.partner.pk).update(documents=[*ew.partner.documents, "846"])
    ew.partner.refresh_from_db()
    a, b = ew.items
    order_placed(clerk_api, ew, (a.sku, "15"))
    EdiDocument.objects.all().delete()

    doc = inventory_advice_send(
        actor=clerk_api.user, partner=ew.partner, today=dt.date(2026, 11, 21)
    )

    assert (doc.set_id, doc.status) == ("846", "sent")
    assert doc.reference == f"ACME-20261121-{doc.pk}"
    ts = sent_set(doc)
    assert elements(ts, "BIA") == [["00", "MM", doc.reference, "20261121"]]
    assert elements(ts, "LIN") == [
        ["1", "BP", "BP-1", "UP", "000000000001", "VP", a.sku],
        ["2", "BP", "BP-2", "UP", "000000000002", "VP", b.sku],
    ]
    assert [(s.get(1), s.value(2), s.component(3, 1)) for s in ts.all("QTY")] == [
        ("33", Decimal(25), "EA"),
        ("33", Decimal(40), "EA"),
    ]
    assert elements(ts, "CTT") == [["2"]]


def test_inventory_advice_needs_a_partner_that_takes_846_and_an_edi_operator(tmp_path):
    ew = build_edi_world(tmp_path)
    with pytest.raises(Forbidden):
        inventory_advice_send(actor=UserFactory(role="warehouse"), partner=ew.partner)
    with pytest.raises(EdiConflict):
        inventory_advice_send(actor=UserFactory(role="order_clerk"), partner=ew.partner)
    assert EdiDocument.objects.count() == 0

"""Clerk actions on EDI documents: who may, in which state, and never a second order."""

from __future__ import annotations

import pytest

from orderdesk.core.errors import Forbidden
from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.edi.errors import EdiConflict, EdiInvalid
from orderdesk.edi.models import EdiDocument, Interchange, PartnerItem
from orderdesk.edi.services import document_reprocess, document_resolve, document_retry
from orderdesk.orders.models import SalesOrder

from .inbound_world import TODAY, edi_world, po_850, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def ew(tmp_path, settings):  # type: ignore[no-untyped-def]
    return edi_world(tmp_path, settings)


@pytest.fixture
def failed(ew) -> EdiDocument:  # type: ignore[no-untyped-def]
    return receive(po_850(po="PO-F", lines=[("5", "EA", "10.00", "X9")])).documents[0]


def _state(doc: EdiDocument) -> tuple:
    doc.refresh_from_db()
    return (doc.status, doc.action_by, doc.errors, doc.sales_order_id, doc.attempts, doc.raw)


def test_a_role_without_edi_operate_may_not_retry_and_nothing_changes(ew, failed, make_user):
    before = _state(failed)
    with pytest.raises(Forbidden):
        document_retry(actor=make_user(Role.WAREHOUSE), document=failed, reason="try")
    assert _state(failed) == before
    assert not Event.objects.filter(action="edi.document.retried").exists()


def test_retry_needs_a_reason(ew, failed, make_user):
    before = _state(failed)
    with pytest.raises(EdiInvalid) as exc:
        document_retry(actor=make_user(), document=failed, reason=" ")
    assert exc.value.field == "reason"
    assert _state(failed) == before


def test_retry_that_fails_again_keeps_the_document_failed_with_fresh_errors(ew, failed, make_user):
    document_retry(actor=make_user(), document=failed, reason="try again", today=TODAY)
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("failed", 2)
    assert failed.errors[0]["code"] == "edi_item_unknown"
    assert SalesOrder.objects.count() == 0


def test_a_processed_document_is_never_retried_or_reprocessed(ew, failed, make_user):
    PartnerItem.objects.create(partner=ew.partner, item=ew.items[4], buyer_part="X9")
    clerk = make_user()
    document_retry(actor=clerk, document=failed, reason="mapped", today=TODAY)
    before = _state(failed)
    with pytest.raises(EdiConflict):
        document_retry(actor=clerk, document=failed, reason="again", today=TODAY)
    with pytest.raises(EdiConflict):
        document_reprocess(actor=clerk, document=failed, reason="again", today=TODAY)
    with pytest.raises(EdiConflict):
        document_resolve(actor=clerk, document=failed, reason="done")
    assert _state(failed) == before
    assert SalesOrder.objects.count() == 1


def test_a_rejected_document_is_re_processed_not_retried(ew, make_user):
    doc = receive(po_850(lines=[("1", "EACH", "10.00", "BP-1")])).documents[0]
    before = _state(doc)
    with pytest.raises(EdiConflict) as exc:
        document_retry(actor=make_user(), document=doc, reason="again")
    assert exc.value.fix == "correct the text and re-process it, or ask the partner to resend"
    assert _state(doc) == before


def test_resolve_takes_it_off_the_queue_once(ew, failed, make_user):
    clerk = make_user()
    document_resolve(actor=clerk, document=failed, reason="entered by hand as SO-1")
    failed.refresh_from_db()
    assert (failed.status, failed.action_by) == ("resolved", "")
    event = Event.objects.get(action="edi.document.resolved")
    assert event.reason == "entered by hand as SO-1"
    assert event.before["errors"][0]["code"] == "edi_item_unknown"
    before = _state(failed)
    with pytest.raises(EdiConflict) as exc:
        document_resolve(actor=clerk, document=failed, reason="again")
    assert exc.value.code == "edi_document_resolved"
    with pytest.raises(EdiConflict):
        document_retry(actor=clerk, document=failed, reason="again")
    assert _state(failed) == before


def test_reprocess_refuses_text_that_is_not_one_set_of_the_same_type(ew, failed, make_user):
    before = _state(failed)
    with pytest.raises(EdiInvalid):
        document_reprocess(
            actor=make_user(), document=failed, raw="BEG*00*SA*X**20261120", reason="fix"
        )
    with pytest.raises(EdiInvalid):
        document_reprocess(
            actor=make_user(),
            document=failed,
            raw=failed.raw.replace("ST*850", "ST*860"),
            reason="fix",
        )
    assert _state(failed) == before


def test_outbound_document_retry_queues_it_to_be_sent_again(ew, make_user):
    ic = Interchange.objects.create(
        direction="out", partner=ew.partner, control_number="000000003", status="sent"
    )
    doc = EdiDocument.objects.create(
        direction="out",
        partner=ew.partner,
        interchange=ic,
        set_id="855",
        functional_id="PR",
        group_control="3",
        set_control="0001",
        status="ack_rejected",
        action_by="us",
    )
    document_retry(actor=make_user(), document=doc, reason="fixed the 855 mapping")
    doc.refresh_from_db()
    assert (doc.status, doc.action_by, doc.acknowledged_at) == ("queued", "", None)
    assert Event.objects.filter(action="edi.document.retried", object_id=str(doc.pk)).count() == 1

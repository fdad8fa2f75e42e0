"""The clerk's intake actions: resolve, dismiss, retry; each audited, each for EDI operators."""

from __future__ import annotations

import pytest

from orderdesk.core.errors import Forbidden
from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.edi.errors import EdiConflict, EdiInvalid
from orderdesk.edi.intake import email_receive, spreadsheet_po_receive
from orderdesk.edi.intake_actions import (
    intake_item_dismiss,
    intake_item_resolve,
    intake_item_retry,
)
from orderdesk.edi.models import IntakeItem
from orderdesk.orders.mappings import column_mapping_save
from orderdesk.orders.models import OrderFile, SalesOrder

from ..factories import ContactFactory
from ..orders.world import build_world
from .mailserver import PDF, csv_po, email_with


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def clerk(make_user):
    return make_user(Role.ORDER_CLERK)


def pdf_item() -> IntakeItem:
    return email_receive(raw=email_with(("po.pdf", PDF, "application/pdf")), source="t").item


def frozen(item: IntakeItem) -> tuple:
    item = IntakeItem.objects.get(pk=item.pk)
    return (item.status, item.orders, item.note, item.resolved_by_id, item.reason, item.errors)


def desk_order(world, clerk) -> SalesOrder:
    data = csv_po(("PO-HAND", world.items[0].sku, "1"))
    result = spreadsheet_po_receive(
        actor=clerk, data=data, file_name="hand.csv", customer=world.customer
    )
    return SalesOrder.objects.get(number=result.orders[0])


# --- resolve -----------------------------------------------------------------------------------


def test_resolving_records_the_orders_entered_by_hand(world, clerk):
    item = pdf_item()
    order = desk_order(world, clerk)

    done = intake_item_resolve(
        actor=clerk, item=item, note="typed in from the PDF", orders=[f" {order.number} "]
    )

    item.refresh_from_db()
    assert done == item
    assert (item.status, item.orders, item.note, item.resolved_by) == (
        "done",
        [order.number],
        "typed in from the PDF",
        clerk,
    )
    assert item.resolved_at is not None
    event = Event.objects.get(action="edi.intake_item.resolved")
    assert (event.object_id, event.actor, event.reason) == (
        str(item.pk),
        clerk,
        "typed in from the PDF",
    )
    assert (event.before["status"], event.after["status"], event.after["orders"]) == (
        "waiting",
        "done",
        [order.number],
    )


def test_resolving_with_an_order_that_does_not_exist_changes_nothing(world, clerk):
    item = pdf_item()
    before = frozen(item)
    with pytest.raises(EdiInvalid) as exc:
        intake_item_resolve(actor=clerk, item=item, note="x", orders=["SO999999"])
    assert (exc.value.field, exc.value.message) == ("orders", "no sales order SO999999")
    assert frozen(item) == before
    assert not Event.objects.filter(action="edi.intake_item.resolved").exists()


def test_an_item_is_closed_once(world, clerk):
    item = pdf_item()
    intake_item_dismiss(actor=clerk, item=item, note="spam")
    before = frozen(item)
    for act in (
        lambda: intake_item_resolve(actor=clerk, item=item, note="late"),
        lambda: intake_item_dismiss(actor=clerk, item=item, note="again"),
        lambda: intake_item_retry(actor=clerk, item=item),
    ):
        with pytest.raises(EdiConflict) as exc:
            act()
        assert exc.value.code == "edi_intake_item_closed"
        assert exc.value.message == f"intake item {item.pk} is dismissed already"
    assert frozen(item) == before


# --- dismiss -----------------------------------------------------------------------------------


def test_dismissing_needs_a_note_and_is_audited(world, clerk):
    item = pdf_item()
    before = frozen(item)
    with pytest.raises(EdiInvalid) as exc:
        intake_item_dismiss(actor=clerk, item=item, note="  ")
    assert exc.value.field == "note" and frozen(item) == before

    intake_item_dismiss(actor=clerk, item=item, note="spam")
    item.refresh_from_db()
    assert (item.status, item.note, item.resolved_by) == ("dismissed", "spam", clerk)
    event = Event.objects.get(action="edi.intake_item.dismissed")
    assert (event.before["status"], event.after["status"], event.reason) == (
        "waiting",
        "dismissed",
        "spam",
    )


# --- retry -------------------------------------------------------------------------------------


def test_retry_after_the_senders_address_was_added_makes_the_order(world, clerk):
    raw = email_with(
        ("po.csv", csv_po(("PO-NEW", world.items[0].sku, "3")), "text/csv"),
        sender="new.buyer@elsewhere.test",
    )
    item = email_receive(raw=raw, source="t").item
    assert item.status == "waiting" and SalesOrder.objects.count() == 0

    ContactFactory(customer=world.customer, email="New.Buyer@elsewhere.test")
    retried = intake_item_retry(actor=clerk, item=item)

    order = SalesOrder.objects.get()
    assert (order.customer, order.customer_po, order.created_by) == (
        world.customer,
        "PO-NEW",
        clerk,
    )
    item.refresh_from_db()
    assert retried == item
    assert (item.status, item.orders, item.errors, item.reason, item.customer) == (
        "done",
        [order.number],
        [],
        "",
        world.customer,
    )
    assert item.resolved_by == clerk
    event = Event.objects.get(action="edi.intake_item.retried")
    assert (event.actor, event.before["status"], event.after["status"]) == (
        clerk,
        "waiting",
        "done",
    )


def test_retry_reads_only_the_attachments_still_waiting(world, clerk):
    theirs = b"PO #,Item No,Qty,Freight\r\nPO-THEIRS,%s,2,prepaid\r\n" % world.items[1].sku.encode()
    raw = email_with(
        ("ours.csv", csv_po(("PO-OURS", world.items[0].sku, "1")), "text/csv"),
        ("theirs.csv", theirs, "text/csv"),
    )
    item = email_receive(raw=raw, source="t").item
    first = SalesOrder.objects.get()
    assert (item.status, item.orders) == ("waiting", [first.number])
    assert [(e["part"], e["attachment"]) for e in item.errors] == [(1, "theirs.csv")]
    files = OrderFile.objects.count()

    column_mapping_save(
        actor=clerk,
        customer=world.customer,
        name="default",
        columns={"customer_po": "PO #", "sku": "Item No", "quantity": "Qty"},
        defaults={"freight_payment": "prepaid"},
    )
    intake_item_retry(actor=clerk, item=item)

    item.refresh_from_db()
    second = SalesOrder.objects.exclude(pk=first.pk).get()
    assert second.customer_po == "PO-THEIRS"
    assert (item.status, item.orders) == ("done", [first.number, second.number])
    assert OrderFile.objects.count() == files + 1  # ours.csv was not read again


def test_a_retry_that_still_cannot_read_keeps_the_item_waiting_and_says_so(world, clerk):
    item = pdf_item()
    before = frozen(item)
    intake_item_retry(actor=clerk, item=item)
    assert frozen(item) == before
    event = Event.objects.get(action="edi.intake_item.retried")
    assert (event.before["status"], event.after["status"]) == ("waiting", "waiting")


def test_retry_of_an_uploaded_file(world, clerk):
    data = b"PO #,Item No,Qty\r\nPO-UP,%s,2\r\n" % world.items[0].sku.encode()
    result = spreadsheet_po_receive(
        actor=clerk, data=data, file_name="up.csv", customer=world.customer
    )
    assert result.waiting
    column_mapping_save(
        actor=clerk,
        customer=world.customer,
        name="default",
        columns={"customer_po": "PO #", "sku": "Item No", "quantity": "Qty"},
    )
    item = intake_item_retry(actor=clerk, item=result.item)
    assert (item.status, item.orders) == ("done", [SalesOrder.objects.get().number])


# --- who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PORTAL, Role.WAREHOUSE])
def test_the_portal_and_the_warehouse_may_not_work_the_queue(world, make_user, role):
    item = pdf_item()
    before = frozen(item)
    events = Event.objects.count()
    user = make_user(role)
    for act in (
        lambda: intake_item_resolve(actor=user, item=item, note="x"),
        lambda: intake_item_dismiss(actor=user, item=item, note="x"),
        lambda: intake_item_retry(actor=user, item=item),
    ):
        with pytest.raises(Forbidden):
            act()
    assert frozen(item) == before and Event.objects.count() == events


def test_retry_without_the_original_in_storage_says_so(world, clerk):
    item = pdf_item()
    item.original.storage.delete(item.original.name)
    before = frozen(item)
    with pytest.raises(EdiInvalid) as exc:
        intake_item_retry(actor=clerk, item=item)
    assert exc.value.message == f"the original of intake item {item.pk} is no longer in storage"
    assert frozen(item) == before

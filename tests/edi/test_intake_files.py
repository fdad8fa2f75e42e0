"""Spreadsheet POs uploaded or dropped: good files make orders, bad ones wait for a clerk."""

from __future__ import annotations

import pytest

from orderdesk.core.errors import Forbidden
from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.edi.errors import EdiInvalid
from orderdesk.edi.intake import spreadsheet_po_receive
from orderdesk.edi.models import IntakeItem
from orderdesk.orders.models import OrderFile, SalesOrder

from ..orders.world import build_world
from .mailserver import PDF, csv_po, xlsx_po

BY_HAND = "correct the file and send it again, or enter the order by hand from the attached file"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def clerk(make_user):
    return make_user(Role.ORDER_CLERK)


def test_a_good_csv_for_a_customer_makes_its_orders_and_no_item(world, clerk):
    data = csv_po(("PO-F1", world.items[0].sku, "2"), ("PO-F2", world.items[1].sku, "1"))
    result = spreadsheet_po_receive(
        actor=clerk, data=data, file_name="week.csv", customer=world.customer
    )

    orders = list(SalesOrder.objects.order_by("pk"))
    assert [(o.customer_po, o.customer, o.created_by) for o in orders] == [
        ("PO-F1", world.customer, clerk),
        ("PO-F2", world.customer, clerk),
    ]
    assert (result.item, result.orders, result.waiting) == (None, [o.number for o in orders], False)
    assert result.order_file == OrderFile.objects.get() and result.order_file.status == "imported"
    assert IntakeItem.objects.count() == 0


def test_a_file_naming_its_customers_needs_no_customer(world, clerk):
    data = csv_po(("PO-C", world.items[0].sku, "2"), customer=world.customer.account_number)
    result = spreadsheet_po_receive(actor=clerk, data=data, file_name="c.csv", source="drop")
    assert SalesOrder.objects.get().customer == world.customer and result.item is None


def test_a_workbook_with_a_bad_row_waits_with_the_file_and_the_row_errors(world, clerk):
    data = xlsx_po(["customer_po", "sku", "quantity"], ["PO-B", world.items[0].sku, "many"])
    result = spreadsheet_po_receive(
        actor=clerk, data=data, file_name="C:\\Users\\me\\po.xlsx", customer=world.customer
    )

    item = IntakeItem.objects.get()
    assert result.item == item and result.waiting and result.orders == []
    assert (item.source, item.filename, item.sender, item.customer, item.message_id) == (
        "upload",
        "po.xlsx",
        clerk.username,
        world.customer,
        None,
    )
    with item.original.open("rb") as fh:
        assert fh.read() == data
    assert [(e["part"], e["code"], e["row"], e["column"]) for e in item.errors] == [
        (0, "row_error", 2, "quantity")
    ]
    assert item.reason == (
        f"the file po.xlsx cannot be taken in: row 2 quantity: {item.errors[0]['message']}; "
        + BY_HAND
    )
    assert SalesOrder.objects.count() == 0
    event = Event.objects.get(action="edi.intake_item.received")
    assert (event.object_id, event.actor_id, event.after["status"]) == (
        str(item.pk),
        clerk.pk,
        "waiting",
    )


def test_a_pdf_dropped_as_a_po_waits(world):
    from orderdesk.core.importing_spec import SYSTEM

    result = spreadsheet_po_receive(actor=SYSTEM, data=PDF, file_name="po.pdf", source="drop")
    assert (result.item.source, result.item.sender, result.item.reason) == (
        "drop",
        "system",
        f"the file po.pdf is a PDF: OrderDesk reads X12, CSV and XLSX; {BY_HAND}",
    )


def test_a_file_with_an_order_intake_would_refuse_waits_whole(world, clerk):
    data = csv_po(("PO-OK", world.items[0].sku, "1"), ("PO-NO", world.items[0].sku, "1"))
    lines = data.decode().replace("customer_po,sku", "ship_to,customer_po,sku").split("\r\n")
    lines[1], lines[2] = "MAIN," + lines[1], "NOWHERE," + lines[2]
    result = spreadsheet_po_receive(
        actor=clerk, data="\r\n".join(lines).encode(), file_name="s.csv", customer=world.customer
    )
    assert SalesOrder.objects.count() == 0
    account = world.customer.account_number
    assert [(e["code"], e["row"], e["field"], e["message"]) for e in result.item.errors] == [
        ("invalid", 3, "ship_to", f"order PO-NO (rows 3-3): ship_to: customer {account} has no "
         "ship-to NOWHERE"),
    ]  # fmt: skip
    assert result.item.reason == (
        f"the file s.csv cannot be taken in: {result.item.errors[0]['message']}; {BY_HAND}"
    )


def test_an_unknown_source_is_refused(world, clerk):
    with pytest.raises(EdiInvalid) as exc:
        spreadsheet_po_receive(actor=clerk, data=b"a", file_name="a.csv", source="email")
    assert exc.value.field == "source"
    assert IntakeItem.objects.count() == 0


@pytest.mark.parametrize("role", [Role.PORTAL, Role.WAREHOUSE])
def test_a_portal_user_or_the_warehouse_is_refused(world, make_user, role):
    data = csv_po(("PO-R", world.items[0].sku, "1"))
    with pytest.raises(Forbidden):
        spreadsheet_po_receive(
            actor=make_user(role), data=data, file_name="r.csv", customer=world.customer
        )
    assert (IntakeItem.objects.count(), OrderFile.objects.count(), SalesOrder.objects.count()) == (
        0,
        0,
        0,
    )

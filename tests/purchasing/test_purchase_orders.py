from __future__ import annotations

from decimal import Decimal

import pytest

from orderdesk.catalog.models import ItemStatus
from orderdesk.core.audit import events_for
from orderdesk.core.errors import Forbidden
from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.notify.models import OutboxMessage
from orderdesk.purchasing.errors import PurchaseOrderStateError, PurchasingError
from orderdesk.purchasing.models import PurchaseOrder, PurchaseOrderLine, PurchaseOrderStatus
from orderdesk.purchasing.services import (
    ALLOWED_TRANSITIONS,
    LineInput,
    purchase_order_cancel,
    purchase_order_create,
    purchase_order_send,
    purchase_order_transition,
    purchase_order_update,
)

from ..factories import AddressFactory, ItemFactory, VendorFactory, WarehouseFactory
from .factories import buyer, in_days, make_po

pytestmark = pytest.mark.django_db

S = PurchaseOrderStatus


def _state() -> tuple[list, list, int]:
    pos = list(
        PurchaseOrder.objects.order_by("pk").values_list(
            "number", "status", "expected_date", "vendor_reference"
        )
    )
    lines = list(
        PurchaseOrderLine.objects.order_by("pk").values_list(
            "purchase_order_id", "line_no", "item_id", "quantity_ordered", "unit_cost"
        )
    )
    return pos, lines, Event.objects.count()


def test_create_numbers_a_draft_with_lines_dated_from_the_header():
    vendor = VendorFactory(currency="CAD")
    a, b = ItemFactory(sku="FLT-20"), ItemFactory(sku="FLT-25")
    po = purchase_order_create(
        actor=buyer(),
        vendor=vendor,
        warehouse=WarehouseFactory(),
        expected_date=in_days(10),
        lines=[
            (a, Decimal(24), Decimal("3.1250")),
            LineInput(b, Decimal("12"), Decimal(5), in_days(20)),
        ],
        vendor_reference="Q-7781",
    )
    assert (po.number, po.status, po.currency, po.order_date) == (
        "PO000001",
        "draft",
        "CAD",
        in_days(0),
    )
    assert list(
        po.lines.values_list(
            "line_no", "item__sku", "quantity_ordered", "unit_cost", "expected_date"
        )
    ) == [
        (1, "FLT-20", Decimal(24), Decimal("3.125"), in_days(10)),
        (2, "FLT-25", Decimal(12), Decimal(5), in_days(20)),
    ]
    event = Event.objects.get(action="purchase_order.created")
    assert event.actor_label == "buyer"
    assert [ln["quantity_ordered"] for ln in event.after["lines"]] == ["24.0000", "12.0000"]


def test_lines_may_be_mappings():
    item = ItemFactory()
    po = make_po(lines=[{"item": item, "quantity": "2", "unit_cost": "1.5"}])
    assert list(po.lines.values_list("quantity_ordered", "unit_cost")) == [
        (Decimal(2), Decimal("1.5"))
    ]


def test_drop_ship_order_goes_to_the_customers_ship_to_without_a_warehouse():
    ship_to = AddressFactory()
    po = make_po(drop_ship=True, ship_to=ship_to)
    assert (po.drop_ship, po.warehouse_id, po.ship_to_id) == (True, None, ship_to.pk)


def _bad_create(case: str) -> dict:
    item = ItemFactory()
    ok_line = (item, Decimal(1), Decimal(1))
    return {
        "no lines": {"lines": []},
        "zero quantity": {"lines": [(item, Decimal(0), Decimal(1))]},
        "negative cost": {"lines": [(item, Decimal(1), Decimal("-1"))]},
        "cost too precise": {"lines": [(item, Decimal(1), Decimal("0.00001"))]},
        "past date": {"lines": [ok_line], "expected_date": in_days(-1)},
        "past line date": {"lines": [(item, Decimal(1), Decimal(1), in_days(-3))]},
        "no warehouse": {"lines": [ok_line], "warehouse": None},
        "drop ship without ship-to": {"lines": [ok_line], "drop_ship": True},
        "ship-to on a stocked order": {"lines": [ok_line], "ship_to": AddressFactory()},
        "inactive vendor": {"lines": [ok_line], "vendor": VendorFactory(active=False)},
        "discontinued item": {
            "lines": [(ItemFactory(status=ItemStatus.DISCONTINUED), Decimal(1), Decimal(1))]
        },
        "bad currency": {"lines": [ok_line], "currency": "DOLLARS"},
        "inactive warehouse": {
            "lines": [ok_line],
            "warehouse": WarehouseFactory(code="OLD", active=False),
        },
    }[case]


@pytest.mark.parametrize(
    ("case", "code", "field"),
    [
        ("no lines", "no_lines", "lines"),
        ("zero quantity", "quantity_invalid", "lines.0.quantity"),
        ("negative cost", "cost_invalid", "lines.0.unit_cost"),
        ("cost too precise", "cost_invalid", "lines.0.unit_cost"),
        ("past date", "date_invalid", "expected_date"),
        ("past line date", "date_invalid", "lines.0.expected_date"),
        ("no warehouse", "warehouse_required", "warehouse"),
        ("drop ship without ship-to", "ship_to_required", "ship_to"),
        ("ship-to on a stocked order", "ship_to_not_allowed", "ship_to"),
        ("inactive vendor", "vendor_inactive", "vendor"),
        ("discontinued item", "item_discontinued", "lines.0.item"),
        ("bad currency", "currency_invalid", "currency"),
        ("inactive warehouse", "warehouse_inactive", "warehouse"),
    ],
)
def test_bad_purchase_orders_are_refused_and_use_no_number(case, code, field):
    kwargs = {"vendor": VendorFactory(), "warehouse": WarehouseFactory(), **_bad_create(case)}
    kwargs.setdefault("expected_date", in_days(5))
    actor = buyer()
    before = _state()
    with pytest.raises(PurchasingError) as exc:
        purchase_order_create(actor=actor, **kwargs)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert _state() == before
    assert make_po(actor=actor).number == "PO000001"


def test_order_clerk_may_not_create_a_purchase_order(make_user):
    with pytest.raises(Forbidden):
        make_po(actor=make_user(Role.ORDER_CLERK))
    assert _state() == ([], [], 0)


def test_update_a_draft_replaces_lines_and_records_the_change():
    po = make_po()
    item = ItemFactory(sku="BLT-A42")
    purchase_order_update(
        actor=buyer(),
        purchase_order=po,
        expected_date=in_days(14),
        vendor_reference="Q-1",
        lines=[(item, Decimal(3), Decimal("9.99"))],
        reason="vendor quote",
    )
    po.refresh_from_db()
    assert (po.expected_date, po.vendor_reference) == (in_days(14), "Q-1")
    assert list(po.lines.values_list("item__sku", "quantity_ordered", "expected_date")) == [
        ("BLT-A42", Decimal(3), in_days(14))
    ]
    event = Event.objects.get(action="purchase_order.updated")
    assert sorted(event.after) == ["expected_date", "lines", "vendor_reference"]
    assert event.reason == "vendor quote"


def test_an_open_purchase_order_cannot_be_updated():
    po = make_po(send=True)
    before = _state()
    with pytest.raises(PurchaseOrderStateError) as exc:
        purchase_order_update(actor=buyer(), purchase_order=po, vendor_reference="Q-2")
    assert exc.value.code == "not_draft"
    assert exc.value.message == (
        "purchase order PO000001 is open (sent to vendor): only a draft can be changed"
    )
    assert _state() == before


def test_send_opens_the_order_and_emails_the_vendor_through_the_outbox():
    vendor = VendorFactory(email="orders@coolparts.example.com", name="Cool Parts")
    po = make_po(vendor=vendor, send=True)
    assert po.status == "open"
    assert [e.action for e in events_for(po)] == [
        "purchase_order.created",
        "purchase_order.open",
        "notification.queued",
    ]
    message = OutboxMessage.objects.get()
    assert (message.to, message.subject, message.object_id) == (
        "orders@coolparts.example.com",
        "Purchase order PO000001",
        str(po.pk),
    )
    assert "Vendor: " + vendor.code + " Cool Parts" in message.body_text


def test_send_to_a_vendor_without_email_writes_no_message():
    make_po(send=True)
    assert OutboxMessage.objects.count() == 0


def test_cancel_needs_a_reason():
    po = make_po()
    before = _state()
    with pytest.raises(PurchasingError) as exc:
        purchase_order_cancel(actor=buyer(), purchase_order=po, reason="  ")
    assert exc.value.code == "reason_required"
    assert _state() == before
    purchase_order_cancel(actor=buyer(), purchase_order=po, reason="vendor out of stock")
    assert PurchaseOrder.objects.get(pk=po.pk).status == "cancelled"
    assert Event.objects.get(action="purchase_order.cancelled").reason == "vendor out of stock"


def test_the_transition_table_is_exactly_this():
    assert {k: sorted(v) for k, v in ALLOWED_TRANSITIONS.items()} == {
        "draft": ["cancelled", "open"],
        "open": ["cancelled", "partially_received", "received"],
        "partially_received": ["cancelled", "received"],
        "received": [],
        "cancelled": [],
    }


@pytest.mark.parametrize(
    ("start", "target"),
    [(a, b) for a in S.values for b in S.values if b not in ALLOWED_TRANSITIONS[a]],
)
def test_every_move_outside_the_table_is_refused(start, target):
    po = make_po()
    PurchaseOrder.objects.filter(pk=po.pk).update(status=start)
    before = _state()
    with pytest.raises(PurchaseOrderStateError) as exc:
        purchase_order_transition(actor=buyer(), purchase_order=po, to_status=target)
    assert exc.value.code == "transition_not_allowed"
    assert _state() == before


def test_sending_twice_is_refused():
    po = make_po(send=True)
    with pytest.raises(PurchaseOrderStateError, match="cannot go from open to open"):
        purchase_order_send(actor=buyer(), purchase_order=po)
    assert Event.objects.filter(action="purchase_order.open").count() == 1

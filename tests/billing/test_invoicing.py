"""Invoices from shipped quantities: partial and later shipments, cumulative rounding,
charges billed once, payment terms, idempotency, roles, the manual invoicing of an order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from orderdesk.billing.errors import BillingError
from orderdesk.billing.invoicing import invoice_for_order, invoice_for_shipment
from orderdesk.billing.models import Invoice, InvoiceCharge, InvoiceLine, Receivable
from orderdesk.core.errors import Forbidden
from orderdesk.core.models import DocumentSequence, Event
from orderdesk.core.roles import Role
from orderdesk.notify.models import OutboxMessage
from orderdesk.orders.models import SalesOrder
from orderdesk.orders.submit import order_change_by_id
from orderdesk.parties.models import Address, Contact, PaymentTerms
from orderdesk.pricing.models import FreightRate

from ..factories import UserFactory
from ..orders.world import World, build_world
from .invoicing_world import billing_user, place, ship, warehouse_user

pytestmark = pytest.mark.django_db

MARCH_2 = dt.date(2026, 3, 2)
MARCH_9 = dt.date(2026, 3, 9)


def _freight_world(price: str = "1.99", on_hand: int = 4) -> World:
    world = build_world(price=price, on_hand=on_hand)
    FreightRate.objects.create(ship_method=world.ship_method, per_order=D("12.50"))
    return world


def _two_line_order(world: World) -> SalesOrder:
    """Line 1: 7 at 1.99 (4 in stock, 3 backordered); line 2: 3 at 1.99; freight 12.50."""
    return place(
        world,
        (world.items[0].sku, "7"),
        (world.items[1].sku, "3"),
        freight_payment="prepaid_add",
    )


def test_partial_shipment_is_invoiced_for_the_shipped_part_only() -> None:
    world = _freight_world()
    order = _two_line_order(world)
    assert (order.merchandise, order.charges_total, order.tax_total) == (
        D("19.90"),
        D("12.50"),
        D("1.24"),
    )
    shipment = ship(order, {1: "4", 2: "3"}, ship_date=MARCH_2, lots={1: "L-77"})

    invoice = invoice_for_shipment(actor=warehouse_user(), shipment=shipment)

    lines = list(invoice.lines.order_by("line_no"))
    # line 1: round(13.93 × 4/7) = 7.96 net, round(0.87 × 4/7) = 0.50 tax
    assert [(ln.sku, ln.lot, ln.quantity, ln.unit_price, ln.net, ln.tax) for ln in lines] == [
        (world.items[0].sku, "L-77", D(4), D("1.99"), D("7.96"), D("0.50")),
        (world.items[1].sku, "", D(3), D("1.99"), D("5.97"), D("0.37")),
    ]
    assert [ln.shipment_line.quantity for ln in lines] == [D(4), D(3)]
    charges = list(invoice.charges.values_list("code", "amount", "tax"))
    assert charges == [("FREIGHT", D("12.50"), D(0))]
    assert (invoice.merchandise, invoice.charges_total, invoice.tax_total, invoice.total) == (
        D("13.93"),
        D("12.50"),
        D("0.87"),
        D("27.30"),
    )
    assert invoice.total == invoice.merchandise + invoice.charges_total + invoice.tax_total
    assert (invoice.number, invoice.invoice_date, invoice.due_date) == (
        "INV000001",
        MARCH_2,
        MARCH_2 + dt.timedelta(days=30),
    )
    assert (invoice.shipment_id, invoice.order_id, invoice.customer_po) == (
        shipment.pk,
        order.pk,
        "PO-1",
    )
    receivable = Receivable.objects.get(pk=invoice.receivable_id)
    assert (receivable.kind, receivable.document_number, receivable.amount) == (
        "invoice",
        "INV000001",
        D("27.30"),
    )
    assert (receivable.open_amount, receivable.due_date) == (D("27.30"), invoice.due_date)
    order.refresh_from_db()
    assert order.status == "backordered"
    buckets = list(order.lines.order_by("line_no").values_list("qty_invoiced", "status"))
    assert buckets == [(D(4), "backordered"), (D(3), "invoiced")]


def test_second_shipment_completes_the_line_to_the_cent_and_charges_go_once() -> None:
    world = _freight_world()
    order = _two_line_order(world)
    first = invoice_for_shipment(
        actor=warehouse_user(), shipment=ship(order, {1: "4", 2: "3"}, ship_date=MARCH_2)
    )

    second = invoice_for_shipment(
        actor=warehouse_user(), shipment=ship(order, {1: "3"}, ship_date=MARCH_9)
    )

    # the rest of line 1: 13.93 − 7.96 = 5.97 net, 0.87 − 0.50 = 0.37 tax
    assert list(second.lines.values_list("quantity", "net", "tax")) == [
        (D(3), D("5.97"), D("0.37"))
    ]
    assert second.charges.count() == 0
    assert (second.number, second.total) == ("INV000002", D("6.34"))
    both = [first, second]
    order.refresh_from_db()
    assert sum((i.merchandise for i in both), D(0)) == order.merchandise
    assert sum((i.charges_total for i in both), D(0)) == order.charges_total
    assert sum((i.tax_total for i in both), D(0)) == order.tax_total
    assert sum((i.total for i in both), D(0)) == order.total == D("33.64")
    for line in order.lines.all():
        billed = InvoiceLine.objects.filter(order_line=line)
        assert sum((b.net for b in billed), D(0)) == line.net
        assert sum((b.tax for b in billed), D(0)) == line.tax
        assert line.qty_invoiced == line.qty_shipped == line.qty_ordered
    assert order.status == "invoiced"
    assert InvoiceCharge.objects.filter(invoice__order=order).count() == 1


def test_invoices_of_a_line_shipped_in_thirds_add_up_to_its_tax_exactly() -> None:
    world = build_world(price="0.10", on_hand=10)
    order = place(world, (world.items[0].sku, "3"))
    line = order.lines.get()
    assert (line.net, line.tax) == (D("0.30"), D("0.02"))  # 0.01875 rounded

    taxes = []
    for day in (2, 3, 4):
        shipment = ship(order, {1: "1"}, ship_date=dt.date(2026, 3, day))
        invoice = invoice_for_shipment(actor=warehouse_user(), shipment=shipment)
        taxes.append(invoice.tax_total)

    # cumulative: round(0.02/3)=0.01, round(0.04/3)−0.01=0.00, 0.02−0.01=0.01 (not 3 × 0.01)
    assert taxes == [D("0.01"), D("0.00"), D("0.01")]
    assert sum(taxes, D(0)) == line.tax
    nets = list(InvoiceLine.objects.filter(order_line=line).values_list("net", flat=True))
    assert nets == [D("0.10"), D("0.10"), D("0.10")]


def test_payment_terms_give_due_date_and_early_payment_discount() -> None:
    world = build_world(price="10.00")
    terms = PaymentTerms.objects.create(
        code="2-10N30",
        description="2% 10 days, net 30",
        net_days=30,
        discount_percent=D(2),
        discount_days=10,
    )
    world.customer.payment_terms = terms
    world.customer.save()
    order = place(world, (world.items[0].sku, "7"))

    invoice = invoice_for_shipment(
        actor=warehouse_user(), shipment=ship(order, {1: "7"}, ship_date=MARCH_2)
    )

    assert invoice.total == D("74.38")  # 70.00 + 6.25% tax 4.375 → 4.38
    assert invoice.payment_terms_id == terms.pk
    assert invoice.due_date == dt.date(2026, 4, 1)
    assert invoice.discount_date == dt.date(2026, 3, 12)
    assert invoice.discount_amount == D("1.49")  # 2% of 74.38 = 1.4876


def test_terms_without_discount_leave_no_discount() -> None:
    world = build_world()
    order = place(world, (world.items[0].sku, "1"))
    invoice = invoice_for_shipment(actor=warehouse_user(), shipment=ship(order, {1: "1"}))
    assert (invoice.discount_date, invoice.discount_amount) == (None, D(0))


def test_invoicing_a_shipment_again_bills_nothing_twice() -> None:
    world = build_world()
    order = place(world, (world.items[0].sku, "5"))
    shipment = ship(order, {1: "5"})
    first = invoice_for_shipment(actor=warehouse_user(), shipment=shipment)
    counts = (Invoice.objects.count(), InvoiceLine.objects.count(), Event.objects.count())

    again = invoice_for_shipment(actor=warehouse_user(), shipment=shipment)

    assert again.pk == first.pk
    assert (Invoice.objects.count(), InvoiceLine.objects.count(), Event.objects.count()) == counts
    with pytest.raises(BillingError) as refused:
        invoice_for_order(actor=billing_user(), order=order)
    assert refused.value.code == "nothing_to_invoice"
    assert (Invoice.objects.count(), InvoiceLine.objects.count()) == counts[:2]


def test_manual_invoicing_bills_each_uninvoiced_shipment_once() -> None:
    world = _freight_world(on_hand=10)
    order = _two_line_order(world)
    ship(order, {1: "4"}, ship_date=MARCH_2)
    ship(order, {1: "3", 2: "3"}, ship_date=MARCH_9)

    made = invoice_for_order(actor=billing_user(), order=order)

    assert [(i.number, i.invoice_date, i.total) for i in made] == [
        ("INV000001", MARCH_2, D("20.96")),  # 7.96 + 0.50 + freight 12.50
        ("INV000002", MARCH_9, D("12.68")),  # 5.97 + 0.37 + 5.97 + 0.37
    ]
    assert [i.charges.count() for i in made] == [1, 0]
    order.refresh_from_db()
    assert order.status == "invoiced"
    assert sum((i.total for i in made), D(0)) == order.total


def test_manual_invoicing_with_a_date_uses_it_for_every_invoice() -> None:
    world = build_world()
    order = place(world, (world.items[0].sku, "2"))
    ship(order, {1: "2"}, ship_date=MARCH_2)

    [invoice] = invoice_for_order(actor=billing_user(), order=order, invoice_date=MARCH_9)

    assert (invoice.invoice_date, invoice.due_date) == (MARCH_9, dt.date(2026, 4, 8))


def test_invoice_dated_before_the_goods_left_is_refused_with_nothing_written() -> None:
    world = build_world()
    order = place(world, (world.items[0].sku, "2"))
    shipment = ship(order, {1: "2"}, ship_date=MARCH_9)

    with pytest.raises(BillingError) as refused:
        invoice_for_shipment(actor=warehouse_user(), shipment=shipment, invoice_date=MARCH_2)

    assert refused.value.field == "invoice_date"
    assert "2026-03-09" in refused.value.message
    assert Invoice.objects.count() == Receivable.objects.count() == 0
    assert order.lines.get().qty_invoiced == 0


def test_only_shipping_and_billing_roles_invoice() -> None:
    world = build_world()
    order = place(world, (world.items[0].sku, "2"))
    shipment = ship(order, {1: "2"})

    with pytest.raises(Forbidden):
        invoice_for_shipment(actor=UserFactory(role=Role.ORDER_CLERK), shipment=shipment)
    with pytest.raises(Forbidden):
        invoice_for_order(actor=warehouse_user(), order=order)

    assert Invoice.objects.count() == 0
    assert not DocumentSequence.objects.filter(doc_type="invoice").exists()
    assert invoice_for_shipment(actor=billing_user(), shipment=shipment).number == "INV000001"


def test_invoice_records_events_and_queues_the_email_with_its_pdf() -> None:
    world = build_world()
    order = place(world, (world.items[0].sku, "2"))

    invoice = invoice_for_shipment(actor=warehouse_user(), shipment=ship(order, {1: "2"}))

    on_invoice = Event.objects.get(object_type="billing.invoice", action="invoice.created")
    on_order = Event.objects.get(
        object_type="orders.salesorder", object_id=str(order.pk), action="invoice.created"
    )
    assert on_invoice.after["total"] == on_order.after["total"] == "21.25"
    message = OutboxMessage.objects.get(pk=invoice.sent_message_id)
    assert message.to == "buyer@example.com"
    assert message.subject == f"Invoice {invoice.number} (your PO PO-1)"
    assert message.dedupe_key == f"invoice:{invoice.number}"
    assert "Due date: 2026-04-01" in message.body_text
    [attachment] = message.attachments
    assert attachment["render"] == "orderdesk.billing.documents:invoice_pdf"
    assert attachment["args"] == {"invoice_id": invoice.pk}
    assert on_invoice.after["sent_to"] == "buyer@example.com"


def test_no_email_address_means_no_email_and_an_event_saying_why() -> None:
    world = build_world()
    Contact.objects.filter(customer=world.customer).update(email="")
    world.customer.email = ""
    world.customer.save()
    order = place(world, (world.items[0].sku, "2"))
    before = OutboxMessage.objects.count()

    invoice = invoice_for_shipment(actor=warehouse_user(), shipment=ship(order, {1: "2"}))

    assert invoice.sent_message_id is None
    assert OutboxMessage.objects.count() == before
    skipped = Event.objects.get(object_type="billing.invoice", action="invoice.email_skipped")
    assert "no primary contact with an e-mail address" in skipped.reason


def test_bill_to_is_a_snapshot_from_the_customers_default_when_the_order_has_none() -> None:
    world = build_world()
    order = place(world, (world.items[0].sku, "2"))
    SalesOrder.objects.filter(pk=order.pk).update(bill_to=None)
    Address.objects.filter(pk=world.bill_to.pk).update(name="Accounts Payable", city="Peoria")

    invoice = invoice_for_shipment(actor=warehouse_user(), shipment=ship(order, {1: "2"}))
    Address.objects.filter(pk=world.bill_to.pk).update(city="Joliet")

    invoice.refresh_from_db()
    assert invoice.bill_to["name"] == "Accounts Payable"
    assert invoice.bill_to["city"] == "Peoria"
    assert invoice.bill_to["code"] == "BILL"


def test_a_cancelled_rest_is_never_billed_and_the_shipped_part_bills_the_line_net() -> None:
    world = build_world(price="3.33", on_hand=6)
    order = place(world, (world.items[0].sku, "10"))  # 6 allocated, 4 backordered
    shipment = ship(order, {1: "6"})
    order_change_by_id(
        actor=UserFactory(role=Role.DESK_COORDINATOR),
        pk=order.pk,
        body={"reason": "customer takes what shipped", "lines": [{"line_no": 1, "cancel": True}]},
    )
    line = order.lines.get()
    assert (line.qty_ordered, line.qty_cancelled) == (D(10), D(4))
    assert (line.net, line.tax) == (D("19.98"), D("1.25"))  # 6 × 3.33, repriced

    invoice = invoice_for_shipment(actor=warehouse_user(), shipment=shipment)

    # billed against the 6 the net is for, not the 10 ordered (which would give 11.99)
    assert (invoice.merchandise, invoice.tax_total) == (D("19.98"), D("1.25"))
    assert order.lines.values_list("qty_invoiced", "status").get() == (D(6), "invoiced")


def test_a_kit_ships_as_its_components_and_is_billed_in_whole_kits() -> None:
    from orderdesk.catalog.models import KitComponent
    from orderdesk.fulfilment.models import ShipmentLine

    from ..factories import ItemFactory, PriceListEntryFactory

    world = build_world(price="5.00", on_hand=50)
    kit = ItemFactory(is_kit=True, description="Starter kit")
    KitComponent.objects.create(kit=kit, component=world.items[0], quantity=D(2))
    KitComponent.objects.create(kit=kit, component=world.items[1], quantity=D(1))
    PriceListEntryFactory(price_list=world.customer.price_list, item=kit, unit_price=D("30.00"))
    order = place(world, (kit.sku, "3"))
    shipment = ship(order, {1: "3"})
    kit_line = order.lines.get()
    shipment.lines.all().delete()
    for component, quantity in ((world.items[0], "6"), (world.items[1], "3")):
        ShipmentLine.objects.create(
            shipment=shipment, order_line=kit_line, item=component, quantity=D(quantity)
        )

    invoice = invoice_for_shipment(actor=warehouse_user(), shipment=shipment)

    [line] = invoice.lines.all()
    assert (line.sku, line.description, line.quantity, line.net) == (
        kit.sku, "Starter kit", D(3), D("90.00"),
    )  # fmt: skip
    assert invoice_for_shipment(actor=warehouse_user(), shipment=shipment).pk == invoice.pk
    assert InvoiceLine.objects.count() == 1

"""Order acknowledgements: the data (855 source), revisions and the change log, the e-mail
through the outbox, and the PDF rendered by the outbox worker at delivery."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zlib
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.notify.models import OutboxMessage
from orderdesk.notify.services import outbox_message_deliver
from orderdesk.orders import documents
from orderdesk.orders.acknowledgement import ack_data, order_acknowledge
from orderdesk.orders.documents import acknowledgement_html, acknowledgement_pdf
from orderdesk.orders.models import (
    Acknowledgement,
    ChangeStatus,
    OrderChange,
    OrderCharge,
    SalesOrder,
    SalesOrderLine,
)
from orderdesk.orders.states import LineStatus, OrderStatus
from orderdesk.parties.models import AddressKind, Carrier, Contact, ShipMethod

from ..factories import AddressFactory, ContactFactory, CustomerFactory, ItemFactory, UnitFactory

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
D = Decimal


@pytest.fixture
def immediate_tasks(settings):
    """The outbox task runs in-process on commit; mail goes to django.core.mail.outbox."""
    settings.TASKS = IMMEDIATE
    settings.EMAIL_BACKEND = LOCMEM
    return settings


@pytest.fixture
def clerk(make_user):
    return make_user(Role.ORDER_CLERK)


def _line(order: SalesOrder, **values) -> SalesOrderLine:
    defaults = {"factor": D(1), "qty_open": D(0), "qty_allocated": D(0), "qty_backordered": D(0)}
    return SalesOrderLine.objects.create(order=order, **{**defaults, **values})


@pytest.fixture
def order() -> SalesOrder:
    """3 lines: one allocated, one part allocated and part backordered in cases of 12, one
    backordered; a freight charge. 402.50 + 25.00 + 33.20 tax = 460.70 USD."""
    customer: Any = CustomerFactory(
        account_number="C10001", name="Acme Mechanical", email="ap@acme.example.com"
    )
    ContactFactory(customer=customer, name="Lee Other", email="lee@acme.example.com")
    ContactFactory(
        customer=customer, name="Pat Buyer", email="pat@acme.example.com", is_primary=True
    )
    bill_to: Any = AddressFactory(
        customer=customer,
        kind=AddressKind.BILL_TO,
        code="BT1",
        name="Acme Mechanical Accounts Payable",
        line1="1 Finance Way",
        city="Chicago",
        postal_code="60601",
    )
    ship_to: Any = AddressFactory(
        customer=customer,
        code="ST-7",
        name="Acme Plant 7",
        line1="700 Industrial Dr",
        line2="Dock 3",
        city="Joliet",
        postal_code="60431",
        phone="+1 815 555 0100",
    )
    method = ShipMethod.objects.create(
        code="UPS-GND", carrier=Carrier.objects.create(scac="UPSN", name="UPS"), name="Ground"
    )
    contactor = ItemFactory(sku="CT-25", description="Contactor 3-pole 25A")
    ItemFactory(sku="FLT-2020", description="Pleated filter 20x20x2")
    capacitor = ItemFactory(sku="CAP-45", description="Run capacitor 45/5 µF 440 V")
    filters = ItemFactory(sku="FLT-2020-CS", description="Pleated filter 20x20x2, case of 12")
    UnitFactory(code="CS", name="Case")
    order = SalesOrder.objects.create(
        number="SO000123",
        customer=customer,
        customer_po="4500012345",
        channel="edi",
        status=OrderStatus.BACKORDERED,
        bill_to=bill_to,
        ship_to=ship_to,
        order_date=dt.date(2026, 11, 20),
        requested_date=dt.date(2026, 11, 30),
        ship_method=method,
        incoterm="FCA",
        incoterm_place="Chicago DC",
        fob_point="origin",
        freight_payment="prepaid_add",
        payment_terms=customer.payment_terms,
        currency="USD",
        merchandise=D("402.50"),
        charges_total=D("25.00"),
        tax_total=D("33.20"),
        total=D("460.70"),
    )
    _line(
        order,
        line_no=1,
        item=contactor,
        sku="4711-CT25",
        description="Contactor 3-pole 25A",
        quantity=D(10),
        uom_code="EA",
        status=LineStatus.ALLOCATED,
        qty_ordered=D(10),
        qty_allocated=D(10),
        requested_date=dt.date(2026, 11, 30),
        promised_date=dt.date(2026, 11, 25),
        customer_price=D("12.50"),
        list_price=D("14.00"),
        unit_price=D("12.50"),
        gross=D("125.00"),
        net=D("125.00"),
        tax_rate=D("0.0825"),
        tax=D("10.31"),
    )
    _line(
        order,
        line_no=2,
        item=filters,
        sku="FLT-2020-CS",
        description="Pleated filter 20x20x2, case of 12",
        quantity=D(5),
        uom_code="CS",
        factor=D(12),
        status=LineStatus.PARTIAL,
        qty_ordered=D(60),
        qty_allocated=D(36),
        qty_backordered=D(24),
        requested_date=dt.date(2026, 11, 30),
        promised_date=dt.date(2026, 12, 4),
        list_price=D("48.00"),
        unit_price=D("48.00"),
        gross=D("240.00"),
        net=D("240.00"),
        tax_rate=D("0.0825"),
        tax=D("19.80"),
    )
    _line(
        order,
        line_no=3,
        item=capacitor,
        sku="CAP-45-440",
        description="Run capacitor 45/5 µF 440 V",
        quantity=D(2),
        uom_code="EA",
        status=LineStatus.BACKORDERED,
        qty_ordered=D(2),
        qty_backordered=D(2),
        requested_date=dt.date(2026, 11, 30),
        promised_date=dt.date(2026, 12, 15),
        customer_price=D("18.00"),
        list_price=D("18.75"),
        unit_price=D("18.7500"),
        gross=D("37.50"),
        net=D("37.50"),
        tax_rate=D("0.0825"),
        tax=D("3.09"),
    )
    OrderCharge.objects.create(
        order=order, code="FREIGHT", description="Freight UPS Ground", amount=D("25.00")
    )
    return order


def _change(order: SalesOrder, **values) -> OrderChange:
    defaults = {"status": ChangeStatus.APPLIED, "requested_at": timezone.now()}
    return OrderChange.objects.create(order=order, **{**defaults, **values})


def _acknowledge(actor, order: SalesOrder) -> Acknowledgement:
    with transaction.atomic():
        return order_acknowledge(actor=actor, order=order)


def _pdf_text(pdf: bytes) -> str:
    """The PDF's text with pypdf; without it, its streams inflated, where the metadata
    WeasyPrint writes (the title names the order and the PO) is plain text."""
    try:
        from pypdf import PdfReader
    except ImportError:
        parts = []
        for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
            try:
                parts.append(zlib.decompress(stream).decode("latin-1"))
            except zlib.error:
                continue
        return "\n".join(parts)
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


EXPECTED_LINES = [
    {
        "line_no": 1,
        "sku": "CT-25",
        "customer_sku": "4711-CT25",
        "description": "Contactor 3-pole 25A",
        "quantity": "10",
        "unit": "EA",
        "unit_price": "12.50",
        "customer_price": "12.50",
        "net": "125.00",
        "tax_rate": "0.0825",
        "tax": "10.31",
        "status": "allocated",
        "quantity_allocated": "10",
        "quantity_backordered": "0",
        "quantity_cancelled": "0",
        "requested_date": "2026-11-30",
        "promised_date": "2026-11-25",
        "change": "",
        "change_kinds": [],
        "schedule": [{"status": "allocated", "quantity": "10", "unit": "EA", "date": "2026-11-25"}],
    },
    {
        "line_no": 2,
        "sku": "FLT-2020-CS",
        "customer_sku": "FLT-2020-CS",
        "description": "Pleated filter 20x20x2, case of 12",
        "quantity": "5",
        "unit": "CS",
        "unit_price": "48.00",
        "customer_price": None,
        "net": "240.00",
        "tax_rate": "0.0825",
        "tax": "19.80",
        "status": "partial",
        "quantity_allocated": "3",
        "quantity_backordered": "2",
        "quantity_cancelled": "0",
        "requested_date": "2026-11-30",
        "promised_date": "2026-12-04",
        "change": "",
        "change_kinds": [],
        "schedule": [
            {"status": "allocated", "quantity": "3", "unit": "CS", "date": "2026-12-04"},
            {"status": "backordered", "quantity": "2", "unit": "CS", "date": "2026-12-04"},
        ],
    },
    {
        "line_no": 3,
        "sku": "CAP-45",
        "customer_sku": "CAP-45-440",
        "description": "Run capacitor 45/5 µF 440 V",
        "quantity": "2",
        "unit": "EA",
        "unit_price": "18.75",
        "customer_price": "18.00",
        "net": "37.50",
        "tax_rate": "0.0825",
        "tax": "3.09",
        "status": "backordered",
        "quantity_allocated": "0",
        "quantity_backordered": "2",
        "quantity_cancelled": "0",
        "requested_date": "2026-11-30",
        "promised_date": "2026-12-15",
        "change": "",
        "change_kinds": [],
        "schedule": [
            {"status": "backordered", "quantity": "2", "unit": "EA", "date": "2026-12-15"}
        ],
    },
]


def test_ack_data_is_the_order_as_the_customer_is_told(order, django_assert_num_queries):
    fresh = SalesOrder.objects.get(pk=order.pk)
    with django_assert_num_queries(4):  # changes, order with its relations, lines, charges
        data = ack_data(fresh)
    with django_assert_num_queries(3):  # relations already on the instance, as after intake
        assert ack_data(order) == data
    assert data == {
        "schema": 1,
        "order_number": "SO000123",
        "revision": 1,
        "status": "backordered",
        "customer": {"account": "C10001", "name": "Acme Mechanical"},
        "customer_po": "4500012345",
        "order_date": "2026-11-20",
        "requested_date": "2026-11-30",
        "currency": "USD",
        "bill_to": {
            "code": "BT1",
            "name": "Acme Mechanical Accounts Payable",
            "line1": "1 Finance Way",
            "line2": "",
            "city": "Chicago",
            "region": "IL",
            "postal_code": "60601",
            "country": "US",
            "phone": "",
        },
        "ship_to": {
            "code": "ST-7",
            "name": "Acme Plant 7",
            "line1": "700 Industrial Dr",
            "line2": "Dock 3",
            "city": "Joliet",
            "region": "IL",
            "postal_code": "60431",
            "country": "US",
            "phone": "+1 815 555 0100",
        },
        "ship_method": {
            "code": "UPS-GND",
            "name": "Ground",
            "carrier_scac": "UPSN",
            "carrier_name": "UPS",
            "transit_days": 3,
        },
        "freight_terms": {
            "incoterm": "FCA",
            "incoterm_place": "Chicago DC",
            "fob_point": "origin",
            "freight_payment": "prepaid_add",
        },
        "payment_terms": {
            "code": "NET30",
            "description": "Net 30 days",
            "net_days": 30,
            "discount_percent": "0",
            "discount_days": 0,
        },
        "lines": EXPECTED_LINES,
        "charges": [
            {
                "code": "FREIGHT",
                "description": "Freight UPS Ground",
                "amount": "25.00",
                "tax_rate": "0",
                "tax": "0.00",
            }
        ],
        "totals": {
            "line_count": 3,
            "merchandise": "402.50",
            "charges": "25.00",
            "tax": "33.20",
            "total": "460.70",
        },
        "changes": [],
    }


def test_ack_data_is_json_and_deterministic_and_reconciles_with_the_order(order):
    first, second = ack_data(order), ack_data(order)
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert json.loads(json.dumps(first)) == first
    totals = first["totals"]
    assert D(totals["merchandise"]) == sum(D(ln["net"]) for ln in first["lines"]) == D("402.50")
    assert D(totals["tax"]) == sum(D(ln["tax"]) for ln in first["lines"]) + sum(
        D(c["tax"]) for c in first["charges"]
    )
    assert D(totals["total"]) == D(totals["merchandise"]) + D(totals["charges"]) + D(totals["tax"])
    assert (D(totals["merchandise"]), D(totals["tax"]), D(totals["total"])) == (
        order.merchandise,
        order.tax_total,
        order.total,
    )


def test_acknowledge_writes_revision_1_and_queues_the_email_without_rendering_the_pdf(
    order, clerk, monkeypatch, django_assert_num_queries
):
    def no_pdf_here(html: str) -> bytes:
        raise AssertionError("the PDF is rendered by the outbox worker, not in the transaction")

    monkeypatch.setattr(documents, "html_to_pdf", no_pdf_here)
    # changes, lines, charges (the order's relations are on the instance); ack insert, order
    # update; recipient; outbox: dedupe read, savepoint + insert + release, its event; ack
    # update; the event; the EDI partner look-up (no 855 for this customer).
    with transaction.atomic(), django_assert_num_queries(14):
        ack = order_acknowledge(actor=clerk, order=order)
    order.refresh_from_db()
    assert (ack.revision, order.revision) == (1, 1)
    assert order.acknowledged_at == ack.created_at
    assert ack.data == ack_data(order, revision=1)
    message = OutboxMessage.objects.get()
    assert (ack.sent_to, ack.outbox_message_id) == ("pat@acme.example.com", message.pk)
    assert (
        message.to,
        message.subject,
        message.dedupe_key,
        message.object_type,
        message.object_id,
    ) == (
        "pat@acme.example.com",
        "Order acknowledgement SO000123 (your PO 4500012345)",
        "ack:SO000123:1",
        "orders.salesorder",
        str(order.pk),
    )
    assert message.attachments == [
        {
            "filename": "SO000123-acknowledgement-1.pdf",
            "mimetype": "application/pdf",
            "render": "orderdesk.orders.documents:acknowledgement_pdf",
            "args": {"ack_id": ack.pk},
        }
    ]
    assert (
        "Line 2: FLT-2020-CS Pleated filter 20x20x2, case of 12\n"
        "  5 CS at 48.00 = 240.00 USD; promised 2026-12-04; 2 CS backordered\n"
    ) in message.body_text
    assert "Line 3: CAP-45 (your CAP-45-440)" in message.body_text
    assert "Total: 460.70 USD" in message.body_text
    assert '<td style="padding:6px;vertical-align:top;white-space:nowrap;">2026-12-15</td>' in (
        message.body_html
    )
    event = Event.objects.get(action="order.acknowledged")
    assert (event.object_id, event.actor_id, event.before, event.after, event.reason) == (
        str(order.pk),
        clerk.pk,
        {"revision": 0},
        {"revision": 1, "changes": 0, "sent_to": "pat@acme.example.com", "message": message.pk},
        "",
    )


def test_next_revision_shows_the_changes_since_the_last_one_and_stamps_them(order, clerk):
    _acknowledge(clerk, order)
    early = _change(order, kind="quantity", line_no=1, before={"q": "1"}, after={"q": "10"})
    OrderChange.objects.filter(pk=early.pk).update(acknowledged_revision=1)
    qty = _change(
        order,
        kind="quantity",
        line_no=3,
        before={"quantity": "1", "promised_date": "2026-12-10"},
        after={"quantity": "2", "promised_date": "2026-12-15"},
    )
    header = _change(order, kind="ship_to", before={"ship_to": "ST-1"}, after={"ship_to": "ST-7"})
    pending = _change(
        order, kind="price", line_no=2, before={"p": "48"}, after={"p": "40"}, status="pending"
    )
    ack = _acknowledge(clerk, order)
    assert ack.revision == 2
    assert ack.data["changes"] == [
        {
            "kind": "quantity",
            "line_no": 3,
            "before": {"promised_date": "2026-12-10", "quantity": "1"},
            "after": {"promised_date": "2026-12-15", "quantity": "2"},
        },
        {
            "kind": "ship_to",
            "line_no": None,
            "before": {"ship_to": "ST-1"},
            "after": {"ship_to": "ST-7"},
        },
    ]
    assert [(ln["line_no"], ln["change"], ln["change_kinds"]) for ln in ack.data["lines"]] == [
        (1, "", []),
        (2, "", []),
        (3, "changed", ["quantity"]),
    ]
    stamped = dict(OrderChange.objects.values_list("pk", "acknowledged_revision"))
    assert stamped == {early.pk: 1, qty.pk: 2, header.pk: 2, pending.pk: None}
    assert (
        list(OutboxMessage.objects.order_by("pk").values_list("dedupe_key", "subject")),
        SalesOrder.objects.get(pk=order.pk).revision,
    ) == (
        [
            ("ack:SO000123:1", "Order acknowledgement SO000123 (your PO 4500012345)"),
            ("ack:SO000123:2", "Order acknowledgement SO000123 revision 2 (your PO 4500012345)"),
        ],
        2,
    )
    text = OutboxMessage.objects.get(dedupe_key="ack:SO000123:2").body_text
    assert "- line 3, quantity: promised date 2026-12-10 → 2026-12-15; quantity 1 → 2" in text
    assert "- order, ship to: ship to ST-1 → ST-7" in text
    third = _acknowledge(clerk, order)
    assert (third.revision, third.data["changes"]) == (3, [])
    html = acknowledgement_html(ack)
    assert "Changes since the previous acknowledgement" in html
    assert "Changes since the previous acknowledgement" not in acknowledgement_html(third)


def test_lines_added_or_cancelled_since_the_last_revision_are_marked(order, clerk):
    _acknowledge(clerk, order)
    SalesOrderLine.objects.filter(order=order, line_no=2).update(
        status=LineStatus.CANCELLED, qty_allocated=0, qty_backordered=0, qty_cancelled=D(60)
    )
    _change(
        order, kind="cancel_line", line_no=2, before={"quantity": "5"}, after={"cancelled": "60"}
    )
    _change(order, kind="add_line", line_no=3, after={"sku": "CAP-45-440", "quantity": "2"})
    _change(order, kind="date", line_no=1, before={"requested_date": "2026-11-30"}, after={})
    data = _acknowledge(clerk, order).data
    assert [
        (ln["line_no"], ln["change"], ln["status"], ln["schedule"]) for ln in data["lines"]
    ] == [
        (1, "changed", "allocated", EXPECTED_LINES[0]["schedule"]),
        (
            2,
            "cancelled",
            "cancelled",
            [{"status": "cancelled", "quantity": "5", "unit": "CS", "date": None}],
        ),
        (3, "added", "backordered", EXPECTED_LINES[2]["schedule"]),
    ]
    assert (data["totals"]["line_count"], data["lines"][1]["quantity_cancelled"]) == (3, "5")
    text = OutboxMessage.objects.get(dedupe_key="ack:SO000123:2").body_text
    assert "- line 2, line cancelled: cancelled – → 60; quantity 5 → –" in text
    assert "- line 3, line added: quantity – → 2; sku – → CAP-45-440" in text


def test_without_a_primary_contact_the_customer_email_is_used(order, clerk):
    Contact.objects.filter(customer=order.customer).update(is_primary=False)
    ack = _acknowledge(clerk, order)
    assert (ack.sent_to, OutboxMessage.objects.get().to) == (
        "ap@acme.example.com",
        "ap@acme.example.com",
    )


def test_without_any_address_no_email_is_queued_and_the_event_says_why(order, clerk):
    Contact.objects.filter(customer=order.customer).update(email="")
    order.customer.email = ""
    order.customer.save()
    ack = _acknowledge(clerk, order)
    assert (ack.revision, ack.sent_to, ack.outbox_message_id) == (1, "", None)
    assert OutboxMessage.objects.count() == 0
    event = Event.objects.get(action="order.acknowledged")
    assert event.after == {"revision": 1, "changes": 0, "email": "skipped"}
    assert event.reason == (
        "no e-mail sent: customer C10001 has no primary contact with an e-mail address "
        "and no e-mail address of its own"
    )


def test_an_unusable_primary_address_falls_back_and_none_usable_skips_the_email(order, clerk):
    Contact.objects.filter(customer=order.customer, is_primary=True).update(email="pat at acme")
    first = _acknowledge(clerk, order)
    assert first.sent_to == "ap@acme.example.com"
    order.customer.email = "ap@acme"
    order.customer.save()
    second = _acknowledge(clerk, order)
    assert (second.revision, second.sent_to, OutboxMessage.objects.count()) == (2, "", 1)
    assert Event.objects.filter(action="order.acknowledged").last().reason == (  # type: ignore[union-attr]
        "no e-mail sent: pat at acme, ap@acme (customer C10001) is not a valid e-mail address"
    )


def test_the_worker_sends_the_email_with_the_pdf_rendered_at_delivery(
    order, clerk, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ack = order_acknowledge(actor=clerk, order=order)
        assert mail.outbox == []
    (sent,) = mail.outbox
    assert (sent.to, sent.subject) == (
        ["pat@acme.example.com"],
        "Order acknowledgement SO000123 (your PO 4500012345)",
    )
    assert isinstance(sent, EmailMultiAlternatives)
    assert sent.alternatives[0][1] == "text/html"
    ((filename, pdf, mimetype),) = sent.attachments
    assert (filename, mimetype) == ("SO000123-acknowledgement-1.pdf", "application/pdf")
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5000
    text = _pdf_text(pdf)
    assert "SO000123" in text
    assert "4500012345" in text
    message = OutboxMessage.objects.get()
    assert (message.pk, message.status) == (ack.outbox_message_id, "sent")


def test_the_pdf_shows_lines_dates_totals_and_changes(order, clerk):
    pytest.importorskip("pypdf")
    _acknowledge(clerk, order)
    _change(order, kind="quantity", line_no=3, before={"quantity": "1"}, after={"quantity": "2"})
    ack = _acknowledge(clerk, order)
    text = _pdf_text(acknowledgement_pdf(ack_id=ack.pk))
    for expected in (
        "Order acknowledgement",
        "SO000123",
        "4500012345",
        "Acme Plant 7",
        "CT-25",
        "your 4711-CT25",
        "2026-12-15",
        "460.70",
        "Freight UPS Ground",
        "Changes since the previous acknowledgement",
        "Page 1 of 1",
    ):
        assert expected.lower() in text.lower(), expected


def test_a_failed_pdf_render_is_retried_then_sent(order, clerk, immediate_tasks, monkeypatch):
    real = documents.html_to_pdf
    monkeypatch.setattr(documents, "html_to_pdf", _raise_font_error)
    ack = _acknowledge(clerk, order)  # inside the test transaction: delivered by hand below
    assert ack.outbox_message_id is not None
    message = OutboxMessage.objects.get(pk=ack.outbox_message_id)
    assert outbox_message_deliver(message_id=message.pk) == "retry"
    message.refresh_from_db()
    assert (message.status, message.attempts, mail.outbox) == ("pending", 1, [])
    assert message.last_error == (
        "AttachmentRenderError: attachment SO000123-acknowledgement-1.pdf: rendering with "
        "orderdesk.orders.documents:acknowledgement_pdf failed: OSError: no font found"
    )
    monkeypatch.setattr(documents, "html_to_pdf", real)
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert outbox_message_deliver(message_id=message.pk) == "sent"
    assert mail.outbox[0].attachments[0][1].startswith(b"%PDF")


def _raise_font_error(html: str) -> bytes:
    raise OSError("no font found")

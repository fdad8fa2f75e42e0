"""E-mail intake: attachments read by content, orders made, the rest waiting for a clerk."""

from __future__ import annotations

import pytest

from orderdesk.core.errors import Forbidden
from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.edi.intake import NO_ATTACHMENT, customer_for_address, email_receive
from orderdesk.edi.mailparts import attachment_kind, mail_read
from orderdesk.edi.models import IntakeItem
from orderdesk.orders.models import OrderFile, SalesOrder
from orderdesk.parties.models import CustomerStatus

from ..factories import ContactFactory, CustomerFactory
from ..orders.world import build_world
from .mailserver import PDF, PNG, csv_po, email_with, xlsx_po

BY_HAND = "enter the order by hand from the attached e-mail"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def world(db):
    return build_world()


def sku(world, n=0):
    return world.items[n].sku


# --- what an attachment is -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "mime", "kind", "what"),
    [
        (b"ISA*00*", "po.edi", "", "x12", "an X12 interchange"),
        (b"\xef\xbb\xbf \r\n  ISA|00|", "PO.TXT", "text/plain", "x12", "an X12 interchange"),
        (b"customer_po,sku\r\n1,A\r\n", "po.csv", "application/vnd.ms-excel", "csv", "a CSV file"),
        (b"customer_po;sku\n1;A\n", "attachment", "application/octet-stream", "csv", "a CSV file"),
        (PDF, "po.csv", "text/csv", "unreadable", "a PDF"),
        (PNG, "scan", "application/octet-stream", "unreadable", "an image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "po.xls", "", "unreadable",
         "an old Excel .xls workbook (save it as .xlsx or CSV)"),
        (b"<html><body>PO</body></html>", "po.html", "text/html", "unreadable", "an HTML page"),
        (b"  \r\n", "po.csv", "text/csv", "unreadable", "an empty file"),
        (b"\x00\x01\x02\x03", "po.bin", "application/octet-stream", "unreadable",
         "a binary file (application/octet-stream)"),
        (b"MIIB", "smime.p7s", "application/pkcs7-signature", "ignored", "a signature"),
    ],
)  # fmt: skip
def test_an_attachment_is_known_by_its_content(data, name, mime, kind, what):
    assert attachment_kind(data, name, mime) == (kind, what)


def test_a_zip_is_a_workbook_only_when_it_holds_one():
    import io
    import zipfile

    assert attachment_kind(xlsx_po(["sku"], ["A"]), "po.bin") == ("xlsx", "an XLSX workbook")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    assert attachment_kind(out.getvalue(), "po.xlsx") == ("unreadable", "a Word document")
    assert attachment_kind(b"PK\x03\x04broken", "po.xlsx") == ("unreadable", "a damaged ZIP file")


def test_reading_an_email_keeps_attachment_order_and_names_forwarded_files():
    inner = email_with(("inner.csv", b"a,b\r\n", "text/csv"), message_id="<inner@x>")
    raw = email_with(
        ("first.pdf", PDF, "application/pdf"),
        ("forwarded.eml", inner, "message/rfc822"),
        sender="Buyer@Example.com",
        message_id="<outer@x>",
    )
    mail = mail_read(raw)
    assert (mail.message_id, mail.sender) == ("<outer@x>", "buyer@example.com")
    assert [(a.part, a.filename) for a in mail.attachments] == [
        (0, "first.pdf"),
        (1, "inner.csv"),
    ]


# --- who sent it ---------------------------------------------------------------------------


def test_the_sender_is_found_by_contact_or_customer_address_ignoring_case(world):
    assert customer_for_address("BUYER@example.COM") == (world.customer, "")
    assert customer_for_address(world.customer.email.upper()) == (world.customer, "")


def test_the_sender_is_found_by_domain_when_one_customer_owns_it(world):
    ContactFactory(customer=world.customer, email="jane@acme-retail.test")
    assert customer_for_address("someone.else@Acme-Retail.test") == (world.customer, "")


def test_a_public_mail_domain_says_nothing(world):
    ContactFactory(customer=world.customer, email="owner@gmail.com")
    assert customer_for_address("stranger@gmail.com") == (
        None,
        "the sender stranger@gmail.com is not the e-mail address of any customer or contact",
    )


def test_a_domain_of_two_customers_or_an_address_of_two_is_no_answer(world):
    other = CustomerFactory()
    ContactFactory(customer=other, email="clerk@example.com")
    accounts = ", ".join(sorted([world.customer.account_number, other.account_number]))
    assert customer_for_address("new@example.com") == (
        None,
        "the sender new@example.com is not the e-mail address of any customer or contact, "
        f"and several customers have addresses at example.com ({accounts})",
    )
    ContactFactory(customer=other, email="buyer@example.com")
    assert customer_for_address("buyer@example.com") == (
        None,
        f"the sender buyer@example.com is an address of several customers ({accounts})",
    )


def test_a_closed_customer_is_not_a_sender(world):
    world.customer.status = CustomerStatus.CLOSED
    world.customer.save()
    assert customer_for_address("buyer@example.com")[0] is None


# --- spreadsheets --------------------------------------------------------------------------


def test_a_csv_po_from_a_contact_becomes_an_order(world):
    raw = email_with(
        ("po.csv", csv_po(("PO-MAIL-1", sku(world), "5"), ("PO-MAIL-1", sku(world, 1), "2")),
         "text/csv"),
        message_id="<po-1@buyer.test>",
    )  # fmt: skip
    result = email_receive(raw=raw, source="test")

    order = SalesOrder.objects.get()
    assert (order.customer, order.customer_po, order.channel) == (
        world.customer,
        "PO-MAIL-1",
        "email",
    )
    assert order.source_document == "po.csv rows 2-3"
    assert [(ln.sku, ln.quantity) for ln in order.lines.order_by("line_no")] == [
        (sku(world), 5),
        (sku(world, 1), 2),
    ]
    item = result.item
    assert (item.status, item.message_id, item.sender, item.customer) == (
        "done",
        "<po-1@buyer.test>",
        "buyer@example.com",
        world.customer,
    )
    assert (item.orders, item.errors, item.reason) == ([order.number], [], "")
    with item.original.open("rb") as fh:
        assert fh.read() == raw
    assert result.line() == (
        f"<po-1@buyer.test> from buyer@example.com: taken in: po.csv: 1 order {order.number}"
    )
    event = Event.objects.get(action="edi.intake_item.received")
    assert (event.object_id, event.actor_label) == (str(item.pk), "system")
    assert event.after["orders"] == [order.number] and event.after["source"] == "test"


def test_a_workbook_sent_under_another_name_is_read_by_its_content(world):
    data = xlsx_po(
        ["customer_po", "sku", "quantity", "freight_payment"], ["PO-X", sku(world), 3, "prepaid"]
    )
    raw = email_with(("ATT00001.dat", data, "application/octet-stream"))
    result = email_receive(raw=raw, source="test")
    assert result.item.status == "done"
    assert SalesOrder.objects.get().customer_po == "PO-X"


def test_a_workbook_with_a_bad_row_waits_whole_with_the_row_errors(world):
    data = xlsx_po(
        ["customer_po", "sku", "quantity"], ["PO-B", sku(world), 3], ["PO-B", sku(world, 1), "ten"]
    )
    result = email_receive(
        raw=email_with(("po.xlsx", data, "application/vnd.ms-excel")), source="t"
    )

    assert SalesOrder.objects.count() == 0
    item = result.item
    order_file = OrderFile.objects.get()
    assert item.status == "waiting"
    assert item.errors == [
        {
            "part": 0,
            "attachment": "po.xlsx",
            "code": "row_error",
            "row": 3,
            "column": "quantity",
            "field": "quantity",
            "message": order_file.preview["errors"][0]["message"],
            "fix": order_file.preview["errors"][0]["fix"],
            "order_file": order_file.pk,
        }
    ]
    assert item.reason == (
        f"the attachment po.xlsx cannot be taken in: row 3 quantity: {item.errors[0]['message']}"
        f"; {BY_HAND}"
    )


def test_a_csv_without_our_columns_waits_with_what_to_do(world):
    raw = email_with(("po.csv", b"Item,How many\r\nA,1\r\n", "text/csv"))
    item = email_receive(raw=raw, source="t").item
    assert item.status == "waiting"
    assert item.reason.startswith("the attachment po.csv cannot be read as an order file: ")
    assert item.reason.endswith(f"; {BY_HAND}")
    assert [(e["part"], e["code"], e["field"]) for e in item.errors] == [
        (0, "mapping_invalid", "mapping")
    ]
    assert SalesOrder.objects.count() == 0


# --- what waits --------------------------------------------------------------------------------


def test_a_pdf_po_waits_with_the_email_attached_and_the_reason(world):
    raw = email_with(("po.pdf", PDF, "application/pdf"), message_id="<pdf@buyer.test>")
    result = email_receive(raw=raw, source="test")

    item = IntakeItem.objects.get()
    assert result.item == item and result.waiting
    assert (item.status, item.source, item.customer, item.subject) == (
        "waiting",
        "email",
        world.customer,
        "PO attached",
    )
    assert item.reason == (
        "the attachment po.pdf is a PDF: OrderDesk reads X12, CSV and XLSX; "
        "enter the order by hand from the attached e-mail"
    )
    assert item.errors == [
        {
            "part": 0,
            "attachment": "po.pdf",
            "code": "attachment_unreadable",
            "row": None,
            "column": "",
            "field": "",
            "message": "po.pdf is a PDF",
            "fix": "",
        }
    ]
    assert item.filename == "po-attached.eml" and item.original.name.endswith(".eml")
    with item.original.open("rb") as fh:
        assert fh.read() == raw
    assert SalesOrder.objects.count() == 0
    assert result.line() == (
        f"<pdf@buyer.test> from buyer@example.com: waits for a clerk (intake item {item.pk}): "
        + item.reason
    )


def test_a_spreadsheet_from_an_unknown_sender_waits_and_makes_nothing(world):
    raw = email_with(
        ("po.csv", csv_po(("PO-S", sku(world), "1"), customer=world.customer.account_number),
         "text/csv"),
        sender="stranger@elsewhere.test",
    )  # fmt: skip
    item = email_receive(raw=raw, source="t").item

    assert (item.status, item.customer) == ("waiting", None)
    assert item.reason == (
        "the sender stranger@elsewhere.test is not the e-mail address of any customer or contact: "
        f"add the address to the customer's contacts and retry, or {BY_HAND}"
    )
    assert [(e["part"], e["code"]) for e in item.errors] == [(0, "sender_unknown")]
    assert SalesOrder.objects.count() == 0 and OrderFile.objects.count() == 0


def test_an_email_without_an_attachment_waits(world):
    item = email_receive(raw=email_with(body="please send 5 of item 7"), source="t").item
    assert (item.status, item.reason) == ("waiting", NO_ATTACHMENT)
    assert NO_ATTACHMENT == (
        "the e-mail has no attachment to read (OrderDesk reads X12, CSV and XLSX): " + BY_HAND
    )
    assert [(e["part"], e["code"]) for e in item.errors] == [(None, "no_attachment")]


def test_each_attachment_is_handled_and_what_is_left_waits(world):
    raw = email_with(
        ("po.csv", csv_po(("PO-M", sku(world), "4")), "text/csv"),
        ("terms.pdf", PDF, "application/pdf"),
        logo=PNG,
    )
    result = email_receive(raw=raw, source="t")

    order = SalesOrder.objects.get()
    item = result.item
    assert (item.status, item.orders) == ("waiting", [order.number])
    assert (
        item.reason
        == f"the attachment terms.pdf is a PDF: OrderDesk reads X12, CSV and XLSX; {BY_HAND}"
    )
    assert [(e["part"], e["attachment"]) for e in item.errors] == [(1, "terms.pdf")]
    assert [(p.filename, p.kind, p.taken_in) for p in result.parts] == [
        ("po.csv", "csv", True),
        ("terms.pdf", "unreadable", False),
        ("logo.png", "ignored", True),
    ]


def test_an_attached_image_is_a_po_to_type_in(world):
    raw = email_with(("scan.png", PNG, "image/png"))
    # Some mail programs send every attachment inline: without a Content-ID it is no logo.
    raw = raw.replace(b"Content-Disposition: attachment;", b"Content-Disposition: inline;")
    assert b"Content-Disposition: inline;" in raw
    item = email_receive(raw=raw, source="t").item
    assert (
        item.reason
        == f"the attachment scan.png is an image: OrderDesk reads X12, CSV and XLSX; {BY_HAND}"
    )


# --- the same e-mail twice -----------------------------------------------------------------


def test_the_same_message_id_twice_makes_nothing_new(world):
    raw = email_with(("po.csv", csv_po(("PO-T", sku(world), "1")), "text/csv"), message_id="<t@x>")
    first = email_receive(raw=raw, source="imap uid 1")
    counts = (SalesOrder.objects.count(), OrderFile.objects.count(), Event.objects.count())

    again = email_receive(raw=raw, source="imap uid 2")
    resent = email_receive(raw=raw.replace(b"PO-T", b"PO-U"), source="imap uid 3")

    assert (again.duplicate, again.item, resent.duplicate, resent.item) == (
        True,
        first.item,
        True,
        first.item,
    )
    assert (SalesOrder.objects.count(), OrderFile.objects.count(), Event.objects.count()) == counts
    assert counts[0] == 1 and IntakeItem.objects.count() == 1
    assert (
        again.line()
        == f"<t@x> from buyer@example.com: already received (intake item {first.item.pk}, done)"
    )


def test_an_email_without_message_id_is_known_by_its_content(world):
    raw = email_with(("po.pdf", PDF, "application/pdf"), message_id="")
    first = email_receive(raw=raw, source="a")
    second = email_receive(raw=raw, source="b")
    assert first.item.message_id.startswith("<sha256-") and second.duplicate
    assert IntakeItem.objects.count() == 1


# --- X12 attachments -----------------------------------------------------------------------


def test_an_x12_850_attachment_becomes_an_edi_order(db, tmp_path):
    pytest.importorskip("orderdesk.edi.inbound")
    from .world import build_edi_world, x12_850

    edi = build_edi_world(tmp_path)
    x12 = x12_850(po="PO-X12-MAIL", lines=[("10", "EA", "10.00", "BP-1")]).encode()
    raw = email_with(("850.x12", b"\xef\xbb\xbf\r\n" + x12, "application/edi-x12"),
                     message_id="<x12@acme.test>")  # fmt: skip
    result = email_receive(raw=raw, source="t")

    assert (result.item.reason, result.item.errors) == ("", [])
    order = SalesOrder.objects.get()
    assert (order.customer, order.customer_po, order.channel) == (
        edi.world.customer,
        "PO-X12-MAIL",
        "edi",
    )
    assert (result.item.status, result.item.orders) == ("done", [order.number])
    from orderdesk.edi.models import Interchange

    assert Interchange.objects.get(direction="in").source == "email <x12@acme.test> 850.x12"
    again = email_receive(raw=raw.replace(b"<x12@acme.test>", b"<x12-again@acme.test>"), source="t")
    assert again.item.status == "done" and SalesOrder.objects.count() == 1


# --- who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PORTAL, Role.WAREHOUSE])
def test_only_edi_operators_take_in_email(world, make_user, role):
    raw = email_with(("po.csv", csv_po(("PO-R", sku(world), "1")), "text/csv"))
    with pytest.raises(Forbidden):
        email_receive(raw=raw, source="t", actor=make_user(role))
    assert (IntakeItem.objects.count(), SalesOrder.objects.count(), OrderFile.objects.count()) == (
        0,
        0,
        0,
    )


def test_excel_unicode_text_is_read_as_a_csv(world):
    text = f"customer_po\tsku\tquantity\tfreight_payment\r\nPO-U16\t{sku(world)}\t2\tprepaid\r\n"
    data = text.encode("utf-16")  # with its byte-order mark, as Excel saves it
    raw = email_with(("po.txt", data, "application/vnd.ms-excel"))
    item = email_receive(raw=raw, source="t").item
    assert (item.status, item.reason) == ("done", "")
    assert SalesOrder.objects.get().customer_po == "PO-U16"

"""Invoice and credit memo PDFs, read back with a PDF text extractor: every field there."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal as D
from pathlib import Path

import pytest
from pypdf import PdfReader

from orderdesk.billing.credit_memos import credit_memo_create
from orderdesk.billing.documents import credit_memo_pdf, invoice_html, invoice_pdf, terms_text
from orderdesk.billing.invoicing import invoice_for_shipment
from orderdesk.billing.models import Invoice
from orderdesk.notify.models import OutboxMessage
from orderdesk.notify.services import attachment_renderer
from orderdesk.parties.models import PaymentTerms
from orderdesk.pricing.models import FreightRate

from ..orders.world import build_world
from .invoicing_world import billing_user, place, ship, warehouse_user

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _invoice(settings) -> Invoice:  # type: ignore[no-untyped-def]
    settings.ORDERDESK_COMPANY_NAME = "Midwest Controls Supply"
    settings.ORDERDESK_COMPANY_ADDRESS = "400 Industrial Pkwy\nRockford, IL 61109"
    world = build_world(price="1234.50", on_hand=10)
    FreightRate.objects.create(ship_method=world.ship_method, per_order=D("45.00"))
    terms = PaymentTerms.objects.create(
        code="2-10N30", description="2% 10, net 30", net_days=30, discount_percent=D(2),
        discount_days=10,
    )  # fmt: skip
    world.customer.payment_terms = terms
    world.customer.save()
    order = place(
        world,
        (world.items[0].sku, "3"),
        (world.items[1].sku, "2"),
        freight_payment="prepaid_add",
        customer_po="PO-88812",
    )
    shipment = ship(order, {1: "3", 2: "1"}, ship_date=dt.date(2026, 3, 2), lots={1: "LOT-4471"})
    return invoice_for_shipment(actor=warehouse_user(), shipment=shipment)


def test_invoice_pdf_holds_every_field(settings) -> None:  # type: ignore[no-untyped-def]
    invoice = _invoice(settings)
    line1, line2 = invoice.lines.order_by("line_no")

    text = _text(invoice_pdf(invoice_id=invoice.pk))

    flat = " ".join(text.split())
    # 3 × 1,234.50 = 3,703.50 + 1,234.50 = 4,938.00; tax 6.25% 231.47 + 77.16; freight 45.00
    assert (invoice.merchandise, invoice.charges_total, invoice.tax_total, invoice.total) == (
        D("4938.00"), D("45.00"), D("308.63"), D("5291.63"),
    )  # fmt: skip
    expected = [
        "Midwest Controls Supply",
        "400 Industrial Pkwy",
        "Rockford, IL 61109",
        "Invoice",
        invoice.number,
        "Invoice date 2026-03-02",
        "Due date 2026-04-01",
        f"Customer {invoice.customer.account_number}",
        "Your PO PO-88812",
        f"Our order {invoice.order.number}",
        f"Shipment {invoice.shipment.number}",
        "Ship date 2026-03-02",
        "Currency USD",
        invoice.bill_to["name"],
        "100 Main St",
        "Springfield, IL 62701",
        line1.sku,
        line1.description,
        "LOT-4471",
        line2.sku,
        "1,234.50",  # unit price
        "3,703.50",  # line 1 net
        "231.47",  # line 1 tax
        "77.16",  # line 2 tax
        "4,938.00",
        "Freight",
        "45.00",
        "308.63",
        "Total USD 5,291.63",
        "2% 10, net 30: pay 5,185.80 by 2026-03-12, else pay 5,291.63 by 2026-04-01",
    ]
    missing = [field for field in expected if field not in flat]
    assert missing == []
    assert invoice.discount_amount == D("105.83")  # 2% of 5,291.63
    assert terms_text(invoice) in flat


def test_invoice_pdf_is_rendered_from_the_stored_rows(settings) -> None:  # type: ignore[no-untyped-def]
    invoice = _invoice(settings)
    before = invoice_html(invoice)
    order = invoice.order
    order.lines.update(unit_price=D("1.00"))
    order.customer.addresses.update(city="Joliet")

    assert invoice_html(invoice) == before


def test_credit_memo_pdf_holds_every_field(settings) -> None:  # type: ignore[no-untyped-def]
    invoice = _invoice(settings)
    line1 = invoice.lines.get(line_no=1)
    memo = credit_memo_create(
        actor=billing_user(),
        invoice=invoice,
        lines=[(line1, D(1))],
        charges=[(invoice.charges.get(), D("45.00"))],
        reason="Damaged in transit",
        reference="RMA000042",
        fee_percent=D(10),
        memo_date=dt.date(2026, 3, 20),
    )

    text = _text(credit_memo_pdf(memo_id=memo.pk))

    flat = " ".join(text.split())
    # goods 1,234.50 + freight 45.00; fee 10% of 1,234.50 = 123.45; tax 77.16 (231.47 × 1/3)
    assert (memo.merchandise, memo.fees, memo.tax_total, memo.total) == (
        D("1279.50"), D("123.45"), D("77.16"), D("1233.21"),
    )  # fmt: skip
    expected = [
        "Midwest Controls Supply",
        "Credit memo",
        memo.number,
        "Date 2026-03-20",
        f"Original invoice {invoice.number} of 2026-03-02",
        "RMA RMA000042",
        "Reason: Damaged in transit",
        line1.sku,
        line1.description,
        "LOT-4471",
        "1,234.50",
        "77.16",
        "Restocking fee 10% of 1,234.50",
        "-123.45",
        "Freight",
        "45.00",
        "1,279.50",
        "Total credit USD 1,233.21",
    ]
    missing = [field for field in expected if field not in flat]
    assert missing == []


def test_the_outbox_renderers_named_in_the_emails_make_the_pdfs(settings) -> None:  # type: ignore[no-untyped-def]
    invoice = _invoice(settings)
    memo = credit_memo_create(
        actor=billing_user(), invoice=invoice, lines=[(invoice.lines.first(), D(1))], reason="x y z"
    )
    for message_id, number in (
        (invoice.sent_message_id, invoice.number),
        (memo.sent_message_id, memo.number),
    ):
        [attachment] = OutboxMessage.objects.get(pk=message_id).attachments
        pdf = attachment_renderer(attachment["render"])(**attachment["args"])
        assert number in _text(pdf)
        assert attachment["filename"] == f"{number}.pdf"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs pdftoppm (poppler-utils)")
def test_invoice_and_credit_memo_render_to_images(settings) -> None:  # type: ignore[no-untyped-def]
    """PNGs of both documents in test-artifacts/ to look at."""
    invoice = _invoice(settings)
    memo = credit_memo_create(
        actor=billing_user(),
        invoice=invoice,
        lines=[(invoice.lines.get(line_no=1), D(1))],
        reason="Damaged in transit",
        reference="RMA000042",
        fee_percent=D(10),
    )
    ARTIFACTS.mkdir(exist_ok=True)
    for name, pdf in (
        ("invoice", invoice_pdf(invoice_id=invoice.pk)),
        ("credit_memo", credit_memo_pdf(memo_id=memo.pk)),
    ):
        source = ARTIFACTS / f"billing-{name}.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-singlefile",
                str(source),
                str(ARTIFACTS / f"billing-{name}"),
            ],
            check=True,
        )
        image = ARTIFACTS / f"billing-{name}.png"
        assert image.stat().st_size > 10_000

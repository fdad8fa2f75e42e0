"""The 810: the invoice as posted, lines at the order's prices, charges and tax, and a total
that adds up the way the partner's invoice audit adds it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from orderdesk.billing.models import Invoice, InvoiceCharge
from orderdesk.edi.docs_810 import reconciles, segments_810
from orderdesk.edi.docs_common import PoRef
from orderdesk.edi.models import EdiDocument
from orderdesk.orders.models import OrderCharge

from .outbound_flow import (
    elements,
    outbound_storage,  # noqa: F401  (autouse fixture)
    sent_set,
    shipped,
)
from .world import build_edi_world

pytestmark = pytest.mark.django_db

D = Decimal


def cents(amount: Decimal) -> str:
    return str(int((amount * 100).to_integral_value()))


def test_the_invoice_goes_out_as_an_810_that_reconciles(tmp_path, clerk_api, api_client):
    ew = build_edi_world(tmp_path)
    a, b = ew.items[0], ew.items[1]

    shipped(clerk_api, api_client("warehouse"), ew, (a.sku, "3"), (b.sku, "2"))

    invoice = Invoice.objects.get()
    doc = EdiDocument.objects.get(set_id="810")
    assert (doc.status, doc.reference, doc.invoice_id) == ("sent", invoice.number, invoice.pk)
    assert doc.document_date == invoice.invoice_date
    ts = sent_set(doc)
    big = ts.first("BIG")
    assert big.elements[:4] == [
        invoice.invoice_date.strftime("%Y%m%d"),
        invoice.number,
        invoice.order.order_date.strftime("%Y%m%d"),
        "PO-855",
    ]
    assert elements(ts, "IT1") == [
        ["1", "3", "EA", "10", "", "BP", "BP-1", "UP", "000000000001", "VP", a.sku],
        ["2", "2", "EA", "10", "", "BP", "BP-2", "UP", "000000000002", "VP", b.sku],
    ]
    assert elements(ts, "TDS") == [[cents(invoice.total)]]
    assert ts.first("TDS").value(1) == invoice.total
    tax = elements(ts, "TXI")
    assert tax == ([["ST", f"{invoice.tax_total.normalize():f}"]] if invoice.tax_total else [])
    sac = [(s.get(1), s.get(2), s.value(5)) for s in ts.all("SAC")]
    charges = list(InvoiceCharge.objects.filter(invoice=invoice).order_by("pk"))
    assert [x[2] for x in sac] == [c.amount for c in charges]
    lines = sum((D(s.get(2)) * D(s.get(4)) for s in ts.all("IT1")), D(0))
    assert lines == invoice.merchandise == D("50")
    assert lines + sum(x[2] for x in sac) + invoice.tax_total == invoice.total
    assert elements(ts, "CTT") == [["2", "5"]]
    itd = ts.first("ITD")
    assert (itd.get(1), itd.get(2), itd.get(6), itd.get(7)) == (
        "01",
        "3",
        invoice.due_date.strftime("%Y%m%d"),
        str(invoice.payment_terms.net_days),
    )
    assert [n[0] for n in elements(ts, "N1")] == ["RE", "BT", "ST"]


def test_charges_and_a_line_discount_still_add_up(tmp_path, clerk_api, api_client):
    """A freight charge is a SAC; a net below quantity × price becomes an allowance."""
    ew = build_edi_world(tmp_path)
    item = ew.items[0]
    shipped(clerk_api, api_client("warehouse"), ew, (item.sku, "3"))
    invoice = Invoice.objects.get()
    OrderCharge.objects.create(
        order=invoice.order, code="freight", description="Freight", amount=D("12.50")
    )
    InvoiceCharge.objects.create(
        invoice=invoice, code="freight", description="Freight", amount=D("12.50")
    )
    line = invoice.lines.get()
    line.net = D("27.00")  # 3 × 10.00 less a 3.00 discount
    line.save()
    Invoice.objects.filter(pk=invoice.pk).update(
        merchandise=D("27.00"),
        charges_total=D("12.50"),
        total=D("39.50") + invoice.tax_total,
    )
    invoice.refresh_from_db()

    segments = segments_810(
        partner=ew.partner, invoice=invoice, po=PoRef("PO-855"), ship_date=dt.date(2026, 11, 21)
    )

    sacs = [s for s in segments if s[0] == "SAC"]
    assert [(s[1], s[2], s[5], s[-1]) for s in sacs] == [
        ("C", "D240", D("12.50"), "Freight"),
        ("A", "C310", D("3.00"), "Adjustment to the invoiced merchandise amount"),
    ]
    assert reconciles(segments)
    tds = next(s for s in segments if s[0] == "TDS")
    assert tds[1] == invoice.total


def test_reconciles_catches_a_total_that_does_not_add_up():
    segments = [
        ("IT1", "1", D(3), "EA", D("10"), None),
        ("TDS", D("30.00")),
        ("TXI", "ST", D("1.88")),
    ]
    assert not reconciles(segments)
    assert reconciles([*segments[:1], ("TDS", D("31.88")), segments[2]])

"""Invoice and credit memo pages (Django test client): lists, the document on screen, the
credit form, PDFs, and portal users' own documents only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from orderdesk.billing.invoicing import invoice_for_shipment
from orderdesk.billing.models import CreditMemo, Invoice, Receivable
from orderdesk.core.roles import Role
from orderdesk.pricing.models import FreightRate

from ..factories import UserFactory
from ..orders.world import build_world
from .invoicing_world import (
    billing_user,
    credit_memo_of,
    invoice_of,
    place,
    ship,
    warehouse_user,
)

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _invoice() -> Invoice:
    world = build_world(price="1.99", on_hand=10)
    FreightRate.objects.create(ship_method=world.ship_method, per_order=D("12.50"))
    order = place(
        world, (world.items[0].sku, "7"), (world.items[1].sku, "3"), freight_payment="prepaid_add"
    )
    shipment = ship(order, {1: "7", 2: "3"}, ship_date=dt.date(2026, 3, 2), lots={1: "L-9"})
    return invoice_for_shipment(actor=warehouse_user(), shipment=shipment)


def test_invoice_list_filters_by_status_overdue_and_customer() -> None:
    invoice = _invoice()
    other = invoice_of(build_world().customer)
    Invoice.objects.filter(pk=other.pk).update(status="paid")
    client = _client(billing_user())
    url = reverse("billing:invoice_list")

    everything = client.get(url).content.decode()
    overdue = client.get(url, {"overdue": "on"}).content.decode()
    paid = client.get(url, {"status": "paid"}).content.decode()
    mine = client.get(url, {"customer": invoice.customer_id}).content.decode()
    fragment = client.get(url, {"q": other.number}, headers={"HX-Request": "true"})

    assert invoice.number in everything and other.number in everything
    assert invoice.number in overdue and other.number not in overdue
    assert "Overdue" in overdue
    assert other.number in paid and invoice.number not in paid
    assert invoice.number in mine and other.number not in mine
    assert fragment.status_code == 200
    assert b"<html" not in fragment.content and other.number.encode() in fragment.content


def test_invoice_page_shows_the_document_its_timeline_and_the_credit_form() -> None:
    invoice = _invoice()
    client = _client(billing_user())

    page = client.get(reverse("billing:invoice_detail", args=[invoice.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    for text in (
        invoice.number,
        invoice.order.number,
        invoice.shipment.number,
        "L-9",
        "13.93",
        "Freight",
        "33.64",
        "Net 30: pay 33.64 by 2026-04-01",
        "invoice.created",
        "Credit this invoice",
        reverse("billing:invoice_pdf", args=[invoice.pk]),
    ):
        assert text in html, text


def test_crediting_from_the_page_posts_a_memo_and_shows_it() -> None:
    invoice = _invoice()
    line = invoice.lines.get(line_no=1)
    client = _client(billing_user())

    response = client.post(
        reverse("billing:invoice_credit", args=[invoice.pk]),
        {f"qty_{line.pk}": "3", "reason": "damaged in transit", "reference": "RMA000005",
         "fee_percent": "15"},
        follow=True,
    )  # fmt: skip

    memo = CreditMemo.objects.get()
    assert response.redirect_chain == [(reverse("billing:credit_memo_detail", args=[memo.pk]), 302)]
    assert (memo.total, memo.reference) == (D("5.44"), "RMA000005")
    html = response.content.decode()
    assert f"Credit memo {memo.number} for 5.44 USD posted" in html
    assert "restocking_fee" in html and "RMA000005" in html
    assert Receivable.objects.get(pk=invoice.receivable_id).open_amount == D("28.20")


def test_a_refused_credit_shows_the_error_and_what_was_typed() -> None:
    invoice = _invoice()
    line = invoice.lines.get(line_no=1)
    client = _client(billing_user())

    response = client.post(
        reverse("billing:invoice_credit", args=[invoice.pk]),
        {f"qty_{line.pk}": "9", "reason": "damaged", "fee_percent": ""},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "7 invoiced, 0 already credited; 9 more would be too much" in html
    assert f'name="qty_{line.pk}" id="qty_{line.pk}" value="9"' in html
    assert CreditMemo.objects.count() == 0


def test_credit_memo_pages_and_pdfs() -> None:
    memo = credit_memo_of(build_world().customer)
    client = _client(billing_user())

    listed = client.get(reverse("billing:credit_memo_list")).content.decode()
    detail = client.get(reverse("billing:credit_memo_detail", args=[memo.pk])).content.decode()
    pdf = client.get(reverse("billing:credit_memo_pdf", args=[memo.pk]))
    preview = client.get(reverse("billing:credit_memo_preview", args=[memo.pk]))
    inv_pdf = client.get(reverse("billing:invoice_pdf", args=[memo.invoice_id]))

    assert memo.number in listed and memo.invoice.number in listed
    assert "access test" in detail and "credit_memo.created" in detail
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert inv_pdf.content.startswith(b"%PDF")
    assert "default-src 'none'" in preview["Content-Security-Policy"]
    assert memo.number in preview.content.decode()


def test_portal_user_reaches_only_their_own_invoices() -> None:
    mine = _invoice()
    theirs = invoice_of(build_world().customer)
    their_memo = credit_memo_of(theirs.customer)
    portal = _client(UserFactory(role=Role.PORTAL, customer=mine.customer))

    listed = portal.get(reverse("billing:invoice_list")).content.decode()
    own = portal.get(reverse("billing:invoice_detail", args=[mine.pk]))

    assert mine.number in listed and theirs.number not in listed
    assert own.status_code == 200
    assert "Credit this invoice" not in own.content.decode()
    assert "invoice.created" not in own.content.decode()  # no staff timeline
    for name, pk in (
        ("billing:invoice_detail", theirs.pk),
        ("billing:invoice_pdf", theirs.pk),
        ("billing:invoice_preview", theirs.pk),
        ("billing:credit_memo_detail", their_memo.pk),
        ("billing:credit_memo_pdf", their_memo.pk),
    ):
        assert portal.get(reverse(name, args=[pk])).status_code == 404, name
    line = mine.lines.get(line_no=1)
    refused = portal.post(
        reverse("billing:invoice_credit", args=[mine.pk]),
        {f"qty_{line.pk}": "1", "reason": "x y z"},
    )
    assert refused.status_code == 403
    assert CreditMemo.objects.filter(invoice=mine).count() == 0


def test_staff_without_billing_post_see_no_credit_form_and_cannot_post() -> None:
    invoice = _invoice()
    clerk = _client(UserFactory(role=Role.ORDER_CLERK))
    line = invoice.lines.get(line_no=1)

    page = clerk.get(reverse("billing:invoice_detail", args=[invoice.pk]))
    refused = clerk.post(
        reverse("billing:invoice_credit", args=[invoice.pk]),
        {f"qty_{line.pk}": "1", "reason": "x y"},
    )

    assert page.status_code == 200 and "Credit this invoice" not in page.content.decode()
    assert refused.status_code == 403
    assert CreditMemo.objects.count() == 0


def test_invoice_page_query_count_is_fixed(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    invoice = _invoice()
    client = _client(billing_user())
    url = reverse("billing:invoice_detail", args=[invoice.pk])

    # session, user, invoice, lines, charges, memos, credited lines, credited charges,
    # applications, events: the same for 2 lines or 200
    with django_assert_num_queries(10):
        client.get(url)

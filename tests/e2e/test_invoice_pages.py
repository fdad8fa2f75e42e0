"""The invoice page in a real browser: billing finds an overdue invoice, reads it, credits
part of it with a restocking fee, and lands on the credit memo; the invoice's open amount
drops by the credit. A portal user sees their own invoice and no credit form.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from orderdesk.billing.invoicing import invoice_for_shipment
from orderdesk.billing.models import CreditMemo, Receivable
from orderdesk.core.roles import Role
from orderdesk.pricing.models import FreightRate

from ..billing.invoicing_world import place, ship
from ..factories import UserFactory
from ..orders.world import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(f"{base}/")


def test_billing_reads_and_credits_an_invoice(page: Any, live_server: Any, shot: Any) -> None:
    world = build_world(price="149.95", on_hand=20)
    FreightRate.objects.create(ship_method=world.ship_method, per_order=Decimal("38.00"))
    order = place(
        world,
        (world.items[0].sku, "12"),
        (world.items[1].sku, "4"),
        freight_payment="prepaid_add",
        customer_po="PO-55120",
    )
    shipment = ship(order, {1: "12", 2: "4"}, ship_date=dt.date(2026, 3, 2), lots={1: "LOT-A17"})
    invoice = invoice_for_shipment(actor=UserFactory(role=Role.WAREHOUSE), shipment=shipment)
    UserFactory(username="ar-clerk", role=Role.BILLING, first_name="Ana", last_name="Ruiz")
    base = live_server.url

    _log_in(page, base, "ar-clerk")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Billing").click()
    page.get_by_label("Overdue only").check()
    page.get_by_role("link", name=invoice.number).wait_for()
    page.get_by_role("link", name=invoice.number).click()
    page.wait_for_url(re.compile(rf"/billing/invoices/{invoice.pk}/$"))

    assert page.get_by_role("heading", level=1).inner_text().startswith(f"Invoice {invoice.number}")
    assert "Overdue" in page.get_by_role("heading", level=1).inner_text()
    assert page.locator("#invoice-total").inner_text() == "2,587.15"
    assert "LOT-A17" in page.get_by_role("region", name="Lines").inner_text()
    shot(page, "billing-invoice-page")

    line = invoice.lines.get(line_no=1)
    page.get_by_label("Quantity of line 1 to credit").fill("2")
    page.get_by_label("Reason").fill("Two units damaged in transit")
    page.get_by_label("RMA / reference").fill("RMA000031")
    page.get_by_label("Restocking fee %").fill("10")
    page.get_by_role("button", name="Post credit memo").click()

    memo = CreditMemo.objects.get()
    page.wait_for_url(re.compile(rf"/billing/credit-memos/{memo.pk}/$"))
    assert f"Credit memo {memo.number}" in page.get_by_role("status").inner_text()
    # 2 × 149.95 = 299.90, fee 29.99, tax 6.25% of 299.90 = 18.74 → 288.65
    assert (memo.merchandise, memo.fees, memo.tax_total, memo.total) == (
        Decimal("299.90"), Decimal("29.99"), Decimal("18.74"), Decimal("288.65"),
    )  # fmt: skip
    assert memo.lines.get(kind="goods").invoice_line_id == line.pk
    shot(page, "billing-credit-memo-page")

    page.get_by_role("link", name=invoice.number).first.click()
    page.wait_for_url(re.compile(rf"/billing/invoices/{invoice.pk}/$"))
    assert page.locator("#open-amount").inner_text() == "2,298.50"
    assert Receivable.objects.get(pk=invoice.receivable_id).open_amount == Decimal("2298.50")


def test_portal_user_sees_their_invoice_without_the_credit_form(
    page: Any, live_server: Any
) -> None:
    world = build_world()
    order = place(world, (world.items[0].sku, "3"))
    invoice = invoice_for_shipment(
        actor=UserFactory(role=Role.WAREHOUSE), shipment=ship(order, {1: "3"})
    )
    UserFactory(username="buyer", role=Role.PORTAL, customer=world.customer)

    _log_in(page, live_server.url, "buyer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My invoices").click()
    page.get_by_role("link", name=invoice.number).click()

    assert page.locator("#invoice-total").inner_text() == "31.88"
    assert page.get_by_role("heading", name="Credit this invoice").count() == 0

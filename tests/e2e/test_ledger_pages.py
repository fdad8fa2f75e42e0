"""The customer ledger and month-end in a real browser.

Billing opens the aging, sorts it, follows a customer to its ledger, records a check applied
to the invoice the customer named (the rest stays unapplied), applies that unapplied cash
oldest first, then opens October's month-end, exports a section and closes the period.
A portal user sees their own account read-only. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from orderdesk.billing.invoicing import invoice_for_shipment
from orderdesk.billing.models import Payment, PeriodClose, Receivable, ReceivableKind
from orderdesk.core.roles import Role

from ..billing.invoicing_world import place, ship
from ..factories import CustomerFactory, UserFactory
from ..orders.world import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(f"{base}/")


def _books() -> dict[str, Any]:
    world = build_world(price="149.95", on_hand=50)
    c = world.customer
    c.name, c.account_number = "Northwind Mechanical Services", "C10458"
    c.save(update_fields=["name", "account_number"])
    o1 = place(world, (world.items[0].sku, "4"), customer_po="PO-7781")
    o2 = place(world, (world.items[1].sku, "10"), customer_po="PO-7790")
    warehouse = UserFactory(role=Role.WAREHOUSE)
    inv1 = invoice_for_shipment(
        actor=warehouse, shipment=ship(o1, {1: "4"}, ship_date=dt.date(2026, 9, 14))
    )
    inv2 = invoice_for_shipment(
        actor=warehouse, shipment=ship(o2, {1: "6"}, ship_date=dt.date(2026, 10, 12))
    )
    ship(o2, {1: "2"}, ship_date=dt.date(2026, 10, 29))  # shipped, invoiced only later
    Receivable.objects.create(
        customer=c,
        kind=ReceivableKind.OPENING,
        document_number="OB-2291",
        document_date=dt.date(2026, 5, 2),
        due_date=dt.date(2026, 6, 1),
        currency="USD",
        amount=Decimal("1840.00"),
        open_amount=Decimal("612.40"),
    )
    other = CustomerFactory(account_number="C20001", name="Alder Plumbing Supply")
    Receivable.objects.create(
        customer=other,
        kind=ReceivableKind.OPENING,
        document_number="OB-3001",
        document_date=dt.date(2026, 9, 1),
        due_date=dt.date(2026, 10, 1),
        currency="USD",
        amount=Decimal("2400.00"),
        open_amount=Decimal("2400.00"),
    )
    UserFactory(username="grace", role=Role.BILLING, first_name="Grace", last_name="Lindqvist")
    UserFactory(username="buyer", role=Role.PORTAL, customer=c, first_name="Maria")
    return {"customer": c, "inv1": inv1, "inv2": inv2, "other": other}


def test_billing_works_the_ledger_and_closes_october(page: Any, live_server: Any, shot: Any):
    b = _books()
    c, inv1, inv2 = b["customer"], b["inv1"], b["inv2"]
    assert (inv1.total, inv2.total) == (Decimal("637.29"), Decimal("955.93"))
    base = live_server.url
    _log_in(page, base, "grace")

    # Aging: both customers, sortable; the biggest balance first when sorted by total.
    page.goto(f"{base}/billing/aging/?as_of=2026-11-22")
    table = page.locator("#aging-table")
    rows = table.locator("tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).inner_text().startswith("C10458")
    page.get_by_role("link", name="Balance").click()
    page.wait_for_url(re.compile(r"sort=total"))
    first = page.locator("#aging-table tbody tr").nth(0).inner_text()
    assert first.startswith("C20001")  # 2,400.00 > 2,205.62
    assert "2,205.62" in page.locator("#aging-table tbody").inner_text()
    assert "4,605.62" in page.locator("#aging-table tfoot").inner_text()
    shot(page, "ledger-01-aging")

    # The ledger of Northwind: 612.40 + 637.29 + 955.93 = 2,205.62 owed.
    page.get_by_role("link", name=re.compile("C10458")).click()
    page.wait_for_url(re.compile(rf"/billing/customers/{c.pk}/ledger/$"))
    page.goto(f"{base}/billing/customers/{c.pk}/ledger/?as_of=2026-11-22")
    assert page.locator("#balance").inner_text().startswith("2,205.62")
    aging = page.locator("#aging")
    assert "612.40" in aging.locator("[data-bucket=d90_plus]").inner_text()
    assert "637.29" in aging.locator("[data-bucket=d31_60]").inner_text()
    assert "955.93" in aging.locator("[data-bucket=d1_30]").inner_text()
    open_rows = page.locator("#open-items tbody tr")
    assert open_rows.count() == 3
    assert open_rows.nth(0).inner_text().split("\t")[0] == "OB-2291"
    shot(page, "ledger-02-customer")

    # A check of 1,000.00: 637.29 to the September invoice the remittance names.
    page.get_by_label("Amount (USD)").fill("1000.00")
    page.get_by_label("Received").fill("2026-11-20")
    page.get_by_label("Method").select_option("check")
    page.get_by_label("Reference").fill("CHK 30412")
    page.get_by_label("To the items below").check()
    page.get_by_label(f"Apply to {inv1.number}").fill("637.29")
    page.get_by_role("button", name="Record payment").click()
    page.wait_for_url(re.compile(rf"/billing/customers/{c.pk}/ledger/$"))
    payment = Payment.objects.get()
    assert f"Payment {payment.number} of 1,000.00 USD recorded: 637.29 applied, 362.71 " in (
        page.get_by_role("status").inner_text()
    )
    assert page.locator("#balance").inner_text().startswith("1,205.62")
    assert "362.71" in page.locator("#unapplied").inner_text()

    # The rest goes oldest first: the 612.40 opening balance is settled.
    page.get_by_role("button", name="Apply oldest first").click()
    page.wait_for_url(re.compile(rf"/billing/customers/{c.pk}/ledger/$"))
    assert "362.71 applied to 1 open item(s)." in page.get_by_role("status").inner_text()
    assert Receivable.objects.get(document_number="OB-2291").open_amount == Decimal("249.69")
    assert page.locator("#balance").inner_text().startswith("1,205.62")
    entries = page.locator("#entries tbody tr")
    assert entries.nth(entries.count() - 1).inner_text().endswith("1,205.62")
    shot(page, "ledger-03-after-payment")

    # Month-end for October: the 2 units shipped on 10-29 are shipped-not-invoiced.
    page.goto(f"{base}/billing/month-end/?start=2026-10-01&end=2026-10-31")
    sni = page.locator("#shipped-not-invoiced")
    assert "299.90" in sni.inner_text()
    assert "October 2026" in page.locator("#revenue-months").inner_text()
    assert "955.93" in page.locator("#revenue-months").inner_text()
    with page.expect_download() as download:
        sni.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == (
        "month-end-2026-10-01-2026-10-31-shipped-not-invoiced.csv"
    )
    shot(page, "ledger-04-month-end")

    page.get_by_label("Reason").fill("October reconciled")
    page.get_by_role("button", name="Close period").click()
    page.wait_for_url(re.compile(r"/billing/month-end/\?start=2026-10-01&end=2026-10-31$"))
    assert "The books are closed through 2026-10-31." in page.get_by_role("status").inner_text()
    assert "Closed" in page.locator("#period").inner_text()
    assert PeriodClose.objects.get().reason == "October reconciled"
    shot(page, "ledger-05-month-end-closed")


def test_a_portal_user_sees_their_own_account(page: Any, live_server: Any, shot: Any):
    b = _books()
    base = live_server.url
    _log_in(page, base, "buyer")
    page.goto(f"{base}/billing/my-account/")
    page.wait_for_url(re.compile(rf"/billing/customers/{b['customer'].pk}/ledger/$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("My statement")
    assert page.locator("#balance").inner_text().startswith("2,205.62")
    assert page.locator("#payment-form").count() == 0
    shot(page, "ledger-06-portal")

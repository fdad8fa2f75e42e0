"""Returns and recall in a real browser.

A customer asks for a return on the portal (outside the return window, so it waits for a
coordinator); the coordinator finds it in the queue with the finding, is refused an
approval without a reason, approves with one, receives the goods with a condition and
disposition per line and issues the credit memo. Then a recall: a lot traced to every
customer it reached, exported, and put on quality hold. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from orderdesk.billing.models import CreditMemo
from orderdesk.inventory.models import Lot, StockMovement
from orderdesk.returns.models import ReturnAuthorization

from ..factories import UserFactory
from ..returns.world import build_desk, days_ago, other_customer, place, ship

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(f"{base}/")


def _log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()


def test_portal_return_decided_received_and_credited(live_server, page, shot):
    desk = build_desk()
    UserFactory(username="buyer", role="portal", customer=desk.customer, first_name="Bea")
    UserFactory(username="cora", role="desk_coordinator", first_name="Cora", last_name="Lind")
    order = place(desk, (desk.plain, 10), (desk.lotted, 4), po="PO-7731", on=days_ago(70))
    ship(desk, order, on=days_ago(45))
    base = live_server.url

    _log_in(page, base, "buyer")
    page.goto(f"{base}/returns/")
    page.get_by_role("link", name="Ask for a return").click()
    page.get_by_label("Order number").fill(order.number)
    page.get_by_role("button", name="Find the order").click()
    page.get_by_label("Quantity of line 2 lot LOT-A coming back").fill("2")
    page.get_by_label("Reason for line 2").select_option("DEFECTIVE")
    page.get_by_label("Reason for the return").fill("Two capacitors bulged within a week")
    shot(page, "returns-01-portal-request")
    page.get_by_role("button", name="Send the return request").click()
    page.wait_for_url(f"{base}/returns/*/")
    rma = ReturnAuthorization.objects.get()
    assert page.get_by_role("heading", name=f"Return {rma.number} Requested").is_visible()
    assert page.get_by_text("45 days ago: the return window is 30 days").is_visible()
    shot(page, "returns-02-portal-rma")
    _log_out(page)

    _log_in(page, base, "cora")
    page.goto(f"{base}/returns/")
    assert page.get_by_role("link", name=rma.number).is_visible()
    shot(page, "returns-03-queue")
    page.get_by_role("link", name=rma.number).click()
    page.get_by_role("button", name="Approve").click()
    alert = page.locator("#decide-error")
    assert "outside the policy" in alert.inner_text()
    shot(page, "returns-04-approve-needs-reason")
    page.get_by_label("Reason").first.fill("Known bad batch from the supplier")
    page.get_by_role("button", name="Approve").click()
    assert page.get_by_text(f"Return {rma.number} is approved").is_visible()

    page.get_by_label("Quantity of line 1 received").fill("1")
    page.get_by_label("Condition of line 1").select_option("defective")
    page.get_by_label("Disposition of line 1").select_option("return_to_vendor")
    page.get_by_label("Notes on line 1").fill("can swollen")
    page.get_by_role("button", name="Receive").click()
    assert page.get_by_text("line received").is_visible()
    page.get_by_label("Quantity of line 1 received").fill("1")
    page.get_by_label("Condition of line 1").select_option("opened")
    page.get_by_label("Disposition of line 1").select_option("restock")
    page.get_by_role("button", name="Receive").click()
    assert StockMovement.objects.filter(kind="return", lot="LOT-A").count() == 1
    page.get_by_role("button", name="Issue credit memo").click()
    memo = CreditMemo.objects.get()
    assert page.get_by_text(f"Credit memo {memo.number}").first.is_visible()
    assert memo.merchandise == Decimal("50.00")
    shot(page, "returns-05-credited")
    rma.refresh_from_db()
    assert (rma.status, rma.credit_memo) == ("credited", memo)


def test_recall_look_up_export_and_quality_hold(live_server, page, shot):
    desk = build_desk(lot_a=18, lot_b=30)
    UserFactory(username="cora", role="desk_coordinator", first_name="Cora", last_name="Lind")
    lakeside = other_customer(desk, "Lakeside HVAC", "C30003")
    prairie = other_customer(desk, "Prairie Heating", "C40004")
    for customer, qty, age in ((None, 6, 30), (lakeside, 8, 20), (desk.customer, 4, 12)):
        order = place(desk, (desk.lotted, qty), customer=customer, po=f"PO-R{age}")
        ship(desk, order, on=days_ago(age))
    ship(desk, place(desk, (desk.lotted, 5), customer=prairie, po="PO-B"), on=days_ago(5))
    base = live_server.url

    _log_in(page, base, "cora")
    page.goto(f"{base}/returns/")
    page.get_by_role("link", name="Lot recall look-up").click()
    page.get_by_label("Lot or serial number").fill("LOT-A")
    page.get_by_label("Lot or serial number").press("Enter")
    page.wait_for_url("**/returns/recall/?number=LOT-A*")
    assert page.locator(".recall-summary .big").first.inner_text() == "2"
    assert page.get_by_text("Lakeside HVAC").first.is_visible()
    assert page.get_by_text("Prairie Heating").count() == 0
    shot(page, "returns-06-recall")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    content = open(download.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    rows = list(csv.reader(io.StringIO(content)))
    assert [r[0] for r in rows[1:]] == [desk.customer.account_number, "C30003"]

    page.get_by_label("Reason for the hold").fill("Supplier recall notice 2026-11")
    page.get_by_role("button", name="Put on quality hold").click()
    assert page.get_by_text("is on quality hold").first.is_visible()
    shot(page, "returns-07-recall-held")
    assert Lot.objects.get(item=desk.lotted, number="LOT-A").quality_hold is True

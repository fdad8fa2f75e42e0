"""Changing an accepted order, in a real browser.

A clerk opens an accepted order, presses C, changes a quantity and adds a line with the
keyboard only, gives the reason and submits with Ctrl+Enter: the order is re-allocated and
the customer gets acknowledgement revision 2, whose preview opens next to its PDF. A change
worth more than the customer's approval limit waits; a coordinator approves it. A line's
allocation actions open in a dialog. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from orderdesk.core.roles import Role
from orderdesk.orders.drafts import LineDraft, OrderDraft
from orderdesk.orders.intake import order_intake
from orderdesk.orders.models import Acknowledgement, ChangeStatus, OrderChange, SalesOrder
from orderdesk.orders.states import OrderStatus

from ..factories import UserFactory
from .test_order_desk import PASSWORD, _desk

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _accepted_order(po: str = "PO-7781") -> SalesOrder:
    clerk = UserFactory(username="intake-bot", role=Role.ORDER_CLERK)
    draft = OrderDraft(
        customer="C10458",
        customer_po=po,
        ship_method="UPS-GND",
        incoterm="FCA",
        incoterm_place="Minneapolis, MN",
        freight_payment="prepaid",
        lines=[
            LineDraft(sku="CT-3P-40A", quantity=Decimal(12)),
            LineDraft(sku="MTR-CF-1/3HP", quantity=Decimal(2)),
        ],
    )
    order = order_intake(actor=clerk, channel="desk", draft=draft).order
    assert order.status == OrderStatus.ALLOCATED and order.revision == 1
    return order


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(f"{base}/")


def _log_out(page: Any) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login/"))


def _active(page: Any) -> str:
    return str(page.evaluate("document.activeElement.id || document.activeElement.name"))


def _wait_focus(page: Any, element_id: str) -> None:
    page.wait_for_function(
        f"document.activeElement && document.activeElement.id === '{element_id}'"
    )


def test_clerk_changes_a_quantity_and_adds_a_line_by_keyboard(live_server, page, shot):
    _desk()
    order = _accepted_order()
    base = live_server.url
    _log_in(page, base, "ana")
    page.goto(f"{base}/orders/{order.pk}/")
    assert not page.locator("#change-form").is_visible()  # closed until asked for

    # C opens the change form at the first line's quantity.
    page.keyboard.press("c")
    _wait_focus(page, "id_line-1-quantity")
    assert page.locator("#change-form").is_visible()
    # ↓ to line 2's quantity, type the new one; Enter walks date, cancel, then the new line.
    page.keyboard.press("ArrowDown")
    assert _active(page) == "id_line-2-quantity"
    page.keyboard.type("4")
    for _ in range(3):
        page.keyboard.press("Enter")
    assert _active(page) == "id_add-0-sku"
    page.keyboard.type("CAP-45-5-440", delay=10)
    page.keyboard.press("Enter")
    page.keyboard.type("10")
    page.keyboard.press("Enter")  # → unit (base unit)
    page.keyboard.press("Enter")  # → requested date
    page.keyboard.press("Enter")  # → a new blank line
    assert _active(page) == "id_add-1-sku"
    new_row = page.locator("#add-body tr[data-row]").first
    new_row.locator(".sku-info__desc").wait_for()
    assert "Run capacitor 45/5" in new_row.inner_text()
    assert "Our price 14.20 USD/EA" in new_row.inner_text()
    assert page.locator("#add-body tr[data-row] [data-no]").all_inner_texts() == ["3", "4"]
    page.keyboard.press("Enter")  # Enter on a blank line's SKU goes on: order date, notes
    assert _active(page) == "id_change_requested_date"
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert _active(page) == "id_change_reason"
    page.keyboard.type("Customer phoned: 4 motors, and capacitors for the spares van")
    page.locator("#change").scroll_into_view_if_needed()
    shot(page, "21-order-change-form")

    page.keyboard.press("Control+Enter")
    page.wait_for_url(f"{base}/orders/{order.pk}/")
    message = page.locator(".message--success")
    assert "the customer is sent acknowledgement revision 2" in message.inner_text()
    order.refresh_from_db()
    assert order.revision == 2
    lines = list(order.lines.order_by("line_no"))
    assert [(ln.sku, ln.quantity, ln.qty_allocated) for ln in lines] == [
        ("CT-3P-40A", Decimal(12), Decimal(12)),
        ("MTR-CF-1/3HP", Decimal(4), Decimal(4)),
        ("CAP-45-5-440", Decimal(10), Decimal(10)),
    ]
    acks = page.get_by_role("region", name=re.compile("^Acknowledgements"))
    assert "Revision 2" in acks.inner_text()
    log = page.get_by_role("region", name=re.compile("^Changes"))
    assert "Line 2 MTR-CF-1/3HP: quantity 2 → 4" in log.inner_text()
    assert "Line 3 added: 10 EA of CAP-45-5-440" in log.inner_text()
    assert "Revision 2" in log.inner_text()
    assert not page.locator("#change-form").is_visible()
    shot(page, "22-order-changed")

    # The preview of revision 2, next to its PDF.
    preview = acks.get_by_role("link", name="Preview revision 2")
    assert preview.get_attribute("href") == f"/orders/{order.pk}/acknowledgements/2/"
    page.goto(f"{base}/orders/{order.pk}/acknowledgements/2/")
    assert "Order acknowledgement" in page.locator("h1").inner_text()
    body = page.locator("body").inner_text()
    assert order.number in body and "CAP-45-5-440" in body
    shot(page, "23-ack-preview-revision-2")


def test_a_large_change_waits_and_a_coordinator_approves_it(live_server, page, shot):
    _desk()
    order = _accepted_order()
    UserFactory(username="cole", first_name="Cole", last_name="Brandt", role=Role.DESK_COORDINATOR)
    base = live_server.url
    _log_in(page, base, "ana")
    page.goto(f"{base}/orders/{order.pk}/")
    page.get_by_role("link", name="Change order").click()
    _wait_focus(page, "id_line-1-quantity")
    page.keyboard.type("120")
    page.get_by_label("Reason for the change").fill("Second site opens in May")
    page.get_by_role("button", name="Submit change").click()
    page.wait_for_url(f"{base}/orders/{order.pk}/#pending")
    assert "waits for a coordinator or manager" in page.locator(".message--warning").inner_text()
    pending = page.get_by_role("region", name=re.compile("^Changes waiting for approval"))
    assert "Line 1 CT-3P-40A: quantity 12 → 120 EA" in pending.inner_text()
    assert "+5,238.00" in pending.inner_text()
    assert pending.get_by_role("button", name="Approve").count() == 0
    order.refresh_from_db()
    assert order.revision == 1
    shot(page, "24-change-waiting-for-approval")

    _log_out(page)
    _log_in(page, base, "cole")
    page.goto(f"{base}/orders/?queue=changes")
    card = page.locator("a.queue[aria-current='page']")
    assert card.locator(".queue__count").inner_text() == "1"
    assert "Changes to approve" in card.inner_text()
    shot(page, "31-desk-changes-to-approve")
    page.locator("#results").get_by_role("link", name=order.number).click()
    page.wait_for_url(f"{base}/orders/{order.pk}/#pending")
    pending = page.get_by_role("region", name=re.compile("^Changes waiting for approval"))
    reason = pending.get_by_label("Reason for your decision")
    reason.fill("Confirmed with sales: stock is on order")
    reason.press("Enter")  # Enter decides nothing: Approve or Reject must be pressed
    assert OrderChange.objects.get(order=order, kind="request").status == ChangeStatus.PENDING
    shot(page, "25-change-approval-by-coordinator")
    pending.get_by_role("button", name="Approve").click()
    page.wait_for_url(f"{base}/orders/{order.pk}/#changes")
    order.refresh_from_db()
    assert order.revision == 2
    line = order.lines.get(line_no=1)
    assert (line.qty_allocated, line.qty_backordered) == (Decimal(120), Decimal(0))
    assert page.get_by_role("region", name=re.compile("^Changes waiting")).count() == 0
    log = page.get_by_role("region", name=re.compile("^Changes"))
    assert "Approved" in log.inner_text() and "Cole Brandt" in log.inner_text()
    shot(page, "26-change-approved")


def test_line_allocation_actions_in_a_dialog(live_server, page, shot):
    _desk()
    order = _accepted_order()
    base = live_server.url
    _log_in(page, base, "ana")
    page.goto(f"{base}/orders/{order.pk}/")
    page.get_by_role("link", name="Allocation actions, line 2").click()
    dialog = page.get_by_role("dialog", name="Allocation actions")
    dialog.wait_for()
    assert dialog.get_by_label("Line", exact=True).input_value() == "2"
    assert _active(page) == "action"  # the first choice has the focus
    dialog.get_by_role("radio", name=re.compile("Decommit")).check()
    dialog.get_by_label("Reason").fill("Customer's site is closed this week")
    shot(page, "27-line-action-dialog")
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    page.get_by_role("link", name="Allocation actions, line 2").click()
    dialog.get_by_label("Reason").press("Enter")
    page.wait_for_url(f"{base}/orders/{order.pk}/#line-2")
    assert "is decommitted" in page.locator(".message--success").inner_text()
    line = order.lines.get(line_no=2)
    assert (line.qty_allocated, line.qty_backordered) == (Decimal(0), Decimal(2))
    assert Acknowledgement.objects.filter(order=order).count() == 1
    shot(page, "28-line-decommitted")


def test_a_refused_change_shows_each_error_where_it_belongs(live_server, page, shot):
    _desk()
    order = _accepted_order()
    base = live_server.url
    _log_in(page, base, "ana")
    page.goto(f"{base}/orders/{order.pk}/")
    page.keyboard.press("c")
    _wait_focus(page, "id_line-1-quantity")
    page.keyboard.type("0")
    page.locator("#id_add-0-sku").fill("CAP-45-5-440")
    page.locator("#id_add-0-quantity").fill("many")
    page.keyboard.press("Control+Enter")
    page.locator("#change-errors").wait_for()
    assert page.locator("#change-details").get_attribute("open") is not None
    line1 = page.locator("#change-line-1")
    assert "The quantity must be above 0: tick Cancel line instead." in line1.inner_text()
    new_line = page.locator("#add-body tr[data-row]").first
    assert "Quantity: Enter a number." in new_line.inner_text()
    reason = page.locator("#change-reason-error")
    assert "Say why" in reason.inner_text()
    assert _active(page) == "id_line-1-quantity"  # the first field to correct
    new_line.locator(".sku-info__desc").wait_for()  # the typed SKU is looked up again
    order.refresh_from_db()
    assert order.revision == 1 and order.lines.count() == 2
    page.locator("#change").scroll_into_view_if_needed()
    shot(page, "29-change-refused")


def test_change_and_line_actions_work_without_javascript(live_server, no_js_page, shot):
    page = no_js_page
    _desk()
    order = _accepted_order()
    base = live_server.url
    _log_in(page, base, "ana")
    page.goto(f"{base}/orders/{order.pk}/")
    page.get_by_role("link", name="Change order").click()
    page.wait_for_url(re.compile(r"change=open"))
    page.locator("#id_line-1-quantity").fill("10")
    page.get_by_label("Reason for the change").fill("Customer phoned: 10 will do")
    page.get_by_role("button", name="Submit change").click()
    page.wait_for_url(f"{base}/orders/{order.pk}/")
    order.refresh_from_db()
    assert order.revision == 2 and order.lines.get(line_no=1).qty_allocated == 10

    page.get_by_role("link", name="Allocation actions, line 1").click()
    page.wait_for_url(re.compile(r"\?line=1#line-action$"))
    form = page.locator("#line-action-form")
    assert form.is_visible()
    assert form.get_by_label("Line", exact=True).input_value() == "1"
    form.get_by_role("radio", name=re.compile("Move to warehouse")).check()
    form.get_by_label("Reason").fill("Ship from the other dock")
    shot(page, "30-line-action-without-js")
    form.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"/lines/action/$"))
    assert "Choose the warehouse to serve the line from." in form.inner_text()
    assert order.lines.get(line_no=1).qty_allocated == 10  # nothing changed

"""The order page's actions: change an order, approve or reject a change that waits for
approval, a line's allocation actions, cancel; the change log and the acknowledgement
preview; the desk's "Changes to approve" queue.

Each action is posted as the page's form posts it; a refused one shows the error next to
its form and changes nothing; portal users change nothing.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from orderdesk.core.roles import Role
from orderdesk.inventory.models import StockLevel
from orderdesk.orders.models import (
    Acknowledgement,
    Allocation,
    ChangeStatus,
    OrderChange,
    SalesOrder,
)
from orderdesk.orders.states import OrderStatus
from orderdesk.orders.views_order import event_summary

from ..factories import AddressFactory, CustomerFactory, UserFactory, WarehouseFactory
from .test_pages import client_for, place
from .world import World, build_world, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def clerk() -> Any:
    return UserFactory(role=Role.ORDER_CLERK, first_name="Ana", last_name="Reyes")


@pytest.fixture
def coordinator() -> Any:
    return UserFactory(role=Role.DESK_COORDINATOR, first_name="Cole", last_name="Brandt")


def allocated(world: World, n: int, warehouse: Any = None) -> Decimal:
    level = StockLevel.objects.get(item=world.items[n], warehouse=warehouse or world.warehouse)
    return level.allocated


def change_post(
    order: SalesOrder,
    lines: dict[int, dict[str, str]] | None = None,
    add: list[dict[str, str]] | None = None,
    reason: str = "customer phoned",
    **header: str,
) -> dict[str, str]:
    """The change form as the browser posts it: every open line with its values as shown,
    `lines` overriding some; the blank new line; the order's date and notes."""
    data: dict[str, str] = {
        "reason": reason,
        "requested_date": order.requested_date.isoformat() if order.requested_date else "",
        "notes": order.notes,
        "customer": order.customer.account_number,
    }
    for ln in order.lines.all():
        if ln.qty_remaining == 0:
            continue
        data[f"line-{ln.line_no}-quantity"] = format(ln.quantity.normalize(), "f")
        data[f"line-{ln.line_no}-requested_date"] = (
            ln.requested_date.isoformat() if ln.requested_date else ""
        )
        for key, value in (lines or {}).get(ln.line_no, {}).items():
            data[f"line-{ln.line_no}-{key}"] = value
    rows = [*(add or []), {}]  # the page always has one blank new line
    data.update(
        {
            "add-TOTAL_FORMS": str(len(rows)),
            "add-INITIAL_FORMS": "0",
            "add-MIN_NUM_FORMS": "0",
            "add-MAX_NUM_FORMS": "500",
        }
    )
    for n, row in enumerate(rows):
        for key in ("sku", "quantity", "uom", "requested_date"):
            data[f"add-{n}-{key}"] = row.get(key, "")
    data.update(header)
    return data


def snapshot(order: SalesOrder) -> tuple[Any, ...]:
    """What a refused action must leave as it was."""
    order.refresh_from_db()
    lines = tuple(
        order.lines.order_by("line_no").values_list(
            "line_no", "quantity", "qty_allocated", "qty_backordered", "qty_cancelled", "warehouse"
        )
    )
    return (
        order.status,
        order.revision,
        order.priority,
        order.rush,
        order.notes,
        lines,
        Allocation.objects.filter(line__order=order).count(),
        OrderChange.objects.filter(order=order).count(),
    )


# --- change: applied ------------------------------------------------------------------------


def test_change_applied_makes_revision_two_and_reallocates(world, clerk):
    skus = [i.sku for i in world.items]
    order = place(world, clerk, [(skus[0], "4"), (skus[1], "1")])
    assert order.status == OrderStatus.ALLOCATED and allocated(world, 0) == 4
    client = client_for(clerk)
    post = change_post(
        order,
        {1: {"quantity": "6"}},
        add=[{"sku": skus[2].lower(), "quantity": "3"}],
        reason="customer phoned: needs 6",
    )
    response = client.post(f"/orders/{order.pk}/change/", post)
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.pk}/"
    order.refresh_from_db()
    assert order.revision == 2
    line1, line2, line3 = order.lines.order_by("line_no")
    assert (line1.quantity, line1.qty_allocated) == (Decimal(6), Decimal(6))
    assert line2.quantity == 1  # untouched: not part of the change
    assert (line3.item, line3.qty_allocated) == (world.items[2], Decimal(3))
    assert allocated(world, 0) == 6 and allocated(world, 2) == 3
    kinds = sorted(OrderChange.objects.filter(order=order).values_list("kind", flat=True))
    assert kinds == ["add_line", "quantity"]
    assert set(
        OrderChange.objects.filter(order=order).values_list("acknowledged_revision", flat=True)
    ) == {2}

    body = client.get(response["Location"]).content.decode()
    assert (
        f'acknowledgement <a href="/orders/{order.pk}/acknowledgements/2/" target="_blank" '
        'rel="noopener">revision 2</a>'
    ) in body
    log = body[body.index('id="h-changes"') :]
    assert f"Line 1 {skus[0]}: quantity 4 → 6" in log
    assert f"Line 3 added: 3 EA of {skus[2].lower()}" in log
    assert "customer phoned: needs 6" in log and "Ana Reyes" in log
    assert (
        f'href="/orders/{order.pk}/acknowledgements/2/" target="_blank" rel="noopener">Revision 2'
        in log
    )


def test_change_of_dates_notes_and_a_cancelled_line(world, clerk):
    skus = [i.sku for i in world.items]
    order = place(world, clerk, [(skus[0], "4"), (skus[1], "2")])
    response = client_for(clerk).post(
        f"/orders/{order.pk}/change/",
        change_post(
            order,
            {1: {"requested_date": "2031-03-02"}, 2: {"cancel": "on"}},
            requested_date="2031-03-01",
            notes="Deliver to dock 4",
        ),
    )
    assert response.status_code == 302
    order.refresh_from_db()
    line1, line2 = order.lines.order_by("line_no")
    assert str(line1.requested_date) == "2031-03-02" and line1.quantity == 4
    assert line2.qty_cancelled == 2 and line2.qty_allocated == 0
    assert str(order.requested_date) == "2031-03-01" and order.notes == "Deliver to dock 4"
    assert allocated(world, 1) == 0
    assert order.revision == 2


def test_a_held_order_is_edited_and_revalidated(world, clerk):
    order = place(world, clerk, [(world.items[0].sku, "2", "4.00")])  # a price hold
    assert order.status == OrderStatus.HELD
    client = client_for(clerk)
    response = client.post(
        f"/orders/{order.pk}/change/",
        change_post(
            order, {1: {"quantity": "3"}}, add=[{"sku": world.items[1].sku, "quantity": "1"}]
        ),
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.HELD and order.revision == 0
    assert [ln.quantity for ln in order.lines.order_by("line_no")] == [3, 1]
    body = client.get(f"/orders/{order.pk}/").content.decode()
    assert (
        f'is changed and on hold: <a href="/orders/{order.pk}/exception/">resolve the hold</a>'
        in body
    )
    log = body[body.index('id="h-changes"') :]
    assert log.count("Not yet") == 2  # applied, to be acknowledged once accepted


# --- change: refused ------------------------------------------------------------------------


def test_change_without_reason_is_refused_next_to_the_reason_and_changes_nothing(world, clerk):
    order = place(world, clerk, [(world.items[0].sku, "4")])
    before = snapshot(order)
    post = change_post(order, {1: {"quantity": "5"}}, reason=" ")
    response = client_for(clerk).post(f"/orders/{order.pk}/change/", post)
    body = response.content.decode()
    assert response.status_code == 200
    reason = body[body.index('id="id_change_reason"') :][:700]
    assert 'aria-invalid="true"' in reason
    assert "Say why: a few words the next person will understand." in reason
    assert 'value="5"' in body  # what was typed is still there
    assert '<details class="change__details" id="change-details" open>' in body
    assert snapshot(order) == before


def test_change_errors_stay_on_their_line(world, clerk):
    skus = [i.sku for i in world.items]
    order = place(world, clerk, [(skus[0], "4"), (skus[1], "2")])
    before = snapshot(order)
    post = change_post(order, {1: {"quantity": "0"}, 2: {"quantity": "lots"}})
    body = client_for(clerk).post(f"/orders/{order.pk}/change/", post).content.decode()
    row1 = body[body.index('id="change-line-1"') :][:2500]
    row2 = body[body.index('id="change-line-2"') :][:2500]
    assert "The quantity must be above 0: tick Cancel line instead." in row1.split("</tr>")[0]
    assert "Enter a number." in row2.split("</tr>")[0]
    assert "Some fields need a correction" in body
    assert snapshot(order) == before


def test_a_refusal_of_the_change_service_lands_on_the_line_it_names(world, clerk):
    order = place(world, clerk, [(world.items[0].sku, "4")])
    # Two of the four are shipped: the quantity cannot go below 2.
    order.lines.update(qty_allocated=Decimal(2), qty_shipped=Decimal(2))
    before = snapshot(order)
    post = change_post(order, {1: {"quantity": "1"}})
    body = client_for(clerk).post(f"/orders/{order.pk}/change/", post).content.decode()
    row = body[body.index('id="change-line-1"') :].split("</tr>")[0]
    assert "Line 1: 2.0000 already shipped; the quantity cannot go below that" in row
    assert 'aria-invalid="true"' in row
    assert snapshot(order) == before


def test_a_change_that_changes_nothing_says_so(world, clerk):
    order = place(world, clerk, [(world.items[0].sku, "4")])
    before = snapshot(order)
    body = (
        client_for(clerk).post(f"/orders/{order.pk}/change/", change_post(order)).content.decode()
    )
    assert "Nothing to change: change a quantity or a date" in body
    assert snapshot(order) == before


def test_an_added_line_with_a_bad_quantity_is_marked_and_nothing_is_added(world, clerk):
    order = place(world, clerk, [(world.items[0].sku, "4")])
    before = snapshot(order)
    post = change_post(order, add=[{"sku": world.items[1].sku, "quantity": "-2"}])
    body = client_for(clerk).post(f"/orders/{order.pk}/change/", post).content.decode()
    assert "Quantity: Ensure this value is greater than or equal to 0." in body
    assert snapshot(order) == before


# --- change: waits for approval -------------------------------------------------------------


def test_a_change_above_the_threshold_waits_then_a_coordinator_approves(world, clerk, coordinator):
    sku = world.items[0].sku
    order = place(world, clerk, [(sku, "1")])
    by_clerk = client_for(clerk)
    response = by_clerk.post(
        f"/orders/{order.pk}/change/",
        change_post(order, {1: {"quantity": "120"}}, reason="big job on site"),
    )
    assert response["Location"] == f"/orders/{order.pk}/#pending"
    order.refresh_from_db()
    assert order.revision == 1 and allocated(world, 0) == 1  # nothing applied yet
    pending = OrderChange.objects.get(order=order, status=ChangeStatus.PENDING)
    assert pending.value_delta == Decimal("1190")

    clerk_page = by_clerk.get(f"/orders/{order.pk}/").content.decode()
    assert "waits for a coordinator or manager to approve it" in clerk_page
    panel = clerk_page[clerk_page.index('id="h-pending"') :][:3000]
    assert f"Line 1 {sku}: quantity 1 → 120 EA" in panel
    assert "+1,190.00" in panel and "Ana Reyes" in panel and "big job on site" in panel
    assert "Approve" not in panel and "a coordinator or manager approves" in panel

    # The coordinator finds it in the desk's queue, then approves it on the order page.
    coord = client_for(coordinator)
    desk = coord.get("/orders/").content.decode()
    card = desk[desk.index('href="?queue=changes"') :][:300]
    assert '<span class="queue__count">1</span>' in card and "Changes to approve" in card
    queue = coord.get("/orders/", {"queue": "changes"}).content.decode()
    assert f'href="/orders/{order.pk}/#pending" data-result>{order.number}</a>' in queue
    page = coord.get(f"/orders/{order.pk}/").content.decode()
    assert f'action="/orders/{order.pk}/changes/{pending.pk}/approve/"' in page
    assert f'formaction="/orders/{order.pk}/changes/{pending.pk}/reject/"' in page
    response = coord.post(
        f"/orders/{order.pk}/changes/{pending.pk}/approve/", {"reason": "confirmed with sales"}
    )
    assert response["Location"] == f"/orders/{order.pk}/#changes"
    order.refresh_from_db()
    line = order.lines.get()
    assert (line.qty_allocated, line.qty_backordered) == (Decimal(100), Decimal(20))
    assert order.revision == 2 and allocated(world, 0) == 100
    pending.refresh_from_db()
    assert pending.status == ChangeStatus.APPLIED and pending.decided_by == coordinator
    after = coord.get(f"/orders/{order.pk}/").content.decode()
    assert 'id="h-pending"' not in after
    log = after[after.index('id="h-changes"') :]
    assert "Approved" in log and "Cole Brandt" in log
    assert f"Line 1 {sku}: quantity to 120 EA" in log  # the request, as asked
    assert f"Line 1 {sku}: quantity 1 → 120" in log  # and the change it made
    assert "data-result>" not in coord.get("/orders/", {"queue": "changes"}).content.decode()


def test_a_coordinator_changes_above_the_threshold_at_once(world, coordinator):
    order = place(world, coordinator, [(world.items[0].sku, "1")])
    client_for(coordinator).post(
        f"/orders/{order.pk}/change/", change_post(order, {1: {"quantity": "120"}})
    )
    order.refresh_from_db()
    assert order.revision == 2
    assert not OrderChange.objects.filter(order=order, status=ChangeStatus.PENDING).exists()


def _pending(world: World, clerk: Any) -> tuple[SalesOrder, OrderChange]:
    order = place(world, clerk, [(world.items[0].sku, "1")])
    client_for(clerk).post(
        f"/orders/{order.pk}/change/", change_post(order, {1: {"quantity": "150"}})
    )
    return order, OrderChange.objects.get(order=order, status=ChangeStatus.PENDING)


def test_reject_needs_a_reason_then_changes_nothing_but_the_change(world, clerk, coordinator):
    order, change = _pending(world, clerk)
    before = snapshot(order)
    coord = client_for(coordinator)
    refused = coord.post(f"/orders/{order.pk}/changes/{change.pk}/reject/", {"reason": ""})
    body = refused.content.decode()
    assert refused.status_code == 200
    form = body[body.index(f'id="change-{change.pk}"') :][:4000]
    assert "Say why: a few words the next person will understand." in form
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING and snapshot(order) == before

    response = coord.post(
        f"/orders/{order.pk}/changes/{change.pk}/reject/", {"reason": "no stock this month"}
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeStatus.REJECTED and change.decided_by == coordinator
    after = snapshot(order)
    assert after[:6] == before[:6]  # the order as it was
    page = coord.get(f"/orders/{order.pk}/").content.decode()
    assert "The change to order" in page and "is rejected" in page
    log = page[page.index('id="h-changes"') :]
    assert '<span class="badge badge--rejected">Rejected</span>' in log


def test_a_clerk_cannot_approve(world, clerk):
    order, change = _pending(world, clerk)
    response = client_for(clerk).post(
        f"/orders/{order.pk}/changes/{change.pk}/approve/", {"reason": "I say so"}
    )
    assert response.status_code == 403
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING


def test_a_decided_change_cannot_be_decided_again(world, clerk, coordinator):
    order, change = _pending(world, clerk)
    coord = client_for(coordinator)
    coord.post(f"/orders/{order.pk}/changes/{change.pk}/reject/", {"reason": "not now"})
    before = snapshot(order)
    body = coord.post(
        f"/orders/{order.pk}/changes/{change.pk}/approve/", {"reason": "changed my mind"}
    ).content.decode()
    assert "The change was already rejected" in body
    assert snapshot(order) == before


# --- a line's allocation actions --------------------------------------------------------------


def test_decommit_gives_the_stock_back(world, clerk):
    order = place(world, clerk, [(world.items[0].sku, "4")])
    client = client_for(clerk)
    page = client.get(f"/orders/{order.pk}/", {"line": "1"}).content.decode()
    assert (
        '<dialog id="line-action" class="line-dialog" aria-labelledby="line-action-title" open>'
        in page
    )
    assert '<option value="1" selected>' in page
    response = client.post(
        f"/orders/{order.pk}/lines/action/",
        {"line_no": "1", "action": "decommit", "reason": "customer's site is closed"},
    )
    assert response["Location"] == f"/orders/{order.pk}/#line-1"
    line = order.lines.get()
    assert (line.qty_allocated, line.qty_backordered) == (Decimal(0), Decimal(4))
    assert allocated(world, 0) == 0
    body = client.get(f"/orders/{order.pk}/").content.decode()
    assert "is decommitted: its stock is given back" in body


def test_expedite_rushes_the_order_and_allocates(world, clerk):
    order = place(world, clerk, [(world.items[0].sku, "4")])
    client = client_for(clerk)
    client.post(
        f"/orders/{order.pk}/lines/action/",
        {"line_no": "1", "action": "decommit", "reason": "hold it back for now"},
    )
    client.post(
        f"/orders/{order.pk}/lines/action/",
        {"line_no": "1", "action": "expedite", "reason": "customer's line is down"},
    )
    order.refresh_from_db()
    assert order.rush and order.priority == 1
    assert order.lines.get().qty_allocated == 4 and allocated(world, 0) == 4


def test_move_serves_the_line_from_another_warehouse(world, clerk):
    dallas: Any = WarehouseFactory(code="DAL", name="Dallas DC")
    stock(world.items[0], dallas, 50)
    order = place(world, clerk, [(world.items[0].sku, "4")])
    client = client_for(clerk)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert '<option value="DAL">DAL · Dallas DC</option>' in page
    response = client.post(
        f"/orders/{order.pk}/lines/action/",
        {"line_no": "1", "action": "move", "warehouse": "DAL", "reason": "closer to site"},
    )
    assert response.status_code == 302
    line = order.lines.get()
    assert line.warehouse == dallas and line.qty_allocated == 4
    assert allocated(world, 0) == 0 and allocated(world, 0, dallas) == 4
    body = client.get(f"/orders/{order.pk}/").content.decode()
    assert f"Line 1 {line.sku} is moved to DAL. Now 4 allocated, 0 backordered." in body


def test_line_action_refusals_show_the_error_and_change_nothing(world, clerk):
    order = place(world, clerk, [(world.items[0].sku, "4")])
    client = client_for(clerk)
    client.post(
        f"/orders/{order.pk}/lines/action/",
        {"line_no": "1", "action": "decommit", "reason": "hold it back"},
    )
    before = snapshot(order)
    # move without a warehouse
    body = client.post(
        f"/orders/{order.pk}/lines/action/",
        {"line_no": "1", "action": "move", "warehouse": "", "reason": "closer"},
    ).content.decode()
    dialog = body[body.index('<dialog id="line-action"') :].split("</dialog>")[0]
    assert " open>" in dialog[:120]
    assert "Choose the warehouse to serve the line from." in dialog
    assert 'value="closer"' in dialog  # the reason typed is kept
    # a warehouse that does not exist
    body = client.post(
        f"/orders/{order.pk}/lines/action/",
        {"line_no": "1", "action": "move", "warehouse": "NOPE", "reason": "closer"},
    ).content.decode()
    assert "Warehouse NOPE not found" in body
    # decommit with nothing allocated: the service says no
    body = client.post(
        f"/orders/{order.pk}/lines/action/",
        {"line_no": "1", "action": "decommit", "reason": "again"},
    ).content.decode()
    dialog = body[body.index('<dialog id="line-action"') :].split("</dialog>")[0]
    assert f"Line 1 of {order.number} has no stock allocated" in dialog
    # no reason
    body = client.post(
        f"/orders/{order.pk}/lines/action/", {"line_no": "1", "action": "expedite", "reason": ""}
    ).content.decode()
    assert "Say why: a few words the next person will understand." in body
    assert snapshot(order) == before


def test_allocation_actions_are_offered_only_while_the_order_is_allocatable(world, clerk):
    order = place(world, clerk, [(world.items[0].sku, "2", "4.00")])  # a price hold
    assert order.status == OrderStatus.HELD
    page = client_for(clerk).get(f"/orders/{order.pk}/").content.decode()
    assert "data-line-action=" not in page and 'id="line-action"' not in page
    assert 'id="change-form"' in page  # a held order can still be changed
    service = client_for(UserFactory(role=Role.SERVICE_CLERK))
    page = service.get(f"/orders/{order.pk}/").content.decode()
    assert 'id="change-form"' not in page and "data-line-action=" not in page


# --- cancel from the order page -------------------------------------------------------------


def test_cancel_from_the_order_page_needs_a_reason(world, clerk):
    order = place(world, clerk, [(world.items[0].sku, "4")])
    client = client_for(clerk)
    before = snapshot(order)
    body = client.post(f"/orders/{order.pk}/cancel-order/", {"reason": ""}).content.decode()
    cancel = body[body.index('id="cancel-order"') :][:1500]
    assert "Say why" in cancel and 'aria-invalid="true"' in cancel
    assert snapshot(order) == before
    response = client.post(f"/orders/{order.pk}/cancel-order/", {"reason": "customer withdrew"})
    assert response["Location"] == f"/orders/{order.pk}/"
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and allocated(world, 0) == 0
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'id="change-form"' not in page and "Change order" not in page


# --- acknowledgement preview --------------------------------------------------------------


def test_acknowledgement_preview_is_the_document_as_html(world, clerk):
    order = place(world, clerk, [(world.items[0].sku, "4")])
    client = client_for(clerk)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert f'href="/orders/{order.pk}/acknowledgements/1/"' in page
    response = client.get(f"/orders/{order.pk}/acknowledgements/1/")
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "Order acknowledgement" in body and order.number in body
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert client.get(f"/orders/{order.pk}/acknowledgements/7/").status_code == 404


# --- the portal ---------------------------------------------------------------------------


def test_portal_users_see_their_acks_but_change_nothing(world, clerk):
    mine = place(world, clerk, [(world.items[0].sku, "4")], po="PO-MINE")
    other = CustomerFactory(price_list=world.customer.price_list)
    AddressFactory(customer=other, code="OTHER", is_default=True)
    theirs = place(world, clerk, [(world.items[0].sku, "1")], po="PO-THEIRS", customer=other)
    _, change = _pending(world, clerk)
    portal = client_for(UserFactory(role=Role.PORTAL, customer=world.customer))
    page = portal.get(f"/orders/{mine.pk}/").content.decode()
    assert f'href="/orders/{mine.pk}/acknowledgements/1/"' in page
    for hidden in ('id="change-form"', "data-line-action=", 'id="h-pending"', 'id="h-changes"'):
        assert hidden not in page
    assert portal.get(f"/orders/{mine.pk}/acknowledgements/1/").status_code == 200
    assert portal.get(f"/orders/{theirs.pk}/acknowledgements/1/").status_code == 404

    before = snapshot(mine)
    post = change_post(mine, {1: {"quantity": "5"}})
    assert portal.post(f"/orders/{mine.pk}/change/", post).status_code == 403
    assert portal.post(f"/orders/{mine.pk}/cancel-order/", {"reason": "no"}).status_code == 403
    action = {"line_no": "1", "action": "decommit", "reason": "not needed"}
    assert portal.post(f"/orders/{mine.pk}/lines/action/", action).status_code == 403
    decide = f"/orders/{change.order_id}/changes/{change.pk}/approve/"
    assert portal.post(decide, {"reason": "yes please"}).status_code == 403
    assert snapshot(mine) == before
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING


def test_the_approval_queue_is_the_coordinators(world, clerk, coordinator):
    _pending(world, clerk)
    assert 'href="?queue=changes"' not in client_for(clerk).get("/orders/").content.decode()
    assert 'href="?queue=changes"' in client_for(coordinator).get("/orders/").content.decode()
    # A clerk asking for the queue gets all orders, as for any queue they do not have.
    body = client_for(clerk).get("/orders/", {"queue": "changes"}).content.decode()
    assert "No orders yet." not in body


# --- queries ------------------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_order_page_with_changes_reads_as_many_queries_for_200_lines_as_for_5():
    world = build_world(on_hand=1000)
    clerk = UserFactory(role=Role.ORDER_CLERK)
    coordinator = UserFactory(role=Role.DESK_COORDINATOR)
    skus = [i.sku for i in world.items]
    orders = []
    for n, po in [(5, "PO-SMALL"), (200, "PO-BIG")]:
        order = place(world, clerk, [(skus[i % len(skus)], "1") for i in range(n)], po=po)
        client_for(clerk).post(
            f"/orders/{order.pk}/change/", change_post(order, {2: {"quantity": "2"}})
        )
        order.refresh_from_db()
        client_for(clerk).post(
            f"/orders/{order.pk}/change/", change_post(order, {1: {"quantity": "150"}})
        )
        assert order.revision == 2
        assert OrderChange.objects.filter(order=order, status=ChangeStatus.PENDING).count() == 1
        orders.append(order)
    small, big = orders
    client = client_for(coordinator)
    client.get(f"/orders/{small.pk}/")  # warm the session
    n_small = _queries(client, f"/orders/{small.pk}/")
    n_big = _queries(client, f"/orders/{big.pk}/")
    assert n_small == n_big
    assert n_small <= 18
    page = client.get(f"/orders/{big.pk}/").content.decode()
    # the lines, the blank new line and the new line's template
    assert page.count('data-cell="quantity"') == 200 + 1 + 1
    assert re.search(r'id="h-pending"', page) and "data-line-action=" in page


def test_acks_and_changes_in_the_page_need_no_query_each(world, clerk):
    """Every revision and change shown comes from the order's one read."""
    order = place(world, clerk, [(world.items[0].sku, "1")])
    client = client_for(clerk)
    for qty in ("2", "3", "4"):
        order.refresh_from_db()
        client.post(f"/orders/{order.pk}/change/", change_post(order, {1: {"quantity": qty}}))
    assert Acknowledgement.objects.filter(order=order).count() == 4
    before = _queries(client, f"/orders/{order.pk}/")
    order.refresh_from_db()
    client.post(f"/orders/{order.pk}/change/", change_post(order, {1: {"quantity": "5"}}))
    assert _queries(client, f"/orders/{order.pk}/") == before


def test_event_summary_reads_stored_quantities_as_numbers():
    after = {"value_delta": "5238.00000000", "total": "960.00", "lines": [1, 2], "note": ""}
    assert event_summary(after) == "value_delta: 5,238, total: 960.00, lines: 2"

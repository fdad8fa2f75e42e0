"""The order desk pages: desk, order entry, exception screen, order page, upload.

Each page renders for the clerk; a portal user sees and enters only their own customer's
orders; the order page reads the same number of queries for 5 lines as for 200.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orderdesk.core.roles import Role
from orderdesk.orders.drafts import LineDraft, OrderDraft
from orderdesk.orders.errors import OrderError, OrderErrorCode
from orderdesk.orders.forms import entry_draft, entry_forms, entry_show_error
from orderdesk.orders.intake import order_intake
from orderdesk.orders.models import OrderFinding, SalesOrder
from orderdesk.orders.states import FindingStatus, OrderStatus

from ..factories import AddressFactory, CustomerFactory, UserFactory
from .world import World, build_world

pytestmark = pytest.mark.django_db

HX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def clerk() -> Any:
    return UserFactory(role=Role.ORDER_CLERK, first_name="Ana", last_name="Reyes")


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def place(
    world: World,
    user: Any,
    lines: list[tuple[str, str] | tuple[str, str, str]] | None = None,
    *,
    po: str = "PO-1",
    customer: Any = None,
) -> SalesOrder:
    skus = [i.sku for i in world.items]
    lines = lines or [(s, "2") for s in skus]
    draft = OrderDraft(
        customer=(customer or world.customer).account_number,
        customer_po=po,
        ship_method=world.ship_method.code,
        incoterm="FCA",
        freight_payment="prepaid",
        lines=[
            LineDraft(
                sku=ln[0],
                quantity=Decimal(ln[1]),
                customer_price=Decimal(ln[2]) if len(ln) > 2 else None,
            )
            for ln in lines
        ],
    )
    return order_intake(actor=user, channel="desk", draft=draft).order


def price_held(world: World, user: Any, po: str = "PO-HELD") -> SalesOrder:
    order = place(world, user, [(world.items[0].sku, "2", "4.00")], po=po)
    assert order.status == OrderStatus.HELD
    return order


def entry_post(world: World, lines: list[dict[str, str]], **header: str) -> dict[str, str]:
    data = {
        "customer": world.customer.account_number,
        "customer_q": "",
        "ship_to": world.ship_to.code,
        "customer_po": "PO-DESK-1",
        "ship_method": world.ship_method.code,
        "incoterm": "FCA",
        "freight_payment": "prepaid",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "5000",
    }
    for n, line in enumerate(lines):
        for key, value in line.items():
            data[f"lines-{n}-{key}"] = value
    data.update(header)
    return data


# --- the desk -----------------------------------------------------------------------------


def test_desk_renders_queues_with_counts_and_the_orders(world, clerk):
    accepted = place(world, clerk)
    held = price_held(world, clerk)
    body = client_for(clerk).get("/orders/").content.decode()
    assert "<h1>Order desk</h1>" in body
    assert accepted.number in body and held.number in body
    assert 'href="?queue=held-price"' in body
    # the price queue's card counts the held order
    price_card = body[body.index('href="?queue=held-price"') :][:300]
    assert '<span class="queue__count">1</span>' in price_card
    assert f'href="/orders/{held.pk}/exception/" data-result>{held.number}</a>' in body
    assert f'href="/orders/{accepted.pk}/" data-result>{accepted.number}</a>' in body


def test_desk_queue_shows_only_its_orders_and_search_narrows(world, clerk):
    accepted = place(world, clerk)
    held = price_held(world, clerk)
    client = client_for(clerk)
    body = client.get("/orders/", {"queue": "held-price"}).content.decode()
    assert held.number in body and accepted.number not in body
    assert 'aria-current="page"' in body[body.index('href="?queue=held-price"') - 200 :][:400]
    partial = client.get("/orders/", {"q": "PO-HELD"}, **HX)
    text = partial.content.decode()
    assert "<html" not in text
    assert held.number in text and accepted.number not in text
    assert "1 order matches “PO-HELD”" in text
    assert "HX-Request" in partial["Vary"]


def test_desk_marks_a_hold_past_its_sla(world, clerk, settings):
    settings.ORDERDESK_HOLD_SLA_HOURS = 4
    late = price_held(world, clerk, po="PO-LATE")
    fresh = price_held(world, clerk, po="PO-FRESH")
    SalesOrder.objects.filter(pk=late.pk).update(held_at=timezone.now() - dt.timedelta(hours=5))
    SalesOrder.objects.filter(pk=fresh.pk).update(held_at=timezone.now() - dt.timedelta(minutes=30))
    body = client_for(clerk).get("/orders/", {"queue": "held"}).content.decode()
    late_row = body[body.index(late.number) - 400 :][:2000]
    assert 'class="row--overdue"' in late_row[:450]
    assert "overdue 1h 00m" in late_row or "overdue 59m" in late_row
    fresh_row = body[body.index(fresh.number) - 400 :][:2000]
    assert "row--overdue" not in fresh_row[:450]
    assert "3h 30m left" in fresh_row or "3h 29m left" in fresh_row


def test_desk_is_refused_to_a_role_without_orders(world):
    response = client_for(UserFactory(role=Role.TECHNICIAN)).get("/orders/")
    assert response.status_code == 403


def test_desk_sends_anonymous_users_to_log_in():
    response = Client().get("/orders/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# --- order entry ------------------------------------------------------------------------


def test_entry_page_renders_an_empty_grid(clerk, world):
    body = client_for(clerk).get("/orders/new/").content.decode()
    assert "<h1>New order</h1>" in body
    assert body.count('data-cell="sku"') == 5 + 1  # five rows and the row template
    assert 'name="lines-TOTAL_FORMS" value="5"' in body
    assert world.ship_method.name in body
    assert "web/orders.js" in body and "web/orders.css" in body


def test_customer_suggestions_and_pick_fill_the_ship_to(clerk, world):
    AddressFactory(customer=world.customer, code="ANNEX", name="Annex", is_default=False)
    client = client_for(clerk)
    body = client.get(
        "/orders/new/customers/", {"customer_q": world.customer.name[:5]}, **HX
    ).content.decode()
    assert f'data-account="{world.customer.account_number}"' in body
    picked = client.get(
        "/orders/new/customer/", {"customer": world.customer.account_number}, **HX
    ).content.decode()
    assert f'<option value="{world.ship_to.code}" selected>' in picked
    assert '<option value="ANNEX">' in picked
    assert 'id="customer-info"' in picked and 'hx-swap-oob="true"' in picked
    none = client.get("/orders/new/customers/", {"customer_q": "zzzz-nobody"}, **HX)
    assert "No customer matches “zzzz-nobody”" in none.content.decode()


def test_sku_lookup_shows_description_our_price_and_available(clerk, world):
    item = world.items[0]
    body = (
        client_for(clerk)
        .get(
            "/orders/new/sku/",
            {
                "lines-3-sku": item.sku.lower(),
                "lines-3-quantity": "4",
                "lines-3-customer_price": "5.00",
                "customer": world.customer.account_number,
            },
            **HX,
        )
        .content.decode()
    )
    assert item.description in body
    assert "Our price <strong data-our-price>10.00</strong> USD/" in body
    assert "Available <strong>100</strong>" in body
    assert "PO -50.0%" in body
    unknown = client_for(clerk).get("/orders/new/sku/", {"lines-0-sku": "NOPE-404"}, **HX)
    assert "No item with this SKU." in unknown.content.decode()


def test_entry_submit_makes_the_order_and_opens_its_page(clerk, world):
    lines = [{"sku": i.sku, "quantity": "3"} for i in world.items[:2]]
    lines.append({"sku": "", "quantity": ""})  # a blank row is left out
    response = client_for(clerk).post("/orders/new/", entry_post(world, lines))
    order = SalesOrder.objects.get(customer_po="PO-DESK-1")
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.pk}/"
    assert order.channel == "desk"
    assert order.lines.count() == 2
    assert order.status == OrderStatus.ALLOCATED


def test_entry_submit_with_a_price_off_lands_on_the_exception_screen(clerk, world):
    lines = [{"sku": world.items[0].sku, "quantity": "3", "customer_price": "4.00"}]
    response = client_for(clerk).post("/orders/new/", entry_post(world, lines))
    order = SalesOrder.objects.get(customer_po="PO-DESK-1")
    assert order.status == OrderStatus.HELD
    assert response["Location"] == f"/orders/{order.pk}/exception/"


def test_entry_form_errors_stay_on_their_line_and_nothing_is_made(clerk, world):
    lines = [
        {"sku": world.items[0].sku, "quantity": "3"},
        {"sku": world.items[1].sku, "quantity": "many"},
        {"sku": "", "quantity": "2"},
    ]
    response = client_for(clerk).post("/orders/new/", entry_post(world, lines))
    body = response.content.decode()
    assert response.status_code == 200
    assert SalesOrder.objects.count() == 0
    assert "Some lines need a correction" in body
    assert "Quantity: Enter a number." in body
    assert "Sku: Enter the SKU, or clear the quantity." in body
    # what the clerk typed is still there
    assert f'value="{world.items[1].sku}"' in body and 'value="many"' in body


def test_entry_without_lines_says_so(clerk, world):
    response = client_for(clerk).post("/orders/new/", entry_post(world, [{"sku": ""}]))
    assert "The order has no lines" in response.content.decode()
    assert SalesOrder.objects.count() == 0


def test_intake_error_on_a_header_field_is_shown_next_to_it(clerk, world):
    lines = [{"sku": world.items[0].sku, "quantity": "1"}]
    post = entry_post(world, lines, ship_to="NOWHERE")
    body = client_for(clerk).post("/orders/new/", post).content.decode()
    assert SalesOrder.objects.count() == 0
    select = body[body.index('id="id_ship_to"') :][:1500]
    assert 'aria-invalid="true"' in select[:120]
    assert "has no ship-to NOWHERE" in select


def test_intake_line_error_lands_on_the_row_it_names_past_blank_rows(world):
    data = entry_post(
        world,
        [
            {"sku": "A", "quantity": "1"},
            {"sku": "", "quantity": ""},
            {"sku": "B", "quantity": "2"},
        ],
    )
    entry = entry_forms(data)
    assert entry.is_valid()
    draft = entry_draft(entry)
    assert [ln.sku for ln in draft.lines] == ["A", "B"]
    exc = OrderError(
        OrderErrorCode.QUANTITY_INVALID,
        "lines[2].quantity: 2 is too much",
        field="lines[2].quantity",
        fix="order less",
    )
    entry_show_error(entry, exc)
    assert entry.lines.forms[2].errors["quantity"] == ["2 is too much — order less"]
    assert not entry.lines.forms[0].errors and not entry.lines.forms[1].errors


# --- the exception screen ---------------------------------------------------------------


def test_exception_screen_offers_fix_and_override_for_the_price_hold(clerk, world):
    order = price_held(world, clerk)
    finding = order.findings.get(code="price_mismatch")
    body = client_for(clerk).get(f"/orders/{order.pk}/exception/").content.decode()
    assert finding.message in body
    assert f'action="/orders/{order.pk}/findings/{finding.pk}/fix/"' in body
    assert f'action="/orders/{order.pk}/findings/{finding.pk}/override/"' in body
    assert "Reason to override" in body
    assert f'action="/orders/{order.pk}/release/"' in body
    assert f'action="/orders/{order.pk}/cancel/"' in body


def test_override_without_reason_is_refused_and_changes_nothing(clerk, world):
    order = price_held(world, clerk)
    finding = order.findings.get(code="price_mismatch")
    response = client_for(clerk).post(
        f"/orders/{order.pk}/findings/{finding.pk}/override/", {"reason": " "}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Say why: a few words the next person will understand." in body
    finding.refresh_from_db()
    order.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and order.status == OrderStatus.HELD


def test_override_with_reason_accepts_the_order_and_says_so(clerk, world):
    order = price_held(world, clerk)
    finding = order.findings.get(code="price_mismatch")
    client = client_for(clerk)
    response = client.post(
        f"/orders/{order.pk}/findings/{finding.pk}/override/",
        {"reason": "customer confirmed by phone"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.pk}/exception/"
    order.refresh_from_db()
    assert order.status == OrderStatus.ALLOCATED and order.revision == 1
    body = client.get(response["Location"]).content.decode()
    assert "Hold overridden: order " in body and "is now allocated" in body
    assert f'<a class="btn btn--primary" href="/orders/{order.pk}/">Open the order page</a>' in body
    assert "customer confirmed by phone" in body  # closed finding with why


def test_apply_fix_takes_our_price(clerk, world):
    order = price_held(world, clerk)
    finding = order.findings.get(code="price_mismatch")
    client_for(clerk).post(f"/orders/{order.pk}/findings/{finding.pk}/fix/")
    order.refresh_from_db()
    assert order.status == OrderStatus.ALLOCATED
    assert order.lines.get().customer_price is None


def test_a_role_without_override_sees_no_override_form(world, clerk):
    order = price_held(world, clerk)
    billing = UserFactory(role=Role.SERVICE_CLERK)
    body = client_for(billing).get(f"/orders/{order.pk}/exception/").content.decode()
    assert "Reason to override" not in body
    assert "Your role may not override a price hold." in body


def test_cancel_needs_a_reason_then_cancels(clerk, world):
    order = price_held(world, clerk)
    client = client_for(clerk)
    refused = client.post(f"/orders/{order.pk}/cancel/", {"reason": ""})
    assert "Say why" in refused.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.HELD
    client.post(f"/orders/{order.pk}/cancel/", {"reason": "customer withdrew the PO"})
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


# --- the order page ---------------------------------------------------------------------


def test_order_page_shows_lines_allocations_totals_acks_and_timeline(clerk, world):
    order = place(world, clerk)
    body = client_for(clerk).get(f"/orders/{order.pk}/").content.decode()
    assert f'Order <span class="mono">{order.number}</span>' in body
    assert '<span class="badge badge--allocated">Allocated</span>' in body
    for item in world.items:
        assert item.sku in body
    assert f'<span class="mono">{world.warehouse.code}</span> 2' in body  # allocation
    assert f'href="/orders/{order.pk}/acknowledgements/1/pdf/"' in body
    assert "order.received" in body and "order.allocated" in body
    assert "How priced" in body


def _order_with_lines(world: World, user: Any, n: int, po: str) -> SalesOrder:
    skus = [i.sku for i in world.items]
    return place(world, user, [(skus[i % len(skus)], "1") for i in range(n)], po=po)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_order_page_reads_as_many_queries_for_200_lines_as_for_5():
    world = build_world(on_hand=1000)
    clerk = UserFactory(role=Role.ORDER_CLERK)
    small = _order_with_lines(world, clerk, 5, "PO-SMALL")
    big = _order_with_lines(world, clerk, 200, "PO-BIG")
    assert big.lines.count() == 200
    client = client_for(clerk)
    client.get(f"/orders/{small.pk}/")  # warm the session
    n_small = _queries(client, f"/orders/{small.pk}/")
    n_big = _queries(client, f"/orders/{big.pk}/")
    assert n_small == n_big
    assert n_small <= 18  # 14 + shipments, invoices, credit memos, returns


def test_order_page_shows_200_lines_then_all_on_request(clerk):
    world = build_world(on_hand=1000)
    big = _order_with_lines(world, clerk, 205, "PO-205")
    client = client_for(clerk)
    first = client.get(f"/orders/{big.pk}/").content.decode()
    assert first.count('<tr id="line-') == 200
    assert "Show all 205 lines" in first
    everything = client.get(f"/orders/{big.pk}/", {"lines": "all"}).content.decode()
    assert everything.count('<tr id="line-') == 205


def test_acknowledgement_pdf(clerk, world):
    pytest.importorskip("weasyprint")
    order = place(world, clerk)
    response = client_for(clerk).get(f"/orders/{order.pk}/acknowledgements/1/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


# --- the portal --------------------------------------------------------------------------


def test_portal_user_sees_only_their_own_orders(world, clerk):
    mine = place(world, clerk, po="PO-MINE")
    other_customer = CustomerFactory(price_list=world.customer.price_list)
    AddressFactory(customer=other_customer, code="OTHER", is_default=True)
    theirs = place(world, clerk, po="PO-THEIRS", customer=other_customer)
    portal = UserFactory(role=Role.PORTAL, customer=world.customer)
    client = client_for(portal)
    body = client.get("/orders/").content.decode()
    assert "<h1>My orders</h1>" in body
    assert mine.number in body and theirs.number not in body
    assert 'class="queues"' not in body
    own_page = client.get(f"/orders/{mine.pk}/").content.decode()
    assert mine.number in own_page and 'href="/orders/' in own_page
    assert "Timeline" not in own_page  # the desk's record of who did what stays internal
    assert client.get(f"/orders/{theirs.pk}/").status_code == 404
    assert client.get(f"/orders/{theirs.pk}/acknowledgements/1/pdf/").status_code == 404
    assert client.get(f"/orders/{mine.pk}/exception/").status_code == 403
    assert client.get("/orders/new/customers/", {"customer_q": "a"}).status_code == 403


def test_portal_user_orders_for_their_own_account_only(world):
    other = CustomerFactory()
    portal = UserFactory(role=Role.PORTAL, customer=world.customer)
    client = client_for(portal)
    page = client.get("/orders/new/").content.decode()
    assert f'name="customer" id="id_customer" value="{world.customer.account_number}"' in page
    assert 'name="customer_q"' not in page
    data = entry_post(world, [{"sku": world.items[0].sku, "quantity": "1"}])
    data["customer"] = str(other.account_number)  # a forged field changes nothing
    response = client.post("/orders/new/", data)
    order = SalesOrder.objects.get()
    assert order.customer == world.customer and order.channel == "portal"
    assert response["Location"] == f"/orders/{order.pk}/"


# --- upload -------------------------------------------------------------------------------


def _csv(world: World, rows: list[tuple[str, str]]) -> bytes:
    lines = ["customer,customer_po,sku,quantity"]
    lines += [f"{world.customer.account_number},PO-FILE,{sku},{q}" for sku, q in rows]
    return ("\n".join(lines) + "\n").encode()


def test_upload_previews_then_imports(clerk, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(clerk)
    assert "Upload an order file" in client.get("/orders/upload/").content.decode()
    data = _csv(world, [(world.items[0].sku, "2"), (world.items[1].sku, "3")])
    preview = client.post(
        "/orders/upload/", {"file": SimpleUploadedFile("po.csv", data, "text/csv")}
    )
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "Ready" in body and "Import 1 order" in body
    assert SalesOrder.objects.count() == 0
    [action] = re.findall(r'action="(/orders/upload/\d+/import/)"', body)
    imported = client.post(action).content.decode()
    order = SalesOrder.objects.get(customer_po="PO-FILE")
    assert order.channel == "file" and order.lines.count() == 2
    assert order.number in imported


def test_upload_shows_bad_rows_with_their_fix(clerk, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = _csv(world, [(world.items[0].sku, "two")])
    body = (
        client_for(clerk)
        .post("/orders/upload/", {"file": SimpleUploadedFile("po.csv", data, "text/csv")})
        .content.decode()
    )
    assert "Bad rows" in body and "Row 2" in body
    assert "Import" not in body.split("Preview ·")[1].split("</table>")[1]
    assert OrderFinding.objects.count() == 0

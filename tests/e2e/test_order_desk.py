"""The order desk acceptance walk, in a real browser.

A clerk logs in, enters a five-line order with the keyboard only (one line carries a PO
price far from ours), submits with Ctrl+Enter, lands on the price hold, overrides it with a
reason, and the order is allocated and acknowledged (revision 1). Screenshots of every page
go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from orderdesk.core.roles import Role
from orderdesk.inventory.models import MovementKind, StockLevel, StockMovement
from orderdesk.orders.models import SalesOrder
from orderdesk.orders.states import OrderStatus
from orderdesk.parties.models import AddressKind, Carrier, ShipMethod

from ..factories import (
    AddressFactory,
    ContactFactory,
    CustomerFactory,
    ItemFactory,
    PaymentTermsFactory,
    PriceListEntryFactory,
    PriceListFactory,
    UnitFactory,
    UserFactory,
    WarehouseFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"

ITEMS = [
    ("CT-3P-40A", "Contactor 3-pole 40A 24V coil", "48.50", 120),
    ("MTR-CF-1/3HP", "Condenser fan motor 1/3 HP 208-230V", "189.00", 42),
    ("CAP-45-5-440", "Run capacitor 45/5 µF 440V round", "14.20", 300),
    ("TSTAT-PRO-7", "Programmable thermostat, 7-day", "96.00", 25),
    ("FLT-20X25X1", "Pleated air filter 20x25x1 MERV 8", "6.75", 800),
]


def _desk() -> dict[str, Any]:
    terms = PaymentTermsFactory(code="NET30", description="Net 30 days")
    price_list = PriceListFactory(code="LIST", name="List prices")
    northwind = CustomerFactory(
        account_number="C10458",
        name="Northwind Mechanical Services",
        payment_terms=terms,
        price_list=price_list,
        credit_limit=Decimal("120000"),
        delivery_instructions="Receiving hours 7:00-15:00, dock 2",
    )
    CustomerFactory(account_number="C20001", name="Northgate Plumbing", price_list=price_list)
    AddressFactory(
        customer=northwind,
        kind=AddressKind.BILL_TO,
        code="AP",
        name="Northwind Mechanical – Accounts Payable",
        line1="250 Marquette Ave",
        city="Minneapolis",
        region="MN",
        postal_code="55401",
        is_default=True,
    )
    AddressFactory(
        customer=northwind,
        code="NW-STP",
        name="Northwind Saint Paul",
        line1="1200 University Ave W",
        city="Saint Paul",
        region="MN",
        postal_code="55104",
        is_default=True,
    )
    AddressFactory(
        customer=northwind,
        code="NW-DUL",
        name="Northwind Duluth",
        line1="301 W Superior St",
        city="Duluth",
        region="MN",
        postal_code="55802",
    )
    ContactFactory(customer=northwind, name="Maria Lindqvist", email="maria@northwind.example")
    carrier = Carrier.objects.create(scac="UPSN", name="UPS")
    ShipMethod.objects.create(code="UPS-GND", carrier=carrier, name="UPS Ground", transit_days=3)
    ShipMethod.objects.create(code="UPS-2DA", carrier=carrier, name="UPS 2nd Day", transit_days=2)
    ea = UnitFactory(code="EA", name="Each")
    msp: Any = WarehouseFactory(code="MSP", name="Minneapolis DC", timezone="America/Chicago")
    items = []
    for sku, description, price, on_hand in ITEMS:
        item: Any = ItemFactory(sku=sku, description=description, base_uom=ea, lead_time_days=3)
        PriceListEntryFactory(price_list=price_list, item=item, unit_price=Decimal(price))
        StockLevel.objects.create(item=item, warehouse=msp, on_hand=Decimal(on_hand))
        StockMovement.objects.create(
            at=dt.datetime(2026, 1, 5, 14, 0, tzinfo=dt.UTC),
            item=item,
            warehouse=msp,
            quantity=Decimal(on_hand),
            kind=MovementKind.RECEIPT,
        )
        items.append(item)
    UserFactory(
        username="ana",
        first_name="Ana",
        last_name="Reyes",
        role=Role.ORDER_CLERK,
        timezone="America/Chicago",
    )
    return {"northwind": northwind, "items": items}


def _log_in(page: Any, base: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("User name").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(f"{base}/")


def _active(page: Any) -> str:
    return str(page.evaluate("document.activeElement.id || document.activeElement.name"))


def _wait_focus(page: Any, element_id: str) -> None:
    page.wait_for_function(
        f"document.activeElement && document.activeElement.id === '{element_id}'"
    )


def test_clerk_enters_an_order_by_keyboard_overrides_the_price_hold(live_server, page, shot):
    _desk()
    base = live_server.url
    _log_in(page, base)

    page.goto(f"{base}/orders/")
    assert page.get_by_role("heading", level=1).inner_text() == "Order desk"
    shot(page, "10-desk-empty")

    # N opens order entry.
    page.keyboard.press("n")
    page.wait_for_url(f"{base}/orders/new/")
    assert _active(page) == "id_customer_q"

    # Customer: type part of the name, Enter picks the first match, the ship-to is filled.
    page.keyboard.type("northw", delay=40)
    page.locator("#customer-suggestions [data-account='C10458']").wait_for()
    page.keyboard.press("Enter")
    _wait_focus(page, "id_ship_to")
    assert page.locator("#id_customer").input_value() == "C10458"
    assert page.locator("#id_ship_to").input_value() == "NW-STP"  # the default, pre-selected
    assert "Receiving hours 7:00-15:00" in page.locator("#customer-info").inner_text()

    # Header by keyboard: Enter moves on, typing picks an option in a select.
    page.keyboard.press("Enter")
    _wait_focus(page, "id_customer_po")
    page.keyboard.type("PO-7781")
    page.keyboard.press("Enter")  # → requested date, left blank
    page.keyboard.press("Enter")  # → ship method
    assert _active(page) == "id_ship_method"
    page.keyboard.type("UPS G")
    page.keyboard.press("Enter")  # → Incoterm
    page.keyboard.type("FCA")
    page.keyboard.press("Enter")  # → Incoterm place
    page.keyboard.type("Minneapolis, MN")
    page.keyboard.press("Enter")  # → FOB point
    page.keyboard.press("Enter")  # → freight payment
    page.keyboard.type("Prepaid")
    for _ in range(4):  # → shipping, rush, notes, first SKU
        page.keyboard.press("Enter")
    assert _active(page) == "id_lines-0-sku"
    assert page.locator("#id_ship_method").input_value() == "UPS-GND"
    assert page.locator("#id_incoterm").input_value() == "FCA"
    assert page.locator("#id_freight_payment").input_value() == "prepaid"

    # Five lines: SKU, quantity, unit, PO price, date; Enter on the last cell goes on.
    quantities = ["12", "2", "40", "3", "96"]
    for n, (sku, *_rest) in enumerate(ITEMS):
        assert _active(page) == f"id_lines-{n}-sku"
        page.keyboard.type(sku, delay=10)
        page.keyboard.press("Enter")
        page.keyboard.type(quantities[n])
        page.keyboard.press("Enter")  # → unit (base unit)
        page.keyboard.press("Enter")  # → PO price
        if n == 2:
            page.keyboard.type("9.00")  # ours is 14.20: far off
        page.keyboard.press("Enter")  # → requested date
        page.keyboard.press("Enter")  # → next line (the sixth is added at the end)
    assert _active(page) == "id_lines-5-sku"
    assert page.locator("#lines-body tr[data-row]").count() == 6
    page.wait_for_function("document.querySelectorAll('#lines-body .sku-info__desc').length === 5")
    row3 = page.locator("#lines-body tr[data-row]").nth(2)
    row3.locator(".sku-info__diff").wait_for()
    assert "Our price 14.20 USD/EA" in row3.inner_text()
    assert "PO -36.6%" in row3.inner_text()
    assert "Available 300 EA" in row3.inner_text()
    shot(page, "11-order-entry")

    # Ctrl+Enter submits; the price hold lands on the exception screen.
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r"/orders/\d+/exception/$"))
    order = SalesOrder.objects.get(customer_po="PO-7781")
    assert order.status == OrderStatus.HELD and order.channel == "desk"
    assert order.lines.count() == 5
    assert "is on hold" in page.get_by_role("heading", level=1).inner_text()
    finding = page.locator(".finding").filter(has_text="price_mismatch")
    assert "Line 3" in finding.inner_text()
    assert finding.get_by_role("button", name="Apply fix").is_visible()
    shot(page, "12-exception-price-hold")

    # Override with a reason.
    reason = finding.get_by_label("Reason to override")
    reason.fill("Customer has a written quote at 9.00 (Q-2291)")
    reason.press("Enter")
    page.wait_for_url(f"{base}/orders/{order.pk}/exception/")
    result = page.locator("#result")
    assert "is allocated" in result.inner_text() or "is backordered" in result.inner_text()
    assert "acknowledged (revision 1)" in result.inner_text()
    shot(page, "13-exception-resolved")

    result.get_by_role("link", name="Open the order page").click()
    page.wait_for_url(f"{base}/orders/{order.pk}/")
    order.refresh_from_db()
    assert order.status in (OrderStatus.ALLOCATED, OrderStatus.BACKORDERED)
    head = page.locator(".pagehead")
    assert order.get_status_display() in head.inner_text()
    acks = page.get_by_role("region", name=re.compile("^Acknowledgements"))
    assert "Revision 1" in acks.inner_text()
    assert acks.get_by_role("link", name="PDF").get_attribute("href") == (
        f"/orders/{order.pk}/acknowledgements/1/pdf/"
    )
    findings = page.get_by_role("region", name=re.compile("^Findings"))
    assert "Customer has a written quote at 9.00 (Q-2291)" in findings.inner_text()
    assert "Ana Reyes" in findings.inner_text()
    lines = page.get_by_role("region", name=re.compile("^Lines"))
    assert lines.locator("tbody tr").count() == 5
    shot(page, "14-order-page")

    # Back on the desk the order shows in the list, and nothing is left on hold.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Desk").click()
    page.wait_for_url(f"{base}/orders/")
    assert order.number in page.locator("#results").inner_text()
    shot(page, "15-desk-after")


def test_desk_queues_and_sla_on_held_orders(live_server, page, shot):
    """Two price holds, one past its SLA: the queue card counts them, the late one is red."""
    from orderdesk.orders.drafts import LineDraft, OrderDraft
    from orderdesk.orders.intake import order_intake

    data = _desk()
    clerk = UserFactory(username="ana")
    for po, price in [("PO-A1", "30.00"), ("PO-A2", "31.00")]:
        draft = OrderDraft(
            customer="C10458",
            customer_po=po,
            incoterm="FCA",
            freight_payment="prepaid",
            lines=[
                LineDraft(
                    sku=data["items"][0].sku, quantity=Decimal(2), customer_price=Decimal(price)
                )
            ],
        )
        order_intake(actor=clerk, channel="desk", draft=draft)
    from django.utils import timezone

    SalesOrder.objects.filter(customer_po="PO-A1").update(
        held_at=timezone.now() - dt.timedelta(hours=6)
    )
    _log_in(page, live_server.url)
    page.goto(f"{live_server.url}/orders/?queue=held-price")
    card = page.locator("a.queue[aria-current='page']")
    assert card.locator(".queue__count").inner_text() == "2"
    late = page.locator("#results tr", has_text="PO-A1")
    assert "overdue" in late.inner_text()
    assert "row--overdue" in (late.get_attribute("class") or "")
    shot(page, "16-desk-held-price")
    page.keyboard.press("/")
    page.keyboard.type("PO-A2")
    page.wait_for_function("document.querySelectorAll('#results a[data-result]').length === 1")
    page.goto(f"{live_server.url}/orders/upload/")
    shot(page, "17-upload")


def test_entry_errors_stay_on_their_line_and_upload_previews(live_server, page, shot):
    _desk()
    base = live_server.url
    _log_in(page, base)
    page.goto(f"{base}/orders/new/")
    page.keyboard.type("C10458", delay=20)
    page.locator("#customer-suggestions [data-account='C10458']").wait_for()
    page.keyboard.press("Enter")
    _wait_focus(page, "id_ship_to")
    page.locator("#id_lines-0-sku").fill(ITEMS[0][0])
    page.locator("#id_lines-0-quantity").fill("5")
    page.locator("#id_lines-1-sku").fill(ITEMS[1][0])
    page.locator("#id_lines-1-quantity").fill("two")
    page.locator("#id_lines-1-quantity").press("Control+Enter")
    page.locator("#entry-errors").wait_for()
    row = page.locator("#lines-body tr[data-row]").nth(1)
    assert "Quantity: Enter a number." in row.inner_text()
    assert row.locator("[aria-invalid='true']").get_attribute("data-cell") == "quantity"
    assert _active(page) == "id_lines-1-quantity"  # the first field to correct
    page.wait_for_function("document.querySelectorAll('#lines-body .sku-info__desc').length === 2")
    assert SalesOrder.objects.count() == 0
    shot(page, "18-order-entry-errors")

    csv = "\n".join(
        [
            "customer,customer_po,sku,quantity,customer_price",
            f"C10458,PO-F1,{ITEMS[0][0]},10,",
            f"C10458,PO-F1,{ITEMS[3][0]},2,",
            f"C10458,PO-F2,{ITEMS[2][0]},lots,",
            f"C10458,PO-F2,{ITEMS[4][0]},24,",
        ]
    )
    page.goto(f"{base}/orders/upload/")
    page.get_by_label("Order file (.csv, .xlsx)").set_input_files(
        files=[{"name": "northwind-po.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Import 1 order").wait_for()
    assert "Row 4" in page.locator("table").inner_text()
    shot(page, "19-upload-preview")
    page.get_by_role("button", name="Import 1 order").click()
    page.get_by_role("heading", name=re.compile("^Imported")).wait_for()
    assert SalesOrder.objects.filter(customer_po="PO-F1").count() == 1
    assert not SalesOrder.objects.filter(customer_po="PO-F2").exists()
    assert "1 not taken in" in page.locator("#main").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Download the rows not taken in")).click()
    assert download.value.suggested_filename == "northwind-po.errors.csv"
    shot(page, "20-upload-imported")

"""The acceptance walk: log in, find a customer by typing part of its name, open it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from orderdesk.catalog.models import KitComponent, Tracking, UnitConversion
from orderdesk.core.roles import Role
from orderdesk.inventory.models import Lot, MovementKind, StockLevel, StockMovement
from orderdesk.parties.models import AddressKind, CustomerStatus

from ..factories import (
    AddressFactory,
    ContactFactory,
    ContractPriceFactory,
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
OTHER_NAMES = [
    "Aldridge Plumbing Supply",
    "Bayside HVAC Contractors",
    "Cedar Ridge Electric",
    "Delta Refrigeration Co",
    "Evergreen Facility Services",
    "Foxhall Mechanical",
    "Granite State Heating",
    "Harbor Point Electrical",
]


def _desk() -> dict:
    """A small but realistic desk: customers in several states, one we will look for."""
    terms = PaymentTermsFactory(code="NET30", description="Net 30 days")
    price_list = PriceListFactory(code="LIST", name="List prices")
    for n, name in enumerate(OTHER_NAMES):
        c = CustomerFactory(
            account_number=f"C2{n:04d}",
            name=name,
            payment_terms=terms,
            status=CustomerStatus.ON_HOLD if n == 3 else CustomerStatus.ACTIVE,
            credit_limit=Decimal(25000 + 5000 * n),
        )
        AddressFactory(customer=c, kind=AddressKind.BILL_TO, code="BILL", city="Milwaukee")
    northwind = CustomerFactory(
        account_number="C10458",
        name="Northwind Mechanical Services",
        payment_terms=terms,
        credit_limit=Decimal("120000"),
        tax_id="41-9876543",
        service_tier="gold",
        phone="+1 651 555 0142",
        delivery_instructions="Receiving hours 7:00-15:00, dock 2",
    )
    AddressFactory(
        customer=northwind,
        kind=AddressKind.BILL_TO,
        code="AP",
        name="Northwind Mechanical – Accounts Payable",
        line1="250 Marquette Ave",
        line2="Suite 900",
        city="Minneapolis",
        region="MN",
        postal_code="55401",
        is_default=True,
    )
    for code, line1, city, postal in [
        ("NW-STP", "1200 University Ave W", "Saint Paul", "55104"),
        ("NW-BLM", "8000 Normandale Blvd", "Bloomington", "55437"),
        ("NW-DUL", "301 W Superior St", "Duluth", "55802"),
    ]:
        AddressFactory(
            customer=northwind,
            code=code,
            name=f"Northwind {city}",
            line1=line1,
            city=city,
            region="MN",
            postal_code=postal,
            is_default=code == "NW-STP",
        )
    ContactFactory(customer=northwind, name="Maria Lindqvist", job_title="Purchasing manager")
    ContactFactory(customer=northwind, name="Tom Becker", job_title="Service coordinator")

    ea = UnitFactory(code="EA", name="Each")
    cs = UnitFactory(code="CS", name="Case")
    motor = ItemFactory(
        sku="MTR-CF-1/3HP",
        description="Condenser fan motor 1/3 HP 208-230V 1075 RPM",
        item_group="HVAC",
        base_uom=ea,
        hs_code="8501.40",
        country_of_origin="US",
        export_control_class="EAR99",
        lead_time_days=3,
        weight_kg=Decimal("4.2"),
        length_cm=Decimal(22),
        width_cm=Decimal(18),
        height_cm=Decimal(18),
    )
    UnitConversion.objects.create(item=motor, uom=cs, factor=Decimal(4))
    PriceListEntryFactory(price_list=price_list, item=motor, unit_price=Decimal("189.00"))
    PriceListEntryFactory(
        price_list=price_list, item=motor, min_quantity=Decimal(4), unit_price=Decimal("176.50")
    )
    ContractPriceFactory(
        customer=northwind,
        item=motor,
        unit_price=Decimal("164.25"),
        valid_from=dt.date(2025, 1, 1),
        contract_ref="NW-2025",
    )
    for code, name, on_hand, allocated in [
        ("MSP", "Minneapolis DC", 42, 6),
        ("CHI", "Chicago DC", 18, 18),
        ("DAL", "Dallas DC", 7, 0),
    ]:
        wh = WarehouseFactory(code=code, name=name, timezone="America/Chicago")
        StockLevel.objects.create(
            item=motor, warehouse=wh, on_hand=Decimal(on_hand), allocated=Decimal(allocated)
        )
        StockMovement.objects.create(
            at=dt.datetime(2026, 11, 20, 14, 5, tzinfo=dt.UTC),
            item=motor,
            warehouse=wh,
            quantity=Decimal(on_hand),
            kind=MovementKind.RECEIPT,
        )
    refrigerant = ItemFactory(
        sku="R410A-25",
        description="Refrigerant R-410A, 25 lb cylinder",
        item_group="HVAC",
        base_uom=ea,
        tracking=Tracking.LOT,
        hs_code="3824.78",
        country_of_origin="CN",
        un_number="UN3163",
        hazmat_class="2.2",
        packing_group="",
        proper_shipping_name="Liquefied gas, n.o.s. (Difluoromethane, Pentafluoroethane)",
        export_control_class="EAR99",
    )
    PriceListEntryFactory(price_list=price_list, item=refrigerant, unit_price=Decimal("212.00"))
    msp = WarehouseFactory(code="MSP")
    Lot.objects.create(item=refrigerant, number="L24-0311", expiry_date=dt.date(2029, 3, 31))
    Lot.objects.create(
        item=refrigerant, number="L24-0502", quality_hold=True, hold_reason="Valve recall 24-17"
    )
    for lot, on_hand, allocated in [("L24-0311", 30, 12), ("L24-0502", 8, 0)]:
        StockLevel.objects.create(
            item=refrigerant,
            warehouse=msp,
            lot=lot,
            on_hand=Decimal(on_hand),
            allocated=Decimal(allocated),
        )
    kit = ItemFactory(
        sku="KIT-CF-SVC",
        description="Condenser fan service kit",
        item_group="HVAC",
        base_uom=ea,
        is_kit=True,
    )
    KitComponent.objects.create(kit=kit, component=motor, quantity=Decimal(1))
    KitComponent.objects.create(kit=kit, component=refrigerant, quantity=Decimal("0.5"))
    UserFactory(
        username="ana",
        first_name="Ana",
        last_name="Reyes",
        role=Role.ORDER_CLERK,
        timezone="America/Chicago",
    )
    return {"northwind": northwind, "motor": motor, "refrigerant": refrigerant, "kit": kit}


def _log_in(page, base: str) -> None:
    page.goto(f"{base}/")
    page.get_by_label("User name").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(f"{base}/")


def test_clerk_logs_in_finds_customer_by_typing_and_opens_it_by_keyboard(live_server, page, shot):
    data = _desk()
    base = live_server.url

    page.goto(f"{base}/customers/")
    page.wait_for_url(re.compile(r"/login/\?next=/customers/"))
    assert page.evaluate("document.activeElement.id") == "id_username"  # autofocus
    shot(page, "01-login")
    page.get_by_label("User name").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/customers/")

    results = page.locator("#results")
    assert results.locator("a[data-result]").count() == 9
    shot(page, "02-customer-list")

    # Type part of the name, the way a clerk does: letter by letter.
    search = page.get_by_label("Search customers")
    assert page.evaluate("document.activeElement.id") == "q"
    search.press_sequentially("northw", delay=60)
    row = results.get_by_role("link", name="Northwind Mechanical Services")
    row.wait_for()
    page.wait_for_function("document.querySelectorAll('#results a[data-result]').length === 1")
    assert page.locator("#result-count").inner_text() == "1 customer matches “northw”"
    assert "q=northw" in page.url  # the search is a link the clerk can bookmark or share
    shot(page, "03-customer-search")

    # ArrowDown goes to the first result; Enter opens it.
    search.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == "Northwind Mechanical Services"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/customers/{data['northwind'].pk}/")

    assert page.get_by_role("heading", level=1).inner_text() == "Northwind Mechanical Services"
    ship_to = page.get_by_role("region", name=re.compile(r"^Ship-to"))
    for code, address in [
        ("NW-STP", "1200 University Ave W, Saint Paul, MN, 55104, US"),
        ("NW-BLM", "8000 Normandale Blvd, Bloomington, MN, 55437, US"),
        ("NW-DUL", "301 W Superior St, Duluth, MN, 55802, US"),
    ]:
        assert address in ship_to.get_by_role("row", name=re.compile(code)).inner_text()
    assert page.get_by_text("Receiving hours 7:00-15:00, dock 2").is_visible()
    shot(page, "04-customer-detail")

    # The contract price links to the item; its page shows stock by warehouse.
    page.get_by_role("link", name="MTR-CF-1/3HP").click()
    page.wait_for_url(f"{base}/items/{data['motor'].pk}/")
    stock = page.get_by_role("region", name="Stock by warehouse")
    assert "Minneapolis DC" in stock.get_by_role("row", name=re.compile("MSP")).inner_text()
    assert stock.locator("tfoot").inner_text().split() == ["All", "warehouses", "67", "24", "43"]
    shot(page, "05-item-detail")

    # The item list searches the same way.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Items").click()
    page.get_by_label("Search items").press_sequentially("motor", delay=40)
    page.wait_for_function("document.querySelectorAll('#results a[data-result]').length === 1")
    assert page.locator("#results tbody tr").inner_text().split("\t")[-1] == "43"
    shot(page, "06-item-list")


def test_enter_right_after_typing_searches_then_focuses_the_first_result(live_server, page):
    _desk()
    _log_in(page, live_server.url)
    page.goto(f"{live_server.url}/customers/")
    search = page.get_by_label("Search customers")
    search.fill("cedar")  # no time for the typing delay to pass
    search.press("Enter")
    page.wait_for_function(
        "document.activeElement && document.activeElement.textContent === 'Cedar Ridge Electric'"
    )
    assert page.url.endswith("/customers/?q=cedar&status=")
    # ArrowUp from the first result goes back to the box; "/" from anywhere does too.
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "q"
    page.locator("h1").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"


def test_home_and_skip_link(live_server, page, shot):
    """The home page greets and offers what the role can do; Tab reaches the skip link
    first, and it becomes visible."""
    _desk()
    _log_in(page, live_server.url)
    assert page.get_by_role("heading", level=1).inner_text().endswith(", Ana")
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link").all_inner_texts() == [
        "Desk",
        "Customers",
        "Items",
        "Returns",
        "EDI",
    ]
    shot(page, "00-home")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.textContent, getComputedStyle(document.activeElement).top]"
    )
    assert focused[0] == "Skip to content" and focused[1] != "-3rem"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_hazmat_lot_item_and_kit_pages(live_server, page, shot):
    data = _desk()
    _log_in(page, live_server.url)
    page.goto(f"{live_server.url}/items/{data['refrigerant'].pk}/")
    lots = page.get_by_role("region", name=re.compile(r"^Lots"))
    held = lots.get_by_role("row", name=re.compile("L24-0502"))
    assert "Valve recall 24-17" in held.inner_text()
    compliance = page.get_by_role("region", name="Compliance")
    assert "UN3163" in compliance.inner_text()
    shot(page, "08-item-detail-hazmat-lots")
    page.goto(f"{live_server.url}/items/{data['kit'].pk}/")
    kit = page.get_by_role("region", name=re.compile(r"^Kit components"))
    assert kit.get_by_role("link").all_inner_texts() == ["MTR-CF-1/3HP", "R410A-25"]
    shot(page, "09-item-detail-kit")


def test_search_after_session_expired_goes_to_login_page(live_server, page):
    """Not a login form pasted into the results table: the whole page goes to log in, and
    logging in again returns to the search."""
    _desk()
    _log_in(page, live_server.url)
    page.goto(f"{live_server.url}/customers/")
    page.context.clear_cookies()
    page.get_by_label("Search customers").press_sequentially("bay", delay=30)
    page.wait_for_url(re.compile(r"/login/\?next="))
    page.get_by_label("User name").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(re.compile(r"/customers/\?q=bay"))
    assert page.locator("#results a[data-result]").all_inner_texts() == ["Bayside HVAC Contractors"]


def test_search_works_without_javascript(live_server, no_js_page):
    _desk()
    page = no_js_page
    base = live_server.url
    page.goto(f"{base}/login/")
    page.get_by_label("User name").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/customers/")
    page.get_by_label("Search customers").fill("granite")
    page.get_by_label("Search customers").press("Enter")
    page.wait_for_url(re.compile(r"/customers/\?q=granite"))
    links = page.locator("#results a[data-result]")
    assert links.all_inner_texts() == ["Granite State Heating"]


def test_customer_detail_fits_a_phone_screen(live_server, browser, shot):
    """Nothing spills sideways off a narrow screen: wide tables scroll inside their panel."""
    data = _desk()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        _log_in(page, live_server.url)
        page.goto(f"{live_server.url}/customers/{data['northwind'].pk}/")
        shot(page, "07-customer-detail-phone")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()

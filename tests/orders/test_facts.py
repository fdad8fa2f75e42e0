"""The facts builder: what the rules see of an order, its customer's credit and policy, read
in a fixed number of queries however many lines the order has."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any, cast

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderdesk.billing.models import Receivable
from orderdesk.billing.selectors import exposure, receivables_for
from orderdesk.catalog.models import (
    ExportRestriction,
    Item,
    ItemStatus,
    UnitConversion,
    UnitOfMeasure,
)
from orderdesk.core.importing import get_spec, import_file
from orderdesk.inventory.models import Lot, StockLevel, Warehouse
from orderdesk.orders.drafts import lines_fingerprint
from orderdesk.orders.facts import credit_facts, order_facts, policy_for
from orderdesk.orders.models import OrderPolicy, SalesOrder, SalesOrderLine
from orderdesk.orders.rules import Policy, RestrictionFacts, evaluate, evaluate_credit
from orderdesk.orders.states import LineStatus, OrderStatus
from orderdesk.parties.models import Address, AddressKind, Carrier, Customer, ShipMethod

from ..factories import AddressFactory, CustomerFactory, ItemFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


# factory_boy's factories are typed as returning themselves; these say what they make.
def make_customer(**kw: Any) -> Customer:
    return cast(Customer, CustomerFactory(**kw))


def make_item(**kw: Any) -> Item:
    return cast(Item, ItemFactory(**kw))


def make_address(**kw: Any) -> Address:
    return cast(Address, AddressFactory(**kw))


def make_warehouse(**kw: Any) -> Warehouse:
    return cast(Warehouse, WarehouseFactory(**kw))


def ship_method(code: str = "UPS-GND", **kw: Any) -> ShipMethod:
    carrier = Carrier.objects.get_or_create(scac="UPSN", defaults={"name": "UPS"})[0]
    defaults = {"carrier": carrier, "name": code, "transit_days": 3, **kw}
    return ShipMethod.objects.get_or_create(code=code, defaults=defaults)[0]


def case_unit() -> UnitOfMeasure:
    return UnitOfMeasure.objects.get_or_create(code="CS", defaults={"name": "Case"})[0]


def new_order(customer: Customer, **kw: Any) -> SalesOrder:
    """An order as intake prepares it: not saved, its rows attached."""
    fields: dict[str, Any] = {
        "customer": customer,
        "customer_po": "PO-4711",
        "channel": "api",
        "bill_to": make_address(customer=customer, kind=AddressKind.BILL_TO),
        "ship_to": make_address(customer=customer),
        "ship_method": ship_method(),
        "order_date": TODAY,
        "payment_terms": customer.payment_terms,
        "currency": customer.currency,
        "freight_payment": "prepaid",
    }
    fields.update(kw)
    return SalesOrder(**fields)


def new_line(n: int, item: Item | None, **kw: Any) -> SalesOrderLine:
    fields: dict[str, Any] = {
        "line_no": n,
        "sku": item.sku if item is not None else f"NOPE-{n}",
        "quantity": D(12),
        "uom_code": "EA",
        "factor": D(1),
        "qty_ordered": D(12),
        "unit_price": D("10.0000"),
        "price_source": "list",
    }
    if "item_id" not in kw:
        fields["item"] = item
    fields.update(kw)
    return SalesOrderLine(**fields)


def stored_order(customer: Customer, number: str, **kw: Any) -> SalesOrder:
    fields: dict[str, Any] = {
        "number": number,
        "customer": customer,
        "channel": "api",
        "order_date": TODAY,
        "payment_terms": customer.payment_terms,
        "currency": customer.currency,
        "status": OrderStatus.ACCEPTED,
    }
    fields.update(kw)
    return SalesOrder.objects.create(**fields)


# --- the order and its lines ---------------------------------------------------------------


def test_header_facts_come_from_the_attached_rows():
    customer = make_customer(status="on_hold")
    OrderPolicy.objects.create(customer=customer, require_po=True)
    hazmat = ship_method("LTL-HAZ", transit_days=4, hazmat_allowed=True, international=True)
    ship_to = make_address(customer=customer, country="ca", postal_code="K1A 0B1", region="ON")
    order = new_order(
        customer,
        ship_to=ship_to,
        ship_method=hazmat,
        freight_payment="",
        incoterm="DAP",
        requested_date=dt.date(2026, 3, 20),
    )
    facts = order_facts(order=order, lines=[new_line(1, make_item())], today=TODAY)
    assert (facts.customer_status, facts.customer_po, facts.require_po) == (
        "on_hold",
        "PO-4711",
        True,
    )
    assert (facts.bill_to_present, facts.ship_to_present) == (True, True)
    assert (facts.ship_to_country, facts.ship_to_postal_code, facts.ship_to_region) == (
        "CA",
        "K1A 0B1",
        "ON",
    )
    assert (facts.ship_method, facts.transit_days) == ("LTL-HAZ", 4)
    assert facts.ship_method_hazmat_allowed and facts.ship_method_international
    assert facts.freight_terms_present
    assert (facts.order_date, facts.requested_date) == (TODAY, dt.date(2026, 3, 20))


def test_an_order_without_addresses_or_ship_method_or_freight_terms():
    customer = make_customer()
    order = new_order(customer, bill_to=None, ship_to=None, ship_method=None, freight_payment="")
    facts = order_facts(order=order, lines=[new_line(1, make_item())], today=TODAY)
    assert (facts.bill_to_present, facts.ship_to_present, facts.ship_to_country) == (
        False,
        False,
        "",
    )
    assert (facts.ship_method, facts.ship_method_hazmat_allowed, facts.transit_days) == (
        "",
        False,
        0,
    )
    assert not facts.freight_terms_present
    assert [f.code for f in evaluate(facts, Policy())] == [
        "bill_to_missing",
        "ship_to_missing",
        "freight_terms_missing",
    ]


def test_line_facts_carry_the_item_its_replacement_and_the_unit():
    new = make_item(sku="NEW-1")
    old = make_item(
        sku="OLD-1",
        status=ItemStatus.DISCONTINUED,
        replacement=new,
        min_order_qty=D(24),
        order_multiple=D(12),
        lead_time_days=21,
        un_number="UN3163",
        export_control_class="EAR99",
    )
    UnitConversion.objects.create(item=old, uom=case_unit(), factor=D(12))
    lines = [
        new_line(1, old, uom_code="CS", factor=D(12), quantity=D(2), customer_price=D("118.5")),
        new_line(2, None, sku="nope-9"),
        new_line(3, new, uom_code="BOX", factor=D(0)),
        new_line(4, new, price_source="none", unit_price=D(0), drop_ship=True),
        new_line(5, new, status=LineStatus.CANCELLED),
        new_line(6, new, uom_code="CS", factor=D(1)),  # unknown unit, kept at factor 1
        new_line(7, new, uom_code=""),
    ]
    facts = order_facts(order=new_order(make_customer()), lines=lines, today=TODAY)
    one, two, three, four, six, seven = facts.lines
    assert (one.key, one.sku, one.quantity, one.uom, one.factor, one.base_uom) == (
        "1",
        "OLD-1",
        D(2),
        "CS",
        D(12),
        "EA",
    )
    assert (one.item_found, one.item_status, one.replacement_sku, one.replacement_active) == (
        True,
        "discontinued",
        "NEW-1",
        True,
    )
    assert (one.min_order_qty, one.order_multiple, one.lead_time_days) == (D(24), D(12), 21)
    assert (one.hazmat, one.un_number, one.export_control_class) == (True, "UN3163", "EAR99")
    assert (one.unit_price, one.customer_price, one.missing_price) == (D(10), D("118.5"), False)
    assert (two.item_found, two.sku, two.uom_known) == (False, "nope-9", False)
    assert (three.uom_known, three.uom, three.missing_price) == (False, "BOX", False)
    assert (four.missing_price, four.drop_ship, four.replacement_sku) == (True, True, "")
    assert (six.uom_known, six.factor, seven.uom_known, seven.uom) == (False, D(0), True, "EA")


def test_available_now_counts_active_warehouses_and_leaves_out_held_lots():
    item, other = make_item(), make_item()
    chi = make_warehouse()
    closed = make_warehouse(code="OLD", name="Closed DC", active=False)
    StockLevel.objects.create(item=item, warehouse=chi, on_hand=D(40), allocated=D("12.5"))
    StockLevel.objects.create(item=item, warehouse=chi, lot="L-OK", on_hand=D(5))
    StockLevel.objects.create(item=item, warehouse=chi, lot="L-HELD", on_hand=D(30))
    StockLevel.objects.create(item=item, warehouse=closed, on_hand=D(1000))
    Lot.objects.create(item=item, number="L-OK")
    Lot.objects.create(item=item, number="L-HELD", quality_hold=True)
    Lot.objects.create(item=other, number="L-OK", quality_hold=True)  # another item's lot
    lines = [new_line(1, item), new_line(2, other)]
    facts = order_facts(order=new_order(make_customer()), lines=lines, today=TODAY)
    assert [lf.available_now for lf in facts.lines] == [D("32.5"), D(0)]


def test_restrictions_are_read_for_the_ship_to_country_when_a_line_is_controlled():
    customer = make_customer()
    ExportRestriction.objects.create(country="CN", control_class="5A", reason="Entity list")
    ExportRestriction.objects.create(country="RU", control_class="", reason="Embargo")
    ship_to = make_address(customer=customer, country="CN", postal_code="100000")
    order = new_order(customer, ship_to=ship_to)
    controlled = new_line(1, make_item(export_control_class="5A992"))
    facts = order_facts(order=order, lines=[controlled], today=TODAY)
    assert facts.restricted == (RestrictionFacts("CN", "5A", "Entity list"),)
    assert [f.code for f in evaluate(facts, Policy())] == ["export_restricted"]
    plain = order_facts(order=order, lines=[new_line(1, make_item())], today=TODAY)
    assert plain.restricted == ()


# --- duplicates ----------------------------------------------------------------------------


def test_duplicates_are_other_open_orders_with_the_same_po_or_the_same_lines():
    customer, stranger = make_customer(), make_customer()
    item = make_item(sku="DUP-1")
    line = new_line(1, item)
    same = lines_fingerprint([("DUP-1|EA", D(12))])
    stored_order(customer, "SO000101", customer_po="PO-4711")
    stored_order(customer, "SO000102", customer_po="PO-4711", status=OrderStatus.CANCELLED)
    stored_order(customer, "SO000103", customer_po="PO-4711", status=OrderStatus.CLOSED)
    stored_order(stranger, "SO000104", customer_po="PO-4711")
    stored_order(customer, "SO000105", content_hash=same, order_date=TODAY - dt.timedelta(14))
    stored_order(customer, "SO000106", content_hash=same, order_date=TODAY - dt.timedelta(15))
    stored_order(customer, "SO000107", content_hash=same, status=OrderStatus.CANCELLED)
    stored_order(customer, "SO000108", content_hash="other", customer_po="PO-9")
    facts = order_facts(order=new_order(customer), lines=[line], today=TODAY)
    assert facts.duplicate_po_orders == ("SO000101",)
    assert facts.duplicate_content_orders == ("SO000105",)


def test_a_stored_order_is_compared_only_with_orders_taken_before_it():
    customer = make_customer()
    first = stored_order(customer, "SO000201", customer_po="PO-1")
    second = stored_order(customer, "SO000202", customer_po="PO-1")
    assert order_facts(order=first, lines=[], today=TODAY).duplicate_po_orders == ()
    assert order_facts(order=second, lines=[], today=TODAY).duplicate_po_orders == ("SO000201",)


def test_the_content_hash_is_taken_from_the_order_or_made_like_intake_makes_it():
    customer = make_customer()
    item = make_item(sku="HASH-1")
    stored_order(customer, "SO000301", content_hash=lines_fingerprint([("HASH-1|EA", D(12))]))
    without = new_order(customer, customer_po="")
    with_other = new_order(customer, customer_po="", content_hash="something-else")
    line = new_line(1, item)
    assert order_facts(order=without, lines=[line], today=TODAY).duplicate_content_orders == (
        "SO000301",
    )
    assert order_facts(order=with_other, lines=[line], today=TODAY).duplicate_content_orders == ()


# --- a fixed number of queries -------------------------------------------------------------


def _queries(fn: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_order_facts_cost_the_same_queries_for_1_and_100_lines():
    customer = make_customer()
    ExportRestriction.objects.create(country="US", control_class="9X", reason="test")
    chi = make_warehouse()
    items = [make_item(export_control_class="5A992", replacement=make_item()) for _ in range(100)]
    for item in items:
        StockLevel.objects.create(item=item, warehouse=chi, on_hand=D(50))
    order = new_order(customer)
    # Lines as a stored order has them: the items not loaded, so `line.item` is never read.
    lines = [new_line(n, None, item_id=item.pk, sku=item.sku) for n, item in enumerate(items, 1)]
    one = _queries(lambda: order_facts(order=order, lines=lines[:1], today=TODAY))
    hundred = _queries(lambda: order_facts(order=order, lines=lines, today=TODAY))
    assert one == hundred == 4  # policy, items with stock, restrictions, duplicates
    cs = case_unit()
    for item in items:
        UnitConversion.objects.create(item=item, uom=cs, factor=D(12))
    cases = [
        new_line(n, None, item_id=item.pk, sku=item.sku, uom_code="CS", factor=D(12))
        for n, item in enumerate(items, 1)
    ]
    one = _queries(lambda: order_facts(order=order, lines=cases[:1], today=TODAY))
    hundred = _queries(lambda: order_facts(order=order, lines=cases, today=TODAY))
    assert one == hundred == 5  # and the unit conversions
    facts = order_facts(order=order, lines=cases, today=TODAY)
    assert {(lf.uom_known, lf.factor) for lf in facts.lines} == {(True, D(12))}
    facts = order_facts(order=order, lines=lines, today=TODAY, policy=Policy())
    assert len(facts.lines) == 100 and all(lf.available_now == D(50) for lf in facts.lines)
    assert (
        _queries(lambda: order_facts(order=order, lines=lines, today=TODAY, policy=Policy())) == 3
    )


def test_a_clean_order_from_the_database_gets_no_findings():
    customer = make_customer()
    chi = make_warehouse()
    items = [make_item() for _ in range(3)]
    for item in items:
        StockLevel.objects.create(item=item, warehouse=chi, on_hand=D(100))
    lines = [new_line(n, item, customer_price=D("10.10")) for n, item in enumerate(items, 1)]
    order = new_order(customer, requested_date=TODAY + dt.timedelta(days=7))
    policy = policy_for(customer)
    assert evaluate(order_facts(order=order, lines=lines, today=TODAY), policy) == []


# --- the policy ----------------------------------------------------------------------------


def test_policy_defaults_without_an_order_policy():
    assert policy_for(make_customer()) == Policy(
        price_tolerance_percent=D(2),
        duplicate_window_days=14,
        credit_grace_days=10,
        handling_days=1,
        change_approval_amount=D(1000),
        require_po=False,
        ship_complete=False,
        allow_split=True,
    )


def test_an_order_policy_overrides_the_fields_it_sets():
    customer = make_customer()
    OrderPolicy.objects.create(
        customer=customer, price_tolerance_percent=D("0.5"), credit_grace_days=0, require_po=True
    )
    policy = policy_for(customer)
    assert (policy.price_tolerance_percent, policy.credit_grace_days, policy.require_po) == (
        D("0.5"),
        0,
        True,
    )
    assert (policy.duplicate_window_days, policy.handling_days) == (14, 1)


def test_settings_override_the_defaults(settings):
    settings.ORDERDESK_ORDER_POLICY = {"handling_days": "2", "price_tolerance_percent": 1.5}
    policy = policy_for(make_customer())
    assert (policy.handling_days, policy.price_tolerance_percent) == (2, D("1.5"))
    settings.ORDERDESK_ORDER_POLICY = {"handling_day": 2}
    with pytest.raises(ImproperlyConfigured, match="handling_day"):
        policy_for(make_customer())


# --- credit --------------------------------------------------------------------------------


def receivable(
    customer: Customer,
    number: str,
    due: dt.date,
    amount: str,
    open_amount: str | None = None,
    currency: str | None = None,
) -> None:
    Receivable.objects.create(
        customer=customer,
        document_number=number,
        document_date=due - dt.timedelta(30),
        due_date=due,
        currency=currency or customer.currency,
        amount=D(amount),
        open_amount=D(amount if open_amount is None else open_amount),
    )


def test_credit_facts_add_up_the_ledger_and_the_other_open_orders():
    customer, stranger = make_customer(credit_limit=D(25000)), make_customer()
    receivable(customer, "INV-1", TODAY - dt.timedelta(45), "1000.00")  # past due beyond grace
    receivable(customer, "INV-2", TODAY - dt.timedelta(20), "500.00", open_amount="200.00")
    receivable(customer, "INV-3", TODAY - dt.timedelta(10), "300.00")  # within the grace
    receivable(customer, "INV-4", TODAY + dt.timedelta(20), "4000.00")
    receivable(customer, "CM-1", TODAY - dt.timedelta(60), "-150.00")
    receivable(customer, "INV-5", TODAY - dt.timedelta(90), "999.00", open_amount="0")
    receivable(customer, "INV-CAD", TODAY - dt.timedelta(90), "777.00", currency="CAD")
    receivable(stranger, "INV-X", TODAY - dt.timedelta(90), "888.00")
    this = stored_order(customer, "SO000401", total=D("700.00"))
    stored_order(customer, "SO000402", total=D("1200.00"), status=OrderStatus.HELD)
    stored_order(customer, "SO000403", total=D("300.00"), status=OrderStatus.SHIPPED)
    stored_order(customer, "SO000404", total=D("5000.00"), status=OrderStatus.INVOICED)
    stored_order(customer, "SO000405", total=D("5000.00"), status=OrderStatus.CANCELLED)
    stored_order(stranger, "SO000406", total=D("5000.00"))
    with CaptureQueriesContext(connection) as ctx:
        facts = credit_facts(
            customer=customer,
            this_order_total=D("700.00"),
            exclude_order_id=this.pk,
            today=TODAY,
            grace_days=10,
        )
    assert len(ctx.captured_queries) == 2
    assert facts.currency == "USD"
    assert facts.credit_limit == D(25000)
    assert facts.open_receivables == D("5350.00")  # 1000 + 200 + 300 + 4000 − 150
    assert facts.open_orders == D("1500.00")
    assert facts.this_order == D("700.00")
    assert (facts.past_due, facts.oldest_past_due_days, facts.grace_days) == (D("1200.00"), 45, 10)
    assert [f.code for f in evaluate_credit(facts)] == ["credit_past_due"]


def test_credit_facts_of_a_new_customer_are_zero():
    customer = make_customer()
    facts = credit_facts(
        customer=customer, this_order_total=D(0), exclude_order_id=None, today=TODAY, grace_days=0
    )
    assert (facts.open_receivables, facts.open_orders, facts.past_due) == (D(0), D(0), D(0))
    assert facts.oldest_past_due_days == 0


def test_receivables_for_lists_open_items_oldest_due_first():
    customer = make_customer()
    receivable(customer, "INV-2", TODAY, "10")
    receivable(customer, "INV-1", TODAY - dt.timedelta(5), "10")
    receivable(customer, "INV-0", TODAY - dt.timedelta(9), "10", open_amount="0")
    assert [r.document_number for r in receivables_for(customer)] == ["INV-1", "INV-2"]
    assert len(receivables_for(customer, open_only=False)) == 3
    assert exposure(customer, today=TODAY, grace_days=0).past_due == D(10)


def test_the_open_receivables_import_feeds_the_credit_facts():
    customer = make_customer(account_number="C10042")
    make_customer(account_number="C20001", currency="CAD")
    data = (
        b"customer,document_number,document_date,due_date,currency,amount,open_amount\n"
        b"C10042,inv-1,2026-01-01,2026-01-31,,1000.00,400.00\n"
        b"C10042,CM-1,2026-02-01,2026-02-01,USD,-50,\n"
        b"C10042,INV-2,2026-02-10,2026-02-01,USD,10,\n"
        b"C10042,INV-3,2026-02-10,2026-03-10,USD,10,20\n"
        b"C20001,INV-4,2026-02-10,2026-03-10,USD,10,\n"
    )
    result = import_file(get_spec("open_receivables"), data, name="ar.csv")
    assert (result.created, result.failed_rows) == (2, 3)
    assert [(e.row, e.column) for e in result.errors] == [
        (4, "due_date"),
        (5, "open_amount"),
        (6, "currency"),
    ]
    assert sorted(Receivable.objects.values_list("document_number", "currency", "open_amount")) == [
        ("CM-1", "USD", D("-50")),
        ("INV-1", "USD", D("400")),
    ]
    facts = credit_facts(
        customer=customer, this_order_total=D(0), exclude_order_id=None, today=TODAY, grace_days=10
    )
    assert (facts.open_receivables, facts.past_due, facts.oldest_past_due_days) == (
        D(350),
        D(400),
        30,
    )
    again = import_file(get_spec("open_receivables"), data, name="ar.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)

"""The order rules engine: each rule fires with its severity, queue, words and one-click fix,
and stays quiet on a clean order. Pure: no database."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace
from decimal import Decimal as D
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from orderdesk.orders import rules
from orderdesk.orders.rules import (
    RULES,
    CreditFacts,
    Finding,
    LineFacts,
    OrderFacts,
    Policy,
    RestrictionFacts,
    evaluate,
    evaluate_credit,
    suggest_quantity,
)
from orderdesk.orders.states import HoldKind, Severity

TODAY = dt.date(2026, 3, 2)
POLICY = Policy()

LINE = LineFacts(
    key="1",
    sku="CTR-3P-40A",
    quantity=D(12),
    uom="EA",
    item_found=True,
    item_status="active",
    base_uom="EA",
    factor=D(1),
    min_order_qty=D(1),
    order_multiple=D(1),
    unit_price=D("10.00"),
    customer_price=None,
    lead_time_days=14,
    available_now=D(100),
)

ORDER = OrderFacts(
    order_date=TODAY,
    customer_status="active",
    customer_po="PO-4711",
    require_po=True,
    bill_to_present=True,
    ship_to_present=True,
    ship_to_country="US",
    ship_to_postal_code="62701",
    ship_to_region="IL",
    ship_method="UPS-GND",
    ship_method_hazmat_allowed=False,
    ship_method_international=False,
    transit_days=3,
    freight_terms_present=True,
    requested_date=None,
    lines=(LINE,),
)

CREDIT = CreditFacts(
    currency="USD",
    credit_limit=D(50000),
    open_receivables=D(20000),
    open_orders=D(10000),
    this_order=D(5000),
    past_due=D(0),
    oldest_past_due_days=0,
    grace_days=10,
)


def line(**kw: Any) -> LineFacts:
    return replace(LINE, **kw)


def order(*lines: LineFacts, **kw: Any) -> OrderFacts:
    return replace(ORDER, lines=lines or (LINE,), **kw)


def only(findings: list[Finding], code: str) -> Finding:
    hits = [f for f in findings if f.code == code]
    assert len(hits) == 1, findings
    return hits[0]


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


# --- the registry and a clean order ----------------------------------------------------------


def test_a_clean_order_has_no_findings():
    assert evaluate(ORDER, POLICY) == []
    assert evaluate_credit(CREDIT) == []


def test_the_registry_names_each_rule_once_with_known_severity_and_queue():
    names = [r.code for r in RULES]
    assert len(names) == len(set(names)) == 22
    assert {r.severity for r in RULES} <= set(Severity.values)
    assert {r.hold_kind for r in RULES} <= set(HoldKind.values)
    assert all(r.description.endswith(".") for r in RULES)
    assert tuple(Severity.values) == (rules.BLOCK, rules.HOLD, rules.WARN)


# --- master data ---------------------------------------------------------------------------


def test_sku_unknown_blocks_and_skips_the_other_line_rules():
    bad = line(key="3", sku="NOPE-1", item_found=False, uom_known=False, missing_price=True)
    f = only(evaluate(order(bad), POLICY), "sku_unknown")
    assert (f.severity, f.hold_kind, f.line_key, f.field) == ("block", "data", "3", "sku")
    assert f.message == "Line 3: SKU NOPE-1 is not in the catalogue."
    assert f.fix == "correct the SKU or remove the line"
    assert f.action == {}
    assert codes(evaluate(order(bad), POLICY)) == ["sku_unknown"]


def test_sku_discontinued_with_an_active_replacement_offers_it():
    old = line(
        key="3", item_status="discontinued", replacement_sku="NEW-1", replacement_active=True
    )
    f = only(evaluate(order(old), POLICY), "sku_discontinued")
    assert (f.severity, f.hold_kind) == ("hold", "data")
    assert "CTR-3P-40A is discontinued" in f.message and "NEW-1" in f.message
    assert f.action == {"action": "replace_sku", "line": "3", "sku": "NEW-1"}


def test_sku_discontinued_without_a_replacement_blocks():
    f = only(evaluate(order(line(item_status="discontinued")), POLICY), "sku_discontinued")
    assert f.severity == "block"
    assert "has no active replacement" in f.message
    assert f.action == {}


def test_sku_discontinued_whose_replacement_is_discontinued_too_blocks():
    old = line(item_status="discontinued", replacement_sku="NEW-1", replacement_active=False)
    f = only(evaluate(order(old), POLICY), "sku_discontinued")
    assert f.severity == "block"
    assert "NEW-1, its replacement, is discontinued too" in f.message


def test_uom_unknown_blocks_and_offers_the_base_unit():
    f = only(evaluate(order(line(uom="BOX", uom_known=False, factor=D(0))), POLICY), "uom_unknown")
    assert (f.severity, f.hold_kind, f.field) == ("block", "data", "uom")
    assert f.message == "Line 1: CTR-3P-40A is not sold in BOX; its unit is EA."
    assert f.action == {"action": "use_uom", "line": "1", "uom": "EA"}


def test_uom_unknown_skips_the_quantity_rules():
    bad = line(uom="BOX", uom_known=False, factor=D(0), min_order_qty=D(50), order_multiple=D(7))
    assert codes(evaluate(order(bad), POLICY)) == ["uom_unknown"]


def test_qty_below_moq_suggests_the_minimum():
    f = only(evaluate(order(line(quantity=D(7), min_order_qty=D(10))), POLICY), "qty_below_moq")
    assert (f.severity, f.hold_kind, f.field) == ("hold", "data", "quantity")
    assert f.message == ("Line 1 (CTR-3P-40A): 7 EA is below the minimum order quantity of 10 EA.")
    assert f.action == {"action": "set_quantity", "line": "1", "quantity": "10", "uom": "EA"}


def test_qty_below_moq_in_cases_suggests_whole_cases():
    case = line(quantity=D(1), uom="CS", factor=D(12), min_order_qty=D(50))
    f = only(evaluate(order(case), POLICY), "qty_below_moq")
    assert "1 CS (12 EA) is below the minimum order quantity of 50 EA" in f.message
    assert f.action == {"action": "set_quantity", "line": "1", "quantity": "5", "uom": "CS"}


def test_qty_off_multiple_rounds_up_to_the_multiple():
    f = only(evaluate(order(line(quantity=D(7), order_multiple=D(5))), POLICY), "qty_off_multiple")
    assert (f.severity, f.hold_kind) == ("hold", "data")
    assert "not a whole multiple of the order multiple, 5 EA" in f.message
    assert f.action == {"action": "set_quantity", "line": "1", "quantity": "10", "uom": "EA"}


def test_below_moq_and_off_multiple_share_one_quantity_that_fixes_both():
    bad = line(quantity=D(7), min_order_qty=D(11), order_multiple=D(5))
    found = evaluate(order(bad), POLICY)
    assert codes(found) == ["qty_below_moq", "qty_off_multiple"]
    assert {f.action["quantity"] for f in found} == {"15"}


def test_suggested_quantity_falls_back_to_the_base_unit_when_whole_units_cannot_fit():
    feet = line(quantity=D(10), uom="FT", base_uom="M", factor=D("0.3048"), min_order_qty=D(0))
    assert suggest_quantity(feet, D("3.048")) == (D(4), "M")
    cases = line(quantity=D(1), uom="CS", factor=D(12), order_multiple=D(8))
    assert suggest_quantity(cases, D(50)) == (D(6), "CS")


def test_price_mismatch_beyond_tolerance_offers_our_price():
    f = only(evaluate(order(line(customer_price=D("9.50"))), POLICY), "price_mismatch")
    assert (f.severity, f.hold_kind, f.field) == ("hold", "price", "unit_price")
    assert f.message == (
        "Line 1 (CTR-3P-40A): the PO price 9.50 per EA differs from our price 10.00 "
        "(-5.0%, tolerance 2%)."
    )
    assert "honour the PO price of 9.50" in f.fix
    assert f.action == {"action": "accept_price", "line": "1", "price": "10.0000"}


def test_price_within_tolerance_passes():
    assert evaluate(order(line(customer_price=D("10.20"))), POLICY) == []
    assert evaluate(order(line(customer_price=D("9.80"))), POLICY) == []
    strict = replace(POLICY, price_tolerance_percent=D(0))
    assert codes(evaluate(order(line(customer_price=D("10.01"))), strict)) == ["price_mismatch"]


def test_price_missing_holds_for_pricing_and_skips_the_mismatch():
    bad = line(missing_price=True, unit_price=D(0), customer_price=D("9.00"))
    f = only(evaluate(order(bad), POLICY), "price_missing")
    assert (f.severity, f.hold_kind, f.field) == ("hold", "price", "unit_price")
    assert "no list or contract price for CTR-3P-40A" in f.message
    assert codes(evaluate(order(bad), POLICY)) == ["price_missing"]


# --- header --------------------------------------------------------------------------------


def test_ship_to_missing_blocks():
    f = only(evaluate(order(ship_to_present=False, ship_to_country=""), POLICY), "ship_to_missing")
    assert (f.severity, f.hold_kind, f.field, f.line_key) == ("block", "data", "ship_to", None)


def test_ship_to_invalid_postal_code_holds_with_the_expected_shape():
    f = only(evaluate(order(ship_to_postal_code="6270"), POLICY), "ship_to_invalid")
    assert (f.severity, f.hold_kind) == ("hold", "data")
    assert "'6270' is not a valid US postal code; expected 5 digits" in f.message


def test_ship_to_invalid_country_holds():
    f = only(evaluate(order(ship_to_country="XX"), POLICY), "ship_to_invalid")
    assert "'XX' is not an ISO 3166 country code" in f.message


def test_bill_to_missing_blocks():
    f = only(evaluate(order(bill_to_present=False), POLICY), "bill_to_missing")
    assert (f.severity, f.hold_kind, f.field) == ("block", "data", "bill_to")


def test_po_missing_only_when_the_customer_requires_one():
    f = only(evaluate(order(customer_po="  "), POLICY), "po_missing")
    assert (f.severity, f.hold_kind, f.field) == ("hold", "data", "customer_po")
    assert evaluate(order(customer_po="", require_po=False), POLICY) == []


def test_duplicate_po_names_the_other_orders():
    facts = order(duplicate_po_orders=("SO000101", "SO000107"))
    f = only(evaluate(facts, POLICY), "duplicate_po")
    assert (f.severity, f.hold_kind) == ("hold", "duplicate")
    assert f.message == "PO PO-4711 is already on open order SO000101, SO000107."


def test_duplicate_lines_names_the_other_order_and_the_window():
    f = only(evaluate(order(duplicate_content_orders=("SO000101",)), POLICY), "duplicate_lines")
    assert (f.severity, f.hold_kind) == ("hold", "duplicate")
    assert f.message == "Order SO000101 of the last 14 days has the same lines as this one."


def test_customer_on_hold_goes_to_the_credit_queue():
    f = only(evaluate(order(customer_status="on_hold"), POLICY), "customer_on_hold")
    assert (f.severity, f.hold_kind, f.field) == ("hold", "credit", "customer")


def test_customer_closed_blocks():
    f = only(evaluate(order(customer_status="closed"), POLICY), "customer_closed")
    assert (f.severity, f.hold_kind) == ("block", "data")
    assert codes(evaluate(order(customer_status="closed"), POLICY)) == ["customer_closed"]


def test_freight_terms_missing_holds():
    f = only(evaluate(order(freight_terms_present=False), POLICY), "freight_terms_missing")
    assert (f.severity, f.hold_kind, f.field) == ("hold", "data", "freight_payment")


# --- credit --------------------------------------------------------------------------------


def test_credit_limit_shows_the_figures_and_the_amount_over():
    f = only(evaluate_credit(replace(CREDIT, this_order=D("20000.50"))), "credit_limit")
    assert (f.severity, f.hold_kind, f.line_key) == ("hold", "credit", None)
    assert f.message == (
        "This order takes the customer over the credit limit: open invoices 20,000.00 + open "
        "orders 10,000.00 + this order 20,000.50 = 50,000.50 USD, 0.50 USD over the limit of "
        "50,000.00 USD."
    )


def test_credit_limit_reached_exactly_or_not_set_passes():
    assert evaluate_credit(replace(CREDIT, this_order=D(20000))) == []
    assert evaluate_credit(replace(CREDIT, credit_limit=D(0), this_order=D(10**9))) == []


def test_credit_past_due_holds_with_the_oldest_age():
    facts = replace(CREDIT, past_due=D("1250.00"), oldest_past_due_days=45)
    f = only(evaluate_credit(facts), "credit_past_due")
    assert (f.severity, f.hold_kind) == ("hold", "credit")
    assert f.message == (
        "1,250.00 USD of the customer's invoices is past due by more than the 10 days' grace, "
        "the oldest by 45 days."
    )


# --- compliance ----------------------------------------------------------------------------


def test_hazmat_without_a_ship_method_holds():
    dg = line(key="2", sku="R410A-25", hazmat=True, un_number="UN3163")
    f = only(evaluate(order(LINE, dg, ship_method=""), POLICY), "hazmat_carrier")
    assert (f.severity, f.hold_kind, f.field, f.line_key) == (
        "hold",
        "compliance",
        "ship_method",
        None,
    )
    assert (
        f.message == "Line 2 (R410A-25) is dangerous goods (UN3163) and no ship method is chosen."
    )
    assert f.fix == "choose a ship method that accepts dangerous goods (UN3163)"


def test_hazmat_on_a_method_that_refuses_dangerous_goods_holds():
    dg = line(hazmat=True, un_number="UN1950")
    f = only(evaluate(order(dg), POLICY), "hazmat_carrier")
    assert "ship method UPS-GND does not accept them" in f.message
    assert evaluate(order(dg, ship_method="LTL-HAZ", ship_method_hazmat_allowed=True), POLICY) == []


def test_export_restricted_by_a_blank_class_or_a_prefix():
    controlled = line(export_control_class="5A992")
    for cls in ("", "5A"):
        facts = order(
            controlled,
            ship_to_country="CN",
            ship_to_postal_code="100000",
            restricted=(RestrictionFacts("CN", cls, "Entity list review"),),
        )
        f = only(evaluate(facts, POLICY), "export_restricted")
        assert (f.severity, f.hold_kind, f.line_key) == ("hold", "compliance", "1")
        assert "export controlled (5A992)" in f.message and "Entity list review" in f.message


def test_export_ear99_or_another_class_is_not_restricted():
    restricted = (RestrictionFacts("CN", "3A", "review"),)
    kw = {"ship_to_country": "CN", "ship_to_postal_code": "100000", "restricted": restricted}
    assert evaluate(order(line(export_control_class="5A992"), **kw), POLICY) == []
    blanket = (RestrictionFacts("CN", "", "review"),)
    kw["restricted"] = blanket
    assert evaluate(order(line(export_control_class="EAR99"), **kw), POLICY) == []
    assert evaluate(order(line(export_control_class=""), **kw), POLICY) == []


# --- dates ---------------------------------------------------------------------------------


def test_date_before_lead_time_in_stock_uses_handling_and_transit():
    early = line(requested_date=TODAY + dt.timedelta(days=3))
    f = only(evaluate(order(early), POLICY), "date_before_lead_time")
    assert (f.severity, f.hold_kind, f.field) == ("hold", "date", "requested_date")
    assert "earliest delivery is 2026-03-06 (in stock: 1 handling + 3 transit days)" in f.message
    assert f.action == {"action": "set_date", "line": "1", "date": "2026-03-06"}
    assert evaluate(order(line(requested_date=dt.date(2026, 3, 6))), POLICY) == []


def test_date_before_lead_time_out_of_stock_uses_the_lead_time():
    short = line(available_now=D(11), requested_date=dt.date(2026, 3, 10))
    f = only(evaluate(order(short), POLICY), "date_before_lead_time")
    assert "not in stock: 14 days lead time + 3 transit days" in f.message
    assert f.action["date"] == "2026-03-19"


def test_drop_ship_lines_always_take_the_lead_time():
    drop = line(drop_ship=True, requested_date=dt.date(2026, 3, 10))
    f = only(evaluate(order(drop), POLICY), "date_before_lead_time")
    assert "drop-ship: 14 days lead time" in f.message


def test_the_order_requested_date_applies_to_lines_without_their_own():
    own = line(key="2", requested_date=dt.date(2026, 4, 1))
    facts = order(line(key="1"), own, requested_date=dt.date(2026, 3, 4))
    f = only(evaluate(facts, POLICY), "date_before_lead_time")
    assert f.line_key == "1"


def test_requested_date_past_on_the_order_offers_the_earliest_date():
    short = line(key="2", available_now=D(0))
    facts = order(LINE, short, requested_date=dt.date(2026, 3, 1))
    f = only(evaluate(facts, POLICY), "requested_date_past")
    assert (f.severity, f.hold_kind, f.line_key) == ("hold", "date", None)
    assert f.message == "The requested date 2026-03-01 is before the order date 2026-03-02."
    assert f.action == {"action": "set_date", "date": "2026-03-19"}


def test_requested_date_past_on_a_line():
    f = only(
        evaluate(order(line(requested_date=dt.date(2026, 2, 1))), POLICY), "requested_date_past"
    )
    assert f.line_key == "1"
    assert f.action == {"action": "set_date", "line": "1", "date": "2026-03-06"}
    assert codes(evaluate(order(line(requested_date=dt.date(2026, 2, 1))), POLICY)) == [
        "requested_date_past"
    ]


def test_lines_sharing_the_order_date_raise_it_once_on_the_order():
    past = dt.date(2026, 3, 1)
    lines = [line(key=k, requested_date=past) for k in ("1", "2")]
    facts = order(*lines, requested_date=past)
    assert [(f.code, f.line_key) for f in evaluate(facts, POLICY)] == [
        ("requested_date_past", None)
    ]


# --- re-validating one line ----------------------------------------------------------------


def test_only_lines_restricts_line_rules_but_keeps_order_rules():
    bad = [line(key=str(n), sku=f"X{n}", item_found=False) for n in range(1, 6)]
    facts = order(*bad, bill_to_present=False)
    found = evaluate(facts, POLICY, only_lines=frozenset({"2", "4"}))
    assert [(f.code, f.line_key) for f in found] == [
        ("bill_to_missing", None),
        ("sku_unknown", "2"),
        ("sku_unknown", "4"),
    ]


def test_a_thousand_lines_take_a_few_milliseconds():
    lines = tuple(line(key=str(n), sku=f"SKU-{n}", customer_price=D("10.05")) for n in range(1000))
    facts = order(*lines, requested_date=dt.date(2026, 3, 20))
    best = min(_timed(lambda: evaluate(facts, POLICY)) for _ in range(5))
    assert best < 0.05


def _timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# --- properties ----------------------------------------------------------------------------


@st.composite
def clean_lines(draw: st.DrawFn, key: str) -> LineFacts:
    multiple = draw(st.sampled_from([D(1), D(5), D(12), D("0.5")]))
    moq = multiple * draw(st.integers(0, 5))
    packs = draw(st.integers(max(1, int(moq / multiple)), 500))
    quantity = multiple * packs
    price = draw(st.decimals(D(1), D(5000), places=2))
    wiggle = draw(st.decimals(D("-0.02"), D("0.02"), places=4))
    lead = draw(st.integers(0, 60))
    return line(
        key=key,
        sku=f"SKU-{key}",
        quantity=quantity,
        min_order_qty=moq,
        order_multiple=multiple,
        unit_price=price,
        customer_price=draw(st.none() | st.just((price * (1 + wiggle)).quantize(D("0.0001")))),
        lead_time_days=lead,
        available_now=draw(st.decimals(D(0), D(10000), places=4)),
        requested_date=draw(
            st.none() | st.just(TODAY + dt.timedelta(days=lead + 4 + draw(st.integers(0, 30))))
        ),
        hazmat=draw(st.booleans()),
        un_number="UN1950",
        export_control_class=draw(st.sampled_from(["", "EAR99"])),
        drop_ship=draw(st.booleans()),
    )


@st.composite
def clean_orders(draw: st.DrawFn) -> OrderFacts:
    n = draw(st.integers(1, 30))
    lines = tuple(draw(clean_lines(str(k))) for k in range(1, n + 1))
    return order(
        *lines,
        ship_method="LTL-HAZ",
        ship_method_hazmat_allowed=True,
        restricted=(RestrictionFacts("US", "", "review"),),
        requested_date=draw(st.none() | st.just(TODAY + dt.timedelta(days=100))),
    )


@settings(max_examples=200, deadline=None)
@given(clean_orders())
def test_a_clean_random_order_gets_no_findings(facts: OrderFacts):
    assert evaluate(facts, POLICY) == []


@settings(max_examples=100, deadline=None)
@given(clean_orders(), st.data())
def test_only_lines_gives_exactly_the_full_findings_of_those_lines(facts: OrderFacts, data):
    spoil = [
        {"item_found": False},
        {"quantity": D("0.25")},
        {"customer_price": D("0.0001")},
        {"requested_date": dt.date(2026, 1, 1)},
        {},
    ]
    lines = tuple(replace(ln, **data.draw(st.sampled_from(spoil))) for ln in facts.lines)
    facts = replace(facts, lines=lines, bill_to_present=data.draw(st.booleans()))
    keys = frozenset(data.draw(st.sets(st.sampled_from([ln.key for ln in lines]))))
    full = evaluate(facts, POLICY)
    part = evaluate(facts, POLICY, only_lines=keys)
    assert part == [f for f in full if f.line_key is None or f.line_key in keys]

"""The return policy check on plain values: refusals and findings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from orderdesk.returns.policy import LineFacts, Policy, ShippedLot, check

D = Decimal
TODAY = dt.date(2026, 5, 31)


def facts(**kw: object) -> LineFacts:
    values: dict = {
        "index": 0,
        "line_no": 1,
        "sku": "SKU-1",
        "tracking": "none",
        "returnable": True,
        "quantity": D(2),
        "lot": "",
        "shipped": (ShippedLot("", D(5), dt.date(2026, 5, 20)),),
        "on_rmas": {},
    }
    values.update(kw)
    return LineFacts(**values)  # type: ignore[arg-type]


def test_within_window_and_shipped_passes_clean() -> None:
    out = check(policy=Policy(), lines=[facts()], today=TODAY)

    assert (out.refusals, out.findings, out.lots) == ([], [], [""])


def test_more_than_shipped_less_other_rmas_is_refused_with_the_room_left() -> None:
    out = check(policy=Policy(), lines=[facts(quantity=D(3), on_rmas={"": D(3)})], today=TODAY)

    [refusal] = out.refusals
    assert refusal.code == "over_return"
    assert refusal.field == "lines[0].quantity"
    assert refusal.message == (
        "line 1 (SKU-1): 3 asked back, but 5 shipped and 3 are already on other RMAs"
    )
    assert refusal.fix == "return at most 2"


def test_nothing_shipped_is_refused() -> None:
    out = check(policy=Policy(), lines=[facts(shipped=())], today=TODAY)

    assert [r.code for r in out.refusals] == ["nothing_shipped"]


def test_zero_quantity_is_refused() -> None:
    out = check(policy=Policy(), lines=[facts(quantity=D(0))], today=TODAY)

    assert [r.code for r in out.refusals] == ["quantity_invalid"]


def test_outside_window_and_non_returnable_are_findings_not_refusals() -> None:
    line = facts(returnable=False, shipped=(ShippedLot("", D(5), dt.date(2026, 4, 1)),))

    out = check(policy=Policy(window_days=30), lines=[line], today=TODAY)

    assert out.refusals == []
    assert [(f.code, f.line_no) for f in out.findings] == [
        ("outside_window", 1),
        ("not_returnable", 1),
    ]
    assert out.findings[0].message == (
        "line 1 (SKU-1) shipped 2026-04-01, 60 days ago: the return window is 30 days"
    )


def test_window_counts_from_the_latest_shipment_of_the_named_lot() -> None:
    shipped = (
        ShippedLot("L1", D(2), dt.date(2026, 3, 1)),
        ShippedLot("L2", D(2), dt.date(2026, 5, 25)),
    )
    old = facts(tracking="lot", lot="L1", quantity=D(1), shipped=shipped)
    new = facts(index=1, line_no=2, tracking="lot", lot="L2", quantity=D(1), shipped=shipped)

    out = check(policy=Policy(window_days=30), lines=[old, new], today=TODAY)

    assert [(f.code, f.line_no) for f in out.findings] == [("outside_window", 1)]
    assert out.ship_dates == [dt.date(2026, 3, 1), dt.date(2026, 5, 25)]


def test_day_thirty_is_still_inside_a_thirty_day_window() -> None:
    line = facts(shipped=(ShippedLot("", D(5), TODAY - dt.timedelta(days=30)),))

    assert check(policy=Policy(window_days=30), lines=[line], today=TODAY).findings == []


def test_lot_of_a_tracked_item_must_be_one_that_shipped_on_the_line() -> None:
    line = facts(tracking="lot", lot="ZZ9", shipped=(ShippedLot("L1", D(5), TODAY),))

    [refusal] = check(policy=Policy(), lines=[line], today=TODAY).refusals

    assert (refusal.code, refusal.field) == ("lot_not_shipped", "lines[0].lot")
    assert refusal.fix == "check the lot number on the goods; shipped on this line: L1"


def test_the_only_lot_shipped_is_taken_when_none_is_given() -> None:
    line = facts(tracking="lot", shipped=(ShippedLot("L1", D(5), TODAY),))

    out = check(policy=Policy(), lines=[line], today=TODAY)

    assert (out.refusals, out.lots) == ([], ["L1"])


def test_two_lots_shipped_and_none_named_asks_which() -> None:
    shipped = (ShippedLot("L1", D(2), TODAY), ShippedLot("L2", D(3), TODAY))
    line = facts(tracking="serial", shipped=shipped)

    [refusal] = check(policy=Policy(), lines=[line], today=TODAY).refusals

    assert refusal.code == "lot_required"
    assert refusal.fix == "give the serial number on the goods: one of L1, L2"


def test_per_lot_limit_counts_other_rmas_of_that_lot() -> None:
    shipped = (ShippedLot("L1", D(2), TODAY), ShippedLot("L2", D(3), TODAY))
    line = facts(tracking="lot", lot="L1", quantity=D(2), shipped=shipped, on_rmas={"L1": D(1)})

    [refusal] = check(policy=Policy(), lines=[line], today=TODAY).refusals

    assert refusal.code == "over_return"
    assert refusal.fix == "return at most 1 of L1"


def test_two_requested_lines_of_one_order_line_add_up() -> None:
    shipped = (ShippedLot("L1", D(2), TODAY), ShippedLot("L2", D(3), TODAY))
    a = facts(tracking="lot", lot="L1", quantity=D(2), shipped=shipped, on_rmas={"L2": D(1)})
    b = facts(index=1, tracking="lot", lot="L2", quantity=D(3), shipped=shipped, on_rmas=a.on_rmas)

    [refusal] = check(policy=Policy(), lines=[a, b], today=TODAY).refusals

    assert (refusal.code, refusal.field) == ("over_return", "lines[1].quantity")
    assert refusal.fix == "return at most 2"


def test_untracked_item_with_a_lot_is_refused() -> None:
    [refusal] = check(policy=Policy(), lines=[facts(lot="X")], today=TODAY).refusals

    assert refusal.code == "lot_not_allowed"


def test_drop_shipped_line_without_ship_date_is_a_finding() -> None:
    line = facts(shipped=(ShippedLot("", D(5), None),))

    out = check(policy=Policy(), lines=[line], today=TODAY)

    assert [f.code for f in out.findings] == ["ship_date_unknown"]

"""The pure ATP engine: profiles, promise dates, kit units and the warehouse choice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from orderdesk.inventory.atp import (
    atp_profile,
    kit_units,
    promise_date,
    warehouse_order,
    warehouse_plan,
)

TODAY = dt.date(2026, 3, 2)
D = Decimal


def day(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def test_profile_starts_with_free_stock_and_adds_receipts_on_their_dates():
    profile = atp_profile(
        D(10), D(3), D(2), [(day(7), D(5)), (day(3), D(4)), (day(7), D(1))], TODAY
    )
    assert profile == [(TODAY, D(5)), (day(3), D(9)), (day(7), D(15))]


def test_late_receipts_and_old_demand_count_from_today():
    profile = atp_profile(D(0), D(0), D(0), [(day(-4), D(6))], TODAY, [(day(-1), D(2))])
    assert profile == [(TODAY, D(4))]


def test_demand_lowers_the_profile_from_its_date():
    profile = atp_profile(D(10), D(0), D(0), [(day(5), D(10))], TODAY, [(day(2), D(8))])
    assert profile == [(TODAY, D(10)), (day(2), D(2)), (day(5), D(12))]


def test_promise_is_today_when_free_stock_covers_it():
    assert promise_date([(TODAY, D(5))], D(5), day(30)) == TODAY


def test_promise_waits_for_the_receipt_that_covers_it():
    profile = [(TODAY, D(2)), (day(3), D(6)), (day(9), D(20))]
    assert promise_date(profile, D(6), day(30)) == day(3)
    assert promise_date(profile, D(7), day(30)) == day(9)


def test_promise_falls_back_to_lead_time_when_receipts_never_cover_it():
    profile = [(TODAY, D(2)), (day(3), D(6))]
    assert promise_date(profile, D(7), day(14)) == day(14)
    assert promise_date(profile, D(7), None) is None


def test_promise_never_takes_stock_promised_to_later_demand():
    # 10 free today, 8 promised on day 2, 10 more on day 5: 5 more can only be promised then.
    profile = atp_profile(D(10), D(0), D(0), [(day(5), D(10))], TODAY, [(day(2), D(8))])
    assert promise_date(profile, D(5), day(30)) == day(5)
    assert promise_date(profile, D(2), day(30)) == TODAY


def test_nothing_to_promise_is_promised_today():
    assert promise_date([(TODAY, D(-3))], D(0), day(9)) == TODAY
    assert promise_date([], D(1), day(9)) == day(9)


def test_kit_units_are_whole_kits_of_the_scarcest_component():
    assert kit_units({1: D(7), 2: D(10)}, {1: D(2), 2: D(1)}) == D(3)
    assert kit_units({1: D(7)}, {1: D(2), 2: D(1)}) == D(0)
    assert kit_units({1: D(-2), 2: D(10)}, {1: D(1), 2: D(1)}) == D(0)
    assert kit_units({1: D(7)}, {}) == D(0)


def test_warehouse_order_pinned_preferred_then_most_available():
    free = {1: D(3), 2: D(9), 3: D(9), 4: D(1)}
    assert warehouse_order(free, pinned=4) == [4]
    assert warehouse_order(free, preferred=1) == [1, 2, 3, 4]
    assert warehouse_order(free) == [2, 3, 1, 4]


def test_split_plan_fills_from_most_available_first():
    assert warehouse_plan(D(10), {1: D(3), 2: D(8)}) == [(2, D(8)), (1, D(2))]


def test_no_split_takes_the_first_warehouse_that_fills_the_line_whole():
    free = {1: D(3), 2: D(8), 3: D(12)}
    assert warehouse_plan(D(5), free, preferred=1, allow_split=False) == [(3, D(5))]
    assert warehouse_plan(D(3), free, preferred=1, allow_split=False) == [(1, D(3))]


def test_no_split_without_a_whole_fill_takes_what_the_best_warehouse_has():
    assert warehouse_plan(D(20), {1: D(3), 2: D(8)}, allow_split=False) == [(2, D(8))]
    assert warehouse_plan(D(20), {1: D(0)}, allow_split=False) == []
    assert warehouse_plan(D(20), {}, allow_split=False) == []


def test_a_pinned_line_only_takes_from_its_warehouse():
    assert warehouse_plan(D(5), {1: D(2), 2: D(50)}, pinned=1) == [(1, D(2))]
    assert warehouse_plan(D(5), {2: D(50)}, pinned=1) == []


# properties

quantity = st.decimals(min_value=D(0), max_value=D(1000), places=4)
signed = st.decimals(min_value=D(-200), max_value=D(1000), places=4)
dated = st.lists(st.tuples(st.integers(-5, 60).map(day), quantity), max_size=8)


@settings(max_examples=300, deadline=None)
@given(
    need=quantity,
    free=st.dictionaries(st.integers(1, 6), signed, max_size=6),
    pinned=st.none() | st.integers(1, 6),
    preferred=st.none() | st.integers(1, 6),
    split=st.booleans(),
)
def test_allocation_never_exceeds_what_is_available(need, free, pinned, preferred, split):
    plan = warehouse_plan(need, free, pinned=pinned, preferred=preferred, allow_split=split)
    total = sum((q for _, q in plan), D(0))
    assert total <= need
    assert all(D(0) < q <= free.get(w, D(0)) for w, q in plan)
    assert len({w for w, _ in plan}) == len(plan)
    if not split:
        assert len(plan) <= 1
    if pinned is not None:
        assert all(w == pinned for w, _ in plan)
    elif split:  # nothing left behind that some warehouse could have given
        assert total == min(need, sum((max(q, D(0)) for q in free.values()), D(0)))


@settings(max_examples=300, deadline=None)
@given(on_hand=quantity, allocated=quantity, held=quantity, receipts=dated)
def test_profile_never_goes_down_without_demand(on_hand, allocated, held, receipts):
    profile = atp_profile(on_hand, allocated, held, receipts, TODAY)
    values = [v for _, v in profile]
    dates = [d for d, _ in profile]
    assert values == sorted(values)
    assert dates == sorted(set(dates)) and dates[0] == TODAY
    assert values[-1] == on_hand - allocated - held + sum((q for _, q in receipts), D(0))


@settings(max_examples=300, deadline=None)
@given(
    on_hand=quantity,
    receipts=dated,
    demand=dated,
    small=quantity,
    extra=quantity,
    lead=st.integers(0, 90),
)
def test_promise_date_is_monotone_in_quantity_and_covered_for_good(
    on_hand, receipts, demand, small, extra, lead
):
    profile = atp_profile(on_hand, D(0), D(0), receipts, TODAY, demand)
    fallback = day(lead)
    first = promise_date(profile, small, fallback)
    second = promise_date(profile, small + extra, fallback)
    assert first is not None and second is not None
    covered = [d for d, _ in profile] + [fallback]
    assert first in covered
    # a larger quantity is never promised earlier, unless only the lead time could cover it
    if second != fallback:
        assert first <= second
    if first != fallback and small > 0:
        assert all(v >= small for d, v in profile if d >= first)


@settings(max_examples=200, deadline=None)
@given(
    free=st.dictionaries(st.integers(1, 4), quantity, max_size=4),
    per=st.dictionaries(
        st.integers(1, 4), st.decimals(min_value=D("0.5"), max_value=D(10), places=1), max_size=4
    ),
)
def test_kit_units_never_take_more_components_than_there_are(free, per):
    units = kit_units(free, per)
    assert units == units.to_integral_value() and units >= 0
    assert all(units * q <= free.get(c, D(0)) for c, q in per.items())
    assert not per or any((units + 1) * q > free.get(c, D(0)) for c, q in per.items())

"""Available-to-promise and the warehouse choice of an allocation: plain values, no Django.

ATP of an item in a warehouse, day by day: what is free now (on hand − allocated − stock on
quality hold), plus the receipts purchase orders promise on their dates, minus demand that is
already promised and not yet covered by stock (backorders ahead in the queue). A quantity can
be promised on the first day from which the cumulative ATP covers it *for good*: promising
it on a day the profile later dips below would take stock someone else was promised.

Quantities are Decimal in the item's base unit; warehouses are plain ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal

ZERO = Decimal(0)

Profile = list[tuple[dt.date, Decimal]]


def atp_profile(
    on_hand: Decimal,
    allocated: Decimal,
    held: Decimal,
    receipts: Iterable[tuple[dt.date, Decimal]],
    today: dt.date,
    demand: Iterable[tuple[dt.date, Decimal]] = (),
) -> Profile:
    """Cumulative ATP by date: the first point is `today`, then one per date that changes it.

    `held` is the unallocated stock on quality hold (it is on hand, but cannot be promised).
    Receipts and demand dated before `today` (a purchase order the vendor is late with, a
    backorder past its date) count from `today`: they are still expected, just not yet here.
    Without demand the profile never goes down.
    """
    deltas: dict[dt.date, Decimal] = {}
    for day, quantity in receipts:
        key = max(day, today)
        deltas[key] = deltas.get(key, ZERO) + quantity
    for day, quantity in demand:
        key = max(day, today)
        deltas[key] = deltas.get(key, ZERO) - quantity
    running = on_hand - allocated - held + deltas.pop(today, ZERO)
    profile: Profile = [(today, running)]
    for day in sorted(deltas):
        running += deltas[day]
        profile.append((day, running))
    return profile


def promise_date(
    profile: Sequence[tuple[dt.date, Decimal]],
    quantity: Decimal,
    fallback_date: dt.date | None,
) -> dt.date | None:
    """The earliest date from which the cumulative ATP covers `quantity` on every later date.

    `fallback_date` (today + lead time, as a rule) when the profile never covers it: the
    quantity has to be bought beyond what is on order. A later date never covers less than an
    earlier one, so a larger quantity is never promised earlier than a smaller one.
    """
    if not profile:
        return fallback_date
    if quantity <= 0:
        return profile[0][0]
    suffix_min: list[Decimal] = [ZERO] * len(profile)
    low: Decimal | None = None
    for i in range(len(profile) - 1, -1, -1):
        value = profile[i][1]
        low = value if low is None or value < low else low
        suffix_min[i] = low
    for i, (day, _) in enumerate(profile):
        if suffix_min[i] >= quantity:
            return day
    return fallback_date


def kit_units(available: Mapping[int, Decimal], per_kit: Mapping[int, Decimal]) -> Decimal:
    """Whole kits the components' stock makes: min over components of ⌊available / per kit⌋.

    A kit without components makes none (it cannot be shipped as a kit).
    """
    if not per_kit:
        return ZERO
    units: Decimal | None = None
    for component, quantity in per_kit.items():
        free = max(available.get(component, ZERO), ZERO)
        whole = (free / quantity).to_integral_value(rounding=ROUND_FLOOR)
        units = whole if units is None or whole < units else units
    return units if units is not None else ZERO


def warehouse_order(
    available: Mapping[int, Decimal], *, pinned: int | None = None, preferred: int | None = None
) -> list[int]:
    """Where to take stock from, in turn: only the pinned warehouse if there is one, else the
    preferred warehouse first, then the others by most available (ties: lowest id)."""
    if pinned is not None:
        return [pinned]
    others = sorted(
        (w for w in available if w != preferred), key=lambda w: (-available.get(w, ZERO), w)
    )
    return ([preferred] if preferred is not None else []) + others


def warehouse_plan(
    need: Decimal,
    available: Mapping[int, Decimal],
    *,
    pinned: int | None = None,
    preferred: int | None = None,
    allow_split: bool = True,
) -> list[tuple[int, Decimal]]:
    """How much of `need` to take from which warehouse; never more than `need`, never more
    than a warehouse has. What the plan does not cover is the backorder.

    Without `allow_split` the line comes from one warehouse: the first in turn that fills it
    whole, else the one with most available (the rest waits there).
    """
    if need <= 0:
        return []
    turn = warehouse_order(available, pinned=pinned, preferred=preferred)
    free = {w: max(available.get(w, ZERO), ZERO) for w in turn}
    if not allow_split:
        whole = next((w for w in turn if free[w] >= need), None)
        if whole is not None:
            return [(whole, need)]
        best = max(turn, key=lambda w: (free[w], w == preferred, -w), default=None)
        if best is None or free[best] <= 0:
            return []
        return [(best, min(need, free[best]))]
    plan: list[tuple[int, Decimal]] = []
    left = need
    for w in turn:
        take = min(left, free[w])
        if take > 0:
            plan.append((w, take))
            left -= take
        if left <= 0:
            break
    return plan

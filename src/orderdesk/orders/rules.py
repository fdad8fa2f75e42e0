"""Order validation: plain facts about an order in, the findings a clerk acts on out.

Pure: no Django, no models. `orders.facts` reads everything the rules need in a fixed number
of queries and hands it over as frozen dataclasses; this module only decides. That is why
every rule is tested without a database, why a 1,000-line order is checked in a few
milliseconds, and why the same order always gets the same findings, whichever channel it
came through (API, desk, portal, file, EDI, e-mail).

How a finding gates the order:

* block: the order cannot go on as it is (an unknown SKU, no ship-to, a closed account).
  It stays on hold until the data is corrected; a block cannot be overridden.
* hold: the order waits in the exception queue of its `hold_kind` (data, price, credit,
  compliance, duplicate, date) until a clerk applies the suggested fix or overrides the
  finding with a reason. Credit holds are for billing to release.
* warn: shown with the order, never stops it.

An order with no open block or hold finding is accepted untouched; that is how routine
orders flow through. Each finding carries the sentence a clerk reads, the fix in words and,
where one click can apply the fix, an `action` for the exception screen.

Re-validation after a change: `evaluate(..., only_lines=...)` runs the order-level rules and
the rules of the named lines only, so changing one line of a 1,000-line order re-checks that
line. The caller replaces the order-level findings and those of the named lines. Line rules
read only their own line (and the order header), never other lines; order-level rules may
read every line (hazmat against the ship method, the earliest date for the whole order).
A change to the header re-validates everything (`only_lines=None`).

Dates are calendar days. The earliest delivery of a line is the order date plus the
handling days and the ship method's transit days when the stock available today covers the
line, else plus the item's lead time (at least the handling days) and the transit days.
Drop-ship lines always take the lead time. Each line is compared with the stock on its own.
A requested date before the order date is raised once on the order when it is the order's
date (intake copies it onto the lines), on the line when the line has a date of its own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from math import gcd
from typing import Any, NamedTuple

from orderdesk.parties.postal import check_country, check_postal_code

# Severities and hold kinds: the values of orders.states.Severity / HoldKind, as plain strings.
BLOCK, HOLD, WARN = "block", "hold", "warn"
DATA, PRICE, CREDIT = "data", "price", "credit"
COMPLIANCE, DUPLICATE, DATE = "compliance", "duplicate", "date"

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
_PRICE_PLACES = Decimal("0.0001")
_QTY_SCALE = 4  # quantities are stored with 4 places (core.money.QUANTITY_PLACES)
#: Above this many ordered units per step, a quantity is suggested in the base unit instead.
_MAX_WHOLE_STEP = 100
_NAMED_LINES = 5


# --- inputs ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LineFacts:
    """One order line as the rules see it. Quantities named *base* are in the item's base
    unit; `quantity` and the prices are per unit ordered."""

    key: str  # the line number, as text
    sku: str
    quantity: Decimal
    uom: str
    item_found: bool
    item_status: str = "active"  # active | discontinued
    replacement_sku: str = ""
    replacement_active: bool = False
    uom_known: bool = True  # the base unit, or a unit with a conversion
    base_uom: str = ""
    factor: Decimal = ONE
    min_order_qty: Decimal = ZERO
    order_multiple: Decimal = ONE
    unit_price: Decimal = ZERO
    customer_price: Decimal | None = None
    missing_price: bool = False
    hazmat: bool = False
    un_number: str = ""
    export_control_class: str = ""
    lead_time_days: int = 0
    available_now: Decimal = ZERO
    requested_date: dt.date | None = None
    drop_ship: bool = False


@dataclass(frozen=True, slots=True)
class RestrictionFacts:
    country: str
    control_class: str  # '' = every controlled class (anything but EAR99)
    reason: str


@dataclass(frozen=True, slots=True)
class OrderFacts:
    order_date: dt.date
    customer_status: str  # active | on_hold | closed
    customer_po: str
    require_po: bool
    bill_to_present: bool
    ship_to_present: bool
    ship_to_country: str
    ship_to_postal_code: str
    ship_to_region: str
    ship_method: str  # code; '' = none chosen
    ship_method_hazmat_allowed: bool
    ship_method_international: bool
    transit_days: int
    freight_terms_present: bool  # an Incoterm or the freight payment is set
    requested_date: dt.date | None
    restricted: tuple[RestrictionFacts, ...] = ()
    duplicate_po_orders: tuple[str, ...] = ()
    duplicate_content_orders: tuple[str, ...] = ()
    lines: tuple[LineFacts, ...] = ()


@dataclass(frozen=True, slots=True)
class CreditFacts:
    currency: str
    credit_limit: Decimal  # 0 = no limit set: the limit rule is skipped
    open_receivables: Decimal
    open_orders: Decimal  # other open, uninvoiced orders
    this_order: Decimal
    past_due: Decimal  # open amount past due beyond the grace days
    oldest_past_due_days: int
    grace_days: int


@dataclass(frozen=True, slots=True)
class Policy:
    """How the desk treats one customer's orders (`orders.facts.policy_for` fills it)."""

    price_tolerance_percent: Decimal = Decimal(2)
    duplicate_window_days: int = 14
    credit_grace_days: int = 10
    handling_days: int = 1
    change_approval_amount: Decimal = Decimal(1000)
    require_po: bool = False
    ship_complete: bool = False
    allow_split: bool = True


# --- output ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: str  # block | hold | warn
    hold_kind: str  # data | price | credit | compliance | duplicate | date
    message: str
    fix: str
    line_key: str | None = None
    field: str = ""
    action: dict[str, Any] = dataclasses.field(default_factory=dict)


class Rule(NamedTuple):
    code: str
    severity: str
    hold_kind: str
    description: str


RULES: list[Rule] = [
    Rule("customer_closed", BLOCK, DATA, "The customer's account is closed."),
    Rule("customer_on_hold", HOLD, CREDIT, "The customer's account is on hold."),
    Rule("bill_to_missing", BLOCK, DATA, "The order has no bill-to address."),
    Rule("ship_to_missing", BLOCK, DATA, "The order has no ship-to address."),
    Rule("ship_to_invalid", HOLD, DATA, "The ship-to's country or postal code is not valid."),
    Rule("po_missing", HOLD, DATA, "The customer requires a PO number and none was given."),
    Rule("duplicate_po", HOLD, DUPLICATE, "Another open order has the same PO number."),
    Rule("duplicate_lines", HOLD, DUPLICATE, "A recent order of the customer has the same lines."),
    Rule("freight_terms_missing", HOLD, DATA, "Neither an Incoterm nor the freight payment set."),
    Rule("requested_date_past", HOLD, DATE, "The requested date is before the order date."),
    Rule("hazmat_carrier", HOLD, COMPLIANCE, "Dangerous goods on a ship method that refuses them."),
    Rule("sku_unknown", BLOCK, DATA, "The SKU is not in the catalogue."),
    Rule("sku_discontinued", HOLD, DATA, "Item discontinued (block if no active replacement)."),
    Rule("uom_unknown", BLOCK, DATA, "The item cannot be ordered in this unit."),
    Rule("qty_below_moq", HOLD, DATA, "The quantity is below the minimum order quantity."),
    Rule("qty_off_multiple", HOLD, DATA, "The quantity is not a whole multiple of the pack."),
    Rule("price_missing", HOLD, PRICE, "No list or contract price for the item."),
    Rule("price_mismatch", HOLD, PRICE, "The PO price differs from ours beyond the tolerance."),
    Rule("export_restricted", HOLD, COMPLIANCE, "Export-controlled item, restricted destination."),
    Rule("date_before_lead_time", HOLD, DATE, "Requested before the line can be delivered."),
    Rule("credit_limit", HOLD, CREDIT, "The order takes the customer over the credit limit."),
    Rule("credit_past_due", HOLD, CREDIT, "Invoices past due beyond the grace days."),
]  # fmt: skip
_RULE = {r.code: r for r in RULES}


def _find(
    code: str,
    message: str,
    fix: str,
    line: str | None = None,
    field: str = "",
    action: dict[str, Any] | None = None,
    *,
    severity: str = "",
) -> Finding:
    rule = _RULE[code]
    return Finding(
        code, severity or rule.severity, rule.hold_kind, message, fix, line, field, action or {}
    )


# --- formatting --------------------------------------------------------------------------


def _qty(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _price(value: Decimal) -> str:
    """A unit price as stored: 4 places (what an accept_price action sends)."""
    return str(value.quantize(_PRICE_PLACES, rounding=ROUND_HALF_UP))


def _money(value: Decimal) -> str:
    if value == value.quantize(Decimal("0.01")):
        return f"{value:,.2f}"
    return f"{value.normalize():,f}"


def _label(line: LineFacts) -> str:
    return f"Line {line.key} ({line.sku})"


def _lines_named(lines: list[LineFacts]) -> str:
    named = ", ".join(f"{ln.key} ({ln.sku})" for ln in lines[:_NAMED_LINES])
    more = len(lines) - _NAMED_LINES
    word = "Line" if len(lines) == 1 else "Lines"
    return f"{word} {named}" + (f" and {more} more" if more > 0 else "")


# --- quantities --------------------------------------------------------------------------


def _ceil_to(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_CEILING) * step


def _scaled(value: Decimal) -> int | None:
    scaled = value.scaleb(_QTY_SCALE)
    return int(scaled) if scaled == scaled.to_integral_value() else None


def suggest_quantity(line: LineFacts, required_base: Decimal) -> tuple[Decimal, str]:
    """The smallest quantity reaching `required_base` base units whose base quantity is a
    whole multiple of the order multiple, as (quantity, unit).

    Ordered in the base unit: any quantity on the multiple. Ordered in another unit: a whole
    number of that unit (5 cases, not 4.17), unless that would take steps of more than
    100 units (feet of a cable sold by the metre): then the quantity is given in the base unit.
    """
    multiple = line.order_multiple if line.order_multiple > 0 else None
    target = _ceil_to(required_base, multiple) if multiple is not None else required_base
    factor = line.factor
    if factor == ONE:
        return target, line.uom
    if factor <= 0:
        return target, line.base_uom
    step: int | None = 1
    if multiple is not None:
        f_units, m_units = _scaled(factor), _scaled(multiple)
        step = None if f_units is None or m_units is None else m_units // gcd(f_units, m_units)
    if step is not None and step <= _MAX_WHOLE_STEP:
        units = int((target / factor).to_integral_value(rounding=ROUND_CEILING))
        units = -(-units // step) * step
        return Decimal(units), line.uom
    return target, line.base_uom


# --- line rules --------------------------------------------------------------------------


def _earliest(line: LineFacts, facts: OrderFacts, policy: Policy) -> tuple[dt.date, str]:
    """The earliest delivery date of a line, and why (for the message)."""
    transit = facts.transit_days
    in_stock = not line.drop_ship and line.available_now >= line.quantity * line.factor
    if in_stock:
        days = policy.handling_days + transit
        why = f"in stock: {policy.handling_days} handling + {transit} transit days"
    else:
        lead = max(line.lead_time_days, policy.handling_days)
        days = lead + transit
        source = "drop-ship" if line.drop_ship else "not in stock"
        why = f"{source}: {lead} days lead time + {transit} transit days"
    return facts.order_date + dt.timedelta(days=days), why


def _line_findings(line: LineFacts, facts: OrderFacts, policy: Policy, out: list[Finding]) -> None:
    key, label, sku = line.key, _label(line), line.sku

    def add(code: str, message: str, fix: str, field: str, action: Any = None, **kw: str) -> None:
        out.append(_find(code, message, fix, key, field, action, **kw))

    if not line.item_found:
        add("sku_unknown", f"Line {key}: SKU {sku} is not in the catalogue.", _FIX_SKU, "sku")
        return
    if line.item_status == "discontinued":
        new = line.replacement_sku
        if new and line.replacement_active:
            action = {"action": "replace_sku", "line": key, "sku": new}
            message = f"Line {key}: {sku} is discontinued; its replacement is {new}."
            fix = f"replace {sku} with {new}, or remove the line"
            add("sku_discontinued", message, fix, "sku", action)
        else:
            why = f"{new}, its replacement, is discontinued too" if new else "none is set"
            message = f"Line {key}: {sku} is discontinued and has no active replacement ({why})."
            add("sku_discontinued", message, _FIX_DISCONTINUED, "sku", severity=BLOCK)

    if not line.uom_known:
        unit, base_uom = line.uom or "a blank unit", line.base_uom
        message = f"Line {key}: {sku} is not sold in {unit}" + (
            f"; its unit is {base_uom}." if base_uom else "."
        )
        if base_uom:
            fix = f"order it in {base_uom} (convert the quantity), or add a conversion for {unit}"
            action = {"action": "use_uom", "line": key, "uom": base_uom}
            add("uom_unknown", message, fix, "uom", action)
        else:
            add("uom_unknown", message, "correct the unit, or add a conversion for it", "uom")
    else:
        base = line.quantity if line.factor == ONE else line.quantity * line.factor
        moq, multiple = line.min_order_qty, line.order_multiple
        below = moq > 0 and base < moq
        off = multiple > 0 and base % multiple != 0
        if below or off:
            suggested, unit = suggest_quantity(line, max(base, moq))
            amount = _qty(suggested)
            action = {"action": "set_quantity", "line": key, "quantity": amount, "uom": unit}
            in_base = "" if line.factor == ONE else f" ({_qty(base)} {line.base_uom})"
            ordered = f"{label}: {_qty(line.quantity)} {line.uom}{in_base}"
            if below:
                message = f"{ordered} is below the minimum order quantity of {_qty(moq)} " + (
                    f"{line.base_uom}."
                )
                fix = f"order {amount} {unit}, or override if the customer may buy less"
                add("qty_below_moq", message, fix, "quantity", action)
            if off:
                message = f"{ordered} is not a whole multiple of the order multiple, " + (
                    f"{_qty(multiple)} {line.base_uom}."
                )
                fix = f"order {amount} {unit}, or override if a broken pack may be sold"
                add("qty_off_multiple", message, fix, "quantity", dict(action))

    if line.missing_price:
        message = f"{label}: there is no list or contract price for {sku}."
        add("price_missing", message, _FIX_PRICE, "unit_price")
    elif line.customer_price is not None:
        ours, theirs = line.unit_price, line.customer_price
        if abs(theirs - ours) > ours * policy.price_tolerance_percent / HUNDRED:
            pct = ((theirs - ours) * HUNDRED / ours).quantize(Decimal("0.1")) if ours else None
            tolerance = f"tolerance {_qty(policy.price_tolerance_percent)}%"
            message = (
                f"{label}: the PO price {_money(theirs)} per {line.uom} differs from our price "
                f"{_money(ours)}" + (f" ({pct:+}%, {tolerance})." if pct is not None else ".")
            )
            fix = (
                f"accept our price of {_money(ours)}, or override to honour the PO price of "
                f"{_money(theirs)}"
            )
            action = {"action": "accept_price", "line": key, "price": _price(ours)}
            add("price_mismatch", message, fix, "unit_price", action)

    eccn = line.export_control_class.strip().upper()
    if eccn and eccn != "EAR99" and facts.restricted:
        country = facts.ship_to_country
        for r in facts.restricted:
            if r.country in ("", country) and eccn.startswith(r.control_class.strip().upper()):
                message = (
                    f"Line {key}: {sku} is export controlled ({eccn}) and {country} is a "
                    f"restricted destination: {r.reason}."
                )
                add("export_restricted", message, _FIX_EXPORT, "sku")
                break

    order_date = facts.order_date
    requested = line.requested_date or facts.requested_date
    if requested is None:
        return
    if requested < order_date:
        if requested == facts.requested_date:
            return  # the order's own date: raised once, on the order
        message = (
            f"{label}: the requested date {requested.isoformat()} is before the order date "
            f"{order_date.isoformat()}."
        )
        if line.uom_known:
            earliest = _earliest(line, facts, policy)[0].isoformat()
            fix = f"ask the customer for the date they meant, or confirm {earliest}"
            action = {"action": "set_date", "line": key, "date": earliest}
            add("requested_date_past", message, fix, "requested_date", action)
        else:
            add("requested_date_past", message, _FIX_DATE, "requested_date")
        return
    if not line.uom_known:
        return
    earliest_date, why = _earliest(line, facts, policy)
    if requested < earliest_date:
        earliest = earliest_date.isoformat()
        message = (
            f"{label}: requested for {requested.isoformat()}, but the earliest delivery is "
            f"{earliest} ({why})."
        )
        fix = (
            f"confirm {earliest} with the customer, or override if the date can be met "
            "another way (expedite, another warehouse)"
        )
        action = {"action": "set_date", "line": key, "date": earliest}
        add("date_before_lead_time", message, fix, "requested_date", action)


# --- order rules -------------------------------------------------------------------------

_FIX_SKU = "correct the SKU or remove the line"
_FIX_DISCONTINUED = "remove the line, or ask the customer to choose another item"
_FIX_PRICE = (
    "add the item to the customer's price list or give a contract price, or enter the price "
    "on the line"
)
_FIX_EXPORT = "have compliance review the export (licence or exception), or remove the line"
_FIX_DATE = "ask the customer for the date they meant"

#: Order-level findings whose text names nothing but the order: code → message, fix, field.
_FIXED_TEXT: dict[str, tuple[str, str, str]] = {
    "customer_closed": (
        "The customer's account is closed: it takes no new orders.",
        "enter the order on the customer's current account, or have billing reopen this one",
        "customer",
    ),
    "customer_on_hold": (
        "The customer's account is on hold.",
        "billing releases the account, or releases this order",
        "customer",
    ),
    "bill_to_missing": (
        "The order has no bill-to address.",
        "choose one of the customer's bill-to addresses, or add one to the customer",
        "bill_to",
    ),
    "ship_to_missing": (
        "The order has no ship-to address.",
        "choose one of the customer's ship-to addresses, or add one to the customer",
        "ship_to",
    ),
    "po_missing": (
        "The customer requires a PO number on every order and none was given.",
        "ask the customer for the PO number and enter it",
        "customer_po",
    ),
    "freight_terms_missing": (
        "The order has no freight terms: neither an Incoterm nor who pays the freight.",
        "set the freight payment (prepaid, prepaid and add, collect, third party) or an Incoterm",
        "freight_payment",
    ),
}


def _order_findings(facts: OrderFacts, policy: Policy, out: list[Finding]) -> None:
    def add(code: str, message: str, fix: str, field: str, action: Any = None) -> None:
        out.append(_find(code, message, fix, None, field, action))

    def fixed(code: str) -> None:
        add(code, *_FIXED_TEXT[code])

    if facts.customer_status == "closed":
        fixed("customer_closed")
    elif facts.customer_status == "on_hold":
        fixed("customer_on_hold")
    if not facts.bill_to_present:
        fixed("bill_to_missing")
    if not facts.ship_to_present:
        fixed("ship_to_missing")
    else:
        country = facts.ship_to_country
        problem = check_country(country) or check_postal_code(country, facts.ship_to_postal_code)
        if problem:
            message = f"The ship-to address is not deliverable as it stands: {problem}."
            fix = "correct the ship-to's country or postal code in the customer's addresses"
            add("ship_to_invalid", message, fix, "ship_to")
    if facts.require_po and not facts.customer_po.strip():
        fixed("po_missing")
    if facts.duplicate_po_orders:
        others = ", ".join(facts.duplicate_po_orders)
        message = f"PO {facts.customer_po} is already on open order {others}."
        fix = (
            f"cancel this order if it repeats {others}; override if the customer confirms a "
            "second order on the same PO"
        )
        add("duplicate_po", message, fix, "customer_po")
    if facts.duplicate_content_orders:
        others = ", ".join(facts.duplicate_content_orders)
        message = (
            f"Order {others} of the last {policy.duplicate_window_days} days has the same lines "
            "as this one."
        )
        fix = f"cancel this order if it repeats {others}; override if the goods are wanted twice"
        add("duplicate_lines", message, fix, "lines")
    if not facts.freight_terms_present:
        fixed("freight_terms_missing")
    if not facts.ship_method_hazmat_allowed or not facts.ship_method:
        hazmat = [ln for ln in facts.lines if ln.hazmat and ln.item_found]
        if hazmat:
            uns = ", ".join(sorted({ln.un_number for ln in hazmat if ln.un_number}))
            goods = f"dangerous goods ({uns})" if uns else "dangerous goods"
            why = (
                f"ship method {facts.ship_method} does not accept them"
                if facts.ship_method
                else "no ship method is chosen"
            )
            verb = "is" if len(hazmat) == 1 else "are"
            message = f"{_lines_named(hazmat)} {verb} {goods} and {why}."
            fix = f"choose a ship method that accepts dangerous goods ({uns or 'hazmat'})"
            add("hazmat_carrier", message, fix, "ship_method")
    requested = facts.requested_date
    if requested is not None and requested < facts.order_date:
        soonest = facts.order_date + dt.timedelta(days=policy.handling_days + facts.transit_days)
        earliest = max(
            (
                _earliest(ln, facts, policy)[0]
                for ln in facts.lines
                if ln.item_found and ln.uom_known and ln.requested_date in (None, requested)
            ),
            default=soonest,
        ).isoformat()
        message = (
            f"The requested date {requested.isoformat()} is before the order date "
            f"{facts.order_date.isoformat()}."
        )
        fix = f"ask the customer for the date they meant, or confirm {earliest}"
        action = {"action": "set_date", "date": earliest}
        add("requested_date_past", message, fix, "requested_date", action)


# --- entry points ------------------------------------------------------------------------


def evaluate(
    facts: OrderFacts, policy: Policy, *, only_lines: frozenset[str] | None = None
) -> list[Finding]:
    """Every finding on the order: order-level ones first, then by line in order.

    With `only_lines`, line rules run for those line keys only (order-level rules always).
    """
    out: list[Finding] = []
    _order_findings(facts, policy, out)
    for line in facts.lines:
        if only_lines is None or line.key in only_lines:
            _line_findings(line, facts, policy, out)
    return out


def evaluate_credit(facts: CreditFacts) -> list[Finding]:
    """Credit findings; a limit of 0 means no limit is set (only past-due items count)."""
    out: list[Finding] = []
    cur = facts.currency
    exposure = facts.open_receivables + facts.open_orders + facts.this_order
    if facts.credit_limit > 0 and exposure > facts.credit_limit:
        over = exposure - facts.credit_limit
        message = (
            f"This order takes the customer over the credit limit: open invoices "
            f"{_money(facts.open_receivables)} + open orders {_money(facts.open_orders)} + this "
            f"order {_money(facts.this_order)} = {_money(exposure)} {cur}, {_money(over)} {cur} "
            f"over the limit of {_money(facts.credit_limit)} {cur}."
        )
        fix = (
            f"billing releases the order or raises the limit; or the customer pays "
            f"{_money(over)} {cur} in advance"
        )
        out.append(_find("credit_limit", message, fix, None, "customer"))
    if facts.past_due > 0:
        message = (
            f"{_money(facts.past_due)} {cur} of the customer's invoices is past due by more than "
            f"the {facts.grace_days} days' grace, the oldest by {facts.oldest_past_due_days} days."
        )
        fix = "collect the past-due amount, or billing releases the order"
        out.append(_find("credit_past_due", message, fix, None, "customer"))
    return out

"""The facts the order rules decide on, read from the database in a fixed number of queries.

`orders.rules` is pure; this module is its only reader. Each function below costs the same
number of queries for a 1-line and a 1,000-line order (the tests pin it), so validation
stays fast however large the order:

* `order_facts`: 1 query for the items (with base unit, replacement and the stock available
  today, all in one), 1 for the unit conversions (only when a line is ordered in a unit
  other than the base), 1 for the export restrictions of the ship-to country (only when a
  line is export controlled), 1 for possible duplicates (same PO, or same lines in the
  window), plus 1 for the policy when none is passed in.
* `credit_facts`: 1 query for the receivables, 1 for the other open orders.
* `policy_for`: 1 query for the customer's `OrderPolicy`.

Lines are read from what the caller prepared (`item_id`, `uom_code`, `factor`, prices), so
unsaved lines of an order being taken in work the same as stored ones. Item attributes come
from the database, never from `line.item`, so a line loaded without its item costs nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, OuterRef, Q, Subquery, Sum

from orderdesk.billing.selectors import exposure
from orderdesk.catalog.models import ExportRestriction, Item, ItemStatus, UnitConversion
from orderdesk.core.fields import AmountField, QuantityField
from orderdesk.inventory.models import Lot, StockLevel
from orderdesk.parties.models import Customer

from .drafts import lines_fingerprint
from .models import OrderPolicy, SalesOrder, SalesOrderLine
from .rules import CreditFacts, LineFacts, OrderFacts, Policy, RestrictionFacts
from .states import OPEN_STATES, LineStatus

ZERO = Decimal(0)
ONE = Decimal(1)

#: The desk's policy for a customer without its own `OrderPolicy` (fields left blank on one
#: fall back to these too). `settings.ORDERDESK_ORDER_POLICY` may override any of them.
DEFAULTS: dict[str, Any] = {
    "price_tolerance_percent": Decimal(2),
    "duplicate_window_days": 14,
    "credit_grace_days": 10,
    "handling_days": 1,
    "change_approval_amount": Decimal(1000),
    "require_po": False,
    "ship_complete": False,
    "allow_split": True,
}
_DECIMALS = ("price_tolerance_percent", "change_approval_amount")
_INTS = ("duplicate_window_days", "credit_grace_days", "handling_days")


def policy_defaults() -> dict[str, Any]:
    """DEFAULTS with the settings' overrides, typed; an unknown key is a configuration error."""
    overrides = getattr(settings, "ORDERDESK_ORDER_POLICY", None) or {}
    unknown = sorted(set(overrides) - set(DEFAULTS))
    if unknown:
        raise ImproperlyConfigured(
            f"ORDERDESK_ORDER_POLICY has unknown keys {', '.join(unknown)}; "
            f"the keys are {', '.join(DEFAULTS)}"
        )
    values = {**DEFAULTS, **overrides}
    for name in _DECIMALS:
        values[name] = Decimal(str(values[name]))
    for name in _INTS:
        values[name] = int(values[name])
    return values


def policy_for(customer: Customer) -> Policy:
    """The customer's order policy: its `OrderPolicy` row where set, else the defaults."""
    values = policy_defaults()
    row = OrderPolicy.objects.filter(customer=customer).first()
    if row is not None:
        for name in DEFAULTS:
            value = getattr(row, name, None)
            if value is not None:
                values[name] = value
    return Policy(**values)


def _controlled(eccn: str) -> bool:
    eccn = eccn.strip().upper()
    return bool(eccn) and eccn != "EAR99"


def _items(item_ids: set[int]) -> dict[int, dict[str, Any]]:
    """Item attributes the rules read, with the stock available today (one query).

    Available = on hand − allocated over active warehouses, leaving out lots on quality
    hold: stock that cannot be picked today does not make a date.
    """
    if not item_ids:
        return {}
    held = Lot.objects.filter(item=OuterRef("item"), number=OuterRef("lot"), quality_hold=True)
    available = (
        StockLevel.objects.filter(item=OuterRef("pk"), warehouse__active=True)
        .filter(~Exists(held))
        .order_by()
        .values("item")
        .annotate(total=Sum("on_hand") - Sum("allocated"))
        .values("total")
    )
    rows = Item.objects.filter(pk__in=item_ids).values(
        "pk",
        "status",
        "min_order_qty",
        "order_multiple",
        "lead_time_days",
        "un_number",
        "export_control_class",
        "base_uom__code",
        "replacement__sku",
        "replacement__status",
        available=Subquery(available, output_field=QuantityField()),
    )
    return {row["pk"]: dict(row) for row in rows}


def _unit(line: SalesOrderLine) -> str:
    return (line.uom_code or "").strip().upper()


def _conversions(pairs: set[tuple[int, str]]) -> dict[tuple[int, str], Decimal]:
    """Factors of the (item, unit) pairs ordered in a unit other than the base (one query)."""
    if not pairs:
        return {}
    rows = UnitConversion.objects.filter(
        item_id__in={i for i, _ in pairs}, uom__code__in={u for _, u in pairs}
    ).values_list("item_id", "uom__code", "factor")
    return {(item_id, code.upper()): factor for item_id, code, factor in rows}


def _line_facts(
    line: SalesOrderLine,
    item: dict[str, Any] | None,
    conversions: dict[tuple[int, str], Decimal],
) -> LineFacts:
    key, sku = str(line.line_no), line.sku
    quantity = Decimal(line.quantity)
    customer_price = None if line.customer_price is None else Decimal(line.customer_price)
    if item is None:
        return LineFacts(
            key=key,
            sku=sku,
            quantity=quantity,
            uom=line.uom_code,
            item_found=False,
            uom_known=False,
            factor=ZERO,
            customer_price=customer_price,
            requested_date=line.requested_date,
            drop_ship=line.drop_ship,
        )
    # The unit is checked against the catalogue, not only the line's factor: a caller may
    # have set the factor of an unknown unit to 1 to keep the line's buckets whole.
    base_uom, unit = item["base_uom__code"], _unit(line)
    catalogue = ONE if unit in ("", base_uom.upper()) else conversions.get((item["pk"], unit))
    factor = Decimal(line.factor or 0)
    known = catalogue is not None and factor > 0
    if catalogue is None:
        factor = ZERO
    return LineFacts(
        key=key,
        sku=sku,
        quantity=quantity,
        uom=line.uom_code or base_uom,
        item_found=True,
        item_status=item["status"],
        replacement_sku=item["replacement__sku"] or "",
        replacement_active=item["replacement__status"] == ItemStatus.ACTIVE,
        uom_known=known,
        base_uom=base_uom,
        factor=factor,
        min_order_qty=item["min_order_qty"],
        order_multiple=item["order_multiple"],
        unit_price=Decimal(line.unit_price),
        customer_price=customer_price,
        missing_price=known and line.price_source == "none",
        hazmat=bool(item["un_number"]),
        un_number=item["un_number"],
        export_control_class=item["export_control_class"],
        lead_time_days=item["lead_time_days"],
        available_now=item["available"] or ZERO,
        requested_date=line.requested_date,
        drop_ship=line.drop_ship,
    )


def _duplicates(
    order: SalesOrder, content_hash: str, window_days: int
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Other open orders of the customer with the same PO, and with the same lines within
    the window (one query). A stored order is compared only with orders taken before it:
    the later of two orders is the possible duplicate, not the original. A window of 0
    days turns the same-lines check off (customers who re-order the same thing all day)."""
    po = order.customer_po.strip()
    window = dt.timedelta(days=window_days)
    match = Q()
    if po:
        match |= Q(customer_po=po)
    if not window_days:
        content_hash = ""
    if content_hash:
        match |= Q(
            content_hash=content_hash,
            order_date__gte=order.order_date - window,
            order_date__lte=order.order_date + window,
        )
    if not match:
        return (), ()
    qs = SalesOrder.objects.filter(match, customer_id=order.customer_id, status__in=OPEN_STATES)
    if order.pk is not None:
        qs = qs.filter(pk__lt=order.pk)
    same_po: list[str] = []
    same_lines: list[str] = []
    for number, customer_po, other_hash, other_date in qs.order_by("pk").values_list(
        "number", "customer_po", "content_hash", "order_date"
    ):
        if po and customer_po == po:
            same_po.append(number)
        if (
            content_hash
            and other_hash == content_hash
            and abs(other_date - order.order_date) <= (window)
        ):
            same_lines.append(number)
    return tuple(same_po), tuple(same_lines)


def order_facts(
    *,
    order: SalesOrder,
    lines: Sequence[SalesOrderLine],
    today: dt.date,
    policy: Policy | None = None,
) -> OrderFacts:
    """What the rules need of an order, stored or not yet saved (see the module docstring).

    `order` has its customer, bill-to, ship-to and ship method attached; cancelled lines
    are left out. `today` dates the stock (ATP today); pass `policy` to save its query.
    """
    policy = policy if policy is not None else policy_for(order.customer)
    live = [ln for ln in lines if ln.status != LineStatus.CANCELLED]
    items = _items({ln.item_id for ln in live if ln.item_id is not None})
    pairs: set[tuple[int, str]] = set()
    for ln in live:
        row = items.get(ln.item_id) if ln.item_id is not None else None
        if row is not None and _unit(ln) not in ("", row["base_uom__code"].upper()):
            pairs.add((row["pk"], _unit(ln)))
    conversions = _conversions(pairs)
    line_facts = tuple(
        _line_facts(ln, items.get(ln.item_id) if ln.item_id is not None else None, conversions)
        for ln in live
    )
    ship_to = order.ship_to if order.ship_to_id is not None else None
    method = order.ship_method if order.ship_method_id is not None else None
    country = ship_to.country.upper() if ship_to is not None else ""
    restricted: tuple[RestrictionFacts, ...] = ()
    if country and any(_controlled(lf.export_control_class) for lf in line_facts):
        restricted = tuple(
            RestrictionFacts(r.country, r.control_class, r.reason)
            for r in ExportRestriction.objects.filter(country=country)
        )
    content_hash = order.content_hash or lines_fingerprint(
        [(f"{ln.sku}|{ln.uom_code}", Decimal(ln.quantity)) for ln in lines]
    )
    same_po, same_lines = _duplicates(order, content_hash, policy.duplicate_window_days)
    return OrderFacts(
        order_date=order.order_date or today,
        customer_status=order.customer.status,
        customer_po=order.customer_po,
        require_po=policy.require_po,
        bill_to_present=order.bill_to_id is not None,
        ship_to_present=ship_to is not None,
        ship_to_country=country,
        ship_to_postal_code=ship_to.postal_code if ship_to is not None else "",
        ship_to_region=ship_to.region if ship_to is not None else "",
        ship_method=method.code if method is not None else "",
        ship_method_hazmat_allowed=method.hazmat_allowed if method is not None else False,
        ship_method_international=method.international if method is not None else False,
        transit_days=method.transit_days if method is not None else 0,
        freight_terms_present=bool(order.incoterm or order.freight_payment),
        requested_date=order.requested_date,
        restricted=restricted,
        duplicate_po_orders=same_po,
        duplicate_content_orders=same_lines,
        lines=line_facts,
    )


def credit_facts(
    *,
    customer: Customer,
    this_order_total: Decimal,
    exclude_order_id: int | None,
    today: dt.date,
    grace_days: int,
) -> CreditFacts:
    """The customer's exposure in its own currency (2 queries).

    Open orders are the totals of the customer's other orders in an open state (received to
    shipped: not yet invoiced); once invoiced, an order counts as a receivable instead.
    Caller holds the customer row lock when the answer decides a credit hold, so that two
    orders of one customer are not both let through on the same headroom.
    """
    ledger = exposure(customer, today=today, grace_days=grace_days)
    others = SalesOrder.objects.filter(
        customer=customer, status__in=OPEN_STATES, currency=customer.currency
    )
    if exclude_order_id is not None:
        others = others.exclude(pk=exclude_order_id)
    open_orders = others.aggregate(total=Sum("total", output_field=AmountField()))["total"]
    return CreditFacts(
        currency=customer.currency,
        credit_limit=Decimal(customer.credit_limit),
        open_receivables=ledger.open_receivables,
        open_orders=open_orders if open_orders is not None else ZERO,
        this_order=Decimal(this_order_total),
        past_due=ledger.past_due,
        oldest_past_due_days=ledger.oldest_past_due_days,
        grace_days=grace_days,
    )

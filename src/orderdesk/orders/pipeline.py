"""The steps every order goes through, shared by intake, the exception queue and changes.

resolve (codes → rows) → price (pricing engine) → evaluate (rules engine) → record the
findings → accept when nothing holds it → allocate → acknowledge.

The reading and computing happens before the write transaction starts where it can, so the
rows every order contends for (the numbering row, stock levels) are held as briefly as
possible.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from orderdesk.catalog.models import Item, UnitConversion
from orderdesk.core.audit import event_record_many
from orderdesk.core.fields import to_units
from orderdesk.core.money import QUANTITY_PLACES, round_half_up
from orderdesk.pricing import quote
from orderdesk.pricing.engine import PricedOrder, price_order

from . import facts as facts_mod
from . import rules
from .models import OrderCharge, OrderFinding, SalesOrder, SalesOrderLine
from .services import order_transition
from .states import FindingStatus, FreightPayment, OrderStatus, Severity


def _sku_key(sku: str) -> str:
    return sku.strip().upper()


def resolve_lines(lines: Sequence[SalesOrderLine]) -> None:
    """Attach items and unit factors to lines from their SKU and unit codes (2 queries).

    A SKU not in the catalogue leaves `item` empty; a unit the item does not know leaves
    `factor` 0 in memory (the rules engine reports both; `store_quantities` keeps such a
    line at factor 1 so its buckets still add up).
    """
    skus = {_sku_key(line.sku) for line in lines}
    items = {
        _sku_key(item.sku): item
        for item in Item.objects.filter(sku__in=skus).select_related("base_uom", "replacement")
    }
    if len(items) < len(skus):  # SKUs typed in another case
        missing = skus - set(items)
        for item in Item.objects.filter(sku__iregex=r"^(" + "|".join(_escape(missing)) + ")$"):
            items.setdefault(_sku_key(item.sku), item)
    item_ids = [i.pk for i in items.values()]
    conversions: dict[tuple[int, str], Decimal] = {
        (item_id, code.upper()): factor
        for item_id, code, factor in UnitConversion.objects.filter(
            item_id__in=item_ids
        ).values_list("item_id", "uom__code", "factor")
    }
    for line in lines:
        found: Item | None = items.get(_sku_key(line.sku))
        line.item = found  # type: ignore[assignment]  # None: a SKU not in the catalogue
        line.unit_unknown = False  # type: ignore[attr-defined]
        if found is None:
            line.factor = Decimal(1)
            continue
        line.description = line.description or found.description
        unit = (line.uom_code or found.base_uom.code).upper()
        line.uom_code = unit
        if unit == found.base_uom.code.upper():
            line.factor = Decimal(1)
        else:
            line.factor = Decimal(conversions.get((found.pk, unit), 0))


def _escape(skus: Iterable[str]) -> list[str]:
    return [re.escape(s) for s in skus]


def _unit_known(line: SalesOrderLine) -> bool:
    """False for a line whose unit the item does not have (resolve_lines marked it)."""
    return not getattr(line, "unit_unknown", False)


def store_quantities(line: SalesOrderLine) -> None:
    """Set the ordered bucket from quantity × factor; what no other bucket holds is open."""
    if not line.factor:
        line.unit_unknown = True  # type: ignore[attr-defined]
        line.factor = Decimal(1)
    base = round_half_up(Decimal(line.quantity) * Decimal(line.factor), QUANTITY_PLACES)
    to_units(base, QUANTITY_PLACES)
    line.qty_ordered = base
    taken = line.qty_cancelled + line.qty_shipped + line.qty_allocated + line.qty_backordered
    line.qty_open = base - taken


def priority_for(order: SalesOrder) -> int:
    """Rush orders first, then by the customer's service tier."""
    if order.rush:
        return 1
    tier = getattr(order.customer, "service_tier", "standard")
    return {"platinum": 2, "gold": 3, "silver": 4}.get(tier, 5)


def price(order: SalesOrder, lines: Sequence[SalesOrderLine], *, on_date: dt.date) -> PricedOrder:
    """Price the lines that resolved to an item and set prices, charges and totals.

    Prices are per unit ordered on the line (the engine works in base units: × factor).
    Returns the priced order; charges are kept on `order._charges` until they are saved.
    """
    priceable = [
        ln
        for ln in lines
        if ln.item is not None and ln.factor and ln.qty_ordered > 0 and _unit_known(ln)
    ]
    quote_lines = [
        quote.QuoteLine(
            key=str(ln.line_no),
            item=ln.item,  # type: ignore[arg-type]
            quantity=ln.qty_ordered - ln.qty_cancelled,
        )
        for ln in priceable
        if ln.qty_ordered - ln.qty_cancelled > 0
    ]
    priced = price_order(
        quote.order_input(
            customer=order.customer,
            ship_to=order.ship_to,
            ship_method=order.ship_method,
            bill_freight=order.freight_payment == FreightPayment.PREPAID_ADD,
            on_date=on_date,
            lines=quote_lines,
        )
    )
    by_key = {p.key: p for p in priced.lines}
    for line in lines:
        p = by_key.get(str(line.line_no))
        if p is None:
            line.list_price = line.unit_price = Decimal(0)
            line.gross = line.discount = line.net = line.tax = Decimal(0)
            line.tax_rate = Decimal(0)
            line.price_source = "none"
            line.price_trace = (
                ["not priced: the SKU or unit is not known"] if line.qty_remaining else []
            )
            continue
        factor = Decimal(line.factor)
        line.list_price = round_half_up(p.list_price * factor, 4)
        line.unit_price = round_half_up(p.unit_price * factor, 4)
        line.gross, line.discount, line.net = p.gross, p.discount, p.net
        line.tax_rate, line.tax = p.tax_rate, p.tax
        line.price_source = p.price_source
        line.price_trace = list(p.trace)
    order.merchandise = priced.merchandise
    order.charges_total = priced.charges_total
    order.tax_total = priced.tax_total
    order.total = priced.total
    order.price_trace = list(priced.trace)
    order._charges = [  # type: ignore[attr-defined]
        OrderCharge(
            code=c.code, description=c.description, amount=c.amount, tax_rate=c.tax_rate, tax=c.tax
        )
        for c in priced.charges
    ]
    return priced


@dataclass
class Evaluation:
    findings: list[rules.Finding]
    policy: rules.Policy


def evaluate(
    order: SalesOrder,
    lines: Sequence[SalesOrderLine],
    *,
    today: dt.date,
    only_lines: frozenset[str] | None = None,
) -> Evaluation:
    """Run the rules (all but credit, which needs the customer lock: see `evaluate_credit`)."""
    policy = getattr(order, "_policy", None) or facts_mod.policy_for(order.customer)
    facts = facts_mod.order_facts(order=order, lines=lines, today=today, policy=policy)
    return Evaluation(rules.evaluate(facts, policy, only_lines=only_lines), policy)


def evaluate_credit(order: SalesOrder, *, today: dt.date, grace_days: int) -> list[rules.Finding]:
    """Credit rules; caller holds the customer row lock so two orders cannot both pass."""
    cf = facts_mod.credit_facts(
        customer=order.customer,
        this_order_total=order.total,
        exclude_order_id=order.pk,
        today=today,
        grace_days=grace_days,
    )
    return rules.evaluate_credit(cf)


def _key(code: str, line_no: int | None) -> tuple[str, int | None]:
    return (code, line_no)


def record_findings(
    *,
    actor: Any,
    order: SalesOrder,
    lines: Sequence[SalesOrderLine],
    findings: Sequence[rules.Finding],
    scope_lines: frozenset[str] | None = None,
) -> list[OrderFinding]:
    """Bring the order's open findings in line with a fresh evaluation.

    Findings that no longer fire are resolved; new ones are added; one overridden before
    (same rule, same line) is not raised again, so an override survives a re-validation.
    With `scope_lines`, only findings of those lines (and order-level ones) are touched.
    Returns the order's open findings.
    """
    now = timezone.now()
    by_no = {str(ln.line_no): ln for ln in lines}
    existing = list(order.findings.all()) if order.pk else []
    open_by_key = {
        _key(f.code, f.line.line_no if f.line_id else None): f  # type: ignore[union-attr]
        for f in existing
        if f.status == FindingStatus.OPEN
    }
    overridden = {
        _key(f.code, f.line.line_no if f.line_id else None)  # type: ignore[union-attr]
        for f in existing
        if f.status == FindingStatus.OVERRIDDEN
    }
    fresh: dict[tuple[str, int | None], rules.Finding] = {}
    for f in findings:
        line_no = int(f.line_key) if f.line_key else None
        fresh[_key(f.code, line_no)] = f
    to_create: list[OrderFinding] = []
    for key, f in fresh.items():
        if key in open_by_key or key in overridden:
            continue
        line = by_no.get(f.line_key) if f.line_key else None
        to_create.append(
            OrderFinding(
                order=order,
                line=line,
                code=f.code,
                severity=f.severity,
                hold_kind=f.hold_kind,
                message=f.message[:500],
                fix=f.fix[:500],
                field=f.field,
                data=dict(f.action),
                created_at=now,
            )
        )
    resolved: list[OrderFinding] = []
    for key, existing_finding in open_by_key.items():
        in_scope = scope_lines is None or key[1] is None or str(key[1]) in scope_lines
        if key not in fresh and in_scope:
            existing_finding.status = FindingStatus.RESOLVED
            existing_finding.closed_at = now
            existing_finding.close_reason = "no longer applies after re-validation"
            resolved.append(existing_finding)
    if to_create:
        OrderFinding.objects.bulk_create(to_create, batch_size=500)
    if resolved:
        OrderFinding.objects.bulk_update(resolved, ["status", "closed_at", "close_reason"])
    records: list[tuple[Any, str, dict[str, Any] | None, dict[str, Any] | None]] = [
        (order, "finding.raised", None, {"code": f.code, "line": _line_no(f), "message": f.message})
        for f in to_create
    ] + [(order, "finding.resolved", {"code": f.code, "line": _line_no(f)}, None) for f in resolved]
    event_record_many(actor=actor, records=records)
    return list(order.findings.filter(status=FindingStatus.OPEN).select_related("line"))


def _line_no(f: OrderFinding) -> int | None:
    return f.line.line_no if f.line is not None else None


def holding(findings: Iterable[OrderFinding]) -> list[OrderFinding]:
    return [
        f
        for f in findings
        if f.status == FindingStatus.OPEN and f.severity in (Severity.BLOCK, Severity.HOLD)
    ]


def save_charges(order: SalesOrder) -> None:
    charges = getattr(order, "_charges", None)
    if charges is None:
        return
    OrderCharge.objects.filter(order=order).delete()
    for c in charges:
        c.order = order
    OrderCharge.objects.bulk_create(charges)


def accept(*, actor: Any, order: SalesOrder, today: dt.date, reason: str = "") -> None:
    """Accept an order nothing holds any more: allocate it and acknowledge it.

    Caller holds the transaction and has checked that no finding holds the order.
    """
    from orderdesk.orders.acknowledgement import order_acknowledge
    from orderdesk.orders.allocation import order_allocate

    order_transition(actor=actor, order=order, to=OrderStatus.ACCEPTED, reason=reason)
    order_allocate(actor=actor, order=order, today=today)
    order_acknowledge(actor=actor, order=order)


def hold(*, actor: Any, order: SalesOrder, findings: Sequence[OrderFinding]) -> None:
    reasons = "; ".join(f"{f.code}" for f in findings[:10])
    order_transition(actor=actor, order=order, to=OrderStatus.HELD, reason=reasons)

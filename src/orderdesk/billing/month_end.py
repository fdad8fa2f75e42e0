"""Month-end: the reconciliation report of a period, and its exports.

What billing checks before closing a period: goods that left by the period's end but were
not invoiced by then (and the other way round), the backlog still to ship, the revenue
invoiced in the period (by month and by customer), the credits given and the cash
received, the receivables at the end, and whether the period is closed yet. The cut-off
that stops back-dated postings is `periods.posting_date_check`; once a period is closed,
this report for it can no longer change.

Quantities are in base units; values are at the order's frozen net price (the line's net
for its billable quantity, pro rata, rounded to the currency's minor unit the way invoicing
rounds). Amounts in different currencies are never added: each row and total carries its
currency.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import TruncMonth

from orderdesk.catalog.models import KitComponent
from orderdesk.core.fields import AmountField, QuantityField
from orderdesk.core.money import minor_exponent, round_half_up
from orderdesk.core.tabular import write_table
from orderdesk.fulfilment.models import ShipmentLine
from orderdesk.orders.models import SalesOrderLine
from orderdesk.orders.states import OPEN_STATES
from orderdesk.parties.models import Customer

from .errors import BillingError, BillingErrorCode
from .ledger import AgingTotal, aging, aging_totals, require_billing_staff
from .models import CreditMemo, Invoice, InvoiceLine, Payment, PaymentApplication, PeriodClose
from .periods import period_current

ZERO = Decimal(0)


def line_value(line: SalesOrderLine, quantity: Decimal, currency: str) -> Decimal:
    """`quantity` (base units) of an order line at its frozen net price."""
    billable = line.qty_ordered - line.qty_cancelled
    if not billable:
        billable = line.qty_ordered
    return round_half_up(line.net * quantity / billable, minor_exponent(currency))


# --- rows ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GapRow:
    """An order line whose shipped and invoiced quantities differ at the period's end."""

    order_id: int
    order_number: str
    account_number: str
    customer_name: str
    line_no: int
    sku: str
    shipped: Decimal
    invoiced: Decimal
    quantity: Decimal  # the difference, positive
    unit_price: Decimal
    value: Decimal
    currency: str
    last_ship_date: dt.date | None


@dataclass(frozen=True, slots=True)
class BacklogRow:
    customer_id: int
    account_number: str
    customer_name: str
    currency: str
    orders: int
    lines: int
    value: Decimal


@dataclass(frozen=True, slots=True)
class RevenueRow:
    key: str  # "2026-10" or the account number
    label: str
    currency: str
    invoices: int
    merchandise: Decimal
    charges: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True, slots=True)
class CreditRow:
    account_number: str
    customer_name: str
    currency: str
    memos: int
    merchandise: Decimal
    fees: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True, slots=True)
class CashRow:
    account_number: str
    customer_name: str
    currency: str
    payments: int
    received: Decimal
    unapplied: Decimal  # of those payments, still unapplied now
    discounts: Decimal  # early-payment discounts taken in the period


@dataclass(frozen=True, slots=True)
class PeriodStatus:
    closed_through: dt.date | None
    closed: bool  # the whole report period is on or before the cut-off
    closed_by: str
    closed_at: dt.datetime | None
    reason: str
    history: list[PeriodClose]


@dataclass
class Report:
    start: dt.date
    end: dt.date
    shipped_not_invoiced: list[GapRow]
    invoiced_not_shipped: list[GapRow]
    backlog: list[BacklogRow]
    revenue_by_month: list[RevenueRow]
    revenue_by_customer: list[RevenueRow]
    credits: list[CreditRow]
    cash: list[CashRow]
    receivables: list[AgingTotal]
    period: PeriodStatus
    totals: dict[str, dict[str, dict[str, Decimal]]] = field(default_factory=dict)


# --- shipped and invoiced by the end ---------------------------------------------------------


def _kits_shipped(end: dt.date) -> dict[int, tuple[Decimal, dt.date]]:
    """Whole kits shipped by `end` per kit line: per shipment, the scarcest component."""
    parts = (
        ShipmentLine.objects.filter(shipment__ship_date__lte=end)
        .exclude(order_line__item_id=F("item_id"))
        .exclude(order_line__item__isnull=True)
        .order_by()
        .values(
            "order_line_id", "order_line__item_id", "shipment_id", "shipment__ship_date", "item_id"
        )
        .annotate(q=Sum("quantity", output_field=QuantityField()))
    )
    by: dict[tuple[int, int, int], dict[int, Decimal]] = defaultdict(dict)
    dates: dict[int, dt.date] = {}
    for p in parts:
        key = (p["order_line_id"], p["order_line__item_id"], p["shipment_id"])
        by[key][p["item_id"]] = p["q"]
        dates[p["order_line_id"]] = max(
            p["shipment__ship_date"], dates.get(p["order_line_id"], p["shipment__ship_date"])
        )
    if not by:
        return {}
    components: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for kit, comp, per in KitComponent.objects.filter(kit_id__in={k[1] for k in by}).values_list(
        "kit_id", "component_id", "quantity"
    ):
        components[kit][comp] = per
    kits: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (line_id, kit_id, _), shipped in by.items():
        needs = components.get(kit_id)
        if needs:
            kits[line_id] += min(
                (shipped.get(c, ZERO) / per).to_integral_value(rounding="ROUND_FLOOR")
                for c, per in needs.items()
            )
    return {pk: (q, dates[pk]) for pk, q in kits.items()}


def _gaps(end: dt.date) -> tuple[list[GapRow], list[GapRow]]:
    shipped: dict[int, Decimal] = defaultdict(lambda: ZERO)
    last: dict[int, dt.date] = {}
    for r in (
        ShipmentLine.objects.filter(shipment__ship_date__lte=end)
        .filter(Q(order_line__item__isnull=True) | Q(order_line__item_id=F("item_id")))
        .order_by()
        .values("order_line_id")
        .annotate(q=Sum("quantity", output_field=QuantityField()), d=Max("shipment__ship_date"))
    ):
        shipped[r["order_line_id"]] += r["q"]
        last[r["order_line_id"]] = r["d"]
    for line_id, (kits, day) in _kits_shipped(end).items():
        shipped[line_id] += kits
        last[line_id] = day
    invoiced = dict(
        InvoiceLine.objects.filter(invoice__invoice_date__lte=end)
        .order_by()
        .values("order_line_id")
        .annotate(q=Sum("quantity", output_field=QuantityField()))
        .values_list("order_line_id", "q")
    )
    ids = [
        pk for pk in set(shipped) | set(invoiced) if shipped.get(pk, ZERO) != invoiced.get(pk, ZERO)
    ]
    lines = SalesOrderLine.objects.filter(pk__in=ids).select_related("order__customer")
    uninvoiced: list[GapRow] = []
    unshipped: list[GapRow] = []
    for line in lines:
        s, i = shipped.get(line.pk, ZERO), invoiced.get(line.pk, ZERO)
        order = line.order
        q = abs(s - i)
        row = GapRow(
            order_id=order.pk,
            order_number=order.number,
            account_number=order.customer.account_number,
            customer_name=order.customer.name,
            line_no=line.line_no,
            sku=line.sku,
            shipped=s,
            invoiced=i,
            quantity=q,
            unit_price=line.unit_price,
            value=line_value(line, q, order.currency),
            currency=order.currency,
            last_ship_date=last.get(line.pk),
        )
        (uninvoiced if s > i else unshipped).append(row)
    key: Callable[[GapRow], Any] = lambda r: (r.order_number, r.line_no)  # noqa: E731
    return sorted(uninvoiced, key=key), sorted(unshipped, key=key)


# --- backlog, revenue, credits, cash -----------------------------------------------------------


def _backlog() -> list[BacklogRow]:
    lines = (
        SalesOrderLine.objects.filter(order__status__in=OPEN_STATES)
        .filter(Q(qty_open__gt=0) | Q(qty_allocated__gt=0) | Q(qty_backordered__gt=0))
        .select_related("order__customer")
        .only(
            "qty_ordered",
            "qty_cancelled",
            "qty_open",
            "qty_allocated",
            "qty_backordered",
            "net",
            "order__id",
            "order__currency",
            "order__customer__id",
            "order__customer__account_number",
            "order__customer__name",
        )
    )
    acc: dict[tuple[int, str], dict[str, Any]] = {}
    for line in lines.iterator(chunk_size=2000):
        order = line.order
        key = (order.customer_id, order.currency)
        a = acc.setdefault(
            key, {"customer": order.customer, "orders": set(), "lines": 0, "value": ZERO}
        )
        a["orders"].add(order.pk)
        a["lines"] += 1
        a["value"] += line_value(line, line.qty_remaining, order.currency)
    rows = [
        BacklogRow(
            customer_id=k[0],
            account_number=a["customer"].account_number,
            customer_name=a["customer"].name,
            currency=k[1],
            orders=len(a["orders"]),
            lines=a["lines"],
            value=a["value"],
        )
        for k, a in acc.items()
    ]
    return sorted(rows, key=lambda r: (r.account_number, r.currency))


def _money_sums(*names: str) -> dict[str, Any]:
    return {n: Sum(n, output_field=AmountField()) for n in names}


def _revenue(start: dt.date, end: dt.date) -> tuple[list[RevenueRow], list[RevenueRow]]:
    invoices = Invoice.objects.filter(invoice_date__gte=start, invoice_date__lte=end).order_by()
    sums = _money_sums("merchandise", "charges_total", "tax_total", "total")
    by_month = [
        RevenueRow(
            key=r["month"].strftime("%Y-%m"),
            label=r["month"].strftime("%B %Y"),
            currency=r["currency"],
            invoices=r["n"],
            merchandise=r["merchandise"],
            charges=r["charges_total"],
            tax=r["tax_total"],
            total=r["total"],
        )
        for r in invoices.annotate(month=TruncMonth("invoice_date"))
        .values("month", "currency")
        .annotate(n=Count("id"), **sums)
        .order_by("month", "currency")
    ]
    by_customer = [
        RevenueRow(
            key=r["customer__account_number"],
            label=r["customer__name"],
            currency=r["currency"],
            invoices=r["n"],
            merchandise=r["merchandise"],
            charges=r["charges_total"],
            tax=r["tax_total"],
            total=r["total"],
        )
        for r in invoices.values("customer__account_number", "customer__name", "currency")
        .annotate(n=Count("id"), **sums)
        .order_by("customer__account_number", "currency")
    ]
    return by_month, by_customer


def _credits(start: dt.date, end: dt.date) -> list[CreditRow]:
    return [
        CreditRow(
            account_number=r["customer__account_number"],
            customer_name=r["customer__name"],
            currency=r["currency"],
            memos=r["n"],
            merchandise=r["merchandise"],
            fees=r["fees"],
            tax=r["tax_total"],
            total=r["total"],
        )
        for r in CreditMemo.objects.filter(memo_date__gte=start, memo_date__lte=end)
        .order_by()
        .values("customer__account_number", "customer__name", "currency")
        .annotate(n=Count("id"), **_money_sums("merchandise", "fees", "tax_total", "total"))
        .order_by("customer__account_number", "currency")
    ]


def _cash(start: dt.date, end: dt.date) -> list[CashRow]:
    discounts = {
        (r["receivable__customer_id"], r["receivable__currency"]): r["s"]
        for r in PaymentApplication.objects.filter(
            applied_on__gte=start, applied_on__lte=end, discount__gt=0
        )
        .order_by()
        .values("receivable__customer_id", "receivable__currency")
        .annotate(s=Sum("discount", output_field=AmountField()))
    }
    received = {
        (r["customer_id"], r["currency"]): r
        for r in Payment.objects.filter(received_date__gte=start, received_date__lte=end)
        .order_by()
        .values("customer_id", "currency")
        .annotate(n=Count("id"), **_money_sums("amount", "unapplied"))
    }
    keys = set(received) | set(discounts)
    names = {
        c.pk: c
        for c in Customer.objects.filter(pk__in={k[0] for k in keys}).only(
            "pk", "name", "account_number"
        )
    }
    rows = []
    for key in keys:
        r = received.get(key, {})
        rows.append(
            CashRow(
                account_number=names[key[0]].account_number,
                customer_name=names[key[0]].name,
                currency=key[1],
                payments=r.get("n", 0),
                received=r.get("amount") or ZERO,
                unapplied=r.get("unapplied") or ZERO,
                discounts=discounts.get(key, ZERO),
            )
        )
    return sorted(rows, key=lambda r: (r.account_number, r.currency))


def _period(start: dt.date, end: dt.date) -> PeriodStatus:
    current = period_current()
    history = list(
        PeriodClose.objects.select_related("closed_by").order_by("-closed_at", "-id")[:12]
    )
    if current is None:
        return PeriodStatus(None, False, "", None, "", history)
    who = current.closed_by
    return PeriodStatus(
        closed_through=current.closed_through,
        closed=end <= current.closed_through,
        closed_by=(who.get_full_name() or who.get_username()) if who is not None else "",
        closed_at=current.closed_at,
        reason=current.reason,
        history=history,
    )


def _totals(rows: Iterable[Any], names: Sequence[str]) -> dict[str, dict[str, Decimal]]:
    out: dict[str, dict[str, Decimal]] = {}
    for r in rows:
        t = out.setdefault(r.currency, dict.fromkeys(names, ZERO))
        for n in names:
            t[n] += getattr(r, n)
    return out


def month_end_report(*, start: dt.date, end: dt.date) -> Report:
    """The reconciliation report of the period `start`..`end` (both inclusive).

    Caller checks access (BILLING_VIEW, staff). Shipped-not-invoiced and invoiced-not-shipped
    are as of `end` (documents dated on or before it); the backlog is as of now; revenue,
    credits and cash are what is dated inside the period; receivables are aged as of `end`.
    """
    if end < start:
        raise BillingError(
            BillingErrorCode.INVALID,
            f"the period ends {end.isoformat()}, before it starts ({start.isoformat()})",
            field="end",
            fix="give an end date on or after the start date",
        )
    uninvoiced, unshipped = _gaps(end)
    by_month, by_customer = _revenue(start, end)
    report = Report(
        start=start,
        end=end,
        shipped_not_invoiced=uninvoiced,
        invoiced_not_shipped=unshipped,
        backlog=_backlog(),
        revenue_by_month=by_month,
        revenue_by_customer=by_customer,
        credits=_credits(start, end),
        cash=_cash(start, end),
        receivables=aging_totals(aging(as_of=end)),
        period=_period(start, end),
    )
    report.totals = {
        "shipped-not-invoiced": _totals(uninvoiced, ["value"]),
        "invoiced-not-shipped": _totals(unshipped, ["value"]),
        "backlog": _totals(report.backlog, ["value"]),
        "revenue": _totals(by_month, ["merchandise", "charges", "tax", "total"]),
        "credits": _totals(report.credits, ["merchandise", "fees", "tax", "total"]),
        "cash": _totals(report.cash, ["received", "unapplied", "discounts"]),
    }
    return report


# --- exports ---------------------------------------------------------------------------------


_GAP_HEADER = [
    "order", "customer", "customer name", "line", "sku", "shipped", "invoiced", "quantity",
    "unit price", "value", "currency", "last shipped",
]  # fmt: skip
_REVENUE_HEADER = ["invoices", "merchandise", "charges", "tax", "total", "currency"]


def _gap_rows(rows: list[GapRow]) -> list[list[Any]]:
    return [
        [r.order_number, r.account_number, r.customer_name, r.line_no, r.sku, r.shipped,
         r.invoiced, r.quantity, r.unit_price, r.value, r.currency, r.last_ship_date]
        for r in rows
    ]  # fmt: skip


def _revenue_rows(rows: list[RevenueRow]) -> list[list[Any]]:
    return [
        [r.key, r.label, r.invoices, r.merchandise, r.charges, r.tax, r.total, r.currency]
        for r in rows
    ]


#: Section key → (title, header, rows of the report).
SECTIONS: dict[str, tuple[str, list[str], Callable[[Report], list[list[Any]]]]] = {
    "shipped-not-invoiced": (
        "Shipped, not invoiced",
        _GAP_HEADER,
        lambda r: _gap_rows(r.shipped_not_invoiced),
    ),
    "invoiced-not-shipped": (
        "Invoiced, not shipped",
        _GAP_HEADER,
        lambda r: _gap_rows(r.invoiced_not_shipped),
    ),
    "backlog": (
        "Backlog by customer",
        ["customer", "customer name", "orders", "lines", "value", "currency"],
        lambda r: [
            [b.account_number, b.customer_name, b.orders, b.lines, b.value, b.currency]
            for b in r.backlog
        ],
    ),
    "revenue": (
        "Revenue by month",
        ["month", "name", *_REVENUE_HEADER],
        lambda r: _revenue_rows(r.revenue_by_month),
    ),
    "revenue-by-customer": (
        "Revenue by customer",
        ["customer", "customer name", *_REVENUE_HEADER],
        lambda r: _revenue_rows(r.revenue_by_customer),
    ),
    "credits": (
        "Credits",
        ["customer", "customer name", "credit memos", "merchandise", "fees", "tax", "total",
         "currency"],
        lambda r: [
            [c.account_number, c.customer_name, c.memos, c.merchandise, c.fees, c.tax, c.total,
             c.currency]
            for c in r.credits
        ],
    ),
    "cash": (
        "Cash received",
        ["customer", "customer name", "payments", "received", "unapplied", "discounts",
         "currency"],
        lambda r: [
            [c.account_number, c.customer_name, c.payments, c.received, c.unapplied, c.discounts,
             c.currency]
            for c in r.cash
        ],
    ),
}  # fmt: skip

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def month_end_export(report: Report, *, section: str, fmt: str) -> tuple[bytes, str, str]:
    """One section as a CSV or XLSX file: (content, content type, file name). Text cells
    that a spreadsheet would run as formulas are escaped (core.tabular)."""
    if section not in SECTIONS or fmt not in EXPORT_TYPES:
        raise BillingError(
            BillingErrorCode.INVALID,
            f"there is no {fmt} export of {section!r}",
            field="section",
            fix=f"choose one of {', '.join(SECTIONS)} as csv or xlsx",
        )
    _, header, rows = SECTIONS[section]
    buffer = io.BytesIO()
    write_table(buffer, header, rows(report), format=fmt)
    name = f"month-end-{report.start.isoformat()}-{report.end.isoformat()}-{section}.{fmt}"
    return buffer.getvalue(), EXPORT_TYPES[fmt], name


def month_end_for(*, user: Any, start: dt.date, end: dt.date) -> Report:
    """`month_end_report` for billing staff."""
    require_billing_staff(user)
    return month_end_report(start=start, end=end)


def month_end_export_for(
    *, user: Any, start: dt.date, end: dt.date, section: str, fmt: str
) -> tuple[bytes, str, str]:
    """One section of the period's report as a file, for billing staff."""
    return month_end_export(
        month_end_for(user=user, start=start, end=end), section=section, fmt=fmt
    )

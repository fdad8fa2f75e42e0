"""Reading the customer ledger: entries with a running balance, the balance, aging.

Every figure is read off the same rows the credit check reads (`Receivable`, `Payment`,
`PaymentApplication`), so the ledger page, the aging report and a credit hold never
disagree. What an item brought onto the ledger ("posted") is its open amount plus what was
applied to it since, less what it (a credit) gave to others: for an invoice that is its
amount; for an opening balance imported half paid, the part open when it was imported.
So Σ posted − payments − discounts taken = Σ open − unapplied cash, always.

Aging takes an `as_of` date and gives the ledger as it stood that day: an item counts with
what was open then (applications dated later are added back), a payment with what was
unapplied then. Buckets are by days past the item's due date; credits count as current.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from orderdesk.core.access import scope_to_customer
from orderdesk.core.errors import Forbidden, NotFound
from orderdesk.core.fields import AmountField
from orderdesk.core.money import minor_exponent, round_half_up
from orderdesk.core.roles import Capability, is_portal, require
from orderdesk.parties.models import Customer

from .models import Payment, PaymentApplication, Receivable, ReceivableKind

ZERO = Decimal(0)

BUCKETS: tuple[tuple[str, str], ...] = (
    ("current", "Current"),
    ("d1_30", "1–30"),
    ("d31_60", "31–60"),
    ("d61_90", "61–90"),
    ("d90_plus", "90+"),
)


def bucket_of(days_past_due: int, *, credit: bool = False) -> str:
    """The aging bucket of an item `days_past_due` days after its due date (0 = due today)."""
    if credit or days_past_due <= 0:
        return "current"
    if days_past_due <= 30:
        return "d1_30"
    if days_past_due <= 60:
        return "d31_60"
    if days_past_due <= 90:
        return "d61_90"
    return "d90_plus"


def ledger_customer(*, user: Any, pk: int) -> Customer:
    """The customer whose ledger `user` may read: staff any, a portal user only their own."""
    require(user, Capability.BILLING_VIEW)
    customer = scope_to_customer(Customer.objects.all(), user, "").filter(pk=pk).first()
    if customer is None:
        raise NotFound("customer", pk)
    return customer


# --- entries -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    date: dt.date
    kind: str  # opening, invoice, credit_memo, payment, discount
    number: str
    description: str
    amount: Decimal  # + owed by the customer, − paid or credited
    balance: Decimal  # running
    due_date: dt.date | None = None
    open_amount: Decimal | None = None  # what is still open on the item (or unapplied)
    invoice_id: int | None = None
    credit_memo_id: int | None = None
    payment_id: int | None = None
    detail: str = ""  # where a payment's or a credit's money went


@dataclass(frozen=True, slots=True)
class Ledger:
    customer: Customer
    currency: str
    start: dt.date | None
    end: dt.date | None
    opening: Decimal  # balance before `start`
    entries: list[Entry]
    closing: Decimal


_RANK = {"opening": 0, "invoice": 1, "credit_memo": 2, "payment": 3, "discount": 4}


def _money_text(value: Decimal, currency: str) -> str:
    return f"{round_half_up(value, minor_exponent(currency)):,}"


def _raw_entries(customer: Customer, currency: str) -> list[dict[str, Any]]:
    """Every posting of the customer in `currency`, oldest first (3 queries)."""
    items = list(
        Receivable.objects.filter(customer=customer, currency=currency).select_related(
            "invoice__order", "credit_memo"
        )
    )
    ids = [r.pk for r in items]
    apps = list(
        PaymentApplication.objects.filter(Q(receivable_id__in=ids) | Q(credit_id__in=ids))
        .select_related("receivable", "payment")
        .order_by("pk")
    )
    into: dict[int, Decimal] = {}
    given: dict[int, Decimal] = {}
    targets: dict[tuple[str, int], list[str]] = {}
    for a in apps:
        into[a.receivable_id] = into.get(a.receivable_id, ZERO) + a.amount + a.discount
        text = f"{a.receivable.document_number} {_money_text(a.amount, currency)}"
        if a.credit_id is not None:
            given[a.credit_id] = given.get(a.credit_id, ZERO) + a.amount
            targets.setdefault(("credit", a.credit_id), []).append(text)
        if a.payment_id is not None:
            targets.setdefault(("payment", a.payment_id), []).append(text)
    raw: list[dict[str, Any]] = []
    for r in items:
        posted = r.open_amount + into.get(r.pk, ZERO) - given.get(r.pk, ZERO)
        invoice = getattr(r, "invoice", None)
        memo = getattr(r, "credit_memo", None)
        kind = r.kind if r.kind != ReceivableKind.OPENING else "opening"
        if kind == "opening":
            text = "Opening balance" if posted >= 0 else "Opening credit"
        elif kind == ReceivableKind.INVOICE:
            text = f"Invoice, order {invoice.order.number}" if invoice is not None else "Invoice"
        else:
            text = f"Credit memo: {memo.reason}" if memo is not None else "Credit memo"
        used = targets.get(("credit", r.pk))
        raw.append(
            {
                "date": r.document_date,
                "kind": str(kind),
                "number": r.document_number,
                "description": text,
                "amount": posted,
                "due_date": r.due_date,
                "open_amount": r.open_amount,
                "invoice_id": invoice.pk if invoice is not None else None,
                "credit_memo_id": memo.pk if memo is not None else None,
                "detail": f"Applied to {', '.join(used)}" if used else "",
            }
        )
    for p in Payment.objects.filter(customer=customer, currency=currency):
        ref = f" {p.reference}" if p.reference else ""
        used = targets.get(("payment", p.pk))
        detail = f"Applied to {', '.join(used)}" if used else ""
        if p.unapplied:
            unapplied = f"{_money_text(p.unapplied, currency)} unapplied"
            detail = f"{detail}; {unapplied}" if detail else unapplied.capitalize()
        raw.append(
            {
                "date": p.received_date,
                "kind": "payment",
                "number": p.number,
                "description": f"Payment, {p.get_method_display()}{ref}",
                "amount": -p.amount,
                "open_amount": p.unapplied,
                "payment_id": p.pk,
                "detail": detail,
            }
        )
    for a in apps:
        if a.discount and a.receivable.currency == currency:
            raw.append(
                {
                    "date": a.applied_on,
                    "kind": "discount",
                    "number": a.payment.number if a.payment else a.receivable.document_number,
                    "description": f"Early-payment discount on {a.receivable.document_number}",
                    "amount": -a.discount,
                    "payment_id": a.payment_id,
                }
            )
    raw.sort(key=lambda e: (e["date"], _RANK[e["kind"]], e["number"]))
    return raw


def _customer_of(customer: Customer | int) -> Customer:
    return customer if isinstance(customer, Customer) else Customer.objects.get(pk=customer)


def _ledger_from(
    raw: list[dict[str, Any]],
    cust: Customer,
    cur: str,
    start: dt.date | None,
    end: dt.date | None,
) -> Ledger:
    opening = ZERO
    running = ZERO
    entries: list[Entry] = []
    for e in raw:
        if end is not None and e["date"] > end:
            break
        running += e["amount"]
        if start is not None and e["date"] < start:
            opening = running
            continue
        entries.append(Entry(balance=running, **e))
    return Ledger(cust, cur, start, end, opening, entries, running)


def ledger(
    *,
    customer: Customer | int,
    start: dt.date | None = None,
    end: dt.date | None = None,
    currency: str | None = None,
) -> Ledger:
    """The customer's ledger in `currency` (default its own), oldest first, with the running
    balance; entries before `start` make the opening balance, those after `end` are left
    out. Caller has checked access (`ledger_customer`). 3 queries."""
    cust = _customer_of(customer)
    cur = (currency or cust.currency).upper()
    return _ledger_from(_raw_entries(cust, cur), cust, cur, start, end)


# --- balance ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Balance:
    currency: str
    invoices: Decimal  # posted debits: invoices and opening balances
    credits: Decimal  # posted credits (positive): credit memos and opening credits
    payments: Decimal
    discounts: Decimal
    open_items: Decimal  # Σ open amounts (credits negative)
    unapplied: Decimal
    balance: Decimal  # open_items − unapplied


def _balance_from(raw: list[dict[str, Any]], cur: str) -> Balance:
    sums = dict.fromkeys(
        ("invoices", "credits", "payments", "discounts", "open", "unapplied"), ZERO
    )
    for e in raw:
        if e["kind"] == "payment":
            sums["payments"] -= e["amount"]
            sums["unapplied"] += e["open_amount"]
        elif e["kind"] == "discount":
            sums["discounts"] -= e["amount"]
        else:
            sums["invoices" if e["amount"] >= 0 else "credits"] += abs(e["amount"])
            sums["open"] += e["open_amount"]
    return Balance(
        currency=cur,
        invoices=sums["invoices"],
        credits=sums["credits"],
        payments=sums["payments"],
        discounts=sums["discounts"],
        open_items=sums["open"],
        unapplied=sums["unapplied"],
        balance=sums["open"] - sums["unapplied"],
    )


def customer_balance(customer: Customer | int, *, currency: str | None = None) -> Balance:
    """What the customer owes now in `currency` (default its own), and what it is made of:
    balance = invoices − credits − payments − discounts = Σ open − unapplied (3 queries)."""
    cust = _customer_of(customer)
    cur = (currency or cust.currency).upper()
    return _balance_from(_raw_entries(cust, cur), cur)


# --- open items ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenItem:
    item: Receivable
    days_past_due: int
    bucket: str
    discount_date: dt.date | None = None
    discount_amount: Decimal = ZERO
    invoice_id: int | None = None


def open_items(customer: Customer | int, *, as_of: dt.date) -> list[OpenItem]:
    """The customer's items with an amount open now, oldest due first, each with its days
    past due on `as_of` and, for an invoice, its early-payment terms (1 query)."""
    rows = (
        Receivable.objects.filter(customer=customer)
        .exclude(open_amount=0)
        .select_related("invoice")
        .order_by("due_date", "document_date", "pk")
    )
    out = []
    for r in rows:
        days = (as_of - r.due_date).days
        invoice = getattr(r, "invoice", None)
        out.append(
            OpenItem(
                item=r,
                days_past_due=max(days, 0),
                bucket=bucket_of(days, credit=r.open_amount < 0),
                discount_date=invoice.discount_date if invoice is not None else None,
                discount_amount=invoice.discount_amount if invoice is not None else ZERO,
                invoice_id=invoice.pk if invoice is not None else None,
            )
        )
    return out


# --- aging ---------------------------------------------------------------------------------


@dataclass
class AgingRow:
    customer_id: int
    account_number: str
    name: str
    currency: str
    current: Decimal = ZERO
    d1_30: Decimal = ZERO
    d31_60: Decimal = ZERO
    d61_90: Decimal = ZERO
    d90_plus: Decimal = ZERO
    unapplied: Decimal = ZERO
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def open_items(self) -> Decimal:
        return self.current + self.d1_30 + self.d31_60 + self.d61_90 + self.d90_plus

    @property
    def total(self) -> Decimal:
        """What the customer owes on the day: the buckets less unapplied cash."""
        return self.open_items - self.unapplied

    @property
    def past_due(self) -> Decimal:
        return self.d1_30 + self.d31_60 + self.d61_90 + self.d90_plus

    def is_zero(self) -> bool:
        return (
            self.open_items == 0
            and self.unapplied == 0
            and all(getattr(self, b) == 0 for b, _ in BUCKETS)
        )


def _bucket_filters(as_of: dt.date, due: str, amount: str) -> dict[str, Q]:
    """Q per bucket on the due date field `due`; negative `amount` (a credit) is current."""
    day = dt.timedelta(days=1)
    credit = Q(**{f"{amount}__lt": 0})
    debit = ~credit
    return {
        "current": credit | Q(**{f"{due}__gte": as_of}),
        "d1_30": debit & Q(**{f"{due}__lte": as_of - day, f"{due}__gte": as_of - 30 * day}),
        "d31_60": debit & Q(**{f"{due}__lte": as_of - 31 * day, f"{due}__gte": as_of - 60 * day}),
        "d61_90": debit & Q(**{f"{due}__lte": as_of - 61 * day, f"{due}__gte": as_of - 90 * day}),
        "d90_plus": debit & Q(**{f"{due}__lte": as_of - 91 * day}),
    }


def _sums(value: Any, filters: dict[str, Q]) -> dict[str, Any]:
    return {
        name: Coalesce(
            Sum(value, filter=q, output_field=AmountField()), 0, output_field=AmountField()
        )
        for name, q in filters.items()
    }


def aging(*, as_of: dt.date, customer: Customer | int | None = None) -> list[AgingRow]:
    """Aging of every customer with something open or unapplied on `as_of` (or only
    `customer`), one row per customer and currency, by account number (5 queries + names).

    Caller has checked access. Items dated after `as_of` and payments received after it are
    not counted; applications dated after it are added back to the item (and the cash to the
    payment), so a past date shows the ledger as it stood then.
    """
    cust_id = customer.pk if isinstance(customer, Customer) else customer
    scope = Q() if cust_id is None else Q(customer_id=cust_id)
    rows: dict[tuple[int, str], AgingRow] = {}

    def add(key: tuple[int, str], name: str, value: Decimal) -> None:
        if value:
            row = rows.setdefault(key, AgingRow(key[0], "", "", key[1]))
            setattr(row, name, getattr(row, name) + value)

    # open now
    for r in (
        Receivable.objects.filter(scope, document_date__lte=as_of)
        .exclude(open_amount=0)
        .order_by()
        .values("customer_id", "currency")
        .annotate(**_sums("open_amount", _bucket_filters(as_of, "due_date", "amount")))
    ):
        for name, _ in BUCKETS:
            add((r["customer_id"], r["currency"]), name, r[name])
    later = PaymentApplication.objects.filter(applied_on__gt=as_of)
    app_scope = Q() if cust_id is None else Q(receivable__customer_id=cust_id)
    # applied to an item after as_of: it was still open then
    for r in (
        later.filter(app_scope, receivable__document_date__lte=as_of)
        .order_by()
        .values("receivable__customer_id", "receivable__currency")
        .annotate(
            **_sums(
                F("amount") + F("discount"),
                _bucket_filters(as_of, "receivable__due_date", "receivable__amount"),
            )
        )
    ):
        for name, _ in BUCKETS:
            add((r["receivable__customer_id"], r["receivable__currency"]), name, r[name])
    # a credit used after as_of: it was still open (negative, current) then
    credit_scope = Q() if cust_id is None else Q(credit__customer_id=cust_id)
    for r in (
        later.filter(credit_scope, credit__isnull=False, credit__document_date__lte=as_of)
        .order_by()
        .values("credit__customer_id", "credit__currency")
        .annotate(s=Sum("amount", output_field=AmountField()))
    ):
        add((r["credit__customer_id"], r["credit__currency"]), "current", -r["s"])
    # unapplied cash then: unapplied now plus what was applied after as_of
    for r in (
        Payment.objects.filter(scope, received_date__lte=as_of)
        .exclude(unapplied=0)
        .order_by()
        .values("customer_id", "currency")
        .annotate(s=Sum("unapplied", output_field=AmountField()))
    ):
        add((r["customer_id"], r["currency"]), "unapplied", r["s"])
    pay_scope = Q() if cust_id is None else Q(payment__customer_id=cust_id)
    for r in (
        later.filter(pay_scope, payment__isnull=False, payment__received_date__lte=as_of)
        .order_by()
        .values("payment__customer_id", "payment__currency")
        .annotate(s=Sum("amount", output_field=AmountField()))
    ):
        add((r["payment__customer_id"], r["payment__currency"]), "unapplied", r["s"])
    names = {
        pk: (acct, name)
        for pk, acct, name in Customer.objects.filter(pk__in={k[0] for k in rows}).values_list(
            "pk", "account_number", "name"
        )
    }
    out = []
    for key, row in rows.items():
        if row.is_zero():
            continue
        row.account_number, row.name = names[key[0]]
        out.append(row)
    out.sort(key=lambda r: (r.account_number, r.currency))
    return out


@dataclass(frozen=True, slots=True)
class AgingTotal:
    currency: str
    current: Decimal
    d1_30: Decimal
    d31_60: Decimal
    d61_90: Decimal
    d90_plus: Decimal
    unapplied: Decimal
    total: Decimal
    customers: int


def aging_totals(rows: Iterable[AgingRow]) -> list[AgingTotal]:
    """The aging's bottom line, one per currency (amounts in two currencies never add)."""
    by: dict[str, list[AgingRow]] = {}
    for r in rows:
        by.setdefault(r.currency, []).append(r)
    out = []
    for cur in sorted(by):
        group = by[cur]

        def s(name: str, group: list[AgingRow] = group) -> Decimal:
            return sum((getattr(r, name) for r in group), ZERO)

        out.append(
            AgingTotal(
                currency=cur,
                current=s("current"),
                d1_30=s("d1_30"),
                d31_60=s("d31_60"),
                d61_90=s("d61_90"),
                d90_plus=s("d90_plus"),
                unapplied=s("unapplied"),
                total=s("total"),
                customers=len(group),
            )
        )
    return out


# --- what the pages and the API read (access checked here) -----------------------------------


def require_billing_staff(user: Any, capability: Capability = Capability.BILLING_VIEW) -> None:
    """Reports across customers are for staff: a portal user gets 403, never a filtered
    version (their own account is on their ledger page)."""
    require(user, capability)
    if is_portal(user):
        raise Forbidden("this report spans customers; your own account is on your ledger page")


def _zero_row(customer: Customer) -> AgingRow:
    return AgingRow(customer.pk, customer.account_number, customer.name, customer.currency)


def customer_aging(*, user: Any, pk: int, as_of: dt.date) -> AgingRow:
    """The customer's aging in its own currency on `as_of` (zeros when nothing is open)."""
    customer = ledger_customer(user=user, pk=pk)
    rows = [r for r in aging(as_of=as_of, customer=customer) if r.currency == customer.currency]
    return rows[0] if rows else _zero_row(customer)


@dataclass(frozen=True, slots=True)
class LedgerView:
    customer: Customer
    as_of: dt.date
    ledger: Ledger
    balance: Balance
    aging: AgingRow
    open_items: list[OpenItem]


def ledger_view(
    *,
    user: Any,
    pk: int,
    start: dt.date | None = None,
    end: dt.date | None = None,
    as_of: dt.date | None = None,
) -> LedgerView:
    """Everything the customer ledger shows: balance, aging, open items, entries."""
    customer = ledger_customer(user=user, pk=pk)
    as_of = as_of or timezone.localdate()
    rows = [r for r in aging(as_of=as_of, customer=customer) if r.currency == customer.currency]
    raw = _raw_entries(customer, customer.currency)
    return LedgerView(
        customer=customer,
        as_of=as_of,
        ledger=_ledger_from(raw, customer, customer.currency, start, end),
        balance=_balance_from(raw, customer.currency),
        aging=rows[0] if rows else _zero_row(customer),
        open_items=open_items(customer, as_of=as_of),
    )


@dataclass(frozen=True, slots=True)
class AgingReport:
    as_of: dt.date
    rows: list[AgingRow]
    totals: list[AgingTotal]


AGING_SORTS = ("account_number", "name", *(b for b, _ in BUCKETS), "unapplied", "total")


def aging_report(
    *, user: Any, as_of: dt.date, sort: str = "account_number", descending: bool = False
) -> AgingReport:
    """Every customer's aging on `as_of`, sorted by a column, with totals per currency."""
    require_billing_staff(user)
    rows = aging(as_of=as_of)
    if sort in AGING_SORTS and sort != "account_number":
        rows.sort(key=lambda r: getattr(r, sort), reverse=descending)
    elif descending:
        rows.reverse()
    return AgingReport(as_of=as_of, rows=rows, totals=aging_totals(rows))

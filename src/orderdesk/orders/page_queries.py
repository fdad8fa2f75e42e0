"""Reads the order desk pages need beyond `orders.selectors`: order entry's look-ups
(customers, ship-tos, ship methods, a SKU's price and ATP), the upload page's mappings and
files, the order page's warehouses, approval limit and change log, and the desk's "changes
awaiting approval" queue.

Each is a fixed number of queries whatever the size of the order or the catalogue; the
customer reads go through `parties.selectors`, so a portal user only ever finds their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, prefetch_related_objects
from django.utils import timezone

from orderdesk.catalog.models import Item
from orderdesk.core.access import scope_to_customer
from orderdesk.core.errors import NotFound
from orderdesk.core.money import to_decimal
from orderdesk.core.roles import Capability, is_portal, require
from orderdesk.inventory import availability
from orderdesk.inventory.models import Warehouse
from orderdesk.parties.models import AddressKind, Customer, ShipMethod
from orderdesk.parties.selectors import address_list, customer_list
from orderdesk.pricing.quote import price_lookup

from . import selectors
from .facts import policy_for
from .models import ChangeStatus, ColumnMapping, OrderChange, OrderFile, SalesOrder

# --- order entry ---------------------------------------------------------------------------


def own_customer(user: Any) -> Customer | None:
    """A portal user's own customer, with what the entry page shows of it."""
    customer_id: int | None = getattr(user, "customer_id", None)
    if customer_id is None:
        return None
    qs = Customer.objects.select_related("payment_terms", "price_list")
    return qs.filter(pk=customer_id).first()


def customers_matching(user: Any, q: str) -> list[Customer]:
    """Up to eight customers for what was typed: the exact account first, then by name."""
    qs = customer_list(user=user, q=q)
    exact = list(qs.filter(account_number__iexact=q)[:1])
    rest = [c for c in qs.order_by("name")[:8] if not exact or c.pk != exact[0].pk]
    return (exact + rest)[:8]


def customer_by_account(user: Any, account: str) -> Customer | None:
    if not account:
        return None
    return customer_list(user=user).filter(account_number__iexact=account).first()


def ship_tos(user: Any, customer: Customer) -> list[Any]:
    """The customer's active ship-tos, the default first."""
    found = address_list(user=user, customer_id=customer.pk, kind=AddressKind.SHIP_TO, active=True)
    return sorted(found, key=lambda a: (not a.is_default, a.code))


def ship_methods() -> list[ShipMethod]:
    return list(ShipMethod.objects.filter(active=True).select_related("carrier").order_by("code"))


@dataclass(frozen=True)
class SkuInfo:
    sku: str
    item: Any = None
    unit: str = ""
    factor: Decimal = Decimal(1)
    unit_price: Decimal | None = None
    currency: str = ""
    trace: tuple[str, ...] = ()
    atp: Decimal | None = None
    atp_by_warehouse: tuple[tuple[str, Decimal], ...] = ()
    promise: dt.date | None = None
    problem: str = ""
    similar: tuple[Any, ...] = ()
    #: the PO price against ours, in percent (+ = the customer expects to pay more)
    diff_percent: Decimal | None = None

    @property
    def diff_big(self) -> bool:
        # Only a hint while typing; whether it holds the order is the price rule's call.
        return self.diff_percent is not None and abs(self.diff_percent) >= 2


def _decimal_or(text: str, default: Decimal | None) -> Decimal | None:
    try:
        return to_decimal(text) if text else default
    except (ValueError, ArithmeticError):
        return default


def sku_info(user: Any, customer: Customer | None, row: dict[str, str]) -> SkuInfo:
    """What the clerk needs to see while typing a line: the item, our price for this
    customer at this quantity, free stock by warehouse and the date it can be promised.
    A portal user sees the price and the promise, not our stock."""
    sku, quantity, uom = row["sku"], row["quantity"], row["uom"]
    if not sku:
        return SkuInfo(sku="")
    item = (
        Item.objects.select_related("base_uom", "replacement", "default_vendor")
        .prefetch_related("conversions__uom")
        .filter(sku__iexact=sku)
        .first()
    )
    if item is None:
        similar = tuple(Item.objects.filter(sku__istartswith=sku).order_by("sku")[:5])
        return SkuInfo(sku=sku, problem="No item with this SKU.", similar=similar)
    unit = (uom or item.base_uom.code).upper()
    factor = Decimal(1)
    problem = ""
    if unit != item.base_uom.code.upper():
        conv = {c.uom.code.upper(): c.factor for c in item.conversions.all()}
        if unit in conv:
            factor = Decimal(conv[unit])
        else:
            problem = f"{item.sku} is not sold in {unit}; use {item.base_uom.code}."
            unit, factor = item.base_uom.code, Decimal(1)
    qty = _decimal_or(quantity, Decimal(1)) or Decimal(1)
    qty = qty if qty > 0 else Decimal(1)
    base_qty = qty * factor
    today = timezone.localdate()
    unit_price: Decimal | None = None
    trace: tuple[str, ...] = ()
    if customer is not None:
        price, trace_ = price_lookup(customer=customer, item=item, quantity=base_qty, on_date=today)
        unit_price, trace = price * factor, tuple(trace_)
    free = availability.available_by_warehouse([item.pk]).get(item.pk, {})
    codes = dict(Warehouse.objects.filter(pk__in=list(free)).values_list("pk", "code"))
    by_wh = tuple(
        sorted(((codes.get(w, str(w)), q) for w, q in free.items() if q), key=lambda x: x[0])
    )
    staff = not is_portal(user)
    diff = None
    po_price = _decimal_or(row.get("customer_price", ""), None)
    if po_price is not None and unit_price:
        diff = ((po_price - unit_price) / unit_price * 100).quantize(Decimal("0.1"))
    return SkuInfo(
        sku=item.sku,
        item=item,
        unit=unit,
        factor=factor,
        unit_price=unit_price,
        currency=customer.currency if customer is not None else "",
        trace=trace,
        atp=sum(free.values(), Decimal(0)) if staff else None,
        atp_by_warehouse=by_wh if staff else (),
        promise=availability.promise_for(item, None, base_qty, today),
        problem=problem,
        diff_percent=diff,
    )


# --- upload -------------------------------------------------------------------------------


def mappings() -> list[ColumnMapping]:
    """Every saved column mapping, the house ones first, then by customer."""
    return list(
        ColumnMapping.objects.select_related("customer").order_by(
            "customer__account_number", "name"
        )
    )


def order_file_get(*, user: Any, pk: int) -> OrderFile:
    """An uploaded order file. Files are the desk's: the caller keeps portal users out."""
    require(user, Capability.ORDER_ENTRY)
    order_file = OrderFile.objects.filter(pk=pk).first()
    if order_file is None:
        raise NotFound("order file", pk)
    return order_file


# --- the order page -----------------------------------------------------------------------


def active_warehouses() -> list[Warehouse]:
    """Where a line may be moved to: the active warehouses by code."""
    return list(Warehouse.objects.filter(active=True).order_by("code"))


def change_approval_amount(customer: Customer) -> Decimal:
    """Above this value a change waits for approval (the customer's order policy); 0 = never."""
    return Decimal(policy_for(customer).change_approval_amount or 0)


def change_log(order: SalesOrder) -> list[OrderChange]:
    """The order's changes, oldest first, with who asked and who decided (two queries at
    most, whatever the number of changes). `order` comes from `selectors.order_get`, which
    has read the changes already."""
    changes = sorted(order.changes.all(), key=lambda c: c.pk)
    prefetch_related_objects(changes, "requested_by", "decided_by")
    return changes


def _awaiting(orders: QuerySet[SalesOrder]) -> QuerySet[SalesOrder]:
    pending = OrderChange.objects.filter(order=OuterRef("pk"), status=ChangeStatus.PENDING)
    return orders.filter(Exists(pending))


def orders_awaiting_approval(*, user: Any, q: str | None = None) -> QuerySet[SalesOrder]:
    """Orders with a change waiting for approval, in the desk's order (priority, newest)."""
    require(user, Capability.ORDER_APPROVE)
    return _awaiting(selectors.order_list(user=user, q=q))


def awaiting_approval_count(*, user: Any) -> int:
    require(user, Capability.ORDER_APPROVE)
    return _awaiting(scope_to_customer(SalesOrder.objects.all(), user)).count()


@dataclass
class AfterSales:
    """What happened to an order after acceptance: its shipments, invoices, credit memos
    and returns, for the order page (four queries)."""

    shipments: list[Any]
    invoices: list[Any]
    credit_memos: list[Any]
    rmas: list[Any]

    @property
    def any(self) -> bool:
        return bool(self.shipments or self.invoices or self.rmas)


def after_sales(order: Any) -> AfterSales:
    from orderdesk.billing.models import CreditMemo, Invoice
    from orderdesk.fulfilment.models import Shipment
    from orderdesk.returns.models import ReturnAuthorization

    return AfterSales(
        shipments=list(
            Shipment.objects.filter(order=order).select_related("carrier").order_by("id")
        ),
        invoices=list(Invoice.objects.filter(order=order).order_by("id")),
        credit_memos=list(
            CreditMemo.objects.filter(invoice__order=order).select_related("invoice").order_by("id")
        ),
        rmas=list(ReturnAuthorization.objects.filter(order=order).order_by("id")),
    )

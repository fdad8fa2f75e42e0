"""The one door every order comes in by: API, desk, portal, files, EDI and e-mail.

`order_intake` turns an `OrderDraft` into a sales order. What it cannot make sense of
(an unknown SKU, a unit the item does not have, a missing ship-to) does not stop the order
being kept: the order is saved with its findings and waits in the exception queue, so
nothing a customer sent is lost. Only what leaves no order to keep (no customer, no lines,
a quantity that is not a number) is refused outright, with the field and the fix.

The same PO from the same customer with the same lines is the same order: sending it again
(a re-imported file, a re-sent EDI interchange) gives back the order already made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from orderdesk.core.audit import event_record
from orderdesk.core.locks import lock_one
from orderdesk.core.money import QUANTITY_PLACES, to_decimal
from orderdesk.core.numbering import number_next
from orderdesk.core.roles import Capability, is_portal, require
from orderdesk.inventory.models import Warehouse
from orderdesk.parties.models import Address, AddressKind, Customer, ShipMethod

from . import pipeline
from .drafts import LineDraft, OrderDraft, lines_fingerprint
from .errors import OrderError, OrderErrorCode
from .facts import policy_for
from .models import OrderFinding, SalesOrder, SalesOrderLine
from .states import Channel, FobPoint, FreightPayment, Incoterm, OrderStatus

MAX_LINES = 5000


@dataclass
class IntakeResult:
    order: SalesOrder
    created: bool
    findings: list[OrderFinding]


def _customer(actor: Any, account: str) -> Customer:
    account = (account or "").strip()
    if is_portal(actor):
        customer_id = getattr(actor, "customer_id", None)
        own = (
            Customer.objects.select_related("payment_terms").filter(pk=customer_id).first()
            if customer_id is not None
            else None
        )
        if own is None or (account and account.upper() != own.account_number.upper()):
            raise OrderError(
                OrderErrorCode.CUSTOMER_UNKNOWN,
                "a portal user orders for their own account only",
                field="customer",
            )
        return own
    if not account:
        raise OrderError(
            OrderErrorCode.CUSTOMER_UNKNOWN,
            "the order names no customer",
            field="customer",
            fix="give the customer's account number",
        )
    customer = (
        Customer.objects.select_related("payment_terms")
        .filter(account_number__iexact=account)
        .first()
    )
    if customer is None:
        raise OrderError(
            OrderErrorCode.CUSTOMER_UNKNOWN,
            f"no customer with account number {account}",
            field="customer",
            fix="check the account number, or create the customer first",
        )
    return customer


def _quantity(value: Any, where: str) -> Decimal:
    try:
        q = to_decimal(value)
    except (ValueError, ArithmeticError) as exc:
        raise OrderError(
            OrderErrorCode.QUANTITY_INVALID,
            f"{where}: {value!r} is not a quantity",
            field=where,
            fix="write the quantity as a number, e.g. 12 or 2.5",
        ) from exc
    if q <= 0 or q != q.quantize(Decimal(1).scaleb(-QUANTITY_PLACES)):
        raise OrderError(
            OrderErrorCode.QUANTITY_INVALID,
            f"{where}: {value} must be above 0 with at most {QUANTITY_PLACES} decimals",
            field=where,
            fix="correct the quantity",
        )
    return q


def _choice(value: str, choices: Any, where: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    for v in choices.values:
        if v.lower() == value.lower():
            return str(v)
    raise OrderError(
        OrderErrorCode.INVALID,
        f"{where}: {value!r} is not one of {', '.join(choices.values)}",
        field=where,
        fix=f"use one of {', '.join(choices.values)}",
    )


def _address(customer: Customer, kind: str, code: str, where: str) -> Address | None:
    """The address by code, else the customer's default of that kind (None if there is none).

    A code that names no address of this customer is refused: guessing another ship-to
    would send goods to the wrong place.
    """
    qs = Address.objects.filter(customer=customer, kind=kind, active=True)
    code = (code or "").strip()
    if code:
        found = qs.filter(code__iexact=code).first()
        if found is None:
            raise OrderError(
                OrderErrorCode.INVALID,
                f"{where}: customer {customer.account_number} has no {kind.replace('_', '-')} "
                f"{code}",
                field=where,
                fix="use one of the customer's address codes, or add the address first",
            )
        return found
    return qs.order_by("-is_default", "code").first()


def _ship_method(code: str) -> ShipMethod | None:
    code = (code or "").strip()
    if not code:
        return None
    found = ShipMethod.objects.select_related("carrier").filter(code__iexact=code).first()
    if found is None:
        codes = ", ".join(ShipMethod.objects.filter(active=True).values_list("code", flat=True))
        raise OrderError(
            OrderErrorCode.INVALID,
            f"ship_method: no ship method {code}",
            field="ship_method",
            fix=f"use one of {codes}" if codes else "set up ship methods first",
        )
    return found


def _warehouses(codes: set[str]) -> dict[str, Warehouse]:
    codes = {c.strip().upper() for c in codes if c and c.strip()}
    if not codes:
        return {}
    found = {w.code.upper(): w for w in Warehouse.objects.filter(code__in=codes)}
    for c in codes:
        if c not in found:
            w = Warehouse.objects.filter(code__iexact=c).first()
            if w is None:
                raise OrderError(
                    OrderErrorCode.INVALID,
                    f"warehouse: no warehouse {c}",
                    field="warehouse",
                    fix="use a warehouse code or leave it blank to let allocation choose",
                )
            found[c] = w
    return found


def build_order(
    *, actor: Any, channel: str, draft: OrderDraft, today: dt.date
) -> tuple[SalesOrder, list[SalesOrderLine]]:
    """The unsaved order and lines of a draft, every code resolved; refuses only what
    leaves nothing to keep."""
    if not draft.lines:
        raise OrderError(
            OrderErrorCode.NO_LINES, "the order has no lines", field="lines", fix="add a line"
        )
    if len(draft.lines) > MAX_LINES:
        raise OrderError(
            OrderErrorCode.INVALID,
            f"the order has {len(draft.lines)} lines; at most {MAX_LINES} fit one order",
            field="lines",
            fix="split it into several orders",
        )
    customer = _customer(actor, draft.customer)
    policy = policy_for(customer)
    warehouses = _warehouses({draft.warehouse, *(ln.warehouse for ln in draft.lines)})
    ship_complete = policy.ship_complete if draft.ship_complete is None else draft.ship_complete
    order = SalesOrder(
        customer=customer,
        customer_po=(draft.customer_po or "").strip()[:40],
        channel=_choice(channel, Channel, "channel"),
        source_document=(draft.source_document or "")[:200],
        status=OrderStatus.RECEIVED,
        bill_to=_address(customer, AddressKind.BILL_TO, draft.bill_to, "bill_to"),
        ship_to=_address(customer, AddressKind.SHIP_TO, draft.ship_to, "ship_to"),
        order_date=today,
        requested_date=draft.requested_date,
        ship_method=_ship_method(draft.ship_method),
        incoterm=_choice(draft.incoterm, Incoterm, "incoterm"),
        incoterm_place=(draft.incoterm_place or "")[:100],
        fob_point=_choice(draft.fob_point, FobPoint, "fob_point"),
        freight_payment=_choice(draft.freight_payment, FreightPayment, "freight_payment"),
        payment_terms=customer.payment_terms,
        currency=customer.currency,
        rush=bool(draft.rush),
        ship_complete=ship_complete,
        allow_split=policy.allow_split,
        warehouse=warehouses.get(draft.warehouse.strip().upper()) if draft.warehouse else None,
        notes=draft.notes or "",
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    order.priority = pipeline.priority_for(order)
    order._policy = policy  # type: ignore[attr-defined]
    lines = [_line(n, ld, draft, warehouses) for n, ld in enumerate(draft.lines, start=1)]
    order.content_hash = lines_fingerprint(
        [(f"{ln.sku}|{ln.uom_code}", Decimal(ln.quantity)) for ln in lines]
    )
    return order, lines


def _line(
    n: int, ld: LineDraft, draft: OrderDraft, warehouses: dict[str, Warehouse]
) -> SalesOrderLine:
    where = f"lines[{n}]"
    sku = (ld.sku or "").strip()
    if not sku:
        raise OrderError(
            OrderErrorCode.INVALID,
            f"{where}.sku: the line names no SKU",
            field=f"{where}.sku",
            fix="give the SKU or remove the line",
        )
    price = None
    if ld.customer_price is not None:
        try:
            price = to_decimal(ld.customer_price)
        except (ValueError, ArithmeticError) as exc:
            raise OrderError(
                OrderErrorCode.INVALID,
                f"{where}.customer_price: {ld.customer_price!r} is not a price",
                field=f"{where}.customer_price",
                fix="write the price as a number, e.g. 12.50",
            ) from exc
    q = _quantity(ld.quantity, f"{where}.quantity")
    return SalesOrderLine(
        line_no=n,
        sku=sku[:40],
        quantity=q,
        uom_code=(ld.uom or "").strip().upper()[:8],
        requested_date=ld.requested_date or draft.requested_date,
        customer_price=price,
        warehouse=warehouses.get(ld.warehouse.strip().upper()) if ld.warehouse else None,
        notes=(ld.notes or "")[:250],
    )


def order_already_received(order: SalesOrder) -> SalesOrder | None:
    """The order already made from the same PO with the same lines, if any."""
    if not order.customer_po:
        return None
    return (
        SalesOrder.objects.filter(
            customer=order.customer,
            customer_po=order.customer_po,
            content_hash=order.content_hash,
        )
        .exclude(status=OrderStatus.CANCELLED)
        .order_by("pk")
        .first()
    )


def order_intake(
    *, actor: Any, channel: str, draft: OrderDraft, today: dt.date | None = None
) -> IntakeResult:
    """Take in one order from any channel; see the module docstring."""
    require(actor, Capability.ORDER_ENTRY)
    today = today or timezone.localdate()
    order, lines = build_order(actor=actor, channel=channel, draft=draft, today=today)
    pipeline.resolve_lines(lines)
    for line in lines:
        pipeline.store_quantities(line)
    pipeline.price(order, lines, on_date=today)
    evaluation = pipeline.evaluate(order, lines, today=today)
    with transaction.atomic():
        # The customer lock serialises credit decisions of one customer: two orders that
        # each fit the limit cannot both pass when together they do not.
        customer = lock_one(Customer.objects.filter(pk=order.customer_id))
        order.customer = customer
        again = order_already_received(order)
        if again is not None:
            return IntakeResult(again, False, list(again.findings.filter(status="open")))
        credit = pipeline.evaluate_credit(
            order, today=today, grace_days=evaluation.policy.credit_grace_days
        )
        order.number = number_next(doc_type="sales_order")
        order.save()
        for line in lines:
            line.order = order
        SalesOrderLine.objects.bulk_create(lines, batch_size=500)
        pipeline.save_charges(order)
        event_record(
            actor=actor,
            obj=order,
            action="order.received",
            after={
                "channel": order.channel,
                "customer": customer.account_number,
                "customer_po": order.customer_po,
                "lines": len(lines),
                "total": order.total,
                "source": order.source_document,
            },
        )
        open_findings = pipeline.record_findings(
            actor=actor, order=order, lines=lines, findings=[*evaluation.findings, *credit]
        )
        holds = pipeline.holding(open_findings)
        if holds:
            pipeline.hold(actor=actor, order=order, findings=holds)
        else:
            pipeline.accept(actor=actor, order=order, today=today)
    return IntakeResult(order, True, open_findings)

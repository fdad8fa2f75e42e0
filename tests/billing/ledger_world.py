"""Helpers of the ledger tests (no tests here): invoices and credit memos written straight to
the ledger for tests about payments and aging, and a real order → shipment → invoice path
for tests about what the services leave behind."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from orderdesk.billing.invoicing import invoice_for_shipment
from orderdesk.billing.models import (
    CreditMemo,
    Invoice,
    Receivable,
    ReceivableKind,
)
from orderdesk.core.roles import Role
from orderdesk.orders.models import SalesOrder
from orderdesk.orders.states import OrderStatus
from orderdesk.parties.models import Customer, PaymentTerms

from ..factories import CustomerFactory, UserFactory
from ..orders.test_allocation import SalesOrderFactory
from ..orders.world import World
from .invoicing_world import place, ship

D = Decimal


def billing() -> Any:
    return UserFactory(role=Role.BILLING)


def posted_invoice(
    customer: Customer,
    number: str,
    total: str | Decimal,
    *,
    invoice_date: dt.date,
    due_date: dt.date | None = None,
    discount_date: dt.date | None = None,
    discount: str | Decimal = "0",
    order: SalesOrder | None = None,
    open_amount: str | Decimal | None = None,
) -> Invoice:
    """An invoice with its open item, as invoicing leaves it (without lines)."""
    total = D(total)
    order = order or SalesOrderFactory(
        customer=customer, ship_to=None, status=OrderStatus.INVOICED, order_date=invoice_date
    )
    due = due_date or invoice_date + dt.timedelta(days=30)
    item = Receivable.objects.create(
        customer=customer,
        kind=ReceivableKind.INVOICE,
        document_number=number,
        document_date=invoice_date,
        due_date=due,
        currency=customer.currency,
        amount=total,
        open_amount=total if open_amount is None else D(open_amount),
    )
    return Invoice.objects.create(
        number=number,
        customer=customer,
        order=order,
        invoice_date=invoice_date,
        due_date=due,
        discount_date=discount_date,
        discount_amount=D(discount),
        payment_terms=customer.payment_terms,
        currency=customer.currency,
        merchandise=total,
        total=total,
        receivable=item,
        created_at=timezone.now(),
    )


def posted_credit(
    customer: Customer, number: str, total: str | Decimal, *, memo_date: dt.date, invoice: Invoice
) -> CreditMemo:
    """A credit memo with its open (negative) item, not applied to anything yet."""
    total = D(total)
    item = Receivable.objects.create(
        customer=customer,
        kind=ReceivableKind.CREDIT_MEMO,
        document_number=number,
        document_date=memo_date,
        due_date=memo_date,
        currency=customer.currency,
        amount=-total,
        open_amount=-total,
    )
    return CreditMemo.objects.create(
        number=number,
        customer=customer,
        invoice=invoice,
        memo_date=memo_date,
        currency=customer.currency,
        reason="price correction",
        merchandise=total,
        total=total,
        receivable=item,
        created_at=timezone.now(),
    )


def opening(
    customer: Customer,
    number: str,
    amount: str,
    *,
    due: dt.date,
    open_amount: str | None = None,
    dated: dt.date | None = None,
) -> Receivable:
    return Receivable.objects.create(
        customer=customer,
        kind=ReceivableKind.OPENING,
        document_number=number,
        document_date=dated or due - dt.timedelta(days=30),
        due_date=due,
        currency=customer.currency,
        amount=D(amount),
        open_amount=D(amount if open_amount is None else open_amount),
    )


def customer(**kwargs: Any) -> Customer:
    return CustomerFactory(**kwargs)


def two_ten_net_30() -> PaymentTerms:
    return PaymentTerms.objects.get_or_create(
        code="2/10N30",
        defaults={
            "description": "2% 10 days, net 30",
            "net_days": 30,
            "discount_percent": D(2),
            "discount_days": 10,
        },
    )[0]


def shipped_and_invoiced(
    world: World,
    *lines: tuple[str, str],
    ship_date: dt.date = dt.date(2026, 10, 5),
    **header: Any,
) -> tuple[SalesOrder, Invoice]:
    """An order placed through intake, shipped complete and invoiced by the services."""
    order = place(world, *lines, **header)
    shipment = ship(order, {n: q for n, (_, q) in enumerate(lines, start=1)}, ship_date=ship_date)
    invoice = invoice_for_shipment(actor=UserFactory(role=Role.WAREHOUSE), shipment=shipment)
    order.refresh_from_db()
    return order, invoice


def shipment_rows(
    order: SalesOrder,
    parts: list[tuple[Any, str | Decimal] | tuple[Any, str | Decimal, Any]],
    *,
    ship_date: dt.date,
) -> Any:
    """A shipment of (order line, base quantity[, item shipped]) rows, counters untouched."""
    from orderdesk.core.numbering import number_next
    from orderdesk.fulfilment.models import PickList, Shipment, ShipmentLine
    from orderdesk.parties.models import Carrier, ShipMethod

    from ..factories import WarehouseFactory

    carrier = Carrier.objects.get_or_create(scac="UPSN", defaults={"name": "UPS"})[0]
    method = ShipMethod.objects.get_or_create(
        code="UPS-GND", defaults={"carrier": carrier, "name": "UPS Ground", "transit_days": 3}
    )[0]
    warehouse = WarehouseFactory()
    now = timezone.now()
    pick_list = PickList.objects.create(
        number=number_next(doc_type="pick_list"),
        order=order,
        warehouse=warehouse,
        status="shipped",
        created_at=now,
    )
    shipment = Shipment.objects.create(
        number=number_next(doc_type="shipment"),
        order=order,
        pick_list=pick_list,
        warehouse=warehouse,
        customer=order.customer,
        ship_method=method,
        carrier=carrier,
        ship_date=ship_date,
        created_at=now,
    )
    for part in parts:
        line, q = part[0], D(part[1])
        item = part[2] if len(part) > 2 else line.item  # type: ignore[misc]
        ShipmentLine.objects.create(shipment=shipment, order_line=line, item=item, quantity=q)
    return shipment


def invoice_rows(invoice: Invoice, parts: list[tuple[Any, str | Decimal]]) -> None:
    """Invoice lines billing (order line, base quantity) at the line's unit price."""
    from orderdesk.billing.models import InvoiceLine

    for no, (line, q) in enumerate(parts, start=1):
        InvoiceLine.objects.create(
            invoice=invoice,
            line_no=no,
            order_line=line,
            item=line.item,
            sku=line.sku,
            quantity=D(q),
            unit_price=line.unit_price,
            net=line.unit_price * D(q),
        )

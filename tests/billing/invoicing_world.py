"""Helpers of the invoicing tests (no tests here): orders placed through intake, and
shipments written the way the ship service leaves them, without the fulfilment services.

A shipment moves each line's quantity out of its allocated (then backordered, then open)
bucket into shipped, so the order line's CHECK constraints hold, as the ship service does.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from orderdesk.billing.models import CreditMemo, Invoice, InvoiceLine, Receivable
from orderdesk.core.numbering import number_next
from orderdesk.core.roles import Role
from orderdesk.fulfilment.models import PickList, Shipment, ShipmentLine
from orderdesk.inventory.models import Warehouse
from orderdesk.orders.models import Allocation, SalesOrder, SalesOrderLine
from orderdesk.orders.submit import order_submit_api

from ..factories import UserFactory
from ..orders.world import World

D = Decimal


def place(world: World, *lines: tuple[str, str], actor: Any = None, **header: Any) -> SalesOrder:
    """An order placed (priced, allocated, acknowledged) through the API intake service."""
    actor = actor or UserFactory(role=Role.ORDER_CLERK)
    status, body = order_submit_api(
        actor=actor, body=world.body(*lines, **header), idempotency_key=None
    )
    assert status == 201, body
    order = SalesOrder.objects.get(pk=body["id"])
    assert order.status in ("allocated", "backordered"), (order.status, body["findings"])
    return order


def _take(line: SalesOrderLine, q: Decimal) -> None:
    for bucket in ("qty_allocated", "qty_backordered", "qty_open"):
        have = getattr(line, bucket)
        step = min(have, q)
        setattr(line, bucket, have - step)
        q -= step
    assert q == 0, f"line {line.line_no} has not that much left to ship"


def _warehouse(order: SalesOrder) -> Warehouse:
    if order.warehouse is not None:
        return order.warehouse
    found = Allocation.objects.filter(line__order=order).select_related("warehouse").first()
    if found is not None:
        return found.warehouse
    return Warehouse.objects.order_by("pk").first()  # type: ignore[return-value]


def ship(
    order: SalesOrder,
    quantities: dict[int, str | Decimal],
    *,
    ship_date: dt.date = dt.date(2026, 3, 2),
    lots: dict[int, str] | None = None,
) -> Shipment:
    """A shipment of base quantities by order line number, as the ship service saves it."""
    lots = lots or {}
    with transaction.atomic():
        order = SalesOrder.objects.select_related("ship_method__carrier").get(pk=order.pk)
        lines = {ln.line_no: ln for ln in order.lines.select_related("item")}
        now = timezone.now()
        pick_list = PickList.objects.create(
            number=number_next(doc_type="pick_list"),
            order=order,
            warehouse=_warehouse(order),
            status="shipped",
            created_at=now,
        )
        shipment = Shipment.objects.create(
            number=number_next(doc_type="shipment"),
            order=order,
            pick_list=pick_list,
            warehouse=pick_list.warehouse,
            customer=order.customer,
            ship_to=order.ship_to,
            ship_method=order.ship_method,
            carrier=order.ship_method.carrier,
            tracking_number="1Z999AA10123456784",
            ship_date=ship_date,
            currency=order.currency,
            created_at=now,
        )
        for no, q in quantities.items():
            line = lines[no]
            q = D(q)
            from_allocated = min(line.qty_allocated, q)
            _take(line, q)
            line.qty_shipped += q
            line.save()
            left = from_allocated
            for alloc in Allocation.objects.filter(line=line).order_by("pk"):
                if left <= 0:
                    break
                step = min(alloc.quantity, left)
                left -= step
                if step == alloc.quantity:
                    alloc.delete()
                else:
                    alloc.quantity -= step
                    alloc.save(update_fields=["quantity"])
            assert line.item is not None
            ShipmentLine.objects.create(
                shipment=shipment,
                order_line=line,
                item=line.item,
                lot=lots.get(no, ""),
                quantity=q,
            )
    return shipment


def warehouse_user() -> Any:
    return UserFactory(role=Role.WAREHOUSE)


def billing_user() -> Any:
    return UserFactory(role=Role.BILLING)


def invoice_of(customer: Any) -> Invoice:
    """An invoice of the customer written directly (one line, its open item), for access
    tests that need a record of a given customer and nothing else."""
    with transaction.atomic():
        order = SalesOrder.objects.create(
            number=number_next(doc_type="sales_order"),
            customer=customer,
            channel="api",
            order_date=dt.date(2026, 3, 1),
            payment_terms=customer.payment_terms,
            currency=customer.currency,
        )
        line = SalesOrderLine.objects.create(
            order=order, line_no=1, sku="X-1", quantity=D(2), qty_ordered=D(2),
            qty_shipped=D(2), qty_invoiced=D(2), unit_price=D("5.00"), net=D("10.00"),
        )  # fmt: skip
        number = number_next(doc_type="invoice")
        receivable = Receivable.objects.create(
            customer=customer, kind="invoice", document_number=number,
            document_date=dt.date(2026, 3, 2), due_date=dt.date(2026, 4, 1),
            currency=customer.currency, amount=D("10.00"), open_amount=D("10.00"),
        )  # fmt: skip
        invoice = Invoice.objects.create(
            number=number, customer=customer, order=order, invoice_date=dt.date(2026, 3, 2),
            due_date=dt.date(2026, 4, 1), payment_terms=customer.payment_terms,
            currency=customer.currency, bill_to={"name": customer.name},
            merchandise=D("10.00"), total=D("10.00"), receivable=receivable,
            created_at=timezone.now(),
        )  # fmt: skip
        InvoiceLine.objects.create(
            invoice=invoice, line_no=1, order_line=line, sku="X-1", quantity=D(2),
            unit_price=D("5.00"), net=D("10.00"),
        )  # fmt: skip
    return invoice


def credit_memo_of(customer: Any) -> CreditMemo:
    """A credit memo of the customer (for access tests), through the credit service."""
    from orderdesk.billing.credit_memos import credit_memo_create

    invoice = invoice_of(customer)
    return credit_memo_create(
        actor=billing_user(),
        invoice=invoice,
        lines=[(invoice.lines.get(), D(1))],
        reason="access test",
        memo_date=dt.date(2026, 3, 3),
    )

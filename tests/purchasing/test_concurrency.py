"""Clerks receiving the same purchase order at once never receive more than allowed."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from orderdesk.inventory.models import StockLevel
from orderdesk.inventory.selectors import ledger_discrepancies
from orderdesk.purchasing.models import PurchaseOrder, PurchaseOrderLine

from ..concurrency import run_in_processes
from ..factories import ItemFactory
from .factories import buyer, make_po


def receive_five(po_id: int, user_id: int, start_at: float) -> int:
    """One clerk: receive 5 on line 1; returns 1 if accepted, 0 if refused (over-receipt, or
    the order is fully received already)."""
    from orderdesk.core.models import User
    from orderdesk.purchasing.errors import PurchaseOrderStateError, PurchasingError
    from orderdesk.purchasing.services import purchase_order_receive

    po, user = PurchaseOrder.objects.get(pk=po_id), User.objects.get(pk=user_id)
    time.sleep(max(0.0, start_at - time.time()))
    try:
        purchase_order_receive(actor=user, purchase_order=po, receipts=[(1, Decimal(5))])
    except (PurchasingError, PurchaseOrderStateError) as exc:
        assert exc.code in {"over_receipt", "not_receivable"}, exc.message
        return 0
    return 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_16_clerks_receiving_at_once_stop_at_the_ordered_quantity():
    clerk = buyer()
    po = make_po(lines=[(ItemFactory(), Decimal(50), Decimal(1))], send=True, actor=clerk)
    user_id = clerk.pk
    start_at = time.time() + 10
    accepted = run_in_processes(
        "tests.purchasing.test_concurrency:receive_five", [(po.pk, user_id, start_at)] * 16
    )
    assert sum(accepted) == 10  # 50 ordered: once received in full, the rest are refused
    assert PurchaseOrderLine.objects.get(purchase_order=po).quantity_received == Decimal(50)
    assert StockLevel.objects.get().on_hand == Decimal(50)
    assert PurchaseOrder.objects.get(pk=po.pk).status == "received"
    assert list(ledger_discrepancies()) == []

"""Property: for any sequence of shipments (each invoiced), return requests, decisions,
receipts with any disposition, credits and exchanges, the stock ledger and the customer
ledger reconcile with their documents after every step.

Checked after each step: every stock level equals the sum of its movements; the return
movements equal the restocked receipt quantities; per return line credited ≤ received ≤
authorised; per order line what RMAs ask back never exceeds what shipped; what RMAs credited
equals the goods quantities of their credit memos and no invoice line is credited above what
it billed; each memo adds up; and the open items add up to invoices − credit memos.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orderdesk.billing.models import (
    CreditMemo,
    CreditMemoLine,
    Invoice,
    InvoiceLine,
    Receivable,
)
from orderdesk.core.errors import DomainError
from orderdesk.core.fields import AmountField, QuantityField
from orderdesk.inventory.models import StockMovement
from orderdesk.inventory.selectors import ledger_discrepancies
from orderdesk.returns.crediting import rma_credit, rma_exchange
from orderdesk.returns.models import ReturnAuthorization, ReturnLine, ReturnReceiptLine
from orderdesk.returns.receiving import rma_receive
from orderdesk.returns.services import rma_approve, rma_cancel, rma_reject, rma_request
from orderdesk.returns.states import COUNTING

from .world import Desk, build_desk, days_ago, place, ship

pytestmark = pytest.mark.django_db
D = Decimal
ZERO = D(0)

ASK = st.tuples(st.just("ask"), st.integers(0, 1), st.integers(1, 3), st.booleans(), st.booleans())
RECEIVE = st.tuples(
    st.just("receive"),
    st.integers(0, 5),
    st.integers(1, 3),
    st.sampled_from(["restock", "restock", "scrap", "repair", "return_to_vendor"]),
)
CREDIT = st.tuples(st.just("credit"), st.integers(0, 5), st.booleans())
OPS = st.one_of(
    st.tuples(st.just("ship"), st.integers(0, 1), st.integers(1, 4)),
    ASK,
    ASK,
    ASK,
    st.tuples(st.just("approve"), st.integers(0, 5)),
    st.tuples(st.just("decline"), st.integers(0, 5), st.booleans()),
    RECEIVE,
    RECEIVE,
    RECEIVE,
    CREDIT,
    CREDIT,
)


def _sum(qs: Any, field: str, out: Any = QuantityField) -> Decimal:
    return qs.aggregate(s=Sum(field, output_field=out()))["s"] or ZERO


def _check(desk: Desk, order: Any) -> None:
    assert list(ledger_discrepancies()) == []
    for item in (desk.plain, desk.lotted):
        restocked = _sum(
            ReturnReceiptLine.objects.filter(disposition="restock", return_line__item=item),
            "quantity",
        )
        assert _sum(StockMovement.objects.filter(kind="return", item=item), "quantity") == restocked
    for rl in ReturnLine.objects.all():
        assert ZERO <= rl.qty_credited <= rl.qty_received <= rl.quantity
    for line in order.lines.all():
        asked = _sum(
            ReturnLine.objects.filter(order_line=line, rma__status__in=list(COUNTING)),
            "quantity",
        )
        assert asked <= line.qty_shipped
    goods = CreditMemoLine.objects.filter(kind="goods")
    assert _sum(ReturnLine.objects.all(), "qty_credited") == _sum(goods, "quantity")
    billed = dict(InvoiceLine.objects.values_list("pk", "quantity"))
    for il_id, credited in goods.values_list("invoice_line_id").annotate(
        q=Sum("quantity", output_field=QuantityField())
    ):
        assert credited <= billed[il_id]
    for memo in CreditMemo.objects.prefetch_related("lines"):
        lines = list(memo.lines.all())
        assert memo.total == sum((ln.net + ln.tax for ln in lines), ZERO)
        assert memo.total == memo.merchandise - memo.fees + memo.tax_total
    customer = desk.customer
    assert _sum(Receivable.objects.filter(customer=customer), "open_amount", AmountField) == (
        _sum(Invoice.objects.filter(customer=customer), "total", AmountField)
        - _sum(CreditMemo.objects.filter(customer=customer), "total", AmountField)
    )


def _pick(status: tuple[str, ...], k: int) -> ReturnAuthorization | None:
    rows = list(ReturnAuthorization.objects.filter(status__in=status).order_by("pk"))
    return rows[k % len(rows)] if rows else None


def _step(desk: Desk, order: Any, op: tuple) -> None:
    kind = op[0]
    lines = list(order.lines.order_by("line_no"))
    if kind == "ship":
        line = lines[op[1]]
        line.refresh_from_db()
        q = min(D(op[2]), line.qty_allocated)
        if q > 0:
            ship(desk, order, on=days_ago(8), only=[(line, q)])
    elif kind == "ask":
        resolution = "exchange" if op[3] else "credit"
        rma = rma_request(
            actor=desk.clerk,
            order=order,
            lines=[(lines[op[1]], D(op[2]), "", "")],
            reason="property return",
            resolution=resolution,
        )
        if op[4]:
            rma_approve(actor=desk.coordinator, rma=rma, reason="approved at once")
    elif kind == "approve" and (rma := _pick(("requested",), op[1])):
        rma_approve(actor=desk.coordinator, rma=rma, reason="property approval")
    elif kind == "decline" and (rma := _pick(("requested", "approved"), op[1])):
        if op[2] and rma.status == "requested":
            rma_reject(actor=desk.coordinator, rma=rma, reason="property rejection")
        else:
            rma_cancel(actor=desk.coordinator, rma=rma, reason="property cancel")
    elif kind == "receive" and (rma := _pick(("approved", "received", "credited"), op[1])):
        rl = rma.lines.get()
        rma_receive(
            actor=desk.warehouse_user,
            rma=rma,
            warehouse=desk.warehouse,
            lines=[(rl, D(op[2]), "", "opened", op[3], "", None)],
        )
    elif kind == "credit" and (rma := _pick(("received", "credited"), op[1])):
        if op[2]:
            rma_exchange(actor=desk.coordinator, rma=rma)
        else:
            rma_credit(actor=desk.coordinator, rma=rma)


@pytest.fixture
def world() -> tuple[Desk, Any]:
    desk = build_desk(lot_a=6, lot_b=40)
    desk.plain.default_vendor = desk.lotted.default_vendor  # ACME takes returns to vendor
    desk.plain.save(update_fields=["default_vendor"])
    order = place(desk, (desk.plain, 8), (desk.lotted, 8), on=days_ago(12))
    return desk, order


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPS, min_size=4, max_size=14))
def test_stock_and_ledger_reconcile_after_any_sequence_of_returns(world, ops) -> None:
    desk, order = world
    with transaction.atomic():
        first, second = order.lines.order_by("line_no")
        ship(desk, order, on=days_ago(9), only=[(first, 6), (second, 4)])
        for op in [("ask", 0, 2, False, True), *ops]:
            try:
                with transaction.atomic():
                    _step(desk, order, op)
            except DomainError:
                pass  # refused: the check below proves it left nothing half-done
            _check(desk, order)
        transaction.set_rollback(True)

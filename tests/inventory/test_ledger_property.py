"""Property: any sequence of moves keeps on-hand equal to its ledger, and never negative."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orderdesk.inventory.errors import InsufficientStock
from orderdesk.inventory.models import MovementKind, StockLevel, StockMovement
from orderdesk.inventory.selectors import ledger_discrepancies, stock_on_hand
from orderdesk.inventory.services import stock_move

from ..factories import ItemFactory, WarehouseFactory
from .factories import OtherWarehouseFactory

pytestmark = pytest.mark.django_db

quantities = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("500"), places=4)
moves = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=1),  # warehouse
        st.sampled_from([MovementKind.RECEIPT, MovementKind.ISSUE, MovementKind.ADJUSTMENT]),
        quantities,
        st.booleans(),  # sign of an adjustment
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=moves)
def test_any_sequence_of_moves_keeps_on_hand_equal_to_the_ledger(sequence):
    with transaction.atomic():
        item = ItemFactory()
        warehouses = [WarehouseFactory(), OtherWarehouseFactory()]
        expected = [Decimal(0), Decimal(0)]
        for wh_index, kind, quantity, negative in sequence:
            signed = (
                -quantity
                if kind == MovementKind.ISSUE or (kind == MovementKind.ADJUSTMENT and negative)
                else quantity
            )
            wh = warehouses[wh_index]
            try:
                stock_move(actor=None, item=item, warehouse=wh, quantity=signed, kind=kind)
            except InsufficientStock:
                assert expected[wh_index] + signed < 0
            else:
                expected[wh_index] += signed
            assert stock_on_hand(item, wh) == expected[wh_index]
        for wh, want in zip(warehouses, expected, strict=True):
            ledger = sum(
                StockMovement.objects.filter(item=item, warehouse=wh).values_list(
                    "quantity", flat=True
                ),
                Decimal(0),
            )
            assert stock_on_hand(item, wh) == ledger == want
        assert not StockLevel.objects.filter(item=item, on_hand__lt=0).exists()
        assert list(ledger_discrepancies()) == []
        transaction.set_rollback(True)

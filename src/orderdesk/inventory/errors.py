"""Error codes and domain errors of the stock ledger, warehouses and lots."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from orderdesk.core.errors import Conflict, Invalid


class InventoryErrorCode(StrEnum):
    INVALID = "invalid"
    INSUFFICIENT_STOCK = "insufficient_stock"
    SERIAL_ALREADY_IN_STOCK = "serial_already_in_stock"
    LOT_REQUIRED = "lot_required"
    LOT_NOT_ALLOWED = "lot_not_allowed"
    LOT_ON_HOLD = "lot_on_hold"
    LOT_ALREADY_ON_HOLD = "lot_already_on_hold"
    LOT_NOT_ON_HOLD = "lot_not_on_hold"
    QUANTITY_INVALID = "quantity_invalid"
    WRONG_SIGN = "wrong_sign_for_kind"
    WAREHOUSE_INACTIVE = "warehouse_inactive"
    WAREHOUSE_HAS_STOCK = "warehouse_has_stock"
    WAREHOUSE_CODE_TAKEN = "warehouse_code_taken"
    SAME_WAREHOUSE = "same_warehouse"
    REASON_REQUIRED = "reason_required"
    ADJUSTMENT_INVALID = "adjustment_invalid"
    TIMEZONE_INVALID = "timezone_invalid"


def plain(quantity: Decimal) -> str:
    """A quantity as a clerk writes it: 3, 2.5 (not 3.0000 or 1E+2)."""
    return f"{quantity.normalize():f}"


class InventoryError(Invalid):
    """A stock command refused for a reason the clerk can fix (422)."""


class InsufficientStock(Conflict):
    """The move would take a stock level below zero or below what is allocated (409)."""

    def __init__(
        self,
        *,
        sku: str,
        warehouse: str,
        lot: str,
        on_hand: Decimal,
        allocated: Decimal,
        asked: Decimal,
    ) -> None:
        lot_text = f" lot {lot}" if lot else ""
        held = f", {plain(allocated)} of it allocated" if allocated else ""
        super().__init__(
            InventoryErrorCode.INSUFFICIENT_STOCK,
            f"not enough stock of {sku}{lot_text} in {warehouse}: on hand {plain(on_hand)}"
            f"{held}, asked to take {plain(asked)}",
            field="quantity",
            fix="take at most the unallocated on-hand quantity, or receive or adjust stock first",
        )
        self.on_hand = on_hand
        self.allocated = allocated
        self.asked = asked

"""Error codes and domain errors of purchase orders."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from orderdesk.core.errors import Conflict, Invalid


class PurchasingErrorCode(StrEnum):
    INVALID = "invalid"
    NO_LINES = "no_lines"
    QUANTITY_INVALID = "quantity_invalid"
    COST_INVALID = "cost_invalid"
    DATE_INVALID = "date_invalid"
    CURRENCY_INVALID = "currency_invalid"
    VENDOR_INACTIVE = "vendor_inactive"
    ITEM_DISCONTINUED = "item_discontinued"
    WAREHOUSE_REQUIRED = "warehouse_required"
    WAREHOUSE_INACTIVE = "warehouse_inactive"
    SHIP_TO_REQUIRED = "ship_to_required"
    SHIP_TO_NOT_ALLOWED = "ship_to_not_allowed"
    NOT_DRAFT = "not_draft"
    NOT_RECEIVABLE = "not_receivable"
    LINE_NOT_FOUND = "line_not_found"
    OVER_RECEIPT = "over_receipt"
    REASON_REQUIRED = "reason_required"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"


def plain(quantity: Decimal) -> str:
    """A quantity as a buyer writes it: 10, 10.5 (not 10.0000 or 1E+1)."""
    return f"{quantity.normalize():f}"


class PurchasingError(Invalid):
    """A purchase-order command refused for a reason the buyer can fix (422)."""


class PurchaseOrderStateError(Conflict):
    """The purchase order's status does not allow this (409)."""

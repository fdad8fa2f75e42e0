"""Error codes and domain errors of returns (RMAs, receipts, credits) and recalls."""

from __future__ import annotations

from enum import StrEnum

from orderdesk.core.errors import Conflict, Invalid


class ReturnErrorCode(StrEnum):
    INVALID = "invalid"
    NO_LINES = "no_lines"
    LINE_NOT_ON_ORDER = "line_not_on_order"
    LINE_REPEATED = "line_repeated"
    NO_ITEM = "no_item"
    QUANTITY_INVALID = "quantity_invalid"
    NOTHING_SHIPPED = "nothing_shipped"
    OVER_RETURN = "over_return"
    LOT_REQUIRED = "lot_required"
    LOT_NOT_SHIPPED = "lot_not_shipped"
    LOT_NOT_ALLOWED = "lot_not_allowed"
    SPLIT_BY_INVOICE = "split_by_invoice"
    RESOLUTION_INVALID = "resolution_invalid"
    CHANNEL_INVALID = "channel_invalid"
    REASON_REQUIRED = "reason_required"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    NOT_RECEIVABLE = "not_receivable"
    OVER_RECEIPT = "over_receipt"
    LINE_NOT_ON_RMA = "line_not_on_rma"
    CONDITION_INVALID = "condition_invalid"
    DISPOSITION_INVALID = "disposition_invalid"
    VENDOR_REQUIRED = "vendor_required"
    WAREHOUSE_INACTIVE = "warehouse_inactive"
    NOTHING_TO_CREDIT = "nothing_to_credit"
    NOT_INVOICED = "not_invoiced"
    NOT_CREDITABLE = "not_creditable"
    NUMBER_REQUIRED = "number_required"
    ITEM_UNKNOWN = "item_unknown"


class ReturnError(Invalid):
    """A return command refused for a reason the clerk can fix (422)."""


class ReturnConflict(Conflict):
    """The RMA is not in a state that allows this (409)."""

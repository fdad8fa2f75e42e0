"""Error codes and domain errors of invoicing, credit memos, payments and the ledger."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from orderdesk.core.errors import Conflict, Invalid


class BillingErrorCode(StrEnum):
    INVALID = "invalid"
    PERIOD_CLOSED = "period_closed"
    PERIOD_BACKWARDS = "period_backwards"
    PERIOD_NOT_BACK = "period_not_back"
    REASON_REQUIRED = "reason_required"
    NOTHING_TO_INVOICE = "nothing_to_invoice"
    NOT_INVOICEABLE = "not_invoiceable"
    CURRENCY_MISMATCH = "currency_mismatch"
    NO_PAYMENT_TERMS = "no_payment_terms"
    NOTHING_TO_CREDIT = "nothing_to_credit"
    OVER_CREDIT = "over_credit"
    LINE_NOT_ON_INVOICE = "line_not_on_invoice"
    CHARGE_NOT_ON_INVOICE = "charge_not_on_invoice"
    QUANTITY_INVALID = "quantity_invalid"
    FEE_INVALID = "fee_invalid"
    DOES_NOT_RECONCILE = "does_not_reconcile"
    # the ledger's (payments, applications)
    AMOUNT_INVALID = "amount_invalid"
    OVER_APPLIED = "over_applied"
    CUSTOMER_MISMATCH = "customer_mismatch"


def plain(value: Decimal) -> str:
    """A quantity or amount as a clerk writes it: 3, 2.5, 12.5 (not 3.0000 or 1E+2)."""
    return f"{value.normalize():f}"


class BillingError(Invalid):
    """A billing command refused for a reason the clerk can fix (422)."""


class BillingConflict(Conflict):
    """The document or the ledger is not in a state that allows this (409)."""

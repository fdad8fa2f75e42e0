"""Error codes and domain errors of sales orders."""

from __future__ import annotations

from enum import StrEnum

from orderdesk.core.errors import Conflict, Invalid


class OrderErrorCode(StrEnum):
    INVALID = "invalid"
    CUSTOMER_UNKNOWN = "customer_unknown"
    NO_LINES = "no_lines"
    QUANTITY_INVALID = "quantity_invalid"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    ON_HOLD = "order_on_hold"
    NOT_CHANGEABLE = "order_not_changeable"
    REASON_REQUIRED = "reason_required"
    FINDING_NOT_OVERRIDABLE = "finding_not_overridable"
    IDEMPOTENCY_MISMATCH = "idempotency_key_reused"
    IDEMPOTENCY_IN_FLIGHT = "idempotency_key_in_flight"
    STALE = "order_changed_meanwhile"
    MAPPING_INVALID = "mapping_invalid"


class OrderError(Invalid):
    """An order command refused for a reason the clerk can fix (422)."""


class OrderConflict(Conflict):
    """The order is not in a state that allows this (409)."""

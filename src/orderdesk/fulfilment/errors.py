"""Error codes and domain errors of the warehouse: release, pick, pack, ship, compliance."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from orderdesk.core.errors import Conflict, Invalid


class FulfilmentErrorCode(StrEnum):
    INVALID = "invalid"
    WRONG_STATUS = "pick_list_wrong_status"
    ALREADY_SHIPPED = "pick_list_already_shipped"
    PICK_LINE_UNKNOWN = "pick_line_unknown"
    QUANTITY_INVALID = "quantity_invalid"
    OVER_PICKED = "over_picked"
    SCAN_INVALID = "scan_invalid"
    LOT_REQUIRED = "lot_required"
    LOT_UNKNOWN = "lot_unknown"
    LOT_NOT_FREE = "lot_not_free"
    LOT_ON_HOLD = "lot_on_hold"
    SERIAL_REQUIRED = "serial_required"
    SERIAL_DUPLICATE = "serial_duplicate"
    SERIAL_NOT_IN_STOCK = "serial_not_in_stock"
    SHORT_REASON_REQUIRED = "short_reason_required"
    PACK_MISMATCH = "pack_mismatch"
    WEIGHT_REQUIRED = "weight_required"
    NOTHING_TO_PACK = "nothing_to_pack"
    NOT_PACKED = "not_packed"
    SHIP_METHOD_REQUIRED = "ship_method_required"
    COMPLIANCE = "shipment_not_compliant"
    ALLOCATION_MISMATCH = "allocation_mismatch"
    RELEASE_REFUSED = "release_refused"


class FulfilmentError(Invalid):
    """A warehouse command refused for a reason the picker or shipper can fix (422)."""


class FulfilmentConflict(Conflict):
    """The pick list or order is not in a state that allows this (409)."""


@dataclass(frozen=True, slots=True)
class ComplianceProblem:
    """One reason a shipment may not leave, with what to do about it."""

    code: str
    message: str
    fix: str
    field: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "fix": self.fix, "field": self.field}


class ComplianceRefused(Invalid):
    """The shipment breaks one or more shipping rules: every problem, each with its fix."""

    def __init__(self, problems: list[ComplianceProblem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        head = "the shipment cannot leave" + (f" ({count} problems)" if count > 1 else "")
        super().__init__(
            FulfilmentErrorCode.COMPLIANCE,
            f"{head}: " + "; ".join(p.message for p in self.problems),
            field=self.problems[0].field or None if self.problems else None,
            fix="; ".join(p.fix for p in self.problems if p.fix) or None,
        )

    def as_dict(self) -> dict[str, Any]:  # type: ignore[override]
        body: dict[str, Any] = dict(super().as_dict())
        body["problems"] = [p.as_dict() for p in self.problems]
        return body

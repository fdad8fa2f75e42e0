"""Error codes of the EDI app; the API turns them into 4xx JSON, pages into messages."""

from __future__ import annotations

from enum import StrEnum

from orderdesk.core.errors import Conflict, Invalid


class EdiErrorCode(StrEnum):
    PARTNER_UNKNOWN = "edi_partner_unknown"
    PARTNER_INVALID = "edi_partner_invalid"
    FILE_UNREADABLE = "edi_file_unreadable"
    FILE_TOO_LARGE = "edi_file_too_large"
    DOCUMENT_NOT_RETRYABLE = "edi_document_not_retryable"
    DOCUMENT_RESOLVED = "edi_document_resolved"
    INTAKE_ITEM_CLOSED = "edi_intake_item_closed"
    MAILBOX_UNREACHABLE = "edi_mailbox_unreachable"


class EdiBusinessCode(StrEnum):
    """Why a set that passed the X12 syntax could not be acted on (level "business"): each
    is for us to fix (a cross-reference, a ship-to, the order itself), then retry."""

    ITEM_UNKNOWN = "edi_item_unknown"
    ITEM_MISSING = "edi_item_missing"
    SHIP_TO_UNKNOWN = "edi_ship_to_unknown"
    QUANTITY_INVALID = "edi_quantity_invalid"
    PRICE_INVALID = "edi_price_invalid"
    PURPOSE_UNSUPPORTED = "edi_purpose_unsupported"
    SET_NOT_EXCHANGED = "edi_set_not_exchanged"
    SET_UNSUPPORTED = "edi_set_unsupported"
    ORDER_UNKNOWN = "edi_order_unknown"
    LINE_UNKNOWN = "edi_line_unknown"
    UNIT_MISMATCH = "edi_unit_mismatch"
    PRICE_CHANGE = "edi_price_change"
    ACK_UNMATCHED = "edi_ack_unmatched"
    ALREADY_RECEIVED = "edi_already_received"
    CHANGE_PENDING = "edi_change_pending"
    INTERNAL = "edi_internal_error"


class EdiInvalid(Invalid):
    pass


class EdiConflict(Conflict):
    pass

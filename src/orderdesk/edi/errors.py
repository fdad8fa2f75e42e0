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


class EdiInvalid(Invalid):
    pass


class EdiConflict(Conflict):
    pass

"""An order as it arrives, before anything is looked up: the one shape every channel fills.

The API, the order-entry page, the portal, spreadsheet files, EDI 850 and e-mail all turn
what they receive into an `OrderDraft` and hand it to `orders.intake.order_intake`; codes
(account number, ship-to code, SKU, unit) are resolved there, so every channel gets the
same checks and the same error messages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal


@dataclass
class LineDraft:
    sku: str
    quantity: Decimal
    uom: str = ""
    requested_date: dt.date | None = None
    customer_price: Decimal | None = None
    warehouse: str = ""
    notes: str = ""


@dataclass
class OrderDraft:
    customer: str  # account number
    lines: list[LineDraft]
    customer_po: str = ""
    bill_to: str = ""  # address code; blank = the customer's default bill-to
    ship_to: str = ""  # address code; blank = the customer's default ship-to
    requested_date: dt.date | None = None
    ship_method: str = ""
    incoterm: str = ""
    incoterm_place: str = ""
    fob_point: str = ""
    freight_payment: str = ""
    rush: bool = False
    ship_complete: bool | None = None  # None = the customer's policy
    warehouse: str = ""
    notes: str = ""
    source_document: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """A stable hash of what was ordered (customer, PO, lines), for replays."""
        body = asdict(self)
        body.pop("source_document", None)
        return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def lines_fingerprint(lines: list[tuple[str, Decimal]]) -> str:
    """Same customer, same lines: the content hash duplicate detection compares."""
    norm = sorted((sku.strip().upper(), f"{q.normalize():f}") for sku, q in lines)
    return hashlib.sha256(json.dumps(norm).encode()).hexdigest()

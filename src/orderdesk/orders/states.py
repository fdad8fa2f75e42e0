"""Order and line states and the moves allowed between them.

One table per entity, read by `orders.services.order_transition`: a move not in the table
is refused, so no path (copy, edit, re-import, API) can take a held order to allocation,
picking, shipping or invoicing.
"""

from __future__ import annotations

from django.db import models


class Channel(models.TextChoices):
    API = "api", "API"
    DESK = "desk", "Order desk"
    PORTAL = "portal", "Customer portal"
    FILE = "file", "CSV/XLSX file"
    EDI = "edi", "EDI 850"
    EMAIL = "email", "E-mail"


class OrderStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    HELD = "held", "On hold"
    ACCEPTED = "accepted", "Accepted"
    ALLOCATED = "allocated", "Allocated"
    BACKORDERED = "backordered", "Backordered"
    RELEASED = "released", "Released to warehouse"
    SHIPPED = "shipped", "Shipped"
    INVOICED = "invoiced", "Invoiced"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


S = OrderStatus

ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.HELD, S.ACCEPTED, S.CANCELLED}),
    S.HELD: frozenset({S.ACCEPTED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.ALLOCATED, S.BACKORDERED, S.HELD, S.CANCELLED}),
    # Shipped/invoiced straight from allocated or backordered: the rest of a partly shipped
    # order was cancelled.
    S.ALLOCATED: frozenset(
        {S.BACKORDERED, S.RELEASED, S.HELD, S.CANCELLED, S.ACCEPTED, S.SHIPPED, S.INVOICED}
    ),
    S.BACKORDERED: frozenset(
        {S.ALLOCATED, S.RELEASED, S.HELD, S.CANCELLED, S.ACCEPTED, S.SHIPPED, S.INVOICED}
    ),
    # After a pick or a shipment the order shows what is left to do: still in the
    # warehouse (released), waiting for stock (allocated, backordered) or all gone.
    S.RELEASED: frozenset({S.SHIPPED, S.INVOICED, S.ALLOCATED, S.BACKORDERED}),
    S.SHIPPED: frozenset({S.INVOICED}),
    S.INVOICED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
}

#: States in which stock may be allocated to the order.
ALLOCATABLE = frozenset({S.ACCEPTED, S.ALLOCATED, S.BACKORDERED})
#: States in which the order may still be changed by the desk.
CHANGEABLE = frozenset({S.RECEIVED, S.HELD, S.ACCEPTED, S.ALLOCATED, S.BACKORDERED})
#: States counted as open for credit exposure and duplicate checks.
OPEN_STATES = frozenset(
    {S.RECEIVED, S.HELD, S.ACCEPTED, S.ALLOCATED, S.BACKORDERED, S.RELEASED, S.SHIPPED}
)


class LineStatus(models.TextChoices):
    OPEN = "open", "Open"
    ALLOCATED = "allocated", "Allocated"
    PARTIAL = "partial", "Partly allocated"
    BACKORDERED = "backordered", "Backordered"
    DROP_SHIP = "drop_ship", "Drop-ship requested"
    RELEASED = "released", "Released"
    SHIPPED = "shipped", "Shipped"
    INVOICED = "invoiced", "Invoiced"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


class Severity(models.TextChoices):
    BLOCK = "block", "Block"
    HOLD = "hold", "Hold"
    WARN = "warn", "Warning"


class HoldKind(models.TextChoices):
    """The queue a finding lands in; credit holds may only be overridden by billing."""

    DATA = "data", "Order data"
    PRICE = "price", "Price"
    CREDIT = "credit", "Credit"
    COMPLIANCE = "compliance", "Compliance"
    DUPLICATE = "duplicate", "Possible duplicate"
    DATE = "date", "Requested date"
    CHANGE = "change", "Change approval"


class FindingStatus(models.TextChoices):
    OPEN = "open", "Open"
    OVERRIDDEN = "overridden", "Overridden"
    RESOLVED = "resolved", "Resolved"


class Incoterm(models.TextChoices):
    EXW = "EXW", "EXW Ex Works"
    FCA = "FCA", "FCA Free Carrier"
    CPT = "CPT", "CPT Carriage Paid To"
    CIP = "CIP", "CIP Carriage and Insurance Paid To"
    DAP = "DAP", "DAP Delivered at Place"
    DPU = "DPU", "DPU Delivered at Place Unloaded"
    DDP = "DDP", "DDP Delivered Duty Paid"
    FAS = "FAS", "FAS Free Alongside Ship"
    FOB = "FOB", "FOB Free on Board"
    CFR = "CFR", "CFR Cost and Freight"
    CIF = "CIF", "CIF Cost, Insurance and Freight"


class FobPoint(models.TextChoices):
    ORIGIN = "origin", "FOB origin"
    DESTINATION = "destination", "FOB destination"


class FreightPayment(models.TextChoices):
    PREPAID = "prepaid", "Prepaid"
    PREPAID_ADD = "prepaid_add", "Prepaid and add"
    COLLECT = "collect", "Collect"
    THIRD_PARTY = "third_party", "Third party"

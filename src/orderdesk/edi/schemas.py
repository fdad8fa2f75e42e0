"""Request and response shapes of the EDI and intake API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from . import explain
from .models import DOCUMENT_SETS, Send855

# -- documents and interchanges --------------------------------------------------------------


class DocumentFilter(Schema):
    direction: str | None = Field(None, description="in or out")
    partner_id: int | None = None
    set_id: str | None = Field(None, description="850, 860, 855, 856, 810, 846, 997")
    status: str | None = Field(None, description="received, processed, failed, rejected, …")
    action_by: str | None = Field(
        None, description="us or partner: documents still waiting for that side"
    )
    overdue: bool = Field(False, description="Outbound documents whose 997 is late")
    q: str | None = Field(None, description="PO, shipment, invoice, order or control number")


class EdiErrorOut(Schema):
    """One entry of a document's error list, with the failing level in words."""

    level: str
    code: str
    code_element: str = Field(description="TA105, AK905, AK502, AK304 or AK403")
    code_text: str = Field(description="What the X12 code means")
    where: str = Field(examples=["Element PO1-03 of segment PO1 at position 7 in loop PO1"])
    segment_id: str | None = None
    segment_position: int | None = None
    loop: str | None = None
    element: int | None = None
    component: int | None = None
    value: str | None = None
    field: str = ""
    message: str = ""
    fix: str = ""
    raw: str = ""
    severity: str = "error"
    action_by: str = ""


def errors_out(entries: Any) -> list[dict[str, Any]]:
    out = []
    for e in entries or []:
        if not isinstance(e, dict):
            continue
        x = explain.explain(e)
        out.append(
            {
                **{k: e.get(k) for k in EdiErrorOut.model_fields if k in e},
                "level": x.level,
                "code": x.code,
                "code_element": x.code_element,
                "code_text": x.code_text,
                "where": x.where,
                "field": x.field,
                "message": x.message,
                "fix": x.fix,
                "raw": x.raw,
                "severity": x.severity,
                "action_by": x.action_by,
            }
        )
    return out


class DocumentSummaryOut(Schema):
    id: int
    direction: str
    partner_id: int | None
    partner: str | None
    set_id: str
    document: str = Field(examples=["Purchase order 850"])
    reference: str
    document_date: dt.date | None
    status: str
    action_by: str = Field(description="us, partner or empty: who must act now")
    interchange_id: int | None
    interchange_control: str | None
    group_control: str
    set_control: str
    sales_order_id: int | None
    order_number: str | None
    order_status: str | None
    order_holds: list[str] = Field(description="Open holds of the order: price, credit, …")
    shipment_id: int | None
    invoice_id: int | None
    overdue: bool = Field(description="Sent, no 997 back, past ack_due_at")
    ack_due_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    attempts: int
    created_at: dt.datetime

    @staticmethod
    def resolve_partner(obj: Any) -> str | None:
        return obj.partner.code if obj.partner_id else None

    @staticmethod
    def resolve_document(obj: Any) -> str:
        return explain.set_words(obj.set_id)

    @staticmethod
    def resolve_action_by(obj: Any) -> str:
        from .selectors import SETTLED

        return "" if obj.status in SETTLED else str(obj.action_by or "")

    @staticmethod
    def resolve_interchange_control(obj: Any) -> str | None:
        return obj.interchange.control_number if obj.interchange_id else None

    @staticmethod
    def resolve_order_number(obj: Any) -> str | None:
        return obj.sales_order.number if obj.sales_order_id else None

    @staticmethod
    def resolve_order_status(obj: Any) -> str | None:
        return obj.sales_order.status if obj.sales_order_id else None

    @staticmethod
    def resolve_order_holds(obj: Any) -> list[str]:
        if not obj.sales_order_id:
            return []
        holds = getattr(obj.sales_order, "open_holds", None)
        if holds is None:
            return []
        return sorted({f.hold_kind for f in holds})

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return bool(getattr(obj, "is_overdue", False))


class DocumentOut(DocumentSummaryOut):
    functional_id: str
    version: str
    errors: list[EdiErrorOut]
    raw: str
    reply_interchange_id: int | None

    @staticmethod
    def resolve_errors(obj: Any) -> list[dict[str, Any]]:
        return errors_out(obj.errors)

    @staticmethod
    def resolve_reply_interchange_id(obj: Any) -> int | None:
        return obj.reply_id


class InterchangeFilter(Schema):
    direction: str | None = None
    partner_id: int | None = None
    status: str | None = None
    q: str | None = Field(None, description="ISA13, sender id or source")


class InterchangeOut(Schema):
    id: int
    direction: str
    partner_id: int | None
    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    control_number: str
    version: str
    test_indicator: str
    interchange_date: dt.datetime | None
    source: str
    size: int
    status: str
    ta1_code: str
    ta1_text: str
    errors: list[EdiErrorOut]
    warnings: list[EdiErrorOut]
    duplicate_of_id: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_ta1_text(obj: Any) -> str:
        return explain.code_text("interchange", obj.ta1_code) if obj.ta1_code else ""

    @staticmethod
    def resolve_errors(obj: Any) -> list[dict[str, Any]]:
        return errors_out(obj.errors)

    @staticmethod
    def resolve_warnings(obj: Any) -> list[dict[str, Any]]:
        return errors_out(obj.warnings)


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


class ReprocessIn(Schema):
    raw: str | None = Field(
        None, description="The corrected set, ST to SE; leave out to run the stored set again"
    )
    reason: str = Field(min_length=1, max_length=500)


class ReceivedOut(Schema):
    """A file read during the request."""

    kind: str = Field(description="x12 or spreadsheet")
    interchanges: list[InterchangeOut]
    documents: list[DocumentSummaryOut]
    orders: list[str] = Field(description="Order numbers made")
    intake_item_ids: list[int] = Field(description="What waits for a clerk")


class QueuedOut(Schema):
    """A large X12 file kept in storage and read by a background task."""

    queued: bool = True
    path: str
    source: str
    size: int
    task_id: str


# -- partners ---------------------------------------------------------------------------------


class PartnerIn(Schema):
    code: str = Field(max_length=30)
    name: str = Field(max_length=120)
    customer_id: int
    active: bool = True
    isa_qualifier: str = "ZZ"
    isa_id: str
    gs_id: str
    our_isa_qualifier: str = "ZZ"
    our_isa_id: str
    our_gs_id: str
    isa_version: str = "00401"
    version: str = "004010"
    element_separator: str = "*"
    component_separator: str = ">"
    repetition_separator: str = "U"
    segment_terminator: str = "~"
    line_break: bool = True
    test_indicator: str = "P"
    documents: list[str] = Field(
        default_factory=list, description=f"Any of {', '.join(DOCUMENT_SETS)}"
    )
    send_855: str = Field(Send855.ALWAYS, description="always, on_change or never")
    ack_hours: int = 24
    duplicate_days: int = 90
    uom_map: dict[str, str] = Field(default_factory=dict, examples=[{"CA": "CS"}])
    location_map: dict[str, str] = Field(default_factory=dict, examples=[{"0001": "MAIN"}])
    folder: str = ""


class PartnerPatch(Schema):
    """Only the fields sent are changed."""

    code: str | None = None
    name: str | None = None
    customer_id: int | None = None
    active: bool | None = None
    isa_qualifier: str | None = None
    isa_id: str | None = None
    gs_id: str | None = None
    our_isa_qualifier: str | None = None
    our_isa_id: str | None = None
    our_gs_id: str | None = None
    isa_version: str | None = None
    version: str | None = None
    element_separator: str | None = None
    component_separator: str | None = None
    repetition_separator: str | None = None
    segment_terminator: str | None = None
    line_break: bool | None = None
    test_indicator: str | None = None
    documents: list[str] | None = None
    send_855: str | None = None
    ack_hours: int | None = None
    duplicate_days: int | None = None
    uom_map: dict[str, str] | None = None
    location_map: dict[str, str] | None = None
    folder: str | None = None


class PartnerOut(Schema):
    id: int
    code: str
    name: str
    customer_id: int
    customer: str
    active: bool
    isa_qualifier: str
    isa_id: str
    gs_id: str
    our_isa_qualifier: str
    our_isa_id: str
    our_gs_id: str
    isa_version: str
    version: str
    element_separator: str
    component_separator: str
    repetition_separator: str
    segment_terminator: str
    line_break: bool
    test_indicator: str
    documents: list[str]
    send_855: str
    ack_hours: int
    duplicate_days: int
    uom_map: dict[str, str]
    location_map: dict[str, str]
    folder: str
    next_isa: int
    next_gs: int
    next_st: int
    updated_at: dt.datetime

    @staticmethod
    def resolve_customer(obj: Any) -> str:
        return str(obj.customer.account_number)


class PartnerFilter(Schema):
    q: str | None = Field(None, description="Code, name, ISA id or account number")


class PartnerItemIn(Schema):
    item_sku: str = Field(max_length=40, description="Our SKU")
    buyer_part: str = Field("", max_length=48, description="Their part number (PO1 BP)")
    upc: str = Field("", max_length=14, description="UPC/EAN/GTIN (PO1 UP)")
    uom: str = Field("", max_length=8, description="Their unit, when fixed")


class PartnerItemOut(Schema):
    id: int
    partner_id: int
    item_id: int
    item_sku: str
    buyer_part: str
    upc: str
    uom: str

    @staticmethod
    def resolve_item_sku(obj: Any) -> str:
        return str(obj.item.sku)


# -- intake -----------------------------------------------------------------------------------


class IntakeFilter(Schema):
    status: str | None = Field(
        "waiting", description="waiting (default), done, dismissed; 'all' for every item"
    )
    q: str | None = Field(None, description="Sender, subject or file name")


class IntakeItemOut(Schema):
    id: int
    source: str
    message_id: str | None
    sender: str
    subject: str
    received_at: dt.datetime
    filename: str
    customer_id: int | None
    status: str
    reason: str
    errors: list[dict[str, Any]]
    orders: list[str]
    resolved_by: str | None
    resolved_at: dt.datetime | None
    note: str

    @staticmethod
    def resolve_resolved_by(obj: Any) -> str | None:
        return obj.resolved_by.get_username() if obj.resolved_by_id else None


class IntakeResolveIn(Schema):
    note: str = Field(min_length=1, max_length=2000)
    orders: list[str] = Field(default_factory=list, description="Order numbers it became")


class NoteIn(Schema):
    note: str = Field(min_length=1, max_length=2000)

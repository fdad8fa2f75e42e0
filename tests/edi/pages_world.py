"""Rows the EDI pages and API show, made directly with the ORM: a failed 850 with the error
list the inbound gateway stores, an 850 that made an order on price hold, an outbound 855
whose 997 is late, interchanges with raw files, and intake items with their originals.

The pages read what the services write; these tests prove the reading, so they do not wait
for (or depend on) the services. `tests/edi/test_pages_flow.py` goes through the real ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from orderdesk.edi.models import (
    Actor,
    Direction,
    DocumentStatus,
    EdiDocument,
    IntakeItem,
    IntakeSource,
    IntakeStatus,
    Interchange,
    InterchangeStatus,
)
from orderdesk.orders.models import OrderFinding, SalesOrder
from orderdesk.orders.states import HoldKind, OrderStatus, Severity

from .world import EdiWorld, build_edi_world

FAILED_RAW = (
    "ST*850*0007~\n"
    "BEG*00*SA*PO-4471**20261120~\n"
    "DTM*002*20261127~\n"
    "N1*ST*Acme Store 1*92*0001~\n"
    "PO1*1*10*EA*9.5**BP*BP-1~\n"
    "PO1*2*4*EA*12**BP*BP-2~\n"
    "PO1*3*10*EACH*9.5**BP*X1~\n"
    "CTT*3~\n"
    "SE*9*0007~\n"
)
#: The error list of FAILED_RAW as the inbound gateway stores it (the brief's shape).
FAILED_ERRORS: list[dict[str, Any]] = [
    {
        "level": "element",
        "code": "7",
        "segment_id": "PO1",
        "segment_position": 7,
        "loop": "PO1",
        "element": 3,
        "component": None,
        "value": "EACH",
        "field": "PO1-03 Unit or Basis for Measurement Code",
        "message": "PO1-03 'EACH' is not a unit code",
        "fix": "did you mean EA?",
        "raw": "PO1*3*10*EACH*9.5**BP*X1",
        "severity": "error",
        "action_by": "partner",
    },
    {
        "level": "segment",
        "code": "8",
        "segment_id": "PO1",
        "segment_position": 7,
        "loop": "PO1",
        "element": None,
        "component": None,
        "value": None,
        "field": "PO1 Baseline Item Data",
        "message": "segment PO1 has data element errors",
        "fix": "",
        "raw": "PO1*3*10*EACH*9.5**BP*X1",
        "severity": "error",
        "action_by": "partner",
    },
    {
        "level": "set",
        "code": "5",
        "segment_id": None,
        "segment_position": None,
        "loop": None,
        "element": None,
        "component": None,
        "value": None,
        "field": "",
        "message": "850 0007 rejected: one or more segments in error",
        "fix": "the partner must correct and resend the purchase order",
        "raw": "",
        "severity": "error",
        "action_by": "partner",
    },
]
BUSINESS_ERRORS: list[dict[str, Any]] = [
    {
        "level": "business",
        "code": "edi_item_unknown",
        "segment_id": "PO1",
        "segment_position": 5,
        "loop": "PO1",
        "element": 7,
        "component": None,
        "value": "BP-99",
        "field": "PO1-07 Product/Service ID",
        "message": "buyer part BP-99 is not cross-referenced for Acme Retail",
        "fix": "add BP-99 to the partner's item cross-references, then retry",
        "raw": "PO1*1*10*EA*9.5**BP*BP-99",
        "severity": "error",
        "action_by": "us",
    }
]


@dataclass
class Monitor:
    edi: EdiWorld
    interchange: Interchange
    failed: EdiDocument
    held: EdiDocument
    order: SalesOrder
    unknown_item: EdiDocument
    overdue: EdiDocument
    reply: Interchange
    extra: dict[str, Any] = field(default_factory=dict)


def interchange(edi: EdiWorld, control: str, text: str = "", **kw: Any) -> Interchange:
    x = Interchange(
        direction=kw.pop("direction", Direction.INBOUND),
        partner=edi.partner,
        sender_qualifier="ZZ",
        sender_id="ACMEBUYER",
        receiver_qualifier="ZZ",
        receiver_id="ORDERDESK",
        control_number=control,
        version="00401",
        status=kw.pop("status", InterchangeStatus.ACCEPTED),
        source=kw.pop("source", "drop:acme/inbox/po.x12"),
        **kw,
    )
    if text:
        x.raw.save(f"isa-{control}.x12", ContentFile(text.encode()), save=False)
        x.size = len(text)
    x.save()
    return x


def held_order(edi: EdiWorld, po: str) -> SalesOrder:
    w = edi.world
    order = SalesOrder.objects.create(
        number=f"SO-E{po[-4:]}",
        customer=w.customer,
        customer_po=po,
        channel="edi",
        status=OrderStatus.HELD,
        order_date=dt.date(2026, 11, 20),
        payment_terms=w.customer.payment_terms,
        currency=w.customer.currency,
        ship_to=w.ship_to,
        held_at=timezone.now(),
    )
    OrderFinding.objects.create(
        order=order,
        code="price_mismatch",
        severity=Severity.HOLD,
        hold_kind=HoldKind.PRICE,
        message="line 1: the customer's price 9.50 is not ours (10.00)",
        created_at=timezone.now(),
    )
    return order


def build_monitor(tmp_path: Any = None) -> Monitor:
    edi = build_edi_world(tmp_path)
    isa = interchange(edi, "000000101", "ISA*00*...~" + FAILED_RAW)
    reply = interchange(
        edi,
        "000000001",
        "ISA*00*          *00*          *ZZ*ORDERDESK      *ZZ*ACMEBUYER      *261120*1200*U*"
        "00401*000000001*0*P*>~\nGS*FA*ORDERDESK*ACMEBUYER*20261120*1200*1*X*004010~\n"
        "ST*997*0001~\nAK1*PO*7~\nAK2*850*0007~\nAK3*PO1*7*PO1*8~\nAK4*3**7*EACH~\n"
        "AK5*R*5~\nAK9*R*1*1*0~\nSE*8*0001~\nGE*1*1~\nIEA*1*000000001~\n",
        direction=Direction.OUTBOUND,
        status=InterchangeStatus.SENT,
        source="outbox",
    )
    failed = EdiDocument.objects.create(
        direction=Direction.INBOUND,
        partner=edi.partner,
        interchange=isa,
        set_id="850",
        functional_id="PO",
        group_control="7",
        set_control="0007",
        version="004010",
        reference="PO-4471",
        document_date=dt.date(2026, 11, 20),
        raw=FAILED_RAW,
        status=DocumentStatus.REJECTED,
        action_by=Actor.PARTNER,
        errors=FAILED_ERRORS,
        reply=reply,
    )
    EdiDocument.objects.create(
        direction=Direction.OUTBOUND,
        partner=edi.partner,
        interchange=reply,
        set_id="997",
        functional_id="FA",
        set_control="0001",
        raw="ST*997*0001~\nAK1*PO*7~\nAK2*850*0007~\nAK3*PO1*7*PO1*8~\nAK4*3**7*EACH~\n"
        "AK5*R*5~\nAK9*R*1*1*0~\nSE*8*0001~\n",
        status=DocumentStatus.SENT,
    )
    order = held_order(edi, "PO-4470")
    held = EdiDocument.objects.create(
        direction=Direction.INBOUND,
        partner=edi.partner,
        interchange=isa,
        set_id="850",
        set_control="0006",
        reference="PO-4470",
        document_date=dt.date(2026, 11, 19),
        raw="ST*850*0006~\nSE*2*0006~\n",
        status=DocumentStatus.PROCESSED,
        sales_order=order,
    )
    unknown_item = EdiDocument.objects.create(
        direction=Direction.INBOUND,
        partner=edi.partner,
        interchange=isa,
        set_id="850",
        set_control="0008",
        reference="PO-4472",
        document_date=dt.date(2026, 11, 20),
        raw="ST*850*0008~\nBEG*00*SA*PO-4472**20261120~\nN1*ST*Acme*92*0001~\n"
        "PO1*1*10*EA*9.5**BP*BP-99~\nCTT*1~\nSE*6*0008~\n",
        status=DocumentStatus.FAILED,
        action_by=Actor.US,
        errors=BUSINESS_ERRORS,
    )
    out = interchange(
        edi, "000000002", "", direction=Direction.OUTBOUND, status=InterchangeStatus.SENT
    )
    overdue = EdiDocument.objects.create(
        direction=Direction.OUTBOUND,
        partner=edi.partner,
        interchange=out,
        set_id="855",
        set_control="0002",
        reference="PO-4400",
        document_date=dt.date(2026, 11, 18),
        raw="ST*855*0002~\nBAK*00*AC*PO-4400*20261118~\nSE*3*0002~\n",
        status=DocumentStatus.SENT,
        action_by=Actor.PARTNER,
        ack_due_at=timezone.now() - dt.timedelta(hours=5),
    )
    return Monitor(edi, isa, failed, held, order, unknown_item, overdue, reply)


def intake_item(**kw: Any) -> IntakeItem:
    n = IntakeItem.objects.count() + 1
    body = kw.pop(
        "body", b"From: buyer@small.example\r\nSubject: PO\r\n\r\nplease ship 10 widgets\r\n"
    )
    item = IntakeItem(
        source=kw.pop("source", IntakeSource.EMAIL),
        message_id=kw.pop("message_id", f"<msg-{n}@small.example>"),
        sender=kw.pop("sender", "buyer@small.example"),
        subject=kw.pop("subject", f"Purchase order {n}"),
        received_at=kw.pop("received_at", timezone.now() - dt.timedelta(hours=n)),
        filename=kw.pop("filename", f"message-{n}.eml"),
        status=kw.pop("status", IntakeStatus.WAITING),
        reason=kw.pop("reason", "no attachment OrderDesk reads (X12, CSV or XLSX)"),
        **kw,
    )
    item.original.save(f"message-{n}.eml", ContentFile(body), save=False)
    item.save()
    return item


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    """Files the tests store (raw interchanges, intake originals) go to a temporary folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


def browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client

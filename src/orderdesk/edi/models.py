"""Trading partners, the interchanges and documents exchanged with them, and intake items.

An `Interchange` is one ISA…IEA envelope as received or sent (its raw text kept in storage);
an `EdiDocument` is one transaction set inside it (ST…SE), with its business identity (PO,
shipment or invoice number), who must act, the clerk-readable error list and the record it
made or came from. Control numbers we send are counted on the partner row under its lock, so
they are never reused. An `IntakeItem` is anything received (e-mail, file) that waits for a
clerk, with the original attached.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from orderdesk.parties.models import Customer


class Direction(models.TextChoices):
    INBOUND = "in", "Inbound"
    OUTBOUND = "out", "Outbound"


class Send855(models.TextChoices):
    ALWAYS = "always", "Always"
    ON_CHANGE = "on_change", "Only when something changed (price, quantity, date, backorder)"
    NEVER = "never", "Never"


#: Transaction sets a partner profile can exchange, with what each means to a clerk.
DOCUMENT_SETS = {
    "850": "Purchase order (in)",
    "860": "Purchase order change (in)",
    "855": "Purchase order acknowledgement (out)",
    "856": "Advance ship notice (out)",
    "810": "Invoice (out)",
    "846": "Inventory advice (out)",
    "997": "Functional acknowledgement (both ways)",
}


class TradingPartner(models.Model):
    """A customer who trades by X12: who they are on the envelope and what they exchange."""

    code = models.SlugField(max_length=30, unique=True, help_text="Short name; folder and URL")
    name = models.CharField(max_length=120)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="edi_partners")
    active = models.BooleanField(default=True)
    # Their envelope identity (ISA05/06 on what they send, ISA07/08 on what we send).
    isa_qualifier = models.CharField(max_length=2, default="ZZ")
    isa_id = models.CharField(max_length=15)
    gs_id = models.CharField(max_length=15)
    # Ours, as this partner knows us.
    our_isa_qualifier = models.CharField(max_length=2, default="ZZ")
    our_isa_id = models.CharField(max_length=15)
    our_gs_id = models.CharField(max_length=15)
    # What we send them.
    isa_version = models.CharField(max_length=5, default="00401", help_text="ISA12")
    version = models.CharField(max_length=12, default="004010", help_text="GS08")
    element_separator = models.CharField(max_length=1, default="*")
    component_separator = models.CharField(max_length=1, default=">")
    repetition_separator = models.CharField(
        max_length=1, default="U", help_text="ISA11: 'U' before 00402, a separator from 00402"
    )
    segment_terminator = models.CharField(max_length=1, default="~")
    line_break = models.BooleanField(default=True, help_text="Newline after each segment")
    test_indicator = models.CharField(max_length=1, default="P", help_text="ISA15: P or T")
    documents = models.JSONField(
        default=list, blank=True, help_text="Set ids exchanged: 850, 860, 855, 856, 810, 846, 997"
    )
    send_855 = models.CharField(max_length=10, choices=Send855.choices, default=Send855.ALWAYS)
    ack_hours = models.PositiveIntegerField(
        default=24, help_text="An outbound document whose 997 has not come back by then is flagged"
    )
    duplicate_days = models.PositiveIntegerField(
        default=90, help_text="How long an interchange control number is remembered"
    )
    uom_map = models.JSONField(
        default=dict, blank=True, help_text='Their unit code → ours, e.g. {"CA": "CS"}'
    )
    location_map = models.JSONField(
        default=dict, blank=True, help_text="Their N1 location code → our ship-to address code"
    )
    folder = models.CharField(
        max_length=300, blank=True, default="", help_text="File-drop root; blank = var/edi/<code>"
    )
    # Next control numbers we send (taken under the partner's row lock, never reused).
    next_isa = models.PositiveIntegerField(default=1)
    next_gs = models.PositiveIntegerField(default=1)
    next_st = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["isa_qualifier", "isa_id", "our_isa_id"], name="edi_partner_envelope_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.isa_qualifier}/{self.isa_id})"

    def exchanges(self, set_id: str) -> bool:
        return set_id in (self.documents or [])


class PartnerItem(models.Model):
    """Item cross-reference: the buyer's part number and/or UPC for one of our SKUs."""

    partner = models.ForeignKey(TradingPartner, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="+")
    buyer_part = models.CharField(max_length=48, blank=True, default="")
    upc = models.CharField(max_length=14, blank=True, default="")
    uom = models.CharField(max_length=8, blank=True, default="", help_text="Their unit, if fixed")

    class Meta:
        ordering = ["partner_id", "buyer_part", "upc"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "buyer_part"],
                condition=~models.Q(buyer_part=""),
                name="edi_partner_item_buyer_part_unique",
            ),
            models.UniqueConstraint(
                fields=["partner", "upc"],
                condition=~models.Q(upc=""),
                name="edi_partner_item_upc_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.buyer_part or self.upc} → item {self.item_id}"


class InterchangeStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    ACCEPTED = "accepted", "Accepted"
    PARTIAL = "partial", "Envelope accepted; documents in error"
    REJECTED = "rejected", "Rejected (TA1)"
    DUPLICATE = "duplicate", "Duplicate (not processed)"
    UNKNOWN_PARTNER = "unknown", "Unknown sender"
    SENT = "sent", "Sent"


class Interchange(models.Model):
    direction = models.CharField(max_length=3, choices=Direction.choices, db_index=True)
    partner = models.ForeignKey(
        TradingPartner, on_delete=models.PROTECT, null=True, blank=True, related_name="interchanges"
    )
    sender_qualifier = models.CharField(max_length=2, blank=True, default="")
    sender_id = models.CharField(max_length=15, blank=True, default="")
    receiver_qualifier = models.CharField(max_length=2, blank=True, default="")
    receiver_id = models.CharField(max_length=15, blank=True, default="")
    control_number = models.CharField(max_length=9, blank=True, default="", help_text="ISA13")
    version = models.CharField(max_length=5, blank=True, default="", help_text="ISA12")
    test_indicator = models.CharField(max_length=1, blank=True, default="")
    interchange_date = models.DateTimeField(null=True, blank=True, help_text="ISA09/ISA10")
    source = models.CharField(
        max_length=300, blank=True, default="", help_text="File, upload, e-mail"
    )
    raw = models.FileField(upload_to="edi/%Y/%m/", max_length=300, blank=True)
    size = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=InterchangeStatus.choices, db_index=True)
    ta1_code = models.CharField(max_length=3, blank=True, default="", help_text="TA105 note code")
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    duplicate_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["direction", "sender_id", "control_number"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "control_number"],
                condition=models.Q(direction="out"),
                name="edi_outbound_isa13_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} ISA {self.control_number} ({self.sender_id})"


class DocumentStatus(models.TextChoices):
    # inbound
    RECEIVED = "received", "Received"
    PROCESSED = "processed", "Processed"
    FAILED = "failed", "Failed: waiting for a clerk"
    REJECTED = "rejected", "Rejected: the partner must resend"
    DUPLICATE = "duplicate", "Duplicate (not processed)"
    RESOLVED = "resolved", "Marked resolved"
    # outbound
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent: waiting for 997"
    ACKNOWLEDGED = "acknowledged", "Acknowledged (997 accepted)"
    ACK_REJECTED = "ack_rejected", "Rejected by the partner (997)"


class Actor(models.TextChoices):
    NONE = "", "Nobody"
    US = "us", "Us"
    PARTNER = "partner", "The partner"


class EdiDocument(models.Model):
    """One transaction set in or out, with its business identity and what happened to it."""

    direction = models.CharField(max_length=3, choices=Direction.choices, db_index=True)
    partner = models.ForeignKey(
        TradingPartner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents_set",
    )
    interchange = models.ForeignKey(
        Interchange, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    set_id = models.CharField(max_length=3, db_index=True)
    functional_id = models.CharField(max_length=2, blank=True, default="", help_text="GS01")
    group_control = models.CharField(max_length=9, blank=True, default="", help_text="GS06")
    set_control = models.CharField(max_length=9, blank=True, default="", help_text="ST02")
    version = models.CharField(max_length=12, blank=True, default="", help_text="GS08")
    reference = models.CharField(
        max_length=80,
        blank=True,
        default="",
        db_index=True,
        help_text="PO, shipment or invoice no.",
    )
    document_date = models.DateField(null=True, blank=True)
    raw = models.TextField(blank=True, default="", help_text="The set's segments, ST to SE")
    status = models.CharField(max_length=14, choices=DocumentStatus.choices, db_index=True)
    action_by = models.CharField(max_length=8, choices=Actor.choices, blank=True, default="")
    errors = models.JSONField(default=list, blank=True)
    # What it made (inbound) or was made from (outbound).
    sales_order = models.ForeignKey(
        "orders.SalesOrder", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledgement = models.ForeignKey(
        "orders.Acknowledgement", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    shipment = models.ForeignKey(
        "fulfilment.Shipment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invoice = models.ForeignKey(
        "billing.Invoice", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: Outbound: one document per source record and set (a second queue call returns it).
    dedupe_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    #: Outbound: when its 997 is due; acknowledged_at set when it came back.
    ack_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    #: Inbound: the 997 (or TA1) interchange we sent for its group.
    reply = models.ForeignKey(
        Interchange, on_delete=models.SET_NULL, null=True, blank=True, related_name="replied_to"
    )
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["partner", "direction", "group_control"]),
            models.Index(fields=["status", "ack_due_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.set_id} {self.reference or self.set_control}"


class IntakeSource(models.TextChoices):
    EMAIL = "email", "E-mail"
    UPLOAD = "upload", "Upload"
    FILE_DROP = "drop", "File drop"


class IntakeStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for a clerk"
    DONE = "done", "Taken in"
    DISMISSED = "dismissed", "Dismissed"


class IntakeItem(models.Model):
    """Something received that could not be read on its own: a clerk takes it from here."""

    source = models.CharField(max_length=8, choices=IntakeSource.choices)
    message_id = models.CharField(
        max_length=250, null=True, blank=True, unique=True, help_text="E-mail Message-ID"
    )
    sender = models.CharField(max_length=250, blank=True, default="")
    subject = models.CharField(max_length=250, blank=True, default="")
    received_at = models.DateTimeField()
    original = models.FileField(upload_to="intake/%Y/%m/", max_length=300)
    filename = models.CharField(max_length=250, blank=True, default="")
    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=IntakeStatus.choices, default=IntakeStatus.WAITING, db_index=True
    )
    reason = models.TextField(blank=True, default="", help_text="Why it waits for a clerk")
    errors = models.JSONField(default=list, blank=True)
    orders = models.JSONField(default=list, blank=True, help_text="Order numbers it made")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} from {self.sender}: {self.subject}"

"""Sales orders, their lines, holds, allocations, changes and acknowledgements.

Quantities on a line are kept in explicit buckets in the item's base unit, and they always
add up: ordered = open + allocated + backordered + shipped + cancelled (a CHECK constraint
says so), with invoiced never above shipped. `open` is what no step has taken yet (an order
on hold, or a line waiting to be allocated).

Prices are frozen on the line when the order is accepted: the unit price, the price trace
and the amounts stay as they were even if a price list changes afterwards.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from orderdesk.core.fields import AmountField, QuantityField, ScaledDecimalField

from .states import (
    Channel,
    FindingStatus,
    FobPoint,
    FreightPayment,
    HoldKind,
    Incoterm,
    LineStatus,
    OrderStatus,
    Severity,
)


class SalesOrder(models.Model):
    number = models.CharField(max_length=20, unique=True)
    customer = models.ForeignKey(
        "parties.Customer", on_delete=models.PROTECT, related_name="sales_orders"
    )
    customer_po = models.CharField(max_length=40, blank=True, default="", db_index=True)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    source_document = models.CharField(
        max_length=200, blank=True, default="", help_text="File and row, interchange, e-mail …"
    )
    status = models.CharField(
        max_length=12, choices=OrderStatus.choices, default=OrderStatus.RECEIVED, db_index=True
    )
    bill_to = models.ForeignKey(
        "parties.Address", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ship_to = models.ForeignKey(
        "parties.Address", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order_date = models.DateField()
    requested_date = models.DateField(null=True, blank=True)
    ship_method = models.ForeignKey(
        "parties.ShipMethod", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    incoterm = models.CharField(max_length=3, choices=Incoterm.choices, blank=True, default="")
    incoterm_place = models.CharField(max_length=100, blank=True, default="")
    fob_point = models.CharField(max_length=12, choices=FobPoint.choices, blank=True, default="")
    freight_payment = models.CharField(
        max_length=12, choices=FreightPayment.choices, blank=True, default=""
    )
    payment_terms = models.ForeignKey(
        "parties.PaymentTerms", on_delete=models.PROTECT, related_name="+"
    )
    currency = models.CharField(max_length=3)
    rush = models.BooleanField(default=False)
    priority = models.PositiveSmallIntegerField(
        default=5, help_text="1 = first; rush orders and higher service tiers come first"
    )
    ship_complete = models.BooleanField(default=False)
    allow_split = models.BooleanField(
        default=True, help_text="May lines be filled from more than one warehouse"
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(blank=True, default="")
    merchandise = AmountField(default=Decimal(0))
    charges_total = AmountField(default=Decimal(0))
    tax_total = AmountField(default=Decimal(0))
    total = AmountField(default=Decimal(0))
    price_trace = models.JSONField(default=list, blank=True)
    content_hash = models.CharField(
        max_length=64, blank=True, default="", db_index=True, help_text="Lines fingerprint"
    )
    revision = models.PositiveIntegerField(default=0, help_text="Acknowledged revision")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    held_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "customer_po"]),
            models.Index(fields=["customer", "content_hash", "order_date"]),
            models.Index(fields=["status", "priority", "requested_date"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status not in (OrderStatus.CLOSED, OrderStatus.CANCELLED)


class SalesOrderLine(models.Model):
    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    item = models.ForeignKey(
        "catalog.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sku = models.CharField(max_length=40, help_text="As the customer ordered it")
    description = models.CharField(max_length=250, blank=True, default="")
    quantity = QuantityField(help_text="In the unit ordered")
    uom_code = models.CharField(max_length=8, blank=True, default="")
    factor = QuantityField(default=Decimal(1), help_text="Base units per unit ordered")
    status = models.CharField(max_length=12, choices=LineStatus.choices, default=LineStatus.OPEN)
    # buckets, base units
    qty_ordered = QuantityField()
    qty_open = QuantityField(default=Decimal(0))
    qty_allocated = QuantityField(default=Decimal(0))
    qty_backordered = QuantityField(default=Decimal(0))
    qty_shipped = QuantityField(default=Decimal(0))
    qty_cancelled = QuantityField(default=Decimal(0))
    qty_invoiced = QuantityField(default=Decimal(0))
    requested_date = models.DateField(null=True, blank=True)
    promised_date = models.DateField(null=True, blank=True)
    warehouse = models.ForeignKey(
        "inventory.Warehouse", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    drop_ship = models.BooleanField(default=False)
    # prices, per unit ordered; frozen at acceptance
    customer_price = AmountField(null=True, blank=True, help_text="Price on the customer's PO")
    list_price = AmountField(default=Decimal(0))
    unit_price = AmountField(default=Decimal(0))
    gross = AmountField(default=Decimal(0))
    discount = AmountField(default=Decimal(0))
    net = AmountField(default=Decimal(0))
    tax_rate = ScaledDecimalField(places=4, default=Decimal(0))
    tax = AmountField(default=Decimal(0))
    price_source = models.CharField(max_length=20, blank=True, default="")
    price_trace = models.JSONField(default=list, blank=True)
    notes = models.CharField(max_length=250, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="order_line_unique"),
            models.CheckConstraint(condition=models.Q(qty_ordered__gt=0), name="line_qty_pos"),
            models.CheckConstraint(
                condition=models.Q(qty_open__gte=0)
                & models.Q(qty_allocated__gte=0)
                & models.Q(qty_backordered__gte=0)
                & models.Q(qty_shipped__gte=0)
                & models.Q(qty_cancelled__gte=0)
                & models.Q(qty_invoiced__gte=0),
                name="line_buckets_nonneg",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    qty_ordered=models.F("qty_open")
                    + models.F("qty_allocated")
                    + models.F("qty_backordered")
                    + models.F("qty_shipped")
                    + models.F("qty_cancelled")
                ),
                name="line_buckets_add_up",
            ),
            models.CheckConstraint(
                condition=models.Q(qty_invoiced__lte=models.F("qty_shipped")),
                name="line_invoiced_within_shipped",
            ),
        ]
        indexes = [models.Index(fields=["item", "status"])]
        ordering = ["order_id", "line_no"]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.line_no} {self.sku}"

    @property
    def qty_remaining(self) -> Decimal:
        """What is still to be shipped (base units)."""
        return self.qty_open + self.qty_allocated + self.qty_backordered


class OrderCharge(models.Model):
    """A surcharge or the freight on an order, priced with the order."""

    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="charges")
    code = models.CharField(max_length=20)
    description = models.CharField(max_length=200)
    amount = AmountField()
    tax_rate = ScaledDecimalField(places=4, default=Decimal(0))
    tax = AmountField(default=Decimal(0))

    class Meta:
        ordering = ["order_id", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.amount}"


class OrderFinding(models.Model):
    """A validation result on an order (or one of its lines) that a clerk may need to act on.

    Findings of severity hold or block keep the order on hold while open. An override
    keeps the finding for the record, with who overrode it and why.
    """

    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="findings")
    line = models.ForeignKey(
        SalesOrderLine, null=True, blank=True, on_delete=models.CASCADE, related_name="findings"
    )
    code = models.CharField(max_length=40)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    hold_kind = models.CharField(max_length=12, choices=HoldKind.choices)
    message = models.CharField(max_length=500)
    fix = models.CharField(max_length=500, blank=True, default="")
    field = models.CharField(max_length=60, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=12, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    close_reason = models.TextField(blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["status", "hold_kind"]),
            models.Index(fields=["order", "status"]),
        ]
        ordering = ["order_id", "id"]

    def __str__(self) -> str:
        return f"{self.code} ({self.severity}) {self.message}"

    @property
    def holds(self) -> bool:
        return self.status == FindingStatus.OPEN and self.severity in (
            Severity.BLOCK,
            Severity.HOLD,
        )


class Allocation(models.Model):
    """Stock reserved for a line in one warehouse (and lot). For a kit line, the rows are
    its components' stock, `component_of` naming the kit item."""

    line = models.ForeignKey(SalesOrderLine, on_delete=models.CASCADE, related_name="allocations")
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(max_length=40, blank=True, default="")
    quantity = QuantityField()
    released = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="allocation_qty_pos"),
        ]
        indexes = [models.Index(fields=["item", "warehouse"])]
        ordering = ["line_id", "id"]

    def __str__(self) -> str:
        return f"{self.quantity} {self.item_id}@{self.warehouse_id} for line {self.line_id}"


class ChangeStatus(models.TextChoices):
    APPLIED = "applied", "Applied"
    PENDING = "pending", "Waiting for approval"
    REJECTED = "rejected", "Rejected"


class OrderChange(models.Model):
    """One change to an accepted order, as the customer's acknowledgement will show it."""

    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="changes")
    line_no = models.PositiveIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=20)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=ChangeStatus.choices)
    reason = models.TextField(blank=True, default="")
    value_delta = AmountField(default=Decimal(0))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    acknowledged_revision = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["order_id", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind} line {self.line_no}"


class Acknowledgement(models.Model):
    """What the customer was told, revision by revision: confirmed prices and dates."""

    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="acks")
    revision = models.PositiveIntegerField()
    data = models.JSONField()
    created_at = models.DateTimeField()
    sent_to = models.CharField(max_length=250, blank=True, default="")
    outbox_message_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "revision"], name="ack_revision_unique")
        ]
        ordering = ["order_id", "revision"]

    def __str__(self) -> str:
        return f"{self.order_id} ack rev {self.revision}"


class IdempotencyKey(models.Model):
    """An intake request seen before: the same key and body give back the same answer."""

    scope = models.CharField(max_length=80, help_text="Who sent it: user or channel")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    order = models.ForeignKey(
        SalesOrder, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class OrderPolicy(models.Model):
    """How the desk treats one customer's orders; a customer without one gets the defaults
    from settings.ORDERDESK_ORDER_POLICY."""

    customer = models.OneToOneField(
        "parties.Customer", on_delete=models.CASCADE, related_name="order_policy"
    )
    price_tolerance_percent = ScaledDecimalField(places=4, null=True, blank=True)
    ship_complete = models.BooleanField(null=True, blank=True)
    allow_split = models.BooleanField(null=True, blank=True)
    credit_grace_days = models.PositiveIntegerField(null=True, blank=True)
    duplicate_window_days = models.PositiveIntegerField(null=True, blank=True)
    change_approval_amount = AmountField(null=True, blank=True)
    require_po = models.BooleanField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "order policies"

    def __str__(self) -> str:
        return f"order policy of {self.customer_id}"


class ColumnMapping(models.Model):
    """How one customer's order spreadsheet maps to order fields, saved once and reused.

    `columns` maps our field names (customer, customer_po, ship_to, sku, quantity, uom,
    customer_price, requested_date …) to the customer's column headers; `defaults` gives
    values for fields the file does not carry (the customer's account, a ship method).
    A mapping without a customer is the house default for files in our own template.
    """

    customer = models.ForeignKey(
        "parties.Customer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="order_mappings",
    )
    name = models.CharField(max_length=60, default="default")
    columns = models.JSONField(default=dict)
    defaults = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "name"], name="column_mapping_unique"),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(customer__isnull=True),
                name="house_mapping_unique",
            ),
        ]
        ordering = ["customer_id", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.customer_id or 'house'})"


class OrderFileStatus(models.TextChoices):
    PREVIEWED = "previewed", "Previewed"
    IMPORTED = "imported", "Imported"
    DISCARDED = "discarded", "Discarded"


class OrderFile(models.Model):
    """An uploaded order spreadsheet, kept with what it produced: nothing sent is lost."""

    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    content = models.BinaryField()
    mapping = models.ForeignKey(
        ColumnMapping, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer = models.ForeignKey(
        "parties.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=OrderFileStatus.choices, default=OrderFileStatus.PREVIEWED
    )
    preview = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"

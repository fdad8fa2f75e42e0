"""Return authorisations (RMAs), their receipts, inspection and disposition.

A return is checked against the customer's return policy when it is asked for; once
approved, the goods are received and inspected, each quantity gets a disposition (restock
puts it back through the stock ledger), and the credit memo is tied to the invoice that
billed the goods. An exchange credits the return and sends a replacement order.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from orderdesk.core.fields import QuantityField, ScaledDecimalField


class ReturnPolicy(models.Model):
    """How returns are taken. The row without a customer is the house policy."""

    customer = models.OneToOneField(
        "parties.Customer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="return_policy",
    )
    window_days = models.PositiveIntegerField(default=30, help_text="Days after shipment")
    restocking_fee_percent = ScaledDecimalField(places=4, default=Decimal(0))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "return policies"
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                name="return_policy_customer_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"return policy of {self.customer_id or 'the house'}"


class RmaStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    RECEIVED = "received", "Received"
    CREDITED = "credited", "Credited"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


class Resolution(models.TextChoices):
    CREDIT = "credit", "Credit"
    EXCHANGE = "exchange", "Exchange (replacement order)"


class Disposition(models.TextChoices):
    RESTOCK = "restock", "Restock"
    SCRAP = "scrap", "Scrap"
    REPAIR = "repair", "Repair"
    RETURN_TO_VENDOR = "return_to_vendor", "Return to vendor"


class Condition(models.TextChoices):
    NEW = "new", "As new"
    OPENED = "opened", "Opened"
    DAMAGED = "damaged", "Damaged"
    DEFECTIVE = "defective", "Defective"


class ReturnAuthorization(models.Model):
    number = models.CharField(max_length=20, unique=True)
    customer = models.ForeignKey("parties.Customer", on_delete=models.PROTECT, related_name="rmas")
    order = models.ForeignKey("orders.SalesOrder", on_delete=models.PROTECT, related_name="rmas")
    invoice = models.ForeignKey(
        "billing.Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="rmas"
    )
    status = models.CharField(max_length=10, choices=RmaStatus.choices, default=RmaStatus.REQUESTED)
    resolution = models.CharField(
        max_length=10, choices=Resolution.choices, default=Resolution.CREDIT
    )
    reason = models.CharField(max_length=500)
    channel = models.CharField(max_length=8, default="desk")
    warehouse = models.ForeignKey(
        "inventory.Warehouse", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    restocking_fee_percent = ScaledDecimalField(places=4, default=Decimal(0))
    policy_findings = models.JSONField(default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=500, blank=True, default="")
    credit_memo = models.ForeignKey(
        "billing.CreditMemo", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replacement_order = models.ForeignKey(
        "orders.SalesOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["customer", "status"])]

    def __str__(self) -> str:
        return self.number


class ReturnLine(models.Model):
    rma = models.ForeignKey(ReturnAuthorization, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    order_line = models.ForeignKey(
        "orders.SalesOrderLine", on_delete=models.PROTECT, related_name="+"
    )
    invoice_line = models.ForeignKey(
        "billing.InvoiceLine", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(max_length=40, blank=True, default="")
    quantity = QuantityField(help_text="Base units authorised")
    reason_code = models.CharField(max_length=20, blank=True, default="")
    qty_received = QuantityField(default=Decimal(0))
    qty_credited = QuantityField(default=Decimal(0))

    class Meta:
        ordering = ["rma_id", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["rma", "line_no"], name="return_line_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="return_line_qty_pos"),
            models.CheckConstraint(
                condition=models.Q(qty_received__lte=models.F("quantity"))
                & models.Q(qty_credited__lte=models.F("qty_received")),
                name="return_line_within",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rma_id}/{self.line_no}"


class ReturnReceipt(models.Model):
    number = models.CharField(max_length=20, unique=True)
    rma = models.ForeignKey(ReturnAuthorization, on_delete=models.PROTECT, related_name="receipts")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.number


class ReturnReceiptLine(models.Model):
    """A received quantity, how it looked and where it goes."""

    receipt = models.ForeignKey(ReturnReceipt, on_delete=models.CASCADE, related_name="lines")
    return_line = models.ForeignKey(ReturnLine, on_delete=models.PROTECT, related_name="receipts")
    lot = models.CharField(max_length=40, blank=True, default="")
    quantity = QuantityField()
    condition = models.CharField(max_length=10, choices=Condition.choices)
    disposition = models.CharField(max_length=16, choices=Disposition.choices)
    vendor = models.ForeignKey(
        "parties.Vendor", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["receipt_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="return_receipt_qty_pos"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_id}: {self.quantity} {self.disposition}"

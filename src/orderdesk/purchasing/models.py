"""Purchase orders to vendors: expected receipts for ATP, drop-ship and replenishment."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from orderdesk.core.fields import AmountField, QuantityField


class PurchaseOrderStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open (sent to vendor)"
    PARTIALLY_RECEIVED = "partially_received", "Partially received"
    RECEIVED = "received", "Received"
    CANCELLED = "cancelled", "Cancelled"


class PurchaseOrder(models.Model):
    number = models.CharField(max_length=20, unique=True)
    vendor = models.ForeignKey("parties.Vendor", on_delete=models.PROTECT, related_name="orders")
    warehouse = models.ForeignKey(
        "inventory.Warehouse", null=True, blank=True, on_delete=models.PROTECT
    )
    status = models.CharField(
        max_length=20, choices=PurchaseOrderStatus.choices, default=PurchaseOrderStatus.DRAFT
    )
    order_date = models.DateField()
    expected_date = models.DateField()
    currency = models.CharField(max_length=3, default="USD")
    drop_ship = models.BooleanField(default=False)
    ship_to = models.ForeignKey(
        "parties.Address",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Drop-ship: the customer's ship-to the vendor delivers to",
    )
    vendor_reference = models.CharField(max_length=40, blank=True, default="")
    notes = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-order_date", "number"]

    def __str__(self) -> str:
        return self.number


class PurchaseOrderLine(models.Model):
    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="lines"
    )
    line_no = models.PositiveIntegerField()
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="+")
    quantity_ordered = QuantityField()
    quantity_received = QuantityField(default=Decimal(0))
    unit_cost = AmountField()
    expected_date = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["purchase_order", "line_no"], name="po_line_unique"),
            models.CheckConstraint(condition=models.Q(quantity_ordered__gt=0), name="po_qty_pos"),
            models.CheckConstraint(
                condition=models.Q(quantity_received__gte=0), name="po_received_nonneg"
            ),
        ]
        ordering = ["purchase_order_id", "line_no"]

    @property
    def quantity_open(self) -> Decimal:
        return max(self.quantity_ordered - self.quantity_received, Decimal(0))

    def __str__(self) -> str:
        return f"{self.purchase_order_id}/{self.line_no}"

"""Warehouses, stock levels and the stock ledger.

A stock level's on-hand always equals the sum of its movements: both change together in
`inventory.services.stock_move`, and nothing else writes `on_hand`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from orderdesk.core.fields import QuantityField


class Warehouse(models.Model):
    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)
    timezone = models.CharField(max_length=64, default="America/Chicago")
    line1 = models.CharField(max_length=200, blank=True, default="")
    city = models.CharField(max_length=100, blank=True, default="")
    region = models.CharField(max_length=60, blank=True, default="")
    postal_code = models.CharField(max_length=20, blank=True, default="")
    country = models.CharField(max_length=2, default="US")
    phone = models.CharField(max_length=40, blank=True, default="")
    hazmat_emergency_contact = models.CharField(
        max_length=120,
        blank=True,
        default="",
        help_text="24-hour emergency response on hazmat papers, e.g. CHEMTREC 1-800-424-9300",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Lot(models.Model):
    item = models.ForeignKey("catalog.Item", on_delete=models.CASCADE, related_name="lots")
    number = models.CharField(max_length=40)
    expiry_date = models.DateField(null=True, blank=True)
    quality_hold = models.BooleanField(default=False)
    hold_reason = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="lot_unique")]

    def __str__(self) -> str:
        return f"{self.item_id}/{self.number}"


class StockLevel(models.Model):
    """Stock of one item in one warehouse and lot ('' = not lot-controlled)."""

    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="stock")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stock")
    lot = models.CharField(max_length=40, blank=True, default="")
    on_hand = QuantityField(default=Decimal(0))
    allocated = QuantityField(default=Decimal(0))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "warehouse", "lot"], name="stock_level_unique"),
            models.CheckConstraint(condition=models.Q(on_hand__gte=0), name="stock_on_hand_nonneg"),
            models.CheckConstraint(
                condition=models.Q(allocated__gte=0) & models.Q(allocated__lte=models.F("on_hand")),
                name="stock_allocated_within_on_hand",
            ),
        ]

    def __str__(self) -> str:
        lot = f" lot {self.lot}" if self.lot else ""
        return f"{self.item_id}@{self.warehouse_id}{lot}: {self.on_hand}"

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.allocated


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", "Receipt"
    ISSUE = "issue", "Issue (shipment)"
    ADJUSTMENT = "adjustment", "Adjustment"
    TRANSFER_OUT = "transfer_out", "Transfer out"
    TRANSFER_IN = "transfer_in", "Transfer in"
    RETURN = "return", "Customer return"
    OPENING = "opening", "Opening balance (import)"


class StockMovement(models.Model):
    """One line of the stock ledger; signed quantity in the item's base unit. Never edited."""

    at = models.DateTimeField(db_index=True)
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(max_length=40, blank=True, default="")
    quantity = QuantityField()
    kind = models.CharField(max_length=16, choices=MovementKind.choices)
    reference = models.CharField(max_length=60, blank=True, default="")
    reason = models.CharField(max_length=200, blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        indexes = [models.Index(fields=["item", "warehouse", "lot"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(quantity=0), name="stock_movement_qty_nonzero"
            ),
        ]
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity} {self.item_id}@{self.warehouse_id}"

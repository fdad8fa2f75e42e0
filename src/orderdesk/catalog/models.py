"""Items with their units, kits and compliance attributes."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from orderdesk.core.fields import QuantityField, ScaledDecimalField


class UnitOfMeasure(models.Model):
    code = models.CharField(max_length=8, unique=True, help_text="EA, CS, PL, FT, M …")
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ItemStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DISCONTINUED = "discontinued", "Discontinued"


class Tracking(models.TextChoices):
    NONE = "none", "Not tracked"
    LOT = "lot", "Lot controlled"
    SERIAL = "serial", "Serial controlled"


class Item(models.Model):
    sku = models.CharField(max_length=40, unique=True)
    description = models.CharField(max_length=250)
    item_group = models.CharField(max_length=40, blank=True, default="", db_index=True)
    base_uom = models.ForeignKey(UnitOfMeasure, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=ItemStatus.choices, default=ItemStatus.ACTIVE)
    replacement = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )
    tracking = models.CharField(max_length=8, choices=Tracking.choices, default=Tracking.NONE)
    weight_kg = ScaledDecimalField(places=4, default=Decimal(0))
    length_cm = ScaledDecimalField(places=2, default=Decimal(0))
    width_cm = ScaledDecimalField(places=2, default=Decimal(0))
    height_cm = ScaledDecimalField(places=2, default=Decimal(0))
    min_order_qty = QuantityField(default=Decimal(1))
    order_multiple = QuantityField(default=Decimal(1))
    lead_time_days = models.PositiveIntegerField(default=0)
    product_tax_code = models.CharField(max_length=20, default="GENERAL")
    default_vendor = models.ForeignKey(
        "parties.Vendor", null=True, blank=True, on_delete=models.SET_NULL
    )
    drop_ship = models.BooleanField(default=False)
    is_kit = models.BooleanField(default=False)
    # compliance
    hs_code = models.CharField(max_length=12, blank=True, default="")
    country_of_origin = models.CharField(max_length=2, blank=True, default="")
    un_number = models.CharField(max_length=6, blank=True, default="", help_text="e.g. UN1950")
    hazmat_class = models.CharField(max_length=8, blank=True, default="")
    packing_group = models.CharField(max_length=3, blank=True, default="")
    proper_shipping_name = models.CharField(max_length=200, blank=True, default="")
    export_control_class = models.CharField(
        max_length=12, blank=True, default="", help_text="ECCN, e.g. EAR99 or 5A992"
    )
    schedule_b = models.CharField(
        max_length=12, blank=True, default="", help_text="US export code; HS code when blank"
    )
    # freight (bill of lading)
    freight_class = models.CharField(
        max_length=5, blank=True, default="", help_text="NMFC freight class, e.g. 70 or 92.5"
    )
    nmfc = models.CharField(max_length=12, blank=True, default="", help_text="NMFC item number")
    returnable = models.BooleanField(
        default=True, help_text="May be returned under the return policy"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(order_multiple__gt=0), name="item_multiple_pos"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.description}"

    @property
    def is_hazmat(self) -> bool:
        return bool(self.un_number)


class UnitConversion(models.Model):
    """How many base units one `uom` holds for this item (a case of 12 → factor 12)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="conversions")
    uom = models.ForeignKey(UnitOfMeasure, on_delete=models.PROTECT)
    factor = QuantityField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "uom"], name="conversion_unique"),
            models.CheckConstraint(condition=models.Q(factor__gt=0), name="conversion_factor_pos"),
        ]

    def __str__(self) -> str:
        return f"1 {self.uom} of {self.item.sku} = {self.factor} {self.item.base_uom}"


class KitComponent(models.Model):
    kit = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="components")
    component = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="used_in_kits")
    quantity = QuantityField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kit", "component"], name="kit_component_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="kit_qty_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.kit.sku}: {self.quantity} × {self.component.sku}"


class ExportRestriction(models.Model):
    """A destination country to which export-controlled items may not ship without review.

    Blank `control_class` covers every item with an export control class other than
    EAR99; otherwise the restriction covers classes starting with it (e.g. "5A").
    """

    country = models.CharField(max_length=2)
    control_class = models.CharField(max_length=12, blank=True, default="")
    reason = models.CharField(max_length=200, default="Restricted destination")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["country", "control_class"], name="export_restriction_unique"
            )
        ]
        ordering = ["country", "control_class"]

    def __str__(self) -> str:
        return f"{self.country} {self.control_class or 'all controlled'}"

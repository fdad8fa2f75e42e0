"""Waves, pick lists, picks, packages, shipments and their documents.

The warehouse works an order's allocated stock in this order: a pick list (one per order
and warehouse, grouped into a wave by carrier cut-off and priority) lists what to take;
picks record what was actually taken, with the lot or serial scanned; packages hold what
was picked; a shipment leaves with its packages and books the stock out of the ledger.
Quantities are in the item's base unit. Documents are kept as the data they were issued
with (`ShippingDocument.data`), so a reprint shows what left the dock.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from orderdesk.core.fields import AmountField, QuantityField, ScaledDecimalField


class WaveStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class Wave(models.Model):
    """Pick lists of one warehouse that go out with the same carrier pick-up, in priority."""

    number = models.CharField(max_length=20, unique=True)
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    carrier = models.ForeignKey(
        "parties.Carrier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cutoff = models.DateTimeField(null=True, blank=True, help_text="Carrier pick-up cut-off")
    priority = models.PositiveSmallIntegerField(default=5)
    status = models.CharField(max_length=8, choices=WaveStatus.choices, default=WaveStatus.OPEN)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = [models.F("cutoff").asc(nulls_last=True), "priority", "id"]
        indexes = [models.Index(fields=["warehouse", "status"])]

    def __str__(self) -> str:
        return self.number


class PickListStatus(models.TextChoices):
    OPEN = "open", "To pick"
    PICKED = "picked", "Picked"
    PACKED = "packed", "Packed"
    SHIPPED = "shipped", "Shipped"
    CANCELLED = "cancelled", "Cancelled"


class PickList(models.Model):
    """What to take from one warehouse for one order."""

    number = models.CharField(max_length=20, unique=True)
    wave = models.ForeignKey(
        Wave, null=True, blank=True, on_delete=models.PROTECT, related_name="pick_lists"
    )
    order = models.ForeignKey(
        "orders.SalesOrder", on_delete=models.PROTECT, related_name="pick_lists"
    )
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=PickListStatus.choices, default=PickListStatus.OPEN
    )
    created_at = models.DateTimeField()
    picked_at = models.DateTimeField(null=True, blank=True)
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    packed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["warehouse", "status"])]

    def __str__(self) -> str:
        return self.number


class PickLine(models.Model):
    """One allocation to take: item, the lot allocated (FEFO) and the quantity."""

    pick_list = models.ForeignKey(PickList, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "orders.SalesOrderLine", on_delete=models.PROTECT, related_name="pick_lines"
    )
    allocation = models.ForeignKey(
        "orders.Allocation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(max_length=40, blank=True, default="", help_text="Lot allocated")
    quantity = QuantityField(help_text="To pick")
    qty_picked = QuantityField(default=Decimal(0))
    qty_short = QuantityField(default=Decimal(0))

    class Meta:
        ordering = ["pick_list_id", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="pick_line_qty_pos"),
            models.CheckConstraint(
                condition=models.Q(qty_picked__gte=0)
                & models.Q(qty_short__gte=0)
                & models.Q(qty_picked__lte=models.F("quantity") - models.F("qty_short")),
                name="pick_line_within",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pick_list_id}: {self.quantity} × {self.item_id}"


class Pick(models.Model):
    """What the picker took for a pick line: quantity and the lot or serial scanned."""

    pick_line = models.ForeignKey(PickLine, on_delete=models.CASCADE, related_name="picks")
    lot = models.CharField(max_length=40, blank=True, default="")
    quantity = QuantityField()
    scanned = models.CharField(max_length=120, blank=True, default="", help_text="Raw scan")
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pick_line_id", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="pick_qty_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} lot {self.lot}" if self.lot else str(self.quantity)


class PackageKind(models.TextChoices):
    CARTON = "carton", "Carton"
    PALLET = "pallet", "Pallet"
    CRATE = "crate", "Crate"
    ENVELOPE = "envelope", "Envelope"
    DRUM = "drum", "Drum"


class Package(models.Model):
    """A handling unit: what was packed in it, its weight and dimensions."""

    pick_list = models.ForeignKey(PickList, on_delete=models.PROTECT, related_name="packages")
    shipment = models.ForeignKey(
        "Shipment", null=True, blank=True, on_delete=models.PROTECT, related_name="packages"
    )
    number = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=10, choices=PackageKind.choices, default=PackageKind.CARTON)
    weight_kg = ScaledDecimalField(places=4)
    length_cm = ScaledDecimalField(places=2, default=Decimal(0))
    width_cm = ScaledDecimalField(places=2, default=Decimal(0))
    height_cm = ScaledDecimalField(places=2, default=Decimal(0))
    tracking_number = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight_kg__gt=0), name="package_weight_pos"),
        ]

    def __str__(self) -> str:
        return self.number


class PackageLine(models.Model):
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="lines")
    pick_line = models.ForeignKey(PickLine, on_delete=models.PROTECT, related_name="packed")
    lot = models.CharField(max_length=40, blank=True, default="")
    quantity = QuantityField()

    class Meta:
        ordering = ["package_id", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="package_line_qty_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.package_id}: {self.quantity}"


class ShipmentStatus(models.TextChoices):
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"


class Shipment(models.Model):
    """Goods that left a warehouse for one order's ship-to, with carrier, service and
    tracking. Created when the dock confirms; the stock is out of the ledger by then."""

    number = models.CharField(max_length=20, unique=True)
    order = models.ForeignKey(
        "orders.SalesOrder", on_delete=models.PROTECT, related_name="shipments"
    )
    pick_list = models.OneToOneField(PickList, on_delete=models.PROTECT, related_name="shipment")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("parties.Customer", on_delete=models.PROTECT, related_name="+")
    ship_to = models.ForeignKey(
        "parties.Address", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ship_method = models.ForeignKey(
        "parties.ShipMethod", on_delete=models.PROTECT, related_name="+"
    )
    carrier = models.ForeignKey("parties.Carrier", on_delete=models.PROTECT, related_name="+")
    tracking_number = models.CharField(max_length=40, blank=True, default="")
    pro_number = models.CharField(max_length=40, blank=True, default="", help_text="LTL PRO")
    ship_date = models.DateField(db_index=True)
    status = models.CharField(
        max_length=10, choices=ShipmentStatus.choices, default=ShipmentStatus.SHIPPED
    )
    freight_payment = models.CharField(max_length=12, blank=True, default="")
    third_party_bill_to = models.JSONField(
        default=dict, blank=True, help_text="Who pays freight when terms are third party"
    )
    export_reason = models.CharField(max_length=20, blank=True, default="")
    handling_units = models.PositiveIntegerField(default=0)
    weight_kg = ScaledDecimalField(places=4, default=Decimal(0))
    declared_value = AmountField(default=Decimal(0))
    currency = models.CharField(max_length=3, default="USD")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmation_message_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-ship_date", "-id"]
        indexes = [models.Index(fields=["customer", "ship_date"])]

    def __str__(self) -> str:
        return self.number


class ShipmentLine(models.Model):
    """A quantity of one order line that left, from one lot (or serial)."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "orders.SalesOrderLine", on_delete=models.PROTECT, related_name="shipment_lines"
    )
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(max_length=40, blank=True, default="", db_index=True)
    quantity = QuantityField()
    package = models.ForeignKey(
        Package, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["shipment_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="shipment_line_qty_pos"
            ),
        ]
        indexes = [models.Index(fields=["item", "lot"])]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.quantity} × {self.item_id}"


class DocumentKind(models.TextChoices):
    PACKING_LIST = "packing_list", "Packing list"
    BILL_OF_LADING = "bill_of_lading", "Straight bill of lading"
    COMMERCIAL_INVOICE = "commercial_invoice", "Commercial invoice"
    EXPORT_FILING = "export_filing", "Export filing data (EEI)"


class ShippingDocument(models.Model):
    """A document issued with a shipment, kept as the data it was issued with."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    number = models.CharField(max_length=20, unique=True)
    data = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["shipment_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "kind"], name="shipping_document_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

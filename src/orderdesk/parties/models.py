"""Customers with their bill-to and ship-to addresses, contacts and terms; vendors."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from orderdesk.core.fields import AmountField, ScaledDecimalField


class PaymentTerms(models.Model):
    """Net days and an early-payment discount, e.g. 2/10 net 30."""

    code = models.CharField(max_length=20, unique=True)
    description = models.CharField(max_length=100)
    net_days = models.PositiveIntegerField(default=30)
    discount_percent = ScaledDecimalField(places=4, default=Decimal(0))
    discount_days = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "payment terms"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ServiceTier(models.TextChoices):
    STANDARD = "standard", "Standard"
    SILVER = "silver", "Silver"
    GOLD = "gold", "Gold"
    PLATINUM = "platinum", "Platinum"


class CustomerStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    CLOSED = "closed", "Closed"


class Customer(models.Model):
    account_number = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200, db_index=True)
    status = models.CharField(
        max_length=16, choices=CustomerStatus.choices, default=CustomerStatus.ACTIVE
    )
    currency = models.CharField(max_length=3, default="USD")
    payment_terms = models.ForeignKey(PaymentTerms, on_delete=models.PROTECT)
    credit_limit = AmountField(default=Decimal(0))
    tax_id = models.CharField(max_length=40, blank=True, default="")
    tax_exempt = models.BooleanField(default=False)
    exemption_certificate = models.CharField(max_length=60, blank=True, default="")
    price_list = models.ForeignKey(
        "pricing.PriceList", null=True, blank=True, on_delete=models.PROTECT
    )
    discount_percent = ScaledDecimalField(places=4, default=Decimal(0))
    service_tier = models.CharField(
        max_length=16, choices=ServiceTier.choices, default=ServiceTier.STANDARD
    )
    email = models.EmailField(blank=True, default="")
    phone = models.CharField(max_length=40, blank=True, default="")
    delivery_instructions = models.TextField(blank=True, default="")
    notes = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["account_number"]

    def __str__(self) -> str:
        return f"{self.account_number} {self.name}"


class AddressKind(models.TextChoices):
    BILL_TO = "bill_to", "Bill-to"
    SHIP_TO = "ship_to", "Ship-to"


class Address(models.Model):
    """A bill-to or ship-to of a customer, known by its code (the customer's own ship-to id)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(max_length=8, choices=AddressKind.choices)
    code = models.CharField(max_length=30)
    name = models.CharField(max_length=200)
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True, default="")
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=60, blank=True, default="", help_text="State/province")
    postal_code = models.CharField(max_length=20, blank=True, default="")
    country = models.CharField(max_length=2, default="US")
    phone = models.CharField(max_length=40, blank=True, default="")
    is_default = models.BooleanField(default=False)
    delivery_instructions = models.TextField(blank=True, default="")
    latitude = ScaledDecimalField(places=6, null=True, blank=True)
    longitude = ScaledDecimalField(places=6, null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "kind", "code"], name="address_code_unique")
        ]
        ordering = ["customer_id", "kind", "code"]
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return f"{self.code} {self.name}, {self.city} {self.country}"

    def one_line(self) -> str:
        parts = [self.line1, self.line2, self.city, self.region, self.postal_code, self.country]
        return ", ".join(p for p in parts if p)


class Contact(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=150)
    email = models.EmailField(blank=True, default="")
    phone = models.CharField(max_length=40, blank=True, default="")
    job_title = models.CharField(max_length=100, blank=True, default="")
    is_primary = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "name"], name="contact_name_unique")
        ]
        ordering = ["customer_id", "-is_primary", "name"]

    def __str__(self) -> str:
        return self.name


class Vendor(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    currency = models.CharField(max_length=3, default="USD")
    payment_terms = models.ForeignKey(PaymentTerms, null=True, blank=True, on_delete=models.PROTECT)
    lead_time_days = models.PositiveIntegerField(default=7)
    email = models.EmailField(blank=True, default="")
    phone = models.CharField(max_length=40, blank=True, default="")
    line1 = models.CharField(max_length=200, blank=True, default="")
    city = models.CharField(max_length=100, blank=True, default="")
    region = models.CharField(max_length=60, blank=True, default="")
    postal_code = models.CharField(max_length=20, blank=True, default="")
    country = models.CharField(max_length=2, default="US")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Carrier(models.Model):
    """A carrier (parcel, LTL, truckload, courier) known by its SCAC."""

    scac = models.CharField(max_length=4, unique=True, help_text="Standard Carrier Alpha Code")
    name = models.CharField(max_length=100)
    pickup_cutoff = models.TimeField(
        null=True, blank=True, help_text="Last pick-up at our docks (warehouse local time)"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["scac"]

    def __str__(self) -> str:
        return f"{self.scac} {self.name}"


class ShipMode(models.TextChoices):
    PARCEL = "parcel", "Parcel"
    LTL = "ltl", "LTL freight"
    TRUCKLOAD = "truckload", "Truckload"
    COURIER = "courier", "Courier / air"
    PICKUP = "pickup", "Customer pick-up"


#: Modes that move under a bill of lading.
FREIGHT_MODES = frozenset({ShipMode.LTL, ShipMode.TRUCKLOAD})


class ShipMethod(models.Model):
    """A carrier's service (UPS Ground, FedEx Priority Overnight, LTL standard …).

    `hazmat_allowed` and `international` drive the compliance rules at order intake: a
    hazmat line may only go on a service that accepts dangerous goods.
    """

    code = models.CharField(max_length=20, unique=True)
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="methods")
    name = models.CharField(max_length=100)
    transit_days = models.PositiveIntegerField(default=3)
    mode = models.CharField(max_length=10, choices=ShipMode.choices, default=ShipMode.PARCEL)
    hazmat_allowed = models.BooleanField(default=False)
    international = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

"""Price lists with quantity breaks, contract prices, surcharges and tax rates."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from orderdesk.core.fields import AmountField, QuantityField, ScaledDecimalField


class PriceList(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    currency = models.CharField(max_length=3, default="USD")
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.currency})"


class PriceListEntry(models.Model):
    """The unit price of an item from `min_quantity` up: one row per quantity break."""

    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey("catalog.Item", on_delete=models.CASCADE, related_name="list_prices")
    min_quantity = QuantityField(default=Decimal(1))
    unit_price = AmountField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "item", "min_quantity"], name="price_break_unique"
            ),
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="list_price_nonneg"),
        ]
        ordering = ["price_list_id", "item_id", "min_quantity"]
        verbose_name_plural = "price list entries"

    def __str__(self) -> str:
        return f"{self.item_id} ≥{self.min_quantity}: {self.unit_price}"


class ContractPrice(models.Model):
    """A price agreed with one customer for one item, valid between two dates."""

    customer = models.ForeignKey(
        "parties.Customer", on_delete=models.CASCADE, related_name="contract_prices"
    )
    item = models.ForeignKey("catalog.Item", on_delete=models.CASCADE, related_name="+")
    unit_price = AmountField()
    currency = models.CharField(max_length=3, default="USD")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    contract_ref = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "item", "valid_from"], name="contract_price_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="contract_price_dates",
            ),
        ]
        ordering = ["customer_id", "item_id", "valid_from"]

    def __str__(self) -> str:
        return f"{self.customer_id}/{self.item_id} {self.unit_price} from {self.valid_from}"


class SurchargeBasis(models.TextChoices):
    PERCENT_OF_LINE = "percent_line", "Percent of line value"
    PER_UNIT = "per_unit", "Fixed amount per unit"
    PER_ORDER = "per_order", "Fixed amount per order"


class Surcharge(models.Model):
    """An extra charge: fuel, hazmat handling, small-order fee, metals surcharge …"""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    basis = models.CharField(max_length=16, choices=SurchargeBasis.choices)
    amount = ScaledDecimalField(places=4, help_text="Percent, or amount in `currency`")
    currency = models.CharField(max_length=3, default="USD")
    item_group = models.CharField(max_length=40, blank=True, default="", help_text="Blank = all")
    hazmat_only = models.BooleanField(default=False)
    below_order_value = AmountField(
        null=True, blank=True, help_text="Only on orders below this value (small-order fee)"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TaxRate(models.Model):
    """Sales tax for a jurisdiction (country, region) and a product tax code."""

    country = models.CharField(max_length=2)
    region = models.CharField(
        max_length=60, blank=True, default="", help_text="Blank = whole country"
    )
    product_tax_code = models.CharField(max_length=20, default="GENERAL")
    rate_percent = ScaledDecimalField(places=4)
    name = models.CharField(max_length=100, blank=True, default="")
    valid_from = models.DateField(default="2000-01-01")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["country", "region", "product_tax_code", "valid_from"],
                name="tax_rate_unique",
            )
        ]
        ordering = ["country", "region", "product_tax_code", "valid_from"]

    def __str__(self) -> str:
        where = f"{self.country}-{self.region}" if self.region else self.country
        return f"{where} {self.product_tax_code} {self.rate_percent}%"


class PromotionKind(models.TextChoices):
    PERCENT = "percent", "Percent off the unit price"
    BUY_X_GET_Y = "buy_x_get_y", "Buy X, get Y free"


class Promotion(models.Model):
    """A time-boxed offer on one item, an item group or everything.

    `valid_to` is inclusive: a promotion "until 31 May" still prices orders taken on the
    31st. The pricing engine applies at most one promotion per line (the best for the
    customer), never on a contract price.
    """

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=PromotionKind.choices)
    percent = ScaledDecimalField(
        places=4, default=Decimal(0), help_text="Percent off (percent promotions)"
    )
    buy_quantity = QuantityField(default=Decimal(0), help_text="Buy this many …")
    free_quantity = QuantityField(default=Decimal(0), help_text="… and get this many free")
    item = models.ForeignKey(
        "catalog.Item",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="promotions",
        help_text="One item; blank = by item group",
    )
    item_group = models.CharField(
        max_length=40, blank=True, default="", help_text="Blank (and no item) = all items"
    )
    valid_from = models.DateField()
    valid_to = models.DateField(help_text="Inclusive")
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")),
                name="promotion_dates",
            ),
            # The engine refuses these (a price could go negative): keep them out of the table.
            models.CheckConstraint(
                condition=models.Q(percent__gte=0, percent__lte=100),
                name="promotion_percent_range",
            ),
            models.CheckConstraint(
                condition=models.Q(buy_quantity__gte=0, free_quantity__gte=0),
                name="promotion_quantities_nonneg",
            ),
        ]
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class FreightRate(models.Model):
    """What the customer is billed for freight on prepaid-and-add terms, per ship method.

    per_order + per_kg × shipped weight; nothing when the merchandise subtotal reaches
    `free_above` (the "free freight over $500" promise).
    """

    ship_method = models.ForeignKey(
        "parties.ShipMethod", on_delete=models.CASCADE, related_name="freight_rates"
    )
    currency = models.CharField(max_length=3, default="USD")
    per_order = AmountField()
    per_kg = AmountField(default=Decimal(0))
    free_above = AmountField(
        null=True, blank=True, help_text="Orders with merchandise of at least this ship free"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ship_method", "currency"], name="freight_rate_unique"),
            models.CheckConstraint(
                condition=models.Q(per_order__gte=0, per_kg__gte=0)
                & (models.Q(free_above__isnull=True) | models.Q(free_above__gte=0)),
                name="freight_rate_nonneg",
            ),
        ]
        ordering = ["ship_method_id", "currency"]

    def __str__(self) -> str:
        return f"{self.ship_method_id} {self.currency} {self.per_order} + {self.per_kg}/kg"

"""Invoices, credit memos, payments and the customer ledger.

The ledger is `Receivable`: one open item per invoice (positive) or credit memo (negative),
plus opening balances imported from the previous system. Payments are applied to open
items; what a payment does not cover yet stays on it as unapplied cash. So a customer's
balance is the sum of open amounts less unapplied cash, which is always
invoices − credits − payments. Credit checks read the same rows.

Invoices are made from shipped quantities only: each invoice line names the shipment line
it bills. Amounts are rounded once, per line, when the invoice is made, and every document
adds up: lines + charges + tax = total.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from orderdesk.core.fields import AmountField, QuantityField, ScaledDecimalField


class ReceivableKind(models.TextChoices):
    OPENING = "opening", "Opening balance"
    INVOICE = "invoice", "Invoice"
    CREDIT_MEMO = "credit_memo", "Credit memo"


class Receivable(models.Model):
    """One open item of a customer: an invoice (positive) or a credit memo (negative)."""

    customer = models.ForeignKey(
        "parties.Customer", on_delete=models.PROTECT, related_name="receivables"
    )
    kind = models.CharField(
        max_length=12, choices=ReceivableKind.choices, default=ReceivableKind.OPENING
    )
    document_number = models.CharField(max_length=30)
    document_date = models.DateField()
    due_date = models.DateField()
    currency = models.CharField(max_length=3, default="USD")
    amount = AmountField()
    open_amount = AmountField(default=Decimal(0))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "document_number"], name="receivable_document_unique"
            )
        ]
        indexes = [models.Index(fields=["customer", "due_date"])]
        ordering = ["customer_id", "due_date", "document_number"]

    def __str__(self) -> str:
        return f"{self.document_number} {self.open_amount} {self.currency} due {self.due_date}"


class InvoiceStatus(models.TextChoices):
    OPEN = "open", "Open"
    PAID = "paid", "Paid"
    CREDITED = "credited", "Credited"


class Invoice(models.Model):
    number = models.CharField(max_length=20, unique=True)
    customer = models.ForeignKey(
        "parties.Customer", on_delete=models.PROTECT, related_name="invoices"
    )
    order = models.ForeignKey(
        "orders.SalesOrder", on_delete=models.PROTECT, related_name="invoices"
    )
    shipment = models.ForeignKey(
        "fulfilment.Shipment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    invoice_date = models.DateField(db_index=True)
    due_date = models.DateField()
    discount_date = models.DateField(null=True, blank=True)
    discount_amount = AmountField(default=Decimal(0), help_text="Early-payment discount")
    payment_terms = models.ForeignKey(
        "parties.PaymentTerms", on_delete=models.PROTECT, related_name="+"
    )
    currency = models.CharField(max_length=3)
    bill_to = models.JSONField(default=dict, help_text="Bill-to as invoiced")
    customer_po = models.CharField(max_length=40, blank=True, default="")
    merchandise = AmountField(default=Decimal(0))
    charges_total = AmountField(default=Decimal(0))
    tax_total = AmountField(default=Decimal(0))
    total = AmountField(default=Decimal(0))
    status = models.CharField(
        max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN
    )
    receivable = models.OneToOneField(
        Receivable, null=True, blank=True, on_delete=models.PROTECT, related_name="invoice"
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_message_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-invoice_date", "-id"]
        indexes = [models.Index(fields=["customer", "invoice_date"])]

    def __str__(self) -> str:
        return self.number


class InvoiceLine(models.Model):
    """Shipped quantity of one order line, at the order's frozen price."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    order_line = models.ForeignKey(
        "orders.SalesOrderLine", on_delete=models.PROTECT, related_name="invoice_lines"
    )
    shipment_line = models.ForeignKey(
        "fulfilment.ShipmentLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoice_lines",
    )
    item = models.ForeignKey(
        "catalog.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sku = models.CharField(max_length=40)
    description = models.CharField(max_length=250, blank=True, default="")
    lot = models.CharField(max_length=40, blank=True, default="")
    quantity = QuantityField(help_text="Base units")
    uom_code = models.CharField(max_length=8, blank=True, default="")
    unit_price = AmountField(help_text="Per unit ordered, as frozen on the order")
    net = AmountField()
    tax_rate = ScaledDecimalField(places=4, default=Decimal(0))
    tax = AmountField(default=Decimal(0))

    class Meta:
        ordering = ["invoice_id", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "line_no"], name="invoice_line_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="invoice_line_qty_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}/{self.line_no} {self.sku}"


class InvoiceCharge(models.Model):
    """Freight or a surcharge of the order, billed once (on the order's first invoice)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="charges")
    order_charge = models.ForeignKey(
        "orders.OrderCharge", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(max_length=20)
    description = models.CharField(max_length=200)
    amount = AmountField()
    tax_rate = ScaledDecimalField(places=4, default=Decimal(0))
    tax = AmountField(default=Decimal(0))

    class Meta:
        ordering = ["invoice_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order_charge"],
                condition=models.Q(order_charge__isnull=False),
                name="order_charge_invoiced_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.amount}"


class CreditMemo(models.Model):
    """Money given back against an invoice (a return, a price correction)."""

    number = models.CharField(max_length=20, unique=True)
    customer = models.ForeignKey(
        "parties.Customer", on_delete=models.PROTECT, related_name="credit_memos"
    )
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_memos")
    memo_date = models.DateField(db_index=True)
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=200)
    reference = models.CharField(max_length=40, blank=True, default="", help_text="RMA number")
    merchandise = AmountField(default=Decimal(0), help_text="Goods credited (positive)")
    fees = AmountField(default=Decimal(0), help_text="Restocking fee kept (positive)")
    tax_total = AmountField(default=Decimal(0))
    total = AmountField(default=Decimal(0), help_text="merchandise − fees + tax")
    receivable = models.OneToOneField(
        Receivable, null=True, blank=True, on_delete=models.PROTECT, related_name="credit_memo"
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_message_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-memo_date", "-id"]

    def __str__(self) -> str:
        return self.number


class CreditMemoLine(models.Model):
    memo = models.ForeignKey(CreditMemo, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    invoice_line = models.ForeignKey(
        InvoiceLine, null=True, blank=True, on_delete=models.PROTECT, related_name="credited"
    )
    invoice_charge = models.ForeignKey(
        InvoiceCharge,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credited",
        help_text="The freight or surcharge a freight line gives back",
    )
    kind = models.CharField(
        max_length=16, default="goods", help_text="goods, restocking_fee, freight, adjustment"
    )
    description = models.CharField(max_length=250)
    quantity = QuantityField(default=Decimal(0))
    unit_price = AmountField(default=Decimal(0))
    net = AmountField(help_text="Positive for what is credited; a fee kept is negative")
    tax_rate = ScaledDecimalField(places=4, default=Decimal(0))
    tax = AmountField(default=Decimal(0))

    class Meta:
        ordering = ["memo_id", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["memo", "line_no"], name="credit_memo_line_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.memo_id}/{self.line_no} {self.description}"


class PaymentMethod(models.TextChoices):
    CHECK = "check", "Check"
    ACH = "ach", "ACH"
    WIRE = "wire", "Wire"
    CARD = "card", "Card"
    CASH = "cash", "Cash"


class Payment(models.Model):
    """Cash received from a customer; applied to open items, the rest stays unapplied."""

    number = models.CharField(max_length=20, unique=True)
    customer = models.ForeignKey(
        "parties.Customer", on_delete=models.PROTECT, related_name="payments"
    )
    received_date = models.DateField(db_index=True)
    currency = models.CharField(max_length=3)
    amount = AmountField()
    unapplied = AmountField(default=Decimal(0))
    method = models.CharField(
        max_length=8, choices=PaymentMethod.choices, default=PaymentMethod.CHECK
    )
    reference = models.CharField(max_length=60, blank=True, default="", help_text="Check number …")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_pos"),
            models.CheckConstraint(
                condition=models.Q(unapplied__gte=0) & models.Q(unapplied__lte=models.F("amount")),
                name="payment_unapplied_within",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class PaymentApplication(models.Model):
    """Part of a payment (or a credit memo) settling an open item; a discount taken within
    the terms settles the rest of it."""

    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    credit = models.ForeignKey(
        Receivable,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A credit memo's open item used instead of cash",
    )
    receivable = models.ForeignKey(
        Receivable, on_delete=models.PROTECT, related_name="applications"
    )
    amount = AmountField()
    discount = AmountField(default=Decimal(0))
    applied_on = models.DateField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.amount} to {self.receivable_id}"


class PeriodClose(models.Model):
    """A closed accounting period: nothing may be posted dated on or before `closed_through`.
    The latest row is in force; earlier rows are its history."""

    closed_through = models.DateField()
    reason = models.CharField(max_length=200, blank=True, default="")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField()

    class Meta:
        ordering = ["-closed_at", "-id"]

    def __str__(self) -> str:
        return f"closed through {self.closed_through}"

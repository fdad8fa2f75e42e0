"""The customer ledger: open receivables that credit checks read.

Invoices (and their payments) will write these rows; until then they come in as opening
balances from the previous system, so a credit check sees real exposure from day one.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from orderdesk.core.fields import AmountField


class Receivable(models.Model):
    """One open item of a customer: an invoice (positive) or a credit memo (negative)."""

    customer = models.ForeignKey(
        "parties.Customer", on_delete=models.PROTECT, related_name="receivables"
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

"""Gap-free document numbers per type (orders, invoices, RMAs, work orders ...)."""

from __future__ import annotations

import contextlib

from django.db import IntegrityError, transaction

from .locks import lock_rows
from .models import DocumentSequence

#: Default prefixes; a deployment can change prefix and padding in the admin.
DEFAULT_PREFIXES: dict[str, str] = {
    "sales_order": "SO",
    "invoice": "INV",
    "credit_memo": "CM",
    "rma": "RMA",
    "work_order": "WO",
    "service_request": "SR",
    "purchase_order": "PO",
    "shipment": "SH",
    "pick_list": "PK",
    "bill_of_lading": "BOL",
    "receipt": "RC",
    "wave": "WV",
    "package": "PKG",
    "packing_list": "PL",
    "commercial_invoice": "CI",
    "export_filing": "EEI",
    "payment": "PAY",
    "return_receipt": "RR",
}


def number_next(*, doc_type: str) -> str:
    """Take the next number of `doc_type`.

    Call inside the transaction that creates the document: the number is then given back if
    that transaction rolls back, so numbers have no gaps. Concurrent callers queue on the
    sequence row lock (PostgreSQL) or on the IMMEDIATE write lock (SQLite).
    """
    with transaction.atomic():
        rows = lock_rows(DocumentSequence.objects.filter(doc_type=doc_type))
        if not rows:
            # If another transaction creates the row first, the insert fails on the unique
            # key and the lock below takes theirs instead.
            with contextlib.suppress(IntegrityError), transaction.atomic():
                DocumentSequence.objects.create(
                    doc_type=doc_type,
                    prefix=DEFAULT_PREFIXES.get(doc_type, doc_type[:3].upper()),
                )
            rows = lock_rows(DocumentSequence.objects.filter(doc_type=doc_type))
        seq = rows[0]
        value = seq.next_value
        DocumentSequence.objects.filter(pk=seq.pk).update(next_value=value + 1)
    return f"{seq.prefix}{value:0{seq.padding}d}"


def number_seen(*, doc_type: str, numbers: list[str]) -> None:
    """Move the sequence past numbers that came in from outside (an import of open POs).

    Imported documents keep their own numbers; a later `number_next` must never hand out one
    of them again. Numbers that do not have this type's prefix and digits are left alone.
    """
    with transaction.atomic():
        number_next_value = 0
        rows = lock_rows(DocumentSequence.objects.filter(doc_type=doc_type))
        prefix = rows[0].prefix if rows else DEFAULT_PREFIXES.get(doc_type, doc_type[:3].upper())
        for number in numbers:
            digits = number[len(prefix) :] if number.startswith(prefix) else ""
            if digits.isdigit():
                number_next_value = max(number_next_value, int(digits) + 1)
        if not number_next_value:
            return
        if not rows:
            DocumentSequence.objects.create(
                doc_type=doc_type, prefix=prefix, next_value=number_next_value
            )
            return
        DocumentSequence.objects.filter(pk=rows[0].pk, next_value__lt=number_next_value).update(
            next_value=number_next_value
        )

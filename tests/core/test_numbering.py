from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from orderdesk.core.models import DocumentSequence
from orderdesk.core.numbering import number_next
from orderdesk.purchasing.models import PurchaseOrder

from ..concurrency import run_concurrently
from ..factories import VendorFactory


@pytest.mark.django_db
def test_numbers_are_sequential_per_type_with_prefix():
    assert [number_next(doc_type="invoice") for _ in range(3)] == [
        "INV000001",
        "INV000002",
        "INV000003",
    ]
    assert number_next(doc_type="rma") == "RMA000001"


@pytest.mark.django_db
def test_rolled_back_document_gives_its_number_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        number_next(doc_type="invoice")
        raise RuntimeError("document failed validation")
    assert number_next(doc_type="invoice") == "INV000001"


@pytest.mark.django_db
def test_prefix_and_padding_come_from_the_sequence_row():
    DocumentSequence.objects.create(doc_type="work_order", prefix="WO-", padding=4, next_value=42)
    assert number_next(doc_type="work_order") == "WO-0042"


def _create_purchase_orders(vendor_id: int, count: int, fail_every: int) -> list[str]:
    """One concurrent client: creates `count` documents, rolling back every n-th attempt."""
    made: list[str] = []
    attempt = 0
    while len(made) < count:
        attempt += 1
        try:
            with transaction.atomic():
                number = number_next(doc_type="purchase_order")
                PurchaseOrder.objects.create(
                    number=number,
                    vendor_id=vendor_id,
                    order_date=dt.date(2026, 1, 5),
                    expected_date=dt.date(2026, 1, 12),
                )
                if fail_every and attempt % fail_every == 0:
                    raise RuntimeError("rolled back on purpose")
            made.append(number)
        except RuntimeError:
            continue
    return made


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_16_concurrent_clients_get_800_distinct_gap_free_numbers():
    vendor = VendorFactory()
    results = run_concurrently(
        _create_purchase_orders, [(vendor.pk, 50, 7 if i % 2 else 0) for i in range(16)]
    )
    numbers = sorted(n for client in results for n in client)
    assert len(numbers) == 800
    assert numbers == [f"PO{i:06d}" for i in range(1, 801)]
    assert PurchaseOrder.objects.count() == 800


@pytest.mark.django_db
def test_imported_numbers_move_the_sequence_past_them():
    from orderdesk.core.numbering import number_seen

    number_seen(doc_type="purchase_order", numbers=["PO004711", "PO000012", "VENDOR-9"])
    assert number_next(doc_type="purchase_order") == "PO004712"
    number_seen(doc_type="purchase_order", numbers=["PO000003"])
    assert number_next(doc_type="purchase_order") == "PO004713"

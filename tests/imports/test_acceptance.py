"""Issue 2 acceptance: 1,000 customers with 5 bad rows; the error file; re-import is a no-op."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderdesk.core.importing import ERROR_COLUMN, get_spec, import_file
from orderdesk.core.models import Event
from orderdesk.parties.models import Address, Customer

from ..factories import PaymentTermsFactory, PriceListFactory

HEADER = [
    "account_number",
    "name",
    "currency",
    "payment_terms",
    "credit_limit",
    "price_list",
    "email",
    "bill_to_line1",
    "bill_to_city",
    "bill_to_region",
    "bill_to_postal_code",
    "bill_to_country",
]

#: Spreadsheet row (header = 1) → (column, bad value, corrected value).
FAULTS = {
    101: ("bill_to_postal_code", "6270", "62701"),
    202: ("name", "", "Customer 201 Mechanical"),
    303: ("currency", "USX", "USD"),
    404: ("credit_limit", "12,5x", "12500"),
    505: ("bill_to_country", "XX", "US"),
}


def _good_row(n: int) -> list[str]:
    return [
        f"C{n:05d}",
        f"Customer {n} Mechanical",
        "USD",
        "NET30",
        f"{1000 + n}.50",
        "LIST",
        f"ap{n}@example.com",
        f"{n} Main St",
        "Springfield",
        "IL",
        "62701",
        "US",
    ]


def write_customers(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for row_number in range(2, 1002):
            row = _good_row(row_number - 1)
            if row_number in FAULTS:
                column, bad, _ = FAULTS[row_number]
                row[HEADER.index(column)] = bad
            writer.writerow(row)


def correct(error_file: Path) -> None:
    """What the clerk does: fix the flagged cell in each row, leave the error column."""
    with error_file.open(newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    assert header == [*HEADER, ERROR_COLUMN]
    for row in rows[1:]:
        number = int(row[0][1:]) + 1  # C00100 came from spreadsheet row 101
        column, _, good = FAULTS[number]
        row[header.index(column)] = good
    with error_file.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)


@pytest.fixture
def reference_data(db):
    PaymentTermsFactory(code="NET30")
    PriceListFactory(code="LIST")


def test_995_applied_5_reported_corrected_error_file_completes_the_1000(tmp_path, reference_data):
    source, errors_file = tmp_path / "customers.csv", tmp_path / "customers.errors.csv"
    write_customers(source)
    spec = get_spec("customers")

    first = import_file(spec, source, errors_to=errors_file)

    assert (first.created, first.updated, first.failed_rows) == (995, 0, 5)
    assert [(e.row, e.column) for e in first.errors] == [
        (101, "bill_to_postal_code"),
        (202, "name"),
        (303, "currency"),
        (404, "credit_limit"),
        (505, "bill_to_country"),
    ]
    assert all(e.file == str(source) and e.message and e.fix for e in first.errors)
    assert Customer.objects.count() == 995
    bad = ["C00100", "C00201", "C00302", "C00403", "C00504"]
    assert not Customer.objects.filter(account_number__in=bad).exists()
    assert Address.objects.count() == 995  # a refused row wrote neither customer nor bill-to

    correct(errors_file)
    second = import_file(spec, errors_file)

    assert (second.created, second.failed_rows, second.errors) == (5, 0, [])
    assert second.warnings == []  # the error column is expected, not unknown
    assert Customer.objects.count() == 1000
    assert Customer.objects.get(account_number="C00403").credit_limit == 12500


def test_the_same_file_twice_writes_nothing_the_second_time(tmp_path, reference_data):
    source = tmp_path / "customers.csv"
    write_customers(source)
    spec = get_spec("customers")
    import_file(spec, source)
    events = Event.objects.count()

    with CaptureQueriesContext(connection) as queries:
        again = import_file(spec, source)

    assert (again.created, again.updated, again.unchanged, again.failed_rows) == (0, 0, 995, 5)
    assert len(again.errors) == 5
    assert Event.objects.count() == events
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []


def test_each_created_customer_and_bill_to_has_one_import_event(tmp_path, reference_data):
    source = tmp_path / "customers.csv"
    write_customers(source)
    import_file(get_spec("customers"), source)

    assert Event.objects.filter(action="customer.imported").count() == 995
    assert Event.objects.filter(action="address.imported").count() == 995
    event = Event.objects.filter(action="customer.imported").order_by("id").first()
    assert event is not None
    assert (event.actor_label, event.object_label) == ("system", "C00001")
    assert event.after["credit_limit"] == "1001.50"
    assert event.reason == "import of customers.csv, row 2"

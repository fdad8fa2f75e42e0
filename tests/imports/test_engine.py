"""The engine's promises: nothing dropped, nothing half-applied, clear reports, roles."""

from __future__ import annotations

import io

import pytest
from django.db import IntegrityError
from openpyxl import Workbook, load_workbook

from orderdesk.core.errors import Forbidden
from orderdesk.core.importing import export_file, get_spec, import_file
from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.core.tabular import open_table
from orderdesk.parties import imports as parties_imports
from orderdesk.parties.models import Address, Customer

from ..factories import CustomerFactory, PaymentTermsFactory, PriceListFactory
from .helpers import csv_bytes

pytestmark = pytest.mark.django_db

CUSTOMER_HEADER = [
    "account_number",
    "name",
    "payment_terms",
    "bill_to_line1",
    "bill_to_city",
    "bill_to_postal_code",
]


@pytest.fixture(autouse=True)
def _terms():
    PaymentTermsFactory(code="NET30")
    PriceListFactory(code="LIST")


def customers(*rows: list[str], header: list[str] = CUSTOMER_HEADER) -> bytes:
    return csv_bytes(header, [list(r) for r in rows])


def test_xlsx_import_reads_typed_cells_and_a_title_row():
    wb = Workbook()
    ws = wb.active
    ws.append(["Customers exported from the old ERP"])
    ws.append(
        [
            "Account Number",
            "Name",
            "Payment Terms",
            "Credit Limit",
            "Tax Exempt",
            "Exemption Certificate",
        ]
    )
    ws.append([10042, "Acme Heating", "net30", 25000.5, True, "EX-1"])
    ws.append(["C2", "Beta Air", "NET30", 0, False, None])
    data = io.BytesIO()
    wb.save(data)

    result = import_file(get_spec("customers"), data.getvalue(), name="customers.xlsx")

    assert (result.created, result.errors) == (2, [])
    acme = Customer.objects.get(account_number="10042")
    assert (acme.credit_limit, acme.tax_exempt, acme.payment_terms.code) == (
        pytest.approx(25000.5),
        True,
        "NET30",
    )
    assert str(acme.credit_limit) == "25000.5000"


def test_an_xlsx_file_gets_an_xlsx_error_file(tmp_path):
    wb = Workbook()
    wb.active.append(["account_number", "name", "payment_terms"])
    wb.active.append(["C1", "Good", "NET30"])
    wb.active.append(["C2", "Bad terms", "NET99"])
    source = tmp_path / "c.xlsx"
    wb.save(source)

    result = import_file(get_spec("customers"), source, errors_to=tmp_path / "c.errors.xlsx")

    assert [(e.row, e.column) for e in result.errors] == [(3, "payment_terms")]
    rows = list(load_workbook(tmp_path / "c.errors.xlsx").active.values)
    assert rows[0] == ("account_number", "name", "payment_terms", "error")
    assert rows[1][:3] == ("C2", "Bad terms", "NET99")
    assert "unknown payment terms 'NET99'" in rows[1][3]


def test_a_row_the_database_refuses_is_rolled_back_whole_and_the_batch_goes_on(monkeypatch):
    real_upsert = parties_imports.upsert

    def failing_for_c3(ctx, model, key, entries, **kw):
        real_upsert(ctx, model, key, entries, **kw)
        if model is Address and any(r.texts["account_number"] == "C3" for r, _ in entries):
            raise IntegrityError("address refused")

    monkeypatch.setattr(parties_imports, "upsert", failing_for_c3)
    rows = [
        [f"C{n}", f"Customer {n}", "NET30", "1 Main St", "Springfield", "62701"]
        for n in range(1, 6)
    ]

    result = import_file(get_spec("customers"), customers(*rows), name="c.csv")

    assert (result.created, result.failed_rows) == (4, 1)
    assert [(e.row, e.message) for e in result.errors] == [(4, "refused: address refused")]
    assert not Customer.objects.filter(account_number="C3").exists()
    assert Address.objects.count() == Customer.objects.count() == 4
    assert Event.objects.filter(action="customer.imported").count() == 4


def test_a_missing_required_column_stops_every_row_into_the_error_file(tmp_path):
    data = customers(
        ["C1", "A", "1 Main"],
        ["C2", "B", "2 Main"],
        header=["account_number", "name", "bill_to_line1"],
    )

    result = import_file(get_spec("customers"), data, name="c.csv", errors_to=tmp_path / "e.csv")

    assert (result.created, result.failed_rows) == (0, 2)
    assert [(e.row, e.column) for e in result.errors] == [(1, "payment_terms")]
    written = list(open_table(tmp_path / "e.csv", expected=("error",)).rows())
    assert [cells[0] for _, cells in written] == ["C1", "C2"]
    assert "no 'payment_terms' column" in written[0][1][-1]
    assert Customer.objects.count() == 0


def test_unknown_columns_are_a_warning_and_the_rest_imports():
    data = customers(
        ["C1", "Acme", "NET30", "Fax: none"],
        header=["account_number", "name", "payment_terms", "fax"],
    )

    result = import_file(get_spec("customers"), data, name="c.csv")

    assert result.created == 1
    assert "fax" in result.warnings[0]


def test_the_same_key_twice_in_one_file_is_reported_on_the_second_row():
    data = customers(
        ["C1", "Acme", "NET30"],
        ["c1", "Acme again", "NET30"],
        header=["account_number", "name", "payment_terms"],
    )

    result = import_file(get_spec("customers"), data, name="c.csv")

    assert (result.created, [(e.row, e.column) for e in result.errors]) == (
        1,
        [(3, "account_number")],
    )
    assert "row 2" in result.errors[0].message


def test_a_changed_row_updates_only_what_changed_with_a_before_and_after():
    customer = CustomerFactory(account_number="C1", name="Old name")
    data = customers(
        ["C1", "New name", "NET30"], header=["account_number", "name", "payment_terms"]
    )

    result = import_file(get_spec("customers"), data, name="c.csv")

    assert (result.updated, result.created) == (1, 0)
    event = Event.objects.get(action="customer.import_updated")
    assert (event.before, event.after) == ({"name": "Old name"}, {"name": "New name"})
    assert event.object_id == str(customer.pk)


def test_a_dry_run_reports_everything_and_saves_nothing():
    data = customers(
        ["C1", "Acme", "NET30"],
        ["C2", "", "NET30"],
        header=["account_number", "name", "payment_terms"],
    )

    result = import_file(get_spec("customers"), data, name="c.csv", dry_run=True)

    assert (result.created, result.failed_rows, result.dry_run) == (1, 1, True)
    assert Customer.objects.count() == Event.objects.count() == 0


def test_a_role_without_the_import_right_is_refused(make_user):
    with pytest.raises(Forbidden):
        import_file(get_spec("customers"), customers(), name="c.csv", actor=make_user(Role.BILLING))


def test_a_coordinator_may_import_customers_but_not_set_their_credit_limit(make_user):
    data = customers(
        ["C1", "Acme", "NET30", "0"],
        ["C2", "Beta", "NET30", "5000"],
        header=["account_number", "name", "payment_terms", "credit_limit"],
    )

    result = import_file(
        get_spec("customers"), data, name="c.csv", actor=make_user(Role.DESK_COORDINATOR)
    )

    assert (result.created, [(e.row, e.column) for e in result.errors]) == (
        1,
        [(3, "credit_limit")],
    )
    assert Event.objects.get(action="customer.imported").actor_label.startswith("user")


def test_export_of_formula_like_text_is_safe_and_reimports_as_the_same_text(tmp_path):
    name = '=HYPERLINK("http://evil.example","click")'
    CustomerFactory(
        account_number="C1", name=name, phone="@SUM(1+1)", notes="-2+3+cmd|' /C calc'!A0"
    )
    for target in (tmp_path / "c.csv", tmp_path / "c.xlsx"):
        export_file(get_spec("customers"), target)
        if target.suffix == ".csv":
            assert "'=HYPERLINK" in target.read_text(encoding="utf-8-sig")
        else:
            ws = load_workbook(target).active
            assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)

        result = import_file(get_spec("customers"), target)

        assert (result.unchanged, result.errors) == (1, [])
        customer = Customer.objects.get(account_number="C1")
        assert (customer.name, customer.phone) == (name, "@SUM(1+1)")


def test_a_value_outside_the_named_columns_refuses_the_row_rather_than_losing_it():
    data = b"account_number,name,payment_terms\nC1,Acme,NET30\nC2,Beta, Inc.,NET30\n"

    result = import_file(get_spec("customers"), data, name="c.csv")

    assert (result.created, result.failed_rows) == (1, 1)
    assert (result.errors[0].row, result.errors[0].column) == (3, "")
    assert "quotes" in result.errors[0].fix


def test_bulk_writes_raise_djangos_errors_so_a_batch_can_fall_back_row_by_row():
    from django.db import transaction
    from django.utils import timezone

    from orderdesk.catalog.models import Item
    from orderdesk.core.importing_sql import BulkTable

    from ..factories import ItemFactory

    unit = ItemFactory().base_uom
    table = BulkTable.of(Item)
    bad = {"sku": "X", "description": "x", "base_uom_id": unit.pk, "order_multiple": 0}
    with pytest.raises(IntegrityError), transaction.atomic():
        table.insert([bad], timezone.now())
    item = Item.objects.get()
    item.order_multiple = 0
    with pytest.raises(IntegrityError), transaction.atomic():
        table.update([item], {"order_multiple"}, timezone.now())
    assert Item.objects.get().order_multiple == 1

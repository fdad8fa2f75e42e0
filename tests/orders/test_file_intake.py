"""Orders from CSV/XLSX files: reading, grouping, mappings, preview, import through intake."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from orderdesk.core.errors import Forbidden
from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.core.tabular import open_table
from orderdesk.orders.errors import OrderConflict, OrderError
from orderdesk.orders.file_intake import (
    group_rows,
    order_file_errors,
    order_file_import,
    order_file_preview,
    parse_rows,
)
from orderdesk.orders.mappings import FIELDS, column_mapping_save, file_layout, layout_for
from orderdesk.orders.models import ColumnMapping, OrderFile, SalesOrder

from ..factories import CustomerFactory
from .world import World, build_world

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
TEMPLATE = ["customer", "customer_po", "ship_to", "ship_method", "freight_payment", "sku"]
TEMPLATE += ["quantity", "uom", "customer_price", "requested_date", "line_requested_date"]


def csv_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_bytes(header: list[str], rows: list[list[object]], title: str = "") -> bytes:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read(data: bytes, name: str = "orders.csv", columns=None, defaults=None, customer=""):
    """Parse and group without the database: layout → rows → orders."""
    table = open_table(data, name=name, expected=[*FIELDS, *(columns or {}).values()])
    layout = layout_for(
        table.header,
        columns or {},
        defaults or {},
        source="mapping" if columns else "template",
        has_customer=bool(customer),
    )
    assert layout.missing == []
    rows = parse_rows(table.rows(), layout, header=table.header, customer=customer)
    return group_rows(rows, layout.headers)


def row(customer, po, sku, qty, **more):
    cells = {"customer": customer, "customer_po": po, "sku": sku, "quantity": qty, **more}
    return [cells.get(h, "") for h in TEMPLATE]


# --- reading and grouping ----------------------------------------------------------------


def test_rows_of_one_customer_and_po_are_one_order_wherever_they_stand():
    data = csv_bytes(
        TEMPLATE,
        [
            row("c10042", "PO-1", "A", "2", ship_to="ST01"),
            row("C10042", "PO-2", "B", "1"),
            row("C10042", "PO-1", "C", "3"),
            row("C20001", "PO-1", "A", "1"),
        ],
    )
    orders = read(data)
    assert [(o.customer, o.customer_po, o.numbers) for o in orders] == [
        ("C10042", "PO-1", [2, 4]),
        ("C10042", "PO-2", [3]),
        ("C20001", "PO-1", [5]),
    ]
    assert [r.values["sku"] for r in orders[0].rows] == ["A", "C"]
    assert orders[0].values["ship_to"] == "ST01"
    assert all(o.errors == [] for o in orders)


def test_rows_without_po_make_one_order_per_run_of_one_customer():
    data = csv_bytes(
        TEMPLATE,
        [
            row("C1", "", "A", "1"),
            row("C1", "", "B", "1"),
            row("C2", "", "A", "1"),
            row("C1", "", "C", "1"),
            row("C1", "PO-9", "D", "1"),
            row("C1", "", "E", "1"),
        ],
    )
    assert [o.numbers for o in read(data)] == [[2, 3], [4], [5], [6], [7]]


def test_xlsx_cells_keep_their_types_and_row_numbers_count_the_title_line():
    header = ["customer", "customer_po", "sku", "quantity", "customer_price", "requested_date"]
    data = xlsx_bytes(
        header,
        [
            ["C10042", 4500012345, "CTR-3P-40A", 24, 41.5, dt.datetime(2030, 3, 31)],
            ["C10042", 4500012345, 12345, 2.5, None, None],
        ],
        title="Orders week 12",
    )
    [order] = read(data, name="orders.xlsx")
    assert order.customer_po == "4500012345"
    assert order.numbers == [3, 4]
    first, second = (r.values for r in order.rows)
    assert first["quantity"] == Decimal(24) and first["customer_price"] == Decimal("41.5")
    assert order.values["requested_date"] == dt.date(2030, 3, 31)
    assert second["sku"] == "12345" and second["quantity"] == Decimal("2.5")


def test_a_mapping_reads_odd_headers_ignoring_case_and_spaces_and_fills_defaults():
    header = [" Item No. ", "QTY", "Cust PO#", "Deliver-By", "Unit"]
    data = csv_bytes(header, [["X-1", "4", "77", "2030-01-02", "cs"], ["X-2", "1", "77", "", ""]])
    columns = {
        "sku": "item no",
        "quantity": "qty",
        "customer_po": "CUST PO#",
        "requested_date": "deliver by",
        "uom": "unit",
    }
    [order] = read(data, columns=columns, defaults={"customer": "C10042", "ship_method": "UPS"})
    assert (order.customer, order.customer_po) == ("C10042", "77")
    assert order.values == {
        "requested_date": dt.date(2030, 1, 2),
        "ship_method": "UPS",
    }
    assert [(r.values["sku"], r.values["quantity"], r.values.get("uom")) for r in order.rows] == [
        ("X-1", Decimal(4), "CS"),
        ("X-2", Decimal(1), None),
    ]


def test_rows_that_cannot_become_a_line_are_reported_with_row_column_and_fix():
    data = xlsx_bytes(
        ["customer", "customer_po", "sku", "Qty", "requested_date"],
        [
            ["C1", "PO-1", "A", "12,5", None],
            ["C1", "PO-1", "", 3, None],
            ["C1", "PO-1", "B", 1, "31/03/2030"],
            ["C1", "PO-2", "C", 1, None],
            ["C1", "PO-2", "D", 0, None],
        ],
        title="Acme orders",
    )
    orders = read(data, name="o.xlsx", columns={"quantity": "qty"})
    problems = [(e.row, e.column, e.field, e.message, e.fix) for e in orders[0].errors]
    assert problems == [
        (3, "Qty", "quantity", "'12,5' is not a number", problems[0][4]),
        (4, "sku", "sku", "sku is empty", "fill in the item's SKU, or delete the row"),
        (5, "requested_date", "requested_date", "'31/03/2030' is not a date", problems[2][4]),
    ]
    assert "dot" in problems[0][4] and "YYYY-MM-DD" in problems[2][4]
    assert [(e.row, e.message) for e in orders[1].errors] == [(7, "0 must be greater than zero")]


def test_rows_of_one_order_that_disagree_on_an_order_field_are_refused():
    data = csv_bytes(
        TEMPLATE,
        [row("C1", "PO-1", "A", "1", ship_to="ST01"), row("C1", "PO-1", "B", "1", ship_to="ST02")],
    )
    [order] = read(data)
    [problem] = order.errors
    assert (problem.row, problem.column) == (3, "ship_to")
    assert problem.message == "ship_to ST02 differs from ST01 on row 2 of the same order"


def test_a_named_customer_fills_blank_accounts_and_refuses_other_accounts():
    data = csv_bytes(TEMPLATE, [row("", "PO-1", "A", "1"), row("C9", "PO-1", "B", "1")])
    mine, other = read(data, customer="c1")
    assert (mine.customer, mine.errors) == ("C1", [])
    messages = [(e.row, e.message) for e in other.errors]
    assert messages == [(3, "the file is uploaded for customer C1; this row names C9")]


def test_a_file_in_a_foreign_layout_is_refused_naming_the_missing_fields_and_headers():
    data = csv_bytes(["Item", "Menge"], [["A", "1"]])
    with pytest.raises(OrderError) as exc:
        file_layout(data, "acme.csv", None, None)
    assert exc.value.message == (
        "acme.csv: no column for customer, sku, quantity; the file's headers are: 'Item', 'Menge'"
    )
    assert "save a column mapping" in exc.value.fix


# --- mappings ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_mapping_with_an_unknown_field_is_refused_naming_it_and_the_valid_ones(make_user):
    clerk = make_user(Role.ORDER_CLERK)
    customer = CustomerFactory()
    with pytest.raises(OrderError) as exc:
        column_mapping_save(
            actor=clerk, customer=customer, name="default", columns={"sku": "Item", "qty": "Qty"}
        )
    assert exc.value.message == "columns: 'qty' is not an order file field"
    assert exc.value.fix == "use one of: " + ", ".join(FIELDS)
    with pytest.raises(OrderError, match=r"defaults\.rush: 'maybe' is not yes or no"):
        column_mapping_save(
            actor=clerk, customer=customer, name="default", columns={}, defaults={"rush": "maybe"}
        )
    assert ColumnMapping.objects.count() == 0
    assert Event.objects.filter(action__startswith="column_mapping").count() == 0


@pytest.mark.django_db
def test_saving_a_mapping_records_events_and_an_unchanged_save_records_none(make_user):
    clerk = make_user(Role.ORDER_CLERK)
    customer = CustomerFactory()
    first = column_mapping_save(
        actor=clerk,
        customer=customer,
        name="default",
        columns={"SKU": "Item No", "quantity": "Qty"},
        defaults={"customer": customer.account_number},
    )
    assert first.columns == {"sku": "Item No", "quantity": "Qty"}
    again = column_mapping_save(
        actor=clerk,
        customer=customer,
        name="default",
        columns={"sku": "Item No", "quantity": "Qty"},
        defaults={"customer": customer.account_number},
    )
    changed = column_mapping_save(
        actor=clerk, customer=customer, name="default", columns={"sku": "Part", "quantity": "Qty"}
    )
    assert first.pk == again.pk == changed.pk and changed.defaults == {}
    events = Event.objects.filter(object_type="orders.columnmapping").order_by("pk")
    assert [e.action for e in events] == ["column_mapping.created", "column_mapping.updated"]
    assert events[1].before["columns"]["sku"] == "Item No"
    assert events[1].actor == clerk


# --- preview -----------------------------------------------------------------------------


@pytest.fixture
def world(db) -> World:
    return build_world(items=3)


def world_rows(world: World) -> list[list[object]]:
    acct = world.customer.account_number
    a, b, c = (i.sku for i in world.items)
    more = {"ship_method": world.ship_method.code, "freight_payment": "prepaid"}
    return [
        row(acct, "PO-1", a, "2", **more),
        row(acct, "PO-1", b, "3"),
        row(acct, "PO-2", c, "1", **more),
        row(acct, "PO-3", a, "1", **more),
    ]


def test_preview_keeps_the_file_shows_the_orders_and_creates_none(world, make_user):
    clerk = make_user(Role.ORDER_CLERK)
    data = csv_bytes(TEMPLATE, world_rows(world))
    order_file = order_file_preview(
        actor=clerk, data=data, file_name="week12.csv", customer=None, mapping=None
    )
    assert SalesOrder.objects.count() == 0
    order_file.refresh_from_db()
    assert bytes(order_file.content) == data and len(order_file.sha256) == 64
    assert order_file.status == "previewed" and order_file.uploaded_by == clerk
    preview = order_file.preview
    assert preview["source"] == "template" and preview["counts"] == {
        "orders": 3,
        "rows": 4,
        "ready": 3,
        "bad_rows": 0,
    }
    first = preview["orders"][0]
    assert (first["customer"], first["customer_po"], first["rows"], first["line_count"]) == (
        world.customer.account_number,
        "PO-1",
        [2, 3],
        2,
    )
    assert first["lines"][1] == {
        "row": 3,
        "sku": world.items[1].sku,
        "quantity": "3",
        "uom": "",
        "customer_price": None,
        "requested_date": None,
    }
    assert first["customer_name"] == world.customer.name
    assert Event.objects.filter(action="order_file.previewed", object_id=str(order_file.pk)).count()


def test_preview_needs_the_order_entry_right_and_keeps_nothing_when_refused(world, make_user):
    billing = make_user(Role.BILLING)
    with pytest.raises(Forbidden):
        order_file_preview(
            actor=billing, data=csv_bytes(TEMPLATE, world_rows(world)), file_name="x.csv"
        )
    assert OrderFile.objects.count() == 0


def test_a_named_customer_with_a_saved_mapping_is_read_with_it(world, make_user):
    clerk = make_user(Role.ORDER_CLERK)
    column_mapping_save(
        actor=clerk,
        customer=world.customer,
        name="default",
        columns={"sku": "Part #", "quantity": "Qty Ordered", "customer_po": "PO"},
        defaults={"ship_method": world.ship_method.code, "freight_payment": "prepaid"},
    )
    data = csv_bytes(["PO", "Part #", "Qty Ordered"], [["77", world.items[0].sku, "5"]])
    order_file = order_file_preview(
        actor=clerk, data=data, file_name="acme.csv", customer=world.customer, mapping=None
    )
    preview = order_file.preview
    assert (preview["source"], preview["mapping"]) == ("mapping", "default")
    assert order_file.mapping is not None and order_file.customer == world.customer
    [entry] = preview["orders"]
    assert (entry["customer"], entry["customer_po"], entry["status"]) == (
        world.customer.account_number,
        "77",
        "ready",
    )
    assert entry["draft"]["ship_method"] == world.ship_method.code

    other = CustomerFactory()
    with pytest.raises(OrderError, match="no column for sku, quantity; the file's headers are"):
        order_file_preview(actor=clerk, data=data, file_name="acme.csv", customer=other)
    assert OrderFile.objects.count() == 1


def test_a_customer_with_several_mappings_and_no_default_is_asked_which(world, make_user):
    clerk = make_user(Role.ORDER_CLERK)
    for name in ("weekly", "rush"):
        column_mapping_save(
            actor=clerk, customer=world.customer, name=name, columns={"sku": "Part #"}
        )
    data = csv_bytes(["Part #", "Qty"], [[world.items[0].sku, "5"]])
    with pytest.raises(OrderError) as exc:
        order_file_preview(actor=clerk, data=data, file_name="a.csv", customer=world.customer)
    assert exc.value.message == (
        f"customer {world.customer.account_number} has several column mappings (rush, weekly) "
        "and none named default"
    )
    assert exc.value.fix == "use one of: rush, weekly"


# --- import ------------------------------------------------------------------------------


def test_import_creates_the_orders_through_intake(world, make_user):
    clerk = make_user(Role.ORDER_CLERK)
    data = csv_bytes(TEMPLATE, world_rows(world))
    order_file = order_file_preview(actor=clerk, data=data, file_name="week12.csv")
    order_file = order_file_import(actor=clerk, order_file=order_file)

    orders = list(SalesOrder.objects.order_by("pk"))
    assert [o.customer_po for o in orders] == ["PO-1", "PO-2", "PO-3"]
    assert {o.channel for o in orders} == {"file"}
    assert [o.source_document for o in orders] == [
        "week12.csv rows 2-3",
        "week12.csv rows 4-4",
        "week12.csv rows 5-5",
    ]
    assert [ln.sku for ln in orders[0].lines.all()] == [world.items[0].sku, world.items[1].sku]
    assert orders[0].created_by == clerk
    result = order_file.result
    assert [(o["number"], o["status"]) for o in result["orders"]] == [
        (o.number, "accepted") for o in orders
    ]
    assert result["counts"] == {"orders": 3, "accepted": 3}
    order_file.refresh_from_db()
    assert order_file.status == "imported" and order_file.imported_at is not None
    assert order_file_errors(order_file=order_file) is None


def test_importing_the_same_file_again_creates_no_second_orders(world, make_user):
    clerk = make_user(Role.ORDER_CLERK)
    data = csv_bytes(TEMPLATE, world_rows(world))
    first = order_file_import(
        actor=clerk, order_file=order_file_preview(actor=clerk, data=data, file_name="a.csv")
    )
    numbers = [o["number"] for o in first.result["orders"]]
    events = Event.objects.filter(object_type="orders.salesorder").count()

    second = order_file_preview(actor=clerk, data=data, file_name="a-again.csv")
    assert [o["status"] for o in second.preview["orders"]] == ["already_received"] * 3
    assert any("the same file was imported" in w for w in second.preview["warnings"])
    second = order_file_import(actor=clerk, order_file=second)

    assert SalesOrder.objects.count() == 3
    assert [(o["number"], o["status"]) for o in second.result["orders"]] == [
        (n, "already_received") for n in numbers
    ]
    assert second.result["counts"] == {"orders": 3, "already_received": 3}
    assert Event.objects.filter(object_type="orders.salesorder").count() == events


def test_orders_without_a_po_sent_again_are_held_as_possible_duplicates(world, make_user):
    clerk = make_user(Role.ORDER_CLERK)
    rows = [[*r[:1], "", *r[2:]] for r in world_rows(world)[2:4]]
    data = csv_bytes(TEMPLATE, rows)
    first = order_file_import(
        actor=clerk, order_file=order_file_preview(actor=clerk, data=data, file_name="n.csv")
    )
    assert first.result["counts"] == {"orders": 1, "accepted": 1}
    second = order_file_import(
        actor=clerk, order_file=order_file_preview(actor=clerk, data=data, file_name="n.csv")
    )
    [entry] = second.result["orders"]
    assert entry["status"] == "held"
    assert [h["code"] for h in entry["holds"]] == ["duplicate_lines"]
    assert SalesOrder.objects.count() == 2


def test_an_order_with_a_bad_row_is_kept_out_whole_and_the_others_go_in(world, make_user):
    clerk = make_user(Role.ORDER_CLERK)
    rows = world_rows(world)
    rows[1] = row(world.customer.account_number, "PO-1", world.items[1].sku, "three")
    data = csv_bytes(TEMPLATE, rows)
    order_file = order_file_preview(actor=clerk, data=data, file_name="week12.csv")
    assert [o["status"] for o in order_file.preview["orders"]] == ["errors", "ready", "ready"]
    assert order_file.preview["errors"] == [
        {
            "row": 3,
            "column": "quantity",
            "field": "quantity",
            "message": "'three' is not a number",
            "fix": "write digits with a dot for decimals, e.g. 1250.50",
        }
    ]
    order_file = order_file_import(actor=clerk, order_file=order_file)

    assert sorted(SalesOrder.objects.values_list("customer_po", flat=True)) == ["PO-2", "PO-3"]
    bad = order_file.result["orders"][0]
    assert (bad["status"], bad["rows"]) == ("not_imported", [2, 3])
    assert bad["error"]["message"] == (
        "row 3 of this order cannot be read: the order was not taken in"
    )
    assert order_file.result["counts"] == {"orders": 3, "not_imported": 1, "accepted": 2}

    errors = order_file_errors(order_file=order_file)
    assert errors is not None
    lines = list(csv.reader(io.StringIO(errors.decode("utf-8-sig"))))
    assert lines[0] == [*TEMPLATE, "error"]
    assert [[*ln[0:2], ln[-1]] for ln in lines[1:]] == [
        [world.customer.account_number, "PO-1", "waits for row 3 of the same order"],
        [
            world.customer.account_number,
            "PO-1",
            "quantity: 'three' is not a number "
            "(fix: write digits with a dot for decimals, e.g. 1250.50)",
        ],
    ]

    # The corrected error file imports as it is: the whole order, once.
    lines[2][TEMPLATE.index("quantity")] = "3"
    fixed = csv_bytes(lines[0], lines[1:])
    again = order_file_import(
        actor=clerk,
        order_file=order_file_preview(actor=clerk, data=fixed, file_name="week12.errors.csv"),
    )
    assert again.result["counts"] == {"orders": 1, "accepted": 1}
    po1 = SalesOrder.objects.get(customer_po="PO-1")
    assert po1.lines.count() == 2 and po1.source_document == "week12.errors.csv rows 2-3"


def test_an_order_intake_refuses_is_reported_with_its_rows(world, make_user):
    clerk = make_user(Role.ORDER_CLERK)
    rows = world_rows(world)
    rows[2] = row(world.customer.account_number, "PO-2", world.items[2].sku, "1", ship_to="NOPE")
    order_file = order_file_preview(actor=clerk, data=csv_bytes(TEMPLATE, rows), file_name="w.csv")
    refused = order_file.preview["orders"][1]
    assert refused["status"] == "refused"
    assert refused["error"]["field"] == "ship_to"
    order_file = order_file_import(actor=clerk, order_file=order_file)
    entry = order_file.result["orders"][1]
    assert (entry["status"], entry["rows"], entry["error"]["code"]) == (
        "not_imported",
        [4],
        "invalid",
    )
    assert "has no ship-to NOPE" in entry["error"]["message"]
    assert sorted(SalesOrder.objects.values_list("customer_po", flat=True)) == ["PO-1", "PO-3"]
    errors = order_file_errors(order_file=order_file)
    assert errors is not None and b"order not taken in:" in errors and b"NOPE" in errors


def test_a_held_order_is_reported_with_its_hold_reasons(world, make_user):
    clerk = make_user(Role.ORDER_CLERK)
    rows = world_rows(world)[2:3]
    rows[0][TEMPLATE.index("sku")] = "NO-SUCH-SKU"
    order_file = order_file_preview(actor=clerk, data=csv_bytes(TEMPLATE, rows), file_name="w.csv")
    order_file = order_file_import(actor=clerk, order_file=order_file)
    [entry] = order_file.result["orders"]
    assert entry["status"] == "held" and entry["order_status"] == "held"
    assert "sku_unknown" in [h["code"] for h in entry["holds"]]
    assert SalesOrder.objects.get().status == "held"


def test_a_file_is_imported_once(world, make_user):
    clerk = make_user(Role.ORDER_CLERK)
    order_file = order_file_preview(
        actor=clerk, data=csv_bytes(TEMPLATE, world_rows(world)), file_name="w.csv"
    )
    order_file_import(actor=clerk, order_file=order_file)
    with pytest.raises(OrderConflict, match="was imported already"):
        order_file_import(actor=clerk, order_file=OrderFile.objects.get(pk=order_file.pk))
    assert SalesOrder.objects.count() == 3


def test_a_portal_user_uploads_for_their_own_account_only(world, make_user):
    portal = make_user(Role.PORTAL, customer=world.customer)
    other = CustomerFactory()
    rows = [*world_rows(world), row(other.account_number, "X", world.items[0].sku, "1")]
    order_file = order_file_preview(actor=portal, data=csv_bytes(TEMPLATE, rows), file_name="p.csv")
    assert order_file.customer == world.customer
    assert [o["status"] for o in order_file.preview["orders"]] == ["ready"] * 3 + ["errors"]
    order_file = order_file_import(actor=portal, order_file=order_file)
    assert set(SalesOrder.objects.values_list("customer_id", flat=True)) == {world.customer.pk}


# --- the command and the documented example ---------------------------------------------


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_orders", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_saves_a_mapping_previews_and_imports(world, tmp_path):
    acct = world.customer.account_number
    source = tmp_path / "acme.csv"
    source.write_bytes(
        csv_bytes(
            ["PO", "Part #", "Qty"],
            [["77", world.items[0].sku, "5"], ["77", world.items[1].sku, "x"], ["78", "A", "1"]],
        )
    )
    out, err = run(
        str(source),
        "--customer",
        acct,
        "--save-mapping",
        "default",
        "--map",
        "customer_po=PO",
        "--map",
        "sku=Part #",
        "--map",
        "quantity=Qty",
        "--default",
        f"ship_method={world.ship_method.code}",
        "--default",
        "freight_payment=prepaid",
        "--preview",
    )
    assert f"column mapping default of {acct} saved" in out
    assert "acme.csv: 3 rows, 2 orders: 1 ready, 0 already received, 1 with errors" in out
    assert "row 3, column Qty: 'x' is not a number" in err
    assert SalesOrder.objects.count() == 0
    assert (tmp_path / "acme.errors.csv").exists()

    source.write_bytes(csv_bytes(["PO", "Part #", "Qty"], [["77", world.items[0].sku, "5"]]))
    out, _ = run(str(source), "--customer", acct)
    assert "read with mapping default" in out
    assert "1 created (1 accepted, 0 held), 0 already received, 0 not imported" in out
    assert SalesOrder.objects.get().customer_po == "77"

    source.write_bytes(csv_bytes(["PO", "Part #", "Qty"], [["79", "A", "one"]]))
    with pytest.raises(CommandError) as exc:
        run(str(source), "--customer", acct)
    assert exc.value.returncode == 1


def test_the_command_explains_a_file_it_cannot_map(db, tmp_path):
    source = tmp_path / "x.csv"
    source.write_bytes(csv_bytes(["Item", "Menge"], [["A", "1"]]))
    with pytest.raises(CommandError, match="no column for customer, sku, quantity"):
        run(str(source))
    with pytest.raises(CommandError, match="'qty' is not an order file field"):
        run("--save-mapping", "x", "--map", "qty=Menge")


def test_the_documented_example_imports(db):
    from ..imports.helpers import load_examples

    load_examples(upto="stock")
    out, _ = run(str(EXAMPLES / "orders" / "orders.csv"))
    assert "3 orders: 3 created" in out
    orders = SalesOrder.objects.order_by("pk")
    assert [(o.customer.account_number, o.customer_po, o.lines.count()) for o in orders] == [
        ("C10042", "4500012345", 2),
        ("C10042", "4500012399", 1),
        ("C10043", "LPS-7781", 1),
    ]
    assert orders[1].rush is True and orders[0].notes == "Deliver to dock 3"

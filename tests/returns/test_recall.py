"""Tracing a lot or serial number to every shipment, order, invoice and customer it reached,
and the recall notification list with its CSV and XLSX exports."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from orderdesk.inventory.models import Lot
from orderdesk.inventory.services import lot_hold
from orderdesk.returns.errors import ReturnError
from orderdesk.returns.recall import RECALL_HEADER, recall_export, recall_list, trace
from orderdesk.returns.receiving import rma_receive
from orderdesk.returns.services import rma_approve, rma_request

from ..factories import AddressFactory, ItemFactory
from .world import Desk, build_desk, days_ago, invoice_of, other_customer, place, ship

pytestmark = pytest.mark.django_db
D = Decimal
EVIL = '=HYPERLINK("http://x.example","click")'


@pytest.fixture
def spread() -> Desk:
    """LOT-A (20 units) shipped to three customers in four shipments (one customer at two
    ship-tos); LOT-B shipped to a fourth customer; two units of LOT-A came back."""
    desk = build_desk(lot_a=20, lot_b=50)
    AddressFactory(customer=desk.customer, code="NORTH", name="North branch", city="Rockford")
    second = other_customer(desk, EVIL, "C20002")
    third = other_customer(desk, "Lakeside HVAC", "C30003")
    fourth = other_customer(desk, "Prairie Heating", "C40004")
    o1 = place(desk, (desk.lotted, 4), po="PO-MAIN")
    o2 = place(desk, (desk.lotted, 3), po="@PO-NORTH", ship_to="NORTH")
    o3 = place(desk, (desk.lotted, 5), customer=second, po="PO-2")
    o4 = place(desk, (desk.lotted, 8), customer=third, po="PO-3")
    o5 = place(desk, (desk.lotted, 6), customer=fourth, po="PO-4")
    shipments = [
        ship(desk, o1, on=days_ago(30), tracking="1ZAAA"),
        ship(desk, o2, on=days_ago(20)),
        ship(desk, o3, on=days_ago(15)),
        ship(desk, o4, on=days_ago(10)),
        ship(desk, o5, on=days_ago(5)),
    ]
    rma = rma_request(
        actor=desk.clerk,
        order=o1,
        lines=[(o1.lines.get(), D(2), "LOT-A", "")],
        reason="bulging cans",
    )
    rma_approve(actor=desk.coordinator, rma=rma)
    rl = rma.lines.get()
    rma_receive(
        actor=desk.warehouse_user,
        rma=rma,
        warehouse=desk.warehouse,
        lines=[(rl, D(1), "", "defective", "scrap", ""), (rl, D(1), "", "new", "restock", "")],
    )
    desk.extra.update(orders=[o1, o2, o3, o4, o5], shipments=shipments, rma=rma)
    desk.extra.update(second=second, third=third, fourth=fourth)
    return desk


def test_trace_reaches_every_shipment_order_invoice_and_customer_of_the_lot(spread: Desk) -> None:
    shipments = spread.extra["shipments"]

    result = trace(number="LOT-A")

    assert [s.shipment_number for s in result.shipments] == [s.number for s in shipments[:4]]
    assert (result.customers, result.shipped, result.returned) == (3, D(20), D(2))
    first = result.shipments[0]
    assert (first.order_number, first.customer_po, first.account_number) == (
        spread.extra["orders"][0].number,
        "PO-MAIN",
        spread.customer.account_number,
    )
    assert (first.carrier, first.scac, first.tracking_number, first.warehouse) == (
        "UPS",
        "UPSN",
        "1ZAAA",
        "CHI",
    )
    assert (first.contact_email, first.ship_to_code, first.quantity) == (
        "buyer@example.com",
        "MAIN",
        D(4),
    )
    assert [s.ship_to_code for s in result.shipments] == ["MAIN", "NORTH", "MAIN", "MAIN"]
    assert [[i.number for i in s.invoices] for s in result.shipments] == [
        [invoice_of(sh).number] for sh in shipments[:4]
    ]
    [returned] = first.returns
    assert (returned.rma_number, returned.quantity, returned.received) == (
        spread.extra["rma"].number,
        D(2),
        D(2),
    )
    assert [(d.disposition, d.quantity) for d in returned.dispositions] == [
        ("Scrap", D(1)),
        ("Restock", D(1)),
    ]
    assert [(s.warehouse, s.sku, s.lot, s.on_hand) for s in result.stock] == [
        ("CHI", "CAP-45-5", "LOT-A", D(1))
    ]
    assert [(lot.number, lot.quality_hold) for lot in result.lots] == [("LOT-A", False)]
    assert "C40004" not in {s.account_number for s in result.shipments}


def test_other_lot_is_traced_apart(spread: Desk) -> None:
    result = trace(number="LOT-B", item="cap-45-5")

    assert [(s.account_number, s.quantity) for s in result.shipments] == [("C40004", D(6))]
    assert [s.on_hand for s in result.stock] == [D(44)]


def test_trace_of_one_item_leaves_out_another_items_lot_of_the_same_number(spread: Desk) -> None:
    other = ItemFactory(sku="OTHER-1", tracking="lot")
    Lot.objects.create(item=other, number="LOT-A")

    assert len(trace(number="LOT-A").lots) == 2
    assert [lot.sku for lot in trace(number="LOT-A", item=spread.lotted).lots] == ["CAP-45-5"]
    assert trace(number="LOT-A", item=other).shipments == []


def test_unknown_number_traces_to_nothing_and_unknown_sku_is_refused(spread: Desk) -> None:
    assert trace(number="NO-SUCH-LOT").found is False
    with pytest.raises(ReturnError) as err:
        trace(number="LOT-A", item="NOPE")
    assert err.value.code == "item_unknown"
    with pytest.raises(ReturnError) as err:
        trace(number="  ")
    assert err.value.code == "number_required"


def test_trace_query_count_does_not_grow_with_the_shipments(spread: Desk) -> None:
    with CaptureQueriesContext(connection) as four:
        assert len(trace(number="LOT-A").shipments) == 4
    again = place(spread, (spread.lotted, 1), customer=spread.extra["fourth"], po="PO-5")
    ship(spread, again, on=days_ago(1))  # the restocked unit of LOT-A goes out again

    with CaptureQueriesContext(connection) as five:
        assert len(trace(number="LOT-A").shipments) == 5

    assert len(four) == len(five) == 7


def test_serial_trace_finds_the_one_customer(spread: Desk) -> None:
    order = place(spread, (spread.serial, 2), po="PO-MOTORS")
    ship(spread, order, on=days_ago(3))

    result = trace(number="SN-2")

    assert [(s.sku, s.lot, s.quantity, s.customer_po) for s in result.shipments] == [
        ("MTR-1HP", "SN-2", D(1), "PO-MOTORS")
    ]
    assert result.stock[0].on_hand == D(0)
    assert trace(number="SN-3").shipments == []


def test_recall_list_has_one_row_per_customer_and_ship_to(spread: Desk) -> None:
    rows = recall_list(number="LOT-A")

    assert [
        (r.account_number, r.ship_to_code, r.shipped, r.returned, r.outstanding) for r in rows
    ] == [
        (spread.customer.account_number, "MAIN", D(4), D(2), D(2)),
        (spread.customer.account_number, "NORTH", D(3), D(0), D(3)),
        ("C20002", "MAIN", D(5), D(0), D(5)),
        ("C30003", "MAIN", D(8), D(0), D(8)),
    ]
    assert rows[3].contact_name == "Buyer at Lakeside HVAC"
    assert rows[3].contact_phone == "+1 312 555 0199"
    assert rows[0].first_shipped == days_ago(30)


def test_csv_export_holds_the_rows_with_formulas_escaped(spread: Desk) -> None:
    content, filename, content_type = recall_export(number="LOT-A", format="csv")

    assert (filename, content_type) == ("recall-LOT-A.csv", "text/csv; charset=utf-8")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == RECALL_HEADER
    assert len(rows) == 5
    evil = rows[3]
    assert evil[0] == "C20002"
    assert evil[1] == "'" + EVIL
    north = rows[2]
    assert north[RECALL_HEADER.index("Customer POs")] == "'@PO-NORTH"
    assert north[RECALL_HEADER.index("Shipped")] == "3"
    assert rows[1][RECALL_HEADER.index("Still at customer")] == "2"


def test_xlsx_export_holds_the_same_rows(spread: Desk) -> None:
    content, filename, _ = recall_export(number="LOT-A", format="xlsx")

    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert filename == "recall-LOT-A.xlsx"
    assert rows[0] == RECALL_HEADER
    assert [r[0] for r in rows[1:]] == [
        spread.customer.account_number,
        spread.customer.account_number,
        "C20002",
        "C30003",
    ]
    assert rows[3][1] == "'" + EVIL
    assert sheet.cell(row=4, column=2).data_type == "s"  # text, never a formula
    assert [r[RECALL_HEADER.index("Shipped")] for r in rows[1:]] == [4, 3, 5, 8]


def test_quality_hold_shows_on_the_trace(spread: Desk) -> None:
    lot = Lot.objects.get(item=spread.lotted, number="LOT-A")
    lot_hold(actor=spread.coordinator, lot=lot, reason="supplier recall 2026-11")

    result = trace(number="LOT-A")

    assert result.on_hold is True
    assert result.lots[0].hold_reason == "supplier recall 2026-11"

"""Rules of particular types: the services' checks hold for imported rows too."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from orderdesk.catalog.models import Item
from orderdesk.core.importing import get_spec, import_file
from orderdesk.core.models import Event
from orderdesk.inventory.models import StockLevel, StockMovement
from orderdesk.parties.models import Address, Contact, Customer
from orderdesk.pricing.models import ContractPrice, PriceList
from orderdesk.purchasing.models import PurchaseOrder, PurchaseOrderLine, PurchaseOrderStatus

from .helpers import csv_bytes, load_examples

pytestmark = pytest.mark.django_db


def run(type_name: str, header: list[str], *rows: list[str], **kw):
    return import_file(
        get_spec(type_name), csv_bytes(header, list(rows)), name=f"{type_name}.csv", **kw
    )


def errors(result) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in result.errors]


ITEM = [
    "sku",
    "description",
    "base_uom",
    "status",
    "replacement_sku",
    "un_number",
    "hazmat_class",
    "hs_code",
    "packing_group",
]


def test_items_follow_the_catalog_rules():
    load_examples(upto="units")
    result = run(
        "items",
        ITEM,
        ["OLD-1", "Old", "EA", "discontinued", "NEW-1", "", "", "", ""],  # forward reference
        ["NEW-1", "New", "EA", "active", "", "1950", "2.1", "8536.49.00", "ii"],
        ["BAD-1", "Replaced but active", "EA", "active", "NEW-1", "", "", "", ""],
        ["BAD-2", "Self", "EA", "discontinued", "BAD-2", "", "", "", ""],
        ["BAD-3", "No class", "EA", "active", "", "UN1950", "", "", ""],
        ["BAD-4", "Unit", "BOX", "active", "", "", "", "", ""],
        ["BAD-5", "HS", "EA", "active", "", "", "", "85", ""],
        ["BAD-6", "Nowhere", "EA", "discontinued", "GONE", "", "", "", ""],
    )
    assert result.created == 2
    assert errors(result) == [
        (4, "replacement_sku"),
        (5, "replacement_sku"),
        (6, "hazmat_class"),
        (7, "base_uom"),
        (8, "hs_code"),
        (9, "replacement_sku"),
    ]
    new = Item.objects.get(sku="NEW-1")
    assert (new.un_number, new.hs_code, new.packing_group) == ("UN1950", "85364900", "II")
    assert Item.objects.get(sku="OLD-1").replacement == new


def test_a_replacement_loop_is_refused():
    load_examples(upto="items")
    result = run(
        "items",
        ["sku", "description", "base_uom", "status", "replacement_sku"],
        ["CTR-3P-40A", "Contactor", "EA", "discontinued", "CTR-3P-40A-OLD"],
    )
    assert errors(result) == [(2, "replacement_sku")]
    assert "loop" in result.errors[0].message


def test_stock_import_books_the_difference_on_the_ledger_and_an_equal_count_nothing():
    results = load_examples(upto="stock")
    assert results["stock"].created == 5

    def ledger_matches() -> bool:
        for level in StockLevel.objects.all():
            moved = StockMovement.objects.filter(
                item=level.item, warehouse=level.warehouse, lot=level.lot
            ).aggregate(total=Sum("quantity"))["total"]
            if (moved or 0) != level.on_hand:
                return False
        return True

    assert ledger_matches()
    movements, events = StockMovement.objects.count(), Event.objects.count()
    header = ["sku", "warehouse", "lot", "on_hand"]

    again = run("stock", header, ["CTR-3P-40A", "CHI", "", "140"], ["WIRE-14-2", "chi", "", "2000"])

    assert (again.unchanged, again.updated) == (1, 1)
    assert StockMovement.objects.count() == movements + 1
    assert StockMovement.objects.order_by("-id").first().quantity == Decimal(-500)
    assert Event.objects.count() == events + 1
    assert ledger_matches()


def test_stock_rows_need_a_lot_exactly_when_the_item_is_lot_controlled():
    load_examples(upto="warehouses")
    load_examples(upto="items")
    result = run(
        "stock",
        ["sku", "warehouse", "lot", "on_hand"],
        ["R410A-25", "CHI", "", "5"],
        ["CTR-3P-40A", "CHI", "L1", "5"],
        ["TSTAT-7D", "CHI", "SN-1", "2"],
        ["CTR-3P-40A", "NOPE", "", "5"],
    )
    assert errors(result) == [(2, "lot"), (3, "lot"), (4, "on_hand"), (5, "warehouse")]
    assert StockMovement.objects.count() == 0


def test_one_default_ship_to_per_customer_the_new_default_demotes_the_old():
    load_examples(upto="addresses")
    result = run(
        "addresses",
        ["customer", "kind", "code", "name", "line1", "city", "postal_code", "is_default"],
        [
            "C10042",
            "ship_to",
            "ST02",
            "Acme - Evanston",
            "1800 Sherman Ave",
            "Evanston",
            "60201",
            "yes",
        ],
    )
    assert result.errors == []
    defaults = Address.objects.filter(
        customer__account_number="C10042", kind="ship_to", is_default=True
    )
    assert list(defaults.values_list("code", flat=True)) == ["ST02"]
    assert Event.objects.filter(action="address.import_updated").count() == 2


def test_two_defaults_in_one_file_and_a_bad_postal_code_are_reported():
    load_examples(upto="customers")
    header = [
        "customer",
        "kind",
        "code",
        "name",
        "line1",
        "city",
        "postal_code",
        "country",
        "is_default",
    ]
    result = run(
        "addresses",
        header,
        ["C10042", "ship_to", "A", "A", "1 Main", "Chicago", "60601", "US", "yes"],
        ["C10042", "ship_to", "B", "B", "2 Main", "Chicago", "60601", "US", "yes"],
        ["C20001", "Ship-to", "C", "C", "3 Bay", "Toronto", "m5j2j1", "ca", ""],
        ["C20001", "ship_to", "D", "D", "4 Bay", "Toronto", "12345", "CA", ""],
    )
    assert errors(result) == [(3, "is_default"), (5, "postal_code")]
    c = Address.objects.get(code="C")
    assert (c.postal_code, c.country, c.is_default) == ("M5J 2J1", "CA", True)  # first of its kind


def test_one_primary_contact():
    load_examples(upto="contacts")
    run("contacts", ["customer", "name", "is_primary"], ["C10042", "Luis Ortega", "yes"])
    primary = Contact.objects.filter(customer__account_number="C10042", is_primary=True)
    assert list(primary.values_list("name", flat=True)) == ["Luis Ortega"]


def test_a_price_list_in_use_keeps_its_currency():
    load_examples(upto="price_list_entries")
    run("price_lists", ["code", "name"], ["SPARE", "Spare list"])
    result = run(
        "price_lists",
        ["code", "name", "currency"],
        ["LIST", "List", "EUR"],
        ["CONTRACTOR", "Contractor prices 2025", "CAD"],
        ["SPARE", "Spare list", "CAD"],
    )
    assert errors(result) == [(2, "currency"), (3, "currency")]  # prices, a customer
    assert "LIST has prices or customers in USD" in result.errors[0].message
    currencies = dict(PriceList.objects.values_list("code", "currency"))
    assert (currencies["LIST"], currencies["CONTRACTOR"], currencies["SPARE"]) == (
        "USD",
        "USD",
        "CAD",
    )


def test_contract_prices_may_not_overlap_and_are_in_the_customers_currency():
    load_examples(upto="contract_prices")
    header = ["customer", "sku", "unit_price", "currency", "valid_from", "valid_to"]
    result = run(
        "contract_prices",
        header,
        ["C10042", "CTR-3P-40A", "40", "", "2025-03-01", "2025-03-31"],
        ["C10042", "TSTAT-7D", "100", "", "2025-01-01", "2025-06-30"],
        ["C10042", "TSTAT-7D", "99", "", "2025-06-01", ""],
        ["C20001", "CTR-3P-40A", "50", "USD", "2025-01-01", ""],
        ["C20001", "WIRE-14-2", "1", "", "2025-05-01", "2025-04-01"],
    )
    assert errors(result) == [
        (2, "valid_from"),
        (4, "valid_from"),
        (5, "currency"),
        (6, "valid_to"),
    ]
    added = ContractPrice.objects.get(customer__account_number="C10042", item__sku="TSTAT-7D")
    assert (added.currency, added.valid_to) == ("USD", added.valid_to)


PO = [
    "po_number",
    "vendor",
    "warehouse",
    "order_date",
    "expected_date",
    "drop_ship",
    "ship_to_customer",
    "ship_to_code",
    "line_no",
    "sku",
    "quantity_ordered",
    "unit_cost",
]


def test_purchase_orders_with_lines_and_their_rules():
    load_examples(upto="stock")
    result = run(
        "purchase_orders",
        PO,
        [
            "PO9",
            "V0042",
            "CHI",
            "2025-03-01",
            "2025-03-10",
            "no",
            "",
            "",
            "1",
            "CTR-3P-40A",
            "5",
            "30",
        ],
        [
            "PO9",
            "V0042",
            "CHI",
            "2025-03-01",
            "2025-03-10",
            "no",
            "",
            "",
            "2",
            "WIRE-14-2",
            "9",
            "1",
        ],
        [
            "PO9",
            "V0077",
            "CHI",
            "2025-03-01",
            "2025-03-10",
            "no",
            "",
            "",
            "3",
            "WIRE-14-2",
            "9",
            "1",
        ],
        [
            "PO8",
            "V0042",
            "",
            "2025-03-01",
            "2025-03-10",
            "yes",
            "C10042",
            "ST01",
            "1",
            "TSTAT-7D",
            "1",
            "80",
        ],
        ["PO7", "V0042", "", "2025-03-01", "2025-03-10", "no", "", "", "1", "TSTAT-7D", "1", "80"],
        [
            "PO6",
            "V0042",
            "CHI",
            "2025-03-01",
            "2025-02-10",
            "no",
            "",
            "",
            "1",
            "TSTAT-7D",
            "1",
            "80",
        ],
        [
            "PO5",
            "V0042",
            "CHI",
            "2025-03-01",
            "2025-03-10",
            "no",
            "",
            "",
            "1",
            "CTR-3P-40A-OLD",
            "1",
            "80",
        ],
    )
    assert errors(result) == [(4, "vendor"), (6, "warehouse"), (7, "expected_date"), (8, "sku")]
    po = PurchaseOrder.objects.get(number="PO9")
    assert (po.status, po.currency, po.lines.count()) == (PurchaseOrderStatus.OPEN, "USD", 2)
    drop = PurchaseOrder.objects.get(number="PO8")
    assert (drop.ship_to.code, drop.warehouse) == ("ST01", None)


def test_an_open_purchase_order_can_no_longer_be_changed_by_import():
    load_examples()
    line = PurchaseOrderLine.objects.get(purchase_order__number="PO004711", line_no=1)
    header = [
        "po_number",
        "vendor",
        "warehouse",
        "order_date",
        "expected_date",
        "line_no",
        "sku",
        "quantity_ordered",
        "unit_cost",
        "line_expected_date",
    ]
    result = run(
        "purchase_orders",
        header,
        [
            "PO004711",
            "V0042",
            "CHI",
            "2025-03-03",
            "2025-03-17",
            "1",
            "CTR-3P-40A",
            "250",
            "31.20",
            "2025-03-17",
        ],
    )
    assert errors(result) == [(2, "po_number")]
    line.refresh_from_db()
    assert line.quantity_ordered == 200


def test_customers_follow_the_parties_rules():
    load_examples(upto="price_lists")
    header = [
        "account_number",
        "name",
        "currency",
        "payment_terms",
        "price_list",
        "tax_exempt",
        "exemption_certificate",
        "discount_percent",
        "status",
    ]
    result = run(
        "customers",
        header,
        ["c1", "Ok", "cad", "net30", "LIST-CAD", "yes", "EX-1", "2.5", "On hold"],
        ["C2", "List in CAD", "USD", "NET30", "LIST-CAD", "no", "", "0", ""],
        ["C3", "Exempt", "USD", "NET30", "", "yes", "", "0", ""],
        ["C4", "Discount", "USD", "NET30", "", "no", "", "101", ""],
        ["C5", "Status", "USD", "NET30", "", "no", "", "0", "gone"],
    )
    assert errors(result) == [
        (3, "price_list"),
        (4, "exemption_certificate"),
        (5, "discount_percent"),
        (6, "status"),
    ]
    assert "on_hold" in result.errors[-1].fix
    c1 = Customer.objects.get(account_number="C1")
    assert (c1.currency, c1.payment_terms.code, c1.status) == ("CAD", "NET30", "on_hold")


def test_a_partial_items_file_is_checked_against_the_stored_values():
    load_examples(upto="items")
    result = run(
        "items",
        ["sku", "description", "base_uom", "replacement_sku", "un_number"],
        ["CTR-3P-40A-OLD", "Contactor 3-pole 40A (old model)", "EA", "TSTAT-7D", ""],
        ["CTR-3P-40A", "Contactor 3-pole 40A 24V coil", "EA", "TSTAT-7D", ""],
        ["R410A-25", "Refrigerant R-410A 25 lb cylinder", "EA", "", "UN1078"],
        ["WIRE-14-2", "Cable 14/2 NM-B", "FT", "", "UN1078"],
    )
    assert errors(result) == [(3, "replacement_sku"), (5, "hazmat_class")]
    assert Item.objects.get(sku="CTR-3P-40A-OLD").replacement.sku == "TSTAT-7D"
    assert Item.objects.get(sku="R410A-25").un_number == "UN1078"


def test_imported_purchase_order_numbers_are_never_handed_out_again():
    from orderdesk.core.numbering import number_next

    load_examples(upto="purchase_orders")
    imported = set(PurchaseOrder.objects.values_list("number", flat=True))
    assert imported
    assert number_next(doc_type="purchase_order") not in imported

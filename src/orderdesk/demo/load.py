"""Writing the generated company into the database in one transaction, with bulk inserts.

The services are built for one document at a time (locks, events per change); 25,000 rows
through them would take minutes. So the loader writes rows directly, keeping every
invariant the services keep: each stock level has exactly one OPENING movement equal to its
on-hand and nothing allocated, serial stock is one unit per serial number with its lot row,
purchase orders are numbered through `number_next`, and one audit event records the load.
Either all of it is there or none of it (one transaction), so a failed load can be re-run.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import asdict
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.db import models, transaction

from orderdesk.catalog.models import Item, KitComponent, UnitConversion, UnitOfMeasure
from orderdesk.core.audit import event_record
from orderdesk.core.models import User
from orderdesk.core.numbering import number_next
from orderdesk.inventory.models import Lot, MovementKind, StockLevel, StockMovement, Warehouse
from orderdesk.parties.models import Address, Contact, Customer, PaymentTerms, ShipMethod, Vendor
from orderdesk.pricing.models import (
    ContractPrice,
    FreightRate,
    PriceList,
    PriceListEntry,
    Promotion,
    Surcharge,
    TaxRate,
)
from orderdesk.purchasing.models import PurchaseOrder, PurchaseOrderLine

from .edi_day import run_edi_morning
from .fulfilment_day import run_fulfilment_day
from .gen_pricing import generate_freight_rates, generate_promotions
from .generate import DEFAULT_SEED, DEMO_PASSWORD, generate
from .orders_day import (
    load_emergency_contacts,
    load_freight_classes,
    load_receivables,
    load_shipping,
    run_order_day,
)
from .rows import DemoData

M = TypeVar("M", bound=models.Model)
BATCH = 500


def demo_is_loaded() -> bool:
    """True when the database already holds customers or items (demo or real: never mix)."""
    return Customer.objects.exists() or Item.objects.exists()


def _insert(model: type[M], objects: list[M], *, ignore_conflicts: bool = False) -> int:
    model._default_manager.bulk_create(objects, batch_size=BATCH, ignore_conflicts=ignore_conflicts)
    return len(objects)


def _ids(model: type[models.Model], key: str) -> dict[Any, int]:
    return dict(model._default_manager.values_list(key, "id"))


def _fields(row: Any, *drop: str) -> dict[str, Any]:
    values = asdict(row)
    for name in drop:
        values.pop(name)
    return values


def _parties(data: DemoData, counts: dict[str, int]) -> dict[str, dict[Any, int]]:
    # Reference tables may already hold rows (an admin's own terms): keep theirs, add ours.
    _insert(PaymentTerms, [PaymentTerms(**asdict(r)) for r in data.terms], ignore_conflicts=True)
    _insert(PriceList, [PriceList(**asdict(r)) for r in data.price_lists], ignore_conflicts=True)
    terms, price_lists = _ids(PaymentTerms, "code"), _ids(PriceList, "code")
    counts["vendors"] = _insert(
        Vendor,
        [
            Vendor(**_fields(r, "terms_code"), payment_terms_id=terms[r.terms_code])
            for r in data.vendors
        ],
    )
    counts["customers"] = _insert(
        Customer,
        [
            Customer(
                **_fields(r, "terms_code", "price_list_code"),
                payment_terms_id=terms[r.terms_code],
                price_list_id=price_lists[r.price_list_code],
            )
            for r in data.customers
        ],
    )
    customers = _ids(Customer, "account_number")
    counts["addresses"] = _insert(
        Address,
        [
            Address(**_fields(r, "account_number"), customer_id=customers[r.account_number])
            for r in data.addresses
        ],
    )
    counts["contacts"] = _insert(
        Contact,
        [
            Contact(**_fields(r, "account_number"), customer_id=customers[r.account_number])
            for r in data.contacts
        ],
    )
    return {"customers": customers, "vendors": _ids(Vendor, "code"), "price_lists": price_lists}


def _catalog(data: DemoData, keys: dict[str, dict[Any, int]], counts: dict[str, int]) -> None:
    _insert(
        UnitOfMeasure,
        [UnitOfMeasure(code=code, name=name) for code, name in data.units],
        ignore_conflicts=True,
    )
    units = _ids(UnitOfMeasure, "code")
    vendors = keys["vendors"]
    counts["items"] = _insert(
        Item,
        [
            Item(
                **_fields(r, "base_uom", "replacement_sku", "vendor_code", "cost"),
                base_uom_id=units[r.base_uom],
                default_vendor_id=vendors.get(r.vendor_code),
            )
            for r in data.items
        ],
    )
    items = keys["items"] = _ids(Item, "sku")
    # Replacements point at items inserted in the same batch: set them once all have ids.
    Item.objects.bulk_update(
        [
            Item(id=items[r.sku], replacement_id=items[r.replacement_sku])
            for r in data.items
            if r.replacement_sku
        ],
        ["replacement"],
        batch_size=BATCH,
    )
    counts["unit_conversions"] = _insert(
        UnitConversion,
        [
            UnitConversion(**_fields(r, "sku", "uom"), item_id=items[r.sku], uom_id=units[r.uom])
            for r in data.conversions
        ],
    )
    counts["kit_components"] = _insert(
        KitComponent,
        [
            KitComponent(
                **_fields(r, "kit_sku", "component_sku"),
                kit_id=items[r.kit_sku],
                component_id=items[r.component_sku],
            )
            for r in data.kit_components
        ],
    )


def _pricing(data: DemoData, keys: dict[str, dict[Any, int]], counts: dict[str, int]) -> None:
    items, customers, lists = keys["items"], keys["customers"], keys["price_lists"]
    counts["price_list_entries"] = _insert(
        PriceListEntry,
        [
            PriceListEntry(
                **_fields(r, "price_list_code", "sku"),
                price_list_id=lists[r.price_list_code],
                item_id=items[r.sku],
            )
            for r in data.price_entries
        ],
    )
    counts["contract_prices"] = _insert(
        ContractPrice,
        [
            ContractPrice(
                **_fields(r, "account_number", "sku"),
                customer_id=customers[r.account_number],
                item_id=items[r.sku],
            )
            for r in data.contract_prices
        ],
    )
    _insert(Surcharge, [Surcharge(**asdict(r)) for r in data.surcharges], ignore_conflicts=True)
    _insert(TaxRate, [TaxRate(**asdict(r)) for r in data.tax_rates], ignore_conflicts=True)
    counts["promotions"] = _insert(
        Promotion,
        [
            Promotion(**_fields(r, "sku"), item_id=items[r.sku] if r.sku else None)
            for r in generate_promotions(data)
        ],
    )
    # Freight rates hang off ship methods; a method not in the database yet gets no rate.
    methods = _ids(ShipMethod, "code")
    counts["freight_rates"] = _insert(
        FreightRate,
        [
            FreightRate(
                **_fields(r, "ship_method_code"), ship_method_id=methods[r.ship_method_code]
            )
            for r in generate_freight_rates()
            if r.ship_method_code in methods
        ],
        ignore_conflicts=True,
    )


def _stock(data: DemoData, keys: dict[str, dict[Any, int]], counts: dict[str, int]) -> None:
    _insert(Warehouse, [Warehouse(**asdict(r)) for r in data.warehouses], ignore_conflicts=True)
    warehouses = keys["warehouses"] = _ids(Warehouse, "code")
    items = keys["items"]
    counts["lots"] = _insert(
        Lot, [Lot(**_fields(r, "sku"), item_id=items[r.sku]) for r in data.lots]
    )
    counts["stock_levels"] = _insert(
        StockLevel,
        [
            StockLevel(
                **_fields(r, "sku", "warehouse_code"),
                item_id=items[r.sku],
                warehouse_id=warehouses[r.warehouse_code],
                allocated=0,
            )
            for r in data.stock
        ],
    )
    counts["stock_movements"] = _insert(
        StockMovement,
        [
            StockMovement(
                at=data.opening_at,
                item_id=items[r.sku],
                warehouse_id=warehouses[r.warehouse_code],
                lot=r.lot,
                quantity=r.on_hand,  # type: ignore[misc]  # stubs see the scaled field as an int
                kind=MovementKind.OPENING,
                reference="DEMO-OPENING",
                reason="Opening balance of the demo company",
            )
            for r in data.stock
        ],
    )


def _purchasing(data: DemoData, keys: dict[str, dict[Any, int]], counts: dict[str, int]) -> None:
    items, vendors, warehouses = keys["items"], keys["vendors"], keys["warehouses"]
    ship_tos = {
        (account, code): pk
        for account, code, pk in Address.objects.filter(kind="ship_to").values_list(
            "customer__account_number", "code", "id"
        )
    }
    lines: list[PurchaseOrderLine] = []
    for row in data.purchase_orders:
        order = PurchaseOrder.objects.create(
            number=number_next(doc_type="purchase_order"),
            vendor_id=vendors[row.vendor_code],
            warehouse_id=warehouses.get(row.warehouse_code),
            status=row.status,
            order_date=row.order_date,
            expected_date=row.expected_date,
            currency=row.currency,
            drop_ship=row.drop_ship,
            ship_to_id=ship_tos[row.ship_to] if row.ship_to else None,
            vendor_reference=row.vendor_reference,
            notes=row.notes,
        )
        lines.extend(
            PurchaseOrderLine(
                **_fields(line, "sku"),
                purchase_order=order,
                line_no=n,
                item_id=items[line.sku],
            )
            for n, line in enumerate(row.lines, start=1)
        )
    counts["purchase_orders"] = len(data.purchase_orders)
    counts["purchase_order_lines"] = _insert(PurchaseOrderLine, lines)


def _users(data: DemoData, keys: dict[str, dict[Any, int]], counts: dict[str, int]) -> None:
    # One hash for the one shared password: hashing is deliberately slow, nine times over
    # would be most of the load time. Existing users (an admin made by hand) are kept.
    password = make_password(DEMO_PASSWORD)
    taken = set(User.objects.values_list("username", flat=True))
    new = [
        User(
            **_fields(r, "customer_account"),
            password=password,
            customer_id=keys["customers"][r.customer_account] if r.customer_account else None,
        )
        for r in data.users
        if r.username not in taken
    ]
    counts["users"] = _insert(User, new)


def load_demo(
    *, seed: int = DEFAULT_SEED, today: dt.date | None = None, data: DemoData | None = None
) -> dict[str, int]:
    """Generate (unless given) and write the demo company; return the rows written per kind.

    Precondition: `demo_is_loaded()` is False; the caller decides what to do otherwise.
    """
    data = data or generate(seed, today)
    counts: dict[str, int] = {}
    with transaction.atomic():
        keys = _parties(data, counts)
        counts.update(load_shipping())
        _catalog(data, keys, counts)
        counts["freight_classes"] = load_freight_classes()
        _pricing(data, keys, counts)
        _stock(data, keys, counts)
        load_emergency_contacts()
        _purchasing(data, keys, counts)
        _users(data, keys, counts)
        counts["open_receivables"] = load_receivables(random.Random(data.seed), data.today)
        event_record(
            actor=None,
            object_type="demo",
            object_id=data.seed,
            action="demo.loaded",
            after={"seed": data.seed, "today": data.today, **counts},
            reason="orderdesk demo",
        )
    # The day's orders go through the real intake, one transaction each, after the
    # master data is committed: what a desk would see at ten in the morning.
    for status, n in run_order_day(seed=data.seed, today=data.today).items():
        counts[f"orders_{status}"] = n
    # The EDI gateway and the orders mailbox: a retail chain's 850s and two e-mails.
    for kind, n in run_edi_morning(seed=data.seed, today=data.today).items():
        counts[kind] = n
    # The afternoon: the warehouse ships, billing invoices and takes payments, a return.
    for kind, n in run_fulfilment_day(seed=data.seed, today=data.today).items():
        counts[f"fulfilment_{kind}"] = n
    return counts

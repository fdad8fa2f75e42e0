"""A small desk for page tests: two customers with addresses, contacts and contract prices;
items with units, a kit, list prices with breaks, stock in two warehouses with lots.

Stock rows are created directly: these tests read pages, they do not test the ledger.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from orderdesk.catalog.models import Item, ItemStatus, KitComponent, Tracking, UnitConversion
from orderdesk.core.roles import Role
from orderdesk.inventory.models import Lot, MovementKind, StockLevel, StockMovement, Warehouse
from orderdesk.parties.models import AddressKind, Customer, CustomerStatus, PaymentTerms
from orderdesk.pricing.models import PriceList

from ..factories import (
    AddressFactory,
    ContactFactory,
    ContractPriceFactory,
    CustomerFactory,
    ItemFactory,
    PaymentTermsFactory,
    PriceListEntryFactory,
    PriceListFactory,
    UnitFactory,
    UserFactory,
    WarehouseFactory,
)

STAFF_ROLES = [
    Role.ORDER_CLERK,
    Role.DESK_COORDINATOR,
    Role.SERVICE_CLERK,
    Role.DISPATCHER,
    Role.TECHNICIAN,
    Role.BILLING,
    Role.MANAGER,
    Role.ADMIN,
]


@dataclass
class Desk:
    acme: Customer
    borealis: Customer
    terms: PaymentTerms
    price_list: PriceList
    contactor: Item
    old_contactor: Item
    kit: Item
    refrigerant: Item
    chicago: Warehouse
    dallas: Warehouse


@pytest.fixture
def desk(db: None) -> Desk:
    terms = PaymentTermsFactory(
        code="2/10N30",
        description="2% 10 days, net 30",
        discount_percent=Decimal(2),
        discount_days=10,
    )
    retail = PriceListFactory(code="LIST", name="List prices", currency="USD")
    contractor = PriceListFactory(
        code="CONTR", name="Contractor prices", currency="USD", is_default=False
    )
    acme = CustomerFactory(
        account_number="C10001",
        name="Acme Heating & Cooling",
        payment_terms=terms,
        credit_limit=Decimal("75000.00"),
        price_list=contractor,
        tax_id="36-1234567",
        service_tier="gold",
        phone="+1 312 555 0100",
        delivery_instructions="Dock 4, call ahead",
        notes="Pays late in December",
    )
    borealis = CustomerFactory(
        account_number="C10002",
        name="Borealis Electric Ltd",
        currency="CAD",
        status=CustomerStatus.ON_HOLD,
        price_list=retail,
    )
    AddressFactory(
        customer=acme,
        kind=AddressKind.BILL_TO,
        code="MAIN",
        name="Acme Heating & Cooling AP",
        line1="1 Wacker Dr",
        city="Chicago",
        region="IL",
        postal_code="60601",
        is_default=True,
    )
    AddressFactory(
        customer=acme,
        code="ST-NORTH",
        name="Acme North Yard",
        line1="4400 N Elston Ave",
        city="Chicago",
        region="IL",
        postal_code="60630",
        is_default=True,
        delivery_instructions="Forklift on site",
    )
    AddressFactory(
        customer=acme,
        code="ST-EVAN",
        name="Acme Evanston Branch",
        line1="900 Davis St",
        city="Evanston",
        region="IL",
        postal_code="60201",
    )
    AddressFactory(
        customer=borealis,
        kind=AddressKind.BILL_TO,
        code="HQ",
        line1="100 King St W",
        city="Toronto",
        region="ON",
        postal_code="M5X 1A9",
        country="CA",
    )
    AddressFactory(customer=borealis, code="ST-SECRET", name="Borealis Hidden Depot")
    ContactFactory(customer=acme, name="Dana Buyer", job_title="Purchasing", is_primary=True)
    ContactFactory(customer=acme, name="Sam Payable", job_title="Accounts payable")

    ea = UnitFactory(code="EA", name="Each")
    cs = UnitFactory(code="CS", name="Case")
    pl = UnitFactory(code="PL", name="Pallet")
    contactor = ItemFactory(
        sku="CT-3P-40A",
        description="Contactor 3-pole 40A 24V coil",
        item_group="ELEC",
        base_uom=ea,
        hs_code="8536.49",
        country_of_origin="MX",
        export_control_class="EAR99",
        lead_time_days=5,
    )
    old_contactor = ItemFactory(
        sku="CT-3P-40A-OLD",
        description="Contactor 3-pole 40A (old model)",
        item_group="ELEC",
        base_uom=ea,
        status=ItemStatus.DISCONTINUED,
        replacement=contactor,
    )
    UnitConversion.objects.create(item=contactor, uom=cs, factor=Decimal(12))
    UnitConversion.objects.create(item=contactor, uom=pl, factor=Decimal(480))
    refrigerant = ItemFactory(
        sku="R410A-25",
        description="Refrigerant R-410A 25 lb cylinder",
        item_group="HVAC",
        base_uom=ea,
        tracking=Tracking.LOT,
        un_number="UN3163",
        hazmat_class="2.2",
        proper_shipping_name="Liquefied gas, n.o.s.",
    )
    kit = ItemFactory(
        sku="KIT-CONDENSER",
        description="Condenser service kit",
        item_group="HVAC",
        base_uom=ea,
        is_kit=True,
    )
    KitComponent.objects.create(kit=kit, component=contactor, quantity=Decimal(2))
    KitComponent.objects.create(kit=kit, component=refrigerant, quantity=Decimal(1))

    PriceListEntryFactory(price_list=retail, item=contactor, unit_price=Decimal("48.50"))
    PriceListEntryFactory(
        price_list=retail, item=contactor, min_quantity=Decimal(12), unit_price=Decimal("45.00")
    )
    PriceListEntryFactory(price_list=contractor, item=contactor, unit_price=Decimal("41.2375"))
    ContractPriceFactory(
        customer=acme,
        item=contactor,
        unit_price=Decimal("39.90"),
        valid_from=dt.date(2020, 1, 1),
        contract_ref="ACME-2020",
    )
    ContractPriceFactory(
        customer=acme,
        item=refrigerant,
        unit_price=Decimal("120.00"),
        valid_from=dt.date(2019, 1, 1),
        valid_to=dt.date(2019, 12, 31),
        contract_ref="ACME-2019",
    )
    ContractPriceFactory(customer=borealis, item=contactor, unit_price=Decimal("1.11"))

    chicago = WarehouseFactory(code="CHI", name="Chicago DC", timezone="America/Chicago")
    dallas = WarehouseFactory(code="DAL", name="Dallas DC", timezone="America/Chicago")
    StockLevel.objects.create(
        item=contactor, warehouse=chicago, on_hand=Decimal(120), allocated=Decimal(20)
    )
    StockLevel.objects.create(
        item=contactor, warehouse=dallas, on_hand=Decimal("35.5"), allocated=Decimal(0)
    )
    Lot.objects.create(item=refrigerant, number="L2401", expiry_date=dt.date(2027, 6, 30))
    Lot.objects.create(
        item=refrigerant, number="L2402", quality_hold=True, hold_reason="Valve recall"
    )
    StockLevel.objects.create(
        item=refrigerant, warehouse=chicago, lot="L2401", on_hand=Decimal(10), allocated=Decimal(4)
    )
    StockLevel.objects.create(
        item=refrigerant, warehouse=chicago, lot="L2402", on_hand=Decimal(6), allocated=Decimal(0)
    )
    StockMovement.objects.create(
        at=dt.datetime(2026, 3, 2, 15, 30, tzinfo=dt.UTC),
        item=contactor,
        warehouse=chicago,
        quantity=Decimal(120),
        kind=MovementKind.RECEIPT,
    )
    return Desk(
        acme=acme,
        borealis=borealis,
        terms=terms,
        price_list=contractor,
        contactor=contactor,
        old_contactor=old_contactor,
        kit=kit,
        refrigerant=refrigerant,
        chicago=chicago,
        dallas=dallas,
    )


@pytest.fixture
def login(db: None) -> Any:
    """`login(role, **user_fields)` → a test Client with a session for a new user."""

    def make(role: str = Role.ORDER_CLERK, **kwargs: Any) -> Client:
        if role == Role.PORTAL and "customer" not in kwargs:
            kwargs["customer"] = CustomerFactory()
        user = UserFactory(role=role, **kwargs)
        client = Client()
        client.force_login(user)
        client.user = user  # type: ignore[attr-defined]
        return client

    return make

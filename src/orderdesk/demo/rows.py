"""Plain rows the generator produces and the loader writes.

The generator never touches the database, so the same seed can be checked for determinism
(and fingerprinted) without one; foreign keys are natural keys (account number, SKU, code)
that the loader turns into ids. Field names match the models' so `asdict` feeds them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class TermsRow:
    code: str
    description: str
    net_days: int
    discount_percent: Decimal
    discount_days: int


@dataclass(frozen=True, slots=True)
class PriceListRow:
    code: str
    name: str
    currency: str
    is_default: bool


@dataclass(frozen=True, slots=True)
class CustomerRow:
    account_number: str
    name: str
    status: str
    currency: str
    terms_code: str
    credit_limit: Decimal
    tax_id: str
    tax_exempt: bool
    exemption_certificate: str
    price_list_code: str
    discount_percent: Decimal
    service_tier: str
    email: str
    phone: str
    delivery_instructions: str
    notes: str


@dataclass(frozen=True, slots=True)
class AddressRow:
    account_number: str
    kind: str
    code: str
    name: str
    line1: str
    line2: str
    city: str
    region: str
    postal_code: str
    country: str
    phone: str
    is_default: bool
    delivery_instructions: str
    latitude: Decimal
    longitude: Decimal


@dataclass(frozen=True, slots=True)
class ContactRow:
    account_number: str
    name: str
    email: str
    phone: str
    job_title: str
    is_primary: bool


@dataclass(frozen=True, slots=True)
class VendorRow:
    code: str
    name: str
    currency: str
    terms_code: str
    lead_time_days: int
    email: str
    phone: str
    line1: str
    city: str
    region: str
    postal_code: str
    country: str


@dataclass(slots=True)
class ItemRow:
    """Mutable until the catalogue is finished: discontinuation picks replacements last."""

    sku: str
    description: str
    item_group: str
    base_uom: str
    status: str
    replacement_sku: str
    tracking: str
    weight_kg: Decimal
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal
    min_order_qty: Decimal
    order_multiple: Decimal
    lead_time_days: int
    product_tax_code: str
    vendor_code: str
    drop_ship: bool
    is_kit: bool
    hs_code: str
    country_of_origin: str
    un_number: str
    hazmat_class: str
    packing_group: str
    proper_shipping_name: str
    export_control_class: str
    cost: Decimal  # what the distributor pays; drives list prices and PO lines, not stored


@dataclass(frozen=True, slots=True)
class ConversionRow:
    sku: str
    uom: str
    factor: Decimal


@dataclass(frozen=True, slots=True)
class KitComponentRow:
    kit_sku: str
    component_sku: str
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class PriceEntryRow:
    price_list_code: str
    sku: str
    min_quantity: Decimal
    unit_price: Decimal


@dataclass(frozen=True, slots=True)
class ContractPriceRow:
    account_number: str
    sku: str
    unit_price: Decimal
    currency: str
    valid_from: dt.date
    valid_to: dt.date | None
    contract_ref: str


@dataclass(frozen=True, slots=True)
class SurchargeRow:
    code: str
    name: str
    basis: str
    amount: Decimal
    currency: str
    item_group: str
    hazmat_only: bool
    below_order_value: Decimal | None


@dataclass(frozen=True, slots=True)
class TaxRateRow:
    country: str
    region: str
    product_tax_code: str
    rate_percent: Decimal
    name: str


@dataclass(frozen=True, slots=True)
class WarehouseRow:
    code: str
    name: str
    timezone: str
    line1: str
    city: str
    region: str
    postal_code: str
    country: str


@dataclass(frozen=True, slots=True)
class LotRow:
    sku: str
    number: str
    expiry_date: dt.date | None
    quality_hold: bool
    hold_reason: str


@dataclass(frozen=True, slots=True)
class StockRow:
    """Opening stock of one item, warehouse and lot: one level and one OPENING movement."""

    sku: str
    warehouse_code: str
    lot: str
    on_hand: Decimal


@dataclass(frozen=True, slots=True)
class PurchaseOrderLineRow:
    sku: str
    quantity_ordered: Decimal
    unit_cost: Decimal
    expected_date: dt.date


@dataclass(frozen=True, slots=True)
class PurchaseOrderRow:
    vendor_code: str
    warehouse_code: str
    status: str
    order_date: dt.date
    expected_date: dt.date
    currency: str
    drop_ship: bool
    ship_to: tuple[str, str] | None  # (account number, ship-to code) for drop-ship
    vendor_reference: str
    notes: str
    lines: tuple[PurchaseOrderLineRow, ...]


@dataclass(frozen=True, slots=True)
class UserRow:
    username: str
    first_name: str
    last_name: str
    role: str
    email: str
    timezone: str
    is_staff: bool
    is_superuser: bool
    customer_account: str  # portal users only


@dataclass(slots=True)
class DemoData:
    """Everything the demo company consists of, in load order."""

    seed: int
    today: dt.date
    opening_at: dt.datetime
    terms: list[TermsRow] = field(default_factory=list)
    price_lists: list[PriceListRow] = field(default_factory=list)
    customers: list[CustomerRow] = field(default_factory=list)
    addresses: list[AddressRow] = field(default_factory=list)
    contacts: list[ContactRow] = field(default_factory=list)
    vendors: list[VendorRow] = field(default_factory=list)
    units: list[tuple[str, str]] = field(default_factory=list)
    items: list[ItemRow] = field(default_factory=list)
    conversions: list[ConversionRow] = field(default_factory=list)
    kit_components: list[KitComponentRow] = field(default_factory=list)
    price_entries: list[PriceEntryRow] = field(default_factory=list)
    contract_prices: list[ContractPriceRow] = field(default_factory=list)
    surcharges: list[SurchargeRow] = field(default_factory=list)
    tax_rates: list[TaxRateRow] = field(default_factory=list)
    warehouses: list[WarehouseRow] = field(default_factory=list)
    lots: list[LotRow] = field(default_factory=list)
    stock: list[StockRow] = field(default_factory=list)
    purchase_orders: list[PurchaseOrderRow] = field(default_factory=list)
    users: list[UserRow] = field(default_factory=list)

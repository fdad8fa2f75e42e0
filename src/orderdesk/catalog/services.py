"""Commands on units of measure, items, unit conversions and kit components.

The checks here are the ones an order line depends on later: a discontinued item points at
its replacement (and never at itself or round in a circle), a kit never contains itself,
and a conversion never redefines the base unit, so quantities convert one way only.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.db import transaction

from orderdesk.core.audit import event_record, snapshot
from orderdesk.core.roles import Capability, require
from orderdesk.parties.errors import (
    apply,
    check_fields,
    clean_country,
    clean_decimal,
    invalid,
    locked,
    reference,
    save_unique,
    taken,
)
from orderdesk.parties.models import Vendor
from orderdesk.parties.services import record_create, record_update

from .errors import CatalogErrorCode as C
from .models import Item, ItemStatus, KitComponent, Tracking, UnitConversion, UnitOfMeasure

#: A replacement chain longer than this is treated as a loop (real chains are 2 or 3 deep).
_MAX_CHAIN = 50
_UN_NUMBER = re.compile(r"^UN\d{4}$")
_PACKING_GROUPS = {"", "I", "II", "III"}


# --- units of measure ------------------------------------------------------------------------


class UnitChanges(TypedDict, total=False):
    code: str
    name: str


def _check_unit(unit: UnitOfMeasure) -> None:
    unit.code = (unit.code or "").strip()
    check_fields(unit)
    if UnitOfMeasure.objects.filter(code=unit.code).exclude(pk=unit.pk).exists():
        raise taken(C.UOM_CODE_TAKEN, "unit of measure", unit.code, field="code")


def uom_create(*, actor: Any, code: str, name: str) -> UnitOfMeasure:
    require(actor, Capability.MASTER_DATA_EDIT)
    unit = UnitOfMeasure(code=code, name=name)
    with transaction.atomic():
        _check_unit(unit)
        save_unique(unit, taken(C.UOM_CODE_TAKEN, "unit of measure", unit.code, field="code"))
        record_create(actor, unit, "uom.created")
    return unit


def uom_update(
    *, actor: Any, uom_id: int, reason: str = "", **changes: Unpack[UnitChanges]
) -> UnitOfMeasure:
    require(actor, Capability.MASTER_DATA_EDIT)
    with transaction.atomic():
        unit = locked(UnitOfMeasure, uom_id, "unit of measure")
        before = snapshot(unit)
        apply(unit, dict(changes))
        _check_unit(unit)
        record_update(actor, unit, before, "uom.updated", reason)
    return unit


# --- items -----------------------------------------------------------------------------------


class ItemChanges(TypedDict, total=False):
    sku: str
    description: str
    item_group: str
    base_uom_id: int
    status: str
    replacement_id: int | None
    tracking: str
    weight_kg: Decimal
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal
    min_order_qty: Decimal
    order_multiple: Decimal
    lead_time_days: int
    product_tax_code: str
    default_vendor_id: int | None
    drop_ship: bool
    is_kit: bool
    hs_code: str
    country_of_origin: str
    un_number: str
    hazmat_class: str
    packing_group: str
    proper_shipping_name: str
    export_control_class: str


def _check_replacement(item: Item) -> None:
    if item.replacement_id is None:
        return
    if item.status != ItemStatus.DISCONTINUED:
        raise invalid(
            C.REPLACEMENT_ON_ACTIVE_ITEM,
            "only a discontinued item can name a replacement",
            field="replacement_id",
            fix="set status to discontinued, or clear the replacement",
        )
    if item.pk is not None and item.replacement_id == item.pk:
        raise invalid(
            C.SELF_REPLACEMENT,
            f"{item.sku} cannot replace itself",
            field="replacement_id",
            fix="choose another item as the replacement",
        )
    current = reference(Item, item.replacement_id, field="replacement_id", what="item")
    for _ in range(_MAX_CHAIN):
        if current.replacement_id is None:
            return
        if item.pk is not None and current.replacement_id == item.pk:
            raise invalid(
                C.REPLACEMENT_CYCLE,
                f"{current.sku} is replaced by {item.sku} already, so the chain would loop",
                field="replacement_id",
                fix="point the chain at an active item",
            )
        current = Item.objects.only("pk", "sku", "replacement_id").get(pk=current.replacement_id)
    raise invalid(
        C.REPLACEMENT_CYCLE,
        f"the replacement chain from {item.sku} is longer than {_MAX_CHAIN} items",
        field="replacement_id",
        fix="point the item directly at the active replacement",
    )


def _check_compliance(item: Item) -> None:
    item.hs_code = (item.hs_code or "").replace(".", "").replace(" ", "")
    if item.hs_code and not (item.hs_code.isdigit() and 6 <= len(item.hs_code) <= 10):
        raise invalid(
            C.HS_CODE_INVALID,
            f"'{item.hs_code}' is not an HS code",
            field="hs_code",
            fix="enter 6 to 10 digits of the harmonized tariff code, e.g. 8536.49",
        )
    if item.country_of_origin:
        item.country_of_origin = clean_country(item.country_of_origin, field="country_of_origin")
    un = (item.un_number or "").strip().upper().replace(" ", "")
    item.un_number = f"UN{un}" if un.isdigit() else un
    if item.un_number and not _UN_NUMBER.match(item.un_number):
        raise invalid(
            C.UN_NUMBER_INVALID,
            f"'{item.un_number}' is not a UN number",
            field="un_number",
            fix="enter UN and four digits, e.g. UN1950",
        )
    item.packing_group = (item.packing_group or "").strip().upper()
    if item.packing_group not in _PACKING_GROUPS:
        raise invalid(
            C.PACKING_GROUP_INVALID,
            f"'{item.packing_group}' is not a packing group",
            field="packing_group",
            fix="use I, II or III (or leave it empty)",
        )
    if item.un_number and not item.hazmat_class.strip():
        raise invalid(
            C.HAZMAT_INCOMPLETE,
            f"{item.un_number} is dangerous goods but has no hazard class",
            field="hazmat_class",
            fix="enter the hazard class from the safety data sheet, e.g. 2.2",
        )


def _check_item(item: Item) -> None:
    item.sku = (item.sku or "").strip()
    item.description = (item.description or "").strip()
    reference(UnitOfMeasure, item.base_uom_id, field="base_uom_id", what="unit of measure")
    if item.default_vendor_id is not None:
        reference(Vendor, item.default_vendor_id, field="default_vendor_id", what="vendor")
    for name, places in (("weight_kg", 4), ("length_cm", 2), ("width_cm", 2), ("height_cm", 2)):
        setattr(
            item, name, clean_decimal(getattr(item, name), field=name, places=places, minimum=0)
        )
    item.min_order_qty = clean_decimal(
        item.min_order_qty, field="min_order_qty", places=4, minimum=0
    )
    item.order_multiple = clean_decimal(
        item.order_multiple, field="order_multiple", places=4, positive=True
    )
    _check_replacement(item)
    _check_compliance(item)
    if item.pk is not None and not item.is_kit and item.components.exists():
        raise invalid(
            C.KIT_HAS_COMPONENTS,
            f"{item.sku} still has kit components",
            field="is_kit",
            fix="remove the components first",
        )
    check_fields(item)
    if Item.objects.filter(sku=item.sku).exclude(pk=item.pk).exists():
        raise taken(C.SKU_TAKEN, "item", item.sku, field="sku")


def item_create(
    *,
    actor: Any,
    sku: str,
    description: str,
    base_uom_id: int,
    item_group: str = "",
    status: str = ItemStatus.ACTIVE,
    replacement_id: int | None = None,
    tracking: str = Tracking.NONE,
    weight_kg: Decimal = Decimal(0),
    length_cm: Decimal = Decimal(0),
    width_cm: Decimal = Decimal(0),
    height_cm: Decimal = Decimal(0),
    min_order_qty: Decimal = Decimal(1),
    order_multiple: Decimal = Decimal(1),
    lead_time_days: int = 0,
    product_tax_code: str = "GENERAL",
    default_vendor_id: int | None = None,
    drop_ship: bool = False,
    is_kit: bool = False,
    hs_code: str = "",
    country_of_origin: str = "",
    un_number: str = "",
    hazmat_class: str = "",
    packing_group: str = "",
    proper_shipping_name: str = "",
    export_control_class: str = "",
) -> Item:
    require(actor, Capability.MASTER_DATA_EDIT)
    fields: dict[str, Any] = {
        "sku": sku,
        "description": description,
        "base_uom_id": base_uom_id,
        "item_group": item_group,
        "status": status,
        "replacement_id": replacement_id,
        "tracking": tracking,
        "weight_kg": weight_kg,
        "length_cm": length_cm,
        "width_cm": width_cm,
        "height_cm": height_cm,
        "min_order_qty": min_order_qty,
        "order_multiple": order_multiple,
        "lead_time_days": lead_time_days,
        "product_tax_code": product_tax_code,
        "default_vendor_id": default_vendor_id,
        "drop_ship": drop_ship,
        "is_kit": is_kit,
        "hs_code": hs_code,
        "country_of_origin": country_of_origin,
        "un_number": un_number,
        "hazmat_class": hazmat_class,
        "packing_group": packing_group,
        "proper_shipping_name": proper_shipping_name,
        "export_control_class": export_control_class,
    }
    item = Item(**fields)
    with transaction.atomic():
        _check_item(item)
        save_unique(item, taken(C.SKU_TAKEN, "item", item.sku, field="sku"))
        record_create(actor, item, "item.created")
    return item


def item_update(
    *, actor: Any, item_id: int, reason: str = "", **changes: Unpack[ItemChanges]
) -> Item:
    """Change an item; discontinuing one is a change of status, with or without replacement."""
    require(actor, Capability.MASTER_DATA_EDIT)
    with transaction.atomic():
        item = locked(Item, item_id, "item")
        before = snapshot(item)
        apply(item, dict(changes))
        _check_item(item)
        record_update(actor, item, before, "item.updated", reason)
    return item


# --- unit conversions ------------------------------------------------------------------------


class ConversionChanges(TypedDict, total=False):
    uom_id: int
    factor: Decimal


def _check_conversion(conversion: UnitConversion, item: Item) -> None:
    reference(UnitOfMeasure, conversion.uom_id, field="uom_id", what="unit of measure")
    if conversion.uom_id == item.base_uom_id:
        raise invalid(
            C.CONVERSION_OF_BASE_UNIT,
            f"{item.sku} is kept in that unit already; its factor is always 1",
            field="uom_id",
            fix="add conversions only for the other units (case, pallet)",
        )
    conversion.factor = clean_decimal(conversion.factor, field="factor", places=4, positive=True)
    dup = UnitConversion.objects.filter(item_id=item.pk, uom_id=conversion.uom_id)
    if dup.exclude(pk=conversion.pk).exists():
        raise taken(C.CONVERSION_TAKEN, "conversion for that unit", item.sku, field="uom_id")


def unit_conversion_create(
    *, actor: Any, item_id: int, uom_id: int, factor: Decimal
) -> UnitConversion:
    require(actor, Capability.MASTER_DATA_EDIT)
    with transaction.atomic():
        item = reference(Item, item_id, field="item_id", what="item")
        conversion = UnitConversion(item=item, uom_id=uom_id)
        conversion.factor = factor
        _check_conversion(conversion, item)
        save_unique(
            conversion,
            taken(C.CONVERSION_TAKEN, "conversion for that unit", item.sku, field="uom_id"),
        )
        record_create(actor, conversion, "unit_conversion.created")
    return conversion


def unit_conversion_update(
    *, actor: Any, conversion_id: int, reason: str = "", **changes: Unpack[ConversionChanges]
) -> UnitConversion:
    require(actor, Capability.MASTER_DATA_EDIT)
    with transaction.atomic():
        conversion = locked(UnitConversion, conversion_id, "unit conversion")
        before = snapshot(conversion)
        apply(conversion, dict(changes))
        _check_conversion(conversion, conversion.item)
        record_update(actor, conversion, before, "unit_conversion.updated", reason)
    return conversion


def unit_conversion_delete(*, actor: Any, conversion_id: int, reason: str = "") -> None:
    require(actor, Capability.MASTER_DATA_EDIT)
    with transaction.atomic():
        conversion = locked(UnitConversion, conversion_id, "unit conversion")
        before = snapshot(conversion)
        event_record(
            actor=actor,
            obj=conversion,
            action="unit_conversion.deleted",
            before=before,
            reason=reason,
        )
        conversion.delete()


# --- kit components --------------------------------------------------------------------------


class ComponentChanges(TypedDict, total=False):
    quantity: Decimal


def _contains(kit_id: int, component_id: int) -> bool:
    """Whether `component_id` is `kit_id` or sits anywhere inside it (breadth first)."""
    seen: set[int] = set()
    frontier = {component_id}
    while frontier:
        if kit_id in frontier:
            return True
        seen |= frontier
        frontier = (
            set(
                KitComponent.objects.filter(kit_id__in=frontier).values_list(
                    "component_id", flat=True
                )
            )
            - seen
        )
    return False


def kit_component_create(
    *, actor: Any, kit_id: int, component_id: int, quantity: Decimal
) -> KitComponent:
    require(actor, Capability.MASTER_DATA_EDIT)
    with transaction.atomic():
        kit = reference(Item, kit_id, field="kit_id", what="item")
        component = reference(Item, component_id, field="component_id", what="item")
        if not kit.is_kit:
            raise invalid(
                C.NOT_A_KIT,
                f"{kit.sku} is not a kit",
                field="kit_id",
                fix="mark the item as a kit (is_kit) first",
            )
        if _contains(kit.pk, component.pk):
            raise invalid(
                C.KIT_CONTAINS_ITSELF,
                f"{component.sku} is {kit.sku} or contains it, so the kit would contain itself",
                field="component_id",
                fix="choose a component that is not the kit and does not contain it",
            )
        if KitComponent.objects.filter(kit=kit, component=component).exists():
            raise taken(C.KIT_COMPONENT_TAKEN, "component", component.sku, field="component_id")
        line = KitComponent(kit=kit, component=component)
        line.quantity = clean_decimal(quantity, field="quantity", places=4, positive=True)
        save_unique(
            line, taken(C.KIT_COMPONENT_TAKEN, "component", component.sku, field="component_id")
        )
        record_create(actor, line, "kit_component.created")
    return line


def kit_component_update(
    *, actor: Any, kit_component_id: int, reason: str = "", **changes: Unpack[ComponentChanges]
) -> KitComponent:
    require(actor, Capability.MASTER_DATA_EDIT)
    with transaction.atomic():
        line = locked(KitComponent, kit_component_id, "kit component")
        before = snapshot(line)
        if "quantity" in changes:
            line.quantity = clean_decimal(
                changes["quantity"], field="quantity", places=4, positive=True
            )
        record_update(actor, line, before, "kit_component.updated", reason)
    return line


def kit_component_delete(*, actor: Any, kit_component_id: int, reason: str = "") -> None:
    require(actor, Capability.MASTER_DATA_EDIT)
    with transaction.atomic():
        line = locked(KitComponent, kit_component_id, "kit component")
        event_record(
            actor=actor,
            obj=line,
            action="kit_component.deleted",
            before=snapshot(line),
            reason=reason,
        )
        line.delete()

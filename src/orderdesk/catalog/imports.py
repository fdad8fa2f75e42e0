"""Import formats of units of measure, items (with compliance attributes and replacement
SKU), unit conversions and kit components.

The rules are the catalog services' rules, checked per row before anything is written: a
replacement only on a discontinued item and never the item itself, a UN number only with a
hazard class, a conversion never for the base unit, a kit never inside itself.
"""

from __future__ import annotations

import re
from decimal import Decimal

from orderdesk.core.importing import (
    CellError,
    Column,
    Context,
    Ref,
    Row,
    Spec,
    apply_upsert,
    register,
)
from orderdesk.core.roles import Capability
from orderdesk.parties.imports import country_check
from orderdesk.parties.models import Vendor

from .models import Item, ItemStatus, KitComponent, UnitConversion, UnitOfMeasure

_UN_NUMBER = re.compile(r"^UN\d{4}$")
_PACKING_GROUPS = {"I": "I", "II": "II", "III": "III", "1": "I", "2": "II", "3": "III"}
_ECCN = re.compile(r"^(EAR99|\d[A-E]\d{3}(\.[A-Z0-9.]+)?)$", re.IGNORECASE)
ZERO = Decimal(0)

UNIT_REF = Ref(UnitOfMeasure, ("code",), "unit of measure", "use a code from the units import")
ITEM_HINT = "use a SKU from the items import"


def _hs_code(value: str) -> str:
    code = value.replace(".", "").replace(" ", "")
    if not (code.isdigit() and 6 <= len(code) <= 10):
        raise CellError(
            f"'{value}' is not an HS code",
            "enter 6 to 10 digits of the harmonized tariff code, e.g. 8536.49",
        )
    return code


def _un_number(value: str) -> str:
    un = value.upper().replace(" ", "")
    un = f"UN{un}" if un.isdigit() else un
    if not _UN_NUMBER.match(un):
        raise CellError(f"'{value}' is not a UN number", "enter UN and four digits, e.g. UN1950")
    return un


def _packing_group(value: str) -> str:
    group = _PACKING_GROUPS.get(value.upper())
    if group is None:
        raise CellError(f"'{value}' is not a packing group", "use I, II or III (or leave it empty)")
    return group


def _eccn(value: str) -> str:
    if not _ECCN.match(value):
        raise CellError(
            f"'{value}' is not an export control classification",
            "enter EAR99 or an ECCN such as 5A992.c",
        )
    return value


UNITS = Spec(
    name="units",
    model=UnitOfMeasure,
    key=("code",),
    entity="uom",
    order=5,
    help="Units of measure items are kept, sold and bought in.",
    capability=Capability.MASTER_DATA_EDIT,
    columns=[
        Column("code", required=True, help="unit code", example="CS"),
        Column("name", required=True, help="unit name", example="Case"),
    ],
)


# --- items ---------------------------------------------------------------------------------


def _check_item(row: Row, ctx: Context) -> None:
    v, replacement = row.values, row.texts.get("replacement_sku")
    if replacement == v.get("sku") and replacement:
        row.error(
            "replacement_sku",
            f"{replacement} cannot replace itself",
            "choose another item as the replacement",
        )
    elif replacement and (row.extra.get("replacement_sku") or {}).get("replacement__sku") == v.get(
        "sku"
    ):
        row.error(
            "replacement_sku",
            f"{replacement} is replaced by {v.get('sku')} already, so the chain would loop",
            "point the chain at an active item",
        )


def _check_with_stored(rows: list[Row]) -> None:
    """Rules across two columns, with the stored value where the file leaves one out."""
    need = [
        r
        for r in rows
        if (r.texts.get("replacement_sku") and "status" not in r.values)
        or (r.values.get("un_number") and "hazmat_class" not in r.values)
    ]
    stored = {
        sku: {"status": status, "hazmat_class": hazmat}
        for sku, status, hazmat in Item.objects.filter(
            sku__in=[r.values["sku"] for r in need]
        ).values_list("sku", "status", "hazmat_class")
    }
    new = {"status": ItemStatus.ACTIVE.value, "hazmat_class": ""}
    for row in rows:
        v = {**stored.get(row.values["sku"], new), **row.values}
        if row.texts.get("replacement_sku") and v["status"] != ItemStatus.DISCONTINUED:
            row.error(
                "replacement_sku",
                "only a discontinued item can name a replacement",
                "set status to discontinued, or clear the replacement",
            )
        if v.get("un_number") and not v["hazmat_class"]:
            row.error(
                "hazmat_class",
                f"{v['un_number']} is dangerous goods but has no hazard class",
                "enter the hazard class from the safety data sheet, e.g. 2.2",
            )


def _apply_items(ctx: Context, rows: list[Row]) -> None:
    """An item that still has kit components keeps is_kit, as the catalog services insist."""
    _check_with_stored(rows)
    rows = [r for r in rows if not r.errors]
    unkitting = [r.values["sku"] for r in rows if r.values.get("is_kit") is False]
    if "has_kits" not in ctx.state:  # most catalogues have few kits: skip the check when none
        ctx.state["has_kits"] = KitComponent.objects.exists()
    if unkitting and ctx.state["has_kits"]:
        kits = set(
            KitComponent.objects.filter(kit__sku__in=unkitting).values_list("kit__sku", flat=True)
        )
        for row in rows:
            if row.values.get("is_kit") is False and row.values["sku"] in kits:
                row.error(
                    "is_kit",
                    f"{row.values['sku']} still has kit components",
                    "remove the components first, or keep is_kit = yes",
                )
        rows = [r for r in rows if not r.errors]
    apply_upsert(ctx, rows)


ITEMS = Spec(
    name="items",
    model=Item,
    key=("sku",),
    entity="item",
    order=60,
    help=(
        "Items with unit, dimensions, ordering rules and compliance attributes. A discontinued "
        "item may name its replacement SKU, also one further down the same file."
    ),
    capability=Capability.MASTER_DATA_EDIT,
    checks=[_check_item],
    apply=_apply_items,
    columns=[
        Column(
            "sku",
            required=True,
            help="stock keeping unit",
            example="CTR-3P-40A",
            aliases=("item", "item_number"),
        ),
        Column(
            "description",
            required=True,
            help="what the item is",
            example="Contactor 3-pole 40A 24V coil",
        ),
        Column(
            "item_group", help="product group (surcharges can apply per group)", example="CONTROLS"
        ),
        Column(
            "base_uom",
            "ref",
            required=True,
            help="unit the item is stocked in",
            example="EA",
            ref=UNIT_REF,
            aliases=("uom", "unit"),
        ),
        Column("status", help="active or discontinued (blank = active)", example="active"),
        Column(
            "replacement_sku",
            "ref",
            field="replacement",
            help="SKU that replaces a discontinued item",
            example="",
            ref=Ref(Item, ("sku",), "item", ITEM_HINT, extra=("replacement__sku",)),
        ),
        Column("tracking", help="none, lot or serial (blank = none)", example="none"),
        Column("weight_kg", "decimal", minimum=ZERO, help="weight in kg", example="0.45"),
        Column("length_cm", "decimal", minimum=ZERO, help="length in cm", example="12"),
        Column("width_cm", "decimal", minimum=ZERO, help="width in cm", example="8"),
        Column("height_cm", "decimal", minimum=ZERO, help="height in cm", example="10"),
        Column(
            "min_order_qty",
            "decimal",
            minimum=ZERO,
            help="smallest quantity sold (blank = 1)",
            example="1",
        ),
        Column(
            "order_multiple",
            "decimal",
            positive=True,
            help="sold in multiples of (blank = 1)",
            example="1",
        ),
        Column("lead_time_days", "int", help="days to get it when out of stock", example="5"),
        Column(
            "product_tax_code", help="tax code for tax rates (blank = GENERAL)", example="GENERAL"
        ),
        Column(
            "default_vendor",
            "ref",
            upper=True,
            help="vendor code it is bought from",
            example="V0042",
            ref=Ref(Vendor, ("code",), "vendor", "use a code from the vendors import"),
        ),
        Column("drop_ship", "bool", help="yes = shipped by the vendor", example="no"),
        Column("is_kit", "bool", help="yes = sold as a kit of components", example="no"),
        Column(
            "hs_code", check=_hs_code, help="harmonized tariff code, 6-10 digits", example="8536.49"
        ),
        Column(
            "country_of_origin",
            upper=True,
            check=country_check,
            help="ISO 3166 country of origin",
            example="MX",
        ),
        Column("un_number", check=_un_number, help="UN number if dangerous goods", example=""),
        Column("hazmat_class", help="hazard class, needed with a UN number", example=""),
        Column("packing_group", check=_packing_group, help="I, II or III", example=""),
        Column("proper_shipping_name", help="dangerous goods shipping name", example=""),
        Column("export_control_class", check=_eccn, help="EAR99 or an ECCN", example="EAR99"),
    ],
)


# --- unit conversions ----------------------------------------------------------------------


def _check_conversion(row: Row, ctx: Context) -> None:
    item = row.extra.get("sku")
    if item and row.values.get("uom") == item["base_uom_id"]:
        row.error(
            "uom",
            f"{row.texts['sku']} is kept in {row.texts['uom']} already; its factor is always 1",
            "add conversions only for the other units (case, pallet)",
        )


UNIT_CONVERSIONS = Spec(
    name="unit_conversions",
    model=UnitConversion,
    key=("sku", "uom"),
    entity="unit_conversion",
    order=70,
    help="How many base units one case, pallet … of an item holds.",
    capability=Capability.MASTER_DATA_EDIT,
    checks=[_check_conversion],
    columns=[
        Column(
            "sku",
            "ref",
            field="item",
            required=True,
            help="the item",
            example="CTR-3P-40A",
            ref=Ref(Item, ("sku",), "item", ITEM_HINT, extra=("base_uom_id",)),
        ),
        Column("uom", "ref", required=True, help="the other unit", example="CS", ref=UNIT_REF),
        Column(
            "factor",
            "decimal",
            required=True,
            positive=True,
            help="base units in one uom",
            example="12",
        ),
    ],
)


# --- kit components ------------------------------------------------------------------------


def _kit_graph(ctx: Context) -> dict[int, set[int]]:
    """Every kit's components, loaded once per run, so containment needs no query per row."""
    graph: dict[int, set[int]] | None = ctx.state.get("kits")
    if graph is None:
        graph = {}
        for kit, component in KitComponent.objects.values_list("kit_id", "component_id"):
            graph.setdefault(kit, set()).add(component)
        ctx.state["kits"] = graph
    return graph


def _contains(graph: dict[int, set[int]], kit: int, component: int) -> bool:
    seen: set[int] = set()
    frontier = {component}
    while frontier:
        if kit in frontier:
            return True
        seen |= frontier
        frontier = {c for f in frontier for c in graph.get(f, ())} - seen
    return False


def _check_kit(row: Row, ctx: Context) -> None:
    kit = row.extra.get("kit_sku")
    if kit is not None and not kit["is_kit"]:
        row.error(
            "kit_sku",
            f"{row.texts['kit_sku']} is not a kit",
            "mark the item as a kit (is_kit = yes in the items file) first",
        )
    if not row.has("kit_sku", "component_sku"):
        return
    graph = _kit_graph(ctx)
    kit_id, component_id = row.values["kit_sku"], row.values["component_sku"]
    if _contains(graph, kit_id, component_id):
        row.error(
            "component_sku",
            f"{row.texts['component_sku']} is {row.texts['kit_sku']} or contains it, "
            "so the kit would contain itself",
            "choose a component that is not the kit and does not contain it",
        )
    elif not row.errors:
        graph.setdefault(kit_id, set()).add(component_id)


KIT_COMPONENTS = Spec(
    name="kit_components",
    model=KitComponent,
    key=("kit_sku", "component_sku"),
    entity="kit_component",
    order=80,
    help="What a kit is made of: one row per component.",
    capability=Capability.MASTER_DATA_EDIT,
    checks=[_check_kit],
    columns=[
        Column(
            "kit_sku",
            "ref",
            field="kit",
            required=True,
            help="the kit item",
            example="KIT-TSTAT-PRO",
            ref=Ref(Item, ("sku",), "item", ITEM_HINT, extra=("is_kit",)),
        ),
        Column(
            "component_sku",
            "ref",
            field="component",
            required=True,
            help="an item in the kit",
            example="TSTAT-7D",
            ref=Ref(Item, ("sku",), "item", ITEM_HINT),
        ),
        Column(
            "quantity",
            "decimal",
            required=True,
            positive=True,
            help="how many per kit, in the component's base unit",
            example="1",
        ),
    ],
)

register(UNITS, ITEMS, UNIT_CONVERSIONS, KIT_COMPONENTS)

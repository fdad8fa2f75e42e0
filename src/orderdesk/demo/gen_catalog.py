"""The catalogue: 2,000 items with units, compliance data, discontinuations and kits.

Descriptions come from attribute combinations drawn without replacement, so no two items
of a group read alike; SKUs rise with size inside a group, the way a distributor's
numbering usually grew.
"""

from __future__ import annotations

import itertools
import random
from decimal import Decimal

from .data_catalog import ECCN_BY_WORD, GROUPS, HAZMAT, HS_BY_WORD, KITS, SERIAL_WORDS, GroupSpec
from .data_commercial import VENDORS
from .rows import ConversionRow, DemoData, ItemRow, KitComponentRow

UNITS: tuple[tuple[str, str], ...] = (
    ("EA", "Each"),
    ("CS", "Case"),
    ("PL", "Pallet"),
    ("FT", "Foot"),
    ("RL", "Reel"),
)

#: Dollars per pound of refrigerant (reclaimed R-22 is scarce, so dear).
_REFRIGERANT_PER_LB = {
    "R-410A": "9.80",
    "R-22 reclaimed": "31.50",
    "R-134a": "9.20",
    "R-404A": "12.40",
    "R-407C": "11.10",
    "R-422D": "14.20",
    "R-438A": "16.30",
}
#: Share of a group's items discontinued (percent); kits and refrigerant are kept whole.
_DISCONTINUED_PERCENT = 4


def _along(
    rng: random.Random, lo: str, hi: str, index: int, steps: int, places: int, jitter: int
) -> Decimal:
    """Interpolate lo→hi at `index` of `steps`, ± `jitter` percent, on integer units."""
    a, b = int(Decimal(lo).scaleb(places)), int(Decimal(hi).scaleb(places))
    value = a + (b - a) * index // max(steps - 1, 1)
    value = value * rng.randint(100 - jitter, 100 + jitter) // 100
    return Decimal(max(value, 1)).scaleb(-places)


def _hazmat(values: tuple[str, ...]) -> tuple[str, str, str, str]:
    for value in values:
        if value in HAZMAT:
            return HAZMAT[value]
    return ("", "", "", "")


def _match(words: dict[str, str], values: tuple[str, ...], description: str) -> str:
    for value in values:
        if value in words:
            return words[value]
    for word, result in words.items():
        if word in description:
            return result
    return ""


def _conversions(spec: GroupSpec, attrs: dict[str, str], sku: str) -> list[ConversionRow]:
    out: list[ConversionRow] = []
    case, pallet = spec.case, spec.pallet
    if spec.code == "FILTERS" and attrs["size"].endswith("x4"):
        case, pallet = 6, 240
    if spec.code == "FITTINGS" and spec.attrs[0][1].index(attrs["size"]) >= 5:
        case = 10
    if spec.code == "CONDUIT" and "10 ft" not in attrs["kind"]:
        case, pallet = 25, 0
    if spec.code == "REFRIGERANT" and attrs["lb"] == "125":
        pallet = 12
    if spec.code == "WIRE":
        out.append(ConversionRow(sku, "RL", Decimal(1000 if int(attrs["gauge"]) >= 10 else 500)))
    if case:
        out.append(ConversionRow(sku, "CS", Decimal(case)))
    if pallet:
        out.append(ConversionRow(sku, "PL", Decimal(pallet)))
    return out


def _group_items(rng: random.Random, data: DemoData, spec: GroupSpec) -> list[ItemRow]:
    names = [name for name, _ in spec.attrs]
    choices = [values for _, values in spec.attrs]
    combos = sorted(rng.sample(list(itertools.product(*(range(len(v)) for v in choices))),
                               spec.count))  # fmt: skip
    vendors = [v.code for v in VENDORS if spec.code in v.groups]
    sizes = len(choices[0])
    number = rng.randint(10, 60) * 1000
    items: list[ItemRow] = []
    for combo in combos:
        number += rng.randint(1, 7)
        sku = f"{spec.prefix}-{number:05d}"
        values = tuple(choices[i][j] for i, j in enumerate(combo))
        attrs = dict(zip(names, values, strict=True))
        description = spec.template.format(**attrs)
        size = combo[0]
        places = 4 if spec.uom == "FT" else 2
        cost = _along(rng, *spec.cost, size, sizes, places, 8)
        grams = _along(rng, str(spec.weight_g[0]), str(spec.weight_g[1]), size, sizes, 0, 5)
        if spec.code == "REFRIGERANT":
            pounds = int(attrs["lb"])
            cost = (Decimal(_REFRIGERANT_PER_LB[attrs["gas"]]) * pounds).quantize(Decimal("0.01"))
            grams = Decimal(pounds * 454 + 1600 + pounds // 25 * 700)
        scale = 60 + 40 * size // max(sizes - 1, 1)  # smallest size is 60 % of the largest
        dangerous = spec.code in {"REFRIGERANT", "CHEMICALS"}  # a compressor is not its gas
        un, hclass, group, shipping_name = _hazmat(values) if dangerous else ("", "", "", "")
        tracking = spec.tracking
        if tracking == "none" and any(word in description for word in SERIAL_WORDS):
            tracking = "serial"
        small_fitting = spec.code == "FITTINGS" and size <= 2
        items.append(
            ItemRow(
                sku=sku,
                description=description,
                item_group=spec.code,
                base_uom=spec.uom,
                status="active",
                replacement_sku="",
                tracking=tracking,
                weight_kg=(grams / 1000).quantize(Decimal("0.0001")),
                length_cm=Decimal(spec.dims_cm[0] * scale).scaleb(-2),
                width_cm=Decimal(spec.dims_cm[1] * scale).scaleb(-2),
                height_cm=Decimal(spec.dims_cm[2] * scale).scaleb(-2),
                min_order_qty=Decimal(25 if spec.uom == "FT" else 10 if small_fitting else 1),
                order_multiple=Decimal(10 if small_fitting else 1),
                lead_time_days=rng.randint(*spec.lead_days),
                product_tax_code="GENERAL",
                vendor_code=rng.choice(vendors),
                drop_ship=spec.code == "CONDENSING_UNITS" and rng.random() < 0.3,
                is_kit=False,
                hs_code=_match(HS_BY_WORD, values, "") or spec.hs_code,
                country_of_origin=rng.choice(spec.origins),
                un_number=un,
                hazmat_class=hclass,
                packing_group=group,
                proper_shipping_name=shipping_name,
                export_control_class=_match(ECCN_BY_WORD, (), description),
                cost=cost,
            )
        )
        data.conversions.extend(_conversions(spec, attrs, sku))
    return items


def _discontinue(rng: random.Random, items: list[ItemRow]) -> None:
    """Mark a few items discontinued, each pointing at an active item of its group."""
    if items[0].item_group == "REFRIGERANT":
        return
    retired = rng.sample(range(len(items)), len(items) * _DISCONTINUED_PERCENT // 100)
    retired_set = set(retired)
    active = [i for i in range(len(items)) if i not in retired_set]
    for index in sorted(retired):
        # the nearest active neighbour in SKU order is the closest size: a sensible successor
        successor = min(active, key=lambda i: (abs(i - index), i))
        items[index].status = "discontinued"
        items[index].replacement_sku = items[successor].sku


def _kits(rng: random.Random, data: DemoData) -> None:
    active = [item for item in data.items if item.status == "active"]
    for spec in KITS:
        parts: list[tuple[ItemRow, Decimal]] = []
        used: set[str] = set()
        for group, word, quantity in spec.components:
            candidates = [
                i
                for i in active
                if i.item_group == group and word in i.description and i.sku not in used
            ]
            part = rng.choice(candidates)
            used.add(part.sku)
            parts.append((part, Decimal(quantity)))
        cost = sum((item.cost * qty for item, qty in parts), Decimal(0)).quantize(Decimal("0.01"))
        weight = sum((item.weight_kg * qty for item, qty in parts), Decimal(0))
        data.items.append(
            ItemRow(
                sku=spec.sku,
                description=spec.description,
                item_group="KITS",
                base_uom="EA",
                status="active",
                replacement_sku="",
                tracking="none",
                weight_kg=weight.quantize(Decimal("0.0001")),
                length_cm=Decimal("60.00"),
                width_cm=Decimal("40.00"),
                height_cm=Decimal("30.00"),
                min_order_qty=Decimal(1),
                order_multiple=Decimal(1),
                lead_time_days=2,
                product_tax_code="GENERAL",
                vendor_code="",
                drop_ship=False,
                is_kit=True,
                hs_code=parts[0][0].hs_code,
                country_of_origin="US",
                un_number="",
                hazmat_class="",
                packing_group="",
                proper_shipping_name="",
                export_control_class="",
                cost=cost,
            )
        )
        data.kit_components.extend(KitComponentRow(spec.sku, item.sku, qty) for item, qty in parts)


def generate_catalog(rng: random.Random, data: DemoData) -> None:
    data.units.extend(UNITS)
    for spec in GROUPS:
        items = _group_items(rng, data, spec)
        _discontinue(rng, items)
        data.items.extend(items)
    _kits(rng, data)

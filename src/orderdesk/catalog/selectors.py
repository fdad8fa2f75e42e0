"""Queries on the item catalogue.

The catalogue is staff data (MASTER_DATA_VIEW): a portal user sees their contract prices,
not every item with its vendors and compliance codes. `item_list` and `item_get` keep their
original signatures for the pages; `user` is checked when given, and the API always gives it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from orderdesk.core.errors import NotFound
from orderdesk.parties.selectors import require_reader

from .models import Item, KitComponent, UnitConversion, UnitOfMeasure


def item_list(
    *,
    q: str | None = None,
    status: str | None = None,
    item_group: str | None = None,
    tracking: str | None = None,
    is_kit: bool | None = None,
    vendor_id: int | None = None,
    user: Any = None,
) -> QuerySet[Item]:
    """Items matching `q` by part of the SKU, or by all of its words in the description."""
    if user is not None:
        require_reader(user)
    qs = Item.objects.select_related("base_uom", "replacement", "default_vendor")
    if status:
        qs = qs.filter(status=status)
    if item_group:
        qs = qs.filter(item_group=item_group)
    if tracking:
        qs = qs.filter(tracking=tracking)
    if is_kit is not None:
        qs = qs.filter(is_kit=is_kit)
    if vendor_id is not None:
        qs = qs.filter(default_vendor_id=vendor_id)
    if q:
        q = q.strip()
        words = q.split()
        cond = Q(sku__icontains=q)
        desc = Q()
        for w in words:
            desc &= Q(description__icontains=w)
        qs = qs.filter(cond | desc)
    return qs.order_by("sku")


def item_get(*, pk: int | None = None, sku: str | None = None, user: Any = None) -> Item:
    if user is not None:
        require_reader(user)
    qs = Item.objects.select_related("base_uom", "replacement", "default_vendor").prefetch_related(
        Prefetch("conversions", queryset=UnitConversion.objects.select_related("uom")),
        Prefetch(
            "components",
            queryset=KitComponent.objects.select_related("component__base_uom").order_by(
                "component__sku"
            ),
        ),
    )
    item = qs.filter(pk=pk).first() if pk is not None else qs.filter(sku=sku).first()
    if item is None:
        raise NotFound("item", pk if pk is not None else sku)
    return item


def uom_list(*, user: Any, q: str | None = None) -> QuerySet[UnitOfMeasure]:
    require_reader(user)
    qs = UnitOfMeasure.objects.all()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return qs.order_by("code")


def uom_get(*, user: Any, pk: int) -> UnitOfMeasure:
    unit = uom_list(user=user).filter(pk=pk).first()
    if unit is None:
        raise NotFound("unit of measure", pk)
    return unit


def unit_conversion_list(
    *, user: Any, item_id: int | None = None, uom_id: int | None = None
) -> QuerySet[UnitConversion]:
    require_reader(user)
    qs = UnitConversion.objects.select_related("item__base_uom", "uom")
    if item_id is not None:
        qs = qs.filter(item_id=item_id)
    if uom_id is not None:
        qs = qs.filter(uom_id=uom_id)
    return qs.order_by("item__sku", "uom__code")


def unit_conversion_get(*, user: Any, pk: int) -> UnitConversion:
    conversion = unit_conversion_list(user=user).filter(pk=pk).first()
    if conversion is None:
        raise NotFound("unit conversion", pk)
    return conversion


def kit_component_list(
    *, user: Any, kit_id: int | None = None, component_id: int | None = None
) -> QuerySet[KitComponent]:
    """Kit lines; filter by `component_id` to answer "which kits use this part?"."""
    require_reader(user)
    qs = KitComponent.objects.select_related("kit", "component__base_uom")
    if kit_id is not None:
        qs = qs.filter(kit_id=kit_id)
    if component_id is not None:
        qs = qs.filter(component_id=component_id)
    return qs.order_by("kit__sku", "component__sku")


def kit_component_get(*, user: Any, pk: int) -> KitComponent:
    line = kit_component_list(user=user).filter(pk=pk).first()
    if line is None:
        raise NotFound("kit component", pk)
    return line


def items_replaced_by(item_id: int) -> list[Item]:
    """Discontinued items that name this one as their replacement."""
    return list(Item.objects.filter(replacement_id=item_id).only("pk", "sku").order_by("sku"))

"""Units of measure, items, unit conversions and kit components over REST.

Thin by rule: each handler parses, calls one selector or service, and returns what it got.
The catalogue is staff data: a portal user is refused (403) here.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from orderdesk.core.apitools import Page, answers

from . import selectors, services
from .schemas import (
    ConversionFilter,
    ConversionIn,
    ConversionOut,
    ConversionPatch,
    ItemDetailOut,
    ItemFilter,
    ItemIn,
    ItemOut,
    ItemPatch,
    KitComponentFilter,
    KitComponentIn,
    KitComponentOut,
    KitComponentPatch,
    UnitFilter,
    UnitIn,
    UnitOut,
    UnitPatch,
)

router = Router(tags=["catalog"])


# --- units of measure ------------------------------------------------------------------------


@router.get("/units", response=answers(list[UnitOut]), summary="List units of measure")
@paginate(Page)
def units_list(request: HttpRequest, filters: Query[UnitFilter]) -> Any:
    return selectors.uom_list(user=request.user, q=filters.q)


@router.get("/units/{uom_id}", response=answers(UnitOut), summary="Unit of measure")
def units_read(request: HttpRequest, uom_id: int) -> Any:
    return selectors.uom_get(user=request.user, pk=uom_id)


@router.post("/units", response=answers(UnitOut, status=201, write=True), summary="Add a unit")
def units_create(request: HttpRequest, payload: UnitIn) -> Any:
    return 201, services.uom_create(actor=request.user, **payload.dict())


@router.patch("/units/{uom_id}", response=answers(UnitOut, write=True), summary="Change unit")
def units_update(request: HttpRequest, uom_id: int, payload: UnitPatch) -> Any:
    return services.uom_update(
        actor=request.user, uom_id=uom_id, **payload.dict(exclude_unset=True)
    )


# --- items -----------------------------------------------------------------------------------


@router.get("/items", response=answers(list[ItemOut]), summary="List items")
@paginate(Page)
def items_list(request: HttpRequest, filters: Query[ItemFilter]) -> Any:
    f = filters
    return selectors.item_list(
        user=request.user,
        q=f.q,
        status=f.status,
        item_group=f.item_group,
        tracking=f.tracking,
        is_kit=f.is_kit,
        vendor_id=f.vendor,
    )


@router.get("/items/{item_id}", response=answers(ItemDetailOut), summary="Item")
def items_read(request: HttpRequest, item_id: int) -> Any:
    """With its unit conversions and, for a kit, its components."""
    return selectors.item_get(user=request.user, pk=item_id)


@router.post("/items", response=answers(ItemDetailOut, status=201, write=True), summary="Add item")
def items_create(request: HttpRequest, payload: ItemIn) -> Any:
    return 201, services.item_create(actor=request.user, **payload.dict())


@router.patch(
    "/items/{item_id}", response=answers(ItemDetailOut, write=True), summary="Change item"
)
def items_update(request: HttpRequest, item_id: int, payload: ItemPatch) -> Any:
    """Discontinue with `{"status": "discontinued", "replacement_id": …}`."""
    return services.item_update(
        actor=request.user, item_id=item_id, **payload.dict(exclude_unset=True)
    )


# --- unit conversions ------------------------------------------------------------------------


@router.get(
    "/unit-conversions", response=answers(list[ConversionOut]), summary="List unit conversions"
)
@paginate(Page)
def conversions_list(request: HttpRequest, filters: Query[ConversionFilter]) -> Any:
    return selectors.unit_conversion_list(
        user=request.user, item_id=filters.item, uom_id=filters.uom
    )


@router.get(
    "/unit-conversions/{conversion_id}", response=answers(ConversionOut), summary="Conversion"
)
def conversions_read(request: HttpRequest, conversion_id: int) -> Any:
    return selectors.unit_conversion_get(user=request.user, pk=conversion_id)


@router.post(
    "/unit-conversions",
    response=answers(ConversionOut, status=201, write=True),
    summary="Add a unit conversion",
)
def conversions_create(request: HttpRequest, payload: ConversionIn) -> Any:
    return 201, services.unit_conversion_create(actor=request.user, **payload.dict())


@router.patch(
    "/unit-conversions/{conversion_id}",
    response=answers(ConversionOut, write=True),
    summary="Change a unit conversion",
)
def conversions_update(request: HttpRequest, conversion_id: int, payload: ConversionPatch) -> Any:
    return services.unit_conversion_update(
        actor=request.user, conversion_id=conversion_id, **payload.dict(exclude_unset=True)
    )


@router.delete(
    "/unit-conversions/{conversion_id}",
    response=answers(None, status=204, write=True),
    summary="Remove a unit conversion",
)
def conversions_delete(request: HttpRequest, conversion_id: int) -> Any:
    services.unit_conversion_delete(actor=request.user, conversion_id=conversion_id)
    return 204, None


# --- kit components --------------------------------------------------------------------------


@router.get("/kit-components", response=answers(list[KitComponentOut]), summary="List kit lines")
@paginate(Page)
def kit_components_list(request: HttpRequest, filters: Query[KitComponentFilter]) -> Any:
    return selectors.kit_component_list(
        user=request.user, kit_id=filters.kit, component_id=filters.component
    )


@router.get(
    "/kit-components/{kit_component_id}", response=answers(KitComponentOut), summary="Kit line"
)
def kit_components_read(request: HttpRequest, kit_component_id: int) -> Any:
    return selectors.kit_component_get(user=request.user, pk=kit_component_id)


@router.post(
    "/kit-components",
    response=answers(KitComponentOut, status=201, write=True),
    summary="Add a component to a kit",
)
def kit_components_create(request: HttpRequest, payload: KitComponentIn) -> Any:
    return 201, services.kit_component_create(actor=request.user, **payload.dict())


@router.patch(
    "/kit-components/{kit_component_id}",
    response=answers(KitComponentOut, write=True),
    summary="Change a kit line's quantity",
)
def kit_components_update(
    request: HttpRequest, kit_component_id: int, payload: KitComponentPatch
) -> Any:
    return services.kit_component_update(
        actor=request.user, kit_component_id=kit_component_id, **payload.dict(exclude_unset=True)
    )


@router.delete(
    "/kit-components/{kit_component_id}",
    response=answers(None, status=204, write=True),
    summary="Remove a component from a kit",
)
def kit_components_delete(request: HttpRequest, kit_component_id: int) -> Any:
    services.kit_component_delete(actor=request.user, kit_component_id=kit_component_id)
    return 204, None

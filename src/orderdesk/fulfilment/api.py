"""Fulfilment over REST. Thin by rule: parse, call one service or selector, return."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.pagination import paginate

from orderdesk.core.apitools import CUSTOMER_SCOPED, Page, answers

from . import commands, selectors
from .documents import document_filename, document_html, document_pdf
from .packing import PackageContent, PackageInput
from .picking import PickInput
from .schemas import (
    PackageOut,
    PackIn,
    PickListFilter,
    PickListOut,
    PickListSummaryOut,
    PicksIn,
    ReleaseIn,
    ShipIn,
    ShipmentFilter,
    ShipmentOut,
    ShipmentSummaryOut,
    WaveDetailOut,
    WaveFilter,
    WaveOut,
)

router = Router(tags=["fulfilment"])


@router.post(
    "/warehouses/{warehouse_id}/release",
    response=answers(list[WaveOut], write=True),
    summary="Release allocated orders to the floor as pick lists in waves",
)
def warehouses_release(request: HttpRequest, warehouse_id: int, payload: ReleaseIn) -> Any:
    """Every order that may go (or the orders named): one pick list per order, grouped into
    waves by carrier cut-off and priority. A ship-complete order waits until all of it is
    allocated. Answers the waves that got pick lists, first cut-off first."""
    return commands.release_by_warehouse(
        actor=request.user,
        warehouse_id=warehouse_id,
        order_ids=payload.orders,
        today=payload.today,
    )


@router.get("/waves", response=answers(list[WaveOut]), summary="List waves")
@paginate(Page)
def waves_list(request: HttpRequest, filters: Query[WaveFilter]) -> Any:
    return selectors.wave_list(
        user=request.user, warehouse_id=filters.warehouse, status=filters.status
    )


@router.get("/waves/{wave_id}", response=answers(WaveDetailOut), summary="A wave's pick lists")
def waves_read(request: HttpRequest, wave_id: int) -> Any:
    return selectors.wave_get(user=request.user, pk=wave_id)


@router.get("/pick-lists", response=answers(list[PickListSummaryOut]), summary="List pick lists")
@paginate(Page)
def pick_lists_list(request: HttpRequest, filters: Query[PickListFilter]) -> Any:
    return selectors.pick_list_list(
        user=request.user,
        warehouse_id=filters.warehouse,
        status=filters.status,
        wave_id=filters.wave,
    )


@router.get(
    "/pick-lists/{pick_list_id}",
    response=answers(PickListOut),
    summary="A pick list with its lines, picks and packages",
)
def pick_lists_read(request: HttpRequest, pick_list_id: int) -> Any:
    return selectors.pick_list_get(user=request.user, pk=pick_list_id)


@router.post(
    "/pick-lists/{pick_list_id}/picks",
    response=answers(PickListOut, write=True),
    summary="Confirm the picks (lot or serial as scanned); the rest is short",
)
def pick_lists_pick(request: HttpRequest, pick_list_id: int, payload: PicksIn) -> Any:
    """Each pick names the pick line, the quantity and what was scanned. What is not picked
    is short (give `short_reason`): it becomes a backorder; a ship-complete order with a
    short ships nothing and waits whole."""
    return commands.picks_by_id(
        actor=request.user,
        pick_list_id=pick_list_id,
        picks=[PickInput(p.pick_line, p.quantity, p.scanned) for p in payload.picks],
        short_reason=payload.short_reason,
    )


@router.post(
    "/pick-lists/{pick_list_id}/pack",
    response=answers(list[PackageOut], write=True),
    summary="Pack what was picked into packages",
)
def pick_lists_pack(request: HttpRequest, pick_list_id: int, payload: PackIn) -> Any:
    packages = (
        None
        if payload.packages is None
        else [
            PackageInput(
                weight_kg=p.weight_kg,
                kind=p.kind,
                length_cm=p.length_cm,
                width_cm=p.width_cm,
                height_cm=p.height_cm,
                contents=[PackageContent(c.pick_line, c.quantity, c.lot) for c in p.contents],
            )
            for p in payload.packages
        ]
    )
    return commands.pack_by_id(actor=request.user, pick_list_id=pick_list_id, packages=packages)


@router.post(
    "/pick-lists/{pick_list_id}/ship",
    response=answers(ShipmentOut, status=201, write=True),
    summary="Ship a packed pick list",
)
def pick_lists_ship(request: HttpRequest, pick_list_id: int, payload: ShipIn) -> Any:
    """Compliance is checked first (hazmat, export control, international service, quality
    holds, third-party freight): a refusal lists every problem in `problems`, each with its
    fix. The stock leaves the ledger, the documents are issued, the shipment is invoiced and
    the customer is sent the confirmation."""
    shipment = commands.ship_by_id(
        actor=request.user,
        pick_list_id=pick_list_id,
        ship_date=payload.ship_date,
        ship_method=payload.ship_method,
        tracking_number=payload.tracking_number,
        pro_number=payload.pro_number,
        third_party_bill_to=payload.third_party_bill_to,
        export_reason=payload.export_reason,
    )
    return 201, shipment


@router.get(
    "/shipments",
    response=answers(list[ShipmentSummaryOut]),
    summary="List shipments",
    openapi_extra=CUSTOMER_SCOPED,
)
@paginate(Page)
def shipments_list(request: HttpRequest, filters: Query[ShipmentFilter]) -> Any:
    return selectors.shipment_list(
        user=request.user,
        customer_id=filters.customer_id,
        order_id=filters.order_id,
        warehouse_id=filters.warehouse,
        q=filters.q,
    )


@router.get(
    "/shipments/{shipment_id}",
    response=answers(ShipmentOut),
    summary="A shipment with lines, packages, documents and invoices",
    openapi_extra=CUSTOMER_SCOPED,
)
def shipments_read(request: HttpRequest, shipment_id: int) -> Any:
    return selectors.shipment_get(user=request.user, pk=shipment_id)


@router.get(
    "/shipments/{shipment_id}/documents/{kind}",
    response=answers(None),
    summary="A shipping document as HTML",
    url_name="shipment_document_html",
    openapi_extra=CUSTOMER_SCOPED,
)
def shipments_document(request: HttpRequest, shipment_id: int, kind: str) -> HttpResponse:
    doc = selectors.shipment_document_get(user=request.user, shipment_id=shipment_id, kind=kind)
    return HttpResponse(document_html(doc), content_type="text/html; charset=utf-8")


@router.get(
    "/shipments/{shipment_id}/documents/{kind}/pdf",
    response=answers(None),
    summary="A shipping document as PDF",
    url_name="shipment_document_pdf",
    openapi_extra=CUSTOMER_SCOPED,
)
def shipments_document_pdf(request: HttpRequest, shipment_id: int, kind: str) -> HttpResponse:
    doc = selectors.shipment_document_get(user=request.user, shipment_id=shipment_id, kind=kind)
    response = HttpResponse(document_pdf(doc.pk), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document_filename(doc)}"'
    return response

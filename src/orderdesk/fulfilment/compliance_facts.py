"""The facts the compliance rules read, for one pick list about to ship (a few queries)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orderdesk.catalog.models import ExportRestriction
from orderdesk.inventory.models import Lot
from orderdesk.parties.models import ShipMethod

from .compliance import ItemFact, LotFact, RestrictionFact, ShipmentFacts, controlled, problems_for
from .errors import ComplianceProblem
from .models import Pick, PickLine, PickList


def shipment_facts(
    *,
    pick_list: PickList,
    ship_method: ShipMethod,
    third_party_bill_to: Mapping[str, Any] | None = None,
) -> ShipmentFacts:
    """`pick_list` with its order, the order's ship-to and the warehouse loaded (or they are
    read here); the items are the pick lines', the lots those picked."""
    order = pick_list.order
    warehouse = pick_list.warehouse
    items = list(
        PickLine.objects.filter(pick_list=pick_list)
        .values_list(
            "item__sku", "item__un_number", "item__hazmat_class", "item__export_control_class"
        )
        .distinct()
    )
    item_facts = tuple(ItemFact(*row) for row in sorted(set(items)))
    picked = set(
        Pick.objects.filter(pick_line__pick_list=pick_list)
        .exclude(lot="")
        .values_list("pick_line__item_id", "pick_line__item__sku", "lot")
    )
    lots: list[LotFact] = []
    if picked:
        held = {
            (item_id, number): reason
            for item_id, number, reason in Lot.objects.filter(
                item_id__in={i for i, _, _ in picked},
                number__in={lot for _, _, lot in picked},
                quality_hold=True,
            ).values_list("item_id", "number", "hold_reason")
        }
        lots = [
            LotFact(sku, lot, (item_id, lot) in held, held.get((item_id, lot), ""))
            for item_id, sku, lot in sorted(picked, key=lambda r: (r[1], r[2]))
        ]
    ship_to = order.ship_to
    country = ship_to.country if ship_to is not None else None
    restrictions: tuple[RestrictionFact, ...] = ()
    if country and any(controlled(i.export_control_class) for i in item_facts):
        restrictions = tuple(
            RestrictionFact(r.country, r.control_class, r.reason)
            for r in ExportRestriction.objects.filter(country=country)
        )
    hazmat_methods: tuple[str, ...] = ()
    if any(i.un_number for i in item_facts) and not ship_method.hazmat_allowed:
        hazmat_methods = tuple(
            ShipMethod.objects.filter(active=True, hazmat_allowed=True)
            .order_by("code")
            .values_list("code", flat=True)
        )
    international_methods: tuple[str, ...] = ()
    if country and country != warehouse.country and not ship_method.international:
        international_methods = tuple(
            ShipMethod.objects.filter(active=True, international=True)
            .order_by("code")
            .values_list("code", flat=True)
        )
    return ShipmentFacts(
        warehouse_code=warehouse.code,
        warehouse_country=warehouse.country,
        emergency_contact=warehouse.hazmat_emergency_contact,
        method_code=ship_method.code,
        method_name=ship_method.name,
        hazmat_allowed=ship_method.hazmat_allowed,
        international=ship_method.international,
        destination_country=country,
        freight_payment=order.freight_payment,
        third_party_bill_to=third_party_bill_to,
        items=item_facts,
        lots=tuple(lots),
        restrictions=restrictions,
        hazmat_methods=hazmat_methods,
        international_methods=international_methods,
    )


def shipment_compliance(
    *,
    pick_list: PickList,
    ship_method: ShipMethod,
    third_party_bill_to: Mapping[str, Any] | None = None,
) -> list[ComplianceProblem]:
    """Every reason the pick list may not ship on this method (empty: it may)."""
    return problems_for(
        shipment_facts(
            pick_list=pick_list, ship_method=ship_method, third_party_bill_to=third_party_bill_to
        )
    )

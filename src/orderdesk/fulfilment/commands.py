"""The warehouse commands as the API and the pages call them: by id, with plain inputs.

Each looks the rows up through the selectors (so a refused role learns nothing and a row
that is not there is a 404), calls one service and reads the result back for display.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from orderdesk.core.apitools import REFERENCE_UNKNOWN
from orderdesk.core.errors import Invalid
from orderdesk.orders.models import SalesOrder
from orderdesk.parties.models import ShipMethod

from . import selectors
from .models import Package, PickList, Shipment, Wave
from .packing import PackageInput, pick_list_pack
from .picking import PickInput, pick_confirm
from .release import orders_release
from .shipping import shipment_confirm


def ship_method_by_code(code: str | None) -> ShipMethod | None:
    """The ship method a request names by code ("" or None: the order's)."""
    code = (code or "").strip()
    if not code:
        return None
    found = ShipMethod.objects.select_related("carrier").filter(code__iexact=code).first()
    if found is None:
        raise Invalid(
            REFERENCE_UNKNOWN,
            f"there is no ship method {code}",
            field="ship_method",
            fix="use the code of a ship method, e.g. UPS-GND",
        )
    return found


def release_by_warehouse(
    *,
    actor: Any,
    warehouse_id: int,
    order_ids: list[int] | None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> list[Wave]:
    warehouse = selectors.warehouse_get(user=actor, pk=warehouse_id)
    orders = None
    if order_ids is not None:
        found = {o.pk: o for o in SalesOrder.objects.filter(pk__in=order_ids)}
        missing = [i for i in order_ids if i not in found]
        if missing:
            raise Invalid(
                REFERENCE_UNKNOWN,
                f"there is no order with id {missing[0]}",
                field="orders",
            )
        orders = list(found.values())
    today = today or selectors.warehouse_today(warehouse, now)
    return orders_release(actor=actor, warehouse=warehouse, orders=orders, today=today, now=now)


def picks_by_id(
    *, actor: Any, pick_list_id: int, picks: list[PickInput], short_reason: str = ""
) -> PickList:
    pick_list = selectors.pick_list_get(user=actor, pk=pick_list_id)
    pick_confirm(actor=actor, pick_list=pick_list, picks=picks, short_reason=short_reason)
    return selectors.pick_list_get(user=actor, pk=pick_list_id)


def pack_by_id(
    *, actor: Any, pick_list_id: int, packages: list[PackageInput] | None
) -> list[Package]:
    pick_list = selectors.pick_list_get(user=actor, pk=pick_list_id)
    made = pick_list_pack(actor=actor, pick_list=pick_list, packages=packages)
    return list(
        Package.objects.filter(pk__in=[p.pk for p in made])
        .prefetch_related("lines__pick_line__item")
        .order_by("pk")
    )


def ship_by_id(
    *,
    actor: Any,
    pick_list_id: int,
    ship_date: dt.date | None = None,
    ship_method: str | None = None,
    tracking_number: str = "",
    pro_number: str = "",
    third_party_bill_to: Mapping[str, Any] | None = None,
    export_reason: str = "",
) -> Shipment:
    pick_list = selectors.pick_list_get(user=actor, pk=pick_list_id)
    shipment = shipment_confirm(
        actor=actor,
        pick_list=pick_list,
        ship_date=ship_date or selectors.warehouse_today(pick_list.warehouse),
        ship_method=ship_method_by_code(ship_method),
        tracking_number=tracking_number,
        pro_number=pro_number,
        third_party_bill_to=third_party_bill_to,
        export_reason=export_reason,
    )
    return selectors.shipment_get(user=actor, pk=shipment.pk)

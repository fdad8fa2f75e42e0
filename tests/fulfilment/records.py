"""A shipment of a given customer made directly as rows, for tests that need one without the
warehouse flow (tests/test_api_access.py's customer-scoped endpoints: RECORD_OF and LIST_OF
of /shipments and /shipments/{shipment_id})."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from orderdesk.fulfilment.models import PickList, PickListStatus, Shipment
from orderdesk.orders.models import SalesOrder
from orderdesk.parties.models import Carrier, ShipMethod

from ..factories import WarehouseFactory


def shipment_of(customer: Any) -> int:
    now = timezone.now()
    order = SalesOrder.objects.create(
        number=f"SO-S{customer.pk}",
        customer=customer,
        channel="api",
        order_date=dt.date(2026, 11, 2),
        payment_terms=customer.payment_terms,
        currency=customer.currency,
    )
    warehouse = WarehouseFactory()
    carrier = Carrier.objects.get_or_create(scac="UPSN", defaults={"name": "UPS"})[0]
    method = ShipMethod.objects.get_or_create(
        code="UPS-GND", defaults={"carrier": carrier, "name": "UPS Ground"}
    )[0]
    pick_list = PickList.objects.create(
        number=f"PK-S{customer.pk}",
        order=order,
        warehouse=warehouse,
        status=PickListStatus.SHIPPED,
        created_at=now,
    )
    shipment = Shipment.objects.create(
        number=f"SH-S{customer.pk}",
        order=order,
        pick_list=pick_list,
        warehouse=warehouse,
        customer=customer,
        ship_method=method,
        carrier=carrier,
        ship_date=dt.date(2026, 11, 3),
        created_at=now,
    )
    return int(shipment.pk)

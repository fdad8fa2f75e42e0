"""Helpers for purchase-order tests: a buyer and purchase orders made through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from orderdesk.core.roles import Role
from orderdesk.purchasing.models import PurchaseOrder
from orderdesk.purchasing.services import purchase_order_create, purchase_order_send

from ..factories import ItemFactory, UserFactory, VendorFactory, WarehouseFactory


def buyer() -> Any:
    return UserFactory(username="buyer", role=Role.DESK_COORDINATOR)


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def make_po(
    *,
    lines: list[tuple] | None = None,
    send: bool = False,
    actor: Any = None,
    **kwargs: Any,
) -> PurchaseOrder:
    actor = actor or buyer()
    kwargs.setdefault("vendor", VendorFactory())
    if not kwargs.get("drop_ship"):
        kwargs.setdefault("warehouse", WarehouseFactory())
    else:
        kwargs.setdefault("warehouse", None)
    kwargs.setdefault("expected_date", in_days(7))
    if lines is None:
        lines = [(ItemFactory(), Decimal(10), Decimal("4.25"))]
    po = purchase_order_create(actor=actor, lines=lines, **kwargs)
    if send:
        po = purchase_order_send(actor=actor, purchase_order=po)
    return po

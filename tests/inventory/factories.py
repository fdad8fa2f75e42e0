"""Factories for stock: lot-controlled items, second warehouses, lots."""

from __future__ import annotations

import factory

from orderdesk.catalog.models import Tracking
from orderdesk.inventory.models import Lot, Warehouse

from ..factories import ItemFactory


class LotItemFactory(ItemFactory):
    tracking = Tracking.LOT


class SerialItemFactory(ItemFactory):
    tracking = Tracking.SERIAL


class OtherWarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse
        django_get_or_create = ("code",)

    code = "DAL"
    name = "Dallas DC"
    timezone = "America/Chicago"


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot

    item = factory.SubFactory(LotItemFactory)
    number = factory.Sequence(lambda n: f"L{n:05d}")

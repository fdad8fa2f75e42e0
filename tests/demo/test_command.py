"""`orderdesk demo --no-serve` on the test database: loads once, then leaves data alone."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from orderdesk.catalog.models import Item
from orderdesk.core.models import User
from orderdesk.inventory.models import StockLevel, StockMovement
from orderdesk.parties.models import Address, Customer
from orderdesk.pricing.models import PriceListEntry

from ..factories import CustomerFactory

MODELS = (Customer, Address, Item, PriceListEntry, StockLevel, StockMovement, User)


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


@pytest.mark.django_db
def test_demo_loads_an_empty_database_once() -> None:
    assert _counts()["Customer"] == 0
    first = io.StringIO()
    call_command("demo", "--no-serve", "--seed", "3", stdout=first)
    after_first = _counts()
    assert after_first["Customer"] == 200
    assert after_first["Item"] == 2000
    assert after_first["User"] == 10  # one per role
    output = first.getvalue()
    assert "loaded in" in output and "demo1234" in output
    assert "portal" in output and "admin" in output

    second = io.StringIO()
    call_command("demo", "--no-serve", "--seed", "3", stdout=second)
    assert _counts() == after_first
    assert "not loaded again" in second.getvalue()


@pytest.mark.django_db
def test_demo_refuses_to_mix_with_an_existing_catalogue() -> None:
    CustomerFactory()
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    assert Customer.objects.count() == 1
    assert not Item.objects.exists()
    assert "not loaded again" in out.getvalue()

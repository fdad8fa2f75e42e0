"""Fixtures of the warehouse tests: the orders world, a clerk and a warehouse API client."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from orderdesk.core.roles import Role

from ..orders.world import World, build_world


@pytest.fixture
def desk(db: None) -> World:
    """build_world(): customer, warehouse CHI, 5 items with 100 each, UPS-GND and LTL-HAZ."""
    return build_world()


@pytest.fixture
def wh_api(api_client: Callable[..., Client]) -> Client:
    return api_client(Role.WAREHOUSE)

"""Billing test fixtures shared by the invoicing and ledger tests: one small order desk."""

from __future__ import annotations

import pytest

from ..orders.world import World, build_world


@pytest.fixture
def world(db: None) -> World:
    return build_world()

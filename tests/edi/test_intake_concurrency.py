"""The same e-mail taken in by several real processes at once (two pollers, a poller and a
clerk's `orderdesk edi mail`) makes one intake item and one order (PostgreSQL: the first to
insert the Message-ID reads the e-mail; the others wait on the unique index, then find it
taken)."""

from __future__ import annotations

import time

import pytest

from orderdesk.edi.models import IntakeItem
from orderdesk.orders.models import OrderFile, SalesOrder

from ..concurrency import run_in_processes
from ..orders.world import build_world
from .mailserver import csv_po, email_with


def take_in(raw: bytes, media_root: str, start_at: float) -> bool:
    """One poller: wait for the common start, then take the e-mail in; was it a duplicate?"""
    from django.conf import settings

    settings.MEDIA_ROOT = media_root
    from orderdesk.edi.intake import email_receive

    time.sleep(max(0.0, start_at - time.time()))
    return email_receive(raw=raw, source="race").duplicate


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_email_taken_in_by_four_processes_at_once_makes_one_order(tmp_path) -> None:
    world = build_world()
    raw = email_with(
        ("po.csv", csv_po(("PO-RACE", world.items[0].sku, "2")), "text/csv"),
        message_id="<race@buyer.test>",
    )
    start_at = time.time() + 4

    results = run_in_processes(
        "tests.edi.test_intake_concurrency:take_in",
        [(raw, str(tmp_path / "media"), start_at) for _ in range(4)],
        timeout=300,
    )

    assert sorted(results) == [False, True, True, True]
    item = IntakeItem.objects.get()
    order = SalesOrder.objects.get()
    assert (item.message_id, item.status, item.orders) == (
        "<race@buyer.test>",
        "done",
        [order.number],
    )
    assert OrderFile.objects.count() == 1

"""Helpers of the outbound EDI tests: orders of the EDI customer through the API, the
warehouse flow, and the documents we sent read back with our own codec."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from orderdesk.edi import codec
from orderdesk.edi.models import EdiDocument, TradingPartner
from orderdesk.edi.outbound import outbound_sweep
from orderdesk.edi.transport import partner_folders
from orderdesk.fulfilment.models import PickList

from ..fulfilment.flow import pack_one_carton, pick_all, pick_list_for, place, release, ship
from .world import EdiWorld


@pytest.fixture(autouse=True)
def outbound_storage(tmp_path: Path, settings: Any) -> None:
    """Stored interchanges and default partner folders under the test's own tmp_path
    (import this fixture into a test module to use it there)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.VAR_DIR = tmp_path / "var"
    settings.EDI_DROP_SETTLE_SECONDS = 0


def outbox(partner: TradingPartner) -> list[Path]:
    return sorted(partner_folders(partner).outbox.glob("*.x12"))


def read_one(text: str) -> codec.TransactionSet:
    """The only set of the only interchange in `text`, which must parse with no problems."""
    interchanges = list(codec.read(text))
    assert len(interchanges) == 1
    ic = interchanges[0]
    assert ic.all_problems() == [], [p.message for p in ic.all_problems()]
    assert ic.warnings == []
    assert len(ic.groups) == 1 and len(ic.groups[0].sets) == 1
    ts = ic.groups[0].sets[0]
    assert ts.problems == [], [p.message for p in ts.problems]
    assert ts.accepted
    return ts


def sent_text(doc: EdiDocument) -> str:
    doc.refresh_from_db()
    assert doc.interchange is not None
    with doc.interchange.raw.open("rb") as fh:
        return bytes(fh.read()).decode("utf-8")


def sent_set(doc: EdiDocument) -> codec.TransactionSet:
    return read_one(sent_text(doc))


def elements(ts: codec.TransactionSet, segment_id: str) -> list[list[str]]:
    return [list(s.elements) for s in ts.all(segment_id)]


def order_placed(client: Client, ew: EdiWorld, *lines: Any, **header: Any) -> dict:
    header.setdefault("customer_po", "PO-855")
    return place(client, ew.world, *lines, **header)


def shipped(
    client: Client,
    wh: Client,
    ew: EdiWorld,
    *lines: Any,
    ship_body: dict | None = None,
    **header: Any,
) -> tuple:
    """An order placed, released, picked, packed in one carton and shipped (then invoiced
    by the ship service); the queued documents are sent by the sweep."""
    order = order_placed(client, ew, *lines, **header)
    status, body = release(wh, ew.world, orders=[order["id"]])
    assert status == 200, body
    pl: PickList = pick_list_for(order["id"])
    pick_all(wh, pl.pk)
    pack_one_carton(wh, pl.pk)
    status, body = ship(wh, pl.pk, **{"pro_number": "PRO-778", **(ship_body or {})})
    assert status == 201, body
    outbound_sweep()
    return order, body

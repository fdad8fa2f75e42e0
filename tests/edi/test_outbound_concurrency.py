"""Four real processes send to one partner at once: every ISA13, GS06 and ST02 is handed out
exactly once (PostgreSQL: the partner row lock serialises the counters)."""

from __future__ import annotations

import datetime as dt

import pytest

from orderdesk.edi.models import Interchange, TradingPartner

from ..concurrency import run_in_processes
from .outbound_flow import (
    outbound_storage,  # noqa: F401  (autouse fixture)
    outbox,
)
from .world import build_edi_world

ACK_997 = [("AK1", "PO", "7"), ("AK2", "850", "0001"), ("AK5", "A"), ("AK9", "A", 1, 1, 1)]


def send_many(partner_id: int, count: int, media_root: str) -> list[tuple[str, int, list[int]]]:
    """One client: `count` interchanges of two 997s each, each its own transaction."""
    from django.conf import settings

    from orderdesk.edi.sending import interchange_send

    settings.MEDIA_ROOT = media_root  # the parent's test settings do not reach a child

    partner = TradingPartner.objects.get(pk=partner_id)
    out = []
    for _ in range(count):
        sent = interchange_send(
            partner=partner,
            sets=[("997", ACK_997), ("997", ACK_997)],
            now=dt.datetime.now(dt.UTC),
        )
        out.append((sent.interchange.control_number, sent.group_control, sent.set_controls))
    return out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_processes_sending_at_once_never_share_a_control_number(tmp_path, settings) -> None:
    partner = build_edi_world(tmp_path).partner

    results = run_in_processes(
        "tests.edi.test_outbound_concurrency:send_many",
        [(partner.pk, 10, str(settings.MEDIA_ROOT)) for _ in range(4)],
        timeout=300,
    )

    sent = [row for client in results for row in client]
    isa = sorted(int(r[0]) for r in sent)
    gs = sorted(r[1] for r in sent)
    st = sorted(n for r in sent for n in r[2])
    assert isa == list(range(1, 41))
    assert gs == list(range(1, 41))
    assert st == list(range(1, 81))
    for client in results:  # each client saw its own numbers strictly increasing
        assert [int(r[0]) for r in client] == sorted(int(r[0]) for r in client)
    assert Interchange.objects.filter(direction="out").count() == 40
    assert len(outbox(partner)) == 40
    assert len(list((tmp_path / "media").rglob("*.x12"))) == 40
    partner.refresh_from_db()
    assert (partner.next_isa, partner.next_gs, partner.next_st) == (41, 41, 81)

"""The same file received by several real processes at once makes one order (PostgreSQL: the
interchange claim is made under the partner row's lock)."""

from __future__ import annotations

import time

import pytest

from orderdesk.edi.models import EdiDocument, Interchange
from orderdesk.orders.models import SalesOrder

from ..concurrency import run_in_processes
from .inbound_world import TODAY, po_850
from .world import build_edi_world


def receive_at(path: str, media_root: str, start_at: float) -> list[str]:
    """One worker: wait for the common start, then take in the file; the statuses it saw."""
    from django.conf import settings

    settings.MEDIA_ROOT = media_root  # before storage is first used in this process
    from orderdesk.edi import duplicates
    from orderdesk.edi.inbound import interchange_file_receive

    # Widen the gap between "was it taken in before?" and recording it, so that without the
    # partner lock every worker would pass the check.
    check = duplicates.interchange_original

    def slow_check(**kwargs):  # type: ignore[no-untyped-def]
        found = check(**kwargs)
        time.sleep(0.5)
        return found

    duplicates.interchange_original = slow_check  # type: ignore[assignment]

    time.sleep(max(0.0, start_at - time.time()))
    result = interchange_file_receive(path=path, source="race", today=TODAY)
    return [ic.status for ic in result.interchanges]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_file_received_by_four_processes_at_once_makes_one_order(tmp_path) -> None:
    ew = build_edi_world(tmp_path)
    text = po_850(po="PO-RACE", lines=[("3", "EA", "10.00", "BP-1"), ("2", "EA", "10.00", "BP-2")])
    path = tmp_path / "race.x12"
    path.write_text(text)
    start_at = time.time() + 8

    results = run_in_processes(
        "tests.edi.test_inbound_concurrency:receive_at",
        [(str(path), str(tmp_path / "media"), start_at) for _ in range(4)],
        timeout=300,
    )

    assert sorted(s for r in results for s in r) == ["accepted"] + ["duplicate"] * 3
    order = SalesOrder.objects.get()
    assert order.customer_po == "PO-RACE"
    assert EdiDocument.objects.filter(direction="in").count() == 1
    first = Interchange.objects.get(direction="in", status="accepted")
    assert set(
        Interchange.objects.filter(direction="in", status="duplicate").values_list(
            "duplicate_of", flat=True
        )
    ) == {first.pk}
    assert ew.partner.interchanges.filter(direction="out").count() == 1  # one 997

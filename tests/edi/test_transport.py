"""The file-drop gateway: inbox → archive or error, files being written left alone."""

from __future__ import annotations

import io
import os
import time

import pytest

from orderdesk.edi.models import Interchange
from orderdesk.edi.transport import (
    dropbox_poll,
    outbox_file_write,
    partner_folders,
    poll_command,
)
from orderdesk.orders.models import SalesOrder

from .inbound_world import edi_world, po_850

pytestmark = pytest.mark.django_db


@pytest.fixture
def ew(tmp_path, settings):  # type: ignore[no-untyped-def]
    return edi_world(tmp_path, settings)


def _names(folder) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(p.name for p in folder.iterdir())


def test_folders_are_made_on_demand_under_the_partner_folder(ew, tmp_path):
    f = partner_folders(ew.partner)
    assert f.root == tmp_path / "acme"
    assert [p.is_dir() for p in (f.inbox, f.outbox, f.archive, f.error)] == [True] * 4


def test_folder_defaults_to_var_edi_code(ew, settings, tmp_path):
    ew.partner.folder = ""
    assert partner_folders(ew.partner, create=False).inbox == tmp_path / "var/edi/acme/inbox"


def test_poll_takes_an_inbox_file_makes_the_order_and_archives_it(ew):
    f = partner_folders(ew.partner)
    (f.inbox / "po-1.x12").write_text(po_850(po="PO-DROP"))
    result = dropbox_poll()
    assert (result.files, result.archived, result.errored, result.orders) == (1, 1, 0, 1)
    assert _names(f.inbox) == []
    [archived] = _names(f.archive)
    assert archived.endswith("-po-1.x12")
    assert SalesOrder.objects.get().customer_po == "PO-DROP"
    assert Interchange.objects.get(direction="in").source == "drop:acme/po-1.x12"


def test_the_same_file_dropped_twice_makes_no_second_order(ew):
    f = partner_folders(ew.partner)
    (f.inbox / "a.x12").write_text(po_850(po="PO-TWICE"))
    dropbox_poll()
    (f.inbox / "a.x12").write_text(po_850(po="PO-TWICE"))
    dropbox_poll()
    assert SalesOrder.objects.count() == 1
    assert len(_names(f.archive)) == 2
    assert list(
        Interchange.objects.filter(direction="in").order_by("pk").values_list("status", flat=True)
    ) == ["accepted", "duplicate"]


def test_files_being_written_or_too_fresh_are_left_for_the_next_poll(ew, settings):
    f = partner_folders(ew.partner)
    (f.inbox / "b.x12.tmp").write_text(po_850(po="PO-TMP"))
    (f.inbox / ".c.x12").write_text(po_850(po="PO-HIDDEN"))
    (f.inbox / "d.x12.part").write_text(po_850(po="PO-PART"))
    (f.inbox / "e.x12").write_text(po_850(po="PO-FRESH"))
    result = dropbox_poll(settle_seconds=60)
    assert (result.files, result.skipped) == (0, 4)
    assert SalesOrder.objects.count() == 0
    old = time.time() - 120
    os.utime(f.inbox / "e.x12", (old, old))
    result = dropbox_poll(settle_seconds=60)
    assert result.files == 1
    assert _names(f.inbox) == [".c.x12", "b.x12.tmp", "d.x12.part"]


def test_unreadable_file_goes_to_error_with_the_reason(ew):
    f = partner_folders(ew.partner)
    (f.inbox / "note.txt").write_text("please send 10 widgets")
    result = dropbox_poll()
    assert (result.files, result.errored) == (1, 1)
    names = _names(f.error)
    assert len(names) == 2 and names[0].endswith("-note.txt")
    assert names[1] == names[0] + ".error.txt"
    assert (f.error / names[1]).read_text() == (
        "drop:acme/note.txt: not readable as X12: no interchange header (ISA) found in the "
        "file\ncheck that the file is X12 (it starts with ISA)\n"
    )
    assert Interchange.objects.count() == 0


def test_a_file_from_another_sender_in_this_partners_folder_is_not_taken_in(ew):
    f = partner_folders(ew.partner)
    (f.inbox / "x.x12").write_text(po_850(sender="SOMEONE"))
    dropbox_poll()
    ic = Interchange.objects.get()
    assert ic.status == "unknown"
    assert SalesOrder.objects.count() == 0


def test_a_file_claimed_by_another_poller_is_not_taken_twice(ew):
    f = partner_folders(ew.partner)
    (f.inbox / ".processing-abc123-z.x12").write_text(po_850())
    result = dropbox_poll()
    assert result.files == 0
    assert SalesOrder.objects.count() == 0


def test_a_stale_claim_left_by_a_dead_poller_is_taken_again(ew, settings):
    settings.EDI_DROP_STALE_SECONDS = 60
    f = partner_folders(ew.partner)
    left = f.inbox / ".processing-abc123-z.x12"
    left.write_text(po_850(po="PO-STALE"))
    old = time.time() - 600
    os.utime(left, (old, old))
    result = dropbox_poll()
    assert result.files == 1
    assert _names(f.archive)[0].endswith("-z.x12")
    assert SalesOrder.objects.get().customer_po == "PO-STALE"


def test_outbox_file_write_is_whole_and_leaves_no_temporary_file(ew):
    path = outbox_file_write(ew.partner, "acme-855-000000001.x12", "ISA*…~")
    assert path == partner_folders(ew.partner).outbox / "acme-855-000000001.x12"
    assert path.read_text() == "ISA*…~"
    assert _names(path.parent) == ["acme-855-000000001.x12"]
    with pytest.raises(ValueError):
        outbox_file_write(ew.partner, "../escape.x12", "x")


def test_poll_command_prints_one_line_per_file(ew):
    f = partner_folders(ew.partner)
    (f.inbox / "one.x12").write_text(po_850(po="PO-CMD"))
    out = io.StringIO()
    poll_command(partner="acme", watch=False, interval=1, out=out)
    [line] = out.getvalue().splitlines()
    assert line.startswith("acme one.x12 -> archive/")
    number = SalesOrder.objects.get().number
    assert line.endswith(f"orders {number}; 1 reply(ies) sent")
    out = io.StringIO()
    poll_command(partner="acme", watch=False, interval=1, out=out)
    assert out.getvalue() == "no files waiting\n"

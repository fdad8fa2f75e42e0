"""The intake mailbox against a real IMAP server on loopback (pymap), and `orderdesk edi mail`."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from orderdesk.edi import mailbox
from orderdesk.edi.errors import EdiInvalid
from orderdesk.edi.mailbox import (
    mailbox_poll,
    mailbox_poll_configured,
    mailbox_url_parse,
)
from orderdesk.edi.models import IntakeItem
from orderdesk.orders.models import SalesOrder

from ..orders.world import build_world
from .mailserver import PASSWORD, PDF, USER, csv_po, email_with, free_port, imap_server

__all__ = ["imap_server"]  # the fixture, imported for pytest


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def world(db):
    return build_world()


def csv_mail(world, po: str, **kwargs) -> bytes:
    return email_with(("po.csv", csv_po((po, world.items[0].sku, "1")), "text/csv"), **kwargs)


# --- the URL -----------------------------------------------------------------------------------


def test_the_url_names_server_account_and_mailbox():
    box = mailbox_url_parse("imaps://orders%40acme.test:p%40ss%3Aw%2Frd@mail.acme.test/Orders%20In")
    assert (box.tls, box.host, box.port, box.user, box.password, box.mailbox) == (
        True,
        "mail.acme.test",
        993,
        "orders@acme.test",
        "p@ss:w/rd",
        "Orders In",
    )
    assert str(box) == "imaps://orders@acme.test@mail.acme.test:993/Orders In"
    plain = mailbox_url_parse("imap://u:p@127.0.0.1:1143")
    assert (plain.tls, plain.port, plain.mailbox) == (False, 1143, "INBOX")


@pytest.mark.parametrize(
    "url", ["pop3://u:p@host/INBOX", "imap:///INBOX", "imap://host/INBOX", "imap://u:p@h:99999/"]
)
def test_a_url_that_names_no_mailbox_is_refused(url):
    with pytest.raises(EdiInvalid) as exc:
        mailbox_url_parse(url)
    assert (exc.value.code, exc.value.field) == ("edi_mailbox_unreachable", "url")


# --- polling a real server ---------------------------------------------------------------------


def test_polling_takes_in_each_unseen_message_and_marks_it_seen(world, imap_server):
    folder = imap_server.new_mailbox()
    imap_server.append(folder, csv_mail(world, "PO-IMAP-1", message_id="<imap-1@buyer.test>"))
    imap_server.append(folder, email_with(("po.pdf", PDF, "application/pdf")))
    imap_server.append(folder, csv_mail(world, "PO-READ"), seen=True)  # read by someone: left

    lines = []
    taken = mailbox_poll(url=imap_server.url(folder), report=lambda r: lines.append(r.line()))

    assert taken == 2
    order = SalesOrder.objects.get()
    assert order.customer_po == "PO-IMAP-1"
    items = list(IntakeItem.objects.order_by("pk"))
    assert [(i.status, i.source) for i in items] == [("done", "email"), ("waiting", "email")]
    assert items[0].message_id == "<imap-1@buyer.test>"
    assert (
        lines[0]
        == f"<imap-1@buyer.test> from buyer@example.com: taken in: po.csv: 1 order {order.number}"
    )
    assert imap_server.unseen(folder) == 0
    assert mailbox_poll(url=imap_server.url(folder)) == 0


def test_a_message_delivered_twice_makes_one_order(world, imap_server):
    folder = imap_server.new_mailbox()
    raw = csv_mail(world, "PO-TWICE", message_id="<twice@buyer.test>")
    imap_server.append(folder, raw)
    assert mailbox_poll(url=imap_server.url(folder)) == 1
    imap_server.append(folder, raw)

    lines = []
    assert mailbox_poll(url=imap_server.url(folder), report=lambda r: lines.append(r.line())) == 1

    assert SalesOrder.objects.count() == 1 and IntakeItem.objects.count() == 1
    assert lines == [
        f"<twice@buyer.test> from buyer@example.com: already received "
        f"(intake item {IntakeItem.objects.get().pk}, done)"
    ]
    assert imap_server.unseen(folder) == 0


def test_a_message_that_fails_stays_unseen_and_the_others_go_in(world, imap_server, monkeypatch):
    folder = imap_server.new_mailbox()
    imap_server.append(folder, csv_mail(world, "PO-A", message_id="<a@buyer.test>"))
    imap_server.append(folder, csv_mail(world, "PO-B", message_id="<b@buyer.test>"))
    real = mailbox.email_receive

    def crash_on_a(*, raw, source):
        if b"<a@buyer.test>" in raw:
            raise RuntimeError("database went away")
        return real(raw=raw, source=source)

    monkeypatch.setattr(mailbox, "email_receive", crash_on_a)
    assert mailbox_poll(url=imap_server.url(folder)) == 1
    assert [o.customer_po for o in SalesOrder.objects.all()] == ["PO-B"]
    assert imap_server.unseen(folder) == 1

    monkeypatch.setattr(mailbox, "email_receive", real)
    assert mailbox_poll(url=imap_server.url(folder)) == 1
    assert sorted(o.customer_po for o in SalesOrder.objects.all()) == ["PO-A", "PO-B"]
    assert imap_server.unseen(folder) == 0


def test_a_server_that_does_not_answer_is_named(db):
    port = free_port()
    with pytest.raises(EdiInvalid) as exc:
        mailbox_poll(url=f"imap://u:secret@127.0.0.1:{port}/INBOX")
    assert exc.value.code == "edi_mailbox_unreachable"
    assert exc.value.message.startswith(f"the mailbox INBOX at 127.0.0.1:{port}: cannot be reached")
    assert "secret" not in exc.value.message


def test_a_wrong_password_or_mailbox_is_named(db, imap_server):
    with pytest.raises(EdiInvalid) as exc:
        mailbox_poll(url=imap_server.url(password="wrong"))
    assert exc.value.message == (
        f"the mailbox INBOX at 127.0.0.1:{imap_server.port}: refused the login of {USER} "
        "(Invalid authentication credentials.)"
    )
    with pytest.raises(EdiInvalid) as exc:
        mailbox_poll(url=imap_server.url("No Such Folder"))
    assert exc.value.message == (
        f"the mailbox No Such Folder at 127.0.0.1:{imap_server.port}: no such mailbox"
    )


def test_the_configured_mailbox(world, imap_server, settings):
    settings.ORDERDESK_INTAKE_IMAP_URL = ""
    assert mailbox_poll_configured() == 0
    folder = imap_server.new_mailbox()
    imap_server.append(folder, csv_mail(world, "PO-CONF"))
    settings.ORDERDESK_INTAKE_IMAP_URL = imap_server.url(folder)
    assert mailbox_poll_configured() == 1
    assert SalesOrder.objects.get().customer_po == "PO-CONF"


def test_the_intake_task_polls_the_configured_mailbox(world, imap_server, settings):
    from orderdesk.edi.tasks import intake_mailbox_poll

    folder = imap_server.new_mailbox()
    imap_server.append(folder, csv_mail(world, "PO-TASK"))
    settings.ORDERDESK_INTAKE_IMAP_URL = imap_server.url(folder)
    assert intake_mailbox_poll.call() == 1


# --- the command -------------------------------------------------------------------------------


def test_the_mail_command_reads_eml_files_and_the_mailbox(world, imap_server, tmp_path):
    eml = tmp_path / "po.eml"
    eml.write_bytes(email_with(("po.pdf", PDF, "application/pdf"), message_id="<file@b.test>"))
    folder = imap_server.new_mailbox()
    imap_server.append(folder, csv_mail(world, "PO-CMD", message_id="<cmd@b.test>"))
    out = io.StringIO()

    call_command("edi", "mail", str(eml), "--imap", imap_server.url(folder), stdout=out)

    item = IntakeItem.objects.get(message_id="<file@b.test>")
    order = SalesOrder.objects.get()
    box = mailbox_url_parse(imap_server.url(folder))
    assert out.getvalue().splitlines() == [
        f"{eml}: <file@b.test> from buyer@example.com: waits for a clerk (intake item "
        f"{item.pk}): {item.reason}",
        f"{box}: <cmd@b.test> from buyer@example.com: taken in: po.csv: 1 order {order.number}",
    ]
    assert PASSWORD not in out.getvalue()


def test_the_mail_command_fails_on_an_unreadable_file_or_an_unreachable_mailbox(
    db, tmp_path, settings
):
    settings.ORDERDESK_INTAKE_IMAP_URL = ""
    out = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("edi", "mail", str(tmp_path / "missing.eml"), stdout=out)
    assert str(exc.value) == "1 of 1 .eml files could not be taken in"
    assert out.getvalue().startswith(f"{tmp_path / 'missing.eml'}: cannot be read (")
    port = free_port()
    with pytest.raises(CommandError) as exc:
        call_command("edi", "mail", "--imap", f"imap://u:p@127.0.0.1:{port}/", stdout=out)
    assert str(exc.value).startswith(f"the mailbox INBOX at 127.0.0.1:{port}: cannot be reached")
    with pytest.raises(CommandError) as exc:
        call_command("edi", "mail", stdout=out)
    assert str(exc.value) == "name .eml files or --imap URL (or set ORDERDESK_INTAKE_IMAP_URL)"

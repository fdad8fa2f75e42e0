"""The intake mailbox: unseen e-mail fetched over IMAP, each message taken in on its own.

A message is marked \\Seen only after `email_receive` returned, which is after its intake
committed: a crash, a lost connection or one failing message leaves the rest unseen and
they are fetched again next time. Fetching twice is harmless because intake is keyed by
Message-ID. The mailbox is named by one URL (`imaps://user:password@host:993/INBOX`) so a
deployment configures it with one setting, ORDERDESK_INTAKE_IMAP_URL.
"""

from __future__ import annotations

import imaplib
import logging
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.management.base import CommandError

from .errors import EdiErrorCode, EdiInvalid
from .intake import EmailResult, email_receive

logger = logging.getLogger(__name__)

TIMEOUT = 60.0


@dataclass(frozen=True)
class MailboxUrl:
    tls: bool
    host: str
    port: int
    user: str
    password: str
    mailbox: str

    def __str__(self) -> str:
        """The URL without its password, for messages and logs."""
        scheme = "imaps" if self.tls else "imap"
        return f"{scheme}://{self.user}@{self.host}:{self.port}/{self.mailbox}"


def mailbox_url_parse(url: str) -> MailboxUrl:
    """`imap[s]://user:password@host[:port][/MAILBOX]`; user and password URL-encoded
    (an @ in a user name is %40)."""
    parts = urlsplit(url.strip())
    fix = "write it as imaps://user:password@host:993/INBOX (URL-encode @ and : as %40, %3A)"
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise EdiInvalid(
            EdiErrorCode.MAILBOX_UNREACHABLE,
            "the mailbox URL must start imap:// or imaps:// and name a host",
            field="url",
            fix=fix,
        )
    try:
        port = parts.port or (993 if parts.scheme == "imaps" else 143)
    except ValueError as exc:
        raise EdiInvalid(
            EdiErrorCode.MAILBOX_UNREACHABLE, f"the mailbox URL's port: {exc}", field="url", fix=fix
        ) from exc
    if not parts.username:
        raise EdiInvalid(
            EdiErrorCode.MAILBOX_UNREACHABLE, "the mailbox URL names no user", field="url", fix=fix
        )
    return MailboxUrl(
        tls=parts.scheme == "imaps",
        host=parts.hostname,
        port=port,
        user=unquote(parts.username),
        password=unquote(parts.password or ""),
        mailbox=unquote(parts.path.lstrip("/")) or "INBOX",
    )


def _quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _unreachable(box: MailboxUrl, what: str, fix: str) -> EdiInvalid:
    return EdiInvalid(
        EdiErrorCode.MAILBOX_UNREACHABLE,
        f"the mailbox {box.mailbox} at {box.host}:{box.port}: {what}",
        field="url",
        fix=fix,
    )


def _connect(box: MailboxUrl) -> imaplib.IMAP4:
    try:
        conn: imaplib.IMAP4
        if box.tls:
            context = ssl.create_default_context()
            conn = imaplib.IMAP4_SSL(box.host, box.port, ssl_context=context, timeout=TIMEOUT)
        else:
            conn = imaplib.IMAP4(box.host, box.port, timeout=TIMEOUT)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise _unreachable(
            box, f"cannot be reached ({exc})", "check the host and port, and that it is up"
        ) from exc
    try:
        conn.login(box.user, box.password)
        typ, _ = conn.select(_quoted(box.mailbox))
    except imaplib.IMAP4.error as exc:
        _logout(conn)
        raise _unreachable(
            box, f"refused the login of {box.user} ({_said(exc)})", "check the user and password"
        ) from exc
    except OSError as exc:
        raise _unreachable(box, f"the connection broke ({exc})", "try again") from exc
    if typ != "OK":
        _logout(conn)
        raise _unreachable(box, "no such mailbox", "check the mailbox name after the host")
    return conn


def _said(exc: BaseException) -> str:
    """What the server said, without imaplib's bytes repr and the response code."""
    text = str(exc)
    if text[:2] in ("b'", 'b"') and text[-1:] == text[1]:
        text = text[2:-1]
    if text.startswith("[") and "]" in text:
        text = text.split("]", 1)[1].strip()
    return text or type(exc).__name__


def _logout(conn: imaplib.IMAP4) -> None:
    try:
        conn.logout()
    except (OSError, imaplib.IMAP4.error):
        logger.debug("mailbox: logout failed", exc_info=True)


def _message_bytes(data: list[Any]) -> bytes | None:
    for entry in data:
        if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], bytes):
            return entry[1]
    return None


def mailbox_poll(*, url: str, report: Callable[[EmailResult], None] | None = None) -> int:
    """Take in every unseen message; the number taken in (already-received ones count).

    Raises EdiInvalid MAILBOX_UNREACHABLE when the server cannot be reached or refuses the
    login; a message whose intake fails stays unseen (logged) and the others go on.
    """
    box = mailbox_url_parse(url)
    conn = _connect(box)
    taken = 0
    try:
        typ, found = conn.uid("SEARCH", "UNSEEN")
        uids = found[0].split() if typ == "OK" and found and found[0] else []
        for uid in (u.decode() for u in uids):
            typ, data = conn.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = _message_bytes(data) if typ == "OK" else None
            if raw is None:
                logger.warning("mailbox %s: message uid %s could not be fetched", box, uid)
                continue
            source = f"imap {box.host}/{box.mailbox} uid {uid}"
            try:
                result = email_receive(raw=raw, source=source)
            except Exception:  # one bad message must not stop the others; it stays unseen
                logger.exception("mailbox %s: taking in message uid %s failed", box, uid)
                continue
            conn.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            taken += 1
            if report is not None:
                report(result)
    except (OSError, imaplib.IMAP4.abort) as exc:
        raise _unreachable(box, f"the connection broke ({exc})", "poll again") from exc
    finally:
        _logout(conn)
    return taken


def mailbox_poll_configured() -> int:
    """The configured intake mailbox (ORDERDESK_INTAKE_IMAP_URL); 0 when none is."""
    url = getattr(settings, "ORDERDESK_INTAKE_IMAP_URL", "") or ""
    if not url:
        return 0
    return mailbox_poll(url=url)


def _eml_take(name: str, out: Any) -> bool:
    try:
        raw = Path(name).read_bytes()
    except OSError as exc:
        out.write(f"{name}: cannot be read ({exc.strerror or exc})\n")
        return False
    try:
        result = email_receive(raw=raw, source=f"file {name}")
    except Exception as exc:  # the next file is still taken in; the command exits 1
        logger.exception("mail: taking in %s failed", name)
        out.write(f"{name}: taking in failed ({type(exc).__name__}: {exc})\n")
        return False
    out.write(f"{name}: {result.line()}\n")
    return True


def mail_command(*, eml: list[str], imap: str, watch: bool, interval: float, out: Any) -> None:
    """`orderdesk edi mail`: `.eml` files, then the mailbox (named, or the configured one).

    Exits 1 (CommandError) when a file could not be taken in or the mailbox cannot be
    reached; with `watch`, an unreachable mailbox is reported and polled again.
    """
    failed = sum(0 if _eml_take(name, out) else 1 for name in eml)
    url = imap or ("" if eml else getattr(settings, "ORDERDESK_INTAKE_IMAP_URL", "") or "")
    if not url and not eml:
        raise CommandError("name .eml files or --imap URL (or set ORDERDESK_INTAKE_IMAP_URL)")
    if url:
        _watch(url, watch=watch, interval=interval, out=out)
    if failed:
        raise CommandError(f"{failed} of {len(eml)} .eml files could not be taken in")


def _watch(url: str, *, watch: bool, interval: float, out: Any) -> None:
    box = mailbox_url_parse(url)

    def report(result: EmailResult) -> None:
        out.write(f"{box}: {result.line()}\n")

    while True:
        try:
            mailbox_poll(url=url, report=report)
        except EdiInvalid as exc:
            if not watch:
                raise CommandError(exc.message) from exc
            out.write(f"{exc.message}; trying again in {interval:g} s\n")
        if not watch:
            return
        time.sleep(interval)

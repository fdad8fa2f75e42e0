"""A real IMAP server on loopback for intake tests: pymap's in-memory backend in a child.

pymap speaks IMAP4rev1 over a real socket (LOGIN, SELECT, UID SEARCH/FETCH/STORE, APPEND),
so the mailbox client is tested against a server, not a mock. Messages are put in with
APPEND, as a mail server's delivery would; each test uses its own mailbox folder.
"""

from __future__ import annotations

import imaplib
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import pytest

USER = "intake@orderdesk.test"
PASSWORD = "p@ss:w/rd 1"  # needs URL-encoding: the client must decode it


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ImapServer:
    port: int
    process: subprocess.Popen[bytes]
    host: str = "127.0.0.1"

    def url(self, mailbox: str = "INBOX", *, password: str = PASSWORD) -> str:
        user, pw = quote(USER, safe=""), quote(password, safe="")
        return f"imap://{user}:{pw}@{self.host}:{self.port}/{quote(mailbox)}"

    def client(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4(self.host, self.port, timeout=10)
        conn.login(USER, PASSWORD)
        return conn

    def new_mailbox(self) -> str:
        name = f"Orders {uuid.uuid4().hex[:8]}"
        conn = self.client()
        try:
            typ, data = conn.create(f'"{name}"')
            assert typ == "OK", data
        finally:
            conn.logout()
        return name

    def append(self, mailbox: str, raw: bytes, *, seen: bool = False) -> None:
        conn = self.client()
        try:
            typ, data = conn.append(f'"{mailbox}"', "(\\Seen)" if seen else None, None, raw)
            assert typ == "OK", data
        finally:
            conn.logout()

    def unseen(self, mailbox: str) -> int:
        conn = self.client()
        try:
            conn.select(f'"{mailbox}"', readonly=True)
            _, data = conn.uid("SEARCH", "UNSEEN")
            return len(data[0].split()) if data and data[0] else 0
        finally:
            conn.logout()


def _wait_until_up(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = process.stdout.read().decode() if process.stdout else ""
            raise RuntimeError(f"pymap exited with {process.returncode}: {out}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("pymap did not listen within 20 s")


def start_server() -> ImapServer:
    pytest.importorskip("pymap")
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from pymap.main import main; main()",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-service",
            "admin",
            "dict",
            "--demo-user",
            USER,
            "--demo-password",
            PASSWORD,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(process, port)
    except BaseException:
        process.kill()
        process.wait()
        raise
    return ImapServer(port, process)


def stop_server(server: ImapServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    if server.process.stdout:
        server.process.stdout.close()


@pytest.fixture(scope="module")
def imap_server() -> Iterator[ImapServer]:
    server = start_server()
    try:
        yield server
    finally:
        stop_server(server)


# --- building e-mails ----------------------------------------------------------------------


def email_with(
    *attachments: tuple[str, bytes, str],
    sender: str = "buyer@example.com",
    subject: str = "PO attached",
    message_id: str | None = None,
    body: str = "Please find our PO attached.\n",
    logo: bytes = b"",
) -> bytes:
    """An e-mail as a mail program sends it; attachments as (file name, bytes, MIME type).
    `message_id` "" leaves the header out; None makes a fresh one."""
    from email.message import EmailMessage
    from email.utils import make_msgid

    msg = EmailMessage()
    msg["From"] = f"Buyer <{sender}>"
    msg["To"] = "orders@orderdesk.test"
    msg["Subject"] = subject
    if message_id is None:
        message_id = make_msgid(domain="mail.test")
    if message_id:
        msg["Message-ID"] = message_id
    msg.set_content(body)
    for name, data, mime in attachments:
        if mime == "message/rfc822":  # a forwarded e-mail travels as a message, not bytes
            from email import policy
            from email.parser import BytesParser

            msg.add_attachment(BytesParser(policy=policy.default).parsebytes(data), filename=name)
            continue
        maintype, subtype = mime.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    if logo:  # a signature logo, as mail programs put it: inline, named by a Content-ID
        msg.add_attachment(
            logo,
            maintype="image",
            subtype="png",
            filename="logo.png",
            disposition="inline",
            cid="<logo@mail.test>",
        )
    return msg.as_bytes()


def csv_po(*rows: tuple[str, str, str], customer: str = "") -> bytes:
    """A CSV PO in our template, rows as (PO, SKU, quantity), prepaid by UPS ground;
    `customer` fills a customer column (when the sender does not say whose it is)."""
    header = "customer_po,sku,quantity,freight_payment,ship_method"
    lines = [f"customer,{header}" if customer else header]
    for row in rows:
        cells = [*([customer] if customer else []), *row, "prepaid", "UPS-GND"]
        lines.append(",".join(cells))
    return ("\r\n".join(lines) + "\r\n").encode()


def xlsx_po(header: list[str], *rows: list[object]) -> bytes:
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"

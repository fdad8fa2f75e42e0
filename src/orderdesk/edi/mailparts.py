"""Reading an e-mail and its attachments: no database, only the standard library.

What an attachment is comes from its content, not its name or MIME type (mail programs
send CSV as application/vnd.ms-excel, phones name every file "attachment"): an X12
interchange starts with ISA, an XLSX is a ZIP holding xl/workbook.xml, text is a CSV
candidate. The order of attachments is stable for the same bytes, so an attachment's
index (`part`) names it across readings of one e-mail.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import zipfile
from dataclasses import dataclass
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import parseaddr
from pathlib import PurePath

READS = "OrderDesk reads X12, CSV and XLSX"

_SIGNATURES = {"application/pkcs7-signature", "application/x-pkcs7-signature",
               "application/pgp-signature", "application/pgp-keys"}  # fmt: skip
_NOT_TABLES = {
    "text/html": "an HTML page", "text/calendar": "a calendar invitation",
    "text/vcard": "a contact card", "text/x-vcard": "a contact card", "text/xml": "an XML file",
    "application/xml": "an XML file", "application/json": "a JSON file",
    "message/delivery-status": "a delivery report",
}  # fmt: skip
_NOT_TABLE_SUFFIXES = {
    ".html": "an HTML page", ".htm": "an HTML page", ".ics": "a calendar invitation",
    ".vcf": "a contact card", ".xml": "an XML file", ".json": "a JSON file",
    ".rtf": "an RTF document",
}  # fmt: skip
_IMAGES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Attachment:
    part: int
    filename: str
    content_type: str
    data: bytes
    inline: bool


def attachment_kind(data: bytes, filename: str, content_type: str = "") -> tuple[str, str]:
    """(kind, what it is in words), by content: a file's name and type are often wrong."""
    suffix = PurePath(filename).suffix.lower()
    content_type = content_type.lower()
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    if not body.strip():
        return "unreadable", "an empty file"
    if body.lstrip()[:3] == b"ISA":
        return "x12", "an X12 interchange"
    if data.startswith(b"%PDF"):
        return "unreadable", "a PDF"
    if data.startswith(_IMAGES) or content_type.startswith("image/"):
        return "unreadable", "an image"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(_OLE):
        if suffix == ".xls":
            return "unreadable", "an old Excel .xls workbook (save it as .xlsx or CSV)"
        return "unreadable", "an old-format Office file"
    if content_type in _SIGNATURES or suffix in (".p7s", ".asc", ".sig"):
        return "ignored", "a signature"
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "unreadable", f"a binary file ({content_type or 'unknown type'})"
    if content_type in _NOT_TABLES:
        return "unreadable", _NOT_TABLES[content_type]
    if suffix in _NOT_TABLE_SUFFIXES:
        return "unreadable", _NOT_TABLE_SUFFIXES[suffix]
    return "csv", "a CSV file"


def _zip_kind(data: bytes) -> tuple[str, str]:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "unreadable", "a damaged ZIP file"
    if "xl/workbook.xml" in names:
        return "xlsx", "an XLSX workbook"
    if "word/document.xml" in names:
        return "unreadable", "a Word document"
    return "unreadable", "a ZIP archive"


def table_name(filename: str, kind: str) -> str:
    """The name the table reader sees: its suffix must say what the content is."""
    path = PurePath(filename)
    wanted = (".xlsx", ".xlsm") if kind == "xlsx" else (".csv", ".txt", ".tsv")
    return filename if path.suffix.lower() in wanted else f"{path.stem or 'order'}{wanted[0]}"


def text_as_utf8(data: bytes, charset: str | None = None) -> bytes:
    """CSV in UTF-16 (Excel's "Unicode text") or a declared charset, as UTF-8."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return data
    plain = {"us-ascii", "ascii", "utf-8", "utf8", "iso-8859-1", "latin-1", "windows-1252"}
    if charset and charset.lower() not in plain:
        try:
            return data.decode(charset).encode("utf-8")
        except (LookupError, UnicodeDecodeError):
            return data
    return data


def attachments_of(message: Message) -> list[Attachment]:
    """Every attached file, forwarded messages' too, in a stable order (the `part` index)."""
    out: list[Attachment] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        if disposition != "attachment" and not filename:
            continue  # the text or HTML body
        try:
            payload = part.get_payload(decode=True)
        except (ValueError, LookupError):
            payload = None
        data = payload if isinstance(payload, bytes) else b""
        ctype = part.get_content_type()
        text = part.get_content_maintype() == "text"
        data = text_as_utf8(data, part.get_content_charset() if text else None)
        n = len(out)
        name = PurePath(str(filename or "").replace("\\", "/")).name.strip()[:150]
        # A picture the body shows (a signature logo) is inline and named by a Content-ID.
        inline = disposition != "attachment" and "content-id" in part
        out.append(Attachment(n, name or f"attachment-{n + 1}", ctype, data, bool(inline)))
    return out


def _header(message: Message, name: str) -> str:
    try:
        return " ".join(str(message.get(name, "") or "").split())
    except (ValueError, TypeError, IndexError):  # a malformed header reads as absent
        return ""


def message_id_of(message: Message, raw: bytes) -> str:
    """The Message-ID, or one made from the content so the same bytes are the same e-mail."""
    mid = _header(message, "message-id").strip()
    if not mid:
        mid = f"<sha256-{hashlib.sha256(raw).hexdigest()[:40]}@orderdesk.invalid>"
    if len(mid) > 250:
        mid = f"<sha256-{hashlib.sha256(mid.encode()).hexdigest()}@orderdesk.invalid>"
    return mid


def sender_of(message: Message) -> str:
    return parseaddr(_header(message, "from"))[1].strip().lower()[:250]


@dataclass
class MailMessage:
    message_id: str
    sender: str
    subject: str
    attachments: list[Attachment]


def mail_read(raw: bytes) -> MailMessage:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    return MailMessage(
        message_id=message_id_of(message, raw),
        sender=sender_of(message),
        subject=_header(message, "subject")[:250],
        attachments=attachments_of(message),
    )

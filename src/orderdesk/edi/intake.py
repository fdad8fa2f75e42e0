"""E-mail and file intake: POs that come as e-mail attachments or dropped spreadsheets.

Small customers do not trade by EDI; they e-mail a PO, as an X12 file, a spreadsheet or a
PDF. What can be read goes through the doors every other channel uses (X12 to
`inbound.interchange_file_receive`, CSV/XLSX to the order-file preview and import); what
cannot becomes an `IntakeItem` that waits for a clerk with the original attached and the
reason in words, so nothing a customer sent is ever lost.

Every e-mail leaves one `IntakeItem` keyed by its Message-ID: `done` when all of it was
taken in, `waiting` otherwise. The key makes intake idempotent (a mailbox fetched twice, a
`.eml` file dropped twice, two pollers at once: one item, one set of orders), and the whole
reading of one e-mail is one transaction, so a crash leaves nothing half-recorded and the
message is simply read again.

Only a sender known as a customer's (or contact's) address gets orders made automatically:
anyone can e-mail the mailbox, so a stranger's spreadsheet naming an account waits for a
clerk. The item's `errors` name each attachment (`part`) still waiting: a retry re-reads
only those, so what was taken in once is not taken in twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from orderdesk.core.audit import event_record
from orderdesk.core.errors import CoreErrorCode, DomainError
from orderdesk.core.importing_spec import SYSTEM
from orderdesk.core.roles import Capability, require
from orderdesk.orders.file_intake import order_file_import, order_file_preview
from orderdesk.orders.models import OrderFile
from orderdesk.orders.states import Channel
from orderdesk.parties.models import Contact, Customer, CustomerStatus

from . import inbound
from .errors import EdiInvalid
from .mailparts import (
    READS,
    Attachment,
    MailMessage,
    attachment_kind,
    mail_read,
    table_name,
    text_as_utf8,
)
from .models import DocumentStatus, IntakeItem, IntakeSource, IntakeStatus

logger = logging.getLogger(__name__)

BY_HAND_EMAIL = "enter the order by hand from the attached e-mail"
BY_HAND_FILE = (
    "correct the file and send it again, or enter the order by hand from the attached file"
)

#: Public mail providers: a shared domain says nothing about which customer wrote.
SHARED_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "yahoo.com", "ymail.com", "outlook.com", "hotmail.com",
        "live.com", "msn.com", "aol.com", "icloud.com", "me.com", "mac.com", "proton.me",
        "protonmail.com", "gmx.com", "gmx.net", "gmx.de", "web.de", "mail.com", "yandex.com",
        "yandex.ru", "zoho.com", "qq.com", "163.com", "comcast.net", "att.net", "verizon.net",
    }
)  # fmt: skip


# --- results -----------------------------------------------------------------------------


@dataclass
class PartOutcome:
    """What one attachment (or file) became: taken in, ignored, or waiting with why."""

    part: int | None
    filename: str
    kind: str  # x12 | csv | xlsx | ignored | unreadable | message
    taken_in: bool
    summary: str = ""
    orders: list[str] = field(default_factory=list)
    reason: str = ""
    errors: list[dict[str, Any]] = field(default_factory=list)
    order_file: OrderFile | None = None


@dataclass
class EmailResult:
    item: IntakeItem
    duplicate: bool = False
    parts: list[PartOutcome] = field(default_factory=list)

    @property
    def orders(self) -> list[str]:
        return list(self.item.orders or [])

    @property
    def waiting(self) -> bool:
        return self.item.status == IntakeStatus.WAITING

    def line(self) -> str:
        """One line saying what the e-mail became (for `orderdesk edi mail`)."""
        item = self.item
        head = f"{item.message_id} from {item.sender or 'unknown sender'}"
        if self.duplicate:
            return f"{head}: already received (intake item {item.pk}, {item.status})"
        if self.waiting:
            made = f"; orders {', '.join(item.orders)}" if item.orders else ""
            return f"{head}: waits for a clerk (intake item {item.pk}): {item.reason}{made}"
        done = [p.summary for p in self.parts if p.taken_in and p.kind != "ignored"]
        return f"{head}: taken in: {'; '.join(done)}"


@dataclass
class IntakeResult:
    """A spreadsheet PO: the orders it made, or the item waiting for a clerk."""

    item: IntakeItem | None
    orders: list[str]
    order_file: OrderFile | None = None
    parts: list[PartOutcome] = field(default_factory=list)

    @property
    def waiting(self) -> bool:
        return self.item is not None and self.item.status == IntakeStatus.WAITING


# --- reading what came (no writes) -------------------------------------------------------


def customer_for_address(address: str) -> tuple[Customer | None, str]:
    """The customer an address belongs to, or why none: exact address, then the domain.

    The domain counts only when exactly one customer has addresses there and it is not a
    public mail provider's (one customer's gmail contact does not make every gmail ours).
    """
    address = address.strip().lower()
    if "@" not in address:
        return None, "the e-mail names no sender address"
    exact = _owners(Q(email__iexact=address))
    if len(exact) == 1:
        return exact[0], ""
    if len(exact) > 1:
        accounts = ", ".join(c.account_number for c in exact)
        return None, f"the sender {address} is an address of several customers ({accounts})"
    domain = address.rsplit("@", 1)[1]
    shared = SHARED_DOMAINS | set(getattr(settings, "ORDERDESK_INTAKE_SHARED_DOMAINS", ()))
    unknown = f"the sender {address} is not the e-mail address of any customer or contact"
    if domain in shared or not domain:
        return None, unknown
    near = _owners(Q(email__iendswith=f"@{domain}"))
    if len(near) == 1:
        return near[0], ""
    if len(near) > 1:
        accounts = ", ".join(c.account_number for c in near)
        return None, f"{unknown}, and several customers have addresses at {domain} ({accounts})"
    return None, unknown


def _owners(email: Q) -> list[Customer]:
    """Open customers whose own address or a contact's matches (both models have `email`)."""
    open_customers = Customer.objects.exclude(status=CustomerStatus.CLOSED)
    ids = set(open_customers.filter(email).values_list("pk", flat=True))
    ids |= set(
        Contact.objects.filter(email, customer__in=open_customers).values_list(
            "customer_id", flat=True
        )
    )
    return list(Customer.objects.filter(pk__in=ids).order_by("account_number"))


# --- reading one attachment or file (through the channels' own services) -----------------


def _problem(att: Attachment | None, *, code: str, message: str, **more: Any) -> dict[str, Any]:
    """One entry of an item's `errors`: `part` names the attachment that still waits."""
    return {
        "part": att.part if att is not None else None,
        "attachment": att.filename if att is not None else "",
        "code": str(code),
        "row": more.pop("row", None),
        "column": more.pop("column", "") or "",
        "field": more.pop("field", "") or "",
        "message": message,
        "fix": more.pop("fix", "") or "",
        **more,
    }


def _waiting(att: Attachment, kind: str, reason: str, errors: list[dict[str, Any]]) -> PartOutcome:
    return PartOutcome(att.part, att.filename, kind, False, reason=reason, errors=errors)


@dataclass
class _Reading:
    """How one e-mail or file is read: who acts, for which customer, what a clerk does."""

    actor: Any
    today: dt.date
    customer: Customer | None
    by_hand: str
    label: str  # "the attachment" | "the file"
    source: str
    sender_problem: str = ""
    #: How the orders it makes arrived: an e-mail's attachment, or a file given to us.
    channel: str = Channel.FILE


def _read_part(att: Attachment, how: _Reading) -> PartOutcome:
    kind, what = attachment_kind(att.data, att.filename, att.content_type)
    in_mail = how.channel == Channel.EMAIL
    if in_mail and (kind == "ignored" or (att.inline and what == "an image")):
        return PartOutcome(
            att.part, att.filename, "ignored", True, summary=f"{att.filename}: {what}"
        )
    if kind in ("unreadable", "ignored"):
        reason = f"{how.label} {att.filename} is {what}: {READS}; {how.by_hand}"
        problem = _problem(att, code="attachment_unreadable", message=f"{att.filename} is {what}")
        return _waiting(att, "unreadable", reason, [problem])
    if how.sender_problem:
        fix = (
            "keep the address on one customer's contacts only and retry"
            if "an address of several customers" in how.sender_problem
            else "add the address to the customer's contacts and retry"
        )
        reason = f"{how.sender_problem}: {fix}, or {how.by_hand}"
        problem = _problem(att, code="sender_unknown", message=how.sender_problem, fix=fix)
        return _waiting(att, kind, reason, [problem])
    try:
        with transaction.atomic():
            if kind == "x12":
                return _read_x12(att, how)
            return _read_table(att, kind, how)
    except DomainError as exc:
        reason = f"{how.label} {att.filename} cannot be read: {exc.message}; {how.by_hand}"
        return _waiting(att, kind, reason, [_problem(att, **_error_fields(exc))])
    except Exception as exc:  # a bug must not lose the e-mail: it waits with the error
        logger.exception("intake: reading %s failed", att.filename)
        message = f"reading {att.filename} failed ({type(exc).__name__}: {exc})"
        reason = f"{message}; retry it, or {how.by_hand}"
        return _waiting(att, kind, reason, [_problem(att, code="reading_failed", message=message)])


def _error_fields(exc: DomainError) -> dict[str, Any]:
    return {"code": exc.code, "message": exc.message, "field": exc.field, "fix": exc.fix}


def _read_x12(att: Attachment, how: _Reading) -> PartOutcome:
    source = f"{how.source} {att.filename}"[:300]
    result = inbound.interchange_file_receive(
        data=att.data, source=source, actor=how.actor, today=how.today
    )
    documents = list(result.documents)
    orders = [o.number for o in result.orders]
    if not result.interchanges:
        message = f"{att.filename} holds no X12 interchange OrderDesk can read"
        reason = f"{how.label} {att.filename} holds no X12 interchange: {how.by_hand}"
        return _waiting(att, "x12", reason, [_problem(att, code="x12_empty", message=message)])
    summary = f"{att.filename}: {result.summary()}"
    stuck = [d for d in documents if d.status in (DocumentStatus.FAILED, DocumentStatus.REJECTED)]
    if stuck:
        summary += f"; {_count(len(stuck), 'document')} to look at on the EDI monitor"
    return PartOutcome(att.part, att.filename, "x12", True, summary=summary, orders=orders)


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _read_table(att: Attachment, kind: str, how: _Reading) -> PartOutcome:
    """All or nothing per file: a file with a bad row waits whole, so a retry never makes
    the good orders of it twice (orders without a PO cannot be told from a repeat)."""
    try:
        order_file = order_file_preview(
            actor=how.actor,
            data=att.data,
            file_name=table_name(att.filename, kind),
            customer=how.customer,
            today=how.today,
        )
    except DomainError as exc:
        fix = f" ({exc.fix})" if exc.fix else ""
        reason = (
            f"{how.label} {att.filename} cannot be read as an order file: "
            f"{exc.message}{fix}; {how.by_hand}"
        )
        return _waiting(att, kind, reason, [_problem(att, **_error_fields(exc))])
    entries = order_file.preview.get("orders", [])
    errors = _preview_problems(att, order_file)
    if not entries:
        errors = [_problem(att, code="no_orders", message=f"{att.filename} has no order rows")]
    if errors:
        return _waiting(att, kind, _table_reason(att, errors, how), errors)
    order_file = order_file_import(
        actor=how.actor, order_file=order_file, today=how.today, channel=how.channel
    )
    results = order_file.result.get("orders", [])
    orders = [r["number"] for r in results if r.get("number")]
    failed = [r for r in results if r["status"] == "not_imported"]
    if failed:
        errors = [
            _problem(
                att,
                code=r["error"]["code"],
                message=f"order {r['customer_po'] or r['order']} (rows {r['first_row']}-"
                f"{r['last_row']}) was not taken in: {r['error']['message']}",
                fix=r["error"].get("fix") or "",
                row=r["first_row"],
                order_file=order_file.pk,
            )
            for r in failed
        ]
        outcome = _waiting(att, kind, _table_reason(att, errors, how), errors)
        outcome.orders, outcome.order_file = orders, order_file
        return outcome
    held = sum(1 for r in results if r["status"] == "held")
    again = sum(1 for r in results if r["status"] == "already_received")
    summary = f"{att.filename}: {_count(len(orders), 'order')} {', '.join(orders)}"
    if held:
        summary += f" ({held} on hold)"
    if again:
        summary += f" ({again} already received)"
    return PartOutcome(
        att.part, att.filename, kind, True, summary=summary, orders=orders, order_file=order_file
    )


def _preview_problems(att: Attachment, order_file: OrderFile) -> list[dict[str, Any]]:
    out = []
    for entry in order_file.preview.get("orders", []):
        for p in entry["errors"]:
            out.append(
                _problem(
                    att,
                    code="row_error",
                    message=p["message"],
                    row=p["row"],
                    column=p["column"],
                    field=p["field"],
                    fix=p["fix"],
                    order_file=order_file.pk,
                )
            )
        if entry["status"] == "refused":
            error = entry.get("error") or {}
            out.append(
                _problem(
                    att,
                    code=error.get("code", "refused"),
                    message=f"order {entry['customer_po'] or entry['order']} (rows "
                    f"{entry['first_row']}-{entry['last_row']}): {error.get('message', '')}",
                    row=entry["first_row"],
                    field=error.get("field") or "",
                    fix=error.get("fix") or "",
                    order_file=order_file.pk,
                )
            )
    return out


def _table_reason(att: Attachment, errors: list[dict[str, Any]], how: _Reading) -> str:
    first = errors[0]
    where = f"row {first['row']} " if first["row"] and first["code"] == "row_error" else ""
    column = f"{first['column']}: " if first["column"] else ""
    more = len(errors) - 1
    tail = f" (and {_count(more, 'more problem')})" if more else ""
    return (
        f"{how.label} {att.filename} cannot be taken in: {where}{column}{first['message']}"
        f"{tail}; {how.by_hand}"
    )


# --- settling an item --------------------------------------------------------------------


def _settle(
    item: IntakeItem, outcomes: list[PartOutcome], *, taken_before: bool, nothing: str
) -> None:
    """The item's status, reason, errors and orders from what was read this time."""
    waiting = [o for o in outcomes if not o.taken_in]
    taken = taken_before or any(o.taken_in and o.kind != "ignored" for o in outcomes)
    if not waiting and not taken:
        problem = _problem(None, code="no_attachment", message=nothing.split(":")[0])
        waiting = [PartOutcome(None, "", "message", False, reason=nothing, errors=[problem])]
    item.errors = [e for o in waiting for e in o.errors]
    item.reason = "; ".join(dict.fromkeys(o.reason for o in waiting))
    item.orders = list(
        dict.fromkeys([*(item.orders or []), *(n for o in outcomes for n in o.orders)])
    )
    item.status = IntakeStatus.WAITING if waiting else IntakeStatus.DONE


def _outline(outcomes: list[PartOutcome]) -> list[dict[str, Any]]:
    return [
        {"file": o.filename, "kind": o.kind, "taken_in": o.taken_in, "what": o.summary or o.reason}
        for o in outcomes
    ]


NO_ATTACHMENT = f"the e-mail has no attachment to read ({READS}): {BY_HAND_EMAIL}"
_ITEM_FIELDS = ["customer", "status", "reason", "errors", "orders", "resolved_by", "resolved_at"]


# --- e-mail ------------------------------------------------------------------------------


def email_receive(
    *, raw: bytes, source: str, actor: Any = SYSTEM, today: dt.date | None = None
) -> EmailResult:
    """Take in one e-mail (RFC 822 bytes); the same Message-ID again makes nothing new.

    One transaction: the item, its stored original and every order and document made
    commit together. Call outside a transaction, so "returned" means "committed" (the
    mailbox marks a message seen only then).
    """
    require(actor, Capability.EDI_OPERATE)
    mail = mail_read(raw)
    known = IntakeItem.objects.filter(message_id=mail.message_id).first()
    if known is not None:
        return EmailResult(known, duplicate=True)
    today = today or timezone.localdate()
    with transaction.atomic():
        item = IntakeItem(
            source=IntakeSource.EMAIL,
            message_id=mail.message_id,
            sender=mail.sender,
            subject=mail.subject,
            received_at=timezone.now(),
            filename=f"{slugify(mail.subject)[:80] or 'message'}.eml",
            status=IntakeStatus.WAITING,
            reason="being read",
        )
        item.original = ContentFile(raw, name=f"{slugify(mail.message_id)[:80] or 'mail'}.eml")
        try:
            with transaction.atomic():
                item.save()
        except IntegrityError:  # another poller took the same message in meanwhile
            return EmailResult(IntakeItem.objects.get(message_id=mail.message_id), duplicate=True)
        outcomes = _read_email(item, mail, actor=actor, today=today, only=None)
        _settle(item, outcomes, taken_before=False, nothing=NO_ATTACHMENT)
        item.save(update_fields=_ITEM_FIELDS)
        event_record(
            actor=actor,
            obj=item,
            action="edi.intake_item.received",
            after={
                "source": source[:300],
                "message_id": mail.message_id,
                "status": item.status,
                "customer": item.customer.account_number if item.customer else None,
                "orders": item.orders,
                "parts": _outline(outcomes),
            },
        )
    return EmailResult(item, parts=outcomes)


def _read_email(
    item: IntakeItem, mail: MailMessage, *, actor: Any, today: dt.date, only: set[int] | None
) -> list[PartOutcome]:
    customer, problem = customer_for_address(mail.sender)
    item.customer = customer
    how = _Reading(
        actor=actor,
        today=today,
        customer=customer,
        by_hand=BY_HAND_EMAIL,
        label="the attachment",
        source=f"email {mail.message_id}",
        sender_problem=problem,
        channel=Channel.EMAIL,
    )
    return [_read_part(a, how) for a in mail.attachments if only is None or a.part in only]


# --- spreadsheet files -------------------------------------------------------------------


def spreadsheet_po_receive(
    *,
    actor: Any,
    data: bytes,
    file_name: str,
    customer: Customer | None = None,
    source: str = IntakeSource.UPLOAD,
    today: dt.date | None = None,
) -> IntakeResult:
    """A CSV/XLSX PO file uploaded or dropped: its orders, or an item waiting for a clerk.

    `customer` is whom the file is for (a file naming another account is refused); without
    it, the file's customer column says. An X12 file given here goes to the EDI inbound.
    """
    require(actor, Capability.EDI_OPERATE)
    if source not in (IntakeSource.UPLOAD, IntakeSource.FILE_DROP):
        raise EdiInvalid(
            CoreErrorCode.INVALID,
            f"source {source!r} is not a file source",
            field="source",
            fix="use upload or drop (e-mail comes in through email_receive)",
        )
    name = PurePath(str(file_name or "").replace("\\", "/")).name.strip()[:150] or "upload.csv"
    today = today or timezone.localdate()
    how = _Reading(actor, today, customer, BY_HAND_FILE, "the file", source=str(source))
    with transaction.atomic():
        outcome = _read_part(Attachment(0, name, "", text_as_utf8(data), False), how)
        if outcome.taken_in:
            return IntakeResult(None, outcome.orders, outcome.order_file, [outcome])
        item = IntakeItem(
            source=source,
            sender=_actor_name(actor),
            subject=name,
            received_at=timezone.now(),
            filename=name,
            customer=customer,
        )
        item.original = ContentFile(data, name=name)
        _settle(item, [outcome], taken_before=False, nothing=outcome.reason)
        item.save()
        event_record(
            actor=actor,
            obj=item,
            action="edi.intake_item.received",
            after={
                "source": str(source),
                "file": name,
                "status": item.status,
                "customer": customer.account_number if customer else None,
                "orders": item.orders,
                "parts": _outline([outcome]),
            },
        )
    return IntakeResult(item, list(item.orders), outcome.order_file, [outcome])


def _actor_name(actor: Any) -> str:
    return str(getattr(actor, "username", "") or "system")[:250]


# --- the clerk's actions -----------------------------------------------------------------

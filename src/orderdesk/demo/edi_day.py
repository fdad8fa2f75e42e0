"""The demo desk's EDI and mailbox morning: a retail chain trading by X12, and e-mails.

One demo customer becomes trading partner `demo-retail`, with item cross-references (buyer
part numbers and UPCs) and a ship-to location map. Its 850s arrive the way a partner's
VAN would leave them: a file in the partner's inbox folder, taken in by the same
`dropbox_poll` as `orderdesk edi poll`. Most become orders untouched; one carries a price
from an old quote (price hold), one names a part we have no cross-reference for (fails,
waits for a clerk), one file is bad X12 ("EACH" as a unit: rejected, the partner must
resend), and the first file arrives twice (a duplicate, no second order). Two e-mails land
in the intake mailbox: one with a PDF purchase order (waits for a clerk with the e-mail
attached) and one with a CSV file from the customer's buyer (becomes an order).
"""

from __future__ import annotations

import datetime as dt
import random
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from orderdesk.billing.models import Receivable
from orderdesk.catalog.models import Item
from orderdesk.core.errors import DomainError
from orderdesk.core.importing_spec import SYSTEM
from orderdesk.edi import codec
from orderdesk.edi.intake import email_receive
from orderdesk.edi.models import TradingPartner
from orderdesk.edi.partners import partner_create, partner_item_set
from orderdesk.edi.transport import dropbox_poll, partner_folders
from orderdesk.orders.models import SalesOrder
from orderdesk.parties.models import Address, Contact, Customer, CustomerStatus

from .orders_day import _stocked_items

PARTNER_CODE = "demo-retail"
PARTNER_ISA = "DEMORETAIL"
OUR_ISA = "ORDERDESK"


def _customer() -> tuple[Customer, Address] | None:
    for customer in Customer.objects.filter(status=CustomerStatus.ACTIVE).order_by("pk"):
        ship_to = (
            Address.objects.filter(customer=customer, kind="ship_to", active=True, country="US")
            .order_by("pk")
            .first()
        )
        clean = not (
            Receivable.objects.filter(customer=customer).exists()
            or SalesOrder.objects.filter(customer=customer).exists()
        )
        if ship_to is not None and clean and customer.credit_limit >= 20000:
            return customer, ship_to
    return None


def _partner(customer: Customer, ship_to: Address, items: list[Item]) -> TradingPartner:
    partner = partner_create(
        actor=SYSTEM,
        reason="demo: trading partner set-up",
        code=PARTNER_CODE,
        name=f"{customer.name} (EDI)",
        customer_id=customer.pk,
        isa_qualifier="ZZ",
        isa_id=PARTNER_ISA,
        gs_id=PARTNER_ISA,
        our_isa_qualifier="ZZ",
        our_isa_id=OUR_ISA,
        our_gs_id=OUR_ISA,
        documents=["850", "860", "855", "856", "810", "846", "997"],
        location_map={"0042": ship_to.code},
        uom_map={"CA": "CS"},
    )
    for n, item in enumerate(items, start=1):
        partner_item_set(
            actor=SYSTEM,
            partner=partner,
            item_sku=item.sku,
            buyer_part=f"DR-{10000 + n}",
            upc=f"{614141000000 + n:012d}",
        )
    return partner


def _po(n: int, lines: list[tuple[int, str, str, str | None]], day: dt.date) -> list[tuple]:
    """One 850's segments: lines as (quantity, unit, buyer part, price or None)."""
    segments: list[tuple] = [
        ("BEG", "00", "SA", f"DR{day:%y%m%d}{n:03d}", None, day),
        ("FOB", "PP"),
        ("DTM", "002", day + dt.timedelta(days=5)),
        ("TD5", None, "2", "UPSN", None, "UPS-GND"),
        ("N1", "ST", "Demo Retail store 42", "92", "0042"),
    ]
    for k, (qty, unit, part, price) in enumerate(lines, start=1):
        segments.append(("PO1", str(k), qty, unit, price, None, "BP", part))
    segments.append(("CTT", len(lines)))
    return segments


def _file(partner: TradingPartner, isa: int, pos: list[list[tuple]], day: dt.date) -> str:
    at = dt.datetime.combine(day, dt.time(6, 30))
    return codec.write(
        codec.OutInterchange(
            sender_qualifier="ZZ",
            sender_id=PARTNER_ISA,
            receiver_qualifier="ZZ",
            receiver_id=OUR_ISA,
            control_number=isa,
            date=at,
            groups=[
                codec.OutGroup(
                    functional_id="PO",
                    sender_id=PARTNER_ISA,
                    receiver_id=OUR_ISA,
                    control_number=isa,
                    date=at,
                    sets=[
                        codec.OutSet("850", k, segments) for k, segments in enumerate(pos, start=1)
                    ],
                )
            ],
        )
    )


def _email(sender: str, subject: str, filename: str, content: bytes, mime: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "orders@orderdesk.example.com"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    msg["Message-ID"] = make_msgid(domain="demo.example.com")
    msg.set_content("Please find our purchase order attached.\n")
    maintype, subtype = mime.split("/")
    msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def run_edi_morning(*, seed: int, today: dt.date) -> dict[str, int]:
    """Set up the partner, drop its files, poll the inbox, read two e-mails; counts."""
    rng = random.Random(seed * 31337 + 5)
    found = _customer()
    items = _stocked_items(12)
    if found is None or len(items) < 8:
        return {}
    customer, ship_to = found
    partner = _partner(customer, ship_to, items)
    parts = [f"DR-{10000 + n}" for n in range(1, len(items) + 1)]

    def lines(k: int) -> list[tuple[int, str, str, str | None]]:
        return [(rng.choice((2, 4, 6, 12)), "EA", p, None) for p in rng.sample(parts, k)]

    clean = [_po(n, lines(rng.randint(2, 4)), today) for n in range(1, 5)]
    price_hold = _po(5, [(6, "EA", parts[0], "0.50"), *lines(1)], today)
    unknown_part = _po(6, [(3, "EA", "DR-99999", None), *lines(1)], today)
    inbox = partner_folders(partner).inbox
    first = _file(partner, 1001, [*clean, price_hold, unknown_part], today)
    (inbox / f"850-{today:%Y%m%d}-1001.x12").write_text(first)
    bad = _file(partner, 1002, [_po(7, lines(2), today)], today)
    bad = bad.replace("*EA*", "*EACH*", 1)  # the partner's translator slipped
    (inbox / f"850-{today:%Y%m%d}-1002.x12").write_text(bad)
    counts: dict[str, int] = {"edi_files": dropbox_poll(partner=partner, settle_seconds=0).files}
    (inbox / f"850-{today:%Y%m%d}-1001-resent.x12").write_text(first)  # sent twice
    counts["edi_files"] += dropbox_poll(partner=partner, settle_seconds=0).files

    buyer = Contact.objects.filter(customer=customer).exclude(email="").order_by("pk").first()
    sender = buyer.email if buyer is not None else customer.email
    mails = [
        _email(
            sender, "PO 7781 (scan)", "PO-7781.pdf", b"%PDF-1.4\n% scanned PO\n", "application/pdf"
        ),
    ]
    if sender:
        csv = "sku,quantity\n" + "\n".join(f"{i.sku},{rng.randint(1, 5)}" for i in items[:3])
        mails.append(_email(sender, "Order for next week", "order.csv", csv.encode(), "text/csv"))
    for raw in mails:
        try:
            email_receive(raw=raw, source="demo: orders mailbox", today=today)
            counts["emails"] = counts.get("emails", 0) + 1
        except DomainError:
            counts["emails_refused"] = counts.get("emails_refused", 0) + 1
    return counts

"""The 810 invoice, from an invoice as posted.

- BIG: invoice date and number, PO date and number.
- N1 loops: RE (remit to: us), BT (bill to, as invoiced), ST (ship to, their location code).
- ITD: the terms (basic, from the invoice date; discount percent and days; net days).
- DTM*011: the ship date of the shipment invoiced.
- IT1 per invoice line: the 850's PO1-01, quantity in the unit ordered (their code), unit
  price, buyer part / UPC / our SKU.
- TDS: the invoice total in cents (N2); TXI: the sales tax; SAC: each charge (freight and
  surcharges), and, when the lines' extensions (IT102 × IT104, rounded to cents) do not add up
  to the merchandise booked (a line discount, a partial shipment's rounding), one allowance or
  charge "adjustment" for the difference, so the document reconciles as partners check it:
  TDS = Σ IT1 extension + Σ SAC (charges − allowances) + TXI.
- CTT: IT1 count and the hash total of the quantities.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from orderdesk.billing.models import Invoice, InvoiceCharge, InvoiceLine
from orderdesk.core.money import minor_exponent

from .docs_common import (
    PoRef,
    Segment,
    item_refs,
    our_name,
    plain,
    product_ids,
    seg,
    their_location,
    their_unit,
)
from .models import TradingPartner

ZERO = Decimal(0)
#: SAC02 service, promotion, allowance or charge codes (1300).
FREIGHT, HANDLING, ADJUSTMENT = "D240", "H090", "C310"
CHARGE_CODES = {"freight": FREIGHT, "shipping": FREIGHT, "handling": HANDLING}


def _cents(amount: Decimal, currency: str) -> Decimal:
    """An amount at the currency's minor unit, for N2 elements (the writer scales it)."""
    return amount.quantize(Decimal(1).scaleb(-minor_exponent(currency)), rounding=ROUND_HALF_UP)


def extension(quantity: Decimal, price: Decimal, currency: str) -> Decimal:
    return _cents(quantity * price, currency)


def _ordered(line: InvoiceLine) -> tuple[Decimal, str]:
    """Invoice quantities are base units; the PO speaks in the unit ordered."""
    order_line = line.order_line
    factor = order_line.factor or Decimal(1)
    unit = line.uom_code or order_line.uom_code or "EA"
    return (line.quantity / factor if factor != 1 else line.quantity), unit


def segments_810(
    *, partner: TradingPartner, invoice: Invoice, po: PoRef, ship_date: dt.date | None
) -> list[Segment]:
    """The 810's segments (no ST/SE); reads the invoice's rows, writes nothing."""
    currency = invoice.currency
    lines = list(
        InvoiceLine.objects.filter(invoice=invoice)
        .select_related("order_line", "item")
        .order_by("line_no")
    )
    charges = list(InvoiceCharge.objects.filter(invoice=invoice).order_by("pk"))
    refs = item_refs(partner, [ln.item_id for ln in lines])
    order = invoice.order
    out: list[Segment] = [
        seg(
            "BIG",
            invoice.invoice_date,
            invoice.number,
            po.po_date or order.order_date,
            invoice.customer_po or po.po_number,
        ),
        seg("CUR", "SE", currency),
        seg("N1", "RE", our_name()),
    ]
    bill_to: dict[str, Any] = invoice.bill_to or {}
    if bill_to:
        out.append(
            seg(
                "N1",
                "BT",
                str(bill_to.get("name") or invoice.customer.name)[:60],
                "92" if bill_to.get("code") else None,
                bill_to.get("code") or None,
            )
        )
    if order.ship_to is not None:
        out.append(
            seg(
                "N1",
                "ST",
                order.ship_to.name[:60],
                "92",
                their_location(partner, order.ship_to.code),
            )
        )
    terms = invoice.payment_terms
    discount = terms.discount_percent > 0 and terms.discount_days > 0
    out.append(
        seg(
            "ITD",
            "01",
            "3",
            plain(terms.discount_percent) if discount else None,
            invoice.discount_date if discount else None,
            terms.discount_days if discount else None,
            invoice.due_date,
            terms.net_days,
            None,
            None,
            None,
            None,
            terms.description[:80],
        )
    )
    if ship_date is not None:
        out.append(seg("DTM", "011", ship_date))

    lines_total = ZERO
    hash_total = ZERO
    for line in lines:
        quantity, unit = _ordered(line)
        quantity = plain(quantity)
        hash_total += quantity
        lines_total += extension(quantity, line.unit_price, currency)
        po_line = po.lines.get(line.order_line.line_no)
        out.append(
            seg(
                "IT1",
                po_line.assigned_id if po_line is not None else str(line.order_line.line_no),
                quantity,
                their_unit(partner, unit),
                plain(line.unit_price),
                None,
                *product_ids(po_line=po_line, ref=refs.get(line.item_id or 0), sku=line.sku),
            )
        )
    out.append(seg("TDS", _cents(invoice.total, currency)))
    if invoice.tax_total:
        out.append(seg("TXI", "ST", _cents(invoice.tax_total, currency)))
    for charge in charges:
        code = CHARGE_CODES.get(
            charge.code.lower(), FREIGHT if "freight" in charge.code.lower() else HANDLING
        )
        out.append(
            seg(
                "SAC",
                "C" if charge.amount >= 0 else "A",
                code,
                None,
                None,
                _cents(abs(charge.amount), currency),
                *([None] * 9),
                (charge.description or charge.code)[:80],
            )
        )
    difference = _cents(invoice.merchandise, currency) - lines_total
    if difference:
        out.append(
            seg(
                "SAC",
                "C" if difference > 0 else "A",
                ADJUSTMENT,
                None,
                None,
                abs(difference),
                *([None] * 9),
                "Adjustment to the invoiced merchandise amount",
            )
        )
    out.append(seg("CTT", len(lines), hash_total))
    return out


def reconciles(segments: list[Segment], currency: str = "USD") -> bool:
    """TDS = Σ IT1 extension + Σ SAC charges − allowances + Σ TXI, on the segments themselves
    (what the partner's invoice audit computes)."""
    total = ZERO
    tds = None
    for s in segments:
        if s[0] == "IT1":
            total += extension(Decimal(s[2]), Decimal(s[4]), currency)
        elif s[0] == "SAC":
            sign = 1 if s[1] == "C" else -1
            total += sign * Decimal(s[5])
        elif s[0] == "TXI":
            total += Decimal(s[2])
        elif s[0] == "TDS":
            tds = Decimal(s[1])
    return tds is not None and tds == total

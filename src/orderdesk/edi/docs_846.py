"""The 846 inventory inquiry/advice: what we can promise today of each cross-referenced item.

BIA*00*MM (original, merchandise management) with a report number and date; per partner
item a LIN (buyer part / UPC / our SKU) and QTY*33 (quantity available for sale) in the
item's base unit (their code). The quantity is today's ATP over all active warehouses: free
stock less backorders already promised, never below zero (a partner reads a negative as an
error, not as "you are queued behind others").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from orderdesk.catalog.models import ItemStatus
from orderdesk.inventory.availability import atp_profiles, backorder_demand

from .docs_common import Segment, plain, seg, their_unit
from .models import PartnerItem, TradingPartner

ZERO = Decimal(0)
#: QTY01 quantity qualifier (673): quantity available for sale (stock quantity).
AVAILABLE = "33"


def available_today(item_ids: list[int], today: dt.date) -> dict[int, Decimal]:
    demand = backorder_demand(item_ids)
    profiles = atp_profiles(item_ids, today=today, demand=demand)
    return {i: max(profiles[i][0][1], ZERO) if profiles.get(i) else ZERO for i in item_ids}


def segments_846(
    *, partner: TradingPartner, report: str, today: dt.date
) -> tuple[list[Segment], int]:
    """The 846's segments (no ST/SE) and the number of items advised."""
    refs = list(
        PartnerItem.objects.filter(partner=partner, item__status=ItemStatus.ACTIVE)
        .select_related("item__base_uom")
        .order_by("item__sku", "pk")
    )
    seen: set[int] = set()
    rows = []
    for ref in refs:
        if ref.item_id not in seen:
            seen.add(ref.item_id)
            rows.append(ref)
    available = available_today([r.item_id for r in rows], today)
    out: list[Segment] = [seg("BIA", "00", "MM", report, today)]
    for n, ref in enumerate(rows, start=1):
        ids: list[str] = []
        if ref.buyer_part:
            ids += ["BP", ref.buyer_part]
        if ref.upc:
            ids += ["UP", ref.upc]
        ids += ["VP", ref.item.sku]
        out.append(seg("LIN", str(n), *ids))
        unit = their_unit(partner, ref.item.base_uom.code)
        out.append(seg("QTY", AVAILABLE, plain(available[ref.item_id]), (unit,)))
    out.append(seg("CTT", len(rows)))
    return out, len(rows)

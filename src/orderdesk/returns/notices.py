"""What the customer is told about a return: the acknowledgement of the request with the
RMA number and how to send the goods, and the decision (approved or rejected).

Queued through the transactional outbox inside the service's transaction, so a refused or
rolled-back command sends nothing. Without a usable address nothing is queued and the
event says why.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from orderdesk.billing.documents import recipient_for
from orderdesk.core.audit import event_record
from orderdesk.notify.models import Channel
from orderdesk.notify.services import outbox_enqueue
from orderdesk.orders.acknowledgement import company_name

from .models import ReturnAuthorization

SUBJECTS = {
    "requested": "Return request {number} received",
    "approved": "Return {number} approved: how to send the goods",
    "rejected": "Return request {number} declined",
}


def warehouse_lines(rma: ReturnAuthorization) -> list[str]:
    """Where the goods go: the warehouse's name and address lines (empty when unknown)."""
    wh = rma.warehouse
    if wh is None:
        return []
    city = " ".join(p for p in (wh.city, wh.region, wh.postal_code) if p)
    return [p for p in (f"{company_name()} – {wh.name}", wh.line1, city, wh.country) if p]


def rma_notify(*, actor: Any, rma: ReturnAuthorization, kind: str) -> dict[str, Any]:
    """Queue the e-mail of `kind` (requested, approved, rejected); dedupe key per RMA and
    kind, so a retried command never sends it twice."""
    to, why = recipient_for(rma.customer)
    if not to:
        event_record(actor=actor, obj=rma, action=f"rma.{kind}_email_skipped", after={}, reason=why)
        return {"email": "skipped"}
    context = {
        "rma": rma,
        "kind": kind,
        "lines": list(rma.lines.select_related("item", "order_line").order_by("line_no")),
        "findings": [f for f in rma.policy_findings if f.get("status") == "open"],
        "ship_to_us": warehouse_lines(rma),
        "company": company_name(),
    }
    message = outbox_enqueue(
        channel=Channel.EMAIL,
        to=to,
        subject=SUBJECTS[kind].format(number=rma.number),
        body_text=render_to_string("returns/email/rma.txt", context),
        body_html=render_to_string("returns/email/rma.html", context),
        obj=rma,
        dedupe_key=f"rma:{rma.number}:{kind}",
    )
    return {"sent_to": message.to, "message": message.pk}

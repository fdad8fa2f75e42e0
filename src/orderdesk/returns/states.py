"""RMA states and the moves allowed between them, read by `returns.services.rma_transition`.

requested → approved | rejected | cancelled; approved → received (goods came back) or
cancelled (they never will); received → credited (credit memo, or credit and replacement
order) or closed (nothing to credit, e.g. all scrapped at the customer's cost). A credited
RMA whose remaining authorised goods arrive later goes back to received for the next
credit; closed, rejected and cancelled are final.
"""

from __future__ import annotations

from .models import RmaStatus

S = RmaStatus

RMA_TRANSITIONS: dict[str, frozenset[str]] = {
    S.REQUESTED: frozenset({S.APPROVED, S.REJECTED, S.CANCELLED}),
    S.APPROVED: frozenset({S.RECEIVED, S.CANCELLED}),
    S.RECEIVED: frozenset({S.CREDITED, S.CLOSED}),
    S.CREDITED: frozenset({S.RECEIVED, S.CLOSED}),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
    S.CLOSED: frozenset(),
}

#: RMAs whose quantities count against what may still be returned of an order line.
COUNTING = frozenset({S.REQUESTED, S.APPROVED, S.RECEIVED, S.CREDITED, S.CLOSED})
#: RMAs that may receive goods (the rest of an authorised quantity may come after a credit).
RECEIVABLE = frozenset({S.APPROVED, S.RECEIVED, S.CREDITED})
#: RMAs that may be credited (or exchanged) for what was received and not credited yet.
CREDITABLE = frozenset({S.RECEIVED})

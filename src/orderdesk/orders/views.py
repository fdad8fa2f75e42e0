"""Order desk pages: what they share. Each page lives in its own module:

- `views_desk`: the desk (queues with their counts, search, the chosen queue's orders);
- `views_entry`: keyboard-first order entry and its look-ups (customer, ship-to, SKU);
- `views_exception`: the exception screen and its actions (fix, override, release, cancel);
- `views_order`: the order page, the acknowledgement PDF and its HTML preview;
- `views_order_actions`: the order page's actions (change, approve or reject a change,
  a line's allocation actions, cancel);
- `views_upload`: the order file upload, its preview, import and errors file.

Each view is an access check and one selector or service call; reads the selectors do not
cover are in `orders.page_queries`. Access: staff by capability; a portal user reaches only
their own customer's orders (the selectors scope every query, so another customer's order
is a 404), enters orders for their own account only and changes nothing after that.

Actions answer with a redirect (POST, then GET: a reload never repeats an action) and a
message saying what happened; a refused action (no reason, wrong role, a rule that says no)
shows the page again with the error next to the form that sent it, status 200.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied

from orderdesk.core.roles import Capability, has_capability, is_portal
from orderdesk.web.pages import found_or_404

#: Held orders are to be worked within this many hours (settings.ORDERDESK_HOLD_SLA_HOURS).
DEFAULT_HOLD_SLA_HOURS = 4


def need(user: Any, capability: Capability, *, portal: bool = True) -> None:
    """403 unless the user holds `capability`; `portal=False` keeps portal users out too."""
    if not has_capability(user, capability) or (not portal and is_portal(user)):
        raise PermissionDenied(f"your role may not open this page ({capability.value})")


def call(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """A selector or service call whose NotFound / Forbidden become 404 / 403."""
    return found_or_404(fn, **kwargs)


def hold_sla() -> dt.timedelta:
    hours = getattr(settings, "ORDERDESK_HOLD_SLA_HOURS", 0) or DEFAULT_HOLD_SLA_HOURS
    return dt.timedelta(hours=float(hours))


def span_text(delta: dt.timedelta) -> str:
    """A duration as a clerk reads it at a glance: "45m", "3h 12m", "2d 4h"."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins:02d}m"
    return f"{mins}m"


def sla_text(due: dt.datetime, now: dt.datetime) -> str:
    return f"overdue {span_text(now - due)}" if now > due else f"{span_text(due - now)} left"

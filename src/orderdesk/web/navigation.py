"""Navigation by role, written once for the header and the home page.

An entry names the URL of its page rather than a path: an entry whose URL does not resolve
(the page is not built yet) is left out, so nobody is ever shown a link to nothing. The
teams building the desk, service, dispatch and dashboards only add their URL names; if
they choose another name, they change the entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from orderdesk.core.roles import Capability, Role, has_capability, is_portal


@dataclass(frozen=True, slots=True)
class NavEntry:
    key: str
    label: str
    url_name: str
    description: str
    #: who sees it: holders of `capability`, narrowed to `roles` when given
    capability: Capability | None = None
    roles: frozenset[str] | None = None

    def allows(self, user: Any) -> bool:
        if self.capability is not None and not has_capability(user, self.capability):
            return False
        if self.roles is not None and not getattr(user, "is_superuser", False):
            return getattr(user, "role", None) in self.roles
        return True


@dataclass(frozen=True, slots=True)
class NavLink:
    key: str
    label: str
    url: str
    description: str
    current: bool


_DESK_ROLES = frozenset({Role.ORDER_CLERK, Role.DESK_COORDINATOR, Role.MANAGER, Role.ADMIN})
_SERVICE_ROLES = frozenset(
    {Role.SERVICE_CLERK, Role.DISPATCHER, Role.TECHNICIAN, Role.MANAGER, Role.ADMIN}
)

#: In header order. Staff entries only; portal users get their own account (see below).
STAFF_ENTRIES: tuple[NavEntry, ...] = (
    NavEntry(
        "desk",
        "Desk",
        "orders:desk",
        "Order queues, order entry and the exceptions waiting for you.",
        roles=_DESK_ROLES,
    ),
    NavEntry(
        "customers",
        "Customers",
        "parties:customer_list",
        "Find a customer: terms, credit limit, bill-to and ship-to addresses, contacts, "
        "contract prices.",
        capability=Capability.MASTER_DATA_VIEW,
    ),
    NavEntry(
        "items",
        "Items",
        "catalog:item_list",
        "Find an item: units, compliance, kit components, list prices and stock by warehouse.",
        capability=Capability.MASTER_DATA_VIEW,
    ),
    NavEntry(
        "stock",
        "Stock",
        "inventory:stock",
        "Stock levels, lots and the stock ledger by warehouse.",
        capability=Capability.MASTER_DATA_VIEW,
    ),
    NavEntry(
        "service",
        "Service",
        "service:work_orders",
        "Service requests and work orders.",
        roles=_SERVICE_ROLES,
    ),
    NavEntry(
        "dispatch",
        "Dispatch",
        "dispatch:board",
        "Plan and re-plan technicians' days.",
        roles=frozenset({Role.DISPATCHER, Role.SERVICE_CLERK, Role.MANAGER, Role.ADMIN}),
    ),
    NavEntry(
        "warehouse",
        "Warehouse",
        "fulfilment:board",
        "Release allocated orders in waves, pick with a scanner, pack and ship with documents.",
        capability=Capability.WAREHOUSE_OPS,
    ),
    NavEntry(
        "returns",
        "Returns",
        "returns:rma_list",
        "Return authorisations: decide, receive and inspect, credit or exchange; lot recalls.",
        roles=frozenset(
            {Role.ORDER_CLERK, Role.DESK_COORDINATOR, Role.WAREHOUSE, Role.MANAGER, Role.ADMIN}
        ),
    ),
    NavEntry(
        "edi",
        "EDI",
        "edi:monitor",
        "Trading partners' documents in and out, what failed and why; the intake queue of "
        "e-mails and files waiting for a clerk; partner profiles.",
        capability=Capability.EDI_OPERATE,
    ),
    NavEntry(
        "billing",
        "Billing",
        "billing:invoice_list",
        "Invoices, credit memos, the customer ledger with aging, and month-end.",
        roles=frozenset({Role.BILLING, Role.MANAGER, Role.ADMIN}),
    ),
    NavEntry(
        "dashboards",
        "Dashboards",
        "reports:dashboards",
        "Order accuracy, cycle time, fill rate, on-time shipment, first-time fix.",
        roles=frozenset({Role.MANAGER, Role.DESK_COORDINATOR, Role.ADMIN}),
    ),
    NavEntry(
        "admin",
        "Admin site",
        "admin:index",
        "Users, roles and every table, through Django's admin site.",
        capability=Capability.ADMIN_SITE,
    ),
)


#: Portal pages beyond orders, each shown once its page exists (scoped to the customer there).
_PORTAL_EXTRA: tuple[tuple[str, str, str, str], ...] = (
    ("shipments", "My shipments", "fulfilment:shipment_list", "What shipped, tracking, papers."),
    ("invoices", "My invoices", "billing:invoice_list", "Your invoices, credit memos and PDFs."),
    ("statement", "My statement", "billing:my_ledger", "Your balance, aging and payments."),
    ("returns", "My returns", "returns:rma_list", "Ask for a return and follow it."),
)


def _url(url_name: str, *args: object) -> str | None:
    try:
        return reverse(url_name, args=args)
    except NoReverseMatch:
        return None


def _is_current(path: str, url: str) -> bool:
    return path == url if url == "/" else path.startswith(url)


def links_for(user: Any, path: str = "") -> list[NavLink]:
    """The pages this user may open, in header order, each only if the page exists."""
    if not getattr(user, "is_authenticated", False):
        return []
    if is_portal(user):
        customer_id = getattr(user, "customer_id", None)
        url = _url("parties:customer_detail", customer_id) if customer_id else None
        if url is None:
            return []
        own: list[NavLink] = []
        orders = _url("orders:desk")
        if orders is not None:
            own.append(
                NavLink(
                    "orders",
                    "My orders",
                    orders,
                    "Your orders: place one, see status, promised dates and acknowledgements.",
                    _is_current(path, orders),
                )
            )
        for key, label, name, text in _PORTAL_EXTRA:
            extra = _url(name)
            if extra is not None:
                own.append(NavLink(key, label, extra, text, _is_current(path, extra)))
        own.append(
            NavLink(
                "account",
                "My account",
                url,
                "Your account: terms, addresses, contacts and your contract prices.",
                _is_current(path, url),
            )
        )
        return own
    links = []
    for entry in STAFF_ENTRIES:
        if not entry.allows(user):
            continue
        url = _url(entry.url_name)
        if url is not None:
            links.append(
                NavLink(entry.key, entry.label, url, entry.description, _is_current(path, url))
            )
    return links

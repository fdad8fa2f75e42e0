"""The whole demo company from one seed, without a database.

One `random.Random(seed)` is drawn from in a fixed order, and nothing iterates a set or a
dict keyed by something hash-ordered, so the same seed and day give the same company in
any process (checked by `fingerprint` under different PYTHONHASHSEEDs in the tests).
Dates are relative to `today` so open purchase orders are always about to arrive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random

from orderdesk.core.roles import Role

from .gen_catalog import generate_catalog
from .gen_parties import generate_customers, generate_vendors
from .gen_pricing import generate_contracts, generate_prices, generate_setup
from .gen_stock import generate_purchase_orders, generate_stock, generate_warehouses
from .rows import DemoData, UserRow

DEFAULT_SEED = 7
CUSTOMERS = 200
#: The one password every demo login uses (documented in the README and printed on start).
DEMO_PASSWORD = "demo1234"  # noqa: S105 - public by design, like the demo data
STAFF_DOMAIN = "northwind-demo.example.com"

# username, first name, last name, role, time zone
STAFF: tuple[tuple[str, str, str, str, str], ...] = (
    ("clerk", "Olivia", "Bennett", Role.ORDER_CLERK, "America/Chicago"),
    ("coordinator", "Marcus", "Reyes", Role.DESK_COORDINATOR, "America/Chicago"),
    ("service", "Priya", "Shah", Role.SERVICE_CLERK, "America/Chicago"),
    ("dispatcher", "Dan", "Kowalski", Role.DISPATCHER, "America/Chicago"),
    ("tech", "Luis", "Ortega", Role.TECHNICIAN, "America/Chicago"),
    ("dock", "Ray", "Mendes", Role.WAREHOUSE, "America/Chicago"),
    ("billing", "Grace", "Lindqvist", Role.BILLING, "America/Chicago"),
    ("manager", "Helen", "Okafor", Role.MANAGER, "America/Chicago"),
    ("admin", "Sam", "Whitaker", Role.ADMIN, "America/Chicago"),
)
PORTAL_USERNAME = "portal"


def _users(data: DemoData) -> None:
    for username, first, last, role, tz in STAFF:
        admin = role == Role.ADMIN
        data.users.append(
            UserRow(
                username=username,
                first_name=first,
                last_name=last,
                role=str(role),
                email=f"{username}@{STAFF_DOMAIN}",
                timezone=tz,
                is_staff=admin,
                is_superuser=admin,
                customer_account="",
            )
        )
    # The portal user belongs to a contractor with several ship-tos and a primary contact,
    # so the portal shows a realistic account rather than an empty one.
    ship_tos: dict[str, int] = {}
    for address in data.addresses:
        if address.kind == "ship_to":
            ship_tos[address.account_number] = ship_tos.get(address.account_number, 0) + 1
    customer = next(
        c
        for c in data.customers
        if c.status == "active"
        and c.price_list_code == "CONTRACTOR"
        and ship_tos.get(c.account_number, 0) >= 2
    )
    contact = next(
        c for c in data.contacts if c.account_number == customer.account_number and c.is_primary
    )
    first, _, last = contact.name.partition(" ")
    data.users.append(
        UserRow(
            username=PORTAL_USERNAME,
            first_name=first,
            last_name=last,
            role=str(Role.PORTAL),
            email=contact.email,
            timezone="America/Chicago",
            is_staff=False,
            is_superuser=False,
            customer_account=customer.account_number,
        )
    )


def generate(seed: int = DEFAULT_SEED, today: dt.date | None = None) -> DemoData:
    """The demo company for `seed`, dated around `today` (default: the local date)."""
    today = today or dt.date.today()
    rng = random.Random(seed)
    opening = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(6, 0), tzinfo=dt.UTC)
    data = DemoData(seed=seed, today=today, opening_at=opening)
    generate_setup(data)
    generate_vendors(rng, data)
    generate_customers(rng, data, CUSTOMERS)
    generate_catalog(rng, data)
    single = generate_prices(rng, data)
    generate_contracts(rng, data, single)
    generate_warehouses(data)
    generate_stock(rng, data)
    generate_purchase_orders(rng, data)
    _users(data)
    return data


def fingerprint(data: DemoData) -> str:
    """A SHA-256 over every generated row: equal fingerprints mean the same company."""
    return hashlib.sha256(repr(data).encode()).hexdigest()

"""Customers with their bill-to, ship-tos and contacts; vendors.

A customer's kind (segment) decides what a desk would expect of it: a hospital has several
sites, long terms, a platinum service tier and a tax exemption; a restaurant group buys on
COD with a small credit limit. That spread is what makes the demo's queues interesting.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal

from .data_commercial import NAMES, SEGMENTS, VENDORS, Segment
from .data_names import (
    ADJECTIVES,
    DELIVERY_NOTES,
    FIRST_NAMES,
    JOB_TITLES,
    LAST_NAMES,
    PLACE_WORDS,
    SAINTS,
    STREETS,
)
from .data_places import City
from .gen_geo import (
    city_named,
    near,
    phone,
    pick_city,
    pick_country,
    postal_code,
    second_line,
    street_line,
)
from .rows import AddressRow, ContactRow, CustomerRow, DemoData, VendorRow

#: Canadian companies carry a legal-form suffix; public bodies and hospitals do not.
_LOCAL_SUFFIX = {"CA": (" Ltd.", " Inc.", "")}
_COMPANY_SEGMENTS = {"mechanical", "electrical", "property", "restaurant", "industrial", "hotel"}


def slug(text: str) -> str:
    """ASCII, lower-case, for e-mail domains: 'Müller Haustechnik' → 'muellerhaustechnik'."""
    text = text.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae").replace("ß", "ss")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_text.lower())


def _name_country(country: str) -> str:
    return "US" if country == "CA" else country


def _segments_for(country: str) -> list[Segment]:
    key = _name_country(country)
    return [s for s in SEGMENTS if key in NAMES[s.code]]


def _fill(template: str, rng: random.Random, country: str, city: City, n: int = 1) -> str:
    last = rng.choice(LAST_NAMES[country])
    last2 = rng.choice([x for x in LAST_NAMES[country] if x != last])
    return template.format(
        last=last,
        last2=last2,
        place=rng.choice(PLACE_WORDS),
        adj=rng.choice(ADJECTIVES),
        saint=rng.choice(SAINTS),
        city=city.name,
        street=rng.choice(STREETS[country]),
        n=n,
    )


def _tax_id(rng: random.Random, country: str) -> str:
    if country == "US":
        return f"{rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}"
    if country == "CA":
        return f"{rng.randint(100000000, 999999999)}RT0001"
    if country == "MX":
        letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
        homoclave = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(3))
        born = f"{rng.randint(0, 24):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        return f"{letters}{born}{homoclave}"
    if country == "FR":
        return f"FR{rng.randint(10, 99)}{rng.randint(100000000, 999999999)}"
    return f"{country}{rng.randint(100000000, 999999999)}"  # GB, DE


def _status(rng: random.Random) -> tuple[str, str]:
    roll = rng.randint(1, 200)
    if roll <= 6:
        return "on_hold", "Credit hold: two invoices more than 60 days past due."
    if roll <= 9:
        return "closed", "Account closed: business sold; keep for history."
    return "active", ""


def _unique(taken: set[str], make: Callable[[], str]) -> str:
    """A name not yet taken; after a few draws, a numbered variant (never an endless loop)."""
    candidate = make()
    for _ in range(30):
        if candidate not in taken:
            break
        candidate = make()
    base, k = candidate, 2
    while candidate in taken:
        candidate, k = f"{base} {k}", k + 1
    taken.add(candidate)
    return candidate


def generate_customers(rng: random.Random, data: DemoData, count: int) -> None:
    names: set[str] = set()
    number = 10000
    for _ in range(count):
        number += rng.randint(1, 9)
        account = f"C{number:05d}"
        country = pick_country(rng)
        city = pick_city(rng, country)
        segments = _segments_for(country)
        segment = rng.choices(segments, weights=[s.weight for s in segments])[0]
        templates = NAMES[segment.code][_name_country(country)]
        suffixes = _LOCAL_SUFFIX.get(country, ("",)) if segment.code in _COMPANY_SEGMENTS else ("",)

        def make_name(
            templates: tuple[str, ...] = templates,
            suffixes: tuple[str, ...] = suffixes,
            country: str = country,
            city: City = city,
        ) -> str:
            return _fill(rng.choice(templates), rng, country, city) + rng.choice(suffixes)

        name = _unique(names, make_name)
        currency = "CAD" if country == "CA" else "USD"
        if currency == "CAD":
            price_list = "CAD"
        elif segment.contractor:
            price_list = "CONTRACTOR"
        else:
            price_list = "LIST"
        terms = rng.choice(segment.terms)
        credit = 0 if terms == "COD" else max(rng.randint(*segment.credit_k) // 5 * 5, 5) * 1000
        exempt = country in {"US", "CA"} and rng.randint(1, 100) <= segment.tax_exempt_percent
        certificate = f"{city.region}-EX-{rng.randint(100000, 999999)}" if exempt else ""
        status, notes = _status(rng)
        discount = Decimal(rng.choice((0, 0, 0, 0, 2, 3, 5)))
        domain = f"{slug(name)[:40]}.example.com"
        data.customers.append(
            CustomerRow(
                account_number=account,
                name=name,
                status=status,
                currency=currency,
                terms_code=terms,
                credit_limit=Decimal(credit),
                tax_id=_tax_id(rng, country),
                tax_exempt=exempt,
                exemption_certificate=certificate,
                price_list_code=price_list,
                discount_percent=discount,
                service_tier=rng.choice(segment.tiers),
                email=f"orders@{domain}",
                phone=phone(rng, city),
                delivery_instructions="",
                notes=notes,
            )
        )
        _addresses(rng, data, account, name, segment, country, city)
        _contacts(rng, data, account, domain, country, city)


def _addresses(
    rng: random.Random,
    data: DemoData,
    account: str,
    name: str,
    segment: Segment,
    country: str,
    home: City,
) -> None:
    lat, lon = near(rng, home)
    data.addresses.append(
        AddressRow(
            account_number=account,
            kind="bill_to",
            code="BILL",
            name=name,
            line1=street_line(rng, country),
            line2=second_line(rng, country),
            city=home.name,
            region=home.region,
            postal_code=postal_code(rng, home),
            country=country,
            phone=phone(rng, home),
            is_default=True,
            delivery_instructions="",
            latitude=lat,
            longitude=lon,
        )
    )
    site_names: set[str] = set()
    for n in range(1, rng.randint(*segment.ship_tos) + 1):
        city = home if n == 1 or rng.random() < 0.6 else pick_city(rng, country)
        lat, lon = near(rng, city)

        def make_site(city: City = city, n: int = n) -> str:
            return _fill(rng.choice(segment.site_names), rng, country, city, n=n * 3 + 1)

        data.addresses.append(
            AddressRow(
                account_number=account,
                kind="ship_to",
                code=f"ST{n:02d}",
                name=f"{name} – {_unique(site_names, make_site)}",
                line1=street_line(rng, country),
                line2=second_line(rng, country),
                city=city.name,
                region=city.region,
                postal_code=postal_code(rng, city),
                country=country,
                phone=phone(rng, city),
                is_default=n == 1,
                delivery_instructions=rng.choice(DELIVERY_NOTES) if rng.random() < 0.3 else "",
                latitude=lat,
                longitude=lon,
            )
        )


def _contacts(
    rng: random.Random, data: DemoData, account: str, domain: str, country: str, city: City
) -> None:
    taken: set[str] = set()
    for n in range(rng.randint(1, 4)):

        def make_person() -> str:
            return f"{rng.choice(FIRST_NAMES[country])} {rng.choice(LAST_NAMES[country])}"

        person = _unique(taken, make_person)
        first, _, last = person.partition(" ")
        data.contacts.append(
            ContactRow(
                account_number=account,
                name=person,
                email=f"{slug(first)}.{slug(last)}@{domain}",
                phone=phone(rng, city),
                job_title=rng.choice(JOB_TITLES),
                is_primary=n == 0,
            )
        )


def generate_vendors(rng: random.Random, data: DemoData) -> None:
    for spec in VENDORS:
        city = city_named(spec.city)
        data.vendors.append(
            VendorRow(
                code=spec.code,
                name=spec.name,
                currency=spec.currency,
                terms_code=spec.terms,
                lead_time_days=spec.lead_time_days,
                email=f"orders@{slug(spec.name)[:40]}.example.com",
                phone=phone(rng, city),
                line1=street_line(rng, city.country),
                city=city.name,
                region=city.region,
                postal_code=postal_code(rng, city),
                country=city.country,
            )
        )

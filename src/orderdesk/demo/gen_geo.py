"""Addresses that pass the same checks a clerk's entry does: postal code, coordinates, phone.

Coordinates are Decimals with six places (about 0.1 m), offset from the city centre by at
most ~15 km so the dispatch board's map and travel-time model put every site in its city.
"""

from __future__ import annotations

import random
from decimal import Decimal

from .data_names import STREETS, SUITES
from .data_places import CA_LETTERS, CITIES, COUNTRY_WEIGHTS, GB_LETTERS, City, cities_in

#: Largest offset from the city centre, in millionths of a degree.
SPREAD = 130_000


def pick_country(rng: random.Random) -> str:
    codes = [c for c, _ in COUNTRY_WEIGHTS]
    weights = [w for _, w in COUNTRY_WEIGHTS]
    return rng.choices(codes, weights=weights)[0]


def pick_city(rng: random.Random, country: str) -> City:
    cities = cities_in(country)
    return rng.choices(cities, weights=[c.weight for c in cities])[0]


def city_named(name: str) -> City:
    for city in CITIES:
        if city.name == name:
            return city
    raise KeyError(name)


def postal_code(rng: random.Random, city: City) -> str:
    """A code the national post uses in this city (CA and GB: real first half, valid rest)."""
    first = rng.choice(city.postal_codes)
    if city.country == "CA":
        return f"{first} {rng.randint(0, 9)}{rng.choice(CA_LETTERS)}{rng.randint(0, 9)}"
    if city.country == "GB":
        return f"{first} {rng.randint(0, 9)}{rng.choice(GB_LETTERS)}{rng.choice(GB_LETTERS)}"
    if city.country == "US" and rng.random() < 0.2:
        return f"{first}-{rng.randint(1, 9999):04d}"
    return first


def near(rng: random.Random, city: City) -> tuple[Decimal, Decimal]:
    def offset(centre: str) -> Decimal:
        return Decimal(centre) + Decimal(rng.randint(-SPREAD, SPREAD)).scaleb(-6)

    return offset(city.lat), offset(city.lon)


def phone(rng: random.Random, city: City) -> str:
    return "".join(str(rng.randint(0, 9)) if ch == "#" else ch for ch in city.phone)


def street_line(rng: random.Random, country: str) -> str:
    """House number and street the way the country writes them."""
    street = rng.choice(STREETS[country])
    if country in {"US", "CA"}:
        return f"{rng.randint(100, 9899)} {street}"
    if country == "DE":
        return f"{street} {rng.randint(1, 180)}"
    if country == "MX":
        return f"{street} {rng.randint(10, 4999)}"
    if country == "FR":
        return f"{rng.randint(1, 140)} {street}"
    return f"{rng.randint(1, 240)} {street}"  # GB


def second_line(rng: random.Random, country: str) -> str:
    if country in {"US", "CA"} and rng.random() < 0.25:
        return rng.choice(SUITES)
    if country == "MX" and rng.random() < 0.5:
        return f"Col. {rng.choice(('Centro', 'Industrial', 'Del Valle', 'Roma Norte', 'Obrera'))}"
    return ""

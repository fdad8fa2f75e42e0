"""Country and postal-code checks (pure: plain strings in, a message out).

The formats are those the national posts publish; a code that does not match gets a message
naming the expected shape, so a clerk can fix the address at once.
"""

from __future__ import annotations

import re

# ISO 3166-1 alpha-2 codes accepted for addresses (the full list: a ship-to can be anywhere).
ISO_COUNTRIES = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO
    DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU
    GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW
    KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU
    MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
    PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
    TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA
    ZM ZW""".split()
)

_POSTAL: dict[str, tuple[re.Pattern[str], str]] = {
    "US": (re.compile(r"^\d{5}(-\d{4})?$"), "5 digits, or ZIP+4 as 12345-6789"),
    "CA": (
        re.compile(r"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$"),
        "letter-digit-letter digit-letter-digit, as K1A 0B1",
    ),
    "GB": (
        re.compile(r"^(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})$"),
        "a UK postcode, as SW1A 1AA",
    ),
    "DE": (re.compile(r"^\d{5}$"), "5 digits, as 10115"),
    "FR": (re.compile(r"^\d{5}$"), "5 digits, as 75008"),
    "MX": (re.compile(r"^\d{5}$"), "5 digits, as 06600"),
}


def normalise_postal_code(country: str, code: str) -> str:
    code = " ".join(code.strip().upper().split())
    if country == "CA" and re.fullmatch(r"[A-Z]\d[A-Z]\d[A-Z]\d", code):
        return f"{code[:3]} {code[3:]}"
    if country == "GB" and " " not in code and len(code) >= 5:
        return f"{code[:-3]} {code[-3:]}"
    return code


def check_country(country: str) -> str | None:
    """None when the country is a valid ISO 3166-1 alpha-2 code, else what is wrong."""
    if country.upper() not in ISO_COUNTRIES:
        return f"'{country}' is not an ISO 3166 country code; use two letters such as US, CA, GB"
    return None


def check_postal_code(country: str, code: str) -> str | None:
    """None when the code fits the country's format, else a message with the expected shape."""
    country = country.upper()
    rule = _POSTAL.get(country)
    normalised = normalise_postal_code(country, code)
    if rule is None:
        return None if normalised or country not in _POSTAL else "postal code is required"
    if not normalised:
        return f"postal code is required for {country}"
    pattern, shape = rule
    if not pattern.match(normalised):
        return f"'{code}' is not a valid {country} postal code; expected {shape}"
    return None

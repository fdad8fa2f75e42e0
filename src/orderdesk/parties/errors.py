"""Error codes of the master data, and the checks that raise them.

The codes are a contract with API clients and importers, who branch on them: rename one only
with a deprecation note. The checks live here, beside the codes, because catalog and pricing
services raise the same errors for the same mistakes (a bad currency, a country, too many
decimals), and a clerk should get the same message and fix wherever the mistake is made.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from orderdesk.core.errors import Conflict, DomainError, Invalid, NotFound
from orderdesk.core.fields import from_units, to_units
from orderdesk.core.locks import lock_one
from orderdesk.core.money import to_decimal

from .postal import check_country, check_postal_code, normalise_postal_code

M = TypeVar("M", bound=models.Model)


class PartiesErrorCode(StrEnum):
    REQUIRED = "required"
    TOO_LONG = "too_long"
    CHOICE_INVALID = "choice_invalid"
    VALUE_INVALID = "value_invalid"
    DECIMAL_INVALID = "decimal_invalid"
    REFERENCE_UNKNOWN = "reference_unknown"
    COUNTRY_INVALID = "country_invalid"
    POSTAL_CODE_INVALID = "postal_code_invalid"
    CURRENCY_INVALID = "currency_invalid"
    CURRENCY_MISMATCH = "currency_mismatch"
    EXEMPTION_CERTIFICATE_MISSING = "exemption_certificate_missing"
    TERMS_INVALID = "terms_invalid"
    ACCOUNT_NUMBER_TAKEN = "account_number_taken"
    ADDRESS_CODE_TAKEN = "address_code_taken"
    CONTACT_NAME_TAKEN = "contact_name_taken"
    PAYMENT_TERMS_CODE_TAKEN = "payment_terms_code_taken"
    VENDOR_CODE_TAKEN = "vendor_code_taken"


C = PartiesErrorCode

# ISO 4217 codes in circulation (2024). A three-letter guess such as "USX" or "EU" is refused
# here, before it reaches a price list and makes every later amount unpayable.
ISO_CURRENCIES = frozenset(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP
    GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS
    KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR
    MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF
    SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD
    TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG""".split()
)


def invalid(code: StrEnum, message: str, *, field: str, fix: str) -> Invalid:
    """An Invalid (422) that always names the field and the fix, so a clerk can act on it."""
    return Invalid(code, message, field=field, fix=fix)


def taken(code: StrEnum, what: str, value: object, *, field: str) -> Conflict:
    return Conflict(
        code,
        f"{what} '{value}' already exists",
        field=field,
        fix=f"use another {field.replace('_', ' ')}, or update the existing {what}",
    )


def clean_currency(value: str, *, field: str = "currency") -> str:
    code = (value or "").strip().upper()
    if code not in ISO_CURRENCIES:
        raise invalid(
            C.CURRENCY_INVALID,
            f"'{value}' is not an ISO 4217 currency code",
            field=field,
            fix="use a three-letter code such as USD, CAD, EUR, GBP or MXN",
        )
    return code


def clean_country(value: str, *, field: str = "country") -> str:
    code = (value or "").strip().upper()
    problem = check_country(code)
    if problem:
        raise invalid(
            C.COUNTRY_INVALID, problem, field=field, fix="use the ISO 3166 two-letter code"
        )
    return code


def clean_postal_code(country: str, value: str, *, field: str = "postal_code") -> str:
    """The code in its national shape (CA "K1A 0B1", GB "SW1A 1AA"), or Invalid saying why."""
    problem = check_postal_code(country, value or "")
    if problem:
        raise invalid(
            C.POSTAL_CODE_INVALID,
            problem,
            field=field,
            fix=f"enter the postal code as the {country} post writes it",
        )
    return normalise_postal_code(country, value or "")


def clean_decimal(
    value: Decimal | int | str,
    *,
    field: str,
    places: int,
    minimum: Decimal | int | None = None,
    maximum: Decimal | int | None = None,
    positive: bool = False,
) -> Decimal:
    """The value at the field's stored scale, so before/after snapshots compare equal.

    `from_units(to_units(...))` gives exactly the Decimal a read from the database gives;
    a value with more decimals than the column keeps is refused rather than rounded.
    """
    try:
        result = from_units(to_units(to_decimal(value), places), places)
    except ValueError as exc:
        raise invalid(
            C.DECIMAL_INVALID,
            f"{field}: {exc}",
            field=field,
            fix=f"enter a number with at most {places} decimal places",
        ) from exc
    if positive and result <= 0:
        raise invalid(
            C.DECIMAL_INVALID,
            f"{field} must be greater than zero",
            field=field,
            fix="enter a positive number",
        )
    if minimum is not None and result < minimum:
        raise invalid(
            C.DECIMAL_INVALID,
            f"{field} must be at least {minimum}",
            field=field,
            fix=f"enter {minimum} or more",
        )
    if maximum is not None and result > maximum:
        raise invalid(
            C.DECIMAL_INVALID,
            f"{field} must be at most {maximum}",
            field=field,
            fix=f"enter {maximum} or less",
        )
    return result


def reference(model: type[M], pk: int | None, *, field: str, what: str) -> M:
    """The row a request names by id; an unknown id is the request's fault (422, not 404)."""
    row = model._default_manager.filter(pk=pk).first() if pk is not None else None
    if row is None:
        raise invalid(
            C.REFERENCE_UNKNOWN,
            f"there is no {what} with id {pk}",
            field=field,
            fix=f"use the id of an existing {what} (list them first)",
        )
    return row


_DJANGO_CODES = {
    "blank": (C.REQUIRED, "fill in {label}"),
    "null": (C.REQUIRED, "fill in {label}"),
    "max_length": (C.TOO_LONG, "shorten {label} to at most {limit} characters"),
    "invalid_choice": (C.CHOICE_INVALID, "use one of: {choices}"),
}


def check_fields(obj: models.Model, *, skip: tuple[str, ...] = ()) -> None:
    """Per-field checks the model declares (required, max length, choices, e-mail shape).

    SQLite does not enforce max_length, so without this a value that PostgreSQL refuses
    would pass the tests and fail in production. Foreign keys are resolved by the services
    (with a better message), so they are skipped here.
    """
    fks = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    try:
        obj.clean_fields(exclude=[*fks, *skip])
    except ValidationError as exc:
        name, errors = next(iter(exc.error_dict.items()))
        error = errors[0]
        field = obj._meta.get_field(name)
        label = name.replace("_", " ")
        code, fix = _DJANGO_CODES.get(error.code or "", (C.VALUE_INVALID, "correct {label}"))
        choices = ", ".join(str(v) for v, _ in getattr(field, "choices", None) or [])
        limit = getattr(field, "max_length", None)
        raise invalid(
            code,
            f"{label}: {error.messages[0]}",
            field=name,
            fix=fix.format(label=label, limit=limit, choices=choices),
        ) from exc


def apply(obj: models.Model, values: dict[str, Any]) -> None:
    for key, value in values.items():
        setattr(obj, key, value)


def save_unique(obj: models.Model, error: DomainError) -> None:
    """Save; a unique constraint hit by a concurrent writer becomes the same 409 as ours.

    The services look for the duplicate first (for a clear message); the savepoint catches
    the race where two clerks create the same code at the same moment.
    """
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise error from exc


def locked(model: type[M], pk: int, what: str) -> M:
    """The row to update, locked so two clerks' changes apply one after the other.

    Without the lock the second writer's `before` would be stale and the audit trail would
    show a change from a value the row never had at that moment.
    """
    try:
        return lock_one(model._default_manager.filter(pk=pk))
    except model.DoesNotExist as exc:  # type: ignore[attr-defined]
        raise NotFound(what, pk) from exc

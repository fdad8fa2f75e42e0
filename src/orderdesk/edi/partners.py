"""Trading-partner profiles and their item cross-references: the set-up a clerk edits.

A profile is checked whole before it is saved, because a wrong envelope id or separator is
not noticed here but by the partner's translator, days later, as a TA1 rejection. Every
rule below is one a partner's system enforces on what we send: ids of at most 15
characters, 2-character qualifiers, separators that are single, distinct characters that
cannot occur in the data, a version our grammars know, and mappings that name units and
ship-to addresses we have.

An update locks the partner row and saves only the profile's fields: the outbound sender
counts control numbers on the same row under the same lock, and a profile edit must never
write back a stale counter (a reused ISA13 is a rejected interchange).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction

from orderdesk.catalog.models import Item, UnitOfMeasure
from orderdesk.core.audit import changed, event_record, snapshot
from orderdesk.core.errors import NotFound
from orderdesk.core.locks import lock_one
from orderdesk.core.roles import Capability, require
from orderdesk.parties.models import Address, AddressKind, Customer

from .errors import EdiConflict, EdiErrorCode, EdiInvalid
from .models import DOCUMENT_SETS, PartnerItem, Send855, TradingPartner

#: The fields of a profile a clerk may set; counters and timestamps are not among them.
PROFILE_FIELDS = (
    "code",
    "name",
    "customer_id",
    "active",
    "isa_qualifier",
    "isa_id",
    "gs_id",
    "our_isa_qualifier",
    "our_isa_id",
    "our_gs_id",
    "isa_version",
    "version",
    "element_separator",
    "component_separator",
    "repetition_separator",
    "segment_terminator",
    "line_break",
    "test_indicator",
    "documents",
    "send_855",
    "ack_hours",
    "duplicate_days",
    "uom_map",
    "location_map",
    "folder",
)
#: Characters that occur in X12 data (amounts, dates, names, part numbers): never a separator.
DATA_CHARACTERS = frozenset(" -.,/&'()#@%+\"")
#: GS08 versions we have grammars for; a suffix names an industry's subset (004010VICS).
GS_VERSIONS = ("004010", "005010")
_GS08 = re.compile(r"^(\d{6})([A-Z0-9]{0,6})$")
_ISA12 = re.compile(r"^\d{5}$")
_QUALIFIER = re.compile(r"^[A-Z0-9]{2}$")
_UNIT = re.compile(r"^[A-Z0-9]{1,8}$")
_UPC = re.compile(r"^(\d{8}|\d{12,14})$")


def _invalid(field: str, message: str, fix: str) -> EdiInvalid:
    return EdiInvalid(EdiErrorCode.PARTNER_INVALID, message, field=field, fix=fix)


def _check_id(p: TradingPartner, field: str, what: str) -> None:
    value = (getattr(p, field) or "").strip()
    setattr(p, field, value)
    if not value:
        raise _invalid(field, f"{what} is empty", f"type the {what} (1 to 15 characters)")
    if len(value) > 15:
        raise _invalid(
            field,
            f"{what} '{value}' is {len(value)} characters long; X12 allows 15",
            "use the id the partner gave, at most 15 characters",
        )
    separators = _separators(p)
    if any(ch in separators for ch in value):
        raise _invalid(
            field,
            f"{what} '{value}' contains a separator character",
            "an id must not contain the element, component, repetition or segment separator",
        )


def _check_qualifier(p: TradingPartner, field: str, what: str) -> None:
    value = (getattr(p, field) or "").strip().upper()
    setattr(p, field, value)
    if not _QUALIFIER.match(value):
        raise _invalid(
            field,
            f"{what} '{value}' is not a 2-character qualifier",
            "use the qualifier of the id: ZZ (mutually defined), 01 (DUNS), 08 or 12 (phone)",
        )


def _separators(p: TradingPartner) -> dict[str, str]:
    out = {
        "element_separator": p.element_separator,
        "component_separator": p.component_separator,
        "segment_terminator": p.segment_terminator,
    }
    if p.repetition_separator != "U" or not _repetition_used(p.isa_version):
        out["repetition_separator"] = p.repetition_separator
    return {k: v for k, v in out.items() if v}


def _repetition_used(isa_version: str) -> bool:
    """ISA11 is a repetition separator from version 00402; before that it is the code 'U'."""
    return isa_version >= "00402"


def _check_separators(p: TradingPartner) -> None:
    names = {
        "element_separator": "element separator",
        "component_separator": "component separator",
        "repetition_separator": "repetition separator",
        "segment_terminator": "segment terminator",
    }
    seen: dict[str, str] = {}
    for field, what in names.items():
        ch = getattr(p, field) or ""
        if len(ch) != 1:
            raise _invalid(field, f"the {what} must be exactly one character", "type one character")
        if field == "repetition_separator" and ch == "U" and not _repetition_used(p.isa_version):
            continue  # ISA11 'U' before 00402: no repetition separator at all
        if field == "repetition_separator" and ch == "U":
            raise _invalid(
                field,
                f"ISA version {p.isa_version} uses ISA11 as a repetition separator, not 'U'",
                "pick a separator such as ^ (or use ISA version 00401)",
            )
        if ch.isalnum() or (ch.isspace() and not (field == "segment_terminator" and ch == "\n")):
            raise _invalid(
                field,
                f"the {what} {ch!r} is a letter, digit or space, which occur in the data",
                "pick a character that never appears in the data, such as * ~ > ^ |",
            )
        if ch in DATA_CHARACTERS:
            raise _invalid(
                field,
                f"the {what} {ch!r} occurs in the data (amounts, dates, names, part numbers)",
                "pick a character that never appears in the data, such as * ~ > ^ |",
            )
        if ch in seen:
            raise _invalid(
                field,
                f"the {what} {ch!r} is also the {seen[ch]}",
                "every separator must be a different character",
            )
        seen[ch] = what


def _check_versions(p: TradingPartner) -> None:
    p.isa_version = (p.isa_version or "").strip()
    p.version = (p.version or "").strip().upper()
    if not _ISA12.match(p.isa_version) or not "00200" <= p.isa_version <= "00801":
        raise _invalid(
            "isa_version",
            f"ISA version '{p.isa_version}' is not an interchange control version (00200–00801)",
            "use the partner's ISA12, usually 00401 or 00501",
        )
    match = _GS08.match(p.version)
    if match is None or match.group(1) not in GS_VERSIONS:
        raise _invalid(
            "version",
            f"version '{p.version}' is not one we have grammars for",
            f"use {' or '.join(GS_VERSIONS)}, with the partner's suffix if any (004010VICS)",
        )


def _check_documents(p: TradingPartner) -> None:
    docs = p.documents
    if not isinstance(docs, list | tuple) or not all(isinstance(d, str) for d in docs):
        raise _invalid("documents", "documents must be a list of set ids", "e.g. ['850', '997']")
    unknown = sorted(set(docs) - set(DOCUMENT_SETS))
    if unknown:
        raise _invalid(
            "documents",
            f"{', '.join(unknown)} {'is not a set' if len(unknown) == 1 else 'are not sets'}"
            " we exchange",
            f"pick from {', '.join(DOCUMENT_SETS)}",
        )
    p.documents = [k for k in DOCUMENT_SETS if k in set(docs)]


def _clean_map(value: Any, field: str, what: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise _invalid(field, f"the {what} must be pairs of codes", "one 'theirs=ours' per line")
    out: dict[str, str] = {}
    for k, v in value.items():
        key, val = str(k).strip(), str(v).strip()
        if not key or not val:
            raise _invalid(
                field, f"the {what} has an empty code in '{k}={v}'", "give both codes: theirs=ours"
            )
        out[key] = val
    return out


def _check_maps(p: TradingPartner) -> None:
    p.uom_map = {
        k.upper(): v.upper() for k, v in _clean_map(p.uom_map, "uom_map", "unit map").items()
    }
    if p.uom_map:
        ours = set(
            UnitOfMeasure.objects.filter(code__in=set(p.uom_map.values())).values_list(
                "code", flat=True
            )
        )
        for theirs, unit in p.uom_map.items():
            if not _UNIT.match(theirs):
                raise _invalid(
                    "uom_map",
                    f"'{theirs}' is not a unit code",
                    "their unit codes are letters and digits, e.g. CA, EA",
                )
            if unit not in ours:
                raise _invalid(
                    "uom_map",
                    f"'{unit}' (for their {theirs}) is not one of our unit codes",
                    "map to a unit set up under Items, e.g. EA or CS",
                )
    p.location_map = _clean_map(p.location_map, "location_map", "location map")
    if p.location_map:
        ship_tos = set(
            Address.objects.filter(
                customer_id=p.customer_id,
                kind=AddressKind.SHIP_TO,
                code__in=set(p.location_map.values()),
            ).values_list("code", flat=True)
        )
        for theirs, code in p.location_map.items():
            if code not in ship_tos:
                raise _invalid(
                    "location_map",
                    f"'{code}' (for their location {theirs}) is not a ship-to of the customer",
                    "map to the code of one of the customer's ship-to addresses",
                )


def _check(p: TradingPartner) -> None:
    p.code = (p.code or "").strip().lower()
    p.name = (p.name or "").strip()
    if not re.match(r"^[a-z0-9][a-z0-9_-]{0,29}$", p.code):
        raise _invalid(
            "code",
            f"code '{p.code}' is not a short name",
            "letters, digits, - and _, at most 30 (it names the partner's folder)",
        )
    if not p.name:
        raise _invalid("name", "the partner has no name", "type the partner's name")
    if not p.customer_id or not Customer.objects.filter(pk=p.customer_id).exists():
        raise _invalid(
            "customer_id",
            f"there is no customer with id {p.customer_id}",
            "pick the customer whose orders this partner sends",
        )
    _check_versions(p)
    _check_separators(p)
    for field, what in (
        ("isa_qualifier", "their ISA qualifier"),
        ("our_isa_qualifier", "our ISA qualifier"),
    ):
        _check_qualifier(p, field, what)
    for field, what in (
        ("isa_id", "their ISA id"),
        ("gs_id", "their GS id"),
        ("our_isa_id", "our ISA id"),
        ("our_gs_id", "our GS id"),
    ):
        _check_id(p, field, what)
    if p.test_indicator not in ("P", "T"):
        raise _invalid("test_indicator", "ISA15 must be P or T", "P for production, T for test")
    if p.send_855 not in Send855.values:
        raise _invalid("send_855", f"'{p.send_855}' is not a choice", "always, on_change or never")
    if not 1 <= int(p.ack_hours) <= 720:
        raise _invalid("ack_hours", "the 997 wait must be 1 to 720 hours", "24 is usual")
    if not 1 <= int(p.duplicate_days) <= 3650:
        raise _invalid(
            "duplicate_days", "the duplicate window must be 1 to 3650 days", "90 is usual"
        )
    _check_documents(p)
    _check_maps(p)
    p.folder = (p.folder or "").strip()


def _apply(p: TradingPartner, fields: Mapping[str, Any]) -> None:
    unknown = sorted(set(fields) - set(PROFILE_FIELDS))
    if unknown:
        raise _invalid(unknown[0], f"'{unknown[0]}' is not a profile field", "leave it out")
    for name, value in fields.items():
        setattr(p, name, value)


def _save(p: TradingPartner, *, update_fields: list[str] | None = None) -> None:
    """Save; a clash of code or envelope identity with another partner is a conflict."""
    other = TradingPartner.objects.exclude(pk=p.pk)
    if other.filter(code=p.code).exists():
        raise EdiConflict(
            EdiErrorCode.PARTNER_INVALID,
            f"another partner already has the code '{p.code}'",
            field="code",
            fix="pick another short name",
        )
    if other.filter(
        isa_qualifier=p.isa_qualifier, isa_id=p.isa_id, our_isa_id=p.our_isa_id
    ).exists():
        raise EdiConflict(
            EdiErrorCode.PARTNER_INVALID,
            f"another partner already sends as {p.isa_qualifier}/{p.isa_id} to {p.our_isa_id}",
            field="isa_id",
            fix="an envelope identity names one partner: edit that partner instead",
        )
    try:
        with transaction.atomic():
            p.save(update_fields=update_fields)
    except IntegrityError as exc:  # a concurrent save took the code or identity first
        raise EdiConflict(
            EdiErrorCode.PARTNER_INVALID,
            "another partner was just saved with the same code or envelope identity",
            field="code",
            fix="reload and check the partners list",
        ) from exc


def _profile(p: TradingPartner) -> dict[str, Any]:
    # snapshot() names a foreign key by its field name ("customer") and gives its id.
    return snapshot(p, [f.removesuffix("_id") for f in PROFILE_FIELDS])


def partner_create(*, actor: Any, reason: str = "", **fields: Any) -> TradingPartner:
    require(actor, Capability.EDI_SETUP)
    with transaction.atomic():
        partner = TradingPartner()
        _apply(partner, fields)
        _check(partner)
        _save(partner)
        event_record(
            actor=actor,
            obj=partner,
            action="edi.partner.created",
            after=_profile(partner),
            reason=reason,
        )
    return partner


def partner_update(
    *, actor: Any, partner: TradingPartner, reason: str = "", **fields: Any
) -> TradingPartner:
    """Change profile fields; nothing changed is no write and no event."""
    require(actor, Capability.EDI_SETUP)
    with transaction.atomic():
        locked = lock_one(TradingPartner.objects.filter(pk=partner.pk))
        before = _profile(locked)
        _apply(locked, fields)
        _check(locked)
        old, new = changed(before, _profile(locked))
        if new:
            _save(locked, update_fields=[*new, "updated_at"])
            event_record(
                actor=actor,
                obj=locked,
                action="edi.partner.updated",
                before=old,
                after=new,
                reason=reason,
            )
    return locked


def _item_row(partner: TradingPartner, row: PartnerItem) -> dict[str, Any]:
    return {"sku": row.item.sku, "buyer_part": row.buyer_part, "upc": row.upc, "uom": row.uom}


def partner_item_set(
    *,
    actor: Any,
    partner: TradingPartner,
    item_sku: str,
    buyer_part: str = "",
    upc: str = "",
    uom: str = "",
) -> PartnerItem:
    """Add or change one cross-reference. The row is found by its buyer part number, else by
    its UPC; both naming different rows is a conflict (one would have to go)."""
    require(actor, Capability.EDI_SETUP)
    buyer_part, upc, uom = buyer_part.strip(), upc.strip(), uom.strip().upper()
    if not buyer_part and not upc:
        raise _invalid(
            "buyer_part",
            "a cross-reference needs the buyer's part number or the UPC",
            "type the number the partner sends in PO1 (BP or UP qualifier)",
        )
    if len(buyer_part) > 48:
        raise _invalid("buyer_part", "the buyer's part number is over 48 characters", "shorten it")
    if upc and not _UPC.match(upc):
        raise _invalid(
            "upc", f"'{upc}' is not a UPC/EAN/GTIN", "8, 12, 13 or 14 digits, no spaces or dashes"
        )
    if uom and not _UNIT.match(uom):
        raise _invalid("uom", f"'{uom}' is not a unit code", "letters and digits, e.g. CA or EA")
    item = Item.objects.filter(sku=(item_sku or "").strip()).first()
    if item is None:
        raise _invalid("item_sku", f"there is no item {item_sku!r}", "type one of our SKUs")
    with transaction.atomic():
        lock_one(TradingPartner.objects.filter(pk=partner.pk))
        rows = PartnerItem.objects.select_related("item").filter(partner=partner)
        by_part = rows.filter(buyer_part=buyer_part).first() if buyer_part else None
        by_upc = rows.filter(upc=upc).first() if upc else None
        if by_part and by_upc and by_part.pk != by_upc.pk:
            raise EdiConflict(
                EdiErrorCode.PARTNER_INVALID,
                f"buyer part {buyer_part} and UPC {upc} are on two different cross-references",
                field="upc",
                fix="remove one of them first",
            )
        row = by_part or by_upc
        before = _item_row(partner, row) if row else None
        if row is None:
            row = PartnerItem(partner=partner)
        row.item, row.buyer_part, row.upc, row.uom = item, buyer_part, upc, uom
        after = _item_row(partner, row)
        if before != after:
            row.save()
            event_record(
                actor=actor,
                obj=partner,
                action="edi.partner_item.set",
                before=before,
                after=after,
            )
    return row


def partner_item_remove(*, actor: Any, partner: TradingPartner, partner_item_id: int) -> None:
    require(actor, Capability.EDI_SETUP)
    with transaction.atomic():
        row = (
            PartnerItem.objects.select_related("item")
            .filter(partner=partner, pk=partner_item_id)
            .first()
        )
        if row is None:
            raise NotFound("cross-reference", partner_item_id)
        before = _item_row(partner, row)
        row.delete()
        event_record(actor=actor, obj=partner, action="edi.partner_item.removed", before=before)

"""Sending X12 to a partner: control numbers, the envelope, storage and the outbox file.

Public API (other EDI modules call these; keyword-only)::

    control_numbers_take(*, partner: TradingPartner, sets: int) -> tuple[int, int, int]
        # (ISA13, GS06, first ST02); the caller's sets use first, first+1, ... first+sets-1

    interchange_send(
        *,
        partner: TradingPartner,
        sets: Sequence[tuple[str, Sequence[tuple]]] = (),   # [(set_id, segments w/o ST/SE)]
        functional_id: str = "",          # GS01; blank = from the first set ("997" -> "FA")
        ta1s: Sequence[tuple] = (),       # TA1 segment values (codec.ta1(...)), before any GS
        ack_requested: bool = False,      # ISA14
        source: str = "",                 # what made it, for the monitor ("997 for ISA 12")
        now: datetime | None = None,
    ) -> SentInterchange                  # .interchange, .group_control, .sets[SentSet]

    SentSet(set_id: str, control_number: int, raw: str, control: str)
        # raw = that set's ST..SE text; control = ST02 as written ("0001"), what an AK2 quotes
    SentInterchange.group_control: int | None   # GS06 (None for a TA1-only interchange)

`interchange_send` takes the numbers, writes the interchange with the partner's delimiters,
ids and version through `codec.write` (which refuses what our own reader would reject), keeps
the text in `Interchange.raw` (default storage) as an outbound interchange with status sent, and
writes the file into the partner's outbox folder after commit, so a rolled-back send leaves no
file for the partner to pick up. It runs in its own transaction (or joins the caller's).

Control numbers are counted on the partner row under its lock (`lock_one`), so two senders
never get the same ISA13 or GS06, and the counters only move forward: a number is used once.
ISA13, GS06 and ST02 are nine digits; after 999999999 they wrap to 1 (X12 allows it: a
partner remembers interchange numbers for its duplicate window, not for a billion
interchanges). The unique (partner, ISA13) constraint on outbound interchanges would refuse
a wrapped number still on file, so outbound interchanges must be purged or archived before a
partner's counter comes round (at one interchange a second, after 31 years). A rolled-back
send gives its numbers back with the rollback: nothing was stored or sent under them.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from orderdesk.core.audit import event_record
from orderdesk.core.importing_spec import SYSTEM
from orderdesk.core.locks import lock_one

from . import codec
from .models import Direction, Interchange, InterchangeStatus, TradingPartner

log = logging.getLogger(__name__)

#: Largest ISA13 / GS06 / ST02 (nine digits); the next number after it is 1.
CONTROL_MAX = 999_999_999

#: GS01 functional identifier code per transaction set we send.
FUNCTIONAL_IDS = {
    "855": "PR",
    "856": "SH",
    "810": "IN",
    "846": "IB",
    "997": "FA",
    "999": "FA",
    "850": "PO",
    "860": "PC",
}


@dataclass(frozen=True)
class SentSet:
    set_id: str
    control_number: int
    raw: str = ""  # the set's ST..SE as written
    control: str = ""  # ST02 as written ("0001"): what the partner's AK2 quotes back


@dataclass(frozen=True)
class SentInterchange:
    interchange: Interchange
    group_control: int | None
    sets: list[SentSet] = field(default_factory=list)
    text: str = ""

    @property
    def set_controls(self) -> list[int]:
        return [s.control_number for s in self.sets]


#: Typographic characters our records hold that have a plain X12 equivalent.
_PLAIN = str.maketrans(
    {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"',
     "\u201d": '"', "\u2026": "...", "\u00a0": " "}
)  # fmt: skip


def plain_text(value: str) -> str:
    """Text as partners' translators accept it: many take only the X12 basic and extended
    character sets, so dashes and quotes become their ASCII forms and accents are dropped
    ("Café – Nord" → "Cafe - Nord"); what has no ASCII form is left out."""
    if value.isascii():
        return value
    folded = unicodedata.normalize("NFKD", value.translate(_PLAIN))
    return folded.encode("ascii", "ignore").decode("ascii")


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return plain_text(value)
    if isinstance(value, tuple):  # a composite
        return tuple(_plain(v) for v in value)
    if isinstance(value, list):  # repeats
        return [_plain(v) for v in value]
    return value


def plain_segment(segment: Sequence[Any]) -> tuple[Any, ...]:
    """One outbound segment with every text value made plain (numbers and dates untouched)."""
    return tuple(_plain(v) for v in segment)


def _advance(current: int, by: int) -> tuple[int, int]:
    """(first number to use, next counter value): a run of `by` numbers never straddles
    the wrap, so ST02s of one group stay ascending."""
    first = current if 1 <= current <= CONTROL_MAX else 1
    if first + by - 1 > CONTROL_MAX:
        first = 1
    nxt = first + by
    return first, (1 if nxt > CONTROL_MAX else nxt)


def control_numbers_take(*, partner: TradingPartner, sets: int) -> tuple[int, int, int]:
    """Take the next ISA13, GS06 and a run of `sets` ST02s for this partner, for good.

    Runs under the partner row's lock; inside a caller's transaction the lock is held until
    that transaction ends, which is what keeps two concurrent sends apart."""
    if sets < 0:
        raise ValueError("sets must be zero or more")
    with transaction.atomic():
        row = lock_one(TradingPartner.objects.filter(pk=partner.pk))
        isa, next_isa = _advance(row.next_isa, 1)
        gs, next_gs = _advance(row.next_gs, 1)
        st, next_st = _advance(row.next_st, max(sets, 1))
        if sets == 0:  # a TA1-only interchange has no group: GS/ST counters stay
            next_gs, next_st = row.next_gs, row.next_st
        TradingPartner.objects.filter(pk=row.pk).update(
            next_isa=next_isa, next_gs=next_gs, next_st=next_st
        )
    partner.next_isa, partner.next_gs, partner.next_st = next_isa, next_gs, next_st
    return isa, gs, st


def _delimiters(partner: TradingPartner) -> codec.Delimiters:
    return codec.Delimiters(
        element=partner.element_separator or "*",
        component=partner.component_separator or ">",
        repetition=partner.repetition_separator or "U",
        segment=partner.segment_terminator or "~",
        line_break="\n" if partner.line_break else "",
    )


def outbox_file_name(partner: TradingPartner, isa13: int, set_ids: Sequence[str]) -> str:
    kinds = "-".join(dict.fromkeys(set_ids)) or "TA1"
    return f"{partner.code}-{kinds}-{isa13:09d}.x12"


def _written_sets(text: str) -> list[tuple[str, str]]:
    """(ST02, ST..SE text) of each set, read back from what was written."""
    out: list[tuple[str, str]] = []
    for ic in codec.read(text):
        for group in ic.groups:
            out.extend((ts.control_number, ts.raw) for ts in group.sets)
    return out


def interchange_send(
    *,
    partner: TradingPartner,
    sets: Sequence[tuple[str, Sequence[tuple]]] = (),
    functional_id: str = "",
    ta1s: Sequence[tuple] = (),
    ack_requested: bool = False,
    source: str = "",
    now: datetime | None = None,
) -> SentInterchange:
    """Envelope, number, write, store and (after commit) drop one interchange in the outbox.

    All `sets` go into one functional group (one GS01); TA1s go before it. Raises
    `codec.WriteError` when a set breaks its grammar: nothing is stored or numbered then."""
    if not sets and not ta1s:
        raise ValueError("interchange_send needs at least one set or TA1")
    now = now or timezone.now()
    set_ids = [set_id for set_id, _ in sets]
    if sets and not functional_id:
        functional_id = FUNCTIONAL_IDS.get(set_ids[0], "")
        if not functional_id:
            raise ValueError(f"no GS01 functional id known for set {set_ids[0]}")
    with transaction.atomic():
        isa13, gs06, st_first = control_numbers_take(partner=partner, sets=len(sets))
        groups = []
        controls: list[int] = []
        if sets:
            out_sets = []
            for n, (set_id, segments) in enumerate(sets):
                controls.append(st_first + n)
                out_sets.append(
                    codec.OutSet(
                        set_id, st_first + n, segments=[plain_segment(s) for s in segments]
                    )
                )
            groups.append(
                codec.OutGroup(
                    functional_id,
                    partner.our_gs_id,
                    partner.gs_id,
                    gs06,
                    version=partner.version,
                    date=now,
                    sets=out_sets,
                )
            )
        out = codec.OutInterchange(
            partner.our_isa_qualifier,
            partner.our_isa_id,
            partner.isa_qualifier,
            partner.isa_id,
            isa13,
            now,
            version=partner.isa_version,
            test_indicator=partner.test_indicator or "P",
            ack_requested=ack_requested,
            delimiters=_delimiters(partner),
            groups=groups,
            ta1s=[tuple(t) for t in ta1s],
        )
        text = codec.write(out)
        name = outbox_file_name(partner, isa13, set_ids)
        interchange = Interchange(
            direction=Direction.OUTBOUND,
            partner=partner,
            sender_qualifier=partner.our_isa_qualifier,
            sender_id=partner.our_isa_id,
            receiver_qualifier=partner.isa_qualifier,
            receiver_id=partner.isa_id,
            control_number=f"{isa13:09d}",
            version=partner.isa_version,
            test_indicator=partner.test_indicator or "P",
            interchange_date=now,
            source=(source or name)[:300],
            size=len(text.encode("utf-8")),
            status=InterchangeStatus.SENT,
        )
        interchange.raw.save(name, ContentFile(text.encode("utf-8")), save=False)
        interchange.save()
        event_record(
            actor=SYSTEM,
            obj=interchange,
            action="edi.interchange.sent",
            after={
                "partner": partner.code,
                "isa13": isa13,
                "gs06": gs06 if sets else None,
                "sets": [f"{s}:{c}" for s, c in zip(set_ids, controls, strict=True)],
                "file": name,
            },
        )
        transaction.on_commit(lambda: _outbox_after_commit(partner, name, text))
    written = _written_sets(text) if sets else []
    sent_sets = [
        SentSet(set_id, control, *(written[n][::-1] if n < len(written) else ("", str(control))))
        for n, (set_id, control) in enumerate(zip(set_ids, controls, strict=True))
    ]
    return SentInterchange(interchange, gs06 if sets else None, sent_sets, text)


def _outbox_after_commit(partner: TradingPartner, name: str, text: str) -> None:
    from .transport import outbox_file_write

    try:
        outbox_file_write(partner, name, text)
    except OSError:
        # The text is kept on the Interchange; the monitor can download and re-drop it.
        log.exception("EDI outbox write failed for %s (%s)", partner.code, name)

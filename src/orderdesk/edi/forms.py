"""Forms of the EDI pages: the partner profile, an item cross-reference, the upload, and the
reasons of the document and intake actions.

A form checks only what a form can check (a number is a number, a map line has an '=');
whether an id is too long, a separator occurs in the data or a unit is ours is the partner
service's, so the page and the API refuse the same things with the same words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django import forms

from orderdesk.core.errors import DomainError

from .models import DOCUMENT_SETS, Send855

#: How a newline is typed where a separator is asked for.
NEWLINE_WORDS = ("\\n", "newline", "nl", "lf")


def parse_pairs(text: str, what: str) -> dict[str, str]:
    """ "CA=CS" lines (also "CA = CS", "CA: CS") → {"CA": "CS"}; blank lines and # comments
    are skipped. A bad line is refused with its number, never silently dropped."""
    out: dict[str, str] = {}
    for n, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            key, sep, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            raise forms.ValidationError(
                f"Line {n} of the {what} ('{line}') is not 'theirs=ours': type one pair per line"
            )
        if key in out:
            raise forms.ValidationError(f"Line {n} of the {what}: '{key}' is mapped twice")
        out[key] = value
    return out


def pairs_text(mapping: Mapping[str, Any] | None) -> str:
    return "\n".join(f"{k}={v}" for k, v in (mapping or {}).items())


def separator_text(ch: str) -> str:
    return "\\n" if ch == "\n" else ch


class SeparatorField(forms.CharField):
    """One character, typed as is; a newline is typed as \\n."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strip=False, max_length=8, **kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if text.strip().lower() in NEWLINE_WORDS:
            return "\n"
        if len(text) != 1:
            raise forms.ValidationError("Type exactly one character (\\n for a newline).")
        return text


class PartnerForm(forms.Form):
    code = forms.CharField(max_length=30)
    name = forms.CharField(max_length=120)
    customer = forms.CharField(max_length=20, help_text="Account number")
    active = forms.BooleanField(required=False)
    # Lengths are the partner service's to check (its message says what X12 allows).
    isa_qualifier = forms.CharField(max_length=40)
    isa_id = forms.CharField(max_length=40)
    gs_id = forms.CharField(max_length=40)
    our_isa_qualifier = forms.CharField(max_length=40)
    our_isa_id = forms.CharField(max_length=40)
    our_gs_id = forms.CharField(max_length=40)
    isa_version = forms.CharField(max_length=40)
    version = forms.CharField(max_length=40)
    element_separator = SeparatorField()
    component_separator = SeparatorField()
    repetition_separator = SeparatorField()
    segment_terminator = SeparatorField()
    line_break = forms.BooleanField(required=False)
    test_indicator = forms.ChoiceField(choices=[("P", "Production"), ("T", "Test")])
    documents = forms.MultipleChoiceField(
        required=False, choices=list(DOCUMENT_SETS.items()), widget=forms.CheckboxSelectMultiple
    )
    send_855 = forms.ChoiceField(choices=Send855.choices)
    ack_hours = forms.IntegerField(min_value=1, max_value=720)
    duplicate_days = forms.IntegerField(min_value=1, max_value=3650)
    uom_map = forms.CharField(required=False, widget=forms.Textarea, max_length=4000)
    location_map = forms.CharField(required=False, widget=forms.Textarea, max_length=20000)
    folder = forms.CharField(required=False, max_length=300)

    def clean_uom_map(self) -> dict[str, str]:
        return parse_pairs(self.cleaned_data.get("uom_map", ""), "unit map")

    def clean_location_map(self) -> dict[str, str]:
        return parse_pairs(self.cleaned_data.get("location_map", ""), "location map")

    def profile(self, customer_id: int) -> dict[str, Any]:
        """The profile fields for `partners.partner_create` / `partner_update`."""
        data = dict(self.cleaned_data)
        data.pop("customer", None)
        data["customer_id"] = customer_id
        return data

    @classmethod
    def initial_for(cls, partner: Any) -> dict[str, Any]:
        """The form's values from a saved profile (maps as lines, newline as \\n)."""
        initial = {name: getattr(partner, name) for name in cls.base_fields if name != "customer"}
        initial["customer"] = partner.customer.account_number if partner.customer_id else ""
        initial["uom_map"] = pairs_text(partner.uom_map)
        initial["location_map"] = pairs_text(partner.location_map)
        for name in (
            "element_separator",
            "component_separator",
            "repetition_separator",
            "segment_terminator",
        ):
            initial[name] = separator_text(getattr(partner, name))
        return initial

    def show_error(self, exc: DomainError) -> None:
        """Put the partner service's error at the field it names."""
        name = "customer" if exc.field == "customer_id" else (exc.field or "")
        text = error_text(exc)
        self.add_error(name if name in self.fields else None, text)


#: What a new profile starts with: the usual X12 4010 set-up, exchanging everything.
NEW_PARTNER = {
    "active": True,
    "isa_qualifier": "ZZ",
    "our_isa_qualifier": "ZZ",
    "isa_version": "00401",
    "version": "004010",
    "element_separator": "*",
    "component_separator": ">",
    "repetition_separator": "U",
    "segment_terminator": "~",
    "line_break": True,
    "test_indicator": "P",
    "documents": ["850", "860", "855", "856", "810", "997"],
    "send_855": Send855.ALWAYS,
    "ack_hours": 24,
    "duplicate_days": 90,
}


class PartnerItemForm(forms.Form):
    item_sku = forms.CharField(max_length=40)
    buyer_part = forms.CharField(required=False, max_length=48)
    upc = forms.CharField(required=False, max_length=14)
    uom = forms.CharField(required=False, max_length=8)

    def show_error(self, exc: DomainError) -> None:
        name = exc.field or ""
        self.add_error(name if name in self.fields else None, error_text(exc))


class UploadForm(forms.Form):
    file = forms.FileField()
    customer = forms.CharField(required=False, max_length=20)


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500)


class ReprocessForm(forms.Form):
    raw = forms.CharField(required=False, strip=False, max_length=2_000_000)
    reason = forms.CharField(max_length=500)


class IntakeResolveForm(forms.Form):
    note = forms.CharField(max_length=2000)
    orders = forms.CharField(required=False, max_length=500)

    def clean_orders(self) -> list[str]:
        """Order numbers typed with commas, spaces or newlines between them."""
        text = self.cleaned_data.get("orders", "")
        return [n for n in re.split(r"[\s,;]+", text) if n]


class NoteForm(forms.Form):
    note = forms.CharField(max_length=2000)


def error_text(exc: DomainError) -> str:
    message = exc.message[:1].upper() + exc.message[1:]
    return f"{message} — {exc.fix}" if exc.fix else message

"""Forms of the order desk pages: order entry (a header and a grid of lines), the reason
forms of the exception screen, and the order file upload.

Order entry checks only what a form can check (a quantity is a number, a date is a date, a
line with a quantity names a SKU); everything else (customer, ship-to, SKUs, units, prices,
credit) is `orders.intake`'s, so the page and the API answer the same way. `entry_draft`
turns valid forms into an `OrderDraft`, and `entry_show_error` puts an `OrderError` from
intake next to the field it names (`lines[3].quantity` → the third line's quantity).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms

from .drafts import LineDraft, OrderDraft
from .states import FobPoint, FreightPayment, Incoterm

#: What a clerk may type in a date cell: ISO first, then the US forms.
DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y%m%d"]

SHIP_COMPLETE_CHOICES = [
    ("", "Customer's policy"),
    ("yes", "Ship complete"),
    ("no", "Partial shipments allowed"),
]


def _blank(label: str) -> list[tuple[str, str]]:
    return [("", label)]


class OrderHeaderForm(forms.Form):
    """The order header. `customer` is the account number the look-up picked; without
    JavaScript the clerk types the account number in `customer_q` and it is used as is."""

    customer = forms.CharField(required=False, max_length=20)
    customer_q = forms.CharField(required=False, max_length=200)
    ship_to = forms.CharField(required=False, max_length=30)
    customer_po = forms.CharField(required=False, max_length=40)
    requested_date = forms.DateField(required=False, input_formats=DATE_FORMATS)
    ship_method = forms.CharField(required=False, max_length=20)
    incoterm = forms.ChoiceField(required=False, choices=_blank("—") + list(Incoterm.choices))
    incoterm_place = forms.CharField(required=False, max_length=100)
    fob_point = forms.ChoiceField(required=False, choices=_blank("—") + list(FobPoint.choices))
    freight_payment = forms.ChoiceField(
        required=False, choices=_blank("—") + list(FreightPayment.choices)
    )
    rush = forms.BooleanField(required=False)
    ship_complete = forms.ChoiceField(required=False, choices=SHIP_COMPLETE_CHOICES)
    notes = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)

    def __init__(self, *args: Any, fixed_customer: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: a portal user's own account: whatever the form says, the order is theirs
        self.fixed_customer = fixed_customer

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        account = self.fixed_customer or data.get("customer") or ""
        if not account:
            typed = (data.get("customer_q") or "").strip()
            # Without the look-up (no JS), the typed text is the account number.
            account = typed.split(" ", 1)[0] if typed else ""
        if not account:
            self.add_error("customer_q", "Pick the customer: type the account or the name.")
        data["customer"] = account
        return data


class LineForm(forms.Form):
    sku = forms.CharField(required=False, max_length=40)
    quantity = forms.DecimalField(
        required=False, min_value=0, max_digits=18, decimal_places=4, localize=False
    )
    uom = forms.CharField(required=False, max_length=8)
    customer_price = forms.DecimalField(
        required=False, min_value=0, max_digits=18, decimal_places=4
    )
    requested_date = forms.DateField(required=False, input_formats=DATE_FORMATS)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", None) or {}
        return not (data.get("sku") or "").strip() and data.get("quantity") is None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        sku = (data.get("sku") or "").strip()
        quantity = data.get("quantity")
        if sku and quantity is None and "quantity" not in self.errors:
            self.add_error("quantity", "Enter the quantity.")
        if quantity is not None and not sku:
            self.add_error("sku", "Enter the SKU, or clear the quantity.")
        if quantity is not None and quantity <= 0 and "quantity" not in self.errors:
            self.add_error("quantity", "The quantity must be above 0.")
        data["sku"] = sku
        data["uom"] = (data.get("uom") or "").strip().upper()
        return data


#: Rows the grid shows on a fresh page: enough for most phone orders; Enter adds more.
START_ROWS = 5

LineFormSet = forms.formset_factory(LineForm, extra=START_ROWS, max_num=5000, absolute_max=5000)


@dataclass
class EntryForms:
    header: OrderHeaderForm
    lines: Any  # LineFormSet
    #: formset index of each draft line, in draft order (the line numbers intake uses)
    line_rows: list[int]

    def is_valid(self) -> bool:
        header_ok = self.header.is_valid()
        lines_ok = self.lines.is_valid()
        return header_ok and lines_ok


def entry_forms(data: Any = None, *, fixed_customer: str = "") -> EntryForms:
    header = OrderHeaderForm(data, fixed_customer=fixed_customer)
    lines = LineFormSet(data, prefix="lines")
    return EntryForms(header=header, lines=lines, line_rows=[])


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def entry_draft(forms_: EntryForms) -> OrderDraft:
    """The draft of valid entry forms; blank rows are left out (the grid always has some)."""
    h = forms_.header.cleaned_data
    lines: list[LineDraft] = []
    forms_.line_rows = []
    for index, form in enumerate(forms_.lines.forms):
        if not form.has_changed() or form.is_blank():
            continue
        c = form.cleaned_data
        lines.append(
            LineDraft(
                sku=c["sku"],
                quantity=c["quantity"],
                uom=c.get("uom") or "",
                requested_date=c.get("requested_date"),
                customer_price=c.get("customer_price"),
            )
        )
        forms_.line_rows.append(index)
    return OrderDraft(
        customer=h["customer"],
        lines=lines,
        customer_po=(h.get("customer_po") or "").strip(),
        ship_to=h.get("ship_to") or "",
        requested_date=h.get("requested_date"),
        ship_method=h.get("ship_method") or "",
        incoterm=h.get("incoterm") or "",
        incoterm_place=(h.get("incoterm_place") or "").strip(),
        fob_point=h.get("fob_point") or "",
        freight_payment=h.get("freight_payment") or "",
        rush=bool(h.get("rush")),
        ship_complete=_yes_no(h.get("ship_complete") or ""),
        notes=h.get("notes") or "",
    )


_LINE_FIELD = re.compile(r"^lines\[(\d+)\](?:\.(\w+))?$")
_LINE_FIELDS = {"sku", "quantity", "uom", "customer_price", "requested_date"}
_HEADER_FIELDS = {
    "customer": "customer_q",
    "ship_to": "ship_to",
    "customer_po": "customer_po",
    "requested_date": "requested_date",
    "ship_method": "ship_method",
    "incoterm": "incoterm",
    "fob_point": "fob_point",
    "freight_payment": "freight_payment",
}


def error_text(exc: Any) -> str:
    """The message and, when intake gave one, the fix: "… — check the account number"."""
    message = str(getattr(exc, "message", "") or exc)
    field = getattr(exc, "field", None) or ""
    # Intake prefixes messages with the field path ("lines[3].quantity: …"); the page shows
    # the message next to that field already.
    if field and message.startswith(f"{field}: "):
        message = message[len(field) + 2 :]
    fix = getattr(exc, "fix", None)
    message = message[:1].upper() + message[1:]
    return f"{message} — {fix}" if fix else message


def entry_show_error(forms_: EntryForms, exc: Any) -> None:
    """Put an intake error next to the field it names; what names no field goes on top."""
    field = getattr(exc, "field", None) or ""
    text = error_text(exc)
    match = _LINE_FIELD.match(field)
    if match:
        n = int(match.group(1))
        name = match.group(2) or ""
        if 1 <= n <= len(forms_.line_rows):
            form = forms_.lines.forms[forms_.line_rows[n - 1]]
            form.add_error(name if name in _LINE_FIELDS else None, text)
            return
    if field in _HEADER_FIELDS:
        forms_.header.add_error(_HEADER_FIELDS[field], text)
        return
    forms_.header.add_error(None, text)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        min_length=3,
        strip=True,
        error_messages={
            "required": "Say why: a few words the next person will understand.",
            "min_length": "Say why: a few words the next person will understand.",
        },
    )


class UploadForm(forms.Form):
    """An order spreadsheet and how to read it: the customer it is for (blank when the file
    names the customer on each row) and a saved column mapping."""

    file = forms.FileField()
    customer = forms.CharField(required=False, max_length=20)
    mapping = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, mappings: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mapping"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "Automatic (the customer's mapping or our columns)"), *mappings]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Upload a .csv or .xlsx file.")
        return upload

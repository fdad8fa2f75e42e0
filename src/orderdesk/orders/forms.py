"""Forms of the order desk pages: order entry (a header and a grid of lines), the reason
forms of the exception screen, the order file upload, and the order page's change form and
line allocation actions.

Order entry checks only what a form can check (a quantity is a number, a date is a date, a
line with a quantity names a SKU); everything else (customer, ship-to, SKUs, units, prices,
credit) is `orders.intake`'s, so the page and the API answer the same way. `entry_draft`
turns valid forms into an `OrderDraft`, and `entry_show_error` puts an `OrderError` from
intake next to the field it names (`lines[3].quantity` → the third line's quantity).

The change form works the same way: it checks what a form can check, `change_body` sends
only what the clerk changed to `submit.order_change_by_id`, and `change_show_error` puts the
change service's error next to the line it names (there `lines[3]` is line number 3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
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


# --- the order page: change the order, a line's allocation actions ------------------------

_REASON_MESSAGES = {
    "required": "Say why: a few words the next person will understand.",
    "min_length": "Say why: a few words the next person will understand.",
}
NOTHING_CHANGED = (
    "Nothing to change: change a quantity or a date, tick Cancel line, add a line or edit "
    "the notes, then submit."
)


class LineChangeForm(forms.Form):
    """One line of the change form. Its `initial` is the line as it is, so `changed_data`
    says what the clerk changed; a line nobody touched is left out of the change."""

    quantity = forms.DecimalField(required=False, max_digits=18, decimal_places=4, localize=False)
    requested_date = forms.DateField(required=False, input_formats=DATE_FORMATS)
    cancel = forms.BooleanField(required=False)

    def __init__(self, *args: Any, line_no: int, **kwargs: Any) -> None:
        kwargs["prefix"] = f"line-{line_no}"
        super().__init__(*args, **kwargs)
        self.line_no = line_no

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("cancel") or "quantity" in self.errors:
            return data
        quantity = data.get("quantity")
        if quantity is None:
            self.add_error("quantity", "Enter the quantity, or tick Cancel line.")
        elif quantity <= 0:
            self.add_error("quantity", "The quantity must be above 0: tick Cancel line instead.")
        return data

    def change(self) -> dict[str, Any] | None:
        """This line's part of the change body, or None when it is left as it is."""
        data = self.cleaned_data
        if data.get("cancel"):
            return {"line_no": self.line_no, "cancel": True}
        out: dict[str, Any] = {"line_no": self.line_no}
        changed = self.changed_data
        if "quantity" in changed:
            out["quantity"] = format(data["quantity"], "f")
        if "requested_date" in changed and data.get("requested_date") is not None:
            out["requested_date"] = data["requested_date"].isoformat()
        return out if len(out) > 1 else None


class ChangeHeaderForm(forms.Form):
    """The order's requested date and notes (initial: as they are) and the reason."""

    requested_date = forms.DateField(required=False, input_formats=DATE_FORMATS)
    notes = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)
    reason = forms.CharField(
        max_length=500, min_length=3, strip=True, error_messages=_REASON_MESSAGES
    )


#: New lines on the change form: one blank row; Enter on its last cell adds another.
AddLineFormSet = forms.formset_factory(LineForm, extra=1, max_num=500, absolute_max=500)


@dataclass
class ChangeForms:
    header: ChangeHeaderForm
    #: line number → its form, for the lines the page shows (bound: the ones posted)
    lines: dict[int, LineChangeForm]
    add: Any  # AddLineFormSet
    #: formset index of each added line, in body order (`add[1]` is the first)
    add_rows: list[int]

    def is_valid(self) -> bool:
        header_ok = self.header.is_valid()
        # Every form is checked (not just up to the first bad one): all errors show at once.
        checked = [f.is_valid() for f in self.lines.values() if f.is_bound]
        add_ok = self.add.is_valid()
        return header_ok and all(checked) and add_ok

    @property
    def has_errors(self) -> bool:
        if not self.header.is_bound:
            return False
        return bool(
            self.header.errors
            or any(f.errors for f in self.lines.values() if f.is_bound)
            or self.add.non_form_errors()
            or any(f.errors for f in self.add.forms)
        )


def _plain(value: Any) -> Decimal:
    """A quantity as a clerk types it: 12.5000 → 12.5, 100.0000 → 100 (not 1E+2)."""
    return Decimal(format(Decimal(value).normalize(), "f"))


def change_forms(
    lines: list[Any],
    *,
    requested_date: Any = None,
    notes: str = "",
    data: Any = None,
) -> ChangeForms:
    """The change form of an order: `lines` are the order lines it shows (with their
    quantity in the unit ordered and their requested date). Posted, a line's form is bound
    only when the post carries it, so lines the page did not show stay as they are."""
    # Initial values are typed (Decimal, date): `has_changed` compares them with the posted
    # value as parsed, so "4" against 4.0000 is no change.
    header = ChangeHeaderForm(data, initial={"requested_date": requested_date, "notes": notes})
    line_forms = {}
    for ln in lines:
        initial = {
            "quantity": _plain(ln.quantity),
            "requested_date": ln.requested_date,
            "cancel": False,
        }
        posted = data is not None and f"line-{ln.line_no}-quantity" in data
        line_forms[ln.line_no] = LineChangeForm(
            data if posted else None, line_no=ln.line_no, initial=initial
        )
    add = AddLineFormSet(data, prefix="add")
    return ChangeForms(header=header, lines=line_forms, add=add, add_rows=[])


def change_body(forms_: ChangeForms) -> dict[str, Any] | None:
    """The body of `submit.order_change_by_id` from valid change forms, with only what the
    clerk changed; None when nothing was."""
    h = forms_.header.cleaned_data
    body: dict[str, Any] = {"reason": h["reason"], "lines": [], "add": []}
    for form in forms_.lines.values():
        if form.is_bound and (change := form.change()) is not None:
            body["lines"].append(change)
    forms_.add_rows = []
    for index, form in enumerate(forms_.add.forms):
        if not form.has_changed() or form.is_blank():
            continue
        c = form.cleaned_data
        date = c.get("requested_date")
        body["add"].append(
            {
                "sku": c["sku"],
                "quantity": format(c["quantity"], "f"),
                "uom": c.get("uom") or "",
                "requested_date": date.isoformat() if date else None,
                "customer_price": None,
                "warehouse": "",
                "notes": "",
            }
        )
        forms_.add_rows.append(index)
    changed = forms_.header.changed_data
    if "requested_date" in changed and h.get("requested_date") is not None:
        body["requested_date"] = h["requested_date"].isoformat()
    notes = _text(h.get("notes"))
    if notes != _text(forms_.header.initial.get("notes")):
        body["notes"] = notes
    if not (body["lines"] or body["add"] or "requested_date" in body or "notes" in body):
        return None
    return body


def _text(value: Any) -> str:
    """A textarea's text as stored: browsers send CRLF line ends."""
    return str(value or "").replace("\r\n", "\n").strip()


_CHANGE_LINE = re.compile(r"^(lines|add)\[(\d+)\](?:\.(\w+))?$")


def change_show_error(forms_: ChangeForms, exc: Any) -> None:
    """Put a change error next to what it names: `lines[3].quantity` is line 3's quantity
    (the change service numbers lines by line number), `add[2].sku` the second added line's
    SKU; what names nothing on the form goes on top."""
    field = getattr(exc, "field", None) or ""
    text = error_text(exc)
    match = _CHANGE_LINE.match(field)
    if match:
        kind, n, name = match.group(1), int(match.group(2)), match.group(3) or ""
        if kind == "lines" and n in forms_.lines and forms_.lines[n].is_bound:
            form = forms_.lines[n]
            form.add_error(name if name in form.fields else None, text)
            return
        if kind == "add" and 1 <= n <= len(forms_.add_rows):
            form = forms_.add.forms[forms_.add_rows[n - 1]]
            form.add_error(name if name in _LINE_FIELDS else None, text)
            return
    if field in ("reason", "requested_date", "notes"):
        forms_.header.add_error(field, text)
        return
    forms_.header.add_error(None, text)


LINE_ACTIONS = [
    ("expedite", "Expedite"),
    ("decommit", "Decommit"),
    ("move", "Move to warehouse"),
]


class LineActionForm(forms.Form):
    """Expedite, decommit or move one line, with the reason."""

    line_no = forms.IntegerField(
        min_value=1, error_messages={"required": "Choose the line.", "invalid": "Choose the line."}
    )
    action = forms.ChoiceField(
        choices=LINE_ACTIONS, error_messages={"required": "Choose what to do with the line."}
    )
    warehouse = forms.CharField(required=False, max_length=20)
    reason = forms.CharField(
        max_length=500, min_length=3, strip=True, error_messages=_REASON_MESSAGES
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "move" and not (data.get("warehouse") or "").strip():
            self.add_error("warehouse", "Choose the warehouse to serve the line from.")
        return data

"""The columns of an order file, and the per-customer mappings from their headers to ours.

Our own template names its columns after the fields below. A customer who sends their own
spreadsheet gets a `ColumnMapping` saved once (field → their header, plus defaults for what
their file does not carry, such as their account number); every later file of theirs is
read with it. `file_layout` decides which columns of a file fill which field: the mapping
named, else our own template, else the customer's saved mapping. See docs/order-files.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from orderdesk.core.audit import event_record
from orderdesk.core.importing_spec import ERROR_COLUMN
from orderdesk.core.locks import lock_one
from orderdesk.core.money import AMOUNT_PLACES, QUANTITY_PLACES
from orderdesk.core.roles import Capability, is_portal, require
from orderdesk.core.tabular import (
    CellError,
    CellReader,
    Table,
    TableError,
    cell_text,
    open_table,
)
from orderdesk.core.tabular import normalise_header as norm
from orderdesk.parties.models import Customer

from .errors import OrderError, OrderErrorCode
from .models import ColumnMapping
from .states import FobPoint, FreightPayment, Incoterm

DEFAULT_NAME = "default"


def _choices(values: list[str]) -> dict[str, str]:
    found = {norm(v): v for v in values}
    found.update({v: v for v in values})
    return found


@dataclass(frozen=True)
class OrderField:
    """One field an order file can fill: on the order (header) or on each line."""

    name: str
    level: str  # "order" or "line"
    reader: CellReader
    help: str
    example: str = ""

    def read(self, raw: Any) -> Any:
        """The cell's value, or CellError with the fix."""
        return self.reader.build()(raw)


FIELDS: dict[str, OrderField] = {
    f.name: f
    for f in (
        OrderField(
            "customer",
            "order",
            CellReader(upper=True, max_length=20),
            "the customer's account number",
            "C10042",
        ),
        OrderField(
            "customer_po", "order", CellReader(max_length=40), "the customer's PO number", "4500"
        ),
        OrderField("ship_to", "order", CellReader(max_length=20), "ship-to address code", "ST01"),
        OrderField("bill_to", "order", CellReader(max_length=20), "bill-to address code", "MAIN"),
        OrderField("requested_date", "order", CellReader(kind="date"), "requested date", ""),
        OrderField("ship_method", "order", CellReader(max_length=20), "ship method code", ""),
        OrderField(
            "incoterm",
            "order",
            CellReader(choices=_choices(list(Incoterm.values))),
            "Incoterms 2020 code",
            "FCA",
        ),
        OrderField(
            "fob_point",
            "order",
            CellReader(choices=_choices(list(FobPoint.values))),
            "origin or destination",
            "",
        ),
        OrderField(
            "freight_payment",
            "order",
            CellReader(choices=_choices(list(FreightPayment.values))),
            "prepaid, prepaid_add, collect or third_party",
            "",
        ),
        OrderField("rush", "order", CellReader(kind="bool"), "yes for a rush order", "no"),
        OrderField("notes", "order", CellReader(), "notes for the order", ""),
        OrderField("sku", "line", CellReader(max_length=40), "the item's SKU", "CTR-3P-40A"),
        OrderField(
            "quantity",
            "line",
            CellReader(kind="decimal", places=QUANTITY_PLACES, positive=True),
            "quantity in the unit ordered",
            "10",
        ),
        OrderField("uom", "line", CellReader(upper=True, max_length=8), "unit code", "EA"),
        OrderField(
            "customer_price",
            "line",
            CellReader(kind="decimal", places=AMOUNT_PLACES, minimum=None),
            "unit price on the customer's PO",
            "",
        ),
        OrderField(
            "line_requested_date", "line", CellReader(kind="date"), "the line's requested date"
        ),
        OrderField(
            "warehouse", "line", CellReader(upper=True, max_length=20), "warehouse code", ""
        ),
    )
}
ORDER_LEVEL = tuple(n for n, f in FIELDS.items() if f.level == "order")
LINE_LEVEL = tuple(n for n, f in FIELDS.items() if f.level == "line")
#: Without these a row cannot become an order line (customer may come from a default).
REQUIRED = ("customer", "sku", "quantity")


def _unknown_key(key: str, what: str) -> OrderError:
    return OrderError(
        OrderErrorCode.MAPPING_INVALID,
        f"{what}: '{key}' is not an order file field",
        field=f"{what}.{key}",
        fix=f"use one of: {', '.join(FIELDS)}",
    )


def clean_columns(columns: dict[str, Any]) -> dict[str, str]:
    """Field → header, keys checked; raises OrderError naming the first bad key."""
    if not isinstance(columns, dict):
        raise OrderError(
            OrderErrorCode.MAPPING_INVALID,
            "columns must map field names to the file's headers",
            field="columns",
            fix="e.g. {'sku': 'Item No', 'quantity': 'Qty'}",
        )
    out: dict[str, str] = {}
    for key, header in columns.items():
        name = norm(key)
        if name not in FIELDS:
            raise _unknown_key(str(key), "columns")
        text = cell_text(header)
        if not text:
            raise OrderError(
                OrderErrorCode.MAPPING_INVALID,
                f"columns.{name}: no header given",
                field=f"columns.{name}",
                fix="write the header as it stands in the customer's file, or leave the field out",
            )
        out[name] = text[:100]
    return out


def clean_defaults(defaults: dict[str, Any]) -> dict[str, str]:
    """Field → value as text, each value read as its field reads a cell."""
    if not isinstance(defaults, dict):
        raise OrderError(
            OrderErrorCode.MAPPING_INVALID,
            "defaults must map field names to values",
            field="defaults",
            fix="e.g. {'customer': 'C10042', 'ship_method': 'UPS-GND'}",
        )
    out: dict[str, str] = {}
    for key, value in defaults.items():
        name = norm(key)
        if name not in FIELDS:
            raise _unknown_key(str(key), "defaults")
        text = cell_text(value)
        if not text:
            continue
        try:
            FIELDS[name].read(text)
        except CellError as exc:
            raise OrderError(
                OrderErrorCode.MAPPING_INVALID,
                f"defaults.{name}: {exc.message}",
                field=f"defaults.{name}",
                fix=exc.fix,
            ) from exc
        out[name] = text
    return out


def _may_map(actor: Any, customer: Customer | None) -> None:
    require(actor, Capability.ORDER_ENTRY)
    if is_portal(actor) and (customer is None or customer.pk != getattr(actor, "customer_id", 0)):
        raise OrderError(
            OrderErrorCode.MAPPING_INVALID,
            "a portal user keeps column mappings for their own account only",
            field="customer",
        )


def column_mapping_save(
    *,
    actor: Any,
    customer: Customer | None,
    name: str,
    columns: dict[str, Any],
    defaults: dict[str, Any] | None = None,
) -> ColumnMapping:
    """Create the customer's mapping of that name, or replace its columns and defaults.

    `customer` None is the house mapping. Keys must be order file fields (`FIELDS`); each
    default is read as its column would be, so a bad default fails here and not on every
    file. An unchanged mapping records no event.
    """
    _may_map(actor, customer)
    name = (name or "").strip() or DEFAULT_NAME
    if len(name) > 60:
        raise OrderError(
            OrderErrorCode.MAPPING_INVALID,
            f"the mapping name has {len(name)} characters, at most 60 fit",
            field="name",
            fix="shorten the name",
        )
    cols = clean_columns(columns)
    defs = clean_defaults(defaults or {})
    if not cols and not defs:
        raise OrderError(
            OrderErrorCode.MAPPING_INVALID,
            "the mapping maps no column and gives no default",
            field="columns",
            fix="map at least the columns whose headers differ from ours (sku, quantity …)",
        )
    after = {"columns": cols, "defaults": defs}
    try:
        return _save(actor, customer, name, after)
    except IntegrityError:
        # Another clerk created it meanwhile: update theirs.
        return _save(actor, customer, name, after)


def _save(
    actor: Any, customer: Customer | None, name: str, after: dict[str, dict[str, str]]
) -> ColumnMapping:
    user = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        qs = ColumnMapping.objects.filter(customer=customer, name=name)
        mapping = lock_one(qs) if qs.exists() else None
        if mapping is None:
            mapping = ColumnMapping.objects.create(
                customer=customer, name=name, updated_by=user, **after
            )
            event_record(actor=actor, obj=mapping, action="column_mapping.created", after=after)
            return mapping
        before = {"columns": mapping.columns, "defaults": mapping.defaults}
        if before == after:
            return mapping
        mapping.columns, mapping.defaults, mapping.updated_by = (
            after["columns"],
            after["defaults"],
            user,
        )
        mapping.save(update_fields=["columns", "defaults", "updated_by", "updated_at"])
        event_record(
            actor=actor, obj=mapping, action="column_mapping.updated", before=before, after=after
        )
        return mapping


def column_mapping_get(*, customer: Customer | None, name: str = "") -> ColumnMapping:
    """The customer's mapping by name; without a name, the only one or the one named default.

    Raises OrderError listing the names there are when none fits.
    """
    mappings = list(ColumnMapping.objects.filter(customer=customer).order_by("name"))
    whose = f"customer {customer.account_number}" if customer else "the house"
    if name:
        for m in mappings:
            if m.name.lower() == name.strip().lower():
                return m
    elif len(mappings) == 1:
        return mappings[0]
    else:
        for m in mappings:
            if m.name == DEFAULT_NAME:
                return m
    names = ", ".join(m.name for m in mappings)
    if name:
        message = f"{whose} has no column mapping named {name}"
    elif mappings:
        message = f"{whose} has several column mappings ({names}) and none named {DEFAULT_NAME}"
    else:
        message = f"{whose} has no column mapping"
    raise OrderError(
        OrderErrorCode.MAPPING_INVALID,
        message,
        field="mapping",
        fix=f"use one of: {names}" if mappings else "save a column mapping first",
    )


# --- which column holds which field ---------------------------------------------------


@dataclass
class Layout:
    """Which cell holds which field, and the values fields without a cell take."""

    index: dict[str, int]
    headers: dict[str, str]  # field → header as in the file
    defaults: dict[str, str]
    source: str  # "template" or "mapping"
    missing: list[str] = field(default_factory=list)  # required fields nothing fills
    warnings: list[str] = field(default_factory=list)


def layout_for(
    header: list[str],
    columns: dict[str, str],
    defaults: dict[str, str],
    *,
    source: str,
    has_customer: bool = False,
) -> Layout:
    """Match fields to the file's headers: the mapping's headers first, then our own names.

    A column the mapping uses is not taken again by our name for another field. The
    `error` column of an error file is ignored, so a corrected error file imports as is.
    """
    positions: dict[str, list[int]] = {}
    for i, text in enumerate(header):
        n = norm(text)
        if n and n != ERROR_COLUMN:
            positions.setdefault(n, []).append(i)
    layout = Layout({}, {}, dict(defaults), source)
    used: set[int] = set()
    for pass_mapped in (True, False):
        for name in FIELDS:
            if name in layout.index or (name in columns) != pass_mapped:
                continue
            hits = [i for i in positions.get(norm(columns.get(name, name)), []) if i not in used]
            if not hits:
                if pass_mapped:
                    layout.warnings.append(
                        f"the mapping reads {name} from column '{columns[name]}', "
                        "which the file does not have"
                    )
                continue
            if len(hits) > 1:
                raise OrderError(
                    OrderErrorCode.MAPPING_INVALID,
                    f"column '{header[hits[0]]}' appears {len(hits)} times",
                    field=name,
                    fix="delete or rename all but one of them",
                )
            layout.index[name], layout.headers[name] = hits[0], header[hits[0]]
            used.add(hits[0])
    layout.missing = [
        f
        for f in REQUIRED
        if f not in layout.index and f not in defaults and not (f == "customer" and has_customer)
    ]
    ignored = [h for i, h in enumerate(header) if h and i not in used and norm(h) != ERROR_COLUMN]
    if ignored:
        layout.warnings.append("columns not read: " + ", ".join(ignored))
    return layout


def unmapped_error(file_name: str, header: list[str], missing: list[str]) -> OrderError:
    return OrderError(
        OrderErrorCode.MAPPING_INVALID,
        f"{file_name}: no column for {', '.join(missing)}; the file's headers are: "
        + (", ".join(f"'{h}'" for h in header if h) or "(none)"),
        field="mapping",
        fix=(
            "name the customer on upload if the file is one customer's, or "
            if "customer" in missing
            else ""
        )
        + "save a column mapping for this customer that names the header of each "
        "(orderdesk import_orders FILE --customer ACCOUNT --save-mapping default "
        "--map sku='Item No' --map quantity=Qty), or use our template's headers: "
        + ", ".join(FIELDS),
    )


def _read_table(data: bytes, file_name: str, expected: list[str]) -> Table:
    try:
        try:
            return open_table(data, name=file_name, expected=expected)
        except TableError:
            # No header names a known column: take the widest of the top rows as the header
            # (a title line above it is narrower), so the error can list its headers.
            table = open_table(data, name=file_name)
    except TableError as exc:
        raise OrderError(OrderErrorCode.INVALID, exc.message, field="file", fix=exc.fix) from exc
    best = table.header
    for number, cells in table.rows():
        if number > 20:
            break
        texts = [cell_text(c) for c in cells]
        if sum(1 for t in texts if t) > sum(1 for t in best if t):
            best = texts
    table.header = best
    return table


def _stored(mapping: ColumnMapping) -> tuple[dict[str, str], dict[str, str]]:
    """A saved mapping's columns and defaults, checked again (the admin site can edit them)."""
    try:
        return clean_columns(mapping.columns or {}), clean_defaults(mapping.defaults or {})
    except OrderError as exc:
        exc.message = f"column mapping {mapping.name}: {exc.message}"
        exc.args = (exc.message,)
        raise


def file_layout(
    data: bytes, file_name: str, customer: Customer | None, mapping: ColumnMapping | None
) -> tuple[Table, Layout, ColumnMapping | None]:
    """Mapping given → it; else our template's headers; else the customer's saved mapping."""
    named = customer is not None
    if mapping is not None:
        columns, defaults = _stored(mapping)
        table = _read_table(data, file_name, [*FIELDS, *columns.values()])
        layout = layout_for(table.header, columns, defaults, source="mapping", has_customer=named)
        if layout.missing:
            raise unmapped_error(file_name, table.header, layout.missing)
        return table, layout, mapping
    saved, unclear = None, None
    columns, defaults = {}, {}
    if customer is not None and customer.order_mappings.exists():
        try:
            saved = column_mapping_get(customer=customer)
            columns, defaults = _stored(saved)
        except OrderError as exc:  # several mappings and none named default, or a broken one
            saved, unclear = None, exc
    table = _read_table(data, file_name, [*FIELDS, *columns.values()])
    layout = layout_for(table.header, {}, {}, source="template", has_customer=named)
    if not layout.missing:
        return table, layout, None
    if saved is None:
        raise unclear or unmapped_error(file_name, table.header, layout.missing)
    layout = layout_for(table.header, columns, defaults, source="mapping", has_customer=named)
    if layout.missing:
        raise unmapped_error(file_name, table.header, layout.missing)
    return table, layout, saved

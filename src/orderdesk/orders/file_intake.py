"""Orders from CSV/XLSX files: many orders per file, previewed, then taken in by intake.

A file is read in two steps, as a clerk works: `order_file_preview` keeps the file, reads
every row and shows the orders it would make (and the rows that cannot become a line, with
row, column and fix); `order_file_import` then hands each previewed order to
`orders.intake.order_intake` (channel "file"), the same door as every other channel.

Grouping: rows with the same customer and PO are one order, wherever they stand in the
file; rows without a PO make one order per run of consecutive rows of the same customer.
An order with any bad row is kept out whole (nothing half-applied); the others go in.
What the import creates is what the preview showed: the drafts are stored with the preview.
The format is described in docs/order-files.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone

from orderdesk.core.audit import event_record
from orderdesk.core.errors import DomainError, NotFound
from orderdesk.core.importing_spec import ERROR_COLUMN
from orderdesk.core.roles import Capability, is_portal, require
from orderdesk.core.tabular import CellError, format_decimal, open_table
from orderdesk.core.tabular import normalise_header as norm
from orderdesk.parties.models import Customer

from .drafts import LineDraft, OrderDraft
from .errors import OrderConflict, OrderError, OrderErrorCode
from .mappings import FIELDS, ORDER_LEVEL, REQUIRED, Layout, file_layout
from .models import ColumnMapping, OrderFile, OrderFileStatus
from .states import Channel, OrderStatus, Severity

#: A preview keeps every line; bigger files are split (a few thousand orders a file).
MAX_ROWS = 20000

# --- reading rows (no database) ----------------------------------------------------------


@dataclass
class RowProblem:
    row: int
    column: str
    field: str
    message: str
    fix: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "message": self.message,
            "fix": self.fix,
        }


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[RowProblem] = field(default_factory=list)


@dataclass
class OrderGroup:
    customer: str
    customer_po: str
    rows: list[ParsedRow] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    origin: dict[str, int] = field(default_factory=dict)  # field → row its value came from

    @property
    def errors(self) -> list[RowProblem]:
        return [e for r in self.rows for e in r.errors]

    @property
    def numbers(self) -> list[int]:
        return [r.number for r in self.rows]


def parse_rows(
    rows: Iterable[tuple[int, list[Any]]], layout: Layout, *, header: list[str], customer: str = ""
) -> list[ParsedRow]:
    """Each row's values by field, or its problems with row, column and fix.

    `customer` is the account the upload is for: it fills a blank customer cell, and a row
    naming another account is refused rather than ordered for someone else.
    """
    readers = {name: FIELDS[name].reader.build() for name in FIELDS}
    defaults = {n: readers[n](v) for n, v in layout.defaults.items()}
    if customer:
        defaults.setdefault("customer", customer.upper())
    unnamed = [i for i, h in enumerate(header) if not norm(h)]
    width = len(header)
    out: list[ParsedRow] = []
    for number, cells in rows:
        row = ParsedRow(number)
        out.append(row)
        if len(out) > MAX_ROWS:
            raise OrderError(
                OrderErrorCode.INVALID,
                f"the file has more than {MAX_ROWS} rows",
                field="file",
                fix=f"split it into files of at most {MAX_ROWS} rows",
            )
        stray = [*(cells[i] for i in unnamed if i < len(cells)), *cells[width:]]
        if any(c not in (None, "") for c in stray):
            row.errors.append(
                RowProblem(
                    number,
                    "",
                    "",
                    "a value stands in a column without a name in the header",
                    "put text that holds the delimiter in quotes, or name the column",
                )
            )
        for name, idx in layout.index.items():
            raw = cells[idx] if idx < len(cells) else None
            if raw is None or raw == "":
                continue
            try:
                row.values[name] = readers[name](raw)
            except CellError as exc:
                row.errors.append(
                    RowProblem(number, layout.headers[name], name, exc.message, exc.fix)
                )
        for name, value in defaults.items():
            row.values.setdefault(name, value)
        _required(row, layout, customer)
    return out


def _required(row: ParsedRow, layout: Layout, customer: str) -> None:
    bad = {e.field for e in row.errors}
    fixes = {
        "customer": "fill in the customer's account number, or name the customer on upload",
        "sku": "fill in the item's SKU, or delete the row",
        "quantity": "fill in the quantity ordered",
    }
    for name in REQUIRED:
        if name not in bad and not row.values.get(name):
            column = layout.headers.get(name, name)
            row.errors.append(RowProblem(row.number, column, name, f"{name} is empty", fixes[name]))
    given = row.values.get("customer", "")
    if customer and given and given != customer.upper():
        row.errors.append(
            RowProblem(
                row.number,
                layout.headers.get("customer", "customer"),
                "customer",
                f"the file is uploaded for customer {customer.upper()}; this row names {given}",
                "correct the account, or upload the file without naming a customer",
            )
        )


def group_rows(rows: list[ParsedRow], headers: dict[str, str] | None = None) -> list[OrderGroup]:
    """Orders from rows: same customer + PO anywhere; without a PO, consecutive rows."""
    groups: dict[tuple[Any, ...], OrderGroup] = {}
    run, last_key = 0, None
    for row in rows:
        customer = row.values.get("customer", "")
        po = row.values.get("customer_po", "")
        if po:
            key: tuple[Any, ...] = ("po", customer, po)
        elif last_key is not None and last_key[0] == "run" and last_key[1] == customer:
            key = last_key
        else:
            run += 1
            key = ("run", customer, run)
        last_key = key
        group = groups.setdefault(key, OrderGroup(customer, po))
        group.rows.append(row)
        _merge_header(group, row, headers or {})
    return list(groups.values())


def _merge_header(group: OrderGroup, row: ParsedRow, headers: dict[str, str]) -> None:
    """Order fields come from any row of the order; rows that disagree are refused."""
    for name in ORDER_LEVEL:
        value = row.values.get(name)
        if value in (None, "") or name in ("customer", "customer_po"):
            continue
        first = group.values.get(name)
        if first is None:
            group.values[name] = value
            group.origin[name] = row.number
        elif name == "notes":
            if value not in first.split("\n"):
                group.values[name] = f"{first}\n{value}"
        elif first != value:
            row.errors.append(
                RowProblem(
                    row.number,
                    headers.get(name, name),
                    name,
                    f"{name} {_text(value)} differs from {_text(first)} on row "
                    f"{group.origin[name]} of the same order",
                    f"an order has one {name}: make its rows agree, or give them different POs",
                )
            )


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def source_document(file_name: str, rows: list[int]) -> str:
    return f"{file_name} rows {min(rows)}-{max(rows)}"


def group_draft(group: OrderGroup, file_name: str) -> OrderDraft:
    """The draft of an order without row errors."""
    v = group.values
    return OrderDraft(
        customer=group.customer,
        customer_po=group.customer_po,
        lines=[
            LineDraft(
                sku=r.values["sku"],
                quantity=r.values["quantity"],
                uom=r.values.get("uom", ""),
                requested_date=r.values.get("line_requested_date"),
                customer_price=r.values.get("customer_price"),
                warehouse=r.values.get("warehouse", ""),
            )
            for r in group.rows
        ],
        bill_to=v.get("bill_to", ""),
        ship_to=v.get("ship_to", ""),
        requested_date=v.get("requested_date"),
        ship_method=v.get("ship_method", ""),
        incoterm=v.get("incoterm", ""),
        fob_point=v.get("fob_point", ""),
        freight_payment=v.get("freight_payment", ""),
        rush=bool(v.get("rush", False)),
        notes=v.get("notes", ""),
        source_document=source_document(file_name, group.numbers),
    )


_DRAFT_FIELDS = (*(n for n in ORDER_LEVEL if n not in ("customer", "customer_po")),)


def draft_to_json(draft: OrderDraft) -> dict[str, Any]:
    body: dict[str, Any] = {"customer": draft.customer, "customer_po": draft.customer_po}
    body.update({n: _jsonable(getattr(draft, n)) for n in _DRAFT_FIELDS})
    body["source_document"] = draft.source_document
    body["lines"] = [
        {
            "sku": ln.sku,
            "quantity": format_decimal(ln.quantity),
            "uom": ln.uom,
            "requested_date": _jsonable(ln.requested_date),
            "customer_price": _jsonable(ln.customer_price),
            "warehouse": ln.warehouse,
        }
        for ln in draft.lines
    ]
    return body


def draft_from_json(body: dict[str, Any]) -> OrderDraft:
    def date(value: str | None) -> dt.date | None:
        return dt.date.fromisoformat(value) if value else None

    lines = [
        LineDraft(
            sku=ln["sku"],
            quantity=Decimal(ln["quantity"]),
            uom=ln["uom"],
            requested_date=date(ln["requested_date"]),
            customer_price=None if ln["customer_price"] is None else Decimal(ln["customer_price"]),
            warehouse=ln["warehouse"],
        )
        for ln in body["lines"]
    ]
    fields = {k: v for k, v in body.items() if k not in ("lines", "requested_date")}
    return OrderDraft(lines=lines, requested_date=date(body["requested_date"]), **fields)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# --- preview -----------------------------------------------------------------------------


def _uploader_customer(
    actor: Any, customer: Customer | None, mapping: ColumnMapping | None
) -> Customer | None:
    if mapping is not None and mapping.customer_id is not None:
        if customer is not None and customer.pk != mapping.customer_id:
            raise OrderError(
                OrderErrorCode.MAPPING_INVALID,
                f"the mapping {mapping.name} belongs to another customer",
                field="mapping",
                fix="use the customer's own mapping",
            )
        customer = mapping.customer
    if is_portal(actor):
        own_id: int | None = getattr(actor, "customer_id", None)
        own = Customer.objects.filter(pk=own_id).first() if own_id else None
        if own is None or (customer is not None and customer.pk != own.pk):
            raise OrderError(
                OrderErrorCode.CUSTOMER_UNKNOWN,
                "a portal user uploads orders for their own account only",
                field="customer",
            )
        customer = own
    return customer


def order_file_preview(
    *,
    actor: Any,
    data: bytes,
    file_name: str,
    customer: Customer | None = None,
    mapping: ColumnMapping | None = None,
    today: dt.date | None = None,
) -> OrderFile:
    """Keep the file and show what it would create; creates no order.

    Raises OrderError (nothing kept) when the file cannot be read or its columns cannot be
    matched: the message lists the fields no column fills and the file's headers.
    """
    require(actor, Capability.ORDER_ENTRY)
    from .intake import build_order, order_already_received

    file_name = Path(file_name or "upload.csv").name[:150]
    customer = _uploader_customer(actor, customer, mapping)
    table, layout, used = file_layout(data, file_name, customer, mapping)
    account = customer.account_number if customer is not None else ""
    rows = parse_rows(table.rows(), layout, header=table.header, customer=account)
    groups = group_rows(rows, layout.headers)
    today = today or timezone.localdate()
    sha = hashlib.sha256(data).hexdigest()
    orders = []
    for n, group in enumerate(groups, start=1):
        entry = _group_entry(n, group)
        if not entry["errors"]:
            draft = group_draft(group, file_name)
            entry["draft"] = draft_to_json(draft)
            try:
                order, _ = build_order(actor=actor, channel=Channel.FILE, draft=draft, today=today)
            except DomainError as exc:
                entry.update(status="refused", error=exc.as_dict())
            else:
                entry["customer_name"] = order.customer.name
                again = order_already_received(order)
                if again is not None:
                    entry.update(status="already_received", number=again.number)
        orders.append(entry)
    warnings = [*table.warnings, *layout.warnings]
    before = OrderFile.objects.filter(sha256=sha, status=OrderFileStatus.IMPORTED).first()
    if before is not None:
        when = timezone.localtime(before.imported_at) if before.imported_at else before.uploaded_at
        warnings.append(
            f"the same file was imported on {when:%Y-%m-%d %H:%M} "
            f"({before.file_name}): orders with a PO already received are not made again"
        )
    counts = _counts(orders, rows=len(rows))
    preview = {
        "file": file_name,
        "format": table.format,
        "header_row": table.header_row,
        "source": layout.source,
        "mapping": used.name if used is not None else None,
        "columns": layout.headers,
        "defaults": layout.defaults,
        "warnings": warnings,
        "orders": orders,
        "errors": [e for o in orders for e in o["errors"]],
        "counts": counts,
    }
    user = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        order_file = OrderFile.objects.create(
            file_name=file_name,
            sha256=sha,
            content=data,
            mapping=used,
            customer=customer,
            preview=preview,
            uploaded_by=user,
        )
        event_record(actor=actor, obj=order_file, action="order_file.previewed", after=counts)
    return order_file


def _group_entry(n: int, group: OrderGroup) -> dict[str, Any]:
    errors = [e.as_dict() for e in group.errors]
    numbers = group.numbers
    return {
        "order": n,
        "customer": group.customer,
        "customer_po": group.customer_po,
        "ship_to": group.values.get("ship_to", ""),
        "rows": numbers,
        "first_row": min(numbers),
        "last_row": max(numbers),
        "line_count": len(group.rows),
        "lines": [
            {
                "row": r.number,
                "sku": r.values.get("sku", ""),
                "quantity": _jsonable(r.values.get("quantity")),
                "uom": r.values.get("uom", ""),
                "customer_price": _jsonable(r.values.get("customer_price")),
                "requested_date": _jsonable(r.values.get("line_requested_date")),
            }
            for r in group.rows
        ],
        "errors": errors,
        "status": "errors" if errors else "ready",
    }


def _counts(orders: list[dict[str, Any]], **extra: int) -> dict[str, int]:
    counts = {"orders": len(orders), **extra}
    for o in orders:
        counts[o["status"]] = counts.get(o["status"], 0) + 1
    if "rows" in extra:
        counts["bad_rows"] = len({e["row"] for o in orders for e in o["errors"]})
    return counts


# --- import ------------------------------------------------------------------------------


def _may_use(actor: Any, order_file: OrderFile) -> None:
    require(actor, Capability.ORDER_ENTRY)
    if is_portal(actor) and order_file.customer_id != getattr(actor, "customer_id", None):
        raise NotFound("order file", order_file.pk)


def order_file_import(
    *,
    actor: Any,
    order_file: OrderFile,
    today: dt.date | None = None,
    channel: str = Channel.FILE,
) -> OrderFile:
    """Take in each previewed order through intake, each in its own transaction.

    `channel`: how the file reached us (an uploaded file, or an e-mail's attachment).

    Orders with a bad row are not taken in (their rows are reported whole); an order intake
    refuses is reported with its rows; the rest go in. A file is imported once: to import it
    again, preview it again (orders already received come back as such, not twice).
    """
    _may_use(actor, order_file)
    started = timezone.now()
    claimed = OrderFile.objects.filter(
        pk=order_file.pk, status=OrderFileStatus.PREVIEWED, imported_at__isnull=True
    ).update(imported_at=started)
    if not claimed:
        raise OrderConflict(
            OrderErrorCode.TRANSITION_NOT_ALLOWED,
            f"{order_file.file_name} was imported already (or is being imported)",
            field="order_file",
            fix="upload the file again to preview and import it once more",
        )
    try:
        results = [
            _import_one(actor, e, today, channel) for e in order_file.preview.get("orders", [])
        ]
    except BaseException:
        OrderFile.objects.filter(pk=order_file.pk).update(imported_at=None)
        raise
    order_file.result = {"orders": results, "counts": _counts(results)}
    order_file.status = OrderFileStatus.IMPORTED
    order_file.imported_at = started
    with transaction.atomic():
        order_file.save(update_fields=["result", "status", "imported_at"])
        event_record(
            actor=actor,
            obj=order_file,
            action="order_file.imported",
            after=order_file.result["counts"],
        )
    return order_file


def _import_one(
    actor: Any, entry: dict[str, Any], today: dt.date | None, channel: str
) -> dict[str, Any]:
    from .intake import order_intake

    keep = ("order", "customer", "customer_po", "rows", "first_row", "last_row", "line_count")
    out: dict[str, Any] = {k: entry[k] for k in keep}
    if entry["errors"]:
        bad = sorted({e["row"] for e in entry["errors"]})
        out.update(
            status="not_imported",
            errors=entry["errors"],
            error={
                "code": "row_errors",
                "message": f"row{'s' if len(bad) > 1 else ''} {', '.join(map(str, bad))} "
                "of this order cannot be read: the order was not taken in",
                "field": None,
                "fix": "correct the rows named and import the error file",
            },
        )
        return out
    try:
        result = order_intake(
            actor=actor, channel=channel, draft=draft_from_json(entry["draft"]), today=today
        )
    except DomainError as exc:
        out.update(status="not_imported", errors=[], error=exc.as_dict())
        return out
    except DatabaseError as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        out.update(
            status="not_imported",
            errors=[],
            error={"code": "refused", "message": f"refused: {message}", "field": None, "fix": ""},
        )
        return out
    order = result.order
    holds = [f for f in result.findings if f.severity in (Severity.BLOCK, Severity.HOLD)]
    if not result.created:
        status = "already_received"
    else:
        status = "held" if order.status == OrderStatus.HELD else "accepted"
    out.update(
        status=status,
        number=order.number,
        order_status=str(order.status),
        holds=[
            {"code": f.code, "kind": f.hold_kind, "message": f.message, "fix": f.fix} for f in holds
        ],
        warnings=[f.message for f in result.findings if f.severity == Severity.WARN],
    )
    return out


# --- the error file ----------------------------------------------------------------------


def errors_file_name(order_file: OrderFile) -> str:
    path = Path(order_file.file_name)
    return f"{path.stem}.errors{path.suffix or '.csv'}"


def order_file_errors(*, order_file: OrderFile) -> bytes | None:
    """The rows of every order not taken in, as read, plus an `error` column; None if none.

    Every row of such an order is written, the good ones too (saying why they wait), so the
    corrected file imports each order whole. The format is the upload's (CSV or XLSX).
    """
    entries = (order_file.result or order_file.preview).get("orders", [])
    failed = [e for e in entries if e["status"] in ("errors", "refused", "not_imported")]
    if not failed:
        return None
    notes: dict[int, str] = {}
    for e in failed:
        own: dict[int, list[str]] = {}
        for p in e.get("errors") or []:
            text = (f"{p['column']}: " if p["column"] else "") + p["message"]
            own.setdefault(p["row"], []).append(text + (f" (fix: {p['fix']})" if p["fix"] else ""))
        reason = e.get("error") or {}
        why = reason.get("message", "")
        if reason.get("fix") and reason.get("code") != "row_errors":
            why += f" (fix: {reason['fix']})"
        for number in e["rows"]:
            if number in own:
                notes[number] = "; ".join(own[number])
            elif why and reason.get("code") != "row_errors":
                notes[number] = f"order not taken in: {why}"
            else:
                bad = sorted(own)
                notes[number] = f"waits for row {', '.join(map(str, bad))} of the same order"
    headers = list(order_file.preview.get("columns", {}).values())
    table = open_table(bytes(order_file.content), name=order_file.file_name, expected=headers)
    rejects = [(cells, notes[n]) for n, cells in table.rows() if n in notes]
    out = io.BytesIO()
    table.write_rejects(out, rejects, column=ERROR_COLUMN)
    return out.getvalue()

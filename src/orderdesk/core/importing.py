"""The spec-driven upsert engine behind `orderdesk import` and `orderdesk export`.

Each app describes its types in `imports.py` as a `Spec`: the model, the natural key, the
columns (type, required, choices, foreign keys looked up by their natural key) and row
checks. This module reads the file, checks every row, and applies the good ones in one
transaction per batch. It knows the ORM but no app, so the rules of a type stay in its app.

Why batches and not the services: a 100,000-item file must load at thousands of rows a
second, so existing rows and references are fetched per batch by natural key and written
in bulk (`importing_sql`). The specs apply the same checks as the services, and one event
is recorded per created or changed row, so the audit trail is the same either way.
The types live in `importing_spec`; this module re-exports them for the apps.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.db import DatabaseError, models, transaction
from django.utils import timezone

from .errors import DomainError
from .importing_spec import (
    ERROR_COLUMN,
    KEEP,
    NOT_SET,
    SYSTEM,
    Check,
    Column,
    CompiledColumn,
    Context,
    ImportResult,
    Ref,
    Row,
    RowError,
    Spec,
    all_specs,
    domain_check,
    get_spec,
    register,
)
from .importing_sql import BulkTable, chunks
from .models import Event
from .roles import Capability, require
from .tabular import CellError, Table, TableError, normalise_header, open_table, write_table

__all__ = [
    "ERROR_COLUMN", "KEEP", "NOT_SET", "SYSTEM", "CellError", "Check", "Column", "Context",
    "ImportResult", "Ref", "Row", "RowError", "Spec", "TableError", "all_specs", "apply_upsert",
    "domain_check", "export_file", "export_rows", "get_spec", "import_file", "register", "upsert",
]  # fmt: skip

# --- running an import -------------------------------------------------------------------


def import_file(
    spec: Spec,
    source: Path | str | bytes,
    *,
    name: str | None = None,
    actor: Any = None,
    dry_run: bool = False,
    errors_to: Path | str | None = None,
    batch_size: int = 2000,
    progress: Callable[[int, int | None], None] | None = None,
) -> ImportResult:
    """Import one file; bad rows are reported and, with `errors_to`, written out for fixing.

    Good rows are applied batch by batch, each batch in one transaction; a row with any
    error is never applied in part. With `dry_run` everything is checked, then rolled back.
    Raises TableError when the file as a whole cannot be read.
    """
    actor = actor if actor is not None else SYSTEM
    require(actor, Capability.IMPORT)
    if spec.capability is not None:
        require(actor, spec.capability)
    names = [n for c in spec.columns for n in (c.name, *c.aliases)]
    table = open_table(source, name=name, expected=names)
    result = ImportResult(type=spec.name, file=table.name, dry_run=dry_run)
    result.warnings.extend(table.warnings)
    run = _Run(spec, table, Context(spec, table.name, actor), result)
    if not run.map_header():
        run.fail_all(progress)
    else:
        with transaction.atomic() if dry_run else contextlib.nullcontext():
            run.process(batch_size, progress)
            if dry_run:
                transaction.set_rollback(True)
    result.errors.sort(key=lambda e: e.row)
    if errors_to is not None and run.failed:
        run.write_errors(errors_to)
        result.error_file = str(errors_to)
    return result


class _Run:
    def __init__(self, spec: Spec, table: Table, ctx: Context, result: ImportResult) -> None:
        self.spec, self.table, self.ctx, self.result = spec, table, ctx, result
        self.index: dict[str, int] = {}
        self.header_problems: list[str] = []
        self.failed: list[Row] = []
        self.keys_seen: dict[tuple[Any, ...], int] = {}
        self.deferred: list[Row] = []
        self.cache: dict[Ref, dict[tuple[str, ...], tuple[int, dict[str, Any]]]] = {}
        self.absent_keys: list[str] = []
        self.unnamed: list[int] = []

    def map_header(self) -> bool:
        names = {normalise_header(a): c.name for c in self.spec.columns for a in c.aliases}
        names.update({c.name: c.name for c in self.spec.columns})
        header = self.table.map_columns(names, ignore=ERROR_COLUMN)
        self.index = header.index
        names_ = [normalise_header(h) for h in self.table.header]
        self.unnamed = [i for i, n in enumerate(names_) if not n]
        for text in header.repeated:
            self._header_error(text, f"column '{text}' appears twice", "delete one of them")
        if header.unknown:
            self.result.warnings.append(
                f"{self.table.name}: columns not known for {self.spec.name} were ignored: "
                f"{', '.join(header.unknown)} (see docs/import-formats.md)"
            )
        for c in self.spec.columns:
            if c.required and c.name not in self.index:
                self._header_error(
                    c.name,
                    f"the file has no '{c.name}' column, which {self.spec.name} need",
                    f"add a '{c.name}' column: {c.help or c.type}",
                )
        self.absent_keys = [
            k
            for k in self.spec.key
            if k not in self.index and self.spec.by_name[k].default is not NOT_SET
        ]
        return not self.header_problems

    def _header_error(self, column: str, message: str, fix: str) -> None:
        self.header_problems.append(message)
        row = self.table.header_row
        self.result.errors.append(RowError(self.table.name, row, column, message, fix))

    def fail_all(self, progress: Callable[[int, int | None], None] | None) -> None:
        """A header fault stops every row: each goes to the error file, none is lost."""
        note = "not imported: " + "; ".join(self.header_problems)
        for number, cells in self.table.rows():
            row = Row(number, cells)
            row.error("", note)
            self.failed.append(row)
        self.result.failed_rows = len(self.failed)
        if progress:
            progress(len(self.failed), len(self.failed))

    def process(self, batch_size: int, progress: Callable[[int, int | None], None] | None) -> None:
        for chunk in chunks(self.table.rows(), batch_size):
            self.batch([Row(number, cells) for number, cells in chunk], final=False)
            if progress:
                progress(len(chunk), self.table.estimated_rows())
        # Rows naming a record of the same type further down the file (a replacement SKU)
        # wait; they are retried until a pass resolves none, then the rest are reported.
        final = False
        while self.deferred:
            waiting, self.deferred = self.deferred, []
            for chunk in chunks(waiting, batch_size):
                for row in chunk:
                    row.errors.clear()
                    row.values.clear()
                    row.texts.clear()
                    row.outcome = ""
                self.batch(chunk, final=final)
            final = len(self.deferred) == len(waiting)

    def batch(self, rows: list[Row], *, final: bool) -> None:
        self.ctx.now = timezone.now()  # events and stamps of a batch share its moment
        compiled = self.spec.compiled()
        for row in rows:
            self.parse(row, compiled)
        self.resolve(rows, final)
        rows = [r for r in rows if r.outcome != "deferred"]
        for row in rows:
            for check in self.spec.checks:
                check(row, self.ctx)
            self.check_duplicate(row)
        self.apply([r for r in rows if not r.errors])
        for row in rows:
            if row.errors:
                self.fail(row)
            else:
                setattr(self.result, row.outcome, getattr(self.result, row.outcome) + 1)

    def parse(self, row: Row, compiled: dict[str, CompiledColumn]) -> None:
        cells, values, texts = row.cells, row.values, row.texts
        width = len(self.table.header)
        if len(cells) > width or self.unnamed:
            stray = [i for i in [*self.unnamed, *range(width, len(cells))] if i < len(cells)]
            if any(cells[i] not in (None, "") for i in stray):
                row.error(
                    "",
                    "a value stands in a column without a name in the header",
                    "put text that holds the delimiter in quotes, or name the column",
                )
        for name, idx in self.index.items():
            comp = compiled[name]
            raw = cells[idx] if idx < len(cells) else None
            if raw is None or raw == "":
                col = comp.column
                if col.required:
                    row.error(name, f"{name} is empty", f"fill in {col.help or name}")
                    continue
                if comp.textual:
                    texts[name] = ""
                if col.field is not None and comp.blank is not KEEP:
                    values[name] = comp.blank
                continue
            try:
                value = comp.read(raw)
            except CellError as exc:
                row.error(name, exc.message, exc.fix)
                continue
            if comp.textual:
                texts[name] = value
            if not comp.is_ref:
                values[name] = value
        for name in self.absent_keys:
            values[name] = compiled[name].blank

    def resolve(self, rows: list[Row], final: bool) -> None:
        """Foreign keys by natural key: one query per reference column per batch."""
        for col in self.spec.columns:
            if col.ref is None or col.name not in self.index:
                continue
            parts = (*col.with_columns, col.name)
            wanted: dict[tuple[str, ...], list[Row]] = {}
            for row in rows:
                key = tuple(row.texts.get(p, "") for p in parts)
                if not any(key):
                    continue
                if not all(key):
                    together = ", ".join(parts)
                    blank = [p for p, v in zip(parts, key, strict=True) if not v]
                    for p in blank:
                        row.error(p, f"{p} is empty", f"fill in all of {together}, or none")
                    continue
                wanted.setdefault(key, []).append(row)
            if col.ref.model is self.spec.model and len(self.spec.key) == 1:
                # A record naming itself is for the spec's checks to refuse, not to wait for.
                own = self.spec.key[0]
                for key in [k for k in wanted if len(k) == 1]:
                    wanted[key] = [r for r in wanted[key] if r.values.get(own) != key[0]]
            found = self._lookup(col.ref, list(wanted))
            for key, key_rows in wanted.items():
                hit = found.get(key)
                for row in key_rows:
                    if hit is not None:
                        row.values[col.name], row.extra[col.name] = hit
                    elif col.ref.model is self.spec.model and not final:
                        row.outcome = "deferred"
                    else:
                        what = col.ref.what
                        row.error(
                            col.name,
                            f"unknown {what} '{' / '.join(key)}'",
                            col.ref.hint or f"use an existing {what}",
                        )
        self.deferred.extend(r for r in rows if r.outcome == "deferred")

    def _lookup(
        self, ref: Ref, keys: list[tuple[str, ...]]
    ) -> dict[tuple[str, ...], tuple[int, dict[str, Any]]]:
        cache = self.cache.setdefault(ref, {})
        missing = [k for k in keys if k not in cache]
        if missing:
            qs = ref.model._default_manager.filter(**dict(ref.filters))
            for i, path in enumerate(ref.key):
                qs = qs.filter(**{f"{path}__in": {k[i] for k in missing}})
            n = len(ref.key)
            for values in qs.values_list("pk", *ref.key, *ref.extra):
                key = tuple(str(v) for v in values[1 : 1 + n])
                cache[key] = (values[0], dict(zip(ref.extra, values[1 + n :], strict=True)))
        return {k: cache[k] for k in keys if k in cache}

    def check_duplicate(self, row: Row) -> None:
        key = self.spec.key
        if not row.has(*key):
            return
        first = self.keys_seen.setdefault(tuple(row.values[k] for k in key), row.number)
        if first != row.number:
            row.error(
                key[-1],
                f"the same {' / '.join(key)} as row {first}",
                f"a {self.spec.entity} appears once per file: merge rows {first} and {row.number}",
            )

    def apply(self, good: list[Row]) -> None:
        if not good:
            return
        apply = self.spec.apply or apply_upsert
        try:
            with transaction.atomic():
                apply(self.ctx, good)
                self._flush_events()
        except (DatabaseError, DomainError):
            # Something in the batch was refused: apply row by row to find it, keep the rest.
            self.ctx.events.clear()
            for row in good:
                row.outcome, row.pk, row.saved = "", None, {}
                try:
                    with transaction.atomic():
                        apply(self.ctx, [row])
                        self._flush_events()
                except (DatabaseError, DomainError) as exc:
                    self.ctx.events.clear()
                    message = getattr(exc, "message", None) or str(exc).strip().splitlines()[0]
                    row.error(
                        getattr(exc, "field", None) or "",
                        f"refused: {message}",
                        getattr(exc, "fix", None) or "correct the row and import it again",
                    )

    def _flush_events(self) -> None:
        if self.ctx.events:
            BulkTable.of(Event).insert(self.ctx.events, self.ctx.now)
            self.ctx.events.clear()

    def fail(self, row: Row) -> None:
        for column, message, fix in row.errors:
            self.result.errors.append(RowError(self.table.name, row.number, column, message, fix))
        self.result.failed_rows += 1
        self.failed.append(row)

    def write_errors(self, target: Path | str) -> None:
        """The bad rows as read, plus an `error` column; fixed, the file imports as is."""
        lines = (
            (
                row.cells,
                "; ".join(
                    (f"{c}: " if c else "") + m + (f" (fix: {f})" if f else "")
                    for c, m, f in row.errors
                ),
            )
            for row in sorted(self.failed, key=lambda r: r.number)
        )
        self.table.write_rejects(target, lines, column=ERROR_COLUMN)


# --- writing -----------------------------------------------------------------------------


def apply_upsert(ctx: Context, rows: list[Row]) -> None:
    """The default apply step: one model, upserted by the spec's key."""
    spec = ctx.spec
    key = [spec.attname(k) for k in spec.key]
    upsert(ctx, spec.model, key, [(r, spec.record(r)) for r in rows], entity=spec.entity)


def upsert(
    ctx: Context,
    model: type[models.Model],
    key: Sequence[str],
    entries: Sequence[tuple[Row, dict[str, Any]]],
    *,
    entity: str,
    on_create: Callable[[Row, dict[str, Any]], dict[str, Any]] | None = None,
) -> None:
    """Create or update one record per entry by `key`; a record equal to the file is not written.

    Sets `row.pk` / `row.saved` and raises `row.outcome` (unchanged < updated < created), so
    a row that writes two models reports its strongest change. `on_create` gives values only
    a new record takes. Caller holds the batch transaction; events are queued on `ctx`.
    """
    if not entries:
        return
    names = {f.attname: f.name for f in model._meta.concrete_fields}
    fields = {f for _, values in entries for f in values} | set(key)
    lookup = {f"{k}__in": {values[k] for _, values in entries} for k in key}
    query = model._default_manager.filter(**lookup).only(*{names.get(f, f) for f in fields})
    existing = {tuple(getattr(obj, k) for k in key): obj for obj in query}
    guarded = bool(ctx.spec.field_capabilities)
    creates: list[tuple[Row, dict[str, Any]]] = []
    updates: list[tuple[Row, models.Model, dict[str, Any], dict[str, Any]]] = []
    for row, values in entries:
        obj = existing.get(tuple(values[k] for k in key))
        if obj is None:
            values = {**values, **(on_create(row, values) if on_create else {})}
            if not guarded or _allowed(ctx, row, [f for f, v in values.items() if v]):
                creates.append((row, values))
            continue
        before = {f: getattr(obj, f) for f, v in values.items() if getattr(obj, f) != v}
        row.pk, row.saved = obj.pk, values
        if not before:
            row.promote("unchanged")
        elif not guarded or _allowed(ctx, row, list(before)):
            after = {f: values[f] for f in before}
            for f, v in after.items():
                setattr(obj, f, v)
            updates.append((row, obj, before, after))
    table = BulkTable.of(model)
    if creates:
        table.insert([values for _, values in creates], ctx.now)
        found = model._default_manager.filter(
            **{f"{k}__in": {values[k] for _, values in creates} for k in key}
        ).values_list("pk", *key)
        ids = {tuple(found_key): pk for pk, *found_key in found}
        for row, values in creates:
            row.pk, row.saved = ids[tuple(values[k] for k in key)], values
            row.promote("created")
            ctx.event(model, row.pk, f"{entity}.imported", row, None, values)
    if updates:
        table.update(
            [obj for _, obj, _, _ in updates], {f for *_, a in updates for f in a}, ctx.now
        )
        for row, obj, before, after in updates:
            row.promote("updated")
            ctx.event(model, obj.pk, f"{entity}.import_updated", row, before, after)


def _allowed(ctx: Context, row: Row, fields: list[str]) -> bool:
    """A field another role owns (a credit limit is billing's) refuses the row it changes."""
    for attname, capability in ctx.spec.field_capabilities.items():
        if attname in fields and not ctx.may(capability):
            label = attname.replace("_", " ")
            row.error(
                attname,
                f"your role may not set the {label}",
                f"leave {attname} as it is, or ask someone with the {capability.value} right",
            )
            return False
    return True


# --- export ------------------------------------------------------------------------------


def export_rows(spec: Spec) -> tuple[list[str], Iterator[list[Any]]]:
    """The header and rows of a type in its import format: an export re-imports unchanged."""
    columns = [c for c in spec.columns if c.export != ""]
    paths = []
    for c in columns:
        if c.export:
            paths.append(c.export)
        elif c.ref is not None:
            paths.append(f"{c.stored_as}__{c.ref.key[-1]}")
        else:
            paths.append(c.stored_as or c.name)
    qs = spec.export_queryset() if spec.export_queryset else spec.model._default_manager.all()
    order = [p for c, p in zip(columns, paths, strict=True) if c.name in spec.key]
    rows = (list(v) for v in qs.order_by(*order, "pk").values_list(*paths).iterator(2000))
    return [c.name for c in columns], rows


def export_file(spec: Spec, target: Path | str) -> int:
    header, rows = export_rows(spec)
    return write_table(target, header, rows)

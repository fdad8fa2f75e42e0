"""The spec-driven upsert engine behind `orderdesk import` and `orderdesk export`.

Each app describes its types in `imports.py` as a `Spec`: the model, the natural key, the
columns (type, required, choices, foreign keys looked up by their natural key) and row
checks. This module reads the file, checks every row, and applies the good ones in one
transaction per batch. It knows the ORM but no app, so the rules of a type stay in its app.

Why batches and not the services: a 100,000-item file must load at thousands of rows a
second, so existing rows and references are fetched per batch by natural key and written
with bulk_create / bulk_update. The specs apply the same checks as the services, and one
event is recorded per created or changed row, so the audit trail is the same either way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, connections, models, router, transaction
from django.utils import timezone

from .audit import actor_label
from .errors import DomainError
from .fields import ScaledDecimalField, to_units
from .models import Event
from .roles import Capability, has_capability, require
from .tabular import CellError, CellReader, Table, cell_text, normalise_header, open_table
from .tabular import write_table as write_table

NOT_SET: Any = object()
#: A column default meaning: a blank cell leaves the stored value as it is.
KEEP: Any = object()
ERROR_COLUMN = "error"
_BIGINT = 9_223_372_036_854_775_807
_RANK = {"": 0, "unchanged": 1, "updated": 2, "created": 3}


class SystemActor:
    """The importer itself when no user is named: an operator at the shell, like manage.py.

    It holds every capability but has no user row, so events and ledger rows say "system".
    """

    username = "system"
    pk = None
    is_authenticated = True
    is_superuser = True
    role = "admin"


SYSTEM = SystemActor()


@dataclass(frozen=True)
class Ref:
    """A foreign key named in the file by the target's natural key (a SKU, an account)."""

    model: type[models.Model]
    key: tuple[str, ...]
    what: str
    hint: str = ""
    filters: tuple[tuple[str, Any], ...] = ()
    extra: tuple[str, ...] = ()  # more fields of the target the checks need (tracking …)


@dataclass(frozen=True)
class Column:
    """One column of a file. `field` None = read for a check or a key, never stored."""

    name: str
    type: str = "text"  # text, int, decimal, date, bool, email, ref
    field: str | None = ""
    required: bool = False
    help: str = ""
    example: str = ""
    part: str = "main"
    ref: Ref | None = None
    with_columns: tuple[str, ...] = ()  # columns before this one in a composite reference
    upper: bool = False
    places: int | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    positive: bool = False
    choices: tuple[str, ...] = ()
    default: Any = NOT_SET
    check: Callable[[Any], Any] | None = None
    aliases: tuple[str, ...] = ()
    export: str | None = None  # ORM path on the export queryset; "" = not exported

    @property
    def stored_as(self) -> str | None:
        return self.name if self.field == "" else self.field


@dataclass
class RowError:
    file: str
    row: int
    column: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}" + (f" (fix: {self.fix})" if self.fix else "")


@dataclass
class ImportResult:
    type: str
    file: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error_file: str | None = None
    dry_run: bool = False

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + self.failed_rows

    def summary(self) -> str:
        text = (
            f"{self.file}: {self.rows} rows: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.failed_rows} with errors"
        )
        if self.dry_run:
            text += " (dry run: nothing was saved)"
        if self.error_file:
            text += f"; rows with errors written to {self.error_file}"
        return text


class Row:
    """One data row on its way through the checks; a spec's checks read and set `values`."""

    __slots__ = ("cells", "errors", "extra", "number", "outcome", "pk", "saved", "texts", "values")

    def __init__(self, number: int, cells: list[Any]) -> None:
        self.number = number
        self.cells = cells
        self.values: dict[str, Any] = {}  # column name → value (a reference → the target's id)
        self.texts: dict[str, str] = {}  # column name → text as read (references by key)
        self.extra: dict[str, dict[str, Any]] = {}
        self.errors: list[tuple[str, str, str]] = []
        self.pk: Any = None  # the record written (or found equal) for the row's last part
        self.saved: dict[str, Any] = {}  # that record's values from the file, by attname
        self.outcome = ""

    def error(self, column: str, message: str, fix: str = "") -> None:
        self.errors.append((column, message, fix))

    def has(self, *names: str) -> bool:
        return all(n in self.values for n in names)

    def promote(self, outcome: str) -> None:
        if _RANK[outcome] > _RANK[self.outcome]:
            self.outcome = outcome


class Context:
    """What a spec's checks and apply step share for one run: actor, file, per-run state."""

    def __init__(self, spec: Spec, file: str, actor: Any) -> None:
        self.spec, self.file, self.actor = spec, file, actor
        self.label = actor_label(actor)
        self.user = actor if getattr(actor, "pk", None) else None
        self.now = timezone.now()
        self.state: dict[str, Any] = {}
        self.events: list[dict[str, Any]] = []
        self._reason = f"import of {Path(file).name}, row "

    def may(self, capability: Capability) -> bool:
        return has_capability(self.actor, capability)

    def event(
        self, model: type[models.Model], pk: Any, action: str, row: Row, before: Any, after: Any
    ) -> None:
        """Queue one audit event; the batch writes them with its records, in its transaction."""
        self.events.append(
            {
                "at": self.now,
                "actor_id": self.user.pk if self.user else None,
                "actor_label": self.label,
                "object_type": model._meta.label_lower,
                "object_id": str(pk),
                "object_label": self.spec.label_of(row)[:200],
                "action": action,
                "before": _json(before),
                "after": _json(after),
                "reason": f"{self._reason}{row.number}",
            }
        )


def _json(value: Any) -> Any:
    if value is None or value.__class__ in _PLAIN:
        return value
    if isinstance(value, dict):
        return {k: v if v is None or v.__class__ in _PLAIN else _json(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_PLAIN = {str, int, float, bool}


Check = Callable[[Row, Context], None]
Apply = Callable[[Context, list[Row]], None]


@dataclass
class Spec:
    """An importable type. `key` names the columns whose values identify one record."""

    name: str
    model: type[models.Model]
    key: tuple[str, ...]
    columns: list[Column]
    entity: str
    help: str = ""
    capability: Capability | None = None
    checks: list[Check] = field(default_factory=list)
    apply: Apply | None = None
    parts: dict[str, type[models.Model]] = field(default_factory=dict)
    export_queryset: Callable[[], models.QuerySet[Any]] | None = None
    field_capabilities: dict[str, Capability] = field(default_factory=dict)
    order: int = 100
    by_name: dict[str, Column] = field(init=False)
    _compiled: dict[str, _Compiled] | None = field(init=False, default=None)
    _plans: dict[str, list[tuple[str, str]]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.by_name = {c.name: c for c in self.columns}

    def label_of(self, row: Row) -> str:
        return " / ".join(row.texts.get(k) or cell_text(row.values.get(k)) for k in self.key)

    def compiled(self) -> dict[str, _Compiled]:
        if self._compiled is None:
            self._compiled = {
                c.name: _Compiled(c, self.parts.get(c.part, self.model)) for c in self.columns
            }
        return self._compiled

    def record(self, row: Row, part: str = "main") -> dict[str, Any]:
        """The row's values for one model, by attribute name (foreign keys as ids)."""
        plan = self._plans.get(part)
        if plan is None:
            plan = self._plans[part] = [
                (name, comp.attname)
                for name, comp in self.compiled().items()
                if comp.part == part and comp.attname
            ]
        values = row.values
        return {attname: values[name] for name, attname in plan if name in values}

    def attname(self, column: str) -> str:
        return self.compiled()[column].attname or column


def domain_check(clean: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A service's `clean_*` function as a column check: the same rule, the same message."""

    def check(value: Any) -> Any:
        try:
            return clean(value)
        except DomainError as exc:
            raise CellError(exc.message, exc.fix or "") from exc

    return check


def _email(value: str) -> str:
    try:
        validate_email(value)
    except ValidationError as exc:
        raise CellError(
            f"'{value}' is not an e-mail address", "write it as name@example.com"
        ) from exc
    return value


class _Compiled:
    """A column joined with what the model says of its field: length, places, choices."""

    def __init__(self, column: Column, model: type[models.Model]) -> None:
        self.column, self.part = column, column.part
        self.is_ref = column.type == "ref"
        self.textual = column.type in ("text", "email", "ref")
        self.attname: str | None = None
        mf: Any = None
        if column.stored_as:
            with contextlib.suppress(FieldDoesNotExist):
                mf = model._meta.get_field(column.stored_as)
            self.attname = mf.attname if mf is not None else column.stored_as
        places = column.places
        if places is None and isinstance(mf, ScaledDecimalField):
            places = mf.places
        maximum = column.maximum
        if maximum is None and places is not None:
            maximum = Decimal(_BIGINT).scaleb(-places).to_integral_value("ROUND_DOWN")
        minimum = column.minimum
        if minimum is None and isinstance(mf, models.PositiveIntegerField):
            minimum = Decimal(0)
        field_choices = list(getattr(mf, "choices", None) or [])
        allowed = column.choices or tuple(v for v, _ in field_choices)
        choices = {normalise_header(v): v for v in allowed}
        for value, label in field_choices:
            if value in allowed:
                choices.setdefault(normalise_header(label), value)
        check = column.check
        if column.type == "email":
            check = _email if check is None else (lambda v, c=column.check: c(_email(v)))
        kind = "text" if self.textual else column.type
        self.read = CellReader(
            kind=kind,
            upper=column.upper,
            max_length=getattr(mf, "max_length", None) if not self.is_ref else None,
            places=places,
            minimum=minimum,
            maximum=maximum,
            positive=column.positive,
            choices=choices,
            check=check,
        ).build()
        if column.default is not NOT_SET:
            self.blank = column.default
        elif mf is not None and not mf.is_relation:
            self.blank = mf.get_default()
        else:
            self.blank = None


# --- the registry ------------------------------------------------------------------------

_REGISTRY: dict[str, Spec] = {}


def register(*specs: Spec) -> None:
    for spec in specs:
        _REGISTRY[spec.name] = spec


def all_specs() -> list[Spec]:
    """Every type, in the order they load (units before items, items before prices …)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("imports")
    return sorted(_REGISTRY.values(), key=lambda s: (s.order, s.name))


def get_spec(name: str) -> Spec:
    specs = {s.name: s for s in all_specs()}
    key = normalise_header(name)
    if key not in specs:
        raise KeyError(f"unknown type '{name}'; the types are: {', '.join(specs)}")
    return specs[key]


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


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


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

    def map_header(self) -> bool:
        names = {normalise_header(a): c.name for c in self.spec.columns for a in c.aliases}
        names.update({c.name: c.name for c in self.spec.columns})
        header = self.table.map_columns(names, ignore=ERROR_COLUMN)
        self.index = header.index
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
        for chunk in _chunks(self.table.rows(), batch_size):
            self.batch([Row(number, cells) for number, cells in chunk], final=False)
            if progress:
                progress(len(chunk), self.table.estimated_rows())
        # Rows naming a record of the same type further down the file (a replacement SKU)
        # wait; they are retried until a pass resolves none, then the rest are reported.
        final = False
        while self.deferred:
            waiting, self.deferred = self.deferred, []
            for chunk in _chunks(waiting, batch_size):
                for row in chunk:
                    row.errors.clear()
                    row.values.clear()
                    row.texts.clear()
                    row.outcome = ""
                self.batch(chunk, final=final)
            final = len(self.deferred) == len(waiting)

    def batch(self, rows: list[Row], *, final: bool) -> None:
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

    def parse(self, row: Row, compiled: dict[str, _Compiled]) -> None:
        cells, values, texts = row.cells, row.values, row.texts
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
            _Table.of(Event).insert(self.ctx.events, self.ctx.now)
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
    creates: list[tuple[Row, dict[str, Any]]] = []
    updates: list[tuple[Row, models.Model, dict[str, Any], dict[str, Any]]] = []
    for row, values in entries:
        obj = existing.get(tuple(values[k] for k in key))
        if obj is None:
            values = {**values, **(on_create(row, values) if on_create else {})}
            if _allowed(ctx, row, [f for f, v in values.items() if v]):
                creates.append((row, values))
            continue
        before = {f: getattr(obj, f) for f, v in values.items() if getattr(obj, f) != v}
        row.pk, row.saved = obj.pk, values
        if not before:
            row.promote("unchanged")
        elif _allowed(ctx, row, list(before)):
            after = {f: values[f] for f in before}
            for f, v in after.items():
                setattr(obj, f, v)
            updates.append((row, obj, before, after))
    table = _Table.of(model)
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


class _Table:
    """Multi-row INSERT and UPDATE, each value prepared by its field's own conversion.

    Why not bulk_create: Django compiles every value of every row through its SQL compiler
    (about 10 microseconds each), which holds a 37-column item near 2,000 rows a second,
    while the database needs a fraction of that. Values go through the same conversions
    (scaled decimals to integers, dates, JSON), so what is stored is what save() stores.
    """

    _made: dict[tuple[type[models.Model], str], _Table] = {}

    @classmethod
    def of(cls, model: type[models.Model]) -> _Table:
        conn = connections[router.db_for_write(model)]
        if (model, conn.alias) not in cls._made:
            cls._made[model, conn.alias] = cls(model, conn)
        return cls._made[model, conn.alias]

    def __init__(self, model: type[models.Model], conn: Any) -> None:
        self.conn, opts = conn, model._meta
        self.fields = [f for f in opts.concrete_fields if f is not opts.auto_field]
        self.prep = {f.attname: _converter(f, conn) for f in opts.concrete_fields}
        self.stamped = [f.attname for f in self.fields if getattr(f, "auto_now", False)]
        self.dynamic = [f for f in self.fields if f.has_default() and callable(f.default)]
        q = conn.ops.quote_name
        self.table, self.pk = q(opts.db_table), q(opts.pk.column)
        self.column = {f.attname: q(f.column) for f in self.fields}
        columns = ", ".join(self.column.values())
        self.head = f"INSERT INTO {self.table} ({columns}) VALUES "
        self.copy = f"COPY {self.table} ({columns}) FROM STDIN"
        self.one = f"({', '.join(['%s'] * len(self.fields))})"
        limit = conn.features.max_query_params or 30000
        self.per_statement = max(1, min(500, limit // len(self.fields)))

    def _fallbacks(self, now: dt.datetime) -> dict[str, Any]:
        """Prepared values for fields a row leaves out: the default, or now for timestamps."""
        out = {}
        for f in self.fields:
            stamp = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            out[f.attname] = self.prep[f.attname](now if stamp else f.get_default())
        return out

    def insert(self, rows: list[dict[str, Any]], now: dt.datetime) -> None:
        """All rows in as few statements as the database allows, in the caller's transaction."""
        if self.dynamic:  # a callable default gives each row its own value
            rows = [{**{f.attname: f.get_default() for f in self.dynamic}, **r} for r in rows]
        fallback = self._fallbacks(now)
        plan = [(f.attname, self.prep[f.attname]) for f in self.fields]
        plan_ = [(n, None if p is _same else p) for n, p in plan]
        params = [
            [
                fallback[n] if n not in values else values[n] if p is None else p(values[n])
                for n, p in plan_
            ]
            for values in rows
        ]
        with self.conn.cursor() as cursor:
            if self.conn.vendor == "postgresql":
                # COPY streams the rows: no statement for the server (or psycopg) to parse.
                with cursor.cursor.copy(self.copy) as copy:
                    for row in params:
                        copy.write_row(row)
                return
            for chunk in _chunks(params, self.per_statement):
                sql = self.head + ", ".join([self.one] * len(chunk))
                cursor.execute(sql, [v for row in chunk for v in row])

    def update(self, objs: list[models.Model], changed: set[str], now: dt.datetime) -> None:
        """Set the changed fields (and auto_now stamps) of loaded records, by primary key."""
        for name in self.stamped:
            changed.add(name)
            for obj in objs:
                setattr(obj, name, now)
        names = sorted(changed)
        sets = ", ".join(f"{self.column[n]} = %s" for n in names)
        sql = f"UPDATE {self.table} SET {sets} WHERE {self.pk} = %s"
        params = [(*(self.prep[n](getattr(obj, n)) for n in names), obj.pk) for obj in objs]
        with self.conn.cursor() as cursor:
            cursor.executemany(sql, params)


_AS_IS = {
    "CharField", "TextField", "EmailField", "SlugField", "IntegerField", "BigIntegerField",
    "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField", "ForeignKey",
}  # fmt: skip


def _same(value: Any) -> Any:
    return value


def _converter(field: Any, conn: Any) -> Callable[[Any], Any]:
    """The field's get_db_prep_save, with the common types done without the generic path."""
    if isinstance(field, ScaledDecimalField):
        places = field.places
        return lambda v: None if v is None else to_units(v, places)
    kind = field.get_internal_type()
    if kind in _AS_IS:
        return _same
    if kind == "BooleanField":
        return lambda v: None if v is None else bool(v)
    if kind == "DateField":
        return conn.ops.adapt_datefield_value  # type: ignore[no-any-return]
    if kind == "DateTimeField":
        return conn.ops.adapt_datetimefield_value  # type: ignore[no-any-return]
    return lambda v: field.get_db_prep_save(v, conn)


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

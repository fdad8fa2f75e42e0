"""What an import type is made of: columns, references, the spec, rows and their context.

The apps' `imports.py` build their `Spec`s from these; `importing` runs them. A column
learns its limits (length, decimal places, choices, default) from the model field it fills,
so a spec states only what the model cannot: which column is the key, what a blank means,
the checks a service would make.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone

from .audit import actor_label
from .errors import DomainError
from .fields import ScaledDecimalField
from .roles import Capability, has_capability
from .tabular import CellError, CellReader, cell_text, normalise_header

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
    _compiled: dict[str, CompiledColumn] | None = field(init=False, default=None)
    _plans: dict[str, list[tuple[str, str]]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.by_name = {c.name: c for c in self.columns}

    def label_of(self, row: Row) -> str:
        return " / ".join(row.texts.get(k) or cell_text(row.values.get(k)) for k in self.key)

    def compiled(self) -> dict[str, CompiledColumn]:
        if self._compiled is None:
            self._compiled = {
                c.name: CompiledColumn(c, self.parts.get(c.part, self.model)) for c in self.columns
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


class CompiledColumn:
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
        self.reader = CellReader(
            kind=kind,
            upper=column.upper,
            max_length=getattr(mf, "max_length", None) if not self.is_ref else None,
            places=places,
            minimum=minimum,
            maximum=maximum,
            positive=column.positive,
            choices=choices,
            check=check,
        )
        self.read = self.reader.build()
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

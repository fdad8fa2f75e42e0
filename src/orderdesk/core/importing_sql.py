"""Writing many rows fast and exactly: multi-row INSERT (COPY on PostgreSQL) and UPDATE.

Used by the import engine only. Values go through each field's own conversion, so what is
stored is what `save()` would store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from django.db import connections, models, router

from .fields import ScaledDecimalField, to_units


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class BulkTable:
    """Multi-row INSERT and UPDATE, each value prepared by its field's own conversion.

    Why not bulk_create: Django compiles every value of every row through its SQL compiler
    (about 10 microseconds each), which holds a 37-column item near 2,000 rows a second,
    while the database needs a fraction of that. Values go through the same conversions
    (scaled decimals to integers, dates, JSON), so what is stored is what save() stores.
    """

    _made: dict[tuple[type[models.Model], str], BulkTable] = {}

    @classmethod
    def of(cls, model: type[models.Model]) -> BulkTable:
        conn = connections[router.db_for_write(model)]
        if (model, conn.alias) not in cls._made:
            cls._made[model, conn.alias] = cls(model, conn)
        return cls._made[model, conn.alias]

    def __init__(self, model: type[models.Model], conn: Any) -> None:
        # Conversions and SQL are the same for every connection to one database; the
        # connection itself is per thread, so it is looked up again for each statement.
        self.alias, self.vendor, opts = conn.alias, conn.vendor, model._meta
        self.fields = [f for f in opts.concrete_fields if f is not opts.auto_field]
        self.prep = {f.attname: _converter(f, conn) for f in opts.concrete_fields}
        self.stamped = [f.attname for f in self.fields if getattr(f, "auto_now", False)]
        self.dynamic = [f for f in self.fields if f.has_default() and callable(f.default)]
        q = conn.ops.quote_name
        self.table, self.pk = q(opts.db_table), q(opts.pk.column)
        self.temp = q(f"{opts.db_table}_import")
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
        conn = connections[self.alias]
        with conn.cursor() as cursor:
            if self.vendor == "postgresql":
                # COPY streams the rows: no statement for the server (or psycopg) to parse.
                # It runs on psycopg's own cursor, so its errors are translated here.
                with conn.wrap_database_errors, cursor.cursor.copy(self.copy) as copy:
                    for row in params:
                        copy.write_row(row)
                return
            for chunk in chunks(params, self.per_statement):
                sql = self.head + ", ".join([self.one] * len(chunk))
                cursor.execute(sql, [v for row in chunk for v in row])

    def update(self, objs: list[models.Model], changed: set[str], now: dt.datetime) -> None:
        """Set the changed fields (and auto_now stamps) of loaded records, by primary key."""
        for name in self.stamped:
            changed.add(name)
            for obj in objs:
                setattr(obj, name, now)
        names = sorted(changed)
        params = [(*(self.prep[n](getattr(obj, n)) for n in names), obj.pk) for obj in objs]
        conn = connections[self.alias]
        with conn.cursor() as cursor:
            if self.vendor == "postgresql":
                with conn.wrap_database_errors:
                    self._update_from_copy(cursor, names, params)
                return
            sets = ", ".join(f"{self.column[n]} = %s" for n in names)
            sql = f"UPDATE {self.table} SET {sets} WHERE {self.pk} = %s"
            cursor.executemany(sql, params)

    def _update_from_copy(
        self, cursor: Any, names: list[str], params: list[tuple[Any, ...]]
    ) -> None:
        """COPY the new values into a temporary table, then one UPDATE ... FROM it.

        One statement per row would make the server parse and plan each one.
        """
        temp = self.temp
        columns = ", ".join(self.column[n] for n in names)
        cursor.execute(
            f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS "
            f"SELECT {columns}, {self.pk} FROM {self.table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {temp} ({columns}, {self.pk}) FROM STDIN") as copy:
            for row in params:
                copy.write_row(row)
        sets = ", ".join(f"{self.column[n]} = t.{self.column[n]}" for n in names)
        where = f"{self.table}.{self.pk} = t.{self.pk}"
        cursor.execute(f"UPDATE {self.table} SET {sets} FROM {temp} AS t WHERE {where}")
        cursor.execute(f"DROP TABLE {temp}")


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
    if kind == "JSONField":  # None is SQL NULL, as JSONField.get_db_prep_save has it
        adapt, encoder = conn.ops.adapt_json_value, field.encoder
        return lambda v: None if v is None else adapt(v, encoder)
    return lambda v: field.get_db_prep_save(v, conn)

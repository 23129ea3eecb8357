"""Upsert a clean frame on its natural key: create the new rows, update the changed ones.

Unchanged rows are not touched, so importing the same file twice writes nothing; created and
changed rows get a history record (django-simple-history) with who and when.

The fast path is set-based, in three statements whatever the file's size: COPY the frame into
a temporary table, then one `INSERT … ON CONFLICT (key) DO UPDATE … WHERE … IS DISTINCT FROM`
whose RETURNING rows feed the history table's INSERT in the same statement. A model whose key
has no unique constraint (or whose new rows need values only Python can supply) takes the ORM
path instead, which gives the same result more slowly.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection, models
from django.utils import timezone

from send_tracker.imports.core import WriteResult

BATCH_SIZE = 2000
AUDIT_FIELDS = ("created_at", "updated_at", "created_by_id", "updated_by_id")


def _python(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()  # numpy scalar → Python
    return value


def upsert(
    model: type[models.Model],
    df: pd.DataFrame,
    *,
    key: list[str],
    fields: dict[str, str] | None = None,
    user=None,
) -> WriteResult:
    """Write `df` into `model`: `fields` maps frame column → model field (attname for FKs)."""
    mapping = fields or {c: c for c in df.columns if not c.startswith("_")}
    frame = df[list(mapping)].rename(columns=mapping)
    missing_key = [k for k in key if k not in frame.columns]
    if missing_key:
        raise ValueError(f"upsert key {missing_key} not among the mapped fields {list(frame)}")
    if frame.empty:
        return WriteResult()
    plan = _SqlPlan.build(model, list(frame.columns), key, user)
    if plan is None:
        return _upsert_orm(model, frame, key=key, user=user)
    return plan.run(frame)


def _key_is_unique(model: type[models.Model], key: list[str]) -> bool:
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    names = {by_attname[k].name for k in key if k in by_attname}
    if len(names) != len(key):
        return False
    if len(key) == 1 and (by_attname[key[0]].unique or by_attname[key[0]].primary_key):
        return True
    sets = [set(u) for u in model._meta.unique_together]
    sets += [
        set(c.fields)
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.condition is None and not c.expressions
    ]
    return names in sets


class _SqlPlan:
    """The SQL of one set-based upsert, or None when the model needs the ORM path."""

    def __init__(self) -> None:
        self.params: list[Any] = []

    @classmethod
    def build(cls, model, columns: list[str], key: list[str], user) -> _SqlPlan | None:
        if not _key_is_unique(model, key):
            return None
        plan = cls()
        plan.model, plan.columns, plan.key = model, columns, key
        signed_in = user is not None and getattr(user, "is_authenticated", False)
        plan.user_id = user.pk if signed_in else None
        concrete = {f.attname: f for f in model._meta.concrete_fields}
        if any(isinstance(concrete[c], models.JSONField) for c in columns):
            return None
        plan.types = {c: concrete[c] for c in columns}
        # Values for the columns the file does not carry, used only when a row is new.
        plan.constants: dict[str, tuple[str, list]] = {}
        for attname, field in concrete.items():
            if attname in columns or field.primary_key:
                continue
            automatic = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            if attname in ("created_at", "updated_at") or automatic:
                plan.constants[field.column] = ("now()", [])
            elif attname in ("created_by_id", "updated_by_id"):
                plan.constants[field.column] = ("%s", [plan.user_id])
            elif field.has_default():
                value = field.get_db_prep_save(field.get_default(), connection)
                plan.constants[field.column] = ("%s", [value])
            elif not field.null:
                return None  # a required value only Python could supply
        plan.updates_audit = "updated_at" in concrete and "updated_by_id" in concrete
        history = getattr(model, "history", None)
        plan.history_model = history.model if history is not None else None
        if plan.history_model is not None and plan._history_columns() is None:
            return None
        return plan

    def _history_columns(self) -> list[tuple[str, str]] | None:
        """(history column, expression over the RETURNING row) pairs."""
        model_columns = {f.attname: f.column for f in self.model._meta.concrete_fields}
        pairs = []
        for field in self.history_model._meta.concrete_fields:
            if field.attname in model_columns:
                pairs.append((field.column, f'up."{model_columns[field.attname]}"'))
            elif field.attname == "history_date":
                pairs.append((field.column, "now()"))
            elif field.attname == "history_type":
                pairs.append((field.column, "CASE WHEN up._inserted THEN '+' ELSE '~' END"))
            elif field.attname == "history_user_id":
                pairs.append((field.column, "%(user)s"))
            elif field.primary_key or field.null:
                continue
            else:
                return None
        return pairs

    def _copy_buffer(self, frame: pd.DataFrame) -> io.BytesIO:
        """The frame as CSV for COPY, converted column by column (vectorised, no float).

        Written by pyarrow's CSV writer (C++; pandas' to_csv formats cell by cell in Python, a
        third of a second for 100,000 rows): a null is an unquoted empty field, which COPY reads
        as NULL, and every text value is quoted, so an empty text cell stays an empty string.
        """
        arrays = {column: self._arrow(frame[column], self.types[column]) for column in self.columns}
        buffer = io.BytesIO()
        pa_csv.write_csv(pa.table(arrays), buffer, pa_csv.WriteOptions(include_header=False))
        buffer.seek(0)
        return buffer

    @staticmethod
    def _arrow(values: pd.Series, field: models.Field) -> pa.Array:
        """One column as an Arrow array that COPY reads back exactly (nulls stay null)."""
        if isinstance(field, models.BooleanField):
            return pa.array(values.astype(object).where(values.notna(), None), type=pa.bool_())
        if isinstance(field, (models.IntegerField, models.ForeignKey)):
            if isinstance(values.dtype, np.dtype) and values.dtype.kind in "iu":  # no nulls
                return pa.array(values.to_numpy(), type=pa.int64())
            if pd.api.types.is_integer_dtype(values.dtype):  # nullable Int64, as ids looked up
                return pa.array(values.array, type=pa.int64())
            return pa.array(pd.array(values.astype(object), dtype="Int64"), type=pa.int64())
        if isinstance(field, (models.CharField, models.TextField)) and values.dtype == "str":
            return pa.array(values.array, type=pa.string())  # pandas' text: Arrow already
        series = values.astype(object)
        present = series.notna()
        if isinstance(field, models.DateTimeField):
            return pa.array(series.map(str, na_action="ignore").where(present, None),
                            type=pa.string())
        # The types of the values present, found in C (Series.map(type) is a Python loop).
        types = set(map(type, series[present].tolist()))
        if isinstance(field, models.DateField):
            if types <= {dt.date}:  # the date parser's values
                return pa.array(series.where(present, None).tolist(), type=pa.date32())
            stamps = pd.to_datetime(series, errors="coerce")
            text = stamps.dt.strftime("%Y-%m-%d").astype(object)
            return pa.array(text.where(stamps.notna(), None), type=pa.string())
        if not types <= {str}:
            series = series.map(str, na_action="ignore")
        return pa.array(series.where(present, None), type=pa.string())

    def _upsert_sql(self, temp: str) -> tuple[str, list[Any]]:
        """INSERT ... ON CONFLICT from the temporary table, changing only rows that differ;
        RETURNING every row written. Its positional parameters: the constants' values."""
        table = self.model._meta.db_table
        col_sql = {c: f'"{self.types[c].column}"' for c in self.columns}
        columns = ", ".join(col_sql[c] for c in self.columns)
        key_sql = ", ".join(col_sql[k] for k in self.key)
        changing = [c for c in self.columns if c not in self.key]
        insert_columns = columns + "".join(f', "{c}"' for c in self.constants)
        select_values = columns + "".join(f", {expr}" for expr, _ in self.constants.values())
        constant_params: list[Any] = [p for _, params in self.constants.values() for p in params]
        if changing:
            sets = [f"{col_sql[c]} = EXCLUDED.{col_sql[c]}" for c in changing]
            if self.updates_audit:
                sets += ['"updated_at" = now()', '"updated_by_id" = %(user)s']
            old = ", ".join(f"t.{col_sql[c]}" for c in changing)
            new = ", ".join(f"EXCLUDED.{col_sql[c]}" for c in changing)
            conflict = (
                f"DO UPDATE SET {', '.join(sets)} "
                f"WHERE ({old}, NULL) IS DISTINCT FROM ({new}, NULL)"
            )
        else:
            conflict = "DO NOTHING"
        upsert_sql = (
            f'INSERT INTO "{table}" AS t ({insert_columns}) SELECT {select_values} FROM "{temp}" '
            f"ON CONFLICT ({key_sql}) {conflict} RETURNING t.*, (xmax = 0) AS _inserted"
        )
        return upsert_sql, constant_params

    def _statement(self, temp: str) -> tuple[str, dict[str, Any]]:
        """The one statement that upserts, writes the history rows (if the model keeps history)
        and counts the rows created and updated; with its named parameters."""
        upsert_sql, constant_params = self._upsert_sql(temp)
        if self.history_model is not None:
            pairs = self._history_columns()
            history_sql = (
                f'INSERT INTO "{self.history_model._meta.db_table}" '
                f"({', '.join(f'{chr(34)}{c}{chr(34)}' for c, _ in pairs)}) "
                f"SELECT {', '.join(expr for _, expr in pairs)} FROM up RETURNING history_type"
            )
            sql = (
                f"WITH up AS ({upsert_sql}), h AS ({history_sql}) "
                "SELECT count(*) FILTER (WHERE history_type = '+'), "
                "count(*) FILTER (WHERE history_type = '~') FROM h"
            )
        else:
            sql = (
                f"WITH up AS ({upsert_sql}) SELECT count(*) FILTER (WHERE _inserted), "
                "count(*) FILTER (WHERE NOT _inserted) FROM up"
            )
        # Positional params for the constants, then named ones: psycopg2 wants one style, so
        # the constants are inlined as named parameters too.
        named: dict[str, Any] = {"user": self.user_id}
        for index, value in enumerate(constant_params):
            named[f"c{index}"] = value
        counter = iter(range(len(constant_params)))
        return _number_placeholders(sql, counter), named

    def run(self, frame: pd.DataFrame) -> WriteResult:
        table = self.model._meta.db_table
        columns = ", ".join(f'"{self.types[c].column}"' for c in self.columns)
        temp = f"_upsert_{table}"[:60]
        sql, named = self._statement(temp)
        with connection.cursor() as cursor:
            cursor.execute(f'DROP TABLE IF EXISTS "{temp}"')
            cursor.execute(
                f'CREATE TEMP TABLE "{temp}" ON COMMIT DROP AS '
                f'SELECT {columns} FROM "{table}" WITH NO DATA'
            )
            cursor.copy_expert(
                f'COPY "{temp}" ({columns}) FROM STDIN WITH (FORMAT csv)',
                self._copy_buffer(frame),
            )
            cursor.execute(sql, named)
            created, updated = cursor.fetchone()
            cursor.execute(f'DROP TABLE IF EXISTS "{temp}"')
        unchanged = len(frame) - created - updated
        return WriteResult(created=created, updated=updated, unchanged=unchanged)


def _number_placeholders(sql: str, counter) -> str:
    """Turn each positional %s into a named %(cN)s (psycopg2 takes one style per statement)."""
    parts = sql.split("%s")
    out = parts[0]
    for part in parts[1:]:
        out += f"%(c{next(counter)})s" + part
    return out


def _upsert_orm(model, frame: pd.DataFrame, *, key: list[str], user=None) -> WriteResult:
    """The same upsert through the ORM, for models the set-based path cannot serve."""
    names = list(frame.columns)
    records = [
        {name: _python(value) for name, value in zip(names, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]
    first_key_values = list({r[key[0]] for r in records})
    existing: dict[tuple, models.Model] = {}
    for start in range(0, len(first_key_values), 10_000):
        chunk = first_key_values[start : start + 10_000]
        for obj in model.objects.filter(**{f"{key[0]}__in": chunk}).iterator(chunk_size=5000):
            existing[tuple(getattr(obj, k) for k in key)] = obj

    audited = {f.attname for f in model._meta.concrete_fields} >= {"created_by_id", "updated_by_id"}
    user_id = user.pk if user is not None and getattr(user, "is_authenticated", False) else None
    now = timezone.now()
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    changed_fields: set[str] = set()
    for record in records:
        obj = existing.get(tuple(record[k] for k in key))
        if obj is None:
            new = model(**record)
            if audited:
                new.created_by_id = new.updated_by_id = user_id
            to_create.append(new)
            continue
        changed = [name for name in names if getattr(obj, name) != record[name]]
        if changed:
            for name in changed:
                setattr(obj, name, record[name])
            changed_fields.update(changed)
            if audited:
                obj.updated_by_id = user_id
            if hasattr(obj, "updated_at"):
                obj.updated_at = now
            to_update.append(obj)

    extra = [f for f in ("updated_by_id", "updated_at") if hasattr(model, f.removesuffix("_id"))]
    update_fields = sorted(changed_fields | set(extra))
    history = getattr(model, "history", None)
    if history is not None:
        from simple_history.utils import bulk_create_with_history, bulk_update_with_history

        if to_create:
            bulk_create_with_history(to_create, model, batch_size=BATCH_SIZE, default_user=user)
        if to_update:
            bulk_update_with_history(
                to_update, model, fields=update_fields, batch_size=BATCH_SIZE, default_user=user
            )
    else:
        model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        if to_update:
            model.objects.bulk_update(to_update, fields=update_fields, batch_size=BATCH_SIZE)
    return WriteResult(
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(records) - len(to_create) - len(to_update),
    )

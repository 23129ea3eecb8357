"""Upsert a clean frame on its natural key: create the new rows, update the changed ones.

Unchanged rows are not touched, so importing the same file twice writes nothing; changed rows
get a history record (django-simple-history) showing who changed what.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.db import models
from django.utils import timezone

from send_tracker.imports.core import WriteResult

BATCH_SIZE = 2000


def _python(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if value is pd.NA or value is pd.NaT:
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
    names = list(frame.columns)
    missing_key = [k for k in key if k not in names]
    if missing_key:
        raise ValueError(f"upsert key {missing_key} not among the mapped fields {names}")
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

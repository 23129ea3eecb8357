"""The audit trail across the system: every change recorded by django-simple-history, newest
first, from all the apps' history tables at once.

One UNION ALL query per page whatever the number of tables: each branch is ordered by its
indexed `history_date` and limited to the rows the page can need, so a page costs the same on
the demo as on the scale data set. Each item is then named and linked from its own history row
(the item as it was at that change, so a deleted item keeps its name): one more query for each
kind of item on the page, never one per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.urls import NoReverseMatch
from django.utils import timezone

ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass(frozen=True)
class AuditTable:
    table: str
    label: str  # what the item is, e.g. "Progress update"
    app: str
    history_model: str = ""  # e.g. "programme.HistoricalProject"


def audit_tables() -> tuple[AuditTable, ...]:
    """Every history table of the apps whose AppConfig says `audited = True`, in a stable
    order (read from the app registry each time: a loop over the models, no query)."""
    found = []
    for model in apps.get_models():
        meta = model._meta
        if not getattr(meta.app_config, "audited", False) or not hasattr(model, "instance_type"):
            continue
        if not any(f.name == "history_date" for f in meta.fields):
            continue
        found.append(AuditTable(table=meta.db_table,
                                label=str(model.instance_type._meta.verbose_name).capitalize(),
                                app=meta.app_label, history_model=meta.label))
    return tuple(sorted(found, key=lambda t: t.table))


@dataclass(frozen=True)
class AuditFilter:
    user_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive


def _bounds(filters: AuditFilter) -> tuple[str, list]:
    where, params = [], []
    if filters.user_id is not None:
        where.append("history_user_id = %s")
        params.append(filters.user_id)
    zone = timezone.get_current_timezone()
    if filters.since is not None:
        where.append("history_date >= %s")
        params.append(dt.datetime.combine(filters.since, dt.time.min, tzinfo=zone))
    if filters.until is not None:
        where.append("history_date < %s")
        params.append(dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time.min,
                                          tzinfo=zone))
    return (" WHERE " + " AND ".join(where)) if where else "", params


def audit_entries(*, filters: AuditFilter, offset: int, limit: int) -> list[dict]:
    """Changes newest first: when, who, action, item kind and id, reason (one query)."""
    tables = audit_tables()
    if not tables:
        return []
    where, params = _bounds(filters)
    branches, all_params = [], []
    for index, table in enumerate(tables):
        # Table names come from model metadata, never from the request.
        branches.append(
            f"(SELECT {index} AS t, id::text AS item_id, history_id, history_date, "  # noqa: S608
            "history_type, "
            f"history_user_id, history_change_reason FROM \"{table.table}\"{where} "
            "ORDER BY history_date DESC LIMIT %s)")
        all_params += [*params, offset + limit]
    union = " UNION ALL ".join(branches)
    sql = (
        "SELECT c.t, c.item_id, c.history_id, c.history_date, c.history_type, "  # noqa: S608
        "c.history_change_reason, "
        f"u.username, u.first_name, u.last_name FROM ({union}) c "
        "LEFT JOIN auth_user u ON u.id = c.history_user_id "
        "ORDER BY c.history_date DESC, c.t, c.item_id LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*all_params, limit, offset])
        rows = cursor.fetchall()
    described = _describe(tables, [(t, history_id) for t, _, history_id, *_ in rows])
    entries = []
    for t, item_id, history_id, when, kind, reason, username, first, last in rows:
        table = tables[t]
        name = f"{first} {last}".strip()
        item_name, url = described.get((t, history_id), ("", ""))
        entries.append({
            "when": when,
            "user": (f"{name} ({username})" if name else username) if username else "system",
            "action": ACTIONS.get(kind, kind),
            "item": table.label,
            "item_id": item_id,
            "name": item_name or f"{table.label} {item_id}",
            # A deleted item has no page to go to.
            "url": url if kind != "-" else "",
            "area": table.app,
            "reason": reason or "",
        })
    return entries


def _item(record: Any) -> Any:
    """The item as this history row recorded it, with the rows it points to (read with the
    history row) attached, so naming it asks the database nothing more."""
    instance = record.instance
    for field in instance._meta.concrete_fields:
        if field.many_to_one:
            recorded = record._meta.get_field(field.name)
            if recorded.is_cached(record):
                field.set_cached_value(instance, recorded.get_cached_value(record))
    return instance


def _describe(tables: tuple[AuditTable, ...],
              keys: list[tuple[int, int]]) -> dict[tuple[int, int], tuple[str, str]]:
    """(table index, history id) → (the item's name, the link to its page or ""), from the
    history rows: the item's own `__str__` and `get_absolute_url()` (its model says where its
    page is; a model without one is named but not linked)."""
    by_table: dict[int, list[int]] = {}
    for t, history_id in keys:
        by_table.setdefault(t, []).append(history_id)
    described = {}
    for t, ids in by_table.items():
        history = apps.get_model(tables[t].history_model)
        model = history.instance_type
        related = [f.name for f in model._meta.concrete_fields if f.many_to_one
                   and f.name not in ("created_by", "updated_by")]
        for record in history.objects.filter(history_id__in=ids).select_related(*related):
            item = _item(record)
            try:
                name = str(item)
            except ObjectDoesNotExist:  # it points to a row since deleted
                name = ""
            url = ""
            if hasattr(item, "get_absolute_url"):
                try:
                    url = item.get_absolute_url()
                except (NoReverseMatch, ObjectDoesNotExist, ValueError):
                    url = ""
            described[t, record.history_id] = (name, url)
    return described

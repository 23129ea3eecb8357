"""The audit trail across the system: every change recorded by django-simple-history, newest
first, from all the apps' history tables at once.

One UNION ALL query per page whatever the number of tables: each branch is ordered by its
indexed `history_date` and limited to the rows the page can need, so a page costs the same on
the demo as on the scale data set.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db import connection
from django.utils import timezone

ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass(frozen=True)
class AuditTable:
    table: str
    label: str  # what the item is, e.g. "Progress update"
    app: str


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
                                app=meta.app_label))
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
            f"(SELECT {index} AS t, id::text AS item_id, history_date, history_type, "  # noqa: S608
            f"history_user_id, history_change_reason FROM \"{table.table}\"{where} "
            "ORDER BY history_date DESC LIMIT %s)")
        all_params += [*params, offset + limit]
    union = " UNION ALL ".join(branches)
    sql = (
        "SELECT c.t, c.item_id, c.history_date, c.history_type, c.history_change_reason, "  # noqa: S608
        f"u.username, u.first_name, u.last_name FROM ({union}) c "
        "LEFT JOIN auth_user u ON u.id = c.history_user_id "
        "ORDER BY c.history_date DESC, c.t, c.item_id LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*all_params, limit, offset])
        rows = cursor.fetchall()
    entries = []
    for t, item_id, when, kind, reason, username, first, last in rows:
        table = tables[t]
        name = f"{first} {last}".strip()
        entries.append({
            "when": when,
            "user": (f"{name} ({username})" if name else username) if username else "system",
            "action": ACTIONS.get(kind, kind),
            "item": table.label,
            "item_id": item_id,
            "area": table.app,
            "reason": reason or "",
        })
    return entries

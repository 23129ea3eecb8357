"""Change history of an item (django-simple-history) as rows people can read."""

from __future__ import annotations

from typing import Any

_SKIP = {"updated_at", "updated_by", "created_at", "created_by"}


def history_rows(instance: Any, *, limit: int = 20) -> list[dict]:
    """Newest first: when, who, and each changed field's old and new value (two queries)."""
    # Insertion order, not the clock: two processes' clocks (or a frozen one) can disagree.
    records = list(instance.history.select_related("history_user")
                   .order_by("-history_id")[: limit + 1])
    rows = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        if len(rows) == limit:
            break
        changes = []
        if older is not None:
            delta = newer.diff_against(older)
            changes = [f"{_label(instance, c.field)}: {c.old} → {c.new}"
                       for c in delta.changes if c.field not in _SKIP]
        rows.append({
            "when": newer.history_date,
            "who": newer.history_user.get_username() if newer.history_user else "system",
            "what": "Created" if newer.history_type == "+" else
                    ("Deleted" if newer.history_type == "-" else "; ".join(changes) or "Saved"),
        })
    return rows


def _label(instance: Any, field: str) -> str:
    """A field's name as people read it (`income growth pct`)."""
    try:
        return str(instance._meta.get_field(field).verbose_name)
    except Exception:  # noqa: BLE001 - a field since removed keeps its code name
        return field

"""Change history of items (django-simple-history) as rows people can read: the one selector.

An item page shows `item_history(instance)`; a page over many items (a strand and everything
under it) merges `history_records(model, where, ...)` of each model. Each model's latest records
come with the previous record's values as correlated subqueries: one query per model, however
long the history. Insertion order (history_id), not the clock, says which record is newer: two
processes' clocks (or a frozen one) can disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery

from send_tracker import money

# Columns every audited row has, or that change on every save: never shown as a change.
NOT_SHOWN = {"id", "created_at", "created_by", "updated_at", "updated_by", "version",
             "edit_version"}


def tracked_fields(model: type[models.Model]) -> dict[str, str]:
    """Every column a person edits, with its label (`income growth pct`)."""
    return {f.attname: str(f.verbose_name) for f in model._meta.concrete_fields
            if f.name not in NOT_SHOWN and not f.primary_key}


def show_value(field: str, value: Any) -> str:
    """A field's value as people read it: money in pounds, blanks as a dash."""
    if value is None or value == "":
        return "–"
    if field.endswith("_pence"):
        return money.format_pounds(value)
    return str(value)


def _labelled(model: type[models.Model], field: str, value: Any) -> Any:
    """A choice's label (`Paused`, `Amber – at risk`) instead of its stored code."""
    try:
        choices = dict(model._meta.get_field(field).choices or ())
    except Exception:  # noqa: BLE001 - an attname (`lead_id`) has no choices
        return value
    return choices.get(value, value) if choices else value


def field_changes(model: type[models.Model], old: Mapping[str, Any], new: Mapping[str, Any],
                  fields: Mapping[str, str] | None = None) -> list[str]:
    """`Forecast: £1,000,000 → £900,000` for every tracked field that differs."""
    fields = tracked_fields(model) if fields is None else fields
    return [
        # A person (or any row) is stored as an id: say that it changed rather than show numbers.
        f"{label}: changed" if field.endswith("_id") else
        f"{label}: {show_value(field, _labelled(model, field, old.get(field)))} → "
        f"{show_value(field, _labelled(model, field, new.get(field)))}"
        for field, label in fields.items()
        if old.get(field) != new.get(field)
    ]


def _who(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user else "System"


def history_records(model: type[models.Model], where: Q, *, fields: Mapping[str, str] | None = None,
                    limit: int | None = 20) -> list[dict[str, Any]]:
    """The latest history records of `model` matching `where`, newest first: `when`, `who`,
    `record` (the historical row), `old` (the previous values, None for a creation), `new`,
    `changes` (`["Created"]`, `["Deleted"]` or field_changes) and `reason`."""
    fields = tracked_fields(model) if fields is None else fields
    hist = model.history.model
    earlier = hist.objects.filter(
        id=OuterRef("id"), history_id__lt=OuterRef("history_id")
    ).order_by("-history_id")
    rows = (
        hist.objects.filter(where)
        .select_related("history_user")
        .annotate(has_prev=Exists(earlier),
                  **{f"prev_{f}": Subquery(earlier.values(f)[:1]) for f in fields})
        .order_by("-history_id")[:limit]
    )
    entries = []
    for r in rows:
        new = {f: getattr(r, f) for f in fields}
        old = {f: getattr(r, f"prev_{f}") for f in fields} if r.has_prev else None
        if r.history_type == "+" or old is None:
            changes = ["Created"]
        elif r.history_type == "-":
            changes = ["Deleted"]
        else:
            changes = field_changes(model, old, new, fields)
        entries.append({"when": r.history_date, "who": _who(r.history_user), "record": r,
                        "old": old, "new": new, "changes": changes,
                        "reason": r.history_change_reason or ""})
    return entries


def item_history(instance: models.Model, *, fields: Mapping[str, str] | None = None,
                 limit: int = 20) -> list[dict[str, Any]]:
    """One item's changes, newest first: `when`, `who`, `what` (the changes in words), ...
    (one query)."""
    entries = history_records(type(instance), Q(id=instance.pk), fields=fields, limit=limit)
    for entry in entries:
        entry["what"] = "; ".join(entry["changes"]) or "Saved"
    return entries

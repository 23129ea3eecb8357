"""Change history of a strand and everything under it: who, when, what changed (old → new).

Each model's latest records come with the previous record's values as correlated subqueries,
so a page shows diffs in one query per model, however long the history.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, Subquery

from programme.models import Milestone, ProgressUpdate, Project, RaidItem, SavingsTarget, Strand
from send_tracker import money
from send_tracker.dataversion import cached_selector

# model → the fields whose changes are shown, with their labels.
TRACKED: dict[type, dict[str, str]] = {
    Strand: {"name": "Name", "lead_id": "Lead", "description": "Description", "active": "Active"},
    Project: {"name": "Name", "status": "Status", "lead_id": "Lead", "start_date": "Start",
              "end_date": "End"},
    ProgressUpdate: {"forecast_pence": "Forecast", "delivered_pence": "Delivered",
                     "confidence": "Confidence", "status": "Status", "commentary": "Commentary"},
    Milestone: {"forecast_date": "Forecast date", "actual_date": "Actual date",
                "status": "Status", "name": "Name"},
    RaidItem: {"kind": "Type", "likelihood": "Likelihood", "impact": "Impact",
               "status": "Status", "mitigation": "Mitigation", "residual_score": "Residual score"},
    SavingsTarget: {"amount_pence": "Target"},
}


def show_value(field: str, value: Any) -> str:
    """A field's value as people read it: money in pounds, blanks as a dash."""
    if value is None or value == "":
        return "–"
    if field.endswith("_pence"):
        return money.format_pounds(value)
    return str(value)


def _labelled(model: type, field: str, value: Any) -> Any:
    """A choice's label (`Paused`, `Amber – at risk`) instead of its stored code."""
    choices = dict(model._meta.get_field(field).choices or ())
    return choices.get(value, value)


def field_changes(model: type, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """`Forecast: £1,000,000 → £900,000` for every tracked field that differs."""
    return [
        # A person is stored as an id: say that it changed rather than show numbers.
        f"{label}: changed" if field.endswith("_id") else
        f"{label}: {show_value(field, _labelled(model, field, old.get(field)))} → "
        f"{show_value(field, _labelled(model, field, new.get(field)))}"
        for field, label in TRACKED[model].items()
        if old.get(field) != new.get(field)
    ]


def _label(model: type, record: Any) -> str:
    if model is Strand:
        return f"Strand “{record.name}”"
    if model is Project:
        return f"Project “{record.name}”"
    if model is ProgressUpdate:
        return f"Update P{record.period} {record.year}/{(record.year + 1) % 100:02d}"
    if model is Milestone:
        return f"Milestone “{record.name}”"
    if model is SavingsTarget:
        return f"Target {record.year}/{(record.year + 1) % 100:02d}"
    return f"{record.get_kind_display()} “{record.title}”"


def _records(model: type, where: Q, limit: int) -> list[dict[str, Any]]:
    hist = model.history.model
    fields = TRACKED[model]
    earlier = hist.objects.filter(
        id=OuterRef("id"), history_id__lt=OuterRef("history_id")
    ).order_by("-history_id")
    qs = (
        hist.objects.filter(where)
        .select_related("history_user")
        .annotate(has_prev=Exists(earlier),
                  **{f"prev_{f}": Subquery(earlier.values(f)[:1]) for f in fields})
        .order_by("-history_date", "-history_id")[:limit]
    )
    entries = []
    for r in qs:
        new = {f: getattr(r, f) for f in fields}
        if r.history_type == "+" or not r.has_prev:
            changes = ["Created"]
        elif r.history_type == "-":
            changes = ["Deleted"]
        else:
            changes = field_changes(model, {f: getattr(r, f"prev_{f}") for f in fields}, new)
        if not changes:
            continue
        user = r.history_user
        entries.append({
            "when": r.history_date,
            "who": (user.get_full_name() or user.get_username()) if user else "System",
            "what": _label(model, r),
            "changes": changes,
            "reason": r.history_change_reason or "",
        })
    return entries


def strand_history(*, strand: Strand, limit: int = 30) -> list[dict[str, Any]]:
    """The latest changes to a strand, its projects, updates, milestones, RAID items, targets
    (frozen: shared between requests)."""
    return _strand_history(strand_id=strand.pk, limit=limit)


@cached_selector(share=True)  # six history scans with correlated look-ups: once per version
def _strand_history(*, strand_id: int, limit: int) -> list[dict[str, Any]]:
    sources = (
        (Strand, Q(id=strand_id)),
        (Project, Q(strand_id=strand_id)),
        (ProgressUpdate, Q(project__strand_id=strand_id)),
        (Milestone, Q(project__strand_id=strand_id)),
        (RaidItem, Q(strand_id=strand_id)),
        (SavingsTarget, Q(strand_id=strand_id)),
    )
    entries: list[dict[str, Any]] = []
    for model, where in sources:
        entries.extend(_records(model, where, limit))
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]

"""Change history of a strand and everything under it: who, when, what changed (old → new),
read through send_tracker.history (one query per model, however long the history)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from programme.models import Milestone, ProgressUpdate, Project, RaidItem, SavingsTarget, Strand
from send_tracker import history
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


def field_changes(model: type, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """`Forecast: £1,000,000 → £900,000` for every tracked field of `model` that differs."""
    return history.field_changes(model, old, new, TRACKED[model])


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
    return [
        {**{k: e[k] for k in ("when", "who", "changes", "reason")},
         "what": _label(model, e["record"])}
        for e in history.history_records(model, where, fields=TRACKED[model], limit=limit)
        if e["changes"]  # a save that changed no tracked field is not news
    ]


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

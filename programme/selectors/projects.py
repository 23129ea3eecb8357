"""Project reads: what a lead edits, what is missing for a period, milestones due."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from programme.models import (
    Milestone,
    ProgressUpdate,
    Project,
    Rag,
    ReminderSent,
    SavingsTarget,
    Strand,
)
from send_tracker.dataversion import cached_selector
from send_tracker.fiscal import FinancialYear, period_end, period_start
from send_tracker.permissions import ADMIN, LEAD, has_role, person_name


def editable_strands(user: Any) -> QuerySet[Strand]:
    """The active strands a user may edit: all for administrators, led or deputised for leads."""
    qs = Strand.objects.filter(active=True).select_related("lead").order_by("order", "name")
    if has_role(user, ADMIN):
        return qs
    if not has_role(user, LEAD):
        return qs.none()
    return qs.filter(Q(lead=user) | Q(deputies=user)).distinct()


def update_form_rows(
    *, strand_ids: list[int], year: FinancialYear, period: int
) -> list[dict[str, Any]]:
    """The open projects of the strands, each with this period's update, the one before it and
    the project's savings target for the year (`target_pence`, None where it has none).

    The previous update is each project's last submitted one before this period (however many
    months back): it pre-fills the form when this period has none yet, so a lead with nothing
    to change submits without typing; the form shows it, and the target, beside the fields.
    Four queries.
    """
    projects = list(
        Project.objects.filter(strand_id__in=strand_ids)
        .exclude(status=Project.Status.CLOSED)
        .select_related("strand")
        .order_by("strand__order", "name")
    )
    ids = [p.pk for p in projects]
    current = {
        u.project_id: u
        for u in ProgressUpdate.objects.filter(
            project_id__in=ids, year=year.start_year, period=period
        )
    }
    earlier = (
        ProgressUpdate.objects.filter(project_id__in=ids, status=ProgressUpdate.Status.SUBMITTED)
        .filter(Q(year=year.start_year, period__lt=period) | Q(year__lt=year.start_year))
        .order_by("project_id", "-year", "-period")
        .distinct("project_id")
    )
    previous = {u.project_id: u for u in earlier}
    targets = dict(
        SavingsTarget.objects.filter(project_id__in=ids, year=year.start_year).values_list(
            "project_id", "amount_pence"
        )
    )
    return [
        {"project": p, "update": current.get(p.pk), "previous": previous.get(p.pk),
         "target_pence": targets.get(p.pk)}
        for p in projects
    ]


def _missing(*, year: FinancialYear, period: int, strand_ids: list[int] | None = None):
    """Open projects of active strands with no submitted update for the period: the one rule
    behind the compliance page, the reminders and the home page's tasks."""
    submitted = ProgressUpdate.objects.filter(
        year=year.start_year, period=period, status=ProgressUpdate.Status.SUBMITTED
    ).values("project_id")
    qs = (
        Project.objects.filter(strand__active=True)
        .exclude(status__in=[Project.Status.CLOSED, Project.Status.PLANNED])
        .exclude(pk__in=submitted)
    )
    return qs if strand_ids is None else qs.filter(strand_id__in=strand_ids)


def missing_updates(
    *, year: FinancialYear, period: int, strand_ids: list[int] | None = None
) -> list[dict[str, Any]]:
    """Open projects with no submitted update for the period, by strand, with who should update."""
    drafts = set(
        ProgressUpdate.objects.filter(
            year=year.start_year, period=period, status=ProgressUpdate.Status.DRAFT
        ).values_list("project_id", flat=True)
    )
    qs = (_missing(year=year, period=period, strand_ids=strand_ids)
          .select_related("strand", "strand__lead", "lead").order_by("strand__order", "name"))
    return [{"project": p, "has_draft": p.pk in drafts} for p in qs]


@cached_selector(share=True)
def missing_updates_by_strand(
    *, year: FinancialYear, period: int, strand_ids: list[int] | None = None
) -> list[dict[str, Any]]:
    """How many projects of each strand miss the period's update, with the strand lead's name
    (`{"strand_id", "count", "lead"}`): the counts of `missing_updates` without loading them."""
    rows = (_missing(year=year, period=period, strand_ids=strand_ids)
            .values("strand_id", "strand__lead__first_name", "strand__lead__last_name",
                    "strand__lead__username")
            .annotate(count=Count("pk")).order_by("strand_id"))
    return [{"strand_id": row["strand_id"], "count": row["count"], "lead": person_name(
        row["strand__lead__first_name"], row["strand__lead__last_name"],
        row["strand__lead__username"]) or None} for row in rows]


def missing_by_lead(missing: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of `missing_updates` gathered by who is asked to update them (the strand's
    lead, else the project's), in the order they first appear; projects with neither last."""
    leads: dict[int | None, dict[str, Any]] = {}
    for row in missing:
        project = row["project"]
        lead = project.strand.lead or project.lead
        entry = leads.setdefault(lead.pk if lead else None, {"lead": lead, "projects": []})
        entry["projects"].append(project)
    return sorted(leads.values(), key=lambda e: e["lead"] is None)


def reminders_sent(*, year: FinancialYear, period: int) -> list[ReminderSent]:
    """Reminders e-mailed (or queued) for the period, newest first, with who was reminded and
    who chose to."""
    return list(ReminderSent.objects.filter(year=year.start_year, period=period)
                .select_related("lead", "sent_by").order_by("-sent_at", "-id"))


def milestones_due(*, year: FinancialYear, period: int) -> dict[str, list[dict[str, Any]]]:
    """Incomplete milestones forecast within the period (`due`) and before it (`overdue`)."""
    start, end = period_start(year, period), period_end(year, period)
    qs = (
        Milestone.objects.filter(actual_date__isnull=True, forecast_date__lte=end,
                                 project__strand__active=True)
        .select_related("project", "project__strand")
        .order_by("forecast_date", "name")
    )
    result: dict[str, list[dict[str, Any]]] = {"due": [], "overdue": []}
    for m in qs:
        item = {
            "id": m.pk,
            "name": m.name,
            "project": m.project.name,
            "strand": m.project.strand.name,
            "strand_slug": m.project.strand.slug,
            "baseline_date": m.baseline_date,
            "forecast_date": m.forecast_date,
            "status": m.status,
            "days_late": max((end - m.forecast_date).days, 0),
        }
        result["due" if m.forecast_date >= start else "overdue"].append(item)
    return result


def strand_projects(
    *, strand: Strand, year: FinancialYear, period: int
) -> list[dict[str, Any]]:
    """The strand's projects, each with its latest submitted update at the period, the one
    at the period before, and the change in forecast between them: plain rows (frozen, shared
    between requests), read once per data version in two queries of the columns shown."""
    return _strand_projects(strand_id=strand.pk, year=year.start_year, period=period)


def _update_row(u: dict[str, Any]) -> dict[str, Any]:
    author = " ".join(n for n in (u["author__first_name"], u["author__last_name"]) if n)
    return {"period": u["period"], "forecast_pence": u["forecast_pence"],
            "delivered_pence": u["delivered_pence"], "confidence": u["confidence"],
            "confidence_label": dict(Rag.choices).get(u["confidence"], u["confidence"]),
            "commentary": u["commentary"],
            "author": author or u["author__username"] or ""}


@cached_selector(share=True)
def _strand_projects(*, strand_id: int, year: int, period: int) -> list[dict[str, Any]]:
    updates = (
        ProgressUpdate.objects.filter(
            project__strand_id=strand_id, year=year, period__lte=period,
            status=ProgressUpdate.Status.SUBMITTED,
        )
        .order_by("project_id", "period")
        .values("project_id", "period", "forecast_pence", "delivered_pence", "confidence",
                "commentary", "author__first_name", "author__last_name", "author__username")
    )
    latest: dict[int, dict] = {}
    before: dict[int, dict] = {}
    for u in updates:  # ascending periods: the last one seen wins
        latest[u["project_id"]] = u
        if u["period"] < period:
            before[u["project_id"]] = u
    statuses = dict(Project.Status.choices)
    rows = []
    for p in Project.objects.filter(strand_id=strand_id).order_by("name").values(
            "pk", "name", "status"):
        now, then = latest.get(p["pk"]), before.get(p["pk"])
        change = now["forecast_pence"] - then["forecast_pence"] if now and then else None
        rows.append({"project": {"pk": p["pk"], "name": p["name"],
                                 "status_label": statuses.get(p["status"], p["status"])},
                     "update": _update_row(now) if now else None,
                     "previous": _update_row(then) if then else None,
                     "forecast_change": change})
    return rows


def strand_milestones(*, strand: Strand, on: dt.date) -> list[dict[str, Any]]:
    """The strand's milestones by forecast date, overdue ones flagged as at `on`: plain rows
    (frozen, shared), read once per data version in one query of the columns shown."""
    return _strand_milestones(strand_id=strand.pk, on=on)


@cached_selector(share=True)
def _strand_milestones(*, strand_id: int, on: dt.date) -> list[dict[str, Any]]:
    statuses = dict(Milestone.Status.choices)
    rows = Milestone.objects.filter(project__strand_id=strand_id).order_by("forecast_date").values(
        "pk", "name", "project__name", "baseline_date", "forecast_date", "actual_date", "status")
    return [{"milestone": {**m, "status_label": statuses.get(m["status"], m["status"])},
             "overdue": Milestone(actual_date=m["actual_date"], forecast_date=m["forecast_date"])
             .is_overdue(on)} for m in rows]


def projects_by_strand() -> dict[int, list[Project]]:
    """Active strands' projects, for choosers (one query)."""
    grouped: dict[int, list[Project]] = defaultdict(list)
    for p in Project.objects.filter(strand__active=True).order_by("name"):
        grouped[p.strand_id].append(p)
    return grouped


@cached_selector  # once per data version; each caller its own copy
def strand_with_people(slug: str) -> Strand | None:
    """One strand with its lead and deputies loaded (two queries)."""
    return (
        Strand.objects.select_related("lead")
        .prefetch_related(Prefetch("deputies"))
        .filter(slug=slug)
        .first()
    )

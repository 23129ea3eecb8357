"""What the programme asks of people this month: a lead's update and overdue milestones, and the
programme office's chasing. Plain dicts (title, href, hint, status) for the home page's task
list; finance/selectors/tasks.py composes them with finance's and the board's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from programme.models import Milestone, Strand
from programme.periods import reporting_period, update_deadline
from programme.selectors.projects import missing_updates_by_strand
from send_tracker.reporting import month_label, reporting_month_end


def task(title: str, href: str, *, hint: str = "", status: str = "",
         urgent: bool = False) -> dict[str, Any]:
    """One task as the home page lists it: what to do, where, why now and its status words."""
    return {"title": title, "href": href, "hint": hint, "status": status, "urgent": urgent}


def deadline_status(deadline: dt.date, *, today: dt.date | None = None) -> tuple[str, bool]:
    """`Due 7 November 2024`, or `Overdue` (urgent) once the day has passed."""
    today = today or timezone.localdate()
    if today > deadline:
        return "Overdue", True
    return f"Due {deadline:%-d %B %Y}", False


def lead_strands(user: Any) -> list[Strand]:
    """The active strands a user leads or deputises (an administrator's "any strand" is not a
    task of theirs)."""
    return list(
        Strand.objects.filter(active=True).filter(Q(lead=user) | Q(deputies=user)).distinct()
        .order_by("order", "name")
    )


def lead_tasks(user: Any, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """A lead's tasks: the open period's update of each strand with projects not yet submitted
    (with its deadline), and each milestone of their strands overdue at the reporting month's
    end (Milestone.is_overdue)."""
    strands = lead_strands(user)
    if not strands:
        return []
    tasks = []
    year, period = reporting_period()
    deadline = update_deadline(year, period)
    status, urgent = deadline_status(deadline, today=today)
    missing = {row["strand_id"]: row["count"] for row in missing_updates_by_strand(
        year=year, period=period, strand_ids=[s.pk for s in strands])}
    for strand in strands:
        left = missing.get(strand.pk, 0)
        if left:
            noun = "project" if left == 1 else "projects"
            tasks.append(task(
                f"Submit the {month_label(year, period)} update for {strand.name}",
                f"{reverse('programme:update')}?strand={strand.slug}",
                hint=f"{left} {noun} not submitted yet; updates are due by "
                     f"{deadline:%-d %B %Y}.",
                status=status, urgent=urgent))
    as_at = reporting_month_end()
    overdue = (
        Milestone.objects.filter(project__strand__in=strands, actual_date__isnull=True,
                                 forecast_date__lt=as_at)
        .select_related("project").order_by("forecast_date", "name")
    )
    for milestone in overdue:
        if milestone.is_overdue(as_at):  # the one rule; the query only narrows the rows
            tasks.append(task(
                f"Update the milestone “{milestone.name}” ({milestone.project.name})",
                reverse("programme:milestone_edit", args=[milestone.pk]),
                hint=f"Forecast {milestone.forecast_date:%-d %B %Y}, not complete at "
                     f"{as_at:%-d %B %Y}: record it done or give a new forecast date.",
                status="Overdue", urgent=True))
    return tasks


def office_tasks(*, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The programme office's tasks: chase the open period's missing updates before the
    deadline, and close the period once it has passed."""
    year, period = reporting_period()
    deadline = update_deadline(year, period)
    status, urgent = deadline_status(deadline, today=today)
    by_strand = missing_updates_by_strand(year=year, period=period)
    missing = sum(row["count"] for row in by_strand)
    tasks = []
    if missing:
        leads = sorted({row["lead"] for row in by_strand if row["lead"]})
        noun = "project has" if missing == 1 else "projects have"
        tasks.append(task(
            f"Chase the {month_label(year, period)} updates",
            reverse("programme:compliance"),
            hint=f"{missing} {noun} no submitted update (leads: "
                 f"{', '.join(leads) or 'none named'}); due by {deadline:%-d %B %Y}.",
            status=status, urgent=urgent))
    if urgent or not missing:
        tasks.append(task(
            f"Close {month_label(year, period)} in the reporting calendar",
            reverse("calendar"),
            hint="Closing it makes it the month every page reports on and opens the next one"
                 + (" (all updates are in)." if not missing else " (the deadline has passed)."),
            status="Ready to close" if not missing else "Overdue", urgent=urgent))
    return tasks

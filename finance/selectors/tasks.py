"""The home page's task list: what each role has to do this month, and where it is done.

One selector per role; `tasks_for(user)` composes those of the user's roles. Finance composes
because the home page and the board live here: programme's own tasks come from
programme/selectors/tasks.py, the imports' cadences from send_tracker.imports. Every rule is
the owner's: overdue milestones (Milestone.is_overdue), overdue instalments
(Instalment.status_as_at), out-of-date scenarios (run_reflects_assumptions), imports due
(ImportFormat.cadence).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from finance.board import selectors as board
from finance.models import TrajectoryRun
from finance.selectors.agreement import agreement_overdue
from finance.selectors.trajectory import run_reflects_assumptions
from placements.selectors import overpayment_by_status
from programme.selectors.tasks import deadline_status, lead_tasks, office_tasks, task
from send_tracker import permissions as roles
from send_tracker.imports import imports_due
from send_tracker.money import format_money
from send_tracker.reporting import month_label, period_dates, reporting_month_end

NOTHING = "Nothing needs you this month"
# SQL queries the task list may add to the home page, for any role, whatever the data: the
# page's figures already use the budget of 20 (tests/send_tracker/test_query_budget.py).
TASKS_QUERY_ALLOWANCE = 10


def director_tasks(*, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Months awaiting sign-off (by the board's date) and the decisions their drafts ask for."""
    tasks = []
    for summary in board.awaiting_sign_off():
        href = reverse("board:detail", args=[summary.fy.slug, summary.period])
        board_date = period_dates(summary.fy, summary.period).board_date
        status, urgent = deadline_status(board_date, today=today)
        label = month_label(summary.fy, summary.period)
        tasks.append(task(f"Sign off the board summary for {label}", href,
                          hint=f"Version {summary.version}, built "
                               f"{timezone.localtime(summary.built_at):%-d %B %Y}; the board "
                               f"meets {board_date:%-d %B %Y}.",
                          status=status, urgent=urgent))
        for decision in board.decisions_list(summary.decisions_needed):
            tasks.append(task(decision, f"{href}#month-top",
                              hint=f"A decision the board summary for {label} asks for.",
                              status="Decision needed"))
    return tasks


def finance_tasks(*, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Imports due, open overpayment flags, overdue DfE returns and instalments, out-of-date
    scenarios, and board summaries a director returned with comments."""
    tasks = []
    for due in imports_due(now=now):
        fmt, last = due["format"], due["last"]
        tasks.append(task(
            f"Load the {fmt.label[0].lower()}{fmt.label[1:]} file",
            reverse("imports:upload", args=[fmt.kind]),
            hint=(f"Loaded {fmt.cadence}; last loaded {timezone.localtime(last):%-d %B %Y}."
                  if last else f"Loaded {fmt.cadence}; never loaded yet."),
            status="Due", urgent=last is None))
    flags = overpayment_by_status()["open"]
    if flags["count"]:
        noun = "flag" if flags["count"] == 1 else "flags"
        tasks.append(task(
            f"Review {flags['count']:,} open overpayment {noun}",
            f"{reverse('placements:overpayments')}?status=open",
            hint=f"{format_money(flags['total'])} thought overpaid, waiting for an outcome.",
            status="To review"))
    tasks += _agreement_tasks()
    current = TrajectoryRun.objects.filter(is_current=True).select_related("scenario")
    for run in current.order_by("-scenario__is_baseline", "scenario__name"):
        scenario = run.scenario
        if not run_reflects_assumptions(run, scenario):
            tasks.append(task(
                f"Recompute the {scenario.name} scenario",
                reverse("finance:scenario", args=[scenario.slug]),
                hint="Its trajectory predates the last change to its assumptions.",
                status="Out of date", urgent=True))
    for summary in board.returned_to_finance():
        tasks.append(task(
            f"Revise the board summary for {month_label(summary.fy, summary.period)}",
            reverse("board:text", args=[summary.fy.slug, summary.period]),
            hint=f"Returned by {summary.returned_by_name}: “{summary.return_comments}”",
            status="Returned", urgent=True))
    return tasks


def _agreement_tasks() -> list[dict[str, Any]]:
    """Monitoring returns not submitted and instalments not received, past due at the end of the
    reporting month (the agreement page's rule)."""
    overdue = agreement_overdue(as_at=reporting_month_end())
    tasks = [
        task(f"Submit the DfE monitoring return “{item.title}”",
             reverse("finance:return-edit", args=[item.pk]),
             hint=f"Due {item.due_on:%-d %B %Y}; not recorded as submitted.",
             status="Overdue", urgent=True)
        for item in overdue["returns"]
    ]
    tasks += [
        task(f"Record the DfE's {instalment.year}/{(instalment.year + 1) % 100:02d} "
             f"instalment of {format_money(instalment.amount_pence)}",
             reverse("finance:instalment-edit", args=[instalment.pk]),
             hint=f"Due {instalment.due_on:%-d %B %Y}: paid, withheld or chased?",
             status="Overdue", urgent=True)
        for instalment in overdue["instalments"]
    ]
    return tasks


def admin_tasks(*, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Invitations that expired unused: the person cannot sign in until sent a new link."""
    from send_tracker.accounts.selectors import expired_invitations

    return [
        task(f"Send a new invitation to {inv.user.get_full_name() or inv.user.get_username()}",
             reverse("accounts:detail", args=[inv.user_id]),
             hint=f"Their link expired on {timezone.localtime(inv.expires_at):%-d %B %Y} unused.",
             status="Expired", urgent=True)
        for inv in expired_invitations(now=now or timezone.now())
    ]


def tasks_for(user: Any, *, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The user's tasks this month, a group per role held (in the header's order): each group
    `{"role", "tasks"}`; a role with nothing to do has an empty list."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    held = roles.user_roles(user)
    by_role = [
        (roles.ADMIN, lambda: admin_tasks(now=now) + office_tasks(today=today)),
        (roles.DIRECTOR, lambda: director_tasks(today=today)),
        (roles.PROGRAMME_MANAGER, lambda: office_tasks(today=today)),
        (roles.FINANCE, lambda: finance_tasks(now=now)),
        (roles.LEAD, lambda: lead_tasks(user, today=today)),
    ]
    groups, seen = [], set()
    for role, tasks in by_role:
        if role in held:
            # An administrator who is also the programme office sees each task once.
            fresh = [t for t in tasks() if (t["title"], t["href"]) not in seen]
            seen.update((t["title"], t["href"]) for t in fresh)
            groups.append({"role": role, "tasks": fresh})
    return groups

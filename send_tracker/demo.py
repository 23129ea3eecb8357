"""Shared pieces of the demo data set: the demo users and their password."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from send_tracker.permissions import ADMIN, DIRECTOR, FINANCE, PROGRAMME_MANAGER, ROLES

# Demo only: seed_demo refuses to run with DEBUG off unless forced.
DEMO_PASSWORD = getattr(settings, "DEMO_PASSWORD", "send-demo-2024")


def ensure_roles() -> dict[str, Group]:
    """The role groups (also created by data migrations)."""
    return {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}


def ensure_user(username: str, role: str, *, full_name: str = "", email: str = ""):
    """Create the demo user once with the demo password and role; later runs change nothing."""
    user_model = get_user_model()
    first, _, last = full_name.partition(" ")
    user, created = user_model.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": email or f"{username}@example.org",
            "is_staff": role == ADMIN,
            "is_superuser": role == ADMIN,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role))
    return user


def seed_core_users() -> None:
    """admin, director, finance and manager (the programme office)."""
    ensure_roles()
    ensure_user("admin", ADMIN, full_name="Alex Admin")
    ensure_user("director", DIRECTOR, full_name="Dana Director")
    ensure_user("finance", FINANCE, full_name="Frankie Finance")
    ensure_user("manager", PROGRAMME_MANAGER, full_name="Morgan Manager")


# The demo's reporting calendar: P1–P6 2024/25 closed (P6, September 2024, is the reporting
# month the briefing's figures describe) and P7 open, whatever today's date.
DEMO_CALENDAR_YEAR = 2024
DEMO_REPORTING_PERIOD = 6


def seed_calendar(*, log: Callable[[str], None] = lambda message: None) -> None:
    """Close P1–P6 2024/25, open P7, list P8–P12 as upcoming (resetting any later closes)."""
    import datetime as dt

    from django.utils import timezone

    from send_tracker.fiscal import PERIODS, FinancialYear
    from send_tracker.models import ReportingPeriod
    from send_tracker.reporting import default_dates

    year = FinancialYear(DEMO_CALENDAR_YEAR)
    manager = get_user_model().objects.filter(username="manager").first()
    # Periods closed or opened since the last seed go: exactly one open period, P7.
    ReportingPeriod.objects.exclude(year=DEMO_CALENDAR_YEAR).delete()
    ReportingPeriod.objects.filter(state=ReportingPeriod.State.OPEN).exclude(
        period=DEMO_REPORTING_PERIOD + 1).update(state=ReportingPeriod.State.UPCOMING)
    for period in PERIODS:
        dates = default_dates(year, period)
        if period <= DEMO_REPORTING_PERIOD:
            closed_at = timezone.make_aware(dt.datetime.combine(
                dates.lead_deadline + dt.timedelta(days=1), dt.time(9, 0)))
            values = {"state": ReportingPeriod.State.CLOSED, "closed_at": closed_at,
                      "closed_by": manager}
        else:
            state = (ReportingPeriod.State.OPEN if period == DEMO_REPORTING_PERIOD + 1
                     else ReportingPeriod.State.UPCOMING)
            values = {"state": state, "closed_at": None, "closed_by": None}
        values.update(lead_deadline=dates.lead_deadline, finance_close=dates.finance_close,
                      board_date=dates.board_date)
        row = ReportingPeriod.objects.filter(year=DEMO_CALENDAR_YEAR, period=period).first()
        if row is None:
            ReportingPeriod.objects.create(year=DEMO_CALENDAR_YEAR, period=period, **values)
            continue
        changed = [k for k, v in values.items() if getattr(row, k) != v]
        if changed:  # only what differs: a second run writes no history rows
            for k in changed:
                setattr(row, k, values[k])
            row.save()
    log(f"calendar: P1–P{DEMO_REPORTING_PERIOD} {year.label} closed, "
        f"P{DEMO_REPORTING_PERIOD + 1} open")

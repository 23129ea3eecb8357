"""The finance officer's tasks on the home page, and the composition by role: each task appears
when it is due and goes when it is done."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from finance import services
from finance.models import Instalment, MonitoringReturn, Scenario
from finance.selectors.tasks import TASKS_QUERY_ALLOWANCE, admin_tasks, finance_tasks, tasks_for
from placements.services import overpayment_flag_review, overpayment_scan
from send_tracker.imports import imports_due
from send_tracker.models import ImportRecord
from send_tracker.permissions import ADMIN, DIRECTOR, FINANCE, LEAD, PROGRAMME_MANAGER
from tests.placements import builders as b

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2024, 10, 20, 9, 0, tzinfo=dt.UTC)


def titles(tasks: list[dict]) -> list[str]:
    return [t["title"] for t in tasks]


def imported(kind: str, *, at: dt.datetime, status: str = "succeeded") -> None:
    record = ImportRecord.objects.create(kind=kind, file_name=f"{kind}.csv", file_sha256="0" * 64,
                                         status=status, finished_at=at)
    ImportRecord.objects.filter(pk=record.pk).update(created_at=at)


def test_a_monthly_import_is_due_when_its_last_success_is_over_a_month_old():
    assert sorted(d["format"].kind for d in imports_due(now=NOW)) == [
        "invoices", "ledger", "placements"]  # never loaded; providers have no cadence
    imported("ledger", at=NOW - dt.timedelta(days=3))
    imported("placements", at=NOW - dt.timedelta(days=40))
    imported("invoices", at=NOW - dt.timedelta(days=1), status="failed")  # a failure is no load
    due = {d["format"].kind: d["last"] for d in imports_due(now=NOW)}
    assert due == {"placements": NOW - dt.timedelta(days=40), "invoices": None}

    ledger = [t for t in finance_tasks(now=NOW + dt.timedelta(days=40))
              if t["href"] == "/imports/ledger/"]
    assert ledger[0]["title"] == "Load the monthly ledger (budget monitoring) file"
    assert ledger[0]["hint"] == "Loaded monthly; last loaded 17 October 2024."


def test_open_overpayment_flags_are_a_task_until_each_has_an_outcome(finance_user):
    placement = b.placement(of=b.child(), start=dt.date(2023, 9, 1), end=dt.date(2024, 4, 15),
                            cost_pence=1_200_000)
    b.invoice(for_=placement, ref="MAY", start=dt.date(2024, 5, 1), end=dt.date(2024, 5, 31),
              amount_pence=100_000, paid=dt.date(2024, 6, 10))
    overpayment_scan()
    [task] = [t for t in finance_tasks(now=NOW) if "overpayment" in t["title"]]
    assert task["title"] == "Review 1 open overpayment flag"
    assert task["href"] == "/placements/overpayments/?status=open"
    assert task["hint"] == "£1,000 thought overpaid, waiting for an outcome."

    from placements.models import OverpaymentFlag

    overpayment_flag_review(flag=OverpaymentFlag.objects.get(), status="recovered",
                            note="Recovered from the provider", user=finance_user)
    assert not [t for t in finance_tasks(now=NOW) if "overpayment" in t["title"]]


def test_dfe_returns_and_instalments_past_due_at_the_reporting_months_end_are_overdue(
        small_finance, reporting_calendar):
    agreement = small_finance["agreement"]
    late = MonitoringReturn.objects.create(agreement=agreement, title="Q2 return",
                                           due_on=dt.date(2024, 9, 15))
    MonitoringReturn.objects.create(agreement=agreement, title="Q3 return",
                                    due_on=dt.date(2024, 12, 15))
    reporting_calendar(2024, 6)  # the month ends 30 September 2024
    agreement_tasks = [t for t in finance_tasks(now=NOW) if "DfE" in t["title"]]
    assert titles(agreement_tasks) == ["Submit the DfE monitoring return “Q2 return”"]
    assert agreement_tasks[0]["href"] == f"/finance/agreement/returns/{late.pk}/"

    late.submitted_on = dt.date(2024, 9, 30)
    late.save()
    reporting_calendar(2025, 1)  # 30 April 2025: the 2024/25 instalment (31 March) is late
    assert titles([t for t in finance_tasks(now=NOW) if "DfE" in t["title"]]) == [
        "Submit the DfE monitoring return “Q3 return”",
        "Record the DfE's 2024/25 instalment of £1,000"]
    Instalment.objects.filter(year=2024).update(status=Instalment.Status.PAID)
    assert titles([t for t in finance_tasks(now=NOW) if "DfE" in t["title"]]) == [
        "Submit the DfE monitoring return “Q3 return”"]


def test_a_scenario_is_a_task_while_its_trajectory_predates_its_assumptions(
        small_finance, queued):
    services.trajectory_recompute()
    assert not [t for t in finance_tasks(now=NOW) if "scenario" in t["title"]]
    scenario = Scenario.objects.get()
    services.scenario_update(scenario=scenario, version=scenario.version,
                             mitigation_delivery_pct=Decimal("10"))
    [task] = [t for t in finance_tasks(now=NOW) if "scenario" in t["title"]]
    assert (task["title"], task["href"], task["status"]) == (
        "Recompute the Baseline scenario", "/finance/scenarios/baseline/", "Out of date")
    services.trajectory_recompute()
    assert not [t for t in finance_tasks(now=NOW) if "scenario" in t["title"]]


def test_an_administrator_is_told_of_invitations_that_expired_unused(make_user):
    from send_tracker.models import Invitation

    invitee = make_user(LEAD, first_name="Ira", last_name="Invited")
    sent = timezone.now() - dt.timedelta(days=10)
    invitation = Invitation.objects.create(user=invitee, email=invitee.email, site_url="x",
                                           sent_at=sent, expires_at=sent + dt.timedelta(days=7))
    [task] = admin_tasks(now=timezone.now())
    assert task["title"] == "Send a new invitation to Ira Invited"
    assert task["href"] == f"/users/{invitee.pk}/"
    invitation.used_at = timezone.now()
    invitation.save()
    assert admin_tasks(now=timezone.now()) == []


def test_tasks_come_in_a_group_per_role_held_and_each_once(make_user, reporting_calendar):
    reporting_calendar(2024, 6)
    assert [g["role"] for g in tasks_for(make_user(DIRECTOR), now=NOW)] == [DIRECTOR]
    assert tasks_for(make_user(), now=NOW) == []
    both = make_user(ADMIN)
    both.groups.add(*make_user(PROGRAMME_MANAGER).groups.all())
    groups = tasks_for(both, now=NOW)
    assert [g["role"] for g in groups] == [ADMIN, PROGRAMME_MANAGER]
    # The calendar task is the office's: the administrator's group has it, the office's not again.
    every = [t["title"] for g in groups for t in g["tasks"]]
    assert len(every) == len(set(every))
    finance = tasks_for(make_user(FINANCE), now=NOW)
    assert titles(finance[0]["tasks"])[0].startswith("Load the")


@pytest.mark.parametrize("role", [ADMIN, DIRECTOR, PROGRAMME_MANAGER, FINANCE, LEAD])
def test_each_roles_tasks_take_a_fixed_number_of_queries_whatever_the_data(
        role, small_finance, make_user, reporting_calendar, build_lead_strand,
        django_assert_max_num_queries):
    from finance.board.models import BoardSummary

    reporting_calendar(2024, 6)
    user = make_user(role)
    build_lead_strand(user, projects=1)
    with django_assert_max_num_queries(TASKS_QUERY_ALLOWANCE):
        small = tasks_for(user, now=NOW)
    build_lead_strand(user, projects=12)
    for period in (4, 5):
        BoardSummary.objects.create(year=2024, period=period, content={}, content_hash="x",
                                    built_at=NOW, decisions_needed="1. One\n2. Two")
    imported("ledger", at=NOW - dt.timedelta(days=60))
    with django_assert_max_num_queries(TASKS_QUERY_ALLOWANCE):
        large = tasks_for(user, now=NOW)
    assert sum(len(g["tasks"]) for g in large) >= sum(len(g["tasks"]) for g in small)


@pytest.fixture
def build_lead_strand(db):
    """build_lead_strand(user, projects=n): a strand the user leads, with n projects, each with
    an overdue milestone."""
    from programme.models import Milestone, Project, Strand

    count = {"n": 0}

    def _build(user, *, projects: int) -> Strand:
        count["n"] += 1
        strand = Strand.objects.create(name=f"Strand {count['n']}", slug=f"s-{count['n']}",
                                       lead=user)
        for i in range(projects):
            project = Project.objects.create(strand=strand, name=f"P{i}")
            Milestone.objects.create(project=project, name=f"M{i}",
                                     baseline_date=dt.date(2024, 6, 1),
                                     forecast_date=dt.date(2024, 6, 1))
        return strand

    return _build

"""Finance writes: the recompute's idempotence and atomic replacement, debouncing, reprofiles,
stale edits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from finance import selectors, services
from finance.models import AgreementVersion, Scenario, TrajectoryPoint, TrajectoryRun
from finance.services import recompute
from send_tracker.fiscal import FinancialYear
from tests.finance.conftest import requests_met


@pytest.mark.django_db
def test_a_recompute_writes_one_current_run_per_scenario(small_finance, queued):
    runs = services.trajectory_recompute()

    assert len(runs) == 1
    run = TrajectoryRun.objects.get()
    assert (run.status, run.is_current) == (TrajectoryRun.Status.FINISHED, True)
    assert run.started_at <= run.finished_at
    assert len(run.fingerprint) == 64
    assert [p.year for p in run.points.order_by("year")] == [2024, 2025]


@pytest.mark.django_db
def test_with_full_savings_and_no_mitigation_this_year_spends_the_ledger_forecast(
        small_finance, queued):
    services.trajectory_recompute()

    first = TrajectoryPoint.objects.get(year=2024)
    # Baseline: s = 100%, m = 0% → A(y0) = L = the P2 forecast outturn 1,590,000.
    assert first.mitigated_spend_pence == 1_590_000
    assert first.in_year_deficit_pence == 390_000  # − income 1,200,000
    assert first.variance_pence == 90_000  # − cap 300,000 → the 2024 instalment is at risk
    assert first.instalment_at_risk is True
    # C = 5,000,000 + 390,000 − 100,000 (all received) / − 0 (at-risk withheld).
    assert first.cumulative_deficit_pence == 5_290_000
    assert first.cumulative_deficit_at_risk_pence == 5_390_000


@pytest.mark.django_db
def test_an_unchanged_fingerprint_makes_no_new_run(small_finance, queued):
    services.trajectory_recompute()

    assert services.trajectory_recompute() == []
    assert TrajectoryRun.objects.count() == 1


@pytest.mark.django_db
def test_a_changed_input_replaces_the_current_run(small_finance, queued):
    services.trajectory_recompute()
    old = TrajectoryRun.objects.get()
    services.high_needs_income_set(year=FinancialYear(2024), allocation_pence=1_250_000)

    (new,) = services.trajectory_recompute()

    old.refresh_from_db()
    assert old.is_current is False
    assert new.is_current is True
    assert new.fingerprint != old.fingerprint
    assert TrajectoryRun.objects.filter(is_current=True).count() == 1
    assert selectors.trajectory_points(scenario_slug="baseline")["points"][0][
        "in_year_deficit_pence"] == 340_000


@pytest.mark.django_db
def test_a_run_that_fails_leaves_the_previous_result_in_place(small_finance, queued,
                                                             monkeypatch):
    services.trajectory_recompute()
    good = TrajectoryRun.objects.get()
    services.high_needs_income_set(year=FinancialYear(2024), allocation_pence=1_250_000)

    def explode(inputs):
        raise ArithmeticError("boom")

    monkeypatch.setattr("finance.trajectory.compute", explode)
    with pytest.raises(ArithmeticError):
        services.trajectory_recompute()

    failed = TrajectoryRun.objects.exclude(pk=good.pk).get()
    assert failed.status == TrajectoryRun.Status.FAILED
    assert "boom" in failed.error
    assert failed.points.count() == 0
    good.refresh_from_db()
    assert good.is_current is True
    assert selectors.trajectory_points(scenario_slug="baseline")["run_id"] == good.pk


@pytest.mark.django_db
def test_a_failure_while_writing_points_rolls_back_the_half_written_run(small_finance, queued,
                                                                       monkeypatch):
    services.trajectory_recompute()
    good = TrajectoryRun.objects.get()
    services.high_needs_income_set(year=FinancialYear(2024), allocation_pence=1_250_000)
    original = TrajectoryRun.save

    def fail_on_flip(self, *args, **kwargs):
        if self.is_current and self.pk != good.pk:
            raise RuntimeError("killed mid-write")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(TrajectoryRun, "save", fail_on_flip)
    with pytest.raises(RuntimeError):
        services.trajectory_recompute()

    assert TrajectoryPoint.objects.exclude(run=good).count() == 0  # the points rolled back
    assert TrajectoryRun.objects.get(is_current=True) == good


@pytest.mark.django_db(transaction=True)
def test_ten_edits_in_a_burst_queue_one_recompute(queued, small_finance):
    from finance.tasks import recompute_trajectory

    recompute_trajectory()  # meets the fixture's own request
    queued.clear()
    scenario = Scenario.objects.get()
    for n in range(10):  # ten separate, committed edits
        scenario = services.scenario_update(scenario=scenario, version=scenario.version,
                                            unit_cost_inflation_pct=Decimal(n))

    assert queued == [{"countdown": recompute.DEBOUNCE_SECONDS}]
    assert recompute.trajectory_recompute_state().pending_since is not None
    # The task meets the request (its run has the last edit's inputs), so the next edit
    # queues again.
    recompute_trajectory()
    run = TrajectoryRun.objects.get(is_current=True)
    assert Decimal(run.inputs["scenario"]["inflation"]) == Decimal("0.09")
    assert recompute.trajectory_recompute_state().pending_since is None
    services.scenario_update(scenario=scenario, version=scenario.version,
                             income_growth_pct=Decimal(1))
    assert len(queued) == 2


@pytest.mark.django_db
def test_many_writes_in_one_transaction_ask_for_one_recompute(small_finance, queued,
                                                             django_capture_on_commit_callbacks):
    requests_met()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        from django.db import transaction

        with transaction.atomic():
            for year in (2025, 2026, 2027):
                services.high_needs_income_set(year=FinancialYear(year), allocation_pence=1)

    assert len(callbacks) == 1


@pytest.mark.django_db
def test_when_redis_is_down_an_edit_still_saves_and_its_request_waits(
        small_finance, monkeypatch, django_capture_on_commit_callbacks, caplog):
    from kombu.exceptions import OperationalError

    from finance.tasks import recompute_trajectory

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(recompute_trajectory, "apply_async", broker_down)
    scenario = Scenario.objects.get()
    requests_met()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.scenario_update(scenario=scenario, version=scenario.version,
                                 savings_delivery_pct=Decimal(80))

    assert len(callbacks) == 1  # the enqueue was tried, failed, and was only logged
    assert "Connection refused" in caplog.text
    assert Scenario.objects.get().savings_delivery_pct == Decimal(80)
    # The request is durable: the minute sweep re-queues it once Redis is back.
    assert recompute.trajectory_recompute_state().pending_since is not None


@pytest.mark.django_db
def test_a_scenario_edit_over_a_newer_version_is_refused_and_nothing_changes(small_finance,
                                                                            queued):
    scenario = Scenario.objects.get()
    services.scenario_update(scenario=scenario, version=1, income_growth_pct=Decimal(9))

    with pytest.raises(ValidationError, match="Someone else saved"):
        services.scenario_update(scenario=scenario, version=1, income_growth_pct=Decimal(1))

    assert Scenario.objects.get().income_growth_pct == Decimal(9)


@pytest.mark.django_db
def test_a_stale_mitigation_edit_is_refused(small_finance, queued):
    from finance.models import Mitigation

    mitigation = Mitigation.objects.get(name="AP")
    read = mitigation.version
    services.mitigation_update(mitigation=mitigation, fields={"value_pence": 1},
                               read_version=read)

    with pytest.raises(ValidationError, match="Someone else saved") as caught:
        services.mitigation_update(mitigation=mitigation, fields={"value_pence": 2},
                                   read_version=read)
    assert "version" in caught.value.message_dict  # the hidden field: shown above the form
    saved = Mitigation.objects.get(name="AP")
    assert (saved.value_pence, saved.version) == (1, read + 1)


@pytest.mark.django_db
def test_an_unchanged_save_writes_nothing_and_keeps_the_version(small_finance, queued):
    from finance.models import Mitigation

    mitigation = Mitigation.objects.get(name="AP")
    before = (mitigation.version, mitigation.history.count())
    services.mitigation_update(mitigation=mitigation,
                               fields={"value_pence": mitigation.value_pence},
                               read_version=mitigation.version)
    mitigation.refresh_from_db()
    assert (mitigation.version, mitigation.history.count()) == before


@pytest.mark.django_db
def test_a_stale_agreement_target_edit_is_refused(small_finance, queued):
    from finance.models import AgreementTarget

    target = AgreementTarget.objects.filter(version=small_finance["version"]).first()
    read = target.edit_version
    services.agreement_target_set(version=target.version, year=FinancialYear(target.year),
                                  in_year_cap_pence=1, cumulative_target_pence=2,
                                  read_version=read)
    with pytest.raises(ValidationError, match="Someone else saved"):
        services.agreement_target_set(version=target.version, year=FinancialYear(target.year),
                                      in_year_cap_pence=3, cumulative_target_pence=4,
                                      read_version=read)
    target.refresh_from_db()
    assert (target.in_year_cap_pence, target.edit_version) == (1, read + 1)


@pytest.mark.django_db
def test_a_reprofile_copies_the_targets_and_keeps_the_original(small_finance, queued):
    original = small_finance["version"]
    reprofile = services.agreement_version_reprofile(version=original, name="Reprofile 1",
                                                     reason="slippage")
    services.agreement_target_set(version=reprofile, year=FinancialYear(2024),
                                  in_year_cap_pence=400_000,
                                  cumulative_target_pence=5_300_000)

    assert (reprofile.number, reprofile.status) == (1, AgreementVersion.Status.DRAFT)
    assert reprofile.targets.count() == 2
    assert original.targets.get(year=2024).in_year_cap_pence == 300_000
    assert selectors.cap_for(year=FinancialYear(2024)) == 300_000  # a draft is not in force
    comparison = selectors.version_comparison(selectors.versions_with_targets(
        small_finance["agreement"]))
    first_row = comparison["rows"][0]
    assert first_row["cells"][1]["cap_change_pence"] == 100_000

    services.agreement_version_agree(version=reprofile, agreed_on=dt.date(2024, 12, 1))

    original.refresh_from_db()
    assert original.status == AgreementVersion.Status.SUPERSEDED
    assert selectors.cap_for(year=FinancialYear(2024)) == 400_000
    with pytest.raises(ValidationError):
        services.agreement_target_set(version=original, year=FinancialYear(2024),
                                      in_year_cap_pence=1,
                                      cumulative_target_pence=1)


@pytest.mark.django_db
def test_a_run_left_running_by_a_killed_worker_is_marked_failed_on_the_next_recompute(
        small_finance, queued):
    from django.utils import timezone

    killed = TrajectoryRun.objects.create(
        scenario=small_finance["scenario"], fingerprint="x" * 64,
        started_at=timezone.now() - dt.timedelta(minutes=20))

    services.trajectory_recompute()

    killed.refresh_from_db()
    assert killed.status == TrajectoryRun.Status.FAILED
    assert "Interrupted" in killed.error
    assert killed.is_current is False
    assert TrajectoryRun.objects.get(is_current=True).status == TrajectoryRun.Status.FINISHED

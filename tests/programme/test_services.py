"""Writes: who may edit, stale versions, closed periods, risks becoming issues."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from programme import services
from programme.models import ProgressUpdate, RaidItem
from send_tracker.fiscal import FinancialYear
from send_tracker.permissions import LEAD
from tests.programme import builders as build

FY = FinancialYear(2024)
K = 100_000


def save(user, project, *, period=6, forecast=100 * K, delivered=10 * K, submit=True,
         read_version=None, reason="", confidence="green"):
    return services.progress_update_save(
        user=user, project=project, year=FY, period=period, forecast_pence=forecast,
        delivered_pence=delivered, confidence=confidence, commentary="c", submit=submit,
        read_version=read_version, reason=reason,
    )


@pytest.fixture
def lead_project(lead_user):
    return build.project(build.strand(lead=lead_user))


def test_a_lead_saves_an_update_for_their_own_strand(in_october_2024, lead_user, lead_project):
    update = save(lead_user, lead_project)
    assert (update.status, update.version, update.forecast_pence) == ("submitted", 1, 100 * K)
    assert update.submitted_at is not None
    assert update.author == lead_user


def test_a_lead_cannot_edit_another_strand(in_october_2024, make_user, lead_project):
    other_lead = make_user(LEAD)
    with pytest.raises(PermissionDenied):
        save(other_lead, lead_project)
    assert not ProgressUpdate.objects.exists()


def test_a_deputy_may_edit_the_strand(in_october_2024, make_user, lead_project):
    deputy = make_user(LEAD)
    lead_project.strand.deputies.add(deputy)
    assert save(deputy, lead_project).author == deputy


def test_saving_over_a_newer_version_is_refused_with_what_changed(
    in_october_2024, lead_user, make_user, lead_project
):
    deputy = make_user(LEAD, first_name="Dee", last_name="Puty")
    lead_project.strand.deputies.add(deputy)
    first = save(lead_user, lead_project, forecast=100 * K)
    # Both open the form at version 1; the deputy saves first.
    save(deputy, lead_project, forecast=90 * K, read_version=first.version)
    with pytest.raises(services.StaleVersionError) as caught:
        save(lead_user, lead_project, forecast=120 * K, read_version=first.version)
    message = caught.value.messages[0]
    assert "Dee Puty" in message
    assert "Forecast: £100,000 → £90,000" in message
    assert caught.value.current.version == 2
    row = ProgressUpdate.objects.get()
    assert (row.forecast_pence, row.version) == (90 * K, 2)  # the deputy's save stands


def test_saving_with_the_current_version_succeeds_and_bumps_it(in_october_2024, lead_user,
                                                               lead_project):
    first = save(lead_user, lead_project, submit=False)
    second = save(lead_user, lead_project, forecast=80 * K, read_version=first.version)
    assert (second.version, second.status) == (2, "submitted")
    assert ProgressUpdate.history.filter(id=second.pk).count() == 2  # both versions kept


def test_a_new_update_created_meanwhile_is_not_overwritten(in_october_2024, lead_user,
                                                           lead_project):
    save(lead_user, lead_project, forecast=70 * K)
    with pytest.raises(services.StaleVersionError):
        save(lead_user, lead_project, forecast=50 * K, read_version=None)
    assert ProgressUpdate.objects.get().forecast_pence == 70 * K


def test_a_first_update_inserted_by_someone_else_first_is_refused_as_stale(
    in_october_2024, lead_user, lead_project
):
    # The race the service's read cannot see: another save inserted the period's first update
    # between our read (no update yet) and our insert.
    from programme.services.delivery import _insert

    theirs = save(lead_user, lead_project, forecast=70 * K)
    ours = ProgressUpdate(project=lead_project, year=FY.start_year, period=6, version=1,
                          forecast_pence=50 * K, delivered_pence=0, confidence="green",
                          created_by=lead_user, updated_by=lead_user)
    with pytest.raises(services.StaleVersionError) as caught:
        _insert(ours)
    assert caught.value.current.pk == theirs.pk
    assert ProgressUpdate.objects.get().forecast_pence == 70 * K


def test_a_submitted_update_cannot_return_to_draft(in_october_2024, lead_user, lead_project):
    first = save(lead_user, lead_project)
    with pytest.raises(ValidationError, match="submitted too"):
        save(lead_user, lead_project, submit=False, read_version=first.version)


def test_delivered_cannot_exceed_the_forecast(in_october_2024, lead_user, lead_project):
    with pytest.raises(ValidationError) as caught:
        save(lead_user, lead_project, forecast=10 * K, delivered=11 * K)
    assert "delivered_pence" in caught.value.message_dict


def test_a_closed_period_is_refused_to_a_lead(in_october_2024, lead_user, lead_project):
    with pytest.raises(ValidationError, match="closed"):
        save(lead_user, lead_project, period=5)  # P5 was due by 13 September
    assert not ProgressUpdate.objects.exists()


def test_an_administrator_changes_a_closed_period_only_with_a_reason(
    in_october_2024, admin_user, lead_project
):
    with pytest.raises(ValidationError) as caught:
        save(admin_user, lead_project, period=5)
    assert "reason" in caught.value.message_dict
    update = save(admin_user, lead_project, period=5, reason="Late invoice correction")
    assert update.history.latest().history_change_reason == "Late invoice correction"


def test_the_previous_period_stays_open_until_its_deadline(in_october_2024, lead_user,
                                                           lead_project):
    assert save(lead_user, lead_project, period=6).period == 6  # 7 Oct: P6 due by 14 Oct


def test_a_risk_becomes_an_issue_keeping_its_history(lead_user):
    strand = build.strand(lead=lead_user)
    risk = RaidItem.objects.create(strand=strand, kind="risk", title="Places late",
                                   likelihood=3, impact=4)
    issue = services.raid_item_convert_to_issue(user=lead_user, item=risk)
    assert (issue.pk, issue.kind, issue.score) == (risk.pk, "issue", 20)
    kinds = list(issue.history.order_by("history_id").values_list("kind", flat=True))
    assert kinds == ["risk", "issue"]
    with pytest.raises(ValidationError):
        services.raid_item_convert_to_issue(user=lead_user, item=issue)


def test_a_negative_forecast_is_a_validation_error(in_october_2024, lead_user, lead_project):
    with pytest.raises(ValidationError):
        save(lead_user, lead_project, forecast=-1, delivered=-2)
    assert not ProgressUpdate.objects.exists()

"""Building, freezing, versions and sign-off of the monthly board summary."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from finance.board import services
from finance.board.display import headline_rows
from finance.board.models import BoardSummary
from send_tracker.fiscal import FinancialYear
from tests.finance.board.conftest import YEAR

pytestmark = pytest.mark.django_db


def test_a_build_copies_the_programme_summary_into_the_snapshot(build_summary):
    from programme.selectors import programme_summary

    summary = build_summary().summary
    expected = programme_summary(year=FinancialYear(YEAR), period=6)
    assert summary.content["strands"] == expected["strands"]
    assert summary.content["savings"]["target_pence"] == 1_540_000_000
    assert summary.content["savings"]["forecast_pence"] == 1_100_000_000
    assert summary.content["headline"]["savings_shortfall_pence"] == 440_000_000
    assert summary.content["savings"]["unallocated_pence"] == 40_000_000
    assert (summary.year, summary.period, summary.version, summary.status) == (
        YEAR, 6, 1, BoardSummary.Status.DRAFT)


def test_building_twice_with_the_same_data_gives_the_same_content_and_no_new_version(build_summary):
    first = build_summary()
    second = build_summary()
    assert first.outcome == "created"
    assert second.outcome == "unchanged"
    assert second.summary.pk == first.summary.pk
    assert second.summary.content == first.summary.content
    assert BoardSummary.objects.count() == 1
    # Nothing was written: no second history row and the same build time.
    assert first.summary.history.count() == 1
    assert second.summary.built_at == first.summary.built_at


def test_rebuilding_a_draft_after_an_update_refreshes_that_draft_in_place(
    build_summary, small_programme
):
    first = build_summary().summary
    update = small_programme[("pfa", 6)]
    update.forecast_pence += 50_000_000
    update.save()
    result = build_summary()
    assert result.outcome == "updated"
    assert result.summary.pk == first.pk
    assert result.summary.version == 1
    assert result.summary.content["savings"]["forecast_pence"] == 1_150_000_000
    assert result.summary.content_hash != first.content_hash


def test_an_update_edited_after_sign_off_leaves_the_summary_unchanged_and_a_new_draft_shows_it(
    sign_off_summary, build_summary, small_programme, director_user
):
    frozen = sign_off_summary(6)
    before = (frozen.content, frozen.content_hash)
    update = small_programme[("sufficiency", 6)]
    update.forecast_pence = 9 * 100_000_000
    update.save()

    again = build_summary()
    assert again.outcome == "signed_off"
    frozen.refresh_from_db()
    assert (frozen.content, frozen.content_hash) == before
    assert frozen.content["savings"]["forecast_pence"] == 1_100_000_000

    new = build_summary(new_version=True, user=director_user).summary
    assert new.version == 2
    assert new.is_draft
    assert new.content["savings"]["forecast_pence"] == 1_300_000_000
    assert list(BoardSummary.objects.filter(year=YEAR, period=6).values_list(
        "version", "status").order_by("version")) == [(1, "signed_off"), (2, "draft")]


def test_only_a_director_may_ask_for_a_new_draft_of_a_signed_off_month(
    sign_off_summary, build_summary, finance_user
):
    sign_off_summary(6)
    with pytest.raises(PermissionDenied):
        build_summary(new_version=True, user=finance_user)
    assert BoardSummary.objects.count() == 1


@pytest.mark.parametrize("role_fixture", ["finance_user", "admin_user", "lead_user"])
def test_only_a_director_may_sign_off(build_summary, request, role_fixture):
    summary = build_summary().summary
    with pytest.raises(PermissionDenied):
        services.board_summary_sign_off(summary_id=summary.pk,
                                        user=request.getfixturevalue(role_fixture))
    summary.refresh_from_db()
    assert summary.is_draft


def test_sign_off_records_the_director_and_the_time(build_summary, make_user):
    from send_tracker.permissions import DIRECTOR

    director = make_user(DIRECTOR, first_name="Dana", last_name="Director")
    summary = build_summary().summary
    signed = services.board_summary_sign_off(summary_id=summary.pk, user=director,
                                             distribute=False)
    assert signed.status == "signed_off"
    assert signed.signed_off_by == director
    assert signed.signed_off_by_name == "Dana Director"
    assert abs(signed.signed_off_at - timezone.now()) < dt.timedelta(seconds=5)


def test_a_signed_off_summary_cannot_be_signed_off_again_or_have_its_text_edited(
    sign_off_summary, director_user, finance_user
):
    summary = sign_off_summary(6)
    with pytest.raises(ValidationError, match="signed off"):
        services.board_summary_sign_off(summary_id=summary.pk, user=director_user)
    with pytest.raises(ValidationError, match="signed off"):
        services.board_summary_update_text(summary_id=summary.pk, user=finance_user,
                                           commentary="Late change", decisions_needed="")
    summary.refresh_from_db()
    assert summary.commentary == ""


def test_the_database_refuses_to_change_or_delete_a_signed_off_summary(sign_off_summary):
    summary = sign_off_summary(6)
    with pytest.raises(IntegrityError, match="signed off"), transaction.atomic():
        BoardSummary.objects.filter(pk=summary.pk).update(commentary="Sneaked in")
    with pytest.raises(IntegrityError, match="signed off"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE board_boardsummary SET content = '{}' WHERE id = %s",
                           [summary.pk])
    with pytest.raises(IntegrityError, match="signed off"), transaction.atomic():
        BoardSummary.objects.filter(pk=summary.pk).delete()
    summary.refresh_from_db()
    assert summary.commentary == ""
    assert summary.content["savings"]["target_pence"]


def test_the_database_allows_only_one_draft_per_month(build_summary):
    assert build_summary().summary.is_draft
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardSummary.objects.create(year=YEAR, period=6, version=2, content={},
                                    content_hash="x", built_at=timezone.now())


def test_the_programme_office_edits_commentary_and_decisions_on_a_draft(
    build_summary, finance_user
):
    summary = build_summary().summary
    saved = services.board_summary_update_text(
        summary_id=summary.pk, user=finance_user, commentary=" Savings slipping. ",
        decisions_needed="Agree the reprofile.", read_version=summary.edit_version,
    )
    assert (saved.commentary, saved.decisions_needed) == ("Savings slipping.",
                                                          "Agree the reprofile.")
    assert saved.content_hash == summary.content_hash


def test_commentary_saved_over_a_newer_edit_is_refused(build_summary, finance_user):
    summary = build_summary().summary
    opened = summary.edit_version
    services.board_summary_update_text(summary_id=summary.pk, user=finance_user,
                                       commentary="First", decisions_needed="")
    with pytest.raises(ValidationError, match="changed this summary"):
        services.board_summary_update_text(summary_id=summary.pk, user=finance_user,
                                           commentary="Second", decisions_needed="",
                                           read_version=opened)
    summary.refresh_from_db()
    assert summary.commentary == "First"


def test_a_director_cannot_edit_the_commentary(build_summary, director_user):
    summary = build_summary().summary
    with pytest.raises(PermissionDenied):
        services.board_summary_update_text(summary_id=summary.pk, user=director_user,
                                           commentary="x", decisions_needed="")


def test_a_month_records_its_change_since_the_last_signed_off_month(
    sign_off_summary, build_summary
):
    sign_off_summary(5)
    summary = build_summary(6).summary
    assert summary.content["compared_with"]["period"] == 5
    rows = {row.key: row for row in headline_rows(summary.content)}
    assert rows["savings_forecast_pence"].change == -100_000_000
    assert rows["savings_forecast_pence"].change_words == "▼ down £1.0m"
    assert rows["savings_delivered_pence"].change_words == "▼ down £250,000"
    assert rows["savings_target_pence"].change_words == "▶ no change"


def test_build_if_due_waits_for_the_build_day_then_builds_the_reporting_month_once(
    small_programme, reporting_calendar, settings
):
    settings.BOARD_SUMMARY_BUILD_WORKING_DAY = 8
    reporting_calendar(2024, 6)  # P6 closed: the reporting month
    # September ends on Monday 30 September 2024; eight working days later is 10 October.
    assert services.board_summary_build_if_due(today=dt.date(2024, 10, 9)) is None
    built = services.board_summary_build_if_due(today=dt.date(2024, 10, 10))
    assert (built.summary.year, built.summary.period) == (YEAR, 6)
    assert services.board_summary_build_if_due(today=dt.date(2024, 10, 11)) is None
    assert BoardSummary.objects.count() == 1


def test_the_beat_task_is_registered_under_the_name_the_schedule_uses(settings):
    from send_tracker.celery import app

    name = settings.CELERY_BEAT_SCHEDULE["board-summary-build"]["task"]
    app.loader.import_default_modules()
    assert name in app.tasks


def test_each_months_summary_shows_the_kpi_readings_up_to_that_months_end(build_summary, client_for,
                                                                          director_user):
    from decimal import Decimal

    from programme.models import Kpi, KpiReading

    kpi = Kpi.objects.create(name="EHCPs issued in 20 weeks", slug="timeliness",
                             baseline_value=8, baseline_date=dt.date(2023, 3, 31),
                             target_value=60, target_date=dt.date(2026, 3, 31))
    KpiReading.objects.create(kpi=kpi, date=dt.date(2024, 8, 31), value=Decimal("21.4"))
    KpiReading.objects.create(kpi=kpi, date=dt.date(2024, 9, 30), value=Decimal("27.0"))

    august, september = build_summary(5).summary, build_summary(6).summary

    assert [Decimal(k["latest_value"]) for k in august.content["kpis"]] == [Decimal("21.4")]
    assert [Decimal(k["latest_value"]) for k in september.content["kpis"]] == [Decimal("27")]
    assert Decimal(september.content["kpis"][0]["previous_value"]) == Decimal("21.4")
    # The page says what the risks and the readings are as at.
    html = client_for(director_user).get("/board/2024-25/5/").content.decode()
    assert "readings up to the end of the period" in html
    assert f"as recorded when this summary was built ({august.built_at:%-d %B %Y})" in html


def test_the_sign_off_is_recorded_in_the_history_as_the_director_not_the_system(
    build_summary, make_user, admin_user, client_for
):
    from send_tracker.permissions import DIRECTOR

    director = make_user(DIRECTOR, username="dana", first_name="Dana", last_name="Director")
    summary = build_summary().summary
    # No request here, as in the demo's seeding, the shell or a token-authenticated API call
    # (simple_history's middleware sees no signed-in user): the service names the user itself.
    services.board_summary_sign_off(summary_id=summary.pk, user=director, distribute=False)
    latest = summary.history.latest()
    assert latest.status == "signed_off"
    assert latest.history_user == director
    entries = client_for(admin_user).get("/audit/").context["entries"]
    sign_off = next(e for e in entries if e["item"] == "Board summary" and e["action"] == "Changed")
    assert sign_off["user"] == "Dana Director (dana)"
    assert sign_off["name"] == "P6 2024/25, version 1 (signed off)"
    assert sign_off["url"] == "/board/2024-25/6/"

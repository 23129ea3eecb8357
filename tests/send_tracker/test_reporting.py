"""The reporting calendar: the open period and the reporting month, closing, dates, its pages."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from send_tracker import reporting, services
from send_tracker.fiscal import FinancialYear
from send_tracker.models import ReportingPeriod
from send_tracker.permissions import ADMIN, DIRECTOR, FINANCE, LEAD, PROGRAMME_MANAGER

FY = FinancialYear(2024)


def row(period: int, *, year: int = 2024) -> ReportingPeriod:
    return ReportingPeriod.objects.get(year=year, period=period)


def test_an_empty_calendar_follows_the_wall_clock_and_writes_nothing(db):
    with time_machine.travel(dt.date(2024, 10, 14), tick=False):  # P6's deadline day
        assert reporting.open_period() == (FY, 6)
        assert reporting.reporting_month() == (FY, 5)
    with time_machine.travel(dt.date(2024, 10, 15), tick=False):
        assert reporting.open_period() == (FY, 7)
        assert reporting.reporting_month() == (FY, 6)
    assert reporting.open_period(today=dt.date(2025, 4, 20)) == (FinancialYear(2025), 1)
    assert not ReportingPeriod.objects.exists()


def test_a_stored_calendar_answers_whatever_the_date(reporting_calendar):
    reporting_calendar(2024, 6)
    for day in (dt.date(2025, 1, 15), dt.date(2027, 6, 1)):
        with time_machine.travel(day, tick=False):
            assert reporting.open_period() == (FY, 7)
            assert reporting.reporting_month() == (FY, 6)
            assert reporting.reporting_month_end() == dt.date(2024, 9, 30)
            assert reporting.is_closed(FY, 6)
            assert not reporting.is_closed(FY, 7)


def test_two_open_periods_cannot_be_stored(reporting_calendar):
    reporting_calendar(2024, 6)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportingPeriod.objects.filter(year=2024, period=6).update(state="open")


@pytest.mark.parametrize("role", [PROGRAMME_MANAGER, FINANCE, ADMIN])
def test_closing_moves_the_open_period_and_the_reporting_month_on(reporting_calendar,
                                                                  make_user, role):
    reporting_calendar(2024, 6)
    user = make_user(role)
    closed = services.reporting_period_close(user=user, year=FY, period=7)
    assert (closed.state, closed.closed_by) == ("closed", user)
    assert closed.closed_at is not None
    assert reporting.open_period() == (FY, 8)
    assert reporting.reporting_month() == (FY, 7)
    assert row(8).lead_deadline == dt.date(2024, 12, 13)  # ten working days after 30 November
    assert closed.history.latest().history_change_reason == "Closed"


def test_closing_across_the_year_end_opens_p1_of_the_next_year(reporting_calendar, make_user):
    reporting_calendar(2024, 11)
    services.reporting_period_close(user=make_user(FINANCE), year=FY, period=12)
    assert reporting.open_period() == (FinancialYear(2025), 1)


@pytest.mark.parametrize("role", [LEAD, DIRECTOR])
def test_leads_and_directors_cannot_close_a_period(reporting_calendar, make_user, role):
    reporting_calendar(2024, 6)
    with pytest.raises(PermissionDenied):
        services.reporting_period_close(user=make_user(role), year=FY, period=7)
    assert reporting.open_period() == (FY, 7)


def test_a_period_cannot_be_closed_twice(reporting_calendar, make_user):
    reporting_calendar(2024, 6)
    manager = make_user(PROGRAMME_MANAGER)
    services.reporting_period_close(user=manager, year=FY, period=7)
    with pytest.raises(ValidationError, match="P7 2024/25 .* is already closed"):
        services.reporting_period_close(user=manager, year=FY, period=7)
    with pytest.raises(ValidationError, match="not the open period"):
        services.reporting_period_close(user=manager, year=FY, period=10)
    assert reporting.open_period() == (FY, 8)


def test_a_month_cannot_be_closed_before_it_ends(reporting_calendar, make_user):
    reporting_calendar(2024, 6)
    with time_machine.travel(dt.date(2024, 10, 31), tick=False), pytest.raises(
        ValidationError, match="before the month ends"
    ):
        services.reporting_period_close(user=make_user(FINANCE), year=FY, period=7)
    assert reporting.open_period() == (FY, 7)


def test_closing_an_empty_calendar_stores_the_period_the_wall_clock_gave(db, make_user):
    with time_machine.travel(dt.date(2024, 11, 5), tick=False):  # before P7's deadline
        assert reporting.open_period() == (FY, 7)
        services.reporting_period_close(user=make_user(FINANCE), year=FY, period=7)
    assert list(ReportingPeriod.objects.values_list("period", "state")) == [
        (7, "closed"), (8, "open")]
    assert reporting.open_period() == (FY, 8)


@pytest.mark.django_db(transaction=True)
def test_two_closes_at_once_close_one_month(reporting_calendar, make_user):
    reporting_calendar(2024, 6)
    users = [make_user(PROGRAMME_MANAGER), make_user(FINANCE)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def close(user) -> None:
        try:
            barrier.wait()
            services.reporting_period_close(user=user, year=FY, period=7)
            outcomes.append("closed")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=close, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes)[0] == "P7 2024/25 (October 2024) is already closed."
    assert sorted(outcomes)[1] == "closed"
    assert reporting.open_period() == (FY, 8)
    assert ReportingPeriod.objects.filter(state="open").count() == 1


def test_a_periods_dates_can_be_moved_for_a_bank_holiday(reporting_calendar, make_user):
    from programme.periods import reminder_date, update_deadline

    reporting_calendar(2024, 6)
    services.reporting_period_dates_set(
        user=make_user(PROGRAMME_MANAGER), year=FY, period=8,
        lead_deadline=dt.date(2024, 12, 16), finance_close=dt.date(2024, 12, 9),
        board_date=dt.date(2024, 12, 20),
    )
    assert update_deadline(FY, 8) == dt.date(2024, 12, 16)
    assert reminder_date(FY, 8) == dt.date(2024, 12, 9)
    assert row(8).state == "upcoming"
    assert reporting.open_period() == (FY, 7)


def test_bad_dates_are_refused_beside_their_field_and_nothing_changes(reporting_calendar,
                                                                      make_user):
    reporting_calendar(2024, 6)
    with pytest.raises(ValidationError) as caught:
        services.reporting_period_dates_set(
            user=make_user(FINANCE), year=FY, period=7, lead_deadline=dt.date(2024, 10, 31),
            finance_close=dt.date(2024, 11, 12), board_date=dt.date(2024, 11, 11),
        )
    assert "after the month ends (31 October 2024)" in caught.value.message_dict["lead_deadline"][0]
    assert "before the finance close" in caught.value.message_dict["board_date"][0]
    assert row(7).lead_deadline == dt.date(2024, 11, 14)


def test_a_closed_periods_dates_cannot_change(reporting_calendar, make_user):
    reporting_calendar(2024, 6)
    with pytest.raises(ValidationError, match="is closed"):
        services.reporting_period_dates_set(
            user=make_user(ADMIN), year=FY, period=6, lead_deadline=dt.date(2024, 10, 15),
            finance_close=dt.date(2024, 10, 8), board_date=dt.date(2024, 10, 21),
        )


def test_a_director_cannot_change_the_dates(reporting_calendar, make_user):
    reporting_calendar(2024, 6)
    with pytest.raises(PermissionDenied):
        services.reporting_period_dates_set(
            user=make_user(DIRECTOR), year=FY, period=7, lead_deadline=dt.date(2024, 11, 15),
            finance_close=dt.date(2024, 11, 8), board_date=dt.date(2024, 11, 21),
        )


# Pages


def test_every_page_names_the_reporting_month_in_its_header(reporting_calendar,
                                                             director_client):
    reporting_calendar(2024, 6)
    html = director_client.get("/programme/raid/").content.decode()
    assert "Reporting month: " in html
    assert "P6 2024/25 (September 2024)" in html


def test_the_calendar_lists_the_periods_and_marks_the_open_one(reporting_calendar,
                                                               director_client):
    reporting_calendar(2024, 6)
    response = director_client.get("/calendar/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-period="P7 2024/25"' in html
    assert ">Open<" in html
    assert "Close P7 2024/25" not in html  # a director reads the calendar but cannot close it
    labels = [(r["label"], r["state"]) for r in response.context["rows"]]
    assert ("P7 2024/25 (October 2024)", "open") in labels
    assert ("P6 2024/25 (September 2024)", "closed") in labels
    assert ("P8 2024/25 (November 2024)", "upcoming") in labels


def test_a_manager_closes_the_month_after_confirming(reporting_calendar, client_for, make_user):
    reporting_calendar(2024, 6)
    manager = client_for(make_user(PROGRAMME_MANAGER))
    assert "Close P7 2024/25" in manager.get("/calendar/").content.decode()
    confirm = manager.get("/calendar/close/")
    assert "Are you sure you want to close P7 2024/25 (October 2024)?" in confirm.content.decode()
    assert reporting.open_period() == (FY, 7)  # the confirmation page changes nothing
    response = manager.post("/calendar/close/", {"year": "2024-25", "period": "7"}, follow=True)
    assert "P7 2024/25 is closed" in response.content.decode()
    assert "Reporting month: " in response.content.decode()
    assert "P7 2024/25 (October 2024)" in response.content.decode()
    assert reporting.open_period() == (FY, 8)
    # A stale confirmation (the same form sent again) closes nothing more.
    again = manager.post("/calendar/close/", {"year": "2024-25", "period": "7"}, follow=True)
    assert "is already closed" in again.content.decode()
    assert reporting.open_period() == (FY, 8)


def test_a_bad_close_request_is_a_message_not_a_500(reporting_calendar, client_for, make_user):
    reporting_calendar(2024, 6)
    manager = client_for(make_user(FINANCE))
    hostile = ({}, {"year": "20x", "period": "7"}, {"year": "2024-25", "period": "13"},
               {"year": '"><script>alert(1)</script>', "period": "7"},
               {"year": "2024-25", "period": "99999999999999999999"},
               {"year": "2024-25", "period": "²"}, {"year": "2024-25\x00", "period": "7"})
    for data in hostile:
        response = manager.post("/calendar/close/", data, follow=True)
        assert response.status_code == 200
        assert "<script>alert(1)" not in response.content.decode()
    assert reporting.open_period() == (FY, 7)


def test_the_dates_form_shows_errors_beside_the_fields(reporting_calendar, client_for,
                                                        make_user):
    reporting_calendar(2024, 6)
    manager = client_for(make_user(PROGRAMME_MANAGER))
    url = "/calendar/2024-25/p7/"
    form = manager.get(url)
    assert form.status_code == 200
    assert 'value="14/11/2024"' in form.content.decode()
    bad = manager.post(url, {"lead_deadline": "31/10/2024", "finance_close": "32/11/2024",
                             "board_date": "21/11/2024"})
    html = bad.content.decode()
    assert bad.status_code == 400
    assert "govuk-error-summary" in html
    assert "Finance close must be a real date" in html
    good = manager.post(url, {"lead_deadline": "15/11/2024", "finance_close": "08/11/2024",
                              "board_date": "21/11/2024"})
    assert good.status_code == 302
    assert row(7).lead_deadline == dt.date(2024, 11, 15)
    assert manager.get("/calendar/2024-25/p13/").status_code == 404
    assert manager.get("/calendar/20x/p7/").status_code == 404
    assert manager.get("/calendar/2024-25/p99999999999999999999/").status_code == 404
    for value in ('"><script>', "99/99/9999", "1e9", " ", "²"):
        response = manager.post(url, {"lead_deadline": value, "finance_close": "08/11/2024",
                                      "board_date": "21/11/2024"})
        assert response.status_code == 400
    assert row(7).lead_deadline == dt.date(2024, 11, 15)


def test_the_header_costs_one_query_shared_with_the_page(reporting_calendar, director_client,
                                                         django_assert_max_num_queries):
    reporting_calendar(2024, 6)
    director_client.get("/calendar/")
    with django_assert_max_num_queries(8) as captured:
        director_client.get("/calendar/")
    calendar_reads = [q for q in captured.captured_queries
                      if "send_tracker_reportingperiod" in q["sql"]]
    assert len(calendar_reads) == 2  # the state (page and header share it) and the list

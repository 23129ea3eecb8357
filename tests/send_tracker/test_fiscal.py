"""The fiscal calendar, worked by hand."""

import datetime as dt

import pytest
import time_machine

from send_tracker.fiscal import (
    FinancialYear,
    add_working_days,
    current_period,
    parse_period,
    period_end,
    period_label,
    period_of,
    period_start,
    previous_period,
)


@pytest.mark.parametrize("text", ["2024/25", "2024-25", "2024-2025", " 2024 / 25 "])
def test_it_reads_the_ways_officers_write_a_year(text):
    assert FinancialYear.parse(text) == FinancialYear(2024)


@pytest.mark.parametrize("text", ["2024/26", "2024", "24/25", "2024-2026", "abcd/ef", ""])
def test_it_rejects_malformed_years_with_a_message(text):
    with pytest.raises(ValueError, match="financial year|outside"):
        FinancialYear.parse(text)


def test_the_century_boundary_label():
    assert FinancialYear(2099).label == "2099/00"
    assert FinancialYear.parse("2099/00") == FinancialYear(2099)


def test_31_march_and_1_april_fall_in_different_years():
    assert FinancialYear.containing(dt.date(2025, 3, 31)) == FinancialYear(2024)
    assert FinancialYear.containing(dt.date(2025, 4, 1)) == FinancialYear(2025)
    assert period_of(dt.date(2025, 3, 31)) == 12
    assert period_of(dt.date(2025, 4, 1)) == 1


def test_month_6_is_september():
    year = FinancialYear(2024)
    assert period_start(year, 6) == dt.date(2024, 9, 1)
    assert period_end(year, 6) == dt.date(2024, 9, 30)
    assert period_label(6) == "P6 (September)"


def test_p11_of_a_leap_year_ends_on_the_29th():
    assert period_end(FinancialYear(2023), 11) == dt.date(2024, 2, 29)
    assert period_start(FinancialYear(2023), 10) == dt.date(2024, 1, 1)


def test_labels_and_slugs():
    assert FinancialYear(2024).label == "2024/25"
    assert FinancialYear(2024).slug == "2024-25"
    assert FinancialYear(2024).start == dt.date(2024, 4, 1)
    assert FinancialYear(2024).end == dt.date(2025, 3, 31)


@pytest.mark.parametrize(("text", "period"), [("6", 6), ("P6", 6), ("p06", 6), (12, 12), ("1", 1)])
def test_it_reads_periods(text, period):
    assert parse_period(text) == period


@pytest.mark.parametrize("text", ["0", "13", "P", "six", "-1"])
def test_it_rejects_periods_outside_1_to_12(text):
    with pytest.raises(ValueError, match="not a period"):
        parse_period(text)


def test_previous_period_crosses_the_year():
    assert previous_period(FinancialYear(2024), 1) == (FinancialYear(2023), 12)
    assert previous_period(FinancialYear(2024), 6) == (FinancialYear(2024), 5)


def test_current_period_on_a_known_day():
    assert current_period(dt.date(2024, 10, 15)) == (FinancialYear(2024), 7)


def test_working_days_skip_weekends():
    friday = dt.date(2024, 10, 4)
    assert add_working_days(friday, 1) == dt.date(2024, 10, 7)
    assert add_working_days(friday, 5) == dt.date(2024, 10, 11)
    assert add_working_days(dt.date(2024, 10, 7), -1) == friday


def test_the_period_turns_at_midnight_in_london_not_utc():
    # 23:30 UTC on 31 March 2025 is 00:30 BST on 1 April: a new year and P1 in the council.
    with time_machine.travel(dt.datetime(2025, 3, 31, 23, 30, tzinfo=dt.UTC), tick=False):
        assert current_period() == (FinancialYear(2025), 1)
    with time_machine.travel(dt.datetime(2025, 3, 31, 22, 30, tzinfo=dt.UTC), tick=False):
        assert current_period() == (FinancialYear(2024), 12)


@pytest.mark.parametrize(("text", "year"), [("2099-2100", 2099), ("2000/01", 2000)])
def test_the_first_and_last_years_accepted(text, year):
    assert FinancialYear.parse(text) == FinancialYear(year)


def test_a_year_before_2000_is_refused_with_the_range():
    with pytest.raises(ValueError, match="outside the years the tracker accepts"):
        FinancialYear.parse("1999/00")


def test_years_add_and_subtract():
    assert FinancialYear(2024) + 1 == FinancialYear(2025)
    assert FinancialYear(2024) - 1 == FinancialYear(2023)
    assert FinancialYear(2031) - FinancialYear(2024) == 7


def test_every_period_has_its_month_and_the_year_covers_every_day_once():
    year = FinancialYear(2024)
    days = 0
    for period in range(1, 13):
        start, end = period_start(year, period), period_end(year, period)
        assert period_of(start) == period == period_of(end)
        assert FinancialYear.containing(start) == year
        days += (end - start).days + 1
    assert period_start(year, 1) == year.start
    assert period_end(year, 12) == year.end
    assert days == 365


def test_working_days_from_a_weekend_start_on_monday():
    saturday = dt.date(2024, 10, 5)
    assert add_working_days(saturday, 1) == dt.date(2024, 10, 7)
    assert add_working_days(saturday, 0) == saturday

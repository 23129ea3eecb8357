"""The fiscal calendar, worked by hand."""

import datetime as dt

import pytest

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

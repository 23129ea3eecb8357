"""The one reader of a page's year and period from its query string (send_tracker.yearperiod)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from send_tracker.fiscal import FinancialYear
from send_tracker.yearperiod import year_period_from

DEFAULT = (FinancialYear(2024), 6)


def _chosen(query: str, **kwargs):
    return year_period_from(RequestFactory().get(f"/?{query}"), default=DEFAULT, **kwargs)


def test_a_year_and_period_in_the_query_are_read():
    chosen = _chosen("year=2023-24&period=p11")
    assert (chosen.year, chosen.period, chosen.errors) == (FinancialYear(2023), 11, [])
    assert chosen.period_asked
    assert chosen.query == "year=2023-24&period=11"


def test_nothing_asked_is_the_default_without_a_problem():
    chosen = _chosen("")
    assert (chosen.year, chosen.period, chosen.errors, chosen.period_asked) == (
        FinancialYear(2024), 6, [], False)


@pytest.mark.parametrize(("query", "field"), [
    ("year=banana&period=6", "year"), ("year=2024-26", "year"), ("period=13", "period"),
    ("period=0", "period"), ("period=%EF%BC%96", "period"),  # a full-width ６
])
def test_a_bad_value_is_reported_and_the_default_shown(query, field):
    chosen = _chosen(query)
    assert [e["field"] for e in chosen.errors] == [field]
    assert (chosen.year, chosen.period) == DEFAULT


def test_a_year_page_does_not_read_the_period_and_names_only_the_year():
    chosen = _chosen("year=2023-24&period=nonsense", year_only=True)
    assert (chosen.year, chosen.errors, chosen.label) == (FinancialYear(2023), [], "2023/24")


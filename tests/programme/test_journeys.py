"""Journeys through real pages on the demo data: a lead updates, a director reads."""

import pytest
from django.test import Client

from programme import demo
from send_tracker.demo import DEMO_PASSWORD, seed_calendar, seed_core_users

SUMMARY = "/api/v1/programme/summary/?year=2024-25&period=6"


@pytest.fixture
def seeded(db):
    seed_core_users()
    seed_calendar()  # the demo's calendar: P6 2024/25 the reporting month, P7 open
    demo.seed(log=lambda message: None)


def _sign_in(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


def test_a_lead_submits_the_open_periods_figures_and_the_overview_and_charts_change(
    in_october_2024, seeded
):
    lead = _sign_in("lead-sufficiency")
    before = lead.get(SUMMARY).json()
    assert before["forecast_pence"] == 1_100_000_000
    page = lead.get("/programme/update/")
    assert page.status_code == 200
    assert page.context["chosen"].label == "P7 (October) 2024/25"  # the demo calendar's open one
    forms = page.context["formset"].forms
    assert len(forms) == 5  # Sufficiency's five projects
    data = {"updates-TOTAL_FORMS": str(len(forms)), "updates-INITIAL_FORMS": str(len(forms)),
            "updates-MIN_NUM_FORMS": "0", "updates-MAX_NUM_FORMS": "1000", "action": "submit"}
    for i, form in enumerate(forms):
        data.update({f"updates-{i}-{name}": value for name, value in form.initial.items()
                     if value is not None})
    data["updates-0-forecast"] = str(int(float(forms[0].initial["forecast"])) + 100_000)
    checked = lead.post("/programme/update/", data)
    assert checked.status_code == 302  # to check your answers: nothing written yet
    from programme.models import ProgressUpdate

    assert not ProgressUpdate.objects.filter(year=2024, period=7).exists()
    assert lead.post(checked["Location"]).status_code == 302  # confirmed
    assert lead.get(SUMMARY).json() == before  # P6, the reporting month, is closed: unchanged
    after = lead.get(SUMMARY.replace("period=6", "period=7")).json()
    assert after["forecast_pence"] == 1_110_000_000  # £11.0m + £100,000
    overview = lead.get("/programme/?year=2024-25&period=7")
    assert overview.context["summary"] == after
    chart = overview.context["charts"][0]
    sufficiency = next(row for row in chart.rows if row[0] == "Sufficiency")
    assert sufficiency[2] == 3_000_000  # £2.9m + £100,000, in pounds


def test_a_director_sees_the_overview_but_cannot_edit(seeded):
    director = _sign_in("director")
    page = director.get("/programme/")
    assert page.status_code == 200
    assert page.context["summary"] == director.get(SUMMARY).json()
    assert "£15.4m" in page.content.decode()
    assert director.get("/programme/update/").status_code == 403
    assert director.post("/api/v1/progress-updates/", {}).status_code == 403


@pytest.mark.parametrize("today", ["2025-01-15", "2027-06-01"])
def test_the_demo_lead_form_is_for_p7_pre_filled_from_p6_on_any_day(seeded, today):
    import datetime as dt

    import time_machine

    from programme.models import ProgressUpdate

    with time_machine.travel(dt.date.fromisoformat(today), tick=False):
        lead = _sign_in("lead-sufficiency")
        page = lead.get("/programme/update/")
        assert page.context["chosen"].label == "P7 (October) 2024/25"
        assert "Reporting month: " in page.content.decode()
        assert "P6 2024/25 (September 2024)" in page.content.decode()
        forms = page.context["formset"].forms
        p6 = {u.project_id: u for u in ProgressUpdate.objects.filter(year=2024, period=6)}
        for form in forms:
            last = p6[form.initial["project"]]
            assert form.initial["version"] is None  # a new update for P7
            assert form.initial["forecast"] == f"{last.forecast_pence / 100:.2f}"
            assert form.initial["delivered"] == f"{last.delivered_pence / 100:.2f}"
            assert (form.initial["confidence"], form.initial["commentary"]) == (
                last.confidence, last.commentary)
        # Nothing to change: the lead submits the form as it came, typing nothing.
        data = {"updates-TOTAL_FORMS": str(len(forms)), "updates-INITIAL_FORMS": str(len(forms)),
                "updates-MIN_NUM_FORMS": "0", "updates-MAX_NUM_FORMS": "1000",
                "action": "submit"}
        for i, form in enumerate(forms):
            data.update({f"updates-{i}-{name}": value for name, value in form.initial.items()
                         if value is not None})
        checked = lead.post("/programme/update/", data)
        assert checked.status_code == 302
        assert lead.post(checked["Location"]).status_code == 302  # check answers: submit
    p7 = ProgressUpdate.objects.filter(year=2024, period=7, status="submitted")
    assert p7.count() == len(forms) == 5
    assert sorted(p7.values_list("forecast_pence", flat=True)) == sorted(
        p6[u.project_id].forecast_pence for u in p7)

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
    assert lead.post("/programme/update/", data).status_code == 302
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

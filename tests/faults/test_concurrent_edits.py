"""Two leads save the same project's update at the same moment, through the running server: one
save wins, the other is refused with the conflict message and its figures kept on the form."""

from __future__ import annotations

import threading

import pytest

from send_tracker.money import format_pounds
from tests.live.stack import LiveClient, run_manage

pytestmark = [pytest.mark.slow]

URL = "/programme/update/?year=2024-25&period=7"  # the demo calendar's open period
CHECK = "/programme/update/check/?year=2024-25&period=7"  # check your answers, then submit
FORECAST = "updates-0-forecast"


def test_two_leads_saving_the_same_project_at_once_one_wins_and_nothing_is_lost(live_stack):
    db = live_stack.db
    run_manage(db, live_stack.redis.url, "shell", "-c",
               "from django.contrib.auth.models import Group, User; "
               "from programme.models import Strand; "
               "u, _ = User.objects.get_or_create(username='deputy-sufficiency', "
               "defaults={'first_name': 'Dee', 'last_name': 'Puty'}); "
               "u.set_password('send-demo-2024'); u.save(); "
               "u.groups.add(Group.objects.get(name='Programme lead')); "
               "Strand.objects.get(slug='sufficiency').deputies.add(u)")
    lead = LiveClient(live_stack.url).sign_in("lead-sufficiency")
    deputy = LiveClient(live_stack.url).sign_in("deputy-sufficiency")
    forms = {"lead": lead.form(URL), "deputy": deputy.form(URL)}
    project = int(forms["lead"]["updates-0-project"])
    assert forms["lead"] == forms["deputy"]  # both read the same version
    rows = db.query("SELECT version FROM programme_progressupdate WHERE project_id = %s "
                    "AND year = 2024 AND period = 7", [project])
    version = rows[0][0] if rows else None  # P7 may have no update yet
    delivered = float(forms["lead"]["updates-0-delivered"])
    forms["lead"][FORECAST] = f"{delivered + 111_111:.2f}"
    forms["deputy"][FORECAST] = f"{delivered + 222_222:.2f}"
    for who, client in (("lead", lead), ("deputy", deputy)):
        forms[who]["action"] = "submit"
        status, body = client.post(URL, forms[who])  # to check your answers: nothing written
        assert status == 200, body[:500]
        assert "Check your answers" in body

    barrier = threading.Barrier(2)
    results: dict[str, tuple[int, str]] = {}

    def save(who: str, client: LiveClient) -> None:
        barrier.wait()
        results[who] = client.post(CHECK, {})  # both confirm at once

    threads = [threading.Thread(target=save, args=("lead", lead)),
               threading.Thread(target=save, args=("deputy", deputy))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(status for status, _ in results.values())
    assert statuses == [200, 400]  # the winner followed the redirect; the loser is refused
    winner = next(w for w, (status, _) in results.items() if status == 200)
    loser = "deputy" if winner == "lead" else "lead"
    body = results[loser][1]
    summary = body[body.find("govuk-error-summary"):][:1500]
    assert "after you opened it, so your changes were not saved" in body, summary
    # The loser's figures are still on the check page to submit again: nothing lost.
    assert format_pounds(round(float(forms[loser][FORECAST]) * 100)) in body
    forecast, new_version = db.query(
        "SELECT forecast_pence, version FROM programme_progressupdate WHERE project_id = %s "
        "AND year = 2024 AND period = 7", [project])[0]
    assert forecast == int(float(forms[winner][FORECAST]) * 100)
    assert new_version == (version or 0) + 1  # P7 may be new: the first save is version 1
    # The history holds the winning save, by its author.
    assert db.scalar("SELECT count(*) FROM programme_historicalprogressupdate WHERE "
                     "project_id = %s AND year = 2024 AND period = 7 AND version = %s AND "
                     "forecast_pence = %s", [project, new_version, forecast]) == 1

"""The director's month on one screen: the top block's figures, changes in words that say better
or worse, lists; return to finance with comments (service, page, audit); the director's tasks."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from finance.board import services, tasks
from finance.board.display import top_figures
from finance.board.models import BoardSummary
from finance.selectors.tasks import director_tasks, finance_tasks
from tests.finance.board.conftest import YEAR

pytestmark = pytest.mark.django_db
P6 = "/board/2024-25/6/"


@pytest.fixture(autouse=True)
def queued(monkeypatch):
    for name in ("build_board_summary", "build_board_pack", "send_board_summary"):
        monkeypatch.setattr(getattr(tasks, name), "delay", lambda *a: None)


def top_block(html: str) -> str:
    return html[html.index('id="month-top"'):html.index("</section>", html.index('id="month-top"'))]


def test_a_change_says_whether_it_is_better_or_worse():
    previous = {"headline": {"savings_forecast_pence": 1_200_000_000, "plans": 100,
                             "variance_after_mitigations_pence": 50_000_000},
                "cohort": {"avg_cost_per_plan_pence": 2_000_000}}
    content = {"headline": {"savings_forecast_pence": 1_100_000_000, "plans": 90,
                            "variance_after_mitigations_pence": 10_000_000},
               "cohort": {"avg_cost_per_plan_pence": 2_000_000}}
    rows = {r.key: r for r in top_figures(content, previous)}
    assert len(rows) == 6
    assert rows["savings_forecast_pence"].verdict_words == "down £1.0m — worse"
    assert rows["variance_after_mitigations_pence"].verdict_words == "down £400,000 — better"
    assert rows["plans"].verdict_words == "down 10 — better"
    assert rows["avg_cost_per_plan_pence"].verdict_words == "no change"
    assert rows["forecast_outturn_pence"].verdict_words == ""  # nothing to compare
    assert top_figures(content, None)[0].words == ""


def test_the_month_opens_with_status_figures_decisions_risks_milestones_and_the_buttons(
        sign_off_summary, build_summary, director_client, finance_user):
    sign_off_summary(5)
    summary = build_summary(6).summary
    services.board_summary_update_text(
        summary_id=summary.pk, user=finance_user, commentary="",
        decisions_needed="1. Agree the reprofile.\n2. Redeploy staff.")
    html = director_client.get(P6).content.decode()
    top = top_block(html)
    assert "Draft" in top
    assert top.count('<tr class="govuk-table__row">') == 7  # a header and six figures
    assert 'data-measure="savings_forecast"' in top
    assert 'data-measure="deficit_after_mitigations_identified"' in top
    assert "down £1.0m — worse" in top  # £12.0m to £11.0m forecast, said in words
    assert re.search(r"<li>Agree the reprofile\.</li>\s*<li>Redeploy staff\.</li>", top)
    assert "Sign off version 1" in top
    assert f'href="{P6}return/"' in top
    # The detail follows: the top block comes before the strand table and the bridge.
    assert html.index('id="month-top"') < html.index('id="strand-table"')


def test_the_top_figures_are_the_overviews_for_the_same_month(build_summary, director_client):
    """Reconciled: each measure the top block shows has the value the registry gives for the
    month, which is what the Overview shows (send_tracker/measures.py)."""
    from send_tracker import measures
    from send_tracker.fiscal import FinancialYear, period_end

    build_summary(6)
    top = top_block(director_client.get(P6).content.decode())
    shown = dict(re.findall(r'data-measure="([a-z_0-9]+)" data-as-at="[^"]*" data-value="([^"]*)"',
                            top))
    on = period_end(FinancialYear(YEAR), 6)
    assert shown["savings_forecast"] == str(measures.value("savings_forecast", on=on))
    assert shown["savings_forecast"] == "1100000000"


def test_the_top_figures_match_the_overview_for_the_same_month(
        small_finance, build_summary, director_client, reporting_calendar):
    reporting_calendar(YEAR, 2)
    build_summary(2)

    def measures_on(html: str) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for code, value in re.findall(
                r'data-measure="([a-z_0-9]+)" data-as-at="[^"]*" data-value="([^"]*)"', html):
            found.setdefault(code, set()).add(value)
        return found

    overview = measures_on(director_client.get("/").content.decode())
    top = measures_on(top_block(director_client.get("/board/2024-25/2/").content.decode()))
    shared = set(top) & set(overview)
    assert {"savings_forecast", "deficit_after_mitigations_identified"} <= shared
    assert {code: top[code] for code in shared} == {code: overview[code] for code in shared}
    assert top["deficit_after_mitigations_identified"] == {"60000"}  # 90,000 less 30,000


def test_a_director_returns_a_draft_to_finance_with_comments_and_who_did_it_is_kept(
        build_summary, director_user, finance_user):
    summary = build_summary().summary
    returned = services.board_summary_return(summary_id=summary.pk, user=director_user,
                                             comments="  Explain the £3.7m rise in outturn. ")
    returned.refresh_from_db()
    assert returned.status == BoardSummary.Status.RETURNED
    assert returned.is_draft
    assert returned.is_returned
    assert returned.return_comments == "Explain the £3.7m rise in outturn."
    assert (returned.returned_by, returned.returned_by_name) == (
        director_user, director_user.get_username())
    assert returned.returned_at <= timezone.now()
    record = returned.history.first()
    assert (record.history_user, record.history_change_reason) == (
        director_user, "Returned to finance with comments")
    assert record.status == "returned"

    # Finance's revision makes it a draft to sign off again; the comments stay on record.
    services.board_summary_update_text(summary_id=summary.pk, user=finance_user,
                                       commentary="Outturn explained.", decisions_needed="")
    summary.refresh_from_db()
    assert summary.status == BoardSummary.Status.DRAFT
    assert summary.return_comments == "Explain the £3.7m rise in outturn."


def test_a_persons_rebuild_answers_a_return_and_an_automatic_refresh_does_not(
        build_summary, director_user, finance_user, small_programme):
    summary = build_summary().summary
    services.board_summary_return(summary_id=summary.pk, user=director_user, comments="Redo")
    small_programme[("pfa", 6)].forecast_pence += 1
    small_programme[("pfa", 6)].save()
    assert build_summary().outcome == "updated"  # automatic: no user
    summary.refresh_from_db()
    assert summary.status == BoardSummary.Status.RETURNED
    result = build_summary(user=finance_user)  # the same data, rebuilt by finance
    assert result.outcome == "updated"
    summary.refresh_from_db()
    assert summary.status == BoardSummary.Status.DRAFT


def test_returning_needs_comments_a_director_and_a_draft(
        build_summary, director_user, finance_user, sign_off_summary):
    summary = build_summary().summary
    with pytest.raises(ValidationError, match="Say what finance should change"):
        services.board_summary_return(summary_id=summary.pk, user=director_user, comments=" ")
    with pytest.raises(PermissionDenied):
        services.board_summary_return(summary_id=summary.pk, user=finance_user, comments="No")
    signed = sign_off_summary(6)
    with pytest.raises(ValidationError, match="signed off"):
        services.board_summary_return(summary_id=signed.pk, user=director_user, comments="No")


def test_the_return_page_records_the_comments_and_finance_sees_the_task(
        build_summary, director_client, finance_client, director_user):
    summary = build_summary().summary
    assert director_client.get(f"{P6}return/").status_code == 200
    assert finance_client.get(f"{P6}return/").status_code == 403
    assert finance_client.post(f"{P6}return/", {"comments": "x"}).status_code == 403

    empty = director_client.post(f"{P6}return/", {"comments": ""})
    assert empty.status_code == 400
    assert "Say what finance should change" in empty.content.decode()

    response = director_client.post(f"{P6}return/", {"comments": "Check the bridge."})
    assert response.status_code == 302
    assert response["Location"] == P6
    summary.refresh_from_db()
    assert (summary.status, summary.returned_by) == ("returned", director_user)
    top = top_block(director_client.get(P6).content.decode())
    assert "Returned to finance" in top
    assert "Check the bridge." in top
    assert "Return to finance with comments" not in top

    [task] = [t for t in finance_tasks() if t["status"] == "Returned"]
    assert task["title"] == "Revise the board summary for P6 2024/25 (September 2024)"
    assert task["href"] == f"{P6}text/"
    assert "Check the bridge." in task["hint"]
    assert "Revise the board summary" in finance_client.get("/").content.decode()


def test_a_director_is_asked_to_sign_off_each_draft_and_its_decisions_until_signed(
        build_summary, director_user, finance_user, director_client):
    summary = build_summary().summary
    services.board_summary_update_text(summary_id=summary.pk, user=finance_user, commentary="",
                                       decisions_needed="- Agree the reprofile.")
    sign, decision = director_tasks()
    assert sign["title"] == "Sign off the board summary for P6 2024/25 (September 2024)"
    assert sign["href"] == P6
    assert (decision["title"], decision["status"]) == ("Agree the reprofile.", "Decision needed")
    page = director_client.get("/").content.decode()
    assert "Sign off the board summary for P6 2024/25" in page

    # Returned to finance: it waits for finance, not the director.
    services.board_summary_return(summary_id=summary.pk, user=director_user, comments="Why?")
    assert director_tasks() == []
    services.board_summary_update_text(summary_id=summary.pk, user=finance_user, commentary="",
                                       decisions_needed="")
    assert len(director_tasks()) == 1
    services.board_summary_sign_off(summary_id=summary.pk, user=director_user, distribute=False)
    assert director_tasks() == []
    assert "Nothing needs you this month" in director_client.get("/").content.decode()


def test_sign_off_from_the_top_block_freezes_the_month(build_summary, director_client):
    build_summary()
    html = top_block(director_client.get(P6).content.decode())
    action = re.search(r'<form method="post" action="([^"]+)"', html).group(1)
    assert action == f"{P6}sign-off/"
    assert director_client.post(action).status_code == 302
    assert BoardSummary.objects.get(year=YEAR, period=6).status == "signed_off"

"""The board pages: list, one-screen month, commentary, sign-off, packs and comparison."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from finance.board import tasks
from finance.board.models import BoardPack, BoardSummary

pytestmark = pytest.mark.django_db
P6 = "/board/2024-25/6/"


@pytest.fixture
def queued(monkeypatch):
    """Record what the pages queue instead of sending it to Redis."""
    queued = []
    for name in ("build_board_summary", "build_board_pack", "send_board_summary"):
        monkeypatch.setattr(getattr(tasks, name), "delay",
                            lambda *a, _n=name: queued.append((_n, a)))
    return queued


def test_the_month_page_shows_the_headline_with_changes_in_arrows_and_words(
    sign_off_summary, build_summary, director_client, django_assert_max_num_queries
):
    sign_off_summary(5)
    build_summary(6)
    with django_assert_max_num_queries(20):
        response = director_client.get(P6)
    assert response.status_code == 200
    html = response.content.decode()
    assert "£15.4m" in html
    assert '<span aria-hidden="true">▼</span> down £1.0m' in html
    assert "since the last signed-off month, P5 2024/25 (version 1)" in html
    assert "Red – off track" in html  # RAG as a word, not colour alone
    assert "No trajectory had been computed when this summary was built" in html
    assert "Sign off version 1" in html
    assert "Draft" in html


def test_the_list_shows_every_month_with_status_and_version(
    sign_off_summary, build_summary, finance_client, django_assert_max_num_queries
):
    sign_off_summary(5)
    build_summary(6)
    with django_assert_max_num_queries(20):
        response = finance_client.get("/board/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "2024/25 P5 (August)" in html
    assert "2024/25 P6 (September)" in html
    assert "Signed off" in html
    assert "Draft" in html


def test_leads_see_signed_off_months_but_never_drafts(sign_off_summary, build_summary, lead_client):
    sign_off_summary(5)
    build_summary(6)
    assert lead_client.get(P6).status_code == 404
    assert lead_client.get("/board/2024-25/5/").status_code == 200
    html = lead_client.get("/board/").content.decode()
    assert "P5 (August)" in html
    assert "P6 (September)" not in html
    assert lead_client.get("/board/2024-25/6/v1/pack.pdf").status_code == 404
    assert lead_client.get("/board/compare/?a=2024-25-5&b=2024-25-6").status_code == 400


def test_a_director_signs_off_from_the_page_and_the_board_is_emailed_after_commit(
    build_summary, director_client, queued, django_capture_on_commit_callbacks
):
    summary = build_summary().summary
    with django_capture_on_commit_callbacks(execute=True):
        response = director_client.post(f"{P6}sign-off/")
    assert response.status_code == 302
    summary.refresh_from_db()
    assert summary.status == BoardSummary.Status.SIGNED_OFF
    assert ("send_board_summary", (summary.pk,)) in queued
    html = director_client.get(P6).content.decode()
    assert "This summary is frozen" in html
    assert "Sign off version" not in html
    assert "Start a new draft of this month (version 2)" in html


@pytest.mark.parametrize("who", ["finance_client", "lead_client", "admin_client_role"])
def test_only_directors_may_sign_off_from_the_page(build_summary, request, who):
    summary = build_summary().summary
    response = request.getfixturevalue(who).post(f"{P6}sign-off/")
    assert response.status_code in (403, 404)
    summary.refresh_from_db()
    assert summary.is_draft


def test_signing_off_twice_from_the_page_changes_nothing(sign_off_summary, director_client):
    summary = sign_off_summary(6)
    response = director_client.post(f"{P6}sign-off/")
    assert response.status_code == 302
    assert any("signed off" in str(m) for m in get_messages(response.wsgi_request))
    before = summary.signed_off_at
    summary.refresh_from_db()
    assert summary.signed_off_at == before


def test_the_programme_office_edits_the_commentary_and_the_director_sees_it(
    build_summary, finance_client, director_client, queued
):
    summary = build_summary().summary
    form = finance_client.get(f"{P6}text/")
    assert form.status_code == 200
    response = finance_client.post(f"{P6}text/", {
        "commentary": "Savings are slipping.", "decisions_needed": "Agree the reprofile.",
        "read_version": form.context["read_version"],
    })
    assert response.status_code == 302
    html = director_client.get(P6).content.decode()
    assert "Savings are slipping." in html
    assert "Agree the reprofile." in html
    assert director_client.get(f"{P6}text/").status_code == 403
    summary.refresh_from_db()
    assert summary.commentary == "Savings are slipping."


def test_a_stale_commentary_form_is_refused_with_the_text_kept(
    build_summary, finance_client, queued
):
    build_summary()
    form = finance_client.get(f"{P6}text/")
    finance_client.post(f"{P6}text/", {"commentary": "First", "decisions_needed": "",
                                       "read_version": form.context["read_version"]})
    response = finance_client.post(f"{P6}text/", {"commentary": "Second", "decisions_needed": "",
                                                  "read_version": form.context["read_version"]})
    assert response.status_code == 400
    assert "Someone else changed this summary" in response.content.decode()
    assert "Second" in response.content.decode()


def test_building_from_the_page_queues_the_task(build_summary, finance_client, queued):
    build_summary()
    response = finance_client.post("/board/build/", {"year": "2024-25", "period": "6"})
    assert response.status_code == 302
    assert queued[-1][0] == "build_board_summary"
    assert queued[-1][1][:3] == (2024, 6, False)


def test_a_finance_officer_cannot_ask_for_a_new_version(sign_off_summary, finance_client, queued):
    sign_off_summary(6)
    response = finance_client.post("/board/build/", {"year": "2024-25", "period": "6",
                                                     "new_version": "1"})
    assert response.status_code == 403
    assert queued == []


def test_the_packs_download_as_pdf_and_excel_and_are_stored(
    build_summary, director_client, queued
):
    build_summary()
    html = director_client.get(P6).content.decode()
    assert "being prepared" in html  # the build queued both packs
    pdf = director_client.get("/board/2024-25/6/v1/pack.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    xlsx = director_client.get("/board/2024-25/6/v1/pack.xlsx")
    assert xlsx.content.startswith(b"PK")
    assert set(BoardPack.objects.filter(status="ready").values_list("kind", flat=True)) == {
        "pdf", "xlsx"}
    html = director_client.get(P6).content.decode()
    assert "Download the PDF board pack (" in html
    assert "being prepared" not in html


def test_each_chart_answers_its_csv(build_summary, director_client):
    build_summary()
    response = director_client.get(f"{P6}?csv=bridge")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_two_months_compare_side_by_side(sign_off_summary, build_summary, director_client,
                                         django_assert_max_num_queries):
    sign_off_summary(5)
    build_summary(6)
    with django_assert_max_num_queries(20):
        response = director_client.get("/board/compare/?a=2024-25-5&b=2024-25-6")
    html = response.content.decode()
    assert response.status_code == 200
    assert "£12.0m" in html
    assert "£11.0m" in html
    assert '<span aria-hidden="true">▼</span> down £1.0m' in html


def test_a_month_without_a_summary_is_a_404(small_programme, director_client):
    assert director_client.get(P6).status_code == 404
    assert director_client.get("/board/2024-25/13/").status_code == 404
    assert director_client.get("/board/nonsense/6/").status_code == 404


def test_the_version_asked_for_is_shown_and_a_version_that_is_not_a_number_is_ignored(
    sign_off_summary, build_summary, director_client
):
    """`?version=` picks one of the month's versions; one that does not exist is a 404, and
    text that is not a plain whole number (a superscript ² passes str.isdigit but not int) shows
    the latest version rather than failing."""
    sign_off_summary(6)
    build_summary(6, new_version=True)
    assert "Sign off version 2" in director_client.get(P6).content.decode()
    first = director_client.get(f"{P6}?version=1")
    assert first.status_code == 200
    assert "Sign off version 2" not in first.content.decode()
    assert director_client.get(f"{P6}?version=9").status_code == 404
    for junk in ("²", "1²", "abc", "9" * 40):
        response = director_client.get(P6, {"version": junk})
        assert response.status_code == 200, junk
        assert "Sign off version 2" in response.content.decode()

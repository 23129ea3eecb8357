"""The demo's board summaries carry the briefing's Month 6 figures, and seeding twice is a no-op."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from pypdf import PdfReader

from finance.board.models import BoardSummary


def board_rows() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count()
            for m in apps.get_app_config("board").get_models()}


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_p6_summary_carries_the_briefings_figures_and_a_second_seed_changes_nothing(
    settings, client_for, django_assert_max_num_queries
):
    from django.contrib.auth import get_user_model

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    assert list(BoardSummary.objects.order_by("period").values_list("period", "status")) == [
        (4, "signed_off"), (5, "signed_off"), (6, "draft")]
    director = get_user_model().objects.get(username="director")
    data = client_for(director).get("/api/v1/board-summaries/2024-25/6/").json()

    assert data["savings"]["target_pence"] == 1_540_000_000
    assert data["savings"]["forecast_pence"] == 1_100_000_000
    assert data["finance"]["savings_shortfall_pence"] == 440_000_000
    assert data["finance"]["variance_to_cap_pence"] == 1_470_000_000
    assert data["finance"]["mitigations_pence"] == 470_000_000
    assert data["headline"]["avg_cost_change_pence"] == 66_600
    assert 8_500 <= data["cohort"]["plans"] <= 9_500
    assert data["trajectory"]["points"], "the snapshot carries the baseline trajectory"
    assert data["compared_with"]["period"] == 5

    pdf = client_for(director).get("/board/2024-25/6/v1/pack.pdf").content
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for figure in ("£15.4m", "£11.0m", "£4.4m", "£14.7m", "£4.7m", "£666", "DRAFT"):
        assert figure in text, figure

    director_client = client_for(director)
    with django_assert_max_num_queries(20):
        page = director_client.get("/board/2024-25/6/")
    html = page.content.decode()
    assert "Forecast in-year deficit against the Safety Valve cap" in html
    assert '<span aria-hidden="true">▲</span> up £3.7m' in html  # overspend vs cap since P5
    compare = director_client.get("/board/compare/?a=2024-25-4&b=2024-25-6")
    assert compare.status_code == 200

    before = board_rows()
    hashes = dict(BoardSummary.objects.values_list("pk", "content_hash"))
    call_command("seed_demo", verbosity=0)
    assert board_rows() == before
    assert dict(BoardSummary.objects.values_list("pk", "content_hash")) == hashes

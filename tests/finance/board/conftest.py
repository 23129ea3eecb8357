"""Board fixtures: a small programme (the briefing's savings figures) and a summary builder."""

from __future__ import annotations

import pytest
from django.utils import timezone

from finance.board import services
from finance.board.models import BoardSummary

YEAR = 2024
M = 100_000_000  # pence in £1m


@pytest.fixture
def small_programme(db):
    """Two strands with P5 and P6 updates: £12.0m then £11.0m forecast of a £15.4m target."""
    from programme.models import ProgressUpdate, Project, Rag, SavingsTarget, Strand

    SavingsTarget.objects.create(year=YEAR, amount_pence=1_540_000_000)
    rows = [("Sufficiency", "sufficiency", 8 * M, 6 * M, 7 * M),
            ("Preparation for Adulthood", "pfa", 7 * M, 6 * M, 4 * M)]
    updates = {}
    for order, (name, slug, target, p5, p6) in enumerate(rows):
        strand = Strand.objects.create(name=name, slug=slug, order=order)
        SavingsTarget.objects.create(year=YEAR, strand=strand, amount_pence=target)
        project = Project.objects.create(strand=strand, name=f"{name} project")
        for period, forecast in ((5, p5), (6, p6)):
            updates[(slug, period)] = ProgressUpdate.objects.create(
                project=project, year=YEAR, period=period, forecast_pence=forecast,
                delivered_pence=forecast // 4, confidence=Rag.AMBER,
                status=ProgressUpdate.Status.SUBMITTED, submitted_at=timezone.now(),
            )
    return updates


@pytest.fixture
def build_summary(small_programme):
    """build(period=6, **kw) -> BuildResult, through the service the task calls."""

    def _build(period: int = 6, **kwargs) -> services.BuildResult:
        return services.board_summary_build(year=YEAR, period=period, **kwargs)

    return _build


@pytest.fixture
def sign_off_summary(build_summary, director_user):
    """sign(period) -> a signed-off summary of that month (no e-mail)."""

    def _sign(period: int) -> BoardSummary:
        summary = build_summary(period).summary
        return services.board_summary_sign_off(
            summary_id=summary.pk, user=director_user, distribute=False
        )

    return _sign

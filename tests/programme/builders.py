"""Small builders for programme test data: strands, projects, targets and updates with
hand-picked numbers, nothing random (as tests/placements/builders.py for placements)."""

from __future__ import annotations

from itertools import count

from django.utils import timezone

from programme.models import ProgressUpdate, Project, SavingsTarget, Strand

_seq = count(1)


def strand(name: str = "", *, lead=None, order: int = 0) -> Strand:
    n = next(_seq)
    return Strand.objects.create(name=name or f"Strand {n}", slug=f"strand-{n}", lead=lead,
                                 order=order or n)


def project(strand: Strand, name: str = "", **fields) -> Project:
    return Project.objects.create(strand=strand, name=name or f"Project {next(_seq)}", **fields)


def target(amount_pence: int, *, year: int = 2024, strand: Strand | None = None,
           project: Project | None = None) -> SavingsTarget:
    return SavingsTarget.objects.create(year=year, strand=strand, project=project,
                                        amount_pence=amount_pence)


def update(project: Project, period: int, forecast: int, delivered: int, *, year: int = 2024,
           submitted: bool = True, confidence: str = "green") -> ProgressUpdate:
    return ProgressUpdate.objects.create(
        project=project, year=year, period=period, forecast_pence=forecast,
        delivered_pence=delivered, confidence=confidence,
        status="submitted" if submitted else "draft",
        submitted_at=timezone.now() if submitted else None,
    )

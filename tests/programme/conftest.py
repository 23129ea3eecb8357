"""Builders for programme tests: strands, projects, targets and updates with hand-picked numbers."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from programme.models import ProgressUpdate, Project, SavingsTarget, Strand

# 2024/25 P6 ends Monday 30 September 2024; ten working days later is Monday 14 October.
P6_DEADLINE = dt.date(2024, 10, 14)


@pytest.fixture
def in_october_2024():
    """Freeze the clock on Monday 7 October 2024 (P7; P6 still open until 14 October)."""
    with time_machine.travel(dt.datetime(2024, 10, 7, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def build(db):
    """build.strand(...), build.project(...), build.target(...), build.update(...)."""

    class Builder:
        count = 0

        def strand(self, name: str = "", *, lead=None, order: int = 0) -> Strand:
            Builder.count += 1
            name = name or f"Strand {Builder.count}"
            return Strand.objects.create(name=name, slug=f"strand-{Builder.count}", lead=lead,
                                         order=order or Builder.count)

        def project(self, strand: Strand, name: str = "", **fields) -> Project:
            Builder.count += 1
            return Project.objects.create(strand=strand, name=name or f"Project {Builder.count}",
                                          **fields)

        def target(self, amount_pence: int, *, year: int = 2024, strand=None, project=None):
            return SavingsTarget.objects.create(year=year, strand=strand, project=project,
                                                amount_pence=amount_pence)

        def update(self, project: Project, period: int, forecast: int, delivered: int, *,
                   year: int = 2024, submitted: bool = True, confidence: str = "green"):
            return ProgressUpdate.objects.create(
                project=project, year=year, period=period, forecast_pence=forecast,
                delivered_pence=delivered, confidence=confidence,
                status="submitted" if submitted else "draft",
                submitted_at=timezone.now() if submitted else None,
            )

    return Builder()

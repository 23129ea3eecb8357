"""The scale data set of the programme (DESIGN "Speed and scale"): 8 strands × 60 projects ×
60 monthly updates, generated with a fixed seed for benchmarks. Not demo data: no users.

Bulk inserts, so no change history is written for these rows (they are synthetic).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from programme.models import ProgressUpdate, Project, RaidItem, SavingsTarget, Strand
from send_tracker.fiscal import FinancialYear

SLUG_PREFIX = "scale-"
K = 100_000  # £1,000 in pence


@transaction.atomic
def seed_scale(
    *, strands: int = 8, projects: int = 60, periods: int = 60, first_year: int = 2020,
    seed: int = 20240930, log: Callable[[str], None] = lambda message: None,
    prefix: str = SLUG_PREFIX,
) -> int:
    """Create the scale strands, projects, targets, updates and RAID items once; returns updates.

    Safe to run again: nothing is added when the scale strands exist.
    """
    if Strand.objects.filter(slug__startswith=prefix).exists():
        log("programme scale data already present")
        return 0
    rng = random.Random(seed)  # noqa: S311 - synthetic benchmark data, not security
    now = timezone.now()
    made_strands = Strand.objects.bulk_create(
        Strand(name=f"Scale strand {s + 1}" + ("" if prefix == SLUG_PREFIX else f" ({prefix})"),
               slug=f"{prefix}{s + 1}", order=100 + s)
        for s in range(strands)
    )
    made_projects = Project.objects.bulk_create(
        Project(strand=strand, name=f"Scale project {strand.order}-{p + 1}")
        for strand in made_strands for p in range(projects)
    )
    years = sorted({first_year + i // 12 for i in range(periods)})
    SavingsTarget.objects.bulk_create(
        SavingsTarget(year=year, strand=strand, amount_pence=rng.randint(500, 5000) * K)
        for strand in made_strands for year in years
    )
    updates = []
    for project in made_projects:
        target_k = rng.randint(20, 400)
        for i in range(periods):
            forecast_k = max(target_k + rng.randint(-target_k // 2, target_k // 5), 0)
            period = i % 12 + 1
            updates.append(ProgressUpdate(
                project=project, year=first_year + i // 12, period=period,
                forecast_pence=forecast_k * K, delivered_pence=forecast_k * period * K // 12,
                confidence=rng.choice(["green", "amber", "red"]),
                status=ProgressUpdate.Status.SUBMITTED, submitted_at=now,
            ))
    ProgressUpdate.objects.bulk_create(updates, batch_size=5000)
    raid = []
    for strand in made_strands:
        for n in range(10):
            likelihood, impact = rng.randint(1, 5), rng.randint(1, 5)
            raid.append(RaidItem(strand=strand, kind=rng.choice(["risk", "issue"]),
                                 title=f"Scale item {strand.order}-{n + 1}",
                                 likelihood=likelihood, impact=impact,
                                 score=likelihood * impact))
    RaidItem.objects.bulk_create(raid)
    log(f"programme scale data: {len(made_strands)} strands, {len(made_projects)} projects, "
        f"{len(updates)} updates over {FinancialYear(years[0])}–{FinancialYear(years[-1])}")
    return len(updates)

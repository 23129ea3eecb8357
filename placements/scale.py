"""The placements part of the scale data set (DESIGN "Speed and scale"), for benchmarks only.

Tops the demo cohort up to 15,000 children and 25,000 placements (the extra placements are
earlier and later stays of the same children: their placement history), and fills five years
of monthly invoices (2020/21–2024/25) to 600,000 lines. Fixed seed; rows are loaded with
PostgreSQL COPY, so no change history is written for them (they are synthetic).
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable, Iterable, Iterator

from django.db import connection
from django.utils import timezone

from placements.codes import PrimaryNeed, ProvisionType
from placements.models import Child, Invoice, Placement, Provider

MARKER_PREFIX = "SC"  # refs of scale rows: SC000001 (children), SCP000001, SCI00000001
FIRST_MONTH = dt.date(2020, 4, 1)
LAST_MONTH = dt.date(2025, 3, 1)
# Placement cost ranges in £ a year, by provision type (wide: only the shape matters here).
COSTS = {
    ProvisionType.SPECIAL_INDEPENDENT: (55_000, 90_000),
    ProvisionType.SPECIAL_NON_MAINTAINED: (55_000, 90_000),
    ProvisionType.SPECIALIST_POST16: (35_000, 55_000),
}


def _copy(table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    """COPY rows (tuples, None as NULL) into a table; returns how many."""
    buffer = io.StringIO()
    count = 0
    for row in rows:
        buffer.write("\t".join(r"\N" if v is None else str(v) for v in row))
        buffer.write("\n")
        count += 1
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT text)", buffer
        )
    return count


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def _stays(rng: random.Random, count: int, *, child_ids: list[int],
           providers: dict[str, list[int]], now: str) -> list[tuple]:
    """`count` placement rows for COPY: a random child, provision type, provider and cost."""
    kinds = sorted(providers)
    stays = []
    for n in range(count):
        kind = rng.choice(kinds)
        low, high = COSTS.get(kind, (8_000, 30_000))
        start = FIRST_MONTH + dt.timedelta(days=rng.randint(0, 365))
        # Most of these are past stays (history); about a third are still open.
        end = None if rng.random() < 0.35 else start + dt.timedelta(days=rng.randint(900, 1800))
        if end is not None and end > dt.date(2025, 3, 31):
            end = None
        stays.append((
            f"{MARKER_PREFIX}P{n + 1:06d}", rng.choice(child_ids), rng.choice(providers[kind]),
            kind, start, end, rng.randint(low, high) * 100, "0", "0",
            "ended" if end else "active", now, now,
        ))
    return stays


def _invoice_rows(rng: random.Random, count: int, *, stays: list[tuple], ids: dict[str, int],
                  now: str) -> Iterator[tuple]:
    """`count` monthly invoice rows for COPY over the stays, made as COPY reads them."""
    made = 0
    # Round the stays again (a later invoice run) if one round falls short of the count.
    while made < count:
        for ref, _, provider_id, _, start, end, cost, *_ in stays:
            for month in _months(max(start, FIRST_MONTH), min(end or LAST_MONTH, LAST_MONTH)):
                if made >= count:
                    return
                month_end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(
                    days=1)
                paid = month_end + dt.timedelta(days=rng.randint(12, 40))
                paid_ok = paid <= dt.date(2025, 3, 31)
                made += 1
                yield (f"{MARKER_PREFIX}I{made:08d}", provider_id, ids[ref], month, month_end,
                       cost // 12, paid if paid_ok else None,
                       "paid" if paid_ok else "received", now, now)


def seed_scale(
    *, children: int = 15_000, placements: int = 25_000, invoices: int = 600_000,
    seed: int = 20250331, log: Callable[[str], None] = lambda message: None,
) -> dict[str, int]:
    """Top the placements data up to the scale sizes once; returns the rows added by table."""
    if Child.objects.filter(ref__startswith=MARKER_PREFIX).exists() or Placement.objects.filter(
        ref__startswith=f"{MARKER_PREFIX}P"
    ).exists():
        log("placements scale data already present")
        return {}
    rng = random.Random(seed)  # noqa: S311 - synthetic benchmark data, not security
    now = timezone.now().isoformat()
    added: dict[str, int] = {}

    missing_children = max(children - Child.objects.count(), 0)
    needs = [code for code, _ in PrimaryNeed.choices]
    added["children"] = _copy(
        Child._meta.db_table,
        ["ref", "ncy", "primary_need", "locality", "created_at", "updated_at"],
        ((f"{MARKER_PREFIX}{n + 1:06d}", rng.randint(0, 14), rng.choice(needs), "Scale", now,
          now) for n in range(missing_children)),
    )
    child_ids = list(Child.objects.values_list("id", flat=True))
    providers: dict[str, list[int]] = {}
    for pk, kind in Provider.objects.values_list("id", "provision_type"):
        providers.setdefault(kind, []).append(pk)

    missing_placements = max(placements - Placement.objects.count(), 0)
    stays = _stays(rng, missing_placements, child_ids=child_ids, providers=providers, now=now)
    added["placements"] = _copy(
        Placement._meta.db_table,
        ["ref", "child_id", "provider_id", "provision_type", "start_date", "end_date",
         "annual_cost_pence", "health_pct", "social_care_pct", "status", "created_at",
         "updated_at"],
        stays,
    )
    ids = dict(Placement.objects.filter(ref__startswith=f"{MARKER_PREFIX}P").values_list(
        "ref", "id"))

    missing_invoices = max(invoices - Invoice.objects.count(), 0)
    added["invoices"] = _copy(
        Invoice._meta.db_table,
        ["ref", "provider_id", "placement_id", "period_start", "period_end", "amount_pence",
         "paid_date", "status", "created_at", "updated_at"],
        _invoice_rows(rng, missing_invoices, stays=stays, ids=ids, now=now),
    )
    log(f"placements scale data: +{added['children']} children, +{added['placements']} "
        f"placements, +{added['invoices']} invoices (COPY, no history rows)")
    return added

"""Demo data of the programme app, loaded by `manage.py seed_demo`. Idempotent.

The briefing's six strands with their 2024/25 targets (£15.2m allocated of a £15.4m
programme target), monthly updates P1–P6 whose P6 forecasts add up to exactly £11.0m,
milestones (some overdue), a RAID log, cumulative targets to 2031/32 and KPIs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from programme.models import (
    Kpi,
    KpiReading,
    Milestone,
    Programme,
    ProgressUpdate,
    Project,
    RaidItem,
    SavingsTarget,
    Strand,
)
from programme.periods import update_deadline
from send_tracker.demo import ensure_user
from send_tracker.fiscal import FinancialYear
from send_tracker.permissions import LEAD

M = 100_000_000  # £1m in pence
K = 100_000  # £1,000 in pence
YEAR = FinancialYear(2024)
# The end of the demo's reporting month (P6 2024/25): no record is dated after it.
DEMO_END = dt.date(2024, 9, 30)
# Cumulative in-year savings required, £m (the briefing: "ramps up in future years as targets
# are cumulative"). Steep enough that the optimistic scenario meets the agreement's balance
# and the baseline narrows the gap but misses it: the board's question is the difference.
PROGRAMME_TARGETS_M = {
    2024: "15.4", 2025: "30.0", 2026: "45.0", 2027: "58.0", 2028: "70.0", 2029: "80.0",
    2030: "88.0", 2031: "95.0",
}

# strand: (name, description, [(project, 2024/25 target £k, P6 forecast £k, status)])
STRANDS: list[tuple[str, str, str, list[tuple[str, int, int, str]]]] = [
    ("inclusion-and-early-help", "Inclusion and Early Help",
     "Strengthening targeted support for those with SEND and intervening earlier.",
     [("Early help locality hubs", 900, 700, "active"),
      ("Targeted mainstream inclusion support", 800, 600, "active"),
      ("Graduated response toolkit and training", 500, 300, "active"),
      ("Review of early years inclusion packages", 600, 500, "active")]),
    ("preparation-for-adulthood", "Preparation for Adulthood",
     "Post-16 pathways towards employment and independent living.",
     [("Post-16 pathways and supported internships", 1200, 900, "active"),
      ("Independent living skills programme", 600, 400, "active"),
      ("Specialist post-16 placement review", 1400, 1000, "active"),
      ("Transition planning from Year 9", 400, 300, "active")]),
    ("sufficiency", "Sufficiency",
     "The right places in the right places: mainstream, special schools and independent providers.",
     [("New special school places", 1500, 600, "active"),
      ("Resourced provision expansion", 1000, 700, "active"),
      ("Independent special school commissioning framework", 1200, 1000, "active"),
      ("Alternative provision commissioning framework", 500, 300, "active"),
      ("SEN units in mainstream schools", 500, 300, "active")]),
    ("financial-management-and-placements", "Financial Management and Placements",
     "Systems and data fit for purpose; understanding the cohort and its costs.",
     [("Placement cost reforms (revised EHCP banding)", 1400, 900, "active"),
      ("Invoicing and payment controls", 800, 800, "active"),
      ("Health contributions to joint-funded placements", 900, 700, "active"),
      ("Placement review panel", 1000, 1000, "active"),
      ("Cohort data and insight", 0, 0, "active")]),
    ("multi-agency-pathways-health", "Multi Agency Pathways / Health",
     "A seamless and cost-effective offer with partner services.",
     [("Therapies commissioning with the ICB", 0, 0, "active"),
      ("Joint neurodevelopmental pathway", 0, 0, "active"),
      ("Designated clinical officer service", 0, 0, "planned")]),
    ("inclusion-and-learning-redesign", "Inclusion and Learning Redesign",
     "A new structure for Education and SEND teams, better focused on practice and process.",
     [("Education and SEND service restructure", 0, 0, "active"),
      ("EHC assessment process redesign", 0, 0, "active"),
      ("Quality assurance of EHC plans", 0, 0, "active")]),
]
STRAND_TARGETS_K = {"inclusion-and-early-help": 2800, "preparation-for-adulthood": 3600,
                    "sufficiency": 4700, "financial-management-and-placements": 4100,
                    "multi-agency-pathways-health": 0, "inclusion-and-learning-redesign": 0}


def _upsert(model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]):
    """get-or-create, saving only what differs: a second run writes no history rows."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save()
    return obj


def _confidence(target: int, forecast: int, delivered: int) -> str:
    if target == 0:
        return "green"
    if delivered >= target:
        return "blue"
    ratio = forecast / target
    return "green" if ratio >= 0.95 else "amber" if ratio >= 0.7 else "red"


def _targets(strands: dict[str, Strand]) -> None:
    allocated_2024 = sum(STRAND_TARGETS_K.values())
    for year, text in PROGRAMME_TARGETS_M.items():
        total = int(Decimal(text) * M)
        _upsert(SavingsTarget, {"year": year, "strand": None, "project": None},
                {"amount_pence": total})
        if year == 2024:
            shares = {slug: k * K for slug, k in STRAND_TARGETS_K.items()}
        else:
            # Later years: the whole target allocated, in the 2024/25 proportions (exact sum).
            shares = {slug: total * k // allocated_2024 for slug, k in STRAND_TARGETS_K.items()}
            shares["sufficiency"] += total - sum(shares.values())
        for slug, amount in shares.items():
            _upsert(SavingsTarget, {"year": year, "strand": strands[slug], "project": None},
                    {"amount_pence": amount})


def _updates(project: Project, lead: Any, target_k: int, forecast6_k: int) -> None:
    for period in range(1, 7):
        # Forecasts slip from the target at P1 to the P6 position (exact at P6).
        forecast_k = target_k - (target_k - forecast6_k) * (period - 1) // 5
        delivered_k = forecast_k * period * 9 // 120  # about 90% of a straight-line profile
        deadline = update_deadline(YEAR, period) - dt.timedelta(days=2)
        submitted = timezone.make_aware(dt.datetime.combine(deadline, dt.time(10, 0)))
        _upsert(ProgressUpdate, {"project": project, "year": YEAR.start_year, "period": period}, {
            "forecast_pence": forecast_k * K,
            "delivered_pence": delivered_k * K,
            "confidence": _confidence(target_k, forecast_k, delivered_k),
            "commentary": f"P{period}: " + (
                "on track." if forecast_k >= target_k
                else f"forecast £{forecast_k:,}k against £{target_k:,}k; slippage in mobilisation."
            ),
            "author": lead,
            "status": ProgressUpdate.Status.SUBMITTED,
            "submitted_at": submitted,
        })


def _milestones(project: Project, index: int) -> None:
    base = dt.date(2024, 4, 15) + dt.timedelta(days=11 * index)  # all within 2024/25
    plans = [
        ("Business case approved", base, base, base, "complete"),
        ("Delivery plan agreed with partners", base + dt.timedelta(days=60),
         base + dt.timedelta(days=60 + 21 * (index % 3)), None, "at_risk"),
        ("First savings verified by finance", dt.date(2025, 3, 31), dt.date(2025, 6, 30) if
         index % 2 else dt.date(2025, 3, 31), None, "on_track"),
    ]
    for name, baseline, forecast, actual, status in plans:
        if index % 4 == 3 and name.startswith("Delivery"):
            actual, status = forecast, "complete"
        if actual is not None and actual > DEMO_END:
            # The demo stops at the end of its reporting month: nothing is done after it.
            actual, status = None, "on_track"
        _upsert(Milestone, {"project": project, "name": name},
                {"baseline_date": baseline, "forecast_date": forecast, "actual_date": actual,
                 "status": status})


RAID = [  # (strand slug, kind, title, likelihood, impact, mitigation, residual (l, i), status)
    ("sufficiency", "risk", "New special school places open later than planned", 4, 5,
     "Interim places in resourced provision; monthly DfE free school progress meetings.", (3, 4),
     "open"),
    ("sufficiency", "issue", "Independent school fee uplifts above inflation", 5, 4,
     "Commissioning framework with capped uplifts from September.", (4, 3), "open"),
    ("financial-management-and-placements", "risk",
     "Overpayments continue on ended placements", 3, 4,
     "Invoice checks against placement end dates before payment.", (2, 3), "open"),
    ("financial-management-and-placements", "issue", "Placement data incomplete in the case system",
     5, 3, "Data cleanse with SEND teams; weekly exception report.", (3, 2), "open"),
    ("financial-management-and-placements", "assumption",
     "Health contributes 10% to joint-funded placements", 3, 4,
     "Agreement with the ICB to be signed by the end of Q3.", (2, 4), "monitoring"),
    ("inclusion-and-early-help", "risk", "Schools do not take up the graduated response toolkit",
     3, 3, "Training offer through locality hubs; headteacher champions.", (2, 3), "open"),
    ("inclusion-and-early-help", "dependency", "Early help hubs depend on the family hubs rollout",
     3, 3, "Joint programme board with the family hubs programme.", (2, 2), "open"),
    ("preparation-for-adulthood", "risk", "Too few supported internship employers", 4, 3,
     "Employer engagement campaign with the council's own services first.", (3, 3), "open"),
    ("preparation-for-adulthood", "risk", "Post-16 placement reviews delayed by backlog", 4, 4,
     "Dedicated review officers for Year 11 and Year 13 transitions.", (3, 3), "open"),
    ("multi-agency-pathways-health", "dependency", "ICB therapies contract renewal", 3, 4,
     "Joint commissioning group; shared specification.", (2, 3), "open"),
    ("multi-agency-pathways-health", "risk", "Neurodevelopmental pathway waiting lists grow", 4, 4,
     "Needs-led support without waiting for diagnosis.", (3, 4), "open"),
    ("inclusion-and-learning-redesign", "risk",
     "Staff capacity diverted to clearing the assessment backlog", 5, 4,
     "Redeploy around 20 staff; protect transformation time in team plans.", (4, 3), "open"),
    ("inclusion-and-learning-redesign", "assumption", "New structure in place by April", 2, 3,
     "Consultation timetable agreed with unions.", None, "monitoring"),
    ("sufficiency", "risk", "Demand for plans 10–15% above trend", 5, 5,
     "Reprofiling discussion with DfE; demand management through early help.", (4, 5), "open"),
    ("financial-management-and-placements", "issue", "Duplicate invoices paid in 2023/24", 2, 2,
     "Recovered; duplicate check added to payment run.", None, "closed"),
]

KPIS = [  # (slug, name, strand, unit, higher better, baseline, target, target date, readings)
    ("ehcp-20-weeks", "EHC plans issued within 20 weeks", "inclusion-and-learning-redesign",
     "percent", True, ("2023-01-31", "8.0"), ("60.0", "2026-03-31"),
     {"milestone": [("2024-07-31", "20.0"), ("2024-11-30", "30.0"), ("2025-03-31", "40.0")]}),
    ("ehcp-population", "EHCPs as % of the 0–24 population", "inclusion-and-early-help",
     "percent", False, ("2023-01-31", "3.99"), ("4.20", "2027-03-31"),
     {"milestone": [("2024-07-31", "4.40"), ("2024-11-30", "4.45"), ("2025-03-31", "4.40")],
      "actual": [("2023-07-31", "4.21"), ("2023-11-30", "4.35"), ("2024-03-31", "4.48"),
                 ("2024-07-31", "4.57"), ("2024-09-30", "4.60")]}),
    ("backlog-16-weeks", "Open assessment requests older than 16 weeks",
     "inclusion-and-learning-redesign",
     "number", False, ("2023-10-31", "1400"), ("150", "2025-03-31"),
     {"milestone": [("2024-07-31", "700"), ("2024-11-30", "400"), ("2025-03-31", "150")]}),
    ("weeks-to-plan", "Average weeks from request to final plan", "inclusion-and-learning-redesign",
     "weeks", False, ("2023-03-31", "44"), ("20", "2026-03-31"),
     {"milestone": [("2024-11-30", "36"), ("2025-03-31", "30")],
      "actual": [("2023-09-30", "45"), ("2024-03-31", "44"), ("2024-09-30", "41")]}),
    ("inmss-placements", "Children in independent special schools", "sufficiency",
     "number", False, ("2024-03-31", "1180"), ("1000", "2026-03-31"),
     {"milestone": [("2024-11-30", "1150"), ("2025-03-31", "1100")],
      "actual": [("2024-06-30", "1205"), ("2024-09-30", "1221")]}),
]


# KPIs whose actuals the tracker computes from its own records (their `measure`, read through
# the registry of measures): the demo types only their baseline, milestones and target.
COMPUTED_KPIS = {"ehcp-20-weeks": Kpi.Measure.WITHIN_20_WEEKS,
                 "backlog-16-weeks": Kpi.Measure.BACKLOG}


def _kpis(strands: dict[str, Strand]) -> None:
    # Readings after the reporting month (from an older demo) go: the demo has no future.
    KpiReading.objects.filter(kpi__slug__in=[k[0] for k in KPIS], kind="actual",
                              date__gt=DEMO_END).delete()
    # Typed actuals of a computed KPI (from an older demo) go: the tracker computes them.
    KpiReading.objects.filter(kpi__slug__in=list(COMPUTED_KPIS), kind="actual").delete()
    for order, (slug, name, strand, unit, higher, base, target, readings) in enumerate(KPIS):
        kpi = _upsert(Kpi, {"slug": slug}, {
            "name": name, "strand": strands[strand], "unit": unit, "higher_is_better": higher,
            "baseline_date": dt.date.fromisoformat(base[0]), "baseline_value": Decimal(base[1]),
            "target_value": Decimal(target[0]), "target_date": dt.date.fromisoformat(target[1]),
            "order": order, "owner": strands[strand].lead,
            "measure": COMPUTED_KPIS.get(slug, Kpi.Measure.TYPED),
        })
        for kind, points in readings.items():
            for day, value in points:
                _upsert(KpiReading, {"kpi": kpi, "date": dt.date.fromisoformat(day), "kind": kind},
                        {"value": Decimal(value)})


def seed(*, log: Callable[[str], None]) -> None:
    """Create or update the programme demo rows (safe to run again)."""
    # The Safety Valve agreement runs 2023/24 to 2031/32: the programme covers those years.
    _upsert(Programme, {"pk": 1}, {"first_year": 2023, "last_year": 2031})
    strands: dict[str, Strand] = {}
    leads: dict[str, Any] = {}
    index = 0
    for order, (slug, name, description, projects) in enumerate(STRANDS, start=1):
        lead = ensure_user(f"lead-{slug}", LEAD, full_name=f"{name.split()[0]} Lead")
        leads[slug] = lead
        strand = _upsert(Strand, {"slug": slug}, {
            "name": name, "description": description, "lead": lead, "order": order,
            "active": True,
        })
        strands[slug] = strand
        for project_name, target_k, forecast_k, status in projects:
            project = _upsert(Project, {"strand": strand, "name": project_name}, {
                "lead": lead, "status": status, "start_date": dt.date(2024, 4, 1),
                "end_date": dt.date(2027, 3, 31),
            })
            _upsert(SavingsTarget, {"year": 2024, "strand": None, "project": project},
                    {"amount_pence": target_k * K})
            if status != "planned":
                _updates(project, lead, target_k, forecast_k)
            _milestones(project, index)
            index += 1
    deputy = ensure_user("deputy-sufficiency", LEAD, full_name="Sam Deputy")
    if not strands["sufficiency"].deputies.filter(pk=deputy.pk).exists():
        strands["sufficiency"].deputies.add(deputy)  # m2m history records even a no-op add
    _targets(strands)
    for slug, kind, title, likelihood, impact, mitigation, residual, status in RAID:
        _upsert(RaidItem, {"strand": strands[slug], "title": title}, {
            "kind": kind, "owner": leads[slug], "likelihood": likelihood, "impact": impact,
            "mitigation": mitigation,
            "residual_likelihood": residual[0] if residual else None,
            "residual_impact": residual[1] if residual else None,
            "status": status, "review_date": dt.date(2024, 10, 31),
        })
    _kpis(strands)
    log(f"programme: {len(strands)} strands, {index} projects, updates P1–P6 {YEAR.label}, "
        f"{len(RAID)} RAID items, {len(KPIS)} KPIs")

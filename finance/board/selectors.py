"""Reads of the board: the snapshot's content (from the three apps' selectors) and summary lookups.

The board never re-derives a figure: every number in a snapshot is copied from the selector
that owns it (programme_summary, finance_summary, trajectory_points, cohort_summary,
top_risks, kpi_latest, milestones_due). The only arithmetic here is the month-on-month change.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet

from finance.board.models import BoardPack, BoardSummary
from send_tracker.dataversion import cached_selector
from send_tracker.fiscal import FinancialYear, period_end, period_label
from send_tracker.permissions import can

# Bump when the shape of the content changes.
CONTENT_SCHEMA = 1
BASELINE_SCENARIO = "baseline"
TOP_RISKS = 5

# The headline figures: key, label, where it comes from (section, key), unit.
HEADLINES: list[tuple[str, str, str, str, str]] = [
    ("savings_target_pence", "Savings target", "programme", "target_pence", "pence"),
    ("savings_forecast_pence", "Savings forecast", "programme", "forecast_pence", "pence"),
    ("savings_shortfall_pence", "Savings shortfall", "programme", "shortfall_pence", "pence"),
    ("savings_delivered_pence", "Savings delivered to date", "programme", "delivered_pence",
     "pence"),
    ("forecast_outturn_pence", "High Needs forecast outturn", "finance",
     "forecast_outturn_pence", "pence"),
    ("variance_to_cap_pence", "Forecast overspend against the Safety Valve cap", "finance",
     "variance_to_cap_pence", "pence"),
    ("mitigations_pence", "In-year mitigations identified", "finance", "mitigations_pence",
     "pence"),
    ("variance_after_mitigations_pence", "Overspend against the cap after mitigations",
     "finance", "variance_after_mitigations_pence", "pence"),
    ("plans", "EHC plans", "cohort", "plans", "count"),
    ("avg_cost_change_pence", "Rise in average cost per plan over the year", "cohort",
     "avg_cost_change_pence", "pence"),
]


def plain(value: Any) -> Any:
    """Selector output as plain JSON values (dates as ISO text, Decimals as text)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def content_hash(content: dict) -> str:
    """SHA-256 of the canonical JSON of a snapshot (sorted keys, no whitespace)."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode()).hexdigest()


def previous_signed_off(*, year: FinancialYear, period: int) -> BoardSummary | None:
    """The newest signed-off summary of an earlier month (its latest signed-off version)."""
    start = year.start_year
    return (
        BoardSummary.objects.filter(status=BoardSummary.Status.SIGNED_OFF)
        .filter(Q(year__lt=start) | Q(year=start, period__lt=period))
        .order_by("-year", "-period", "-version")
        .first()
    )


def _headline(sections: dict[str, dict]) -> dict[str, Any]:
    return {
        key: (sections.get(section) or {}).get(source)
        for key, _label, section, source, _unit in HEADLINES
    }


def board_content(*, year: FinancialYear, period: int) -> dict[str, Any]:
    """The snapshot of a month, composed from the apps' selectors (deterministic for its inputs)."""
    from finance.selectors import finance_summary, trajectory_points
    from placements.selectors import benchmark_board_panel, cohort_summary
    from programme.selectors import kpi_latest, milestones_due, programme_summary, top_risks

    fy = year
    programme = plain(programme_summary(year=fy, period=period))
    finance = plain(finance_summary(year=fy, period=period))
    cohort = plain(cohort_summary(on=period_end(fy, period)))
    sections = {"programme": programme, "finance": finance, "cohort": cohort}
    previous = previous_signed_off(year=year, period=period)
    compared_with = None
    if previous is not None:
        compared_with = {
            "year": previous.fy.label,
            "period": previous.period,
            "version": previous.version,
            "headline": previous.content.get("headline", {}),
        }
    return {
        "schema": CONTENT_SCHEMA,
        "year": fy.label,
        "period": period,
        "period_label": period_label(period),
        "period_end": period_end(fy, period).isoformat(),
        "headline": _headline(sections),
        "savings": {
            key: programme.get(key)
            for key in ("target_pence", "forecast_pence", "delivered_pence", "shortfall_pence",
                        "unallocated_pence")
        },
        "strands": programme.get("strands", []),
        "programme": programme,
        "finance": finance,
        "trajectory": plain(trajectory_points(scenario_slug=BASELINE_SCENARIO)),
        "cohort": cohort,
        "top_risks": plain(top_risks(limit=TOP_RISKS)),
        # Readings as at the period's end; risks and the trajectory as they stood at the build
        # (the pages say so: a risk's past score is not kept apart from its history).
        "kpis": plain(kpi_latest(on=period_end(fy, period))),
        "milestones": plain(milestones_due(year=fy, period=period)),
        "compared_with": compared_with,
        # The council against its comparators in the latest published statistics, as they
        # stood at the build (frozen: a later release does not change a built summary).
        "benchmarking": plain(benchmark_board_panel()),
    }


# ---- Lookups ----------------------------------------------------------------------------


def summaries_for(user) -> QuerySet[BoardSummary]:
    """The summaries a user may read: all for directors, finance and admins; leads signed-off."""
    qs = BoardSummary.objects.all()
    if not can(user, "view_draft_board"):
        qs = qs.filter(status=BoardSummary.Status.SIGNED_OFF)
    return qs


def summary_list(user) -> QuerySet[BoardSummary]:
    """Every version the user may read, newest month first (content left out: it is large)."""
    return (
        summaries_for(user)
        .defer("content")
        .order_by("-year", "-period", "-version")
    )


def summary_for_month(
    user, *, year: FinancialYear, period: int, version: int | None = None
) -> BoardSummary | None:
    """The month's latest version the user may read (or the version asked for), else None."""
    qs = (summaries_for(user).filter(year=year.start_year, period=period)
          .select_related("signed_off_by"))
    if version is not None:
        qs = qs.filter(version=version)
    return qs.order_by("-version").first()


def month_versions(*, year: FinancialYear, period: int, user) -> list[BoardSummary]:
    """Every version of a month the user may read, newest first (content left out)."""
    return list(
        summaries_for(user).filter(year=year.start_year, period=period).defer("content")
        .order_by("-version")
    )


def compared_content(content: dict) -> dict | None:
    """The content of the signed-off summary a snapshot measures its changes against, or None."""
    other = content.get("compared_with")
    if not other:
        return None
    return summary_content(year=FinancialYear.parse(other["year"]), period=other["period"],
                           version=other["version"])


@cached_selector(share=True)
def summary_content(*, year: FinancialYear, period: int, version: int) -> dict | None:
    """One version's frozen content (read-only), once per data version."""
    return (BoardSummary.objects.filter(year=year.start_year, period=period, version=version)
            .values_list("content", flat=True).first())


@cached_selector(share=True)
def pack_states(*, summary_id: int, pack_key: str) -> dict[str, dict]:
    """Kind → the status and size of each board pack built for this content of a summary."""
    return {row["kind"]: row for row in BoardPack.objects.filter(
        summary_id=summary_id, pack_key=pack_key).values("kind", "status", "size_bytes")}


def awaiting_sign_off() -> list[BoardSummary]:
    """Drafts a director has still to sign off (returned ones wait for finance), oldest first."""
    return list(
        BoardSummary.objects.filter(status=BoardSummary.Status.DRAFT)
        .defer("content").order_by("year", "period")
    )


def returned_to_finance() -> list[BoardSummary]:
    """Drafts a director returned to finance with comments, oldest first."""
    return list(
        BoardSummary.objects.filter(status=BoardSummary.Status.RETURNED)
        .defer("content").order_by("year", "period")
    )


def decisions_list(text: str) -> list[str]:
    """The decisions needed, one per line, without the office's numbering or bullets."""
    items = []
    for line in (text or "").splitlines():
        item = re.sub(r"^\s*(?:\d+[.)]|[-*•])\s*", "", line).strip()
        if item:
            items.append(item)
    return items

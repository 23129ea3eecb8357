"""The finance summary for a year and period, the overspend bridge, and derived pressures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Sum

from finance.models import Mitigation, Pressure
from finance.selectors import crossapp
from finance.selectors.agreement import cap_for
from finance.selectors.budget import ledger_totals
from send_tracker.dataversion import cached_selector
from send_tracker.fiscal import FinancialYear, period_end
from send_tracker.money import format_money, format_pounds, round_half_up

PRESSURE_ORDER = [k for k, _ in Pressure.Kind.choices]
PRESSURE_LABELS = dict(Pressure.Kind.choices)


def pressures_by_kind(*, year: FinancialYear) -> dict[str, int]:
    """Kind → pence of the year's pressures, in the fixed order of the kinds."""
    found = dict(Pressure.objects.filter(year=year.start_year).values_list("kind", "amount_pence"))
    return {kind: found[kind] for kind in PRESSURE_ORDER if kind in found}


def mitigations_total(*, year: FinancialYear) -> int:
    """Σ the year's mitigations still in play (abandoned ones are left out)."""
    return (
        Mitigation.objects.filter(year=year.start_year)
        .exclude(status=Mitigation.Status.ABANDONED)
        .aggregate(total=Sum("value_pence"))["total"]
        or 0
    )


def mitigations_by_year() -> dict[int, int]:
    """Year → Σ mitigations in play, for the trajectory's M(y)."""
    return dict(
        Mitigation.objects.exclude(status=Mitigation.Status.ABANDONED)
        .values("year")
        .annotate(total=Sum("value_pence"))
        .values_list("year", "total")
    )


def overspend_bridge(
    *,
    cap_pence: int,
    savings_shortfall_pence: int,
    pressures: dict[str, int],
    in_year_deficit_pence: int,
    mitigations_pence: int,
) -> list[dict]:
    """The steps from the cap to the forecast deficit and on to the deficit after mitigations.

    'Other movements' is the balancing item, so the bridge reconciles to the penny by design;
    each total step carries the running sum so a reader (and a test) can check it.
    """
    steps = [{"label": "Safety Valve in-year cap", "pence": cap_pence, "measure": "absolute"}]
    steps.append(
        {"label": "Savings shortfall", "pence": savings_shortfall_pence, "measure": "relative"}
    )
    for kind, pence in pressures.items():
        steps.append(
            {
                "label": f"Pressure: {PRESSURE_LABELS[kind].lower()}",
                "pence": pence,
                "measure": "relative",
                "kind": kind,
            }
        )
    explained = cap_pence + savings_shortfall_pence + sum(pressures.values())
    steps.append(
        {
            "label": "Other movements (balancing item)",
            "pence": in_year_deficit_pence - explained,
            "measure": "relative",
        }
    )
    steps.append(
        {"label": "Forecast in-year deficit", "pence": in_year_deficit_pence, "measure": "total"}
    )
    steps.append(
        {"label": "Mitigations identified", "pence": -mitigations_pence, "measure": "relative"}
    )
    steps.append(
        {
            "label": "Deficit after mitigations",
            "pence": in_year_deficit_pence - mitigations_pence,
            "measure": "total",
        }
    )
    return steps


_UNREAD: dict = {}


@cached_selector  # once per data version, not per page
def finance_summary(*, year: int | str | FinancialYear, period: int,
                    programme: dict | None = _UNREAD) -> dict:
    """The headline finance figures of a year at a period (GET /api/v1/finance/summary/).

    A caller that already holds the programme summary passes it, so it is read once per page.
    """
    fy = FinancialYear.parse(year)
    totals = ledger_totals(year=fy, period=period)
    income = totals["income_pence"]
    forecast = totals["forecast_outturn_pence"]
    deficit = forecast - income if income is not None else None
    cap = cap_for(year=fy)
    pressures = pressures_by_kind(year=fy)
    mitigations = mitigations_total(year=fy)
    if programme is _UNREAD:
        programme = crossapp.programme_summary(year=fy, period=period)
    shortfall = programme["shortfall_pence"] if programme else 0
    bridge = (
        overspend_bridge(
            cap_pence=cap,
            savings_shortfall_pence=shortfall,
            pressures=pressures,
            in_year_deficit_pence=deficit,
            mitigations_pence=mitigations,
        )
        if cap is not None and deficit is not None
        else []
    )
    variance = deficit - cap if deficit is not None and cap is not None else None
    return {
        "year": fy.label,
        "period": period,
        "has_ledger": forecast != 0,
        "budget_pence": totals["budget_pence"],
        "forecast_outturn_pence": forecast,
        "overspend_pence": forecast - totals["budget_pence"],
        "income_pence": income,
        "in_year_deficit_pence": deficit,
        "sv_cap_pence": cap,
        "variance_to_cap_pence": variance,
        "pressures": pressures,
        "mitigations_pence": mitigations,
        "deficit_after_mitigations_pence": deficit - mitigations if deficit is not None else None,
        "variance_after_mitigations_pence": variance - mitigations
        if variance is not None
        else None,
        "savings_target_pence": programme["target_pence"] if programme else None,
        "savings_forecast_pence": programme["forecast_pence"] if programme else None,
        "savings_shortfall_pence": shortfall,
        "bridge": bridge,
    }


def derived_pressures(*, year: FinancialYear, period: int) -> dict[str, dict]:
    """Inflation and demand computed from the cohort where the data allows: kind → amount, basis.

    Inflation = change in average cost per plan × plans. Demand = plans above the trend of the
    year before × average cost per plan. A kind without the data it needs is left out.
    """
    fy = year
    on = period_end(fy, period)
    summary = crossapp.cohort_summary(on=on)
    if summary is None:
        return {}
    plans = int(summary["plans"])
    avg_cost = int(summary["avg_cost_per_plan_pence"] or 0)
    result = {}
    change = summary.get("avg_cost_change_pence")
    if change:
        result["inflation"] = {
            "amount_pence": int(change) * plans,
            "basis": f"{format_pounds(int(change))} per plan × {plans:,} plans (rise in the "
            f"average cost per plan over the year to {on:%-d %B %Y})",
        }
    before = crossapp.plans_at(on=(fy - 2).start)
    last = crossapp.plans_at(on=(fy - 1).start)
    start = crossapp.plans_at(on=fy.start)
    if before and last and start and avg_cost:
        # The trend continues the growth of the year before y0, pro rata to the period.
        trend = Decimal(start) + Decimal(last - before) * Decimal(period) / 12
        excess = int(round_half_up(Decimal(plans) - trend))
        if excess > 0:
            result["demand"] = {
                "amount_pence": excess * avg_cost,
                "basis": f"{excess:,} plans above the earlier trend × {format_pounds(avg_cost)} "
                f"average cost per plan ({plans:,} plans against a trend of "
                f"{int(round_half_up(trend)):,})",
            }
    return result


def describe_variance(pence: int | None) -> str:
    """`£14.7m above the cap` / `£2.0m below the cap` in words."""
    if pence is None:
        return "no cap set"
    if pence == 0:
        return "exactly at the cap"
    return f"{format_money(abs(pence))} {'above' if pence > 0 else 'below'} the cap"


@cached_selector(share=True)
def pressure_list(*, year: FinancialYear) -> list[dict[str, Any]]:
    """The year's pressures as the pressures table shows them, in the fixed order of the
    kinds."""
    labels = dict(Pressure.Kind.choices)
    rows = {row["kind"]: {**row, "kind_label": labels.get(row["kind"], row["kind"])}
            for row in Pressure.objects.filter(year=year.start_year).values(
                "pk", "kind", "amount_pence", "basis", "derived")}
    return [rows[kind] for kind in PRESSURE_ORDER if kind in rows]


@cached_selector(share=True)
def mitigation_list(*, year: FinancialYear) -> list[dict[str, Any]]:
    """The year's mitigations as the mitigations table shows them, largest first."""
    labels = dict(Mitigation.Status.choices)
    return [{**row, "status_label": labels.get(row["status"], row["status"])}
            for row in Mitigation.objects.filter(year=year.start_year)
            .order_by("-value_pence", "name")
            .values("pk", "name", "value_pence", "confidence", "status", "owner")]

"""A snapshot's content as people read it: headline rows with their changes in arrows and words.

Shared by the page, the comparison, the PDF and the Excel workbook, so all four say the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from finance.board.selectors import HEADLINES
from send_tracker.money import format_change, format_money

UP, DOWN, SAME = "▲", "▼", "▶"


@dataclass
class HeadlineRow:
    key: str
    label: str
    unit: str
    value: Any
    previous: Any
    change: int | None

    @property
    def measure(self) -> str:
        """The registry code of this figure, or ''."""
        return TOP_MEASURES.get(self.key, "")

    @property
    def shown(self) -> str:
        return show(self.value, self.unit)

    @property
    def previous_shown(self) -> str:
        return show(self.previous, self.unit)

    @property
    def arrow(self) -> str:
        if self.change is None:
            return ""
        return UP if self.change > 0 else DOWN if self.change < 0 else SAME

    @property
    def words(self) -> str:
        """`up £1.2m`, `down 120`, `no change`; empty without a comparison."""
        if self.change is None:
            return ""
        if self.unit == "pence":
            return format_change(self.change)
        if self.change == 0:
            return "no change"
        return f"{'up' if self.change > 0 else 'down'} {abs(self.change):,}"

    @property
    def verdict(self) -> str:
        """`better`, `worse` or '' (no change, no comparison, or a figure with no good way)."""
        lower_is_better = LOWER_IS_BETTER.get(self.key)
        if not self.change or lower_is_better is None:
            return ""
        return "worse" if (self.change > 0) == lower_is_better else "better"

    @property
    def verdict_words(self) -> str:
        """`down £0.4m — better`: the change and whether it is good, in words."""
        if not self.words:
            return ""
        return f"{self.words} — {self.verdict}" if self.verdict else self.words

    @property
    def change_words(self) -> str:
        """`▲ up £1.2m`, `▼ down 120`, `▶ no change`: the arrow and the words together."""
        return f"{self.arrow} {self.words}" if self.words else ""


# Headline keys that are measures of the registry (send_tracker/measures.py): the board page
# marks them with the measure and the summary's month (frozen values stay as frozen).
HEADLINE_MEASURES = {
    "savings_forecast_pence": "savings_forecast",
    "variance_after_mitigations_pence": "deficit_after_mitigations_identified",
    "plans": "plans",
}


# Whether a fall is good news, by headline key; a key not here has no better way (the target).
LOWER_IS_BETTER = {
    "savings_forecast_pence": False,
    "savings_shortfall_pence": True,
    "savings_delivered_pence": False,
    "forecast_outturn_pence": True,
    "variance_to_cap_pence": True,
    "mitigations_pence": False,
    "variance_after_mitigations_pence": True,
    # More plans and dearer plans are the pressures the programme exists to slow.
    "plans": True,
    "avg_cost_change_pence": True,
    "avg_cost_per_plan_pence": True,
}

# The six figures at the top of a month's page, each also on the Overview with the same value
# (four are measures of the registry): headline key, or the cohort key for the cost per plan.
TOP_FIGURES = [
    ("savings_forecast_pence", "Savings forecast"),
    ("forecast_outturn_pence", "High Needs forecast outturn"),
    ("variance_to_cap_pence", "Over the cap before mitigations"),
    ("variance_after_mitigations_pence", "Over the cap after mitigations identified"),
    ("plans", "EHC plans"),
    ("avg_cost_per_plan_pence", "Average annual cost per plan"),
]
TOP_MEASURES = {**HEADLINE_MEASURES, "avg_cost_per_plan_pence": "avg_cost_per_plan"}


def top_figures(content: dict, previous: dict | None) -> list[HeadlineRow]:
    """The six figures at the top of the month, each with its change since the month it is
    compared with (`previous`: that summary's content, or None) and whether that is better."""
    def figures(snapshot: dict) -> dict[str, Any]:
        cohort = snapshot.get("cohort") or {}
        return {**snapshot.get("headline", {}),
                "avg_cost_per_plan_pence": cohort.get("avg_cost_per_plan_pence")}

    now, then = figures(content), figures(previous) if previous else {}
    rows = []
    for key, label in TOP_FIGURES:
        value, before = now.get(key), then.get(key)
        change = int(value) - int(before) if value is not None and before is not None else None
        unit = "count" if key == "plans" else "pence"
        rows.append(HeadlineRow(key, label, unit, value, before, change))
    return rows


def show(value: Any, unit: str) -> str:
    """A headline value as text: money through send_tracker.money, counts with separators."""
    if value is None:
        return "–"
    if unit == "pence":
        return format_money(int(value))
    return f"{int(value):,}"


def headline_rows(content: dict, previous_headline: dict | None = None) -> list[HeadlineRow]:
    """The headline figures of a snapshot, each with its change against an earlier headline.

    Without an explicit earlier headline, the one the snapshot recorded when it was built (the
    last signed-off month before it) is used.
    """
    current = content.get("headline", {})
    if previous_headline is None and content.get("compared_with"):
        previous_headline = content["compared_with"].get("headline", {})
    rows = []
    for key, label, _section, _source, unit in HEADLINES:
        value = current.get(key)
        previous = (previous_headline or {}).get(key)
        change = (
            int(value) - int(previous) if value is not None and previous is not None else None
        )
        rows.append(HeadlineRow(key, label, unit, value, previous, change))
    return rows


def compared_label(content: dict) -> str:
    """`P5 2024/25 (version 1)`, the month the changes are measured against, or ''."""
    other = content.get("compared_with")
    if not other:
        return ""
    return f"P{other['period']} {other['year']} (version {other['version']})"

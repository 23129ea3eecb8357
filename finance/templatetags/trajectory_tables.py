"""The body rows of a scenario's points tables (`finance/_points_table.html`), written here.

A scenario's years are the finance pages' longest repeated table: the Trajectory page shows
one per scenario, each twice over (the year's figures, then the cumulative deficit). As a
template loop each cell cost a few microseconds of variable lookups and escaping; written in
one Python loop the same HTML costs a fraction of that. Nothing here needs escaping but the
year's label: the figures are format_money's (digits, `£`, `,`, `.`, `m`, signs), the
labels and words constants.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from finance.selectors.measures import BASELINE
from send_tracker.forms import escape_text
from send_tracker.money import format_money
from send_tracker.templatetags.tracker import fy, measure

register = template.Library()

# The measure the baseline's first year marks: its variance to the cap (send_tracker.measures).
MARKED = "deficit_after_expected_mitigation_delivery"


def _cells(cells: list[tuple[str, str]]) -> str:
    return "".join(f'\n    <td class="govuk-table__cell app-num" data-label="{label}">{text}</td>'
                   for label, text in cells)


def _row(year: int, cells: str, last: str = "") -> str:
    return (f'<tr class="govuk-table__row">\n'
            f'    <th scope="row" class="govuk-table__header">{escape_text(fy(year))}</th>'
            f"{cells}{last}\n  </tr>")


def _variance(context, point: dict, scenario_slug: str) -> str:
    """`£1.2m over` / `£300,000 (within)`, the baseline's as-at year marked as its measure."""
    pence = point["variance_pence"]
    if pence is None:
        return "–"
    as_at, marked_year = context.get("trajectory_as_at"), context.get("trajectory_year")
    if scenario_slug == BASELINE and as_at and point["year"] == marked_year:
        shown = measure(context, MARKED, pence, as_at)
    else:
        shown = format_money(pence)
    return f"{shown} {'over' if pence > 0 else '(within)'}"


def _instalment(point: dict) -> str:
    pence = point["instalment_pence"]
    if not pence:
        return "none"
    if point["instalment_at_risk"]:
        return (f'<strong class="app-rag app-rag--red">At risk</strong> '
                f"{format_money(pence)}")
    return f"{format_money(pence)} not at risk"


@register.simple_tag(takes_context=True)
def year_rows(context, points, scenario_slug: str) -> SafeString:
    """The year-by-year table's rows: spend, income, deficit, cap, variance, instalment."""
    rows = []
    for p in points:
        money = _cells([(label, format_money(p[key])) for key, label in (
            ("unmitigated_spend_pence", "Unmitigated spend"),
            ("mitigated_spend_pence", "Mitigated spend"), ("income_pence", "Income"),
            ("in_year_deficit_pence", "In-year deficit"), ("cap_pence", "Cap"))])
        money += _cells([("Variance to cap", _variance(context, p, scenario_slug))])
        instalment = (f'\n    <td class="govuk-table__cell" data-label="Instalment">'
                      f"{_instalment(p)}</td>")
        rows.append(_row(p["year"], money, instalment))
    return mark_safe("".join(rows))  # noqa: S308 - no text from outside (module docstring)


@register.simple_tag
def cumulative_rows(points) -> SafeString:
    """The cumulative table's rows: the deficit with every instalment, without the at-risk
    ones, and the agreement's cumulative target."""
    return mark_safe("".join(  # noqa: S308 - no text from outside (module docstring)
        _row(p["year"], _cells([(label, format_money(p[key])) for key, label in (
            ("cumulative_deficit_pence", "Cumulative deficit (all instalments received)"),
            ("cumulative_deficit_at_risk_pence",
             "Cumulative deficit (at-risk instalments withheld)"),
            ("cumulative_target_pence", "Cumulative target"))]))
        for p in points))

"""The published-statistics measures: one registry, and the one table of files and columns read.

Source: the Department for Education's "Education, health and care plans" release (every June),
whose data guidance (data-guidance/data-guidance.txt in the release zip) defines each column.
Every measure is read from the release's headline breakdown ("All EHC plans" and its
equivalents) at national, regional and local-authority level. Periods are kept as the release
codes them: `202425` is the academic year 2024/25, counted in January 2025; `2024` is the
calendar year 2024.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Source: Department for Education."
)
RELEASE_TITLE = "Education, health and care plans"

ACADEMIC, CALENDAR = "academic", "calendar"
COUNT, PERCENT = "count", "percent"
HIGHER, LOWER, NEITHER = "higher", "lower", ""

NATIONAL, REGIONAL, LOCAL = "National", "Regional", "Local authority"
LEVELS = (NATIONAL, REGIONAL, LOCAL)

# The columns that identify a row in every file of the release.
KEY_COLUMNS = (
    "time_period",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "new_la_code",
    "la_name",
    "breakdown_topic",
)

# file -> (its headline breakdown_topic, the value columns the measures need). The ONE table of
# what an import reads: every other file and column of a release is ignored, so a later release
# with more of either still imports; a release lacking any of these is refused.
FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "caseload.csv": (
        "All EHC plans",
        (
            "ehcplans",
            "mainstream_total",
            "special_la_maintained",
            "special_academy_free",
            "special_independent",
            "special_non_maintained",
        ),
    ),
    "requests.csv": (
        "All requests for EHC needs assessments",
        ("requests_received_in_year", "requests_decided_to_assess", "request_assess_pc"),
    ),
    "timeliness_20_week.csv": (
        "All EHC plans issued",
        ("plans_issued_den", "pc_plans_issued_within_20_weeks", "pc_plans_issued_20_weeks_ex"),
    ),
    "ceased_plans.csv": (
        "All ceased EHC plans",
        (
            "total_ceased",
            "max_age",
            "needs_met",
            "he",
            "employ",
            "transfer",
            "no_engage",
            "moved_outside_eng",
            "deceased",
            "not_rec",
            "other",
        ),
    ),
    "annual_reviews.csv": ("All annual reviews", ("pc_decsion_4weeks",)),
}


@dataclass(frozen=True)
class Measure:
    """One published measure: what it is, where it comes from and how it is read."""

    code: str
    name: str
    definition: str
    file: str
    columns: tuple[str, ...]
    basis: str  # ACADEMIC (counted in January) or CALENDAR
    unit: str  # COUNT or PERCENT
    direction: str  # HIGHER or LOWER is better, or NEITHER (no judgement: size, not quality)
    # How the value is made from the columns: "column" (the first column as published),
    # "share" (sum of columns[1:] / columns[0] × 100), "pct_or_share" (the published
    # percentage columns[0], else columns[1] / columns[2] × 100), "growth" (on the year before
    # of the measure in columns[0]).
    method: str = "column"
    # In the page's one-screen summary (the ceased-by-reason measures are shown below it).
    summary: bool = True

    @property
    def source(self) -> str:
        return f"{self.file}: {', '.join(self.columns)}"

    @property
    def is_percent(self) -> bool:
        return self.unit == PERCENT

    @property
    def direction_words(self) -> str:
        return {HIGHER: "higher is better", LOWER: "lower is better"}.get(
            self.direction, "ranked from the highest"
        )


_CEASED = [
    ("max_age", "maximum age reached"),
    ("needs_met", "needs met without a plan"),
    ("he", "moved to higher education"),
    ("employ", "moved to paid employment"),
    ("transfer", "transferred to another local authority"),
    ("no_engage", "young person no longer wishes to engage"),
    ("moved_outside_eng", "moved outside England"),
    ("deceased", "child or young person deceased"),
    ("not_rec", "other reasons"),
    ("other", "reason not recorded"),
]

MEASURES: list[Measure] = [
    Measure(
        "plans_january", "EHC plans in January",
        "Children and young people with an EHC plan maintained by the local authority, counted "
        "on the January census day (academic year).",
        "caseload.csv", ("ehcplans",), ACADEMIC, COUNT, NEITHER,
    ),
    Measure(
        "plans_growth_pct", "Growth in EHC plans on the year before",
        "The change in EHC plans counted in January against the January before, as a "
        "percentage of the earlier count (academic year; computed from the release's counts).",
        "caseload.csv", ("ehcplans",), ACADEMIC, PERCENT, LOWER, "growth",
    ),
    Measure(
        "pc_mainstream", "% of plans in mainstream schools",
        "EHC plans whose placement is a mainstream school (all types, with resourced "
        "provision and SEN units) as a percentage of all plans, counted in January.",
        "caseload.csv", ("ehcplans", "mainstream_total"), ACADEMIC, PERCENT, HIGHER, "share",
    ),
    Measure(
        "pc_special_maintained", "% of plans in maintained and academy special schools",
        "EHC plans placed in local-authority maintained special schools or special academies "
        "and free schools, as a percentage of all plans, counted in January.",
        "caseload.csv", ("ehcplans", "special_la_maintained", "special_academy_free"),
        ACADEMIC, PERCENT, NEITHER, "share",
    ),
    Measure(
        "pc_special_independent", "% of plans in independent and non-maintained special schools",
        "EHC plans placed in independent or non-maintained special schools, as a percentage "
        "of all plans, counted in January.",
        "caseload.csv", ("ehcplans", "special_independent", "special_non_maintained"),
        ACADEMIC, PERCENT, LOWER, "share",
    ),
    Measure(
        "requests", "Requests for an EHC needs assessment",
        "Requests for an EHC needs assessment received in the calendar year.",
        "requests.csv", ("requests_received_in_year",), CALENDAR, COUNT, NEITHER,
    ),
    Measure(
        "pc_decided_to_assess", "% of requests decided to assess",
        "Requests received in the calendar year where the local authority decided to assess, "
        "as a percentage of requests received (the release's own percentage where published).",
        "requests.csv",
        ("request_assess_pc", "requests_decided_to_assess", "requests_received_in_year"),
        CALENDAR, PERCENT, NEITHER, "pct_or_share",
    ),
    Measure(
        "new_plans", "New EHC plans issued",
        "EHC plans issued for the first time in the calendar year, exceptions included.",
        "timeliness_20_week.csv", ("plans_issued_den",), CALENDAR, COUNT, NEITHER,
    ),
    Measure(
        "pc_20wk_incl_exceptions", "% of new plans issued within 20 weeks (with exceptions)",
        "New EHC plans issued in the calendar year within 20 weeks of the request, exceptions "
        "included: the DfE's calendar-year measure, not the tracker's rolling twelve months.",
        "timeliness_20_week.csv", ("pc_plans_issued_within_20_weeks",), CALENDAR, PERCENT, HIGHER,
    ),
    Measure(
        "pc_20wk_excl_exceptions", "% of new plans issued within 20 weeks (without exceptions)",
        "New EHC plans issued in the calendar year within 20 weeks, cases that fall under the "
        "statutory exceptions left out: the DfE's calendar-year measure.",
        "timeliness_20_week.csv", ("pc_plans_issued_20_weeks_ex",), CALENDAR, PERCENT, HIGHER,
    ),
    Measure(
        "ceased_total", "EHC plans ceased",
        "EHC plans ceased in the calendar year, for any reason.",
        "ceased_plans.csv", ("total_ceased",), CALENDAR, COUNT, NEITHER,
    ),
    *[
        Measure(
            f"ceased_{column}", f"Plans ceased: {words}",
            f"EHC plans ceased in the calendar year because: {words}.",
            "ceased_plans.csv", (column,), CALENDAR, COUNT, NEITHER, summary=False,
        )
        for column, words in _CEASED
    ],
    Measure(
        "pc_annual_review_4weeks", "% of annual review decisions within 4 weeks",
        "Annual reviews whose outcome was communicated within 4 weeks of the review meeting, "
        "as a percentage (calendar year).",
        "annual_reviews.csv", ("pc_decsion_4weeks",), CALENDAR, PERCENT, HIGHER,
    ),
]

BY_CODE: dict[str, Measure] = {m.code: m for m in MEASURES}
# The measures on the board summary's benchmarking panel.
BOARD_MEASURES = ("plans_growth_pct", "pc_20wk_incl_exceptions", "pc_special_independent")


def measure(code: str) -> Measure:
    """The measure with this code; KeyError names it."""
    return BY_CODE[code]


def period_label(time_period: str) -> str:
    """`202425` → `January 2025 (2024/25)`; `2024` → `2024` (as the release codes them)."""
    if len(time_period) == 6:
        return f"January 20{time_period[4:]} ({time_period[:4]}/{time_period[4:]})"
    return time_period


def previous_period(time_period: str) -> str:
    """The period a year before, coded the same way: `202425` → `202324`; `2024` → `2023`."""
    if len(time_period) == 6:
        start = int(time_period[:4]) - 1
        return f"{start}{(start + 1) % 100:02d}"
    return str(int(time_period) - 1)


def reporting_year(time_periods: list[str]) -> int:
    """The release's reporting year from its periods: January 2025 and calendar 2024 → 2025."""
    years = [
        int(p[:4]) + 1 if len(p) == 6 else int(p) + 1 for p in time_periods if p.isdigit()
    ]
    return max(years)


def normalised_name(name: str) -> str:
    """A local authority's name for matching across DfE tables: case, punctuation, 'City of'."""
    text = name.replace("\ufeff", "").lower().replace("&", " and ")
    text = "".join(ch if ch.isalnum() else " " for ch in text)
    words = [w for w in text.split() if w not in {"of", "the", "county", "city", "borough", "upon",
                                                  "on"}]
    return " ".join(words)


RELEASE_ZIP = "education-health-and-care-plans_2025.zip"
NEIGHBOURS_CSV = "statistical-neighbours.csv"


def shared_statistics_dir() -> Path | None:
    """The shared copy of the DfE's files (../shared/data/dfe-ehcp beside the checkout, or one
    level further up for a worktree), for the demo and the benchmark; None when absent."""
    from django.conf import settings

    base = Path(settings.BASE_DIR)
    for root in (base.parent, base.parent.parent):
        folder = root / "shared" / "data" / "dfe-ehcp"
        if (folder / RELEASE_ZIP).exists():
            return folder
    return None

"""The council's own figures on the DfE's definitions, computed from its records.

The DfE's "Education, health and care plans" release counts plans on the January school census
day (academic-year periods, `202324` = January 2024) and requests, new plans and 20-week
timeliness by calendar year (`2024`). `council_own_figures()` answers the same measures from the
council's children, assessments and placements, keyed by the period as the release codes it, so
the Benchmarking page can set them beside the published figure for the same year, and show the
years the records reach past the latest release. Definitions are the tracker's own, not new ones:
"a plan" is `children_with_plan` (as plans_at), "an open placement" is `open_placements`, and
"within 20 weeks" is `timeliness_counts` (as the cohort page).

Periods covered: a January census day on which the records run (from the earliest record to
the latest), and a calendar year the records span from 1 January to 31 December. A part year
is left out: its counts would read as a fall against the published full year.

Set-based: a fixed number of queries whatever the number of children or years (the census
days are one UNION ALL query).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import (
    Count,
    DateField,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import ExtractYear

from placements.codes import PROVISION_TYPE_LABELS, ProvisionType
from placements.models import Assessment, Placement
from placements.selectors._sql import open_placements
from placements.selectors.cohort import (
    children_with_plan,
    timeliness_counts,
    timeliness_figures,
    with_days_to_issue,
)
from send_tracker.dataversion import cached_selector
from send_tracker.money import round_half_up

P = ProvisionType
CASELOAD_FILE = "caseload.csv"


@dataclass(frozen=True)
class SettingCategory:
    """One of the release's setting categories and the tracker's provision types counted in it."""

    code: str
    label: str
    # The caseload.csv columns whose sum is this category (the release's own totals where it
    # has one).
    release_columns: tuple[str, ...]
    provision_types: tuple[str, ...]
    # The measure code of this category's share of all plans, where the benchmarks have one.
    measure: str | None = None

    @property
    def provision_labels(self) -> list[str]:
        """The tracker's provision types in this category, by name."""
        return [PROVISION_TYPE_LABELS[code] for code in self.provision_types]


# The one table from the tracker's provision types (placements/codes.py, after the SEN2 setting
# categories) to the release's caseload categories. A child with a plan and no placement open on
# the census day counts as "placement not recorded", as the release counts them.
SETTING_CATEGORIES: tuple[SettingCategory, ...] = (
    SettingCategory(
        "mainstream",
        "Mainstream schools, including their resourced provision and SEN units",
        ("mainstream_total",),
        (
            P.MAINSTREAM_LA_MAINTAINED.value,
            P.MAINSTREAM_ACADEMY.value,
            P.MAINSTREAM_INDEPENDENT.value,
            P.RESOURCED_PROVISION.value,
        ),
        "pc_mainstream",
    ),
    SettingCategory(
        "special_maintained",
        "Maintained special schools and special academies or free schools",
        ("special_la_maintained", "special_academy_free"),
        (P.SPECIAL_LA_MAINTAINED.value, P.SPECIAL_ACADEMY_FREE.value),
        "pc_special_maintained",
    ),
    SettingCategory(
        "special_independent",
        "Independent and non-maintained special schools",
        ("special_independent", "special_non_maintained"),
        (P.SPECIAL_INDEPENDENT.value, P.SPECIAL_NON_MAINTAINED.value),
        "pc_special_independent",
    ),
    SettingCategory(
        "ap_pru",
        "Alternative provision and pupil referral units",
        ("ap_pru_total",),
        (P.AP_PRU.value,),
    ),
    SettingCategory(
        "further_education",
        "Further education colleges and specialist post-16 institutions",
        ("fe_total",),
        (P.FE_COLLEGE.value, P.SPECIALIST_POST16.value),
    ),
    SettingCategory(
        "early_years",
        "Non-maintained early years settings",
        ("nm_early_years",),
        (P.EARLY_YEARS.value,),
    ),
    SettingCategory(
        "elsewhere",
        "Educated elsewhere: other arrangements, home education, not in education",
        ("ed_elsewhere",),
        (P.OTHER_ARRANGEMENTS.value,),
    ),
    SettingCategory(
        "not_recorded",
        "Placement not recorded (a plan with no placement open on the day)",
        ("placement_unknown",),
        (),
    ),
)
NOT_RECORDED = "not_recorded"
CATEGORY_OF_PROVISION_TYPE: dict[str, str] = {
    code: category.code for category in SETTING_CATEGORIES for code in category.provision_types
}

# A request the council decided to assess: a plan was issued, or a decision date with no closure
# on or before it. (A refusal to assess closes the request on the day of the decision; a request
# closed later was assessed and then not issued.)
DECIDED_TO_ASSESS = Q(final_plan_date__isnull=False) | (
    Q(decision_date__isnull=False)
    & (Q(closed_date__isnull=True) | Q(closed_date__gt=F("decision_date")))
)


def census_day(year: int) -> dt.date:
    """The January school census day of a year: the third Thursday of January."""
    first = dt.date(year, 1, 1)
    return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 14)


def academic_period(january_year: int) -> str:
    """The release's code for the academic year whose January census falls in the year."""
    return f"{january_year - 1}{january_year % 100:02d}"


def _pct(part: int, whole: int) -> Decimal | None:
    """A percentage to 1 dp, half up, as the release gives them; None when there is no whole."""
    return round_half_up(Decimal(100 * part) / whole, 1) if whole else None


def _records_span() -> tuple[dt.date, dt.date] | None:
    """The first and last dates in the council's assessments and placements (two queries)."""
    a = Assessment.objects.aggregate(
        first=Min("request_date"),
        request=Max("request_date"),
        decision=Max("decision_date"),
        plan=Max("final_plan_date"),
        closed=Max("closed_date"),
    )
    p = Placement.objects.aggregate(first=Min("start_date"), last=Max("start_date"))
    firsts = [d for d in (a["first"], p["first"]) if d]
    lasts = [d for d in (a["request"], a["decision"], a["plan"], a["closed"], p["last"]) if d]
    if not firsts:
        return None
    return min(firsts), max(lasts)


@contextmanager
def _without_jit() -> Iterator[None]:
    """Run the enclosed query with PostgreSQL's JIT compiler off, then restore it.

    The census UNION's estimated cost (a correlated subquery per child per day) sets off JIT,
    and compiling it took 9 s of a 10 s query on the demo's 15,000 children (1 s without).
    Local to this transaction, and put back at once, so nothing else in it runs without JIT.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        # SELECTs, not SET: a statement that is not a SELECT makes data_version() ask again.
        cursor.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
        before = cursor.fetchone()[0]
        yield
        cursor.execute("SELECT set_config('jit', %s, true)", [before])


def _census_counts(days: list[dt.date]) -> dict[dt.date, dict[str, int]]:
    """Plans on each census day by setting category: one UNION ALL query for all the days."""
    if not days:
        return {}
    parts = []
    for day in days:
        # The child's placement open on the day (the latest started, if records overlap).
        setting = Subquery(
            open_placements(day)
            .filter(child=OuterRef("pk"))
            .order_by("-start_date", "-id")
            .values("provision_type")[:1]
        )
        parts.append(
            children_with_plan(on=day)
            .annotate(census=Value(day, output_field=DateField()), setting=setting)
            .values("census", "setting")
            .annotate(n=Count("id"))
            .order_by()
        )
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    with _without_jit():
        rows = list(union)
    counts: dict[dt.date, dict[str, int]] = {day: {} for day in days}
    for row in rows:
        category = CATEGORY_OF_PROVISION_TYPE.get(row["setting"], NOT_RECORDED)
        by_category = counts[row["census"]]
        by_category[category] = by_category.get(category, 0) + row["n"]
    return counts


def _by_calendar_year(first: int, last: int) -> tuple[dict[int, dict], dict[int, dict]]:
    """Requests (and decisions to assess) by year requested; plans issued by year issued."""
    start, end = dt.date(first, 1, 1), dt.date(last, 12, 31)
    requests = (
        Assessment.objects.filter(request_date__gte=start, request_date__lte=end)
        .values(year=ExtractYear("request_date"))
        .annotate(requests=Count("id"), decided=Count("id", filter=DECIDED_TO_ASSESS))
        .order_by()
    )
    issued = (
        with_days_to_issue(
            Assessment.objects.filter(final_plan_date__gte=start, final_plan_date__lte=end)
        )
        .values(year=ExtractYear("final_plan_date"))
        .annotate(**timeliness_counts())
        .order_by()
    )
    return {r["year"]: r for r in requests}, {r["year"]: r for r in issued}


def _decimal(value: float | None) -> Decimal | None:
    # timeliness_figures rounds half up to 1 dp and gives a float; its str is that decimal.
    return None if value is None else Decimal(str(value))


def _census_figures(figures: dict[str, dict[str, Decimal | int]], first: dt.date,
                    last: dt.date) -> None:
    """Plans at each January census in the records, their growth and each setting's share."""
    days = [
        census_day(year)
        for year in range(first.year, last.year + 1)
        if first <= census_day(year) <= last
    ]
    plans_before: int | None = None
    for day, by_category in _census_counts(days).items():
        period = academic_period(day.year)
        plans = sum(by_category.values())
        figures["plans_january"][period] = plans
        if plans_before:
            figures["plans_growth_pct"][period] = _pct(plans - plans_before, plans_before)
        plans_before = plans
        for category in SETTING_CATEGORIES:
            share = _pct(by_category.get(category.code, 0), plans)
            if category.measure and share is not None:
                figures[category.measure][period] = share


def _calendar_year_figures(figures: dict[str, dict[str, Decimal | int]], first: dt.date,
                           last: dt.date) -> None:
    """Requests, decisions to assess, new plans and their timeliness by calendar year."""
    # Whole calendar years only: the records must run from 1 January to 31 December.
    first_year = first.year if first <= dt.date(first.year, 1, 1) else first.year + 1
    last_year = last.year if last >= dt.date(last.year, 12, 31) else last.year - 1
    if first_year > last_year:
        return
    requests, issued = _by_calendar_year(first_year, last_year)
    for year in range(first_year, last_year + 1):
        period = str(year)
        row = requests.get(year)
        if row:
            figures["requests"][period] = row["requests"]
            figures["pc_decided_to_assess"][period] = _pct(row["decided"], row["requests"])
        if year in issued:
            timeliness = timeliness_figures(issued[year])
            figures["new_plans"][period] = timeliness["issued"]
            for code, key in (
                ("pc_20wk_incl_exceptions", "within_20_weeks_pct"),
                ("pc_20wk_excl_exceptions", "within_20_weeks_pct_ex"),
            ):
                if timeliness[key] is not None:
                    figures[code][period] = _decimal(timeliness[key])


@cached_selector  # once per data version, not per page
def council_own_figures() -> dict[str, dict[str, Decimal | int]]:
    """The benchmark measures from the council's records: measure code -> period -> value.

    Periods as the release codes them (`202324` = January 2024 census, `2023` = calendar year);
    counts are ints, percentages Decimals to 1 dp. A measure with no figure for a period (no
    plans, no requests) has no entry for it, never a zero.
    """
    figures: dict[str, dict[str, Decimal | int]] = {
        code: {}
        for code in (
            "plans_january",
            "plans_growth_pct",
            *(c.measure for c in SETTING_CATEGORIES if c.measure),
            "requests",
            "pc_decided_to_assess",
            "new_plans",
            "pc_20wk_incl_exceptions",
            "pc_20wk_excl_exceptions",
        )
    }
    span = _records_span()
    if span is None:
        return figures
    first, last = span

    _census_figures(figures, first, last)
    _calendar_year_figures(figures, first, last)
    return figures


def council_plans_by_setting(*, january_year: int) -> dict[str, int]:
    """Plans on a January census day by setting category code (one query)."""
    return _census_counts([census_day(january_year)])[census_day(january_year)]

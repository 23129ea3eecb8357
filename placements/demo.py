"""Demo data of the placements app, loaded by `manage.py seed_demo`. Idempotent, fixed seed.

A synthetic county cohort, sized and calibrated like the briefing: 8,994 plans on 31 March
2024 growing 10–15% a year, unit costs in DOMAIN.md's ranges, poor timeliness (most plans
over 20 weeks, about 46 weeks on average) with a backlog, placements from 2022/23 to Month 6
of 2024/25, monthly invoices for 2024/25 to Month 6 with deliberate overpayments, the average
cost per plan £666 higher on 30 September 2024 than a year earlier, and the panel day that
saved £140,000 on two young people. Records stop at 30 September 2024, the end of the demo's
reporting month (the panel day, in October, is the briefing's).

Where the DfE's published figures for Devon overlap, the cohort is calibrated to them: the
plans on the January 2024 census day and their setting mix, and the share of plans issued in
2023 within 20 weeks (tests/placements/test_own_figures.py). Where a published figure and the
briefing's (DESIGN.md) differ, the briefing's wins: 8,994 plans on 31 March 2024 is kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model

from placements.codes import ProvisionType
from placements.models import (
    Assessment,
    Child,
    Comparator,
    Invoice,
    OverpaymentFlag,
    OverpaymentScan,
    Placement,
    Provider,
)
from placements.services import (
    OptionInput,
    overpayment_flag_review,
    overpayment_scan,
    placement_decision_record,
)
from send_tracker.models import ImportRecord
from send_tracker.money import round_half_up

D = dt.date
SEED = 20240331
# The end of the demo's reporting month (2024/25 Month 6): no assessment, placement or invoice
# is dated later.
NOW = D(2024, 9, 30)
HISTORY_START = D(2022, 4, 1)
FLOW_START = D(2021, 4, 1)
PLANS_AT_MARCH_2024 = 8_994  # DfE/Devon public record, 14 March 2024
COST_CHANGE_DATE, COST_CHANGE_PENCE = D(2024, 9, 30), 66_600  # the briefing's +£666 a plan
MARKER_REF = "PRV0001"

P = ProvisionType
# code: (share of new placements, annual cost range £, NCY range, invoiced monthly).
# The shares are calibrated so that the plans on the January 2024 census day fall into the DfE
# release's setting categories (placements.selectors.own_figures.SETTING_CATEGORIES) as Devon's
# did (caseload.csv, 202324: 43.0% mainstream, 20.6% maintained and academy special, 8.9%
# independent and non-maintained special, 14.2% FE, 12.4% educated elsewhere), each split within
# its category as Devon's were; tests/placements/test_own_figures.py holds them to it.
MIX: dict[str, tuple[float, tuple[int, int], tuple[int, int], bool]] = {
    P.MAINSTREAM_LA_MAINTAINED: (0.13, (7_800, 9_600), (-1, 11), False),
    P.MAINSTREAM_ACADEMY: (0.284, (7_800, 9_600), (0, 11), False),
    P.MAINSTREAM_INDEPENDENT: (0.016, (15_000, 20_000), (3, 11), True),
    P.RESOURCED_PROVISION: (0.01, (14_000, 19_000), (0, 11), True),
    P.SPECIAL_LA_MAINTAINED: (0.14, (17_000, 25_000), (0, 14), True),
    P.SPECIAL_ACADEMY_FREE: (0.057, (18_000, 26_000), (0, 14), True),
    P.SPECIAL_INDEPENDENT: (0.0767, (55_000, 88_000), (3, 14), True),
    P.SPECIAL_NON_MAINTAINED: (0.0033, (58_000, 90_000), (3, 14), True),
    P.AP_PRU: (0.0025, (15_000, 22_000), (5, 11), True),
    P.FE_COLLEGE: (0.125, (5_000, 9_000), (12, 16), False),
    P.SPECIALIST_POST16: (0.035, (35_000, 55_000), (12, 16), True),
    P.EARLY_YEARS: (0.003, (4_000, 7_000), (-2, -1), False),
    P.OTHER_ARRANGEMENTS: (0.12, (12_000, 30_000), (2, 13), True),
}
# Where children move when their placement changes: mostly up the cost ladder.
MOVE_MIX = {
    P.SPECIAL_LA_MAINTAINED: 0.25,
    P.SPECIAL_ACADEMY_FREE: 0.2,
    P.SPECIAL_INDEPENDENT: 0.15,
    P.RESOURCED_PROVISION: 0.1,
    P.AP_PRU: 0.05,
    P.OTHER_ARRANGEMENTS: 0.1,
    P.FE_COLLEGE: 0.05,
}
NEEDS = {
    "ASD": 0.32,
    "SEMH": 0.19,
    "SLCN": 0.18,
    "MLD": 0.10,
    "SLD": 0.05,
    "SpLD": 0.04,
    "PD": 0.03,
    "OTH": 0.03,
    "NSA": 0.025,
    "PMLD": 0.015,
    "HI": 0.015,
    "VI": 0.01,
    "MSI": 0.005,
}
LOCALITIES = [
    "City",
    "Northern",
    "Eastern",
    "Southern",
    "Western",
    "Coastal",
    "Moorland",
    "Market towns",
]
PLACES = [
    "Ashcombe",
    "Bramford",
    "Chalkwell",
    "Dunmere",
    "Eastleigh",
    "Fernhill",
    "Gorsey",
    "Hatherley",
    "Ivybridge",
    "Kenwith",
    "Longdown",
    "Millbrook",
    "Northam",
    "Oakford",
    "Pennycross",
    "Queensbury",
    "Redhill",
    "Sandford",
    "Thornbury",
    "Upcott",
    "Westward",
]
PROVIDER_COUNTS = {
    P.MAINSTREAM_LA_MAINTAINED: (120, "Primary School", 1.0),
    P.MAINSTREAM_ACADEMY: (100, "Academy", 1.0),
    P.MAINSTREAM_INDEPENDENT: (6, "Independent School", 0.6),
    P.RESOURCED_PROVISION: (15, "Learning Base", 1.0),
    P.SPECIAL_LA_MAINTAINED: (12, "Special School", 1.0),
    P.SPECIAL_ACADEMY_FREE: (8, "Special Academy", 1.0),
    P.SPECIAL_INDEPENDENT: (40, "Independent Specialist School", 0.45),
    P.SPECIAL_NON_MAINTAINED: (6, "School for the Deaf and Blind", 0.2),
    P.AP_PRU: (6, "Learning Centre", 1.0),
    P.FE_COLLEGE: (6, "College", 1.0),
    P.SPECIALIST_POST16: (8, "Specialist College", 0.5),
    P.EARLY_YEARS: (20, "Nursery", 1.0),
    P.OTHER_ARRANGEMENTS: (3, "Education Otherwise Service", 1.0),
}


@dataclass
class Kid:
    ref: str
    need: str
    ncy: int
    locality: str
    plan: dt.date | None = None
    ceased: dt.date | None = None
    assessments: list[dict] = field(default_factory=list)


@dataclass
class Stay:
    ref: str
    kid: Kid
    provision_type: str
    provider_ref: str
    start: dt.date
    end: dt.date | None
    cost: int  # pence
    health: Decimal = Decimal(0)
    social: Decimal = Decimal(0)


def _days(start: dt.date, end: dt.date) -> int:
    return (end - start).days


def _pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _weeks_to_issue(rng: random.Random, requested: dt.date) -> float:
    """Most plans take well over 20 weeks (mean about 46); one in twenty is on time, as in
    Devon's published 2023 figure (4.9% within 20 weeks).

    Requests from April 2024 go to the new assessment team and are handled faster, so the
    backlog of older requests starts to fall.
    """
    faster = requested >= D(2024, 4, 1)
    if rng.random() < (0.2 if faster else 0.05):
        return rng.uniform(11, 19.9)
    return min(104.0, 20.5 + rng.gammavariate(2.5, 8.0 if faster else 11.0))


class Cohort:
    """The synthetic cohort, built in memory, then written with bulk_create."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.kids: list[Kid] = []
        self.stays: list[Stay] = []
        self.providers: dict[str, list[str]] = {}

    # -- people and assessments ----------------------------------------------------------
    def _kid(self, kind: str) -> Kid:
        rng = self.rng
        low, high = MIX[kind][2]
        kid = Kid(
            ref=f"C{len(self.kids) + 1:06d}",
            need=_pick(rng, NEEDS),
            ncy=rng.randint(low, high),
            locality=rng.choice(LOCALITIES),
        )
        self.kids.append(kid)
        return kid

    def _ceasing(self, kid: Kid, plan: dt.date) -> None:
        """Plans cease (moved away, left education, needs met) at 5–15% a year; young people's
        (NCY 13 and over) at the end of an academic year, 31 August, when they leave."""
        rate = 0.15 if kid.ncy >= 13 else 0.05
        start = max(plan, HISTORY_START)
        when = start + dt.timedelta(days=int(self.rng.expovariate(rate) * 365))
        if kid.ncy >= 13:
            summer = D(when.year, 8, 31)
            when = summer if when <= summer else D(when.year + 1, 8, 31)
        kid.ceased = when if when <= NOW else None

    def requests(self) -> None:
        """Requests for assessment from April 2021, rising each year; 72% lead to a plan."""
        rng = self.rng
        per_month = {2021: 140, 2022: 150, 2023: 185, 2024: 215}
        day = FLOW_START
        while day <= NOW:
            year = day.year if day.month >= 4 else day.year - 1
            for _ in range(per_month[year]):
                requested = day + dt.timedelta(days=rng.randint(0, 27))
                kind = _pick(rng, {k: v[0] for k, v in MIX.items()})
                kid = self._kid(kind)
                row = {
                    "request_date": requested,
                    "exception_20wk": rng.random() < 0.04,
                    "decision_date": requested + dt.timedelta(days=rng.randint(14, 45)),
                }
                if rng.random() < 0.28:  # refused to assess or decided not to issue
                    closed = requested + dt.timedelta(days=rng.randint(35, 130))
                    row["decision_date"] = min(row["decision_date"], closed)
                    row["closed_date"] = closed if closed <= NOW else None
                    if row["decision_date"] > NOW:
                        row["decision_date"] = None
                else:
                    plan = requested + dt.timedelta(days=round(_weeks_to_issue(rng, requested) * 7))
                    if plan <= NOW:
                        row["final_plan_date"] = plan
                        kid.plan = plan
                        self._ceasing(kid, plan)
                        self._placements(kid, kind, plan + dt.timedelta(days=rng.randint(0, 21)))
                    if row["decision_date"] > NOW:
                        row["decision_date"] = None
                kid.assessments.append(row)
            day = (day + dt.timedelta(days=32)).replace(day=1)

    def stock(self) -> None:
        """Children whose plans were issued before April 2021, up to the March 2024 count."""
        rng = self.rng
        march_2024 = D(2024, 3, 31)
        alive = sum(1 for k in self.kids if self._has_plan(k, march_2024))
        span = _days(D(2012, 1, 1), D(2021, 3, 31))
        while alive < PLANS_AT_MARCH_2024:
            kind = _pick(rng, {k: v[0] for k, v in MIX.items()})
            kid = self._kid(kind)
            kid.plan = D(2012, 1, 1) + dt.timedelta(days=rng.randint(0, span))
            requested = kid.plan - dt.timedelta(days=round(_weeks_to_issue(rng, kid.plan) * 7))
            kid.assessments.append(
                {
                    "request_date": requested,
                    "final_plan_date": kid.plan,
                    "decision_date": requested + dt.timedelta(days=40),
                    "exception_20wk": False,
                }
            )
            self._ceasing(kid, kid.plan)
            start = max(kid.plan, D(2016, 9, 1)) + dt.timedelta(days=rng.randint(0, 400))
            self._placements(kid, kind, min(start, D(2022, 3, 31)))
            alive += self._has_plan(kid, march_2024)

    @staticmethod
    def _has_plan(kid: Kid, on: dt.date) -> bool:
        return bool(kid.plan and kid.plan <= on and (kid.ceased is None or kid.ceased > on))

    # -- placements ----------------------------------------------------------------------
    def _cost(self, kind: str, start: dt.date) -> tuple[int, Decimal, Decimal]:
        rng = self.rng
        low, high = MIX[kind][1]
        # Fees rise about 3% a year: older placements were agreed at lower rates.
        years = _days(HISTORY_START, start) / 365
        pounds = rng.uniform(low, high) * max(0.9, 1.03**years)
        health = social = Decimal(0)
        if kind in (P.SPECIAL_INDEPENDENT, P.SPECIAL_NON_MAINTAINED) and rng.random() < 0.3:
            health = Decimal(rng.choice(["10", "12.5", "15", "20", "25"]))
            social = Decimal(rng.choice(["0", "10", "15", "20", "30"]))
        elif kind == P.SPECIALIST_POST16 and rng.random() < 0.2:
            social = Decimal("15")
        return round(pounds) * 100, health, social

    def _placements(self, kid: Kid, kind: str, start: dt.date) -> None:
        """A first placement and, for some, a move; ends when the plan ceases."""
        if start > NOW:
            return
        rng = self.rng
        stop = kid.ceased - dt.timedelta(days=1) if kid.ceased else None
        if stop is not None and stop < start:
            return
        move = None
        if rng.random() < 0.12:
            when = max(start, HISTORY_START) + dt.timedelta(days=rng.randint(30, 1000))
            if when <= NOW and (stop is None or when < stop):
                move = when
        first_end = move - dt.timedelta(days=1) if move else stop
        if first_end is not None and first_end < start:
            first_end = start
        self._stay(kid, kind, start, first_end)
        if move:
            self._stay(kid, _pick(rng, MOVE_MIX), move, stop)

    def _stay(self, kid: Kid, kind: str, start: dt.date, end: dt.date | None) -> None:
        cost, health, social = self._cost(kind, start)
        self.stays.append(
            Stay(
                ref=f"PL{len(self.stays) + 1:07d}",
                kid=kid,
                provision_type=kind,
                provider_ref=self.rng.choice(self.providers[kind]),
                start=start,
                end=end,
                cost=cost,
                health=health,
                social=social,
            )
        )

    def calibrate_cost_change(self) -> Decimal:
        """Scale placements started in the year to 30 Sept 2024 so the average rises £666."""
        on, before = COST_CHANGE_DATE, COST_CHANGE_DATE.replace(year=COST_CHANGE_DATE.year - 1)

        def open_on(stay: Stay, day: dt.date) -> bool:
            return stay.start <= day and (stay.end is None or stay.end >= day)

        plans_now = sum(self._has_plan(k, on) for k in self.kids)
        plans_before = sum(self._has_plan(k, before) for k in self.kids)
        avg_before = round_half_up(
            Decimal(sum(s.cost for s in self.stays if open_on(s, before))) / plans_before
        )
        new = [s for s in self.stays if open_on(s, on) and s.start > before]
        fixed = sum(s.cost for s in self.stays if open_on(s, on) and s.start <= before)
        target_total = (avg_before + COST_CHANGE_PENCE) * plans_now
        factor = (target_total - fixed) / Decimal(sum(s.cost for s in new))
        for stay in new:
            stay.cost = int(round_half_up(stay.cost * factor, -2))  # whole pounds
        # The pounds rounding leaves a few pence; the last new placement absorbs them.
        new[-1].cost += int(target_total - fixed - sum(s.cost for s in new))
        return factor


def _providers(cohort: Cohort) -> list[Provider]:
    rng = cohort.rng
    rows = []
    for kind, (count, label, in_county_share) in PROVIDER_COUNTS.items():
        refs = []
        for i in range(count):
            ref = f"PRV{len(rows) + 1:04d}"
            place = PLACES[(i * 7 + len(rows)) % len(PLACES)]
            rows.append(
                Provider(
                    ref=ref,
                    name=f"{place} {label}"
                    + (f" {i // len(PLACES) + 1}" if i >= len(PLACES) else ""),
                    urn=f"{rng.randint(100000, 149999)}",
                    provision_type=kind,
                    in_county=rng.random() < in_county_share,
                    places=rng.choice([None, 20, 40, 60, 90, 120]) if "special" in kind else None,
                )
            )
            refs.append(ref)
        cohort.providers[kind] = refs
    return rows


def _month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def _invoices(cohort: Cohort, placements: dict[str, Placement], providers: dict) -> list[Invoice]:
    """Monthly invoices for 2024/25 for invoiced provision, with deliberate overpayments."""
    rng = cohort.rng
    rows: list[Invoice] = []

    def add(stay: Stay, start: dt.date, end: dt.date, amount: int) -> Invoice:
        paid = end + dt.timedelta(days=rng.randint(12, 40))
        invoice = Invoice(
            ref=f"INV{len(rows) + 1:08d}",
            provider=providers[stay.provider_ref],
            placement=placements[stay.ref],
            period_start=start,
            period_end=end,
            amount_pence=amount,
            paid_date=paid if paid <= NOW else None,
            status=Invoice.Status.PAID if paid <= NOW else Invoice.Status.RECEIVED,
        )
        rows.append(invoice)
        return invoice

    ended_in_year = []
    for stay in cohort.stays:
        if not MIX[stay.provision_type][3]:
            continue
        if stay.end is not None and stay.end < D(2024, 4, 1):
            continue
        for month in _month_starts(max(stay.start, D(2024, 4, 1)), NOW):
            month_end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            start, end = max(month, stay.start), min(month_end, stay.end or month_end)
            if start > end:
                continue
            whole = start == month and end == month_end
            share = Decimal(1) / 12 if whole else Decimal(_days(start, end) + 1) / 365
            add(stay, start, end, int(round_half_up(stay.cost * share)))
        # Ended by June, so the invoices that carry on after the end are paid by NOW.
        if stay.end is not None and stay.end <= D(2024, 6, 30):
            ended_in_year.append(stay)
    paid = [row for row in rows if row.paid_date]
    # Invoices that carried on after the placement ended.
    for stay in rng.sample(ended_in_year, min(40, len(ended_in_year))):
        after = (stay.end + dt.timedelta(days=32)).replace(day=1)
        for month in _month_starts(
            after, min(NOW, after + dt.timedelta(days=31 * rng.randint(0, 1)))
        ):
            month_end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            add(stay, month, month_end, int(round_half_up(Decimal(stay.cost) / 12)))
    stays = {s.ref: s for s in cohort.stays}
    # The same period invoiced twice, and amounts above the agreed rate.
    for original in rng.sample(paid, 30):
        add(
            stays[original.placement.ref],
            original.period_start,
            original.period_end,
            original.amount_pence,
        )
    for original in rng.sample(paid, 30):
        original.amount_pence = int(original.amount_pence * Decimal(str(rng.uniform(1.08, 1.5))))
    return rows


def _decisions(kids: dict[str, Child], user) -> None:
    """A year of panel decisions, with the briefing's day: two young people, £140,000."""
    rng = random.Random(SEED + 1)
    refs = sorted(kids)
    tuesday = D(2024, 10, 15)
    examples = [
        (
            refs[101],
            [
                OptionInput(
                    "Independent residential special school", P.SPECIAL_INDEPENDENT, 11_200_000
                ),
                OptionInput(
                    "Maintained special school with outreach package",
                    P.SPECIAL_LA_MAINTAINED,
                    2_700_000,
                ),
            ],
        ),
        (
            refs[202],
            [
                OptionInput("Independent special day school", P.SPECIAL_INDEPENDENT, 7_800_000),
                OptionInput(
                    "Resourced provision at local secondary", P.RESOURCED_PROVISION, 2_300_000
                ),
            ],
        ),
    ]
    for ref, options in examples:  # £85,000 + £55,000 = £140,000
        placement_decision_record(
            panel_date=tuesday,
            child=kids[ref],
            options=options,
            chosen_index=1,
            user=user,
            notes="Panel chose the local option; family agreed.",
        )
    day = D(2023, 4, 4)
    while day <= NOW:
        if day != tuesday and rng.random() < 0.5:
            dear = rng.randint(45_000, 90_000) * 100
            cheap = rng.randint(9_000, 30_000) * 100
            options = [
                OptionInput("Independent special school", P.SPECIAL_INDEPENDENT, dear),
                OptionInput("Maintained special school", P.SPECIAL_LA_MAINTAINED, cheap),
            ]
            placement_decision_record(
                panel_date=day,
                child=kids[rng.choice(refs)],
                options=options,
                chosen_index=1,
                user=user,
            )
        day += dt.timedelta(days=14)


COMPARATORS = [
    ("fully funded hourly bus route", "fully funded hourly bus routes", 14_000_000),
    (
        "employment hub in a market town, fully staffed, for a year",
        "employment hubs in market towns, fully staffed, for a year",
        14_000_000,
    ),
    (
        "public health nurse or member of the legal service",
        "public health nurses or members of the legal service",
        5_600_000,
    ),
]


def seed_published_statistics(*, log: Callable[[str], None]) -> None:
    """Import the DfE's real release and statistical neighbours when the shared copy is present
    (re-importing changes nothing), so the demo's Benchmarking page shows real figures."""
    from placements.benchmarks import NEIGHBOURS_CSV, RELEASE_ZIP, shared_statistics_dir
    from send_tracker.imports import run_import

    folder = shared_statistics_dir()
    if folder is None:
        log("placements: no shared DfE release (../shared/data/dfe-ehcp): Benchmarking is empty")
        return
    files = (("statistical_neighbours", NEIGHBOURS_CSV), ("ehcp_statistics", RELEASE_ZIP))
    for kind, name in files:
        data = (folder / name).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if ImportRecord.objects.filter(kind=kind, file_sha256=digest, status="succeeded").exists():
            log(f"placements: {name}: already imported")
            continue  # a second seed changes nothing, and records no second import either
        record = run_import(kind=kind, data=data, file_name=name)
        log(f"placements: {name}: {record.get_status_display().lower()}, "
            f"{record.rows_created} new, {record.rows_updated} revised"
            + "".join(f"; {w}" for w in record.warnings))


def _children_and_placements(cohort: Cohort, providers: dict[str, Provider]) -> None:
    """The cohort's children, their assessments and their placements, in bulk."""
    Child.objects.bulk_create(
        [
            Child(
                ref=k.ref,
                ncy=k.ncy,
                primary_need=k.need,
                locality=k.locality,
                plan_ceased_on=k.ceased,
            )
            for k in cohort.kids
        ],
        batch_size=5000,
    )
    kids = dict(Child.objects.values_list("ref", "id"))
    Assessment.objects.bulk_create(
        [Assessment(child_id=kids[k.ref], **row) for k in cohort.kids for row in k.assessments],
        batch_size=5000,
    )
    Placement.objects.bulk_create(
        [
            Placement(
                ref=s.ref,
                child_id=kids[s.kid.ref],
                provider=providers[s.provider_ref],
                provision_type=s.provision_type,
                start_date=s.start,
                end_date=s.end,
                annual_cost_pence=s.cost,
                health_pct=s.health,
                social_care_pct=s.social,
                status=Placement.Status.ENDED if s.end else Placement.Status.ACTIVE,
            )
            for s in cohort.stays
        ],
        batch_size=5000,
    )


def _review_flags(user) -> OverpaymentScan:
    """Scan the invoices for overpayments and review the first twelve flags, a third each way."""
    scan = overpayment_scan()
    for i, flag in enumerate(OverpaymentFlag.objects.order_by("id")[:12]):
        outcome, note = [
            ("recovered", "Credit note received"),
            ("valid", "Agreed uplift"),
            ("written_off", "Provider closed; not recoverable"),
        ][i % 3]
        overpayment_flag_review(flag=flag, status=outcome, note=note, user=user)
    return scan


def seed(*, log: Callable[[str], None]) -> None:
    """Create the placements demo rows once; a second run finds them and changes nothing."""
    seed_published_statistics(log=log)
    for order, (name, plural, cost) in enumerate(COMPARATORS):
        Comparator.objects.get_or_create(
            name=name, defaults={"plural": plural, "annual_cost_pence": cost, "order": order}
        )
    if Provider.objects.filter(ref=MARKER_REF).exists():
        log("placements: demo cohort already present")
        return
    cohort = Cohort()
    provider_rows = _providers(cohort)
    cohort.requests()
    cohort.stock()
    factor = cohort.calibrate_cost_change()
    Provider.objects.bulk_create(provider_rows, batch_size=2000)
    providers = {p.ref: p for p in Provider.objects.all()}
    _children_and_placements(cohort, providers)
    placements = {p.ref: p for p in Placement.objects.only("id", "ref")}
    invoices = _invoices(cohort, placements, providers)
    Invoice.objects.bulk_create(invoices, batch_size=5000)
    user = get_user_model().objects.filter(username="finance").first()
    with_plans = Child.objects.filter(
        plan_ceased_on__isnull=True, assessments__final_plan_date__isnull=False
    )
    _decisions({c.ref: c for c in with_plans.order_by("ref").only("id", "ref")[:400]}, user)
    scan = _review_flags(user)
    log(
        f"placements: {len(provider_rows)} providers, {len(cohort.kids)} children, "
        f"{len(cohort.stays)} placements, {len(invoices)} invoices, "
        f"{sum(scan.flags_created.values())} overpayment flags "
        f"(cost calibration factor {factor:.3f})"
    )

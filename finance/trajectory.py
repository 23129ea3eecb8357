"""The Safety Valve trajectory: a pure function of plain inputs (DESIGN.md "How the numbers are
computed"). No database here, so every formula can be checked against numbers worked by hand.

Arithmetic is exact Decimal throughout; each figure is rounded half-up to the penny once, when it
becomes a `YearResult`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal, localcontext

from send_tracker.money import round_half_up

# Enough digits that (1+g)^n·(1+i)^n over a decade of 3-decimal percentages is exact.
_PRECISION = 120
PAID_STATUSES = frozenset({"paid", "back_paid"})


@dataclass(frozen=True)
class ScenarioParams:
    """Scenario assumptions as fractions (0.05 = 5%)."""

    growth: dict[str, Decimal]  # g(p) by provision type
    default_growth: Decimal  # g for types not listed
    inflation: Decimal  # i
    income_growth: Decimal  # h
    savings_delivery: Decimal  # s
    mitigation_delivery: Decimal  # m

    def growth_of(self, provision_type: str) -> Decimal:
        return self.growth.get(provision_type, self.default_growth)


@dataclass(frozen=True)
class Instalment:
    amount_pence: int
    status: str  # due, paid, withheld, back_paid


@dataclass(frozen=True)
class TrajectoryInputs:
    """Everything a trajectory needs, already aggregated; all money in pence."""

    y0: int  # the current financial year (start year)
    last_year: int  # the agreement's last year
    caseload: dict[str, int]  # c(p) on 1 April of y0
    high_needs_cost_pence: dict[str, Decimal]  # Σ High Needs share of annual cost by type: c·u
    ledger_outturn_pence: int  # L
    savings_forecast_pence: int  # F0
    savings_targets: dict[int, int]  # T(y), cumulative in-year targets
    mitigations: dict[int, int]  # M(y)
    income: dict[int, int]  # I(y) where entered
    caps: dict[int, int]
    cumulative_targets: dict[int, int]
    instalments: dict[int, Instalment]
    opening_cumulative_deficit_pence: int  # C(y0 − 1)
    scenario: ScenarioParams = field(
        default_factory=lambda: ScenarioParams(
            {}, Decimal(0), Decimal(0), Decimal(0), Decimal(1), Decimal(1)
        )
    )

    def fingerprint(self) -> str:
        """SHA-256 of the inputs in a canonical form: equal inputs, equal fingerprint."""
        return hashlib.sha256(
            json.dumps(self.as_json(), sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest()

    def as_json(self) -> dict:
        """The inputs as JSON-safe data (Decimals as strings), stored on the run."""
        return jsonable(self)


def jsonable(inputs) -> dict:
    """A dataclass of inputs as stored on a run (Decimals as strings, keys as text): the one
    form runs are compared in."""
    return json.loads(json.dumps(asdict(inputs), default=str, sort_keys=True))


@dataclass(frozen=True)
class YearResult:
    """One year of the trajectory, every figure in whole pence."""

    year: int
    placement_spend_pence: int
    unmitigated_spend_pence: int
    savings_pence: int
    mitigations_pence: int
    mitigated_spend_pence: int
    income_pence: int
    in_year_deficit_pence: int
    cumulative_deficit_pence: int  # every instalment received
    cumulative_deficit_at_risk_pence: int  # at-risk instalments withheld
    cap_pence: int | None
    cumulative_target_pence: int | None
    variance_pence: int | None
    instalment_pence: int
    instalment_at_risk: bool


def placement_spend(inputs: TrajectoryInputs, n: int) -> Decimal:
    """P(y) = Σp c(p)·(1+g(p))^n · u(p)·(1+i)^n, with c(p)·u(p) the type's High Needs cost."""
    i = inputs.scenario.inflation
    total = Decimal(0)
    for code, cost in inputs.high_needs_cost_pence.items():
        g = inputs.scenario.growth_of(code)
        total += Decimal(cost) * (1 + g) ** n * (1 + i) ** n
    return total


def other_spend(inputs: TrajectoryInputs, n: int) -> Decimal:
    """O(y) = O(y0)·(1+i)^n where O(y0) = U(y0) − P(y0) calibrates the model to the ledger."""
    unmitigated_y0 = Decimal(inputs.ledger_outturn_pence + inputs.savings_forecast_pence)
    return (unmitigated_y0 - placement_spend(inputs, 0)) * (1 + inputs.scenario.inflation) ** n


def savings_delivered(inputs: TrajectoryInputs, year: int) -> Decimal:
    """S(y0) = F0; S(y) = T(y)·s for later years."""
    if year == inputs.y0:
        return Decimal(inputs.savings_forecast_pence)
    return Decimal(inputs.savings_targets.get(year, 0)) * inputs.scenario.savings_delivery


def income_for(inputs: TrajectoryInputs, year: int, previous: Decimal | None) -> Decimal:
    """I(y) as entered, else I(y−1)·(1+h)."""
    if year in inputs.income:
        return Decimal(inputs.income[year])
    if previous is None:
        # y0 without an entered figure: grow the latest entered year before it.
        earlier = [y for y in inputs.income if y < year]
        if not earlier:
            return Decimal(0)
        base = max(earlier)
        return Decimal(inputs.income[base]) * (1 + inputs.scenario.income_growth) ** (year - base)
    return previous * (1 + inputs.scenario.income_growth)


def instalment_received(instalment: Instalment | None, *, at_risk: bool) -> Decimal:
    """D(y): the instalment if it is paid, or due and not at risk; else 0."""
    if instalment is None:
        return Decimal(0)
    if instalment.status in PAID_STATUSES or (instalment.status == "due" and not at_risk):
        return Decimal(instalment.amount_pence)
    return Decimal(0)


def compute(inputs: TrajectoryInputs) -> list[YearResult]:
    """The trajectory from y0 to the agreement's last year."""
    results: list[YearResult] = []
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        s = inputs.scenario
        cumulative_all = Decimal(inputs.opening_cumulative_deficit_pence)
        cumulative_at_risk = Decimal(inputs.opening_cumulative_deficit_pence)
        income: Decimal | None = None
        for year in range(inputs.y0, inputs.last_year + 1):
            n = year - inputs.y0
            placements = placement_spend(inputs, n)
            unmitigated = placements + other_spend(inputs, n)
            savings = savings_delivered(inputs, year)
            mitigations = Decimal(inputs.mitigations.get(year, 0)) * s.mitigation_delivery
            mitigated = unmitigated - savings - mitigations
            income = income_for(inputs, year, income)
            deficit = mitigated - income
            cap = inputs.caps.get(year)
            variance = deficit - cap if cap is not None else None
            at_risk = variance is not None and variance > 0
            instalment = inputs.instalments.get(year)
            amount = Decimal(instalment.amount_pence) if instalment else Decimal(0)
            cumulative_all += deficit - amount
            cumulative_at_risk += deficit - instalment_received(instalment, at_risk=at_risk)
            target = inputs.cumulative_targets.get(year)
            results.append(
                YearResult(
                    year=year,
                    placement_spend_pence=_pence(placements),
                    unmitigated_spend_pence=_pence(unmitigated),
                    savings_pence=_pence(savings),
                    mitigations_pence=_pence(mitigations),
                    mitigated_spend_pence=_pence(mitigated),
                    income_pence=_pence(income),
                    in_year_deficit_pence=_pence(deficit),
                    cumulative_deficit_pence=_pence(cumulative_all),
                    cumulative_deficit_at_risk_pence=_pence(cumulative_at_risk),
                    cap_pence=cap,
                    cumulative_target_pence=target,
                    variance_pence=_pence(variance) if variance is not None else None,
                    instalment_pence=int(amount),
                    instalment_at_risk=bool(
                        at_risk and instalment is not None and instalment.status == "due"
                    ),
                )
            )
    return results


def _pence(value: Decimal) -> int:
    """The one rounding of a figure: half-up to the whole penny."""
    return int(round_half_up(value))

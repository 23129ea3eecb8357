"""Demo data of the finance app, loaded by `manage.py seed_demo`. Idempotent.

Runs after the placements and programme seeds. The agreement's figures are illustrative
reconstructions from public reporting (DOMAIN.md section 7), not the agreement's text.
Chosen so that 2024/25 Month 6 shows the briefing: forecast outturn £170.1m against a budget of
£155.4m (income £124.2m + the £31.2m cap), an in-year deficit of £45.9m, £14.7m above the cap,
with £4.7m of mitigations identified.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model

from finance import services
from finance.models import AgreementVersion, Instalment, Mitigation, Pressure
from send_tracker.fiscal import FinancialYear
from send_tracker.money import to_pence

M = 100_000_000  # pence in £1m

# s251 High Needs lines: code, name, 2024/25 budget (£m), Month 6 overspend (£m).
LINES = [
    ("1.0.2", "High needs place funding", "28.0", "0.0"),
    ("1.2.1", "Top-up – maintained schools", "14.5", "1.4"),
    ("1.2.2", "Top-up – academies, free schools and colleges", "24.0", "2.9"),
    ("1.2.3", "Top-up and other funding – non-maintained and independent providers", "45.0", "8.6"),
    ("1.2.4", "Additional high-needs targeted funding for mainstream", "8.5", "-0.3"),
    ("1.2.5", "SEN support services", "6.0", "-0.2"),
    ("1.2.6", "Hospital education", "2.4", "0.0"),
    ("1.2.7", "Other AP services", "7.5", "1.1"),
    ("1.2.8", "Support for inclusion", "3.0", "-0.1"),
    ("1.2.9", "Special schools/PRUs in financial difficulty", "0.5", "0.0"),
    ("1.2.10", "PFI/BSF", "0.3", "0.0"),
    ("1.2.11", "Direct payments (SEN and disability)", "2.2", "0.4"),
    ("1.2.13", "Therapies and other health-related services", "13.5", "0.9"),
]
BIGGEST = "1.2.3"  # takes the rounding remainder of each spread
# Total forecast overspend against budget at each period (£m): how Month 6 got here.
OVERSPEND_2024 = ["2.5", "4.2", "5.6", "7.3", "11.0", "14.7"]  # P1–P6 (July: £38.5m deficit)
BUDGET_2023 = "135.6"
OVERSPEND_2023 = ["3.0", "4.5", "6.0", "7.2", "8.5", "9.6", "10.4", "11.3", "12.0", "12.8",
                  "13.4", "13.8"]  # outturn £149.4m

INCOME = {2023: "117.0", 2024: "124.2", 2025: "128.0"}
# DfE payments: £38m by March 2024, £6.3m a year 2024/25–2030/31, £12.7m in 2031/32.
INSTALMENTS = {2023: "38.0", **{y: "6.3" for y in range(2024, 2031)}, 2031: "12.7"}
CAPS_ORIGINAL = {2024: "31.2", 2025: "18.0", 2026: "8.0", 2027: "0", 2028: "0", 2029: "0",
                 2030: "0", 2031: "0"}
# The proposed reprofile moves £10m of year one's gap into later years' catch-up.
CAPS_REPROFILE = {2024: "41.2", 2025: "16.0", 2026: "4.0", 2027: "-2.0", 2028: "-2.0",
                  2029: "0", 2030: "0", 2031: "0"}
OPENING_DEFICIT = "164.0"  # cumulative DSG deficit at 31 March 2024

MITIGATIONS = [
    ("Additional alternative provision solutions", "1.6", "amber", "in_progress",
     "Head of SEND Sufficiency"),
    ("Health clawback of jointly funded packages", "1.5", "amber", "identified",
     "Head of Commissioning"),
    ("Review of early years packages", "0.8", "green", "in_progress", "Early Years Inclusion Lead"),
    ("Invoicing changes from January", "0.8", "amber", "identified", "SEND Finance Manager"),
]

SCENARIOS = [
    ("baseline", "Baseline", True, "Current trends: growth easing towards trend, inflation as "
     "budgeted, most savings and mitigations delivered.",
     {"special_independent": "4", "special_non_maintained": "4", "special_la_maintained": "3",
      "special_academy_free": "3"}, "2", "2.5", "3", "85", "75"),
    ("optimistic", "Optimistic", False, "Demand back to trend, local places replace "
     "independent ones, every saving and mitigation lands.",
     {"special_independent": "0", "special_non_maintained": "0"}, "2", "2", "4", "100", "100"),
    ("pessimistic", "Pessimistic", False, "Demand stays 10–15% above trend; savings slip.",
     {"special_independent": "10", "special_non_maintained": "10", "special_la_maintained": "6",
      "special_academy_free": "6"}, "6", "4", "2", "70", "50"),
]


def _m(text: str) -> int:
    return to_pence(Decimal(text) * 1_000_000)


def _spread(total_over: int, shares: dict[str, int]) -> dict[str, int]:
    """Split an overspend over lines in proportion to Month 6's, remainder to the biggest line."""
    whole = sum(shares.values())
    split = {code: share * total_over // whole for code, share in shares.items()}
    split[BIGGEST] += total_over - sum(split.values())
    return split


def _seed_ledger(user, lines) -> None:
    budgets_2024 = {code: _m(b) for code, _, b, _ in LINES}
    shares = {code: _m(o) for code, _, _, o in LINES}
    budgets_2023 = {code: b * _m(BUDGET_2023) // _m("155.4") for code, b in budgets_2024.items()}
    budgets_2023[BIGGEST] += _m(BUDGET_2023) - sum(budgets_2023.values())
    for year, budgets, overs in ((2023, budgets_2023, OVERSPEND_2023),
                                 (2024, budgets_2024, OVERSPEND_2024)):
        for code, budget in budgets.items():
            services.budget_set(line=lines[code], year=FinancialYear(year), budget_pence=budget,
                                user=user)
        for period, over in enumerate(overs, start=1):
            split = _spread(_m(over), shares)
            for code, budget in budgets.items():
                forecast = budget + split[code]
                services.monthly_forecast_set(
                    line=lines[code], year=FinancialYear(year), period=period, budget_pence=budget,
                    # Spend to date runs a little behind a straight line (invoices lag).
                    actual_to_date_pence=forecast * period * 96 // 1200,
                    forecast_outturn_pence=forecast, user=user,
                )


def _seed_agreement(user) -> None:
    agreement = services.agreement_upsert(
        authority="Southshire County Council", signed_on=dt.date(2024, 3, 15),
        total_contribution_pence=sum(_m(v) for v in INSTALMENTS.values()),
        notes="Illustrative reconstruction from public reporting of a county's Safety Valve "
              "agreement (DfE about £95m over nine years); not the agreement's text.",
        user=user,
    )
    original = agreement.versions.filter(number=0).first() or services.agreement_version_create(
        agreement=agreement, number=0, name="Original agreement (March 2024)",
        status=AgreementVersion.Status.AGREED, agreed_on=dt.date(2024, 3, 15), user=user)
    reprofile = agreement.versions.filter(number=1).first() or (
        services.agreement_version_reprofile(
            version=original, name="Reprofile 1 (proposed November 2024)",
            reason="Slippage on new special school places and placement cost reforms in year "
                   "one, with demand 10–15% above trend: part of year one's gap moved to later "
                   "years.",
            user=user))
    for version, caps in ((original, CAPS_ORIGINAL), (reprofile, CAPS_REPROFILE)):
        cumulative = _m(OPENING_DEFICIT)
        for year, cap in caps.items():
            cumulative += _m(cap) - _m(INSTALMENTS.get(year, "0"))
            services.agreement_target_set(version=version, year=FinancialYear(year),
                                          in_year_cap_pence=_m(cap),
                                          cumulative_target_pence=cumulative, user=user)
    for year, amount in INSTALMENTS.items():
        paid = year == 2023
        services.instalment_set(
            agreement=agreement, year=FinancialYear(year), amount_pence=_m(amount),
            due_on=dt.date(year + 1, 3, 31),
            status=Instalment.Status.PAID if paid else Instalment.Status.DUE,
            paid_on=dt.date(2024, 3, 28) if paid else None, user=user)
    if not agreement.conditions.exists():
        for order, (text, rag, evidence) in enumerate([
            ("Keep the in-year High Needs deficit within the agreed cap each year.", "red",
             "Month 6 forecast £45.9m against a £31.2m cap."),
            ("Deliver the DSG management plan's savings (£15.4m in 2024/25).", "amber",
             "Programme forecast £11.0m of £15.4m at Month 6."),
            ("Clear assessment requests open over 16 weeks.", "amber",
             "Backlog falling; clearance adding about £5.5m of cost in year."),
            ("Report quarterly to the DfE on the plan and its KPIs.", "green",
             "Returns submitted on time in 2024/25."),
        ], start=1):
            services.condition_save(agreement=agreement, text=text, rag=rag, evidence=evidence,
                                    order=order, user=user)
    if not agreement.returns.exists():
        for title, due, submitted, feedback in [
            ("Quarter 1 2024/25 monitoring return", dt.date(2024, 8, 28), dt.date(2024, 8, 27),
             "Accepted. DfE asked for the demand assumptions behind the forecast."),
            ("Quarter 2 2024/25 monitoring return", dt.date(2024, 11, 29), None, ""),
            ("Quarter 3 2024/25 monitoring return", dt.date(2025, 2, 28), None, ""),
        ]:
            services.monitoring_return_save(agreement=agreement, title=title, due_on=due,
                                            submitted_on=submitted, feedback=feedback, user=user)


def _seed_pressures(user) -> None:
    # Entered figures first; inflation and demand are then derived from placements if they can be.
    entered = [
        (Pressure.Kind.BACKLOG, "5.5", "Clearing assessment requests over 16 weeks (DfE "
         "improvement plan): extra cost of the new plans in year, service estimate."),
        (Pressure.Kind.INFLATION, None, "£666 per plan × 8,994 plans (service estimate; "
         "replaced by the cohort's own figures when placements are loaded)."),
        (Pressure.Kind.DEMAND, "1.5", "Requests running 10–15% above trend (service estimate)."),
        (Pressure.Kind.SLIPPAGE, "0.8", "Slippage on new special school places and placement "
         "cost reforms (year one of the Safety Valve)."),
    ]
    existing = set(Pressure.objects.filter(year=2024).values_list("kind", flat=True))
    for kind, amount, basis in entered:
        if kind in existing:
            continue  # entered once; later runs leave officers' (or derived) figures alone
        pence = 66_600 * 8_994 if amount is None else _m(amount)
        services.pressure_set(year=FinancialYear(2024), kind=kind, amount_pence=pence,
                              basis=basis, user=user)
    services.pressures_derive(year=FinancialYear(2024), period=6, user=user)


def seed(*, log: Callable[[str], None]) -> None:
    """Create or update the finance demo rows."""
    user = get_user_model().objects.filter(username="finance").first()
    lines = {code: services.budget_line_upsert(code=code, name=name, order=index, user=user)
             for index, (code, name, _, _) in enumerate(LINES)}
    for year, amount in INCOME.items():
        services.high_needs_income_set(year=FinancialYear(year), allocation_pence=_m(amount),
                                       user=user)
    services.deficit_outturn_set(year=FinancialYear(2023), in_year_deficit_pence=_m("32.4"),
                                 cumulative_deficit_pence=_m(OPENING_DEFICIT), user=user)
    _seed_ledger(user, lines)
    log("finance: s251 lines, budgets, ledger 2023/24 P1–P12 and 2024/25 P1–P6")
    _seed_agreement(user)
    log("finance: Safety Valve agreement (original and a proposed reprofile)")
    _seed_pressures(user)
    for name, value, confidence, status, owner in MITIGATIONS:
        fields = {"value_pence": _m(value), "confidence": confidence, "status": status,
                  "owner": owner}
        found = Mitigation.objects.filter(year=2024, name=name).first()
        if found is None:
            services.mitigation_create(year=FinancialYear(2024), name=name, user=user, **fields)
        else:  # seeding again resets it (no change, no history)
            services.mitigation_update(mitigation=found, fields=fields, user=user)
    for slug, name, baseline, description, growth, default, infl, income, sav, mit in SCENARIOS:
        services.scenario_upsert(
            slug=slug, name=name, is_baseline=baseline, description=description,
            growth_by_type=growth, default_growth_pct=Decimal(default),
            unit_cost_inflation_pct=Decimal(infl), income_growth_pct=Decimal(income),
            savings_delivery_pct=Decimal(sav), mitigation_delivery_pct=Decimal(mit), user=user)
    log("finance: pressures, mitigations (£4.7m) and three scenarios")


def after_commit(*, log: Callable[[str], None]) -> None:
    """Ask for the trajectory recompute now the demo data is committed."""
    from finance.services.recompute import trajectory_recompute_request

    queued = trajectory_recompute_request()
    log("finance: trajectory recompute " + ("queued" if queued else "already asked for") +
        " (if no worker runs it: `manage.py recompute_trajectory --wait`)")

"""The trajectory formulas against numbers worked by hand (no database)."""

from __future__ import annotations

from decimal import Decimal

from finance import trajectory as core


def _inputs(**overrides) -> core.TrajectoryInputs:
    """Two provision types, three years, growth and inflation, an instalment at risk in 2025.

    Type A: 10 plans costing 1,000,000p in all (u = 100,000p), growth 10%.
    Type B: 4 plans costing 2,000,000p in all (u = 500,000p), growth 5%.
    Unit-cost inflation 2.5%, income growth 3%, savings delivery 50%, mitigation delivery 50%.
    """
    values = {
        "y0": 2024,
        "last_year": 2026,
        "caseload": {"a": 10, "b": 4},
        "high_needs_cost_pence": {"a": Decimal(1_000_000), "b": Decimal(2_000_000)},
        "ledger_outturn_pence": 5_000_000,  # L
        "savings_forecast_pence": 300_000,  # F0
        "savings_targets": {2024: 999_999, 2025: 400_000, 2026: 600_000},  # T(2024) unused
        "mitigations": {2024: 200_000, 2025: 100_000},
        "income": {2024: 4_000_000},
        "caps": {2024: 1_000_000, 2025: 1_000_000, 2026: 1_500_000},
        "cumulative_targets": {2024: 10_700_000, 2025: 11_200_000, 2026: 12_000_000},
        "instalments": {
            2024: core.Instalment(300_000, "paid"),
            2025: core.Instalment(500_000, "due"),
            2026: core.Instalment(700_000, "due"),
        },
        "opening_cumulative_deficit_pence": 10_000_000,
        "scenario": core.ScenarioParams(
            growth={"a": Decimal("0.10"), "b": Decimal("0.05")},
            default_growth=Decimal(0),
            inflation=Decimal("0.025"),
            income_growth=Decimal("0.03"),
            savings_delivery=Decimal("0.5"),
            mitigation_delivery=Decimal("0.5"),
        ),
    }
    values.update(overrides)
    return core.TrajectoryInputs(**values)


def test_the_trajectory_matches_the_figures_worked_by_hand():
    y2024, y2025, y2026 = core.compute(_inputs())

    # 2024 (n = 0): P = 1,000,000 + 2,000,000 = 3,000,000.
    # U = L + F0 = 5,000,000 + 300,000 = 5,300,000, so O(y0) = 5,300,000 − 3,000,000 = 2,300,000.
    # S = F0 = 300,000; M·m = 200,000 × 0.5 = 100,000; A = 5,300,000 − 300,000 − 100,000.
    # I = 4,000,000 (entered); E = 4,900,000 − 4,000,000 = 900,000; V = 900,000 − 1,000,000.
    # The 2024 instalment is paid: C = 10,000,000 + 900,000 − 300,000 = 10,600,000 both ways.
    assert y2024.placement_spend_pence == 3_000_000
    assert y2024.unmitigated_spend_pence == 5_300_000
    assert y2024.savings_pence == 300_000
    assert y2024.mitigations_pence == 100_000
    assert y2024.mitigated_spend_pence == 4_900_000
    assert y2024.income_pence == 4_000_000
    assert y2024.in_year_deficit_pence == 900_000
    assert y2024.variance_pence == -100_000
    assert y2024.instalment_at_risk is False
    assert y2024.cumulative_deficit_pence == 10_600_000
    assert y2024.cumulative_deficit_at_risk_pence == 10_600_000

    # 2025 (n = 1): A: 1,000,000 × 1.10 × 1.025 = 1,127,500; B: 2,000,000 × 1.05 × 1.025 =
    # 2,152,500; P = 3,280,000. O = 2,300,000 × 1.025 = 2,357,500; U = 5,637,500.
    # S = T × s = 400,000 × 0.5 = 200,000; M·m = 100,000 × 0.5 = 50,000; A = 5,387,500.
    # I = 4,000,000 × 1.03 = 4,120,000; E = 1,267,500; V = 1,267,500 − 1,000,000 = 267,500 > 0,
    # so the 2025 instalment (500,000, due) is at risk.
    # All received: C = 10,600,000 + 1,267,500 − 500,000 = 11,367,500.
    # At-risk withheld: C = 10,600,000 + 1,267,500 − 0 = 11,867,500.
    assert y2025.placement_spend_pence == 3_280_000
    assert y2025.unmitigated_spend_pence == 5_637_500
    assert y2025.savings_pence == 200_000
    assert y2025.mitigations_pence == 50_000
    assert y2025.mitigated_spend_pence == 5_387_500
    assert y2025.income_pence == 4_120_000
    assert y2025.in_year_deficit_pence == 1_267_500
    assert y2025.variance_pence == 267_500
    assert y2025.instalment_at_risk is True
    assert y2025.cumulative_deficit_pence == 11_367_500
    assert y2025.cumulative_deficit_at_risk_pence == 11_867_500

    # 2026 (n = 2): (1.025)² = 1.050625.
    # A: 1,000,000 × 1.21 × 1.050625 = 1,271,256.25; B: 2,000,000 × 1.1025 × 1.050625 =
    # 2,316,628.125; P = 3,587,884.375 → 3,587,884p.
    # O = 2,300,000 × 1.050625 = 2,416,437.5; U = 6,004,321.875 → 6,004,322p.
    # S = 600,000 × 0.5 = 300,000; no mitigations; A = 5,704,321.875 → 5,704,322p.
    # I = 4,120,000 × 1.03 = 4,243,600; E = 1,460,721.875 → 1,460,722p (rounded once, exact
    # value carried on); V = 1,460,721.875 − 1,500,000 = −39,278.125 → −39,278p; not at risk.
    # All received: C = 11,367,500 + 1,460,721.875 − 700,000 = 12,128,221.875 → 12,128,222p.
    # At-risk withheld: C = 11,867,500 + 1,460,721.875 − 700,000 = 12,628,221.875 → 12,628,222p.
    assert y2026.placement_spend_pence == 3_587_884
    assert y2026.unmitigated_spend_pence == 6_004_322
    assert y2026.savings_pence == 300_000
    assert y2026.mitigations_pence == 0
    assert y2026.mitigated_spend_pence == 5_704_322
    assert y2026.income_pence == 4_243_600
    assert y2026.in_year_deficit_pence == 1_460_722
    assert y2026.variance_pence == -39_278
    assert y2026.instalment_at_risk is False
    assert y2026.cumulative_deficit_pence == 12_128_222
    assert y2026.cumulative_deficit_at_risk_pence == 12_628_222
    assert [y2024.cap_pence, y2025.cap_pence, y2026.cap_pence] == [1_000_000, 1_000_000, 1_500_000]
    assert y2026.cumulative_target_pence == 12_000_000


def test_with_full_savings_and_no_mitigation_the_current_year_spends_the_ledger_forecast():
    scenario = core.ScenarioParams(
        growth={"a": Decimal("0.137"), "b": Decimal("0.031")}, default_growth=Decimal(0),
        inflation=Decimal("0.0333"), income_growth=Decimal("0.01"),
        savings_delivery=Decimal(1), mitigation_delivery=Decimal(0),
    )
    first = core.compute(_inputs(ledger_outturn_pence=17_010_000_001, scenario=scenario))[0]

    assert first.mitigated_spend_pence == 17_010_000_001


def test_a_withheld_instalment_is_never_counted_when_at_risk_ones_are_withheld():
    instalments = {2024: core.Instalment(300_000, "withheld")}
    first = core.compute(_inputs(instalments=instalments))[0]

    # E = 900,000 as above; all received counts the 300,000, withheld counts nothing.
    assert first.cumulative_deficit_pence == 10_600_000
    assert first.cumulative_deficit_at_risk_pence == 10_900_000


def test_income_for_the_first_year_grows_from_the_latest_entered_year_when_missing():
    results = core.compute(_inputs(income={2023: 4_000_000}))

    # 4,000,000 × 1.03 = 4,120,000 in 2024, then × 1.03 = 4,243,600 in 2025.
    assert [r.income_pence for r in results[:2]] == [4_120_000, 4_243_600]


def test_equal_inputs_have_equal_fingerprints_and_a_changed_assumption_changes_it():
    assert _inputs().fingerprint() == _inputs().fingerprint()
    assert _inputs().fingerprint() != _inputs(ledger_outturn_pence=5_000_001).fingerprint()


def test_placement_spend_compounds_growth_and_inflation_by_type():
    # n = 2: A 1,000,000 × 1.1² × 1.025² = 1,271,256.25; B 2,000,000 × 1.05² × 1.025² =
    # 2,316,628.125; together 3,587,884.375 (exact, not yet rounded).
    assert core.placement_spend(_inputs(), 2) == Decimal("3587884.375")


def test_other_spend_is_calibrated_to_the_ledger_and_grows_with_inflation():
    # O(y0) = (L + F0) − P(y0) = 5,300,000 − 3,000,000; then × 1.025 a year.
    assert core.other_spend(_inputs(), 0) == Decimal(2_300_000)
    assert core.other_spend(_inputs(), 2) == Decimal("2416437.5")


def test_savings_are_the_forecast_this_year_and_the_target_times_delivery_later():
    assert core.savings_delivered(_inputs(), 2024) == Decimal(300_000)  # F0, not T(2024)
    assert core.savings_delivered(_inputs(), 2026) == Decimal(300_000)  # 600,000 × 50%
    assert core.savings_delivered(_inputs(), 2030) == Decimal(0)  # no target that year


def test_an_instalment_counts_when_paid_or_due_and_not_at_risk():
    due, paid = core.Instalment(500, "due"), core.Instalment(500, "paid")
    assert core.instalment_received(due, at_risk=False) == 500
    assert core.instalment_received(due, at_risk=True) == 0
    assert core.instalment_received(paid, at_risk=True) == 500
    assert core.instalment_received(core.Instalment(500, "back_paid"), at_risk=True) == 500
    assert core.instalment_received(core.Instalment(500, "withheld"), at_risk=False) == 0
    assert core.instalment_received(None, at_risk=False) == 0

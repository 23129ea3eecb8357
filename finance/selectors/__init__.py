"""Reads of the finance app: querysets and aggregates for views, the API, charts and jobs.

A package (budget, summary, agreement, trajectory); the names other apps use are re-exported here.
"""

from finance.selectors.agreement import (  # noqa: F401
    agreement_get,
    agreement_page,
    cap_for,
    current_targets,
    current_version,
    version_comparison,
    versions_with_targets,
)
from finance.selectors.budget import (  # noqa: F401
    budget_monitoring,
    forecast_by_period,
    latest_period,
    ledger_periods,
    variance_rag,
)
from finance.selectors.measures import (  # noqa: F401
    deficit_after_expected_mitigation_delivery,
    deficit_after_mitigations_identified,
    trajectory_as_at,
)
from finance.selectors.summary import (  # noqa: F401
    derived_pressures,
    finance_summary,
    mitigation_list,
    mitigations_total,
    overspend_bridge,
    pressure_list,
    pressures_by_kind,
)
from finance.selectors.trajectory import (  # noqa: F401
    base_inputs,
    current_runs,
    run_reflects_assumptions,
    scenario_history,
    trajectory_page_charts,
    trajectory_points,
)

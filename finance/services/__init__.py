"""Writes of the finance app: every state change goes through a function here, in a transaction.

A package (budget, agreement, scenario, recompute); every service is re-exported here.
"""

from finance.services.agreement import (  # noqa: F401
    agreement_target_set,
    agreement_upsert,
    agreement_version_agree,
    agreement_version_create,
    agreement_version_reprofile,
    condition_save,
    instalment_set,
    monitoring_return_save,
)
from finance.services.budget import (  # noqa: F401
    budget_line_upsert,
    budget_set,
    deficit_outturn_set,
    high_needs_income_set,
    mitigation_create,
    mitigation_update,
    monthly_forecast_set,
    pressure_set,
    pressures_derive,
)
from finance.services.recompute import (  # noqa: F401
    trajectory_recompute,
    trajectory_recompute_request,
    trajectory_recompute_state,
)
from finance.services.scenario import (  # noqa: F401
    scenario_create,
    scenario_update,
    scenario_upsert,
)

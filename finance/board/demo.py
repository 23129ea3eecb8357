"""Demo board summaries: 2024/25 P4 and P5 signed off, P6 a draft. Idempotent.

Built synchronously through the same service the Celery task calls, after the other apps'
demo data, so the month-on-month view has something to show.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model

from finance.board import services
from finance.board.models import BoardSummary

YEAR = 2024
SIGNED_OFF = (4, 5)
DRAFT = 6

TEXT = {
    4: ("Forecast delivery has slipped on the Sufficiency strand as new special school places "
        "open later than planned. Demand for assessments remains 10–15% above trend.",
        "Note the slippage and agree the Sufficiency recovery plan."),
    5: ("The overspend has grown to £11.0m as backlog clearance drives new plans. Mitigations "
        "are being scoped with health and early years colleagues.",
        "Approve scoping of in-year mitigations (alternative provision, health clawback, early "
        "years packages, invoicing)."),
    6: ("Savings are forecast at £11.0m of the £15.4m target. The forecast overspend is £14.7m "
        "above the Safety Valve position before the £4.7m of mitigations identified. "
        "Discussions with DfE on reprofiling year one are under way.",
        "1. Agree to redeploy about 20 staff to the five priority areas.\n"
        "2. Agree to ask DfE to reprofile part of year one of the Safety Valve agreement."),
}


def _ensure_text(summary: BoardSummary, period: int, office) -> BoardSummary:
    if summary.commentary or summary.decisions_needed or not summary.is_draft:
        return summary
    commentary, decisions = TEXT[period]
    return services.board_summary_update_text(
        summary_id=summary.pk, user=office, commentary=commentary, decisions_needed=decisions
    )


def _ensure_trajectory(log: Callable[[str], None]) -> None:
    """The snapshot carries the baseline trajectory: compute it now if the data changed."""
    from finance.services.recompute import trajectory_recompute

    runs = trajectory_recompute()
    if runs:
        log(f"board: computed {len(runs)} trajectory run(s) for the snapshots")


def seed(*, log: Callable[[str], None]) -> None:
    """Build and sign off 2024/25 P4 and P5, and build the P6 draft (nothing if already done)."""
    users = get_user_model().objects
    director = users.get(username="director")
    office = users.get(username="finance")
    _ensure_trajectory(log)
    for period in SIGNED_OFF:
        latest = (
            BoardSummary.objects.filter(year=YEAR, period=period).order_by("-version").first()
        )
        if latest is not None and not latest.is_draft:
            continue
        summary = services.board_summary_build(year=YEAR, period=period).summary
        summary = _ensure_text(summary, period, office)
        # Historical months: signed off without e-mailing anyone.
        services.board_summary_sign_off(summary_id=summary.pk, user=director, distribute=False)
        log(f"board: 2024/25 P{period} built and signed off")
    result = services.board_summary_build(year=YEAR, period=DRAFT)
    _ensure_text(result.summary, DRAFT, office)
    log(f"board: 2024/25 P{DRAFT} draft {result.outcome}")

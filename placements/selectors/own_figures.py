"""Stand-in for the council's own figures on the published definitions (issue 15 part 4).

Engineer "own15" builds the real module; theirs replaces this file at merge. Until then the
Benchmarking page shows no own figures.
"""

from __future__ import annotations

from decimal import Decimal

# provision type → release column, with labels (the real table comes with part 4).
SETTING_CATEGORIES: list = []


def council_own_figures() -> dict[str, dict[str, Decimal | int]]:
    """measure code → time_period (as the release codes it) → value, from the records."""
    return {}

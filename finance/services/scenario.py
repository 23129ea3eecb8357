"""Writes of scenarios: the named sets of trajectory assumptions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from finance.models import Scenario
from finance.services.common import save_audited
from send_tracker.versioning import version_claim_or_refuse

ASSUMPTIONS = (
    "default_growth_pct",
    "unit_cost_inflation_pct",
    "income_growth_pct",
    "savings_delivery_pct",
    "mitigation_delivery_pct",
    "growth_by_type",
    "description",
)


def _clean_growth(growth: dict[str, Any]) -> dict[str, str]:
    """Provision type → growth % as a string (exact), dropping blanks."""
    return {
        code: str(Decimal(str(pct)))
        for code, pct in sorted(growth.items())
        if pct not in (None, "")
    }


@transaction.atomic
def scenario_upsert(
    *, slug: str, name: str, is_baseline: bool = False, user: Any = None, **assumptions: Any
) -> Scenario:
    """Create a scenario or reset its assumptions (the demo seed)."""
    scenario = Scenario.objects.select_for_update().filter(slug=slug).first() or Scenario(slug=slug)
    values = {"name": name, "is_baseline": is_baseline}
    for field in ASSUMPTIONS:
        if field in assumptions:
            value = assumptions[field]
            values[field] = _clean_growth(value) if field == "growth_by_type" else value
    if scenario.pk and all(getattr(scenario, f) == v for f, v in values.items()):
        return scenario  # unchanged: no false history
    for field, value in values.items():
        setattr(scenario, field, value)
    return save_audited(scenario, user=user)


@transaction.atomic
def scenario_update(
    *, scenario: Scenario, version: int, user: Any = None, **assumptions: Any
) -> Scenario:
    """Change a scenario's assumptions; refused if it changed since `version` was read.

    The trajectory recomputes after commit (debounced), so the request never waits on it.
    """
    unknown = set(assumptions) - set(ASSUMPTIONS) - {"name"}
    if unknown:
        raise ValidationError(f"Not a scenario assumption: {', '.join(sorted(unknown))}.")
    version_claim_or_refuse(Scenario, pk=scenario.pk, read_version=version)
    locked = Scenario.objects.get(pk=scenario.pk)  # held by our UPDATE until commit
    for field, value in assumptions.items():
        setattr(locked, field, _clean_growth(value) if field == "growth_by_type" else value)
    return save_audited(locked, user=user)


# Paths under /finance/scenarios/ that are pages, not scenarios.
_RESERVED_SLUGS = {"add"}


@transaction.atomic
def scenario_create(
    *, name: str, copy_from: Scenario, description: str = "", user: Any = None
) -> Scenario:
    """A new scenario starting from another's assumptions (never the baseline: there is one).

    The name must be new (case aside); the address is made from it, numbered if taken.
    """
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Enter a name for the scenario."})
    if Scenario.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"A scenario called {name} already exists: choose "
                                       "another name."})
    base = slugify(name)[:34].strip("-") or "scenario"
    slug, n = base, 1
    while slug in _RESERVED_SLUGS or Scenario.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    scenario = Scenario(
        name=name,
        slug=slug,
        is_baseline=False,
        description=description or copy_from.description,
        **{field: getattr(copy_from, field) for field in ASSUMPTIONS if field != "description"},
    )
    return save_audited(scenario, user=user)

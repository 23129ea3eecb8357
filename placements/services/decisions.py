"""Placement decisions: record a panel's options, the chosen one, and the saving it made."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from placements.models import Child, PlacementDecision, PlacementOption


@dataclass(frozen=True)
class OptionInput:
    """One option the panel considered."""

    description: str
    provision_type: str
    annual_cost_pence: int
    suitable: bool = True


def decision_saving(*, chosen: OptionInput, others: list[OptionInput]) -> int:
    """Saving = the cheapest other suitable option's annual cost − the chosen option's cost."""
    alternatives = [option.annual_cost_pence for option in others if option.suitable]
    if not alternatives:
        raise ValidationError(
            {"options": "Record at least one other suitable option to measure the saving against."}
        )
    return min(alternatives) - chosen.annual_cost_pence


@transaction.atomic
def placement_decision_record(
    *,
    panel_date: dt.date,
    child: Child,
    options: list[OptionInput],
    chosen_index: int,
    notes: str = "",
    user: Any,
) -> PlacementDecision:
    """Record a panel decision with its options; the saving is computed here, once."""
    if not 0 <= chosen_index < len(options):
        raise ValidationError({"chosen": "Choose one of the options."})
    chosen = options[chosen_index]
    if not chosen.suitable:
        raise ValidationError({"chosen": "The chosen option must be suitable."})
    others = [option for i, option in enumerate(options) if i != chosen_index]
    decision = PlacementDecision(
        panel_date=panel_date,
        child=child,
        saving_pence=decision_saving(chosen=chosen, others=others),
        notes=notes,
        decided_by=user,
        created_by=user,
        updated_by=user,
    )
    decision.full_clean()
    decision.save()
    rows = []
    for i, option in enumerate(options):
        row = PlacementOption(
            decision=decision,
            description=option.description,
            provision_type=option.provision_type,
            annual_cost_pence=option.annual_cost_pence,
            suitable=option.suitable,
            chosen=i == chosen_index,
        )
        row.full_clean(exclude=["decision"])
        rows.append(row)
    PlacementOption.objects.bulk_create(rows)
    return decision

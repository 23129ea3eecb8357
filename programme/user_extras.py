"""Programme's part of the user pages: which strands a user leads or deputises.

Registered with send_tracker's user-extras registry in ProgrammeConfig.ready() (send_tracker
may not import programme); the write goes through programme.services.strand_leadership_set.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from programme.selectors.leadership import leadership_choices, strand_leadership
from send_tracker.accounts.extras import UserExtra


class StrandLeadershipForm(forms.Form):
    lead_of = forms.ModelMultipleChoiceField(
        label="Lead of", required=False, queryset=None, widget=forms.CheckboxSelectMultiple,
        help_text="A strand has one lead: choosing one here replaces its current lead.")
    deputy_of = forms.ModelMultipleChoiceField(
        label="Deputy of", required=False, queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, user: Any, data=None) -> None:
        held = strand_leadership(user_ids=[user.pk]).get(user.pk, {"lead": [], "deputy": []})
        choices = leadership_choices()
        super().__init__(data, prefix="strands", initial={
            "lead_of": [s.pk for s in choices if s.name in held["lead"]],
            "deputy_of": [s.pk for s in choices if s.name in held["deputy"]],
        })
        for name in ("lead_of", "deputy_of"):
            self.fields[name].queryset = choices


def summaries(user_ids: Iterable[int]) -> dict[int, str]:
    """user id -> "Lead: A, B; deputy: C" for the user list."""
    found = {}
    for user_id, held in strand_leadership(user_ids=user_ids).items():
        parts = []
        if held["lead"]:
            parts.append("Lead: " + ", ".join(held["lead"]))
        if held["deputy"]:
            parts.append("Deputy: " + ", ".join(held["deputy"]))
        found[user_id] = "; ".join(parts)
    return found


def save(*, user: Any, cleaned_data: dict, by: Any) -> list[str]:
    from programme.services import strand_leadership_set

    return strand_leadership_set(user=user, lead_of=cleaned_data["lead_of"],
                                 deputy_of=cleaned_data["deputy_of"], by=by)


STRANDS = UserExtra(key="strands", label="Strands", summaries=summaries,
                    form=StrandLeadershipForm, save=save)

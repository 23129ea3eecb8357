"""Form fields every app shares: money typed in pounds, cleaned to whole pence."""

from __future__ import annotations

from django import forms

from send_tracker.fiscal import date_out_of_range
from send_tracker.money import amount_out_of_bounds, to_pence

POUNDS_ATTRS = {
    "class": "govuk-input govuk-input--width-10",
    "inputmode": "decimal",
    "spellcheck": "false",
}


class PoundsField(forms.DecimalField):
    """An amount in pounds (`1,250,000` or `£1,250,000.50`), cleaned to whole pence (an int)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("widget", forms.TextInput(attrs=POUNDS_ATTRS))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("£", "").replace(",", "").strip()
        pounds = super().to_python(value)
        # The bound is checked on the exact Decimal, before it becomes a 64-bit integer.
        if pounds is not None and pounds.is_finite():
            reason = amount_out_of_bounds(pounds * 100)
            if reason:
                raise forms.ValidationError(f"The amount {reason}.", code="amount_bound")
        return pounds

    def clean(self, value) -> int | None:
        pounds = super().clean(value)
        return None if pounds is None else to_pence(pounds)


class TrackerDateField(forms.DateField):
    """A date a user types, within send_tracker.fiscal's range (2000 to 2100)."""

    def to_python(self, value):
        day = super().to_python(value)
        reason = date_out_of_range(day)
        if reason:
            raise forms.ValidationError(f"{self.label or 'The date'} {reason}.", code="date_range")
        return day

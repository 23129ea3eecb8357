"""Forms of the finance app: input validation only; rules live in services."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from finance.models import Instalment, Mitigation, Pressure, Rag
from placements.codes import ProvisionType
from send_tracker.fiscal import FinancialYear, period_choices
from send_tracker.forms import PoundsField, TrackerDateField
from send_tracker.models import FREE_TEXT_MAX_LENGTH

_INPUT = {
    "class": "govuk-input govuk-input--width-10",
    "inputmode": "decimal",
    "spellcheck": "false",
}
_TEXT = {"class": "govuk-input"}
_AREA = {"class": "govuk-textarea", "rows": 3}
_SELECT = {"class": "govuk-select"}
_DATE = {"class": "govuk-input govuk-input--width-10", "type": "date"}


class GovukForm(forms.Form):
    """Links each input to its hint and error message (aria-describedby) and marks errors,
    as the GOV.UK Design System's form patterns do."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.describe_fields()

    def describe_fields(self) -> None:
        """Point each input with a hint at it (call again after adding fields)."""
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{self.auto_id % name}-hint"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            ids = [i for i in [widget.attrs.get("aria-describedby")] if i]
            widget.attrs["aria-describedby"] = " ".join([*ids, f"{self.auto_id % name}-error"])
            css = widget.attrs.get("class", "")
            for kind in ("input", "select", "textarea"):
                if f"govuk-{kind}" in css.split():
                    widget.attrs["class"] = f"{css} govuk-{kind}--error"


class PctField(forms.DecimalField):
    """A percentage, e.g. 5 or 2.5."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_digits", 7)
        kwargs.setdefault("decimal_places", 3)
        kwargs.setdefault("min_value", Decimal("-100"))
        kwargs.setdefault("max_value", Decimal("1000"))
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={**_INPUT, "class": "govuk-input govuk-input--width-5"})
        )
        super().__init__(**kwargs)


class ReadVersionMixin(GovukForm):
    """The version of the item the form was read at (send_tracker.versioning): a save over a
    newer one is refused, and the refusal shows above the form (the field is hidden)."""

    read_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1,
        error_messages={"invalid": "The form was damaged: reload the page.",
                        "min_value": "The form was damaged: reload the page."},
    )


class PeriodForm(GovukForm):
    """Which year and period to show (GET); the year travels as `2024-25`."""

    year = forms.ChoiceField(widget=forms.Select(attrs=_SELECT))
    period = forms.TypedChoiceField(coerce=int, widget=forms.Select(attrs=_SELECT))

    def __init__(self, *args, periods: list[tuple[int, int]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        years = sorted({y for y, _ in periods}, reverse=True)
        self.fields["year"].choices = [
            (FinancialYear(y).slug, FinancialYear(y).label) for y in years
        ]
        self.fields["period"].choices = period_choices(short=True)


class PressureForm(GovukForm):
    kind = forms.ChoiceField(choices=Pressure.Kind.choices, widget=forms.Select(attrs=_SELECT))
    amount_pence = PoundsField(label="Amount (£)")
    basis = forms.CharField(
        max_length=FREE_TEXT_MAX_LENGTH,
        label="Basis (how the amount was arrived at)",
        required=False,
        widget=forms.Textarea(attrs=_AREA),
    )


class MitigationForm(ReadVersionMixin):
    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs=_TEXT))
    value_pence = PoundsField(label="Value (£)")
    confidence = forms.ChoiceField(
        label="Delivery confidence", choices=Rag.choices, widget=forms.Select(attrs=_SELECT)
    )
    status = forms.ChoiceField(
        choices=Mitigation.Status.choices, widget=forms.Select(attrs=_SELECT)
    )
    owner = forms.CharField(max_length=120, required=False, widget=forms.TextInput(attrs=_TEXT))


class InstalmentForm(ReadVersionMixin):
    amount_pence = PoundsField(label="Amount (£)")
    due_on = TrackerDateField(label="Due date", widget=forms.DateInput(attrs=_DATE))
    status = forms.ChoiceField(
        choices=Instalment.Status.choices, widget=forms.Select(attrs=_SELECT)
    )
    paid_on = TrackerDateField(
        label="Date paid", required=False, widget=forms.DateInput(attrs=_DATE)
    )


class ConditionForm(ReadVersionMixin):
    text = forms.CharField(
        max_length=FREE_TEXT_MAX_LENGTH, label="Condition", widget=forms.Textarea(attrs=_AREA)
    )
    rag = forms.ChoiceField(label="RAG", choices=Rag.choices, widget=forms.Select(attrs=_SELECT))
    evidence = forms.CharField(
        max_length=FREE_TEXT_MAX_LENGTH, required=False, widget=forms.Textarea(attrs=_AREA)
    )
    order = forms.IntegerField(
        min_value=0, initial=0, widget=forms.TextInput(attrs={**_INPUT, "inputmode": "numeric"})
    )


class MonitoringReturnForm(ReadVersionMixin):
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs=_TEXT))
    due_on = TrackerDateField(label="Due date", widget=forms.DateInput(attrs=_DATE))
    submitted_on = TrackerDateField(
        label="Date submitted", required=False, widget=forms.DateInput(attrs=_DATE)
    )
    feedback = forms.CharField(
        max_length=FREE_TEXT_MAX_LENGTH,
        label="DfE feedback", required=False, widget=forms.Textarea(attrs=_AREA)
    )


class TargetForm(ReadVersionMixin):
    in_year_cap_pence = PoundsField(label="In-year deficit cap (£)")
    cumulative_target_pence = PoundsField(label="Cumulative deficit target at 31 March (£)")


class ReprofileForm(GovukForm):
    name = forms.CharField(max_length=120, widget=forms.TextInput(attrs=_TEXT))
    reason = forms.CharField(max_length=FREE_TEXT_MAX_LENGTH, widget=forms.Textarea(attrs=_AREA))


class ScenarioCreateForm(GovukForm):
    """A new scenario: its name and the scenario whose assumptions it starts from."""

    name = forms.CharField(max_length=80, widget=forms.TextInput(attrs=_TEXT))
    copy_from = forms.ChoiceField(
        label="Start from the assumptions of", widget=forms.Select(attrs=_SELECT)
    )
    description = forms.CharField(
        max_length=FREE_TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs=_AREA),
        help_text="What the scenario assumes and why. Left blank, the description is copied.",
    )

    def __init__(self, *args, scenarios, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].choices = [(s.slug, s.name) for s in scenarios]


class ScenarioForm(GovukForm):
    """A scenario's assumptions; growth by provision type gets one field per type."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    description = forms.CharField(
        max_length=FREE_TEXT_MAX_LENGTH, required=False, widget=forms.Textarea(attrs=_AREA)
    )
    default_growth_pct = PctField(label="EHCP growth a year, every other provision type (%)")
    unit_cost_inflation_pct = PctField(label="Unit cost inflation a year (%)")
    income_growth_pct = PctField(label="High Needs income growth a year (%)")
    savings_delivery_pct = PctField(
        label="Savings delivery (% of the programme's targets)", min_value=Decimal(0)
    )
    mitigation_delivery_pct = PctField(
        label="Mitigation delivery (% of value identified)", min_value=Decimal(0)
    )

    # One growth field per provision type (fixed codes), added to the class below: made once,
    # not on every request.
    growth_fields = [f"growth_{code}" for code in ProvisionType.values]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.describe_fields()

    def assumptions(self) -> dict:
        """The cleaned data as the service's keyword arguments."""
        data = dict(self.cleaned_data)
        growth = {name.removeprefix("growth_"): data.pop(name) for name in self.growth_fields}
        data.pop("version")
        data["growth_by_type"] = {k: v for k, v in growth.items() if v is not None}
        return data


ScenarioForm.base_fields.update({
    f"growth_{code}": PctField(
        label=f"EHCP growth a year: {label} (%)", required=False,
        help_text="Leave blank to use the growth for every other provision type.")
    for code, label in ProvisionType.choices})


class IncomeForm(GovukForm):
    year = forms.CharField(
        label="Financial year",
        help_text="For example, 2025/26",
        widget=forms.TextInput(attrs={**_TEXT, "class": "govuk-input govuk-input--width-5"}),
    )
    allocation_pence = PoundsField(
        label="High Needs Block allocation (£)", help_text="After recoupment and block transfers"
    )

    def clean_year(self) -> FinancialYear:
        try:
            return FinancialYear.parse(self.cleaned_data["year"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class OutturnForm(IncomeForm):
    allocation_pence = None
    in_year_deficit_pence = PoundsField(label="In-year DSG deficit (£)")
    cumulative_deficit_pence = PoundsField(label="Cumulative DSG deficit at 31 March (£)")

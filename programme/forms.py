"""Forms of the programme app: input validation only; rules live in services."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from programme.models import Milestone, Rag, RaidItem
from send_tracker.forms import PoundsField


class ProgressUpdateForm(forms.Form):
    """One project's figures for the period, in pounds."""

    project = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    forecast = PoundsField(
        min_value=Decimal(0),
        label="Forecast saving for the year, in pounds",
        error_messages={"required": "Enter the forecast saving for the year",
                        "invalid": "Forecast saving must be an amount in pounds, like 250000",
                        "min_value": "Forecast saving cannot be negative"},
    )
    delivered = PoundsField(
        min_value=Decimal(0),
        label="Saving delivered to date, in pounds",
        error_messages={"required": "Enter the saving delivered to date",
                        "invalid": "Delivered to date must be an amount in pounds, like 120000",
                        "min_value": "Delivered to date cannot be negative"},
    )
    # GOV.UK radios with the tracker's BRAG words (Rag's labels, "Green – on track"), never a
    # select or a colour alone; the template draws them in a fieldset with a legend.
    confidence = forms.ChoiceField(
        label="Delivery confidence", choices=Rag.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose a delivery confidence rating",
                        "invalid_choice": "Choose a delivery confidence rating from the list"},
    )
    commentary = forms.CharField(
        label="Commentary", required=False, max_length=4000,
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Each field's hint (last month's figure beside it) is read with the field.
        for name in ("forecast", "delivered", "commentary"):
            self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}-hint"

    def clean(self):
        data = super().clean()
        forecast, delivered = data.get("forecast"), data.get("delivered")
        if forecast is not None and delivered is not None and delivered > forecast:
            self.add_error("delivered", "Delivered to date cannot be more than the forecast "
                                        "for the year")
        return data


def mark_errors(form: forms.Form) -> None:
    """Give each field in error the GOV.UK error class of its kind of input."""
    for name in form.errors:
        if name not in form.fields:
            continue
        attrs = form.fields[name].widget.attrs
        base = attrs.get("class", "").split()
        kind = next((c for c in base if c in ("govuk-input", "govuk-select", "govuk-textarea")),
                    None)
        if kind and f"{kind}--error" not in base:
            attrs["class"] = " ".join([*base, f"{kind}--error"])


ProgressUpdateFormSet = forms.formset_factory(ProgressUpdateForm, extra=0)


class ClosedPeriodReasonForm(forms.Form):
    """An administrator changing a closed period says why."""

    reason = forms.CharField(
        label="Reason for changing a closed period", max_length=500,
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
        error_messages={"required": "Enter a reason for changing a closed period's updates"},
    )


class RaidFilterForm(forms.Form):
    """The RAID log's filters (all optional)."""

    kind = forms.ChoiceField(label="Type", required=False,
                             choices=[("", "All types"), *RaidItem.Kind.choices],
                             widget=forms.Select(attrs={"class": "govuk-select"}))
    status = forms.ChoiceField(label="Status", required=False,
                               choices=[("", "All statuses"), *RaidItem.Status.choices],
                               widget=forms.Select(attrs={"class": "govuk-select"}))
    strand = forms.TypedChoiceField(label="Strand", required=False, coerce=int, empty_value=None,
                                    widget=forms.Select(attrs={"class": "govuk-select"}))
    owner = forms.TypedChoiceField(label="Owner", required=False, coerce=int, empty_value=None,
                                   widget=forms.Select(attrs={"class": "govuk-select"}))

    def __init__(self, *args, strands=(), owners=(), **kwargs) -> None:
        """`strands` and `owners`: (id, name) pairs, as `raid_filter_choices` gives them."""
        super().__init__(*args, **kwargs)
        self.fields["strand"].choices = [("", "All strands"), *strands]
        self.fields["owner"].choices = [("", "All owners"), *owners]


DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]


def _date_field(label: str, *, required: bool) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, input_formats=DATE_FORMATS,
        help_text="For example, 31/03/2025",
        widget=forms.DateInput(format="%d/%m/%Y",
                               attrs={"class": "govuk-input govuk-input--width-10"}),
        error_messages={"invalid": f"{label} must be a real date, like 31/03/2025",
                        "required": f"Enter the {label.lower()}"},
    )


class MilestoneForm(forms.Form):
    """A milestone's forecast and actual dates and status (the baseline never changes)."""

    forecast_date = _date_field("Forecast date", required=True)
    actual_date = _date_field("Actual date", required=False)
    status = forms.ChoiceField(label="Status", choices=Milestone.Status.choices,
                               widget=forms.Select(attrs={"class": "govuk-select"}))


SCALE = [("", "Choose 1 to 5"), *((n, str(n)) for n in range(1, 6))]


class RaidItemForm(forms.Form):
    """A RAID item: what it is, who owns it, how likely and how bad, and what is being done."""

    kind = forms.ChoiceField(label="Type", choices=RaidItem.Kind.choices,
                             widget=forms.Select(attrs={"class": "govuk-select"}))
    title = forms.CharField(label="Title", max_length=200,
                            widget=forms.TextInput(attrs={"class": "govuk-input"}),
                            error_messages={"required": "Enter a title"})
    description = forms.CharField(label="Description", required=False,
                                  widget=forms.Textarea(attrs={"class": "govuk-textarea",
                                                               "rows": 3}))
    owner = forms.TypedChoiceField(label="Owner", required=False, coerce=int, empty_value=None,
                                   widget=forms.Select(attrs={"class": "govuk-select"}))
    likelihood = forms.TypedChoiceField(
        label="Likelihood (1 rare to 5 almost certain)", choices=SCALE, coerce=int,
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={"required": "Choose a likelihood from 1 to 5"})
    impact = forms.TypedChoiceField(
        label="Impact (1 minimal to 5 severe)", choices=SCALE, coerce=int,
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={"required": "Choose an impact from 1 to 5"})
    mitigation = forms.CharField(label="Mitigation", required=False,
                                 widget=forms.Textarea(attrs={"class": "govuk-textarea",
                                                              "rows": 3}))
    residual_likelihood = forms.TypedChoiceField(
        label="Likelihood after mitigation", choices=SCALE, coerce=int, empty_value=None,
        required=False, widget=forms.Select(attrs={"class": "govuk-select"}))
    residual_impact = forms.TypedChoiceField(
        label="Impact after mitigation", choices=SCALE, coerce=int, empty_value=None,
        required=False, widget=forms.Select(attrs={"class": "govuk-select"}))
    status = forms.ChoiceField(label="Status", choices=RaidItem.Status.choices,
                               widget=forms.Select(attrs={"class": "govuk-select"}))
    review_date = _date_field("Review date", required=False)

    def __init__(self, *args, owners=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [
            ("", "No owner"), *((u.pk, u.get_full_name() or u.get_username()) for u in owners)
        ]

    def clean(self):
        data = super().clean()
        if bool(data.get("residual_likelihood")) != bool(data.get("residual_impact")):
            self.add_error("residual_impact", "Give both the likelihood and the impact after "
                                              "mitigation, or neither")
        return data

"""Forms of the programme app: input validation only; rules live in services."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from programme.models import Kpi, Milestone, Project, Rag, RaidItem
from send_tracker.forms import PoundsField, TrackerDateField, mark_errors
from send_tracker.models import FREE_TEXT_MAX_LENGTH


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
    return TrackerDateField(
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
                                  max_length=FREE_TEXT_MAX_LENGTH,
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
                                 max_length=FREE_TEXT_MAX_LENGTH,
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


# --- Programme set-up (the programme office) ------------------------------------------------

INPUT = {"class": "govuk-input"}
SELECT = {"class": "govuk-select"}


def _user_label(user) -> str:
    """Name and username: two people may share a name (the demo has two "Inclusion Lead"s)."""
    name, username = user.get_full_name(), user.get_username()
    # "Admin (admin)" says one thing twice: the username only when it adds something.
    return f"{name} ({username})" if name and name.lower() != username.lower() else name or username


class UserChoiceField(forms.ModelChoiceField):
    """A user, shown by name."""

    def label_from_instance(self, obj) -> str:
        return _user_label(obj)


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return _user_label(obj)


def _year_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, coerce=int, widget=forms.Select(attrs=SELECT),
        error_messages={"required": f"Choose the {label.lower()}"},
    )


def year_choices(first: int = 2015, last: int = 2045) -> list[tuple[int, str]]:
    from send_tracker.fiscal import FinancialYear

    return [(y, FinancialYear(y).label) for y in range(first, last + 1)]


class ProgrammeYearsForm(forms.Form):
    """The financial years the programme runs over."""

    first_year = _year_field("First financial year")
    last_year = _year_field("Last financial year")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("first_year", "last_year"):
            self.fields[name].choices = [("", "Choose a year"), *year_choices()]


LEADER_REFUSED = ("That user cannot lead or deputise a strand: choose an active user with a "
                  "role in the tracker")
OWNER_REFUSED = "That user cannot own it: choose an active user with a role in the tracker"


class StrandForm(forms.Form):
    """A strand: name, description, lead, deputies, order, active."""

    name = forms.CharField(label="Name", max_length=120, widget=forms.TextInput(attrs=INPUT),
                           error_messages={"required": "Enter the strand's name"})
    description = forms.CharField(label="Description", required=False,
                                  widget=forms.Textarea(attrs={"class": "govuk-textarea",
                                                               "rows": 3}))
    lead = UserChoiceField(label="Lead", required=False, queryset=None, empty_label="No lead yet",
                           help_text="Active users with a role in the tracker",
                           widget=forms.Select(attrs=SELECT),
                           error_messages={"invalid_choice": LEADER_REFUSED})
    deputies = UserMultipleChoiceField(
        label="Deputies", required=False, queryset=None,
        error_messages={"invalid_choice": LEADER_REFUSED, "invalid_pk_value": LEADER_REFUSED},
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes__input"}))
    order = forms.IntegerField(label="Order on pages", min_value=0, max_value=999, initial=0,
                               widget=forms.TextInput(attrs={
                                   "class": "govuk-input govuk-input--width-3",
                                   "inputmode": "numeric"}),
                               error_messages={"invalid": "Order must be a whole number, like 3",
                                               "min_value": "Order cannot be negative",
                                               "max_value": "Order must be 999 or less"})
    active = forms.BooleanField(label="Active (untick to archive the strand)", required=False,
                                initial=True,
                                widget=forms.CheckboxInput(
                                    attrs={"class": "govuk-checkboxes__input"}))

    def __init__(self, *args, leads=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Leads and deputies: the eligible users, plus whoever holds the post now (so the form
        # shows them, and the service says why they no longer qualify).
        self.fields["lead"].queryset = leads
        self.fields["deputies"].queryset = leads


class ProjectForm(forms.Form):
    """A project: strand, name, owner, dates, status."""

    strand = forms.ModelChoiceField(label="Strand", queryset=None, empty_label="Choose a strand",
                                    widget=forms.Select(attrs=SELECT),
                                    error_messages={"required": "Choose the project's strand"})
    name = forms.CharField(label="Name", max_length=160, widget=forms.TextInput(attrs=INPUT),
                           error_messages={"required": "Enter the project's name"})
    description = forms.CharField(label="Description", required=False,
                                  widget=forms.Textarea(attrs={"class": "govuk-textarea",
                                                               "rows": 3}))
    lead = UserChoiceField(label="Owner", required=False, queryset=None, empty_label="No owner",
                           widget=forms.Select(attrs=SELECT),
                           error_messages={"invalid_choice": OWNER_REFUSED})
    start_date = _date_field("Start date", required=False)
    end_date = _date_field("End date", required=False)
    status = forms.ChoiceField(label="Status", choices=Project.Status.choices,
                               widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, strands=None, owners=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["strand"].queryset = strands
        self.fields["lead"].queryset = owners

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date cannot be before the start date")
        return data


class YearAmountsForm(forms.Form):
    """One amount in pounds per programme year (blank: no target set for that year)."""

    def __init__(self, *args, years=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from send_tracker.fiscal import FinancialYear

        for year in years:
            label = FinancialYear(year).label
            self.fields[f"year_{year}"] = PoundsField(
                label=f"{label} target, in pounds", required=False, min_value=Decimal(0),
                error_messages={"invalid": f"The {label} target must be an amount in pounds, "
                                           "like 250000",
                                "min_value": f"The {label} target cannot be negative"},
            )

    def amounts(self) -> dict[int, int]:
        return {int(name.removeprefix("year_")): value
                for name, value in self.cleaned_data.items() if value is not None}


class MilestoneAddForm(forms.Form):
    """A new milestone: its name and baseline date (the forecast starts at the baseline)."""

    name = forms.CharField(label="Name", max_length=200, widget=forms.TextInput(attrs=INPUT),
                           error_messages={"required": "Enter the milestone's name"})
    baseline_date = _date_field("Baseline date", required=True)
    forecast_date = _date_field("Forecast date", required=False)
    actual_date = _date_field("Actual date", required=False)
    status = forms.ChoiceField(label="Status", choices=Milestone.Status.choices,
                               widget=forms.Select(attrs=SELECT))


class MilestoneSetupForm(MilestoneForm):
    """The programme office changes a milestone's name, forecast and actual dates and status."""

    name = forms.CharField(label="Name", max_length=200, widget=forms.TextInput(attrs=INPUT),
                           error_messages={"required": "Enter the milestone's name"})
    field_order = ["name", "forecast_date", "actual_date", "status"]


class RebaselineForm(forms.Form):
    """A new baseline date and why."""

    baseline_date = _date_field("New baseline date", required=True)
    reason = forms.CharField(label="Reason for the new baseline", max_length=500,
                             widget=forms.TextInput(attrs=INPUT),
                             error_messages={"required": "Give the reason for the new baseline"})


def _kpi_value_field(label: str, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, max_digits=12, decimal_places=2,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10",
                                      "inputmode": "decimal"}),
        error_messages={"required": f"Enter the {label.lower()}",
                        "invalid": f"{label} must be a number, like 42.5",
                        "max_decimal_places": f"{label}: at most two decimal places",
                        "max_digits": f"{label} is too large"},
    )


class KpiForm(forms.Form):
    """A KPI: definition, unit, direction, baseline, target, owner, and whether it is computed."""

    name = forms.CharField(label="Name", max_length=160, widget=forms.TextInput(attrs=INPUT),
                           error_messages={"required": "Enter the KPI's name"})
    description = forms.CharField(label="Definition", required=False,
                                  widget=forms.Textarea(attrs={"class": "govuk-textarea",
                                                               "rows": 3}))
    strand = forms.ModelChoiceField(label="Strand", required=False, queryset=None,
                                    empty_label="The whole programme",
                                    widget=forms.Select(attrs=SELECT))
    measure = forms.ChoiceField(
        label="Where readings come from", choices=Kpi.Measure.choices, required=False,
        help_text="A measure the tracker already holds is computed from its data, never typed",
        widget=forms.Select(attrs=SELECT))
    unit = forms.ChoiceField(label="Unit", choices=Kpi.Unit.choices,
                             widget=forms.Select(attrs=SELECT))
    higher_is_better = forms.TypedChoiceField(
        label="Direction", coerce=lambda v: v == "True",
        choices=[(True, "Higher is better"), (False, "Lower is better")],
        widget=forms.RadioSelect(attrs={"class": "govuk-radios__input"}),
        error_messages={"required": "Choose whether higher or lower is better"})
    baseline_value = _kpi_value_field("Baseline value")
    baseline_date = _date_field("Baseline date", required=True)
    target_value = _kpi_value_field("Target value")
    target_date = _date_field("Target date", required=True)
    owner = UserChoiceField(label="Owner (enters the readings)", required=False, queryset=None,
                            empty_label="No owner", widget=forms.Select(attrs=SELECT),
                            error_messages={"invalid_choice": OWNER_REFUSED})
    active = forms.BooleanField(label="Active (untick to archive the KPI)", required=False,
                                initial=True,
                                widget=forms.CheckboxInput(
                                    attrs={"class": "govuk-checkboxes__input"}))

    def __init__(self, *args, strands=None, owners=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["strand"].queryset = strands
        self.fields["owner"].queryset = owners


class KpiValueForm(forms.Form):
    """A dated value of a KPI: a milestone target, or the owner's reading."""

    date = _date_field("Date", required=True)
    value = _kpi_value_field("Value")


def govuk_fields(form: forms.Form) -> None:
    """Error classes on fields in error, and aria-describedby linking each input to its hint
    and error message (the template gives them these ids)."""
    mark_errors(form)
    for name, field in form.fields.items():
        ids = []
        if field.help_text:
            ids.append(f"id_{name}-hint")
        if name in form.errors:
            ids.append(f"id_{name}-error")
        if ids and not isinstance(field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            field.widget.attrs["aria-describedby"] = " ".join(ids)

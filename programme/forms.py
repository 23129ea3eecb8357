"""Forms of the programme app: input validation only; rules live in services."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from programme.models import Rag, RaidItem
from send_tracker.money import to_pence

POUNDS_ATTRS = {"class": "govuk-input govuk-input--width-10", "inputmode": "decimal",
                "spellcheck": "false"}


class PoundsField(forms.DecimalField):
    """An amount in pounds (`1,250,000` or `£1,250,000.50`), cleaned to whole pence."""

    def __init__(self, **kwargs) -> None:
        super().__init__(min_value=Decimal(0), max_digits=14, decimal_places=2,
                         widget=forms.TextInput(attrs=POUNDS_ATTRS), **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("£", "").replace(",", "").strip()
        return super().to_python(value)

    def clean(self, value) -> int | None:
        pounds = super().clean(value)
        return None if pounds is None else to_pence(pounds)


class ProgressUpdateForm(forms.Form):
    """One project's figures for the period, in pounds."""

    project = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    forecast = PoundsField(
        label="Forecast saving for the year, in pounds",
        error_messages={"required": "Enter the forecast saving for the year",
                        "invalid": "Forecast saving must be an amount in pounds, like 250000",
                        "min_value": "Forecast saving cannot be negative"},
    )
    delivered = PoundsField(
        label="Saving delivered to date, in pounds",
        error_messages={"required": "Enter the saving delivered to date",
                        "invalid": "Delivered to date must be an amount in pounds, like 120000",
                        "min_value": "Delivered to date cannot be negative"},
    )
    confidence = forms.ChoiceField(
        label="Delivery confidence", choices=[("", "Choose a rating"), *Rag.choices],
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={"required": "Choose a delivery confidence rating"},
    )
    commentary = forms.CharField(
        label="Commentary", required=False, max_length=4000,
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
    )

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
        super().__init__(*args, **kwargs)
        self.fields["strand"].choices = [("", "All strands"), *((s.pk, s.name) for s in strands)]
        self.fields["owner"].choices = [
            ("", "All owners"),
            *((u.pk, u.get_full_name() or u.get_username()) for u in owners),
        ]

"""Forms of the placements app: input validation only; rules live in services."""

from __future__ import annotations

import datetime as dt

from django import forms

from placements.codes import ProvisionType
from placements.models import Child, OverpaymentFlag
from send_tracker.fiscal import date_out_of_range
from send_tracker.money import parse_pounds

OPTION_SLOTS = 4


class DateParts(forms.Form):
    """A GOV.UK date input: day, month and year as three fields, read as one date."""

    date_prefix = "date"
    date_label = "Date"

    def date_fields(self) -> list[str]:
        return [f"{self.date_prefix}_{part}" for part in ("day", "month", "year")]

    def date_inputs(self) -> list[dict]:
        """Bound day, month and year fields with their GOV.UK widths, for the template."""
        widths = (2, 2, 4)
        return [
            {"field": self[name], "width": width}
            for name, width in zip(self.date_fields(), widths, strict=True)
        ]

    def date_errors(self) -> list[str]:
        return [e for name in self.date_fields() for e in self.errors.get(name, [])]

    def clean_date_parts(self, *, required: bool) -> dt.date | None:
        day, month, year = (str(self.cleaned_data.get(n) or "").strip() for n in self.date_fields())
        if not (day or month or year):
            if required:
                self.add_error(self.date_fields()[0], f"Enter the {self.date_label.lower()}")
            return None
        try:
            value = dt.date(int(year), int(month), int(day))
        except ValueError:
            self.add_error(
                self.date_fields()[0], f"{self.date_label} must be a real date, like 30 9 2024"
            )
            return None
        reason = date_out_of_range(value)
        if reason:
            self.add_error(self.date_fields()[0], f"{self.date_label} {reason}")
            return None
        return value


def _date_part(label: str, max_length: int) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=max_length)


class CohortDateForm(DateParts):
    """The date the cohort page shows (GET)."""

    date_label = "Date"
    date_day = _date_part("Day", 2)
    date_month = _date_part("Month", 2)
    date_year = _date_part("Year", 4)

    def clean(self):
        cleaned = super().clean()
        cleaned["on"] = self.clean_date_parts(required=False)
        if cleaned["on"] and not 2000 <= cleaned["on"].year <= 2100:
            self.add_error("date_day", "Date must be between 2000 and 2100")
        return cleaned


class DecisionForm(DateParts):
    """A panel decision: the child, up to four options with costs, and which one was chosen."""

    date_prefix = "panel_date"
    date_label = "Panel date"
    panel_date_day = _date_part("Day", 2)
    panel_date_month = _date_part("Month", 2)
    panel_date_year = _date_part("Year", 4)
    child_ref = forms.CharField(
        label="Child reference",
        max_length=20,
        help_text="The pseudonymised reference, for example C000123",
    )
    chosen = forms.TypedChoiceField(
        label="Which option did the panel choose?",
        coerce=int,
        widget=forms.RadioSelect,
        choices=[(str(i), f"Option {i + 1}") for i in range(OPTION_SLOTS)],
        error_messages={"required": "Select the option the panel chose"},
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea, max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(OPTION_SLOTS):
            n = i + 1
            self.fields[f"option_{i}_description"] = forms.CharField(
                label=f"Option {n}: description", required=False, max_length=200
            )
            self.fields[f"option_{i}_provision_type"] = forms.ChoiceField(
                label=f"Option {n}: provision type",
                required=False,
                choices=[("", "Choose a provision type"), *ProvisionType.choices],
            )
            self.fields[f"option_{i}_cost"] = forms.CharField(
                label=f"Option {n}: annual cost", required=False, max_length=20
            )
            self.fields[f"option_{i}_suitable"] = forms.BooleanField(
                label=f"Option {n} is suitable for the child", required=False, initial=True
            )

    def option_rows(self) -> list[dict]:
        """The bound fields of each option slot, for the template."""
        return [
            {
                "number": i + 1,
                "description": self[f"option_{i}_description"],
                "provision_type": self[f"option_{i}_provision_type"],
                "cost": self[f"option_{i}_cost"],
                "suitable": self[f"option_{i}_suitable"],
            }
            for i in range(OPTION_SLOTS)
        ]

    def clean(self):
        cleaned = super().clean()
        cleaned["panel_date"] = self.clean_date_parts(required=True)
        ref = (cleaned.get("child_ref") or "").strip().upper()
        if ref:
            cleaned["child"] = Child.objects.filter(ref=ref).first()
            if cleaned["child"] is None:
                self.add_error("child_ref", f"There is no child with the reference {ref}")
        options, slots = [], []
        for i in range(OPTION_SLOTS):
            description = (cleaned.get(f"option_{i}_description") or "").strip()
            cost_text = (cleaned.get(f"option_{i}_cost") or "").strip()
            kind = cleaned.get(f"option_{i}_provision_type") or ""
            if not (description or cost_text or kind):
                continue
            if not description:
                self.add_error(f"option_{i}_description", f"Describe option {i + 1}")
            if not kind:
                self.add_error(
                    f"option_{i}_provision_type", f"Choose the provision type of option {i + 1}"
                )
            try:
                cost = parse_pounds(cost_text)
            except ValueError as exc:
                self.add_error(f"option_{i}_cost", f"Option {i + 1}: {exc}")
                cost = None
            options.append(
                {
                    "description": description,
                    "provision_type": kind,
                    "annual_cost_pence": cost,
                    "suitable": bool(cleaned.get(f"option_{i}_suitable")),
                }
            )
            slots.append(i)
        if len(options) < 2:
            self.add_error(
                "option_0_description",
                "Enter at least two options: the one chosen and an alternative",
            )
        chosen = cleaned.get("chosen")
        if chosen is not None and chosen not in slots:
            self.add_error("chosen", "The chosen option must be one you have described")
        cleaned["options"] = options
        cleaned["chosen_index"] = slots.index(chosen) if chosen in slots else None
        return cleaned


class FlagReviewForm(forms.Form):
    """A finance officer's outcome for an overpayment flag."""

    status = forms.ChoiceField(
        label="What did you find?",
        widget=forms.RadioSelect,
        choices=[
            (OverpaymentFlag.Status.RECOVERED, "Overpaid, and the money has been recovered"),
            (OverpaymentFlag.Status.VALID, "Valid: not an overpayment"),
            (OverpaymentFlag.Status.WRITTEN_OFF, "Overpaid, and written off"),
        ],
        error_messages={"required": "Select what you found"},
    )
    version = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label="Note",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter a note saying what was found"},
    )


class ComparatorGroupForm(forms.Form):
    """The council's comparator group: local authorities from the published figures."""

    area_codes = forms.MultipleChoiceField(
        label="Comparator local authorities",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose up to 20. Choose none to go back to the council's statistical "
        "neighbours.",
    )

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area_codes"].choices = choices


class StatisticsUploadForm(forms.Form):
    """An upload of the DfE's release (zip or one of its CSVs) or the statistical neighbours."""

    KINDS = [
        ("ehcp_statistics", "The EHC plans release: the 'Download all data' zip, or one of its "
                            "CSV files"),
        ("statistical_neighbours", "The statistical neighbours table (CSV)"),
    ]
    kind = forms.ChoiceField(label="What are you uploading?", choices=KINDS,
                             widget=forms.RadioSelect, initial="ehcp_statistics",
                             error_messages={"required": "Choose what you are uploading"})
    file = forms.FileField(label="Upload a file",
                           help_text="A .zip or .csv file as the DfE publishes it, 20 MB at most.",
                           error_messages={"required": "Select a file to upload"})

    def clean_file(self):
        from django.conf import settings

        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            limit_mb = settings.IMPORT_MAX_BYTES // (1024 * 1024)
            raise forms.ValidationError(f"The file is larger than the {limit_mb} MB limit.")
        if not upload.name.lower().endswith((".zip", ".csv")):
            raise forms.ValidationError("The file must be a .zip or a .csv file.")
        return upload

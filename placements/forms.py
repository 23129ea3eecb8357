"""Forms of the placements app: input validation only; rules live in services."""

from __future__ import annotations

import datetime as dt

from django import forms

from placements.codes import ProvisionType
from placements.models import Child, OverpaymentFlag
from placements.selectors.overpayment_queue import DEFAULT_SORT as DEFAULT_QUEUE_SORT
from placements.selectors.overpayment_queue import SORTS as QUEUE_SORTS
from placements.selectors.overpayment_queue import QueueQuery
from send_tracker.fiscal import date_out_of_range
from send_tracker.forms import PoundsField, TrackerDateField, whole_number
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

    OUTCOMES = [
        (OverpaymentFlag.Status.RECOVERED, "Overpaid, and the money has been recovered"),
        (OverpaymentFlag.Status.VALID, "Valid: not an overpayment"),
        (OverpaymentFlag.Status.WRITTEN_OFF, "Overpaid, and written off"),
    ]

    status = forms.ChoiceField(
        label="What did you find?",
        widget=forms.RadioSelect,
        choices=OUTCOMES,
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


def _queue_date(label: str) -> forms.DateField:
    return TrackerDateField(
        label=label, required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10",
                                      "autocomplete": "off"}),
        error_messages={"invalid": f"{label} must be a real date, like 30/09/2024"})


class OverpaymentQueueForm(forms.Form):
    """The overpayment queue's filters, search and sort, read from the query string. A value
    that does not clean is reported and left out; the rest still apply."""

    status = forms.ChoiceField(label="Outcome", required=False, choices=[
        *OverpaymentFlag.Status.choices, ("all", "Any outcome")])
    rule = forms.ChoiceField(label="Check", required=False,
                             choices=[("", "Any check"), *OverpaymentFlag.Rule.choices])
    provider = forms.TypedChoiceField(label="Provider", required=False, coerce=int,
                                      empty_value=None)
    setting = forms.ChoiceField(label="Setting type", required=False,
                                choices=[("", "Any setting type"), *ProvisionType.choices])
    min_amount = PoundsField(label="Thought overpaid, from (£)", required=False,
                             min_value=0)
    max_amount = PoundsField(label="Thought overpaid, up to (£)", required=False,
                             min_value=0)
    period_from = _queue_date("Service period from")
    period_to = _queue_date("Service period to")
    q = forms.CharField(label="Search", required=False, max_length=100, strip=True)
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in QUEUE_SORTS])
    dir = forms.ChoiceField(required=False, choices=[("asc", "asc"), ("desc", "desc")])

    def __init__(self, *args, providers: list[tuple[int, str]] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", "Any provider"), *providers]

    def query(self) -> QueueQuery:
        """The cleaned filters as a QueueQuery (call after is_valid(); bad fields are unset)."""
        data = getattr(self, "cleaned_data", {})
        sort = data.get("sort") or DEFAULT_QUEUE_SORT[0]
        low, high = data.get("min_amount"), data.get("max_amount")
        return QueueQuery(
            status=data.get("status") or OverpaymentFlag.Status.OPEN,
            rule=data.get("rule") or "", provider_id=data.get("provider"),
            provision_type=data.get("setting") or "", min_pence=low, max_pence=high,
            period_from=data.get("period_from"), period_to=data.get("period_to"),
            search=data.get("q") or "", sort=sort,
            direction=data.get("dir") or ("desc" if sort in ("found", "amount") else "asc"),
        )

    def clean(self):
        data = super().clean()
        low, high = data.get("min_amount"), data.get("max_amount")
        if low is not None and high is not None and low > high:
            self.add_error("max_amount", "The 'up to' amount must not be less than the 'from' "
                                         "amount")
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and start > end:
            self.add_error("period_to", "The 'to' date must be on or after the 'from' date")
        return data


class BulkOutcomeForm(forms.Form):
    """One outcome and note for the flags ticked in the queue."""

    flags = forms.Field(widget=forms.MultipleHiddenInput,
                        error_messages={"required": "Select at least one flag"})
    status = forms.ChoiceField(
        label="Outcome for the selected flags", choices=[("", "Choose an outcome"),
                                                         *FlagReviewForm.OUTCOMES],
        error_messages={"required": "Choose an outcome for the selected flags"})
    note = forms.CharField(
        label="Note (the reason)", max_length=2000,
        error_messages={"required": "Enter a note saying why"})

    def clean_flags(self) -> list[int]:
        ids = [whole_number(v) for v in self.cleaned_data["flags"] or []]
        if None in ids:
            raise forms.ValidationError("Select flags from the list")
        return sorted(set(ids))

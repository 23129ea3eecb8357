"""What every app's forms share: money typed in pounds (cleaned to whole pence), dates in the
tracker's range, a service's refusal put on a form the GOV.UK way, and the renderer that
writes the plain inputs and selects."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import SafeString, mark_safe

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
CALENDAR_DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]


def _calendar_date(label: str, name: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=CALENDAR_DATE_FORMATS,
        help_text="For example, 14/10/2024",
        widget=forms.DateInput(format="%d/%m/%Y", attrs={
            "class": "govuk-input govuk-input--width-10",
            "aria-describedby": f"id_{name}-hint",
            "autocomplete": "off",
        }),
        error_messages={"invalid": f"{label} must be a real date, like 14/10/2024",
                        "required": f"Enter the {label.lower()}"},
    )


class ReportingPeriodDatesForm(forms.Form):
    """A period's lead deadline, finance close and board date (moved for bank holidays)."""

    lead_deadline = _calendar_date("Lead deadline", "lead_deadline")
    finance_close = _calendar_date("Finance close", "finance_close")
    board_date = _calendar_date("Board date", "board_date")


class ReportingPeriodCloseForm(forms.Form):
    """Which period the user confirmed closing (a stale confirmation page is refused)."""

    year = forms.CharField(widget=forms.HiddenInput)
    period = forms.IntegerField(min_value=1, max_value=12, widget=forms.HiddenInput)


def service_errors(form: forms.Form, exc: ValidationError, *,
                   field_of: Mapping[str, str] | None = None) -> None:
    """Put a service's refusal on the form: beside each field it names that the form has, the
    rest above the form. With `field_of`, only the service's field names it maps (to the form's
    names) go beside a field."""
    named = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for key, messages in named.items():
        field = key if field_of is None else field_of.get(key)
        visible = field in form.fields and not form.fields[field].widget.is_hidden
        form.add_error(field if visible else None, messages)


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


def error_links(form: forms.Form | None, anchor: str = "", *, prefix: str = "") -> list[dict]:
    """The GOV.UK error summary's entries for a form, in field order: each error links to its
    field (a group of radios or checkboxes to its first input, a hidden field's or a non-field
    error to `anchor`, the form itself, or to nothing without one). `prefix` names the form
    when one page has several (a formset's rows)."""
    if form is None or not form.errors:
        return []
    links = []
    for error in form.non_field_errors():
        links.append({"href": f"#{anchor}" if anchor else "", "text": f"{prefix}{error}"})
    for name, field in form.fields.items():
        bound = form[name]
        if not bound.errors:
            continue
        if field.widget.is_hidden:
            href = f"#{anchor}" if anchor else ""
        elif isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            href = f"#{bound.auto_id}_0"  # GOV.UK links a group to its first input
        else:
            href = f"#{bound.id_for_label}"
        links.extend({"href": href, "text": f"{prefix}{error}"} for error in bound.errors)
    return links


def whole_number(text: Any) -> int | None:
    """A plain whole number sent in a query string or form, or None: ASCII digits only (no
    sign, no decimals, no "²", which str.isdigit passes and int refuses) and at most nine of
    them (nothing past a database integer)."""
    if isinstance(text, str) and text.isascii() and text.isdigit() and len(text) < 10:
        return int(text)
    return None


def escape_text(value: Any) -> str:
    """Django's conditional_escape, the same text, without the wrapper that looks for lazy
    strings among its arguments (a few microseconds a call; a form writes hundreds of
    attributes): safe HTML as it is, anything else `str`-ed (a lazy string too) and escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


_WIDGETS = "django/forms/widgets/"
_INPUTS = frozenset(f"{_WIDGETS}{kind}.html" for kind in (
    "input", "text", "number", "hidden", "email", "password", "date", "datetime", "time", "url",
    "tel", "search"))


def _attrs(attrs: Mapping) -> str:
    """Django's widgets/attrs.html: ` name="value"`, a bare ` name` for True, nothing for
    False (escaped here: the callers mark the whole tag safe)."""
    return "".join(
        f" {escape_text(name)}" if value is True
        else f' {escape_text(name)}="{escape_text(value)}"'
        for name, value in attrs.items() if value is not False)


class Renderer(DjangoTemplates):
    """Django's form renderer, except that the plain inputs, text areas and selects (most
    fields of every form) are written here: the same HTML as Django's widget templates
    (tests/send_tracker/test_html_helpers.py compares them), without a template render for
    each field."""

    def render(self, template_name: str, context: dict, request=None) -> str:
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and template_name in _INPUTS:
            value = widget["value"]
            shown = f' value="{escape_text(value)}"' if value is not None else ""
            return mark_safe(  # noqa: S308 - every value escaped here
                f'<input type="{escape_text(widget["type"])}" '
                f'name="{escape_text(widget["name"])}"{shown}{_attrs(widget["attrs"])}>')
        if widget is not None and template_name == f"{_WIDGETS}textarea.html":
            value = widget["value"]
            return mark_safe(  # noqa: S308 - every value escaped here
                f'<textarea name="{escape_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
                f'{escape_text(value) if value else ""}</textarea>')
        if (widget is not None and template_name == f"{_WIDGETS}select.html"
                and all(option["template_name"] == f"{_WIDGETS}select_option.html"
                        for _, options, _ in widget["optgroups"] for option in options)):
            return _select(widget)
        return super().render(template_name, context, request=request)


def _select(widget: dict) -> SafeString:
    """Django's widgets/select.html and select_option.html, whitespace and all."""
    parts = [f'<select name="{escape_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{escape_text(group_name)}">')
        parts.extend(f'\n  <option value="{escape_text(option["value"])}"{_attrs(option["attrs"])}>'
                     f'{escape_text(option["label"])}</option>\n' for option in options)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above

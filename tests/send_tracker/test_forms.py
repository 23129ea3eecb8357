"""The shared pounds field: what officers type in, whole pence out, never through float."""

import pytest
from django import forms

from send_tracker.forms import PoundsField


@pytest.mark.parametrize(
    ("typed", "pence"),
    [("£1,250,000.50", 125_000_050), ("250000", 25_000_000), (" 0.01 ", 1), ("-2,000", -200_000)],
)
def test_pounds_as_typed_become_whole_pence(typed, pence):
    assert PoundsField().clean(typed) == pence


def test_more_than_two_decimal_places_is_refused():
    with pytest.raises(forms.ValidationError):
        PoundsField().clean("1.005")


def test_a_minimum_is_checked_in_pounds_before_conversion():
    with pytest.raises(forms.ValidationError):
        PoundsField(min_value=0).clean("-1")
    assert PoundsField(required=False).clean("") is None


def test_a_service_refusal_goes_beside_the_field_it_names_and_the_rest_above_the_form():
    from django import forms
    from django.core.exceptions import ValidationError

    from send_tracker.forms import service_errors

    class Form(forms.Form):
        name = forms.CharField()
        version = forms.IntegerField(widget=forms.HiddenInput)

    form = Form({"name": "x", "version": "1"})
    assert form.is_valid()
    service_errors(form, ValidationError({
        "name": "Taken.", "version": "Someone saved it first.", "other": "Not a field."}))
    assert form.errors["name"] == ["Taken."]
    # A hidden field's error would be shown nowhere: it goes above the form, with the unknown.
    assert form.non_field_errors() == ["Someone saved it first.", "Not a field."]
    assert "version" not in form.errors


def test_with_a_field_map_only_the_mapped_names_go_beside_a_field():
    from django import forms
    from django.core.exceptions import ValidationError

    from send_tracker.forms import service_errors

    class Form(forms.Form):
        forecast = forms.CharField()
        commentary = forms.CharField()

    form = Form({"forecast": "1", "commentary": "c"})
    assert form.is_valid()
    service_errors(form, ValidationError({"forecast_pence": "Too big.", "commentary": "No."}),
                   field_of={"forecast_pence": "forecast"})
    assert form.errors["forecast"] == ["Too big."]
    assert form.non_field_errors() == ["No."]


def test_whole_number_reads_plain_digits_and_nothing_else():
    """The one rule for a number sent in a query string or a form (a version, a row's id)."""
    from send_tracker.forms import whole_number

    assert [whole_number(t) for t in ("0", "7", "007", "999999999")] == [0, 7, 7, 999_999_999]
    for junk in ("", " 7", "-1", "+1", "1.0", "²", "1²", "٣", "1e3", "1000000000", None, 7):
        assert whole_number(junk) is None, junk

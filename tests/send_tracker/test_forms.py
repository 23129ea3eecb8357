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

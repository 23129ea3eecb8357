"""The monthly update form's own checks (the rules beyond them live in services)."""

from programme.forms import ProgressUpdateForm


def test_a_negative_forecast_is_refused_with_the_plain_message():
    form = ProgressUpdateForm(data={"project": 1, "forecast": "-5", "delivered": "0",
                                    "confidence": "green", "commentary": ""})
    assert not form.is_valid()
    assert form.errors["forecast"] == ["Forecast saving cannot be negative"]


def test_pounds_with_commas_reach_the_service_as_pence():
    form = ProgressUpdateForm(data={"project": 1, "forecast": "£250,000", "delivered": "1,000.50",
                                    "confidence": "green", "commentary": "On track"})
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["forecast"], form.cleaned_data["delivered"]) == (25_000_000, 100_050)

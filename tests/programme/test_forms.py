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


def test_delivery_confidence_is_radios_with_the_trackers_brag_words_in_order():
    from django import forms

    from send_tracker.templatetags.tracker import RAG_WORDS

    field = ProgressUpdateForm().fields["confidence"]
    assert isinstance(field.widget, forms.RadioSelect)
    assert [label for _, label in field.choices] == [
        "Blue – delivered", "Green – on track", "Amber – at risk", "Red – off track"]
    # The same words as the {% rag %} tag: one set of BRAG words on every page.
    assert {code: label for code, label in field.choices} == {
        code: RAG_WORDS[code] for code, _ in field.choices}


def test_a_missing_delivery_confidence_is_refused_with_the_plain_message():
    form = ProgressUpdateForm(data={"project": 1, "forecast": "1", "delivered": "0",
                                    "commentary": ""})
    assert not form.is_valid()
    assert form.errors["confidence"] == ["Choose a delivery confidence rating"]

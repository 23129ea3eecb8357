"""Forms of the user pages. They collect and shape input; the rules are in the services."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation

from send_tracker.permissions import ROLES

TEXT = {"class": "govuk-input govuk-!-width-two-thirds", "spellcheck": "false"}

ROLE_HINTS = {
    "Programme lead": "updates their strands' projects each month",
    "Finance officer": "loads the ledger and extracts; reviews finance and placements",
    "Director": "reads and signs off the board summary",
    "Programme manager": "sets up and runs the programme; sees aggregates only",
    "Administrator": "manages users and reference data; corrects closed periods",
}


class GovukForm(forms.Form):
    """Marks an input in error with GOV.UK's error border (its message is beside it)."""

    def add_error(self, field, error) -> None:
        super().add_error(field, error)
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            if getattr(widget, "input_type", None) in ("text", "email", "password"):
                classes = widget.attrs.get("class", "")
                if "govuk-input--error" not in classes:
                    widget.attrs["class"] = f"{classes} govuk-input--error".strip()


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs) -> None:
        super().__init__(choices=[(r, r) for r in ROLES], **kwargs)


class UserDetailsForm(GovukForm):
    first_name = forms.CharField(label="First name", max_length=150,
                                 widget=forms.TextInput(attrs={**TEXT, "autocomplete": "off"}))
    last_name = forms.CharField(label="Last name", max_length=150,
                                widget=forms.TextInput(attrs={**TEXT, "autocomplete": "off"}))
    email = forms.EmailField(label="E-mail address", max_length=254,
                             widget=forms.EmailInput(attrs={**TEXT, "autocomplete": "off"}))
    roles = RolesField(label="Roles", help_text="Select every role the user holds.")


class InviteForm(UserDetailsForm):
    username = forms.CharField(
        label="Username (optional)", max_length=150, required=False,
        help_text="What they sign in with. Leave it blank to use the e-mail address.",
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "off"}),
    )
    field_order = ["first_name", "last_name", "email", "username", "roles"]


class SetPasswordForm(GovukForm):
    password = forms.CharField(
        label="New password", strip=False,
        widget=forms.PasswordInput(attrs={"class": "govuk-input govuk-!-width-two-thirds",
                                          "autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Confirm new password", strip=False,
        widget=forms.PasswordInput(attrs={"class": "govuk-input govuk-!-width-two-thirds",
                                          "autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The settings' validators describe themselves: one place for the password rules.
        self.fields["password"].help_text = " ".join(
            password_validation.password_validators_help_texts())

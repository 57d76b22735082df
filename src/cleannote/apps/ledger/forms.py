"""The check-in form and the desk payment form; the actions check what the forms cannot."""

from __future__ import annotations

from django import forms

from cleannote.apps.ledger.models import PaymentMethod

_METHODS = [("", "—"), *PaymentMethod.choices]


class PaymentFields(forms.Form):
    amount = forms.DecimalField(
        required=False,
        max_digits=7,
        decimal_places=2,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 8}),
    )
    method = forms.ChoiceField(choices=_METHODS, required=False)
    reference = forms.CharField(
        required=False,
        max_length=64,
        help_text="Check: its number. Card: the last 4 digits or the processor's reference, "
        "never the card number.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 18}),
    )


class CheckInForm(PaymentFields):
    demographics_confirmed = forms.BooleanField(
        required=False, label="Name, birth date, address and phone confirmed with the patient"
    )
    coverage_confirmed = forms.BooleanField(
        required=False, label="Insurance card and member id confirmed"
    )
    intake_complete = forms.BooleanField(required=False, label="Intake paperwork complete")

    field_order = (
        "demographics_confirmed",
        "coverage_confirmed",
        "intake_complete",
        "amount",
        "method",
        "reference",
    )


class PaymentForm(PaymentFields):
    amount = forms.DecimalField(
        max_digits=7,
        decimal_places=2,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 8}),
    )
    method = forms.ChoiceField(choices=_METHODS)

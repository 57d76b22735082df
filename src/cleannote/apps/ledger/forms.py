"""The check-in form and the desk payment form; the actions check what the forms cannot."""

from __future__ import annotations

from django import forms

from cleannote.apps.ledger.models import PaymentMethod
from cleannote.apps.remittance.models import BalanceWriteOffReason, RefundMethod

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


# --- the biller's balance moves (ADR 0750); the actions check amounts against balances -----

_AMOUNT = forms.DecimalField(
    max_digits=10,
    decimal_places=2,
    min_value=0,
    widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 8}),
)


class _ClaimChoice(forms.ChoiceField):
    """A claim of the patient's, by number; the page fills the choices."""


class RefundForm(forms.Form):
    amount = _AMOUNT
    method = forms.ChoiceField(choices=[("", "—"), *RefundMethod.choices[:4]])
    reference = forms.CharField(
        required=False, max_length=64, help_text="Check number or EFT/card reference"
    )
    note = forms.CharField(required=False, max_length=200)


class PayerRefundForm(forms.Form):
    claim = _ClaimChoice()
    amount = _AMOUNT
    method = forms.ChoiceField(choices=[("", "—"), *RefundMethod.choices])
    reference = forms.CharField(required=False, max_length=64)
    note = forms.CharField(required=False, max_length=200)


class TransferForm(forms.Form):
    claim = _ClaimChoice()
    to = forms.ChoiceField(
        choices=[("patient", "Insurance → patient"), ("insurance", "Patient → insurance")]
    )
    amount = _AMOUNT
    note = forms.CharField(max_length=200, help_text="Why the balance moves")


class WriteOffForm(forms.Form):
    claim = _ClaimChoice(required=False)
    side = forms.ChoiceField(
        choices=[("patient", "Patient balance"), ("insurance", "Insurance balance")]
    )
    amount = _AMOUNT
    reason = forms.ChoiceField(choices=[("", "—"), *BalanceWriteOffReason.choices[:4]])
    approved_by = forms.ChoiceField(label="Approved by")
    note = forms.CharField(required=False, max_length=200)

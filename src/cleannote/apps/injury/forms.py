"""The lien ledger's forms: a payment or reduction by hand, and the settlement."""

from __future__ import annotations

from django import forms

from cleannote.apps.injury.actions import BY_HAND
from cleannote.apps.injury.models import LienKind
from cleannote.apps.patients.forms import DATE
from cleannote.platform.request_params import SaneDatesMixin

_MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


class LienEntryForm(SaneDatesMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Entry",
        choices=[(k.value, k.label) for k in LienKind if k in BY_HAND],
        widget=forms.RadioSelect,
        initial=LienKind.PAYMENT.value,
    )
    amount = forms.DecimalField(label="Amount ($)", **_MONEY)
    on = forms.DateField(label="Date", widget=DATE)
    memo = forms.CharField(
        label="Memo",
        max_length=200,
        required=False,
        help_text="Who paid (check number) or what the attorney agreed.",
    )


class SettlementForm(SaneDatesMixin, forms.Form):
    settled_on = forms.DateField(label="Settled on", widget=DATE)
    settlement_amount = forms.DecimalField(
        label="Settlement (gross, $)", help_text="What the injury claim settled for.", **_MONEY
    )
    reduction = forms.DecimalField(
        label="Reduction agreed ($)",
        help_text="What the clinic agreed to take off its bill.",
        **_MONEY,
    )
    payment = forms.DecimalField(
        label="Payment received ($)",
        help_text="Paid to the clinic from the settlement; the rest of the balance is written off.",
        **_MONEY,
    )
    memo = forms.CharField(label="Memo", max_length=200, required=False)

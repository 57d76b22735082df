"""The lien ledger's forms: a payment or reduction by hand, and the settlement."""

from __future__ import annotations

from django import forms

from cleannote.apps.injury.actions import BY_HAND
from cleannote.apps.injury.models import LienKind
from cleannote.apps.patients.forms import DATE
from cleannote.platform.request_params import SaneDatesMixin


def _money(label: str, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label, help_text=help_text, max_digits=12, decimal_places=2, min_value=0
    )


class LienEntryForm(SaneDatesMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Entry",
        choices=[(k.value, k.label) for k in LienKind if k in BY_HAND],
        widget=forms.RadioSelect,
        initial=LienKind.PAYMENT.value,
    )
    amount = _money("Amount ($)")
    on = forms.DateField(label="Date", widget=DATE)
    memo = forms.CharField(
        label="Memo",
        max_length=200,
        required=False,
        help_text="Who paid (check number) or what the attorney agreed.",
    )


class SettlementForm(SaneDatesMixin, forms.Form):
    settled_on = forms.DateField(label="Settled on", widget=DATE)
    settlement_amount = _money("Settlement (gross, $)", "What the injury claim settled for.")
    reduction = _money("Reduction agreed ($)", "What the clinic agreed to take off its bill.")
    payment = _money(
        "Payment received ($)",
        "Paid to the clinic from the settlement; the rest of the balance is written off.",
    )
    memo = forms.CharField(label="Memo", max_length=200, required=False)

"""The medication list's forms: a medication's fields, the reason a change asks for, and a
stop's day (ADR 0964). The checks that matter are the actions'; these only shape the input."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from cleannote.apps.patients.chart_forms import reason_field
from cleannote.apps.patients.forms import DATE
from cleannote.apps.patients.models import Medication
from cleannote.platform.request_params import SaneDatesMixin

MEDICATION_FIELDS = ("name", "dose", "frequency", "route", "note", "started_on")


class MedicationForm(SaneDatesMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Medication
        fields = MEDICATION_FIELDS
        widgets: ClassVar[dict[str, Any]] = {
            "started_on": DATE,
            "name": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        labels: ClassVar[dict[str, str]] = {
            "name": "Medication",
            "frequency": "How often",
            "route": "Route (if known)",
            "note": "Note",
            "started_on": "Started (if known)",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "dose": "e.g. 200 mg, or 2 puffs",
            "frequency": "e.g. twice a day, as needed",
            "route": "e.g. by mouth, inhaled, on the skin",
        }


class ChangeMedicationForm(MedicationForm):
    reason = reason_field()

    class Meta(MedicationForm.Meta):
        fields = (*MEDICATION_FIELDS, "reason")  # type: ignore[assignment]


class StopMedicationForm(SaneDatesMixin, forms.Form):
    stopped_on = forms.DateField(label="Stopped on", widget=DATE)
    reason = reason_field("Why it stopped")

"""The schedule settings forms: a room, an appointment type (issue 12)."""

from __future__ import annotations

from typing import Any

from django import forms

from cleannote.apps.organisations.models import Location, Organisation
from cleannote.apps.scheduling.models import DISCIPLINE_CHOICES, Weekday


class RoomForm(forms.Form):
    location = forms.ModelChoiceField(queryset=Location.objects.none())
    name = forms.CharField(max_length=60)
    equipment = forms.CharField(
        max_length=200, required=False, help_text="comma-separated, e.g. plinth, traction"
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation
        )


class RoomEditForm(forms.Form):
    name = forms.CharField(max_length=60)
    equipment = forms.CharField(max_length=200, required=False)


class AppointmentTypeForm(forms.Form):
    name = forms.CharField(max_length=60)
    discipline = forms.ChoiceField(choices=[("", "any"), *DISCIPLINE_CHOICES], required=False)
    default_minutes = forms.IntegerField(label="Minutes", min_value=5, max_value=480)
    needs_room = forms.BooleanField(required=False, label="Needs a room")
    needs_equipment = forms.CharField(max_length=40, required=False, label="Needs equipment")


class HoursForm(forms.Form):
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int)
    start = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(), required=False, empty_label="any location"
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation
        )


class BreakForm(forms.Form):
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int)
    start = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    label = forms.CharField(max_length=40, required=False)


class TimeOffForm(forms.Form):
    first_day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(max_length=80, required=False)

"""The forms of the series and waitlist pages: they check and translate what was typed; the
actions decide (ADR 0610, 0611)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from cleannote.apps.organisations.models import Location, Organisation, Room, Staff
from cleannote.apps.patients.models import Patient
from cleannote.apps.scheduling.models import AppointmentType, CancelReason
from cleannote.apps.scheduling.series import WEEKDAY_NAMES
from cleannote.apps.scheduling.waitlist import parse_windows
from cleannote.platform.clock import format_time, hour_cycle_of, parse_time

DATE = forms.DateInput(attrs={"type": "date"})
WEEKDAY_CHOICES = [(str(i), name) for i, name in enumerate(WEEKDAY_NAMES)]


def clinicians_of(organisation: Organisation) -> Any:
    return (
        Staff.objects.filter(organisation=organisation, user__is_active=True)
        .exclude(credential="")
        .select_related("user")
    )


class TimeText(forms.CharField):
    """A time typed either way ("10:00", "10:00 AM"), as the clinic's other fields read it."""

    def clean(self, value: Any) -> dt.time | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return parse_time(text)
        except ValueError:
            raise forms.ValidationError(f"{text!r} is not a time; write it as 10:00 AM") from None


class Weekdays(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=WEEKDAY_CHOICES, **kwargs)

    def clean(self, value: Any) -> tuple[int, ...]:
        return tuple(sorted(int(v) for v in super().clean(value)))


class SeriesForm(forms.Form):
    weekdays = Weekdays(label="Weekdays")
    at = TimeText(label="Time", max_length=12)
    minutes = forms.IntegerField(label="Minutes", min_value=5, max_value=480)
    staff = forms.ModelChoiceField(label="Clinician", queryset=Staff.objects.none())
    location = forms.ModelChoiceField(label="Location", queryset=Location.objects.none())
    appointment_type = forms.ModelChoiceField(
        label="Type", queryset=AppointmentType.objects.none(), required=False
    )
    room = forms.ModelChoiceField(
        label="Room",
        queryset=Room.objects.none(),
        required=False,
        help_text="Needed when the type needs a room or equipment; checked for every date.",
    )
    first_day = forms.DateField(label="First day", widget=DATE)
    skip_conflicts = forms.BooleanField(
        label="Book the free dates and leave out the ones that collide", required=False
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set("staff", clinicians_of(organisation))
        self._set("location", Location.objects.filter(organisation=organisation))
        self._set(
            "appointment_type",
            AppointmentType.objects.filter(organisation=organisation, active=True),
        )
        self._set(
            "room",
            Room.objects.filter(organisation=organisation, active=True)
            .select_related("location")
            .order_by("location__name", "name"),
        )

    def _set(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset


class FollowingForm(forms.Form):
    """This occurrence and the later ones: a new time, clinician or weekdays (blank: keep)."""

    at = TimeText(label="New time", max_length=12, required=False)
    staff = forms.ModelChoiceField(
        label="New clinician", queryset=Staff.objects.none(), required=False
    )
    weekdays = Weekdays(label="New weekdays", required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["staff"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = clinicians_of(organisation)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("at") or data.get("staff") or data.get("weekdays")):
            raise forms.ValidationError("Give a new time, clinician or weekdays.")
        return data


class MoveOneForm(forms.Form):
    day = forms.DateField(label="New day", widget=DATE)
    at = TimeText(label="New time", max_length=12)


class CancelForm(forms.Form):
    reason = forms.ChoiceField(label="Reason", choices=CancelReason.choices)
    note = forms.CharField(label="Note", max_length=200, required=False)


class WaitlistForm(forms.Form):
    patient = forms.ModelChoiceField(label="Patient", queryset=Patient.objects.none())
    clinicians = forms.ModelMultipleChoiceField(
        label="Clinicians (none: any)",
        queryset=Staff.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    location = forms.ModelChoiceField(
        label="Location", queryset=Location.objects.none(), required=False, empty_label="Any"
    )
    weekdays = Weekdays(label="Weekdays (none: any)", required=False)
    windows = forms.CharField(
        label="Times of day",
        required=False,
        max_length=100,
        help_text="windows, e.g. 8:00 AM-12:00 PM, 2:00 PM-5:00 PM; blank: any time",
    )
    earliest = forms.DateField(label="Earliest day", widget=DATE, required=False)
    latest = forms.DateField(label="Latest day", widget=DATE, required=False)
    note = forms.CharField(label="Note", max_length=200, required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (
            ("patient", Patient.objects.filter(organisation=organisation)),
            ("clinicians", clinicians_of(organisation)),
            ("location", Location.objects.filter(organisation=organisation)),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset
        cycle = hour_cycle_of(organisation.hour_cycle)
        morning, afternoon = (
            f"{format_time(low, cycle)}-{format_time(high, cycle)}"
            for low, high in ((dt.time(8), dt.time(12)), (dt.time(14), dt.time(17)))
        )
        self.fields[
            "windows"
        ].help_text = (
            f"windows, e.g. {morning}, {afternoon}; either 12- or 24-hour; blank: any time"
        )

    def clean_windows(self) -> tuple[tuple[dt.time, dt.time], ...]:
        try:
            return parse_windows(self.cleaned_data.get("windows") or "", parse_time)
        except ValueError as problem:
            raise forms.ValidationError(str(problem)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        earliest, latest = data.get("earliest"), data.get("latest")
        if earliest and latest and latest < earliest:
            self.add_error("latest", "must not be before the earliest day")
        return data


class WaitlistEditForm(WaitlistForm):
    """The same wish without the patient: an entry stays the patient's (ADR 0615)."""

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, organisation=organisation, **kwargs)
        del self.fields["patient"]


class WaitlistRemoveForm(forms.Form):
    reason = forms.CharField(
        label="Why remove",
        max_length=150,
        help_text="e.g. booked elsewhere, no longer needs an earlier visit; kept in the audit log",
    )

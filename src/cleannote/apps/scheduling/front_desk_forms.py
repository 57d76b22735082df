"""The clinic's reminder, booking confirmation and self-booking rules as a form (ADRs 0641,
0643, 0940)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from cleannote.apps.organisations.models import Location, Organisation, Role, Staff
from cleannote.apps.scheduling.models import (
    AppointmentType,
    ConfirmationOrder,
    FrontDeskSettings,
)


class FrontDeskSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = FrontDeskSettings
        fields = (
            "reminders_on",
            "reminder_hours",
            "late_cancel_hours",
            "confirmations_on",
            "confirmation_order",
            "self_booking_on",
            "min_notice_hours",
            "max_open_bookings",
            "offer_hold_hours",
            "booking_types",
            "booking_staff",
            "booking_locations",
        )
        widgets: ClassVar[dict[str, Any]] = {
            "reminder_hours": forms.RadioSelect,
            "confirmation_order": forms.RadioSelect,
            "booking_types": forms.CheckboxSelectMultiple,
            "booking_staff": forms.CheckboxSelectMultiple,
            "booking_locations": forms.CheckboxSelectMultiple,
        }
        help_texts: ClassVar[dict[str, str]] = {
            "reminders_on": "Email and text, each only when the patient consented in the chart.",
            "confirmations_on": "One message when a visit (or a series) is booked, moved or "
            "cancelled, with the link to the intake forms the booking sent.",
            "confirmation_order": "One channel only: the first the patient consented to in the "
            "chart and has an address for.",
            "late_cancel_hours": "A patient's cancel from a reminder this close to the start "
            "is recorded as a late cancel.",
            "self_booking_on": "Patients with a personal link from their chart may book a "
            "follow-up online.",
            "booking_staff": "None ticked: every clinician.",
            "offer_hold_hours": "An opened slot offered to a waitlist patient is kept for them "
            "this long; then it lapses and the next patient can be offered it.",
            "booking_locations": "None ticked: every location.",
            "booking_types": "Each clinician is offered with the first of these for their "
            "discipline, at its usual length.",
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["booking_staff"].queryset = (  # type: ignore[attr-defined]
            Staff.objects.filter(organisation=organisation, user__is_active=True)
            .exclude(role__in=(Role.FRONT_DESK, Role.BILLER))
            .select_related("user")
        )
        self.fields["booking_locations"].queryset = Location.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation
        )
        for name, top in (("late_cancel_hours", 168), ("min_notice_hours", 720)):
            self.fields[name].max_value = top  # type: ignore[attr-defined]
            self.fields[name].widget.attrs["max"] = top
        self.fields["max_open_bookings"].widget.attrs.update(min=1, max=20)
        # Blank keeps what the clinic has (4 hours when it never chose).
        self.fields["offer_hold_hours"].required = False
        self.fields["offer_hold_hours"].widget.attrs.update(min=1, max=72)
        # Blank keeps what the clinic has (email first when it never chose).
        self.fields["confirmation_order"].required = False
        # A patient cannot choose a room, so only types that need none can be booked online.
        self.fields["booking_types"].queryset = AppointmentType.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation, active=True, needs_room=False, needs_equipment=""
        )

    def clean_max_open_bookings(self) -> int:
        value = int(self.cleaned_data["max_open_bookings"])
        if not 1 <= value <= 20:
            raise forms.ValidationError("between 1 and 20 booked visits")
        return value

    def clean_offer_hold_hours(self) -> int:
        given = self.cleaned_data.get("offer_hold_hours")
        if given is None:
            return int(self.instance.offer_hold_hours or 4)
        value = int(given)
        if not 1 <= value <= 72:
            raise forms.ValidationError("between 1 and 72 hours")
        return value

    def clean_confirmation_order(self) -> str:
        given = self.cleaned_data.get("confirmation_order")
        return str(given or self.instance.confirmation_order or ConfirmationOrder.EMAIL_FIRST)

    def clean_late_cancel_hours(self) -> int:
        value = int(self.cleaned_data["late_cancel_hours"])
        if value > 168:
            raise forms.ValidationError("at most 168 hours (a week)")
        return value

    def clean_min_notice_hours(self) -> int:
        value = int(self.cleaned_data["min_notice_hours"])
        if value > 720:
            raise forms.ValidationError("at most 720 hours (30 days)")
        return value

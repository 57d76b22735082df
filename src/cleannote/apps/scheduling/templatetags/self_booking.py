"""The chart's "Online booking link" button (ADR 0643), shown when the clinic takes online
bookings. The chart (patients) loads it by name, so the lower app never imports scheduling."""

from __future__ import annotations

from typing import Any

from django import template

from cleannote.apps.patients.models import Patient
from cleannote.apps.scheduling.models import FrontDeskSettings

register = template.Library()


@register.inclusion_tag("scheduling/_self_booking_button.html", takes_context=True)
def self_booking_button(context: dict[str, Any], patient: Patient) -> dict[str, Any]:
    on = FrontDeskSettings.objects.filter(
        organisation_id=patient.organisation_id, self_booking_on=True
    ).exists()
    return {"patient": patient, "shown": on and bool(context.get("can", {}).get("edit_chart"))}

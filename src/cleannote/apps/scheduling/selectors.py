"""Reads of the schedule, always within one organisation.

Eligibility sits above scheduling (a check points at the appointment it was run for), so the
day list asks for each patient's newest coverage check through `coverage_by_patient`, which the
eligibility app answers at start-up (ADR 0401).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from cleannote.apps.organisations.models import Organisation
from cleannote.apps.scheduling.models import Appointment
from cleannote.platform.hooks import Hook, no_answer

# {patient id: its newest coverage status} for an organisation's patients (eligibility's
# `latest_by_patient`); nothing known when eligibility is not installed.
coverage_by_patient: Hook[[int, Iterable[int]], Mapping[int, Any]] = Hook(
    "scheduling.coverage_by_patient", no_answer
)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Midnight to midnight in the clinic's time zone."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start, start + dt.timedelta(days=1)


def appointments_on(organisation: Organisation, day: dt.date) -> QuerySet[Appointment]:
    start, end = day_bounds(day)
    return (
        Appointment.objects.filter(organisation=organisation, start__gte=start, start__lt=end)
        .select_related("patient", "staff__user", "location")
        .order_by("start", "id")
    )

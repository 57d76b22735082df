"""Reads of the schedule, always within one organisation."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from cleannote.apps.organisations.models import Organisation
from cleannote.apps.scheduling.models import Appointment


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

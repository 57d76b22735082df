"""The demo clinic's reminders and online self-booking (ADRs 0641, 0643), through the same
actions the owner's settings page, the chart and the hourly reminder run use.

Called by one line at the end of `load_demo_clinic`, after the calendar exists:

- turns reminders on (24 hours ahead, late cancel inside 24 hours) and online self-booking
  (follow-up types, 24 hours' notice, at most 2 booked visits online);
- records communication consent, as the front desk does at check-in, for the patients booked
  tomorrow (every other one by email, every third by text too, some by neither, so the outbox
  shows each case);
- queues tomorrow's reminders as the hourly run would at 6 PM today, leaves them queued (the
  demo's email backend is the console: "Send queued now" on /outbox/ sends them), and gives one
  patient a self-booking link.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.patients.chart_actions import do_update_patient
from cleannote.apps.scheduling.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    FrontDeskSettings,
)
from cleannote.apps.scheduling.reminders import do_queue_reminders
from cleannote.apps.scheduling.self_booking import do_issue_self_booking_link


def load_demo_messaging(front_desk: Actor, today: dt.date) -> int:
    """Turn the demo clinic's reminders and self-booking on and queue tomorrow's reminders;
    returns how many reminders were queued."""
    organisation: Organisation = front_desk.organisation
    rules, _ = FrontDeskSettings.objects.update_or_create(
        organisation=organisation,
        defaults={
            "reminders_on": True,
            "reminder_hours": 24,
            "late_cancel_hours": 24,
            "self_booking_on": True,
            "min_notice_hours": 24,
            "max_open_bookings": 2,
        },
    )
    rules.booking_types.set(
        AppointmentType.objects.filter(
            organisation=organisation,
            active=True,
            name__icontains="follow",
            needs_room=False,
            needs_equipment="",
        )
    )
    zone = timezone.get_current_timezone()
    six_pm = dt.datetime.combine(today, dt.time(18), zone)
    tomorrow = list(
        Appointment.objects.filter(
            organisation=organisation,
            status=AppointmentStatus.BOOKED,
            start__gt=six_pm,
            start__lte=six_pm + dt.timedelta(hours=24),
        )
        .select_related("patient")
        .order_by("start", "id")
    )
    consented = set()
    for index, appointment in enumerate(tomorrow):
        patient = appointment.patient
        if patient.pk in consented or index % 5 == 4:
            continue  # every fifth has given no consent: no reminder
        consented.add(patient.pk)
        changes: dict[str, object] = {}
        if index % 2 == 0 and not patient.email_consent:
            changes |= {
                "email": patient.email or f"patient{patient.pk}@example.com",
                "email_consent": True,
                "email_consent_on": today - dt.timedelta(days=30),
            }
        if (index % 3 == 0 or not changes) and not patient.sms_consent:
            changes |= {
                "phone": patient.phone or f"217-555-{1000 + patient.pk % 9000:04d}",
                "sms_consent": True,
                "sms_consent_on": today - dt.timedelta(days=30),
            }
        if changes:
            do_update_patient(front_desk, patient, reason="Consent recorded at check-in", **changes)
    queued = do_queue_reminders(front_desk, now=six_pm)
    if tomorrow:
        do_issue_self_booking_link(front_desk, tomorrow[0].patient)
    return len(queued)

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
  patient a self-booking link;
- offers the slot the clinic's cancellation opened to the first waiting patient who suits it,
  by text, to a mobile number the desk took down by phone with one digit wrong: the slot is held
  for them (ADR 0670), the send task hands the text to the gateway, which refuses the number, so
  the outbox shows it under "Needs attention" with its way forward (fix the number on the chart,
  then Retry, ADR 0672). Only where the demo has a waitlist match (not in the messaging tests'
  small calendar).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.messaging.actions import send_messages
from cleannote.apps.messaging.models import OutboundMessage
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
from cleannote.apps.scheduling.waitlist_actions import do_offer_slot
from cleannote.apps.scheduling.waitlist_selectors import slot_matches, waiting_entries


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
    failed_offer(front_desk, today)
    return len(queued)


def failed_offer(front_desk: Actor, today: dt.date) -> OutboundMessage | None:
    """The waitlist offer whose text the gateway refused (a digit of the number typed wrong),
    made through the desk's own actions and the send task; None when no open slot suits anyone
    waiting, or the offer was made already."""
    organisation = front_desk.organisation
    now = timezone.now()
    match = next(
        (
            m
            for m in slot_matches(organisation, now, list(waiting_entries(organisation)))
            if m.entries and m.hold is None
        ),
        None,
    )
    if match is None:
        return None
    entry = match.entries[0]
    patient = entry.patient
    last_four = f"{patient.pk % 10000:04d}"
    do_update_patient(
        front_desk,
        patient,
        reason="Mobile number and text consent taken by phone",
        phone=f"217-055-{last_four}",  # 555 heard as 055: no such exchange
        sms_consent=True,
        sms_consent_on=today,
    )
    offered = do_offer_slot(front_desk, entry=entry, slot=match.slot, now=now)
    message = offered.offer_message
    if message is None:
        return None
    send_messages([message.pk])  # what the outbox's send task runs; the gateway refuses it
    message.refresh_from_db()
    return message

"""Appointment reminders by email and text, and the patient's answer from their link (ADR 0641).

For a clinic with reminders on, every booked appointment starting within its reminder hours
(24 or 48) gets one message per channel the patient consented to in the chart (email consent
and an email on file; text consent and a phone). The message's idempotency key is the
appointment, its start and the channel, so a repeated run queues nothing new and a moved
appointment gets a fresh reminder with a fresh link. The text holds the clinic's name, the
patient's first name and the time, never the clinician's name, a diagnosis or a surname.

`cleannote_send_reminders` (hourly from cron or a scheduler) queues what is due for every
clinic and sends it through the outbox's task.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.messaging.actions import do_queue_message, enqueue_sends
from cleannote.apps.messaging.models import Channel, MessageStatus, OutboundMessage
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.scheduling.actions import do_cancel_appointment
from cleannote.apps.scheduling.booking_hooks import patient_tasks
from cleannote.apps.scheduling.contact_routes import (
    consented_routes,
    front_desk_settings,
    public_url,
)
from cleannote.apps.scheduling.errors import SchedulingError
from cleannote.apps.scheduling.models import (
    Appointment,
    AppointmentStatus,
    CancelReason,
    FrontDeskSettings,
    PatientReply,
)
from cleannote.apps.scheduling.patient_links import reminder_token
from cleannote.platform.clock import format_moment, hour_cycle_of
from cleannote.rules.patient_messages import is_late_cancel

PURPOSE = "appointment reminder"


def reminder_link(appointment: Appointment) -> str:
    return public_url(reverse("patient_links:reminder", args=[reminder_token(appointment)]))


@dataclass(frozen=True, slots=True)
class Reminder:
    channel: str
    to: str
    subject: str
    body: str


def reminder_messages(appointment: Appointment) -> list[Reminder]:
    """What a reminder of this appointment says, one per consented channel with a contact."""
    patient, organisation = appointment.patient, appointment.organisation
    when = format_moment(appointment.start, hour_cycle_of(organisation.hour_cycle), "l j F")
    link = reminder_link(appointment)
    text = (
        f"Hi {patient.first_name}, a reminder of your appointment at {organisation.name} "
        f"on {when}. Confirm or cancel: {link}"
    )
    tasks = patient_tasks(appointment)
    if tasks:
        text = f"{text}\n{tasks}"
    found = []
    for route in consented_routes(patient):
        if route.channel == Channel.EMAIL:
            found.append(
                Reminder(
                    route.channel,
                    route.to,
                    f"Your appointment at {organisation.name} on {when}",
                    f"{text}\n\nIf you cannot come, please cancel so another patient can have "
                    f"the time.\n\n{organisation.name}\n",
                )
            )
        else:
            found.append(Reminder(route.channel, route.to, "", text))
    return found


def reminder_key(appointment: Appointment, channel: str) -> str:
    return f"reminder:{appointment.pk}:{appointment.start.isoformat()}:{channel}"


def reminders_due(organisation: Organisation, now: dt.datetime) -> list[Appointment]:
    rules = front_desk_settings(organisation)
    if not rules.reminders_on:
        return []
    return list(
        Appointment.objects.filter(
            organisation=organisation,
            status=AppointmentStatus.BOOKED,
            start__gt=now,
            start__lte=now + dt.timedelta(hours=rules.reminder_hours),
        )
        .select_related("patient", "organisation")
        .order_by("start", "id")
    )


@transaction.atomic
def do_queue_reminders(actor: Actor, *, now: dt.datetime) -> list[OutboundMessage]:
    """Queue the reminders now due in the actor's clinic; the ones already queued come back
    as they are (same key), so the caller can count what is new by status and time."""
    queued = []
    for appointment in reminders_due(actor.organisation, now):
        for reminder in reminder_messages(appointment):
            queued.append(
                do_queue_message(
                    actor,
                    channel=reminder.channel,
                    to=reminder.to,
                    subject=reminder.subject,
                    body=reminder.body,
                    purpose=PURPOSE,
                    idempotency_key=reminder_key(appointment, reminder.channel),
                    reference_type="appointment",
                    reference_id=appointment.pk,
                    patient_id=appointment.patient_id,
                )
            )
    return queued


def send_reminders(now: dt.datetime | None = None) -> dict[str, int]:
    """The task `cleannote_send_reminders` runs: queue what is due in every clinic with
    reminders on, then send each clinic's queued reminders. Returns counts."""
    moment = now or timezone.now()
    counts = {"clinics": 0, "reminders": 0, "to_send": 0}
    for rules in FrontDeskSettings.objects.filter(reminders_on=True).select_related("organisation"):
        counts["clinics"] += 1
        rows = do_queue_reminders(Actor(user=None, organisation=rules.organisation), now=moment)
        counts["reminders"] += len(rows)
        waiting = [m.pk for m in rows if m.status == MessageStatus.QUEUED]
        counts["to_send"] += len(waiting)
        if waiting:
            enqueue_sends(waiting)
    return counts


@transaction.atomic
def do_record_patient_reply(
    appointment: Appointment, reply: PatientReply | str, *, at: dt.datetime | None = None
) -> Appointment:
    """The patient's Confirm or Cancel from a reminder link. A cancel goes through the
    schedule's cancel action as "patient cancelled", or "late cancel" inside the clinic's
    window; the audit rows name no person (the actor is the system, on the patient's link)."""
    moment = at or timezone.now()
    answer = PatientReply(reply)
    row = (
        Appointment.objects.select_for_update()
        .select_related("organisation")
        .get(pk=appointment.pk)
    )
    if row.status != AppointmentStatus.BOOKED:
        raise SchedulingError(f"appointment {row.pk}", "is no longer booked")
    if row.start <= moment:
        raise SchedulingError(f"appointment {row.pk}", "has already begun")
    actor = Actor(user=None, organisation=row.organisation)
    if answer == PatientReply.CANCELLED:
        window = front_desk_settings(row.organisation).late_cancel_hours
        late = is_late_cancel(row.start, moment, window)
        row = do_cancel_appointment(
            actor,
            appointment=row,
            reason=CancelReason.LATE if late else CancelReason.PATIENT,
            note="by the patient from a reminder link",
            at=moment,
        )
    row.patient_reply = answer.value
    row.patient_replied_at = moment
    row.save(update_fields=["patient_reply", "patient_replied_at"])
    do_record_audit_event(
        actor,
        AuditAction.UPDATE,
        "appointment.patient_reply",
        row.pk,
        patient_id=row.patient_id,
        reason=f"{answer.label} from a reminder link",
    )
    return row

"""The writers of the waitlist (ADR 0611): add, edit and withdraw (with a reason) an entry
(ADR 0615), offer an opened slot to
it (a text or an email through the messaging outbox, by the patient's consent; else a phone
call the desk records), and book the slot on acceptance through `do_book_appointment`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.messaging.actions import do_queue_message, enqueue_sends
from cleannote.apps.organisations.models import Location, Staff
from cleannote.apps.patients.models import Patient
from cleannote.apps.scheduling.actions import do_book_appointment
from cleannote.apps.scheduling.errors import SchedulingError
from cleannote.apps.scheduling.models import (
    Appointment,
    AppointmentType,
    OpenSlot,
    WaitlistEntry,
    WaitlistStatus,
)
from cleannote.platform.clock import format_time, hour_cycle_of

OBJECT_TYPE = "waitlist_entry"


def _mine(actor: Actor, *rows: tuple[str, int | None]) -> None:
    for name, organisation_id in rows:
        if organisation_id != actor.organisation.pk:
            raise SchedulingError(name, "belongs to another organisation")


def _checked_wish(
    actor: Actor,
    patient: Patient,
    clinicians: list[Staff],
    location: Location | None,
    weekdays: Iterable[int],
    earliest: dt.date | None,
    latest: dt.date | None,
) -> list[int]:
    """Refuse another organisation's rows, a weekday out of range or dates the wrong way
    round; the weekdays sorted, once each."""
    _mine(
        actor,
        (f"patient {patient.pk}", patient.organisation_id),
        *((f"staff {s.pk}", s.organisation_id) for s in clinicians),
        *([(f"location {location.pk}", location.organisation_id)] if location else []),
    )
    days = sorted(set(weekdays))
    if any(d not in range(7) for d in days):
        raise SchedulingError("weekdays", "a weekday is 0 (Monday) to 6 (Sunday)")
    if earliest and latest and latest < earliest:
        raise SchedulingError("latest", "must not be before the earliest date")
    return days


def _stored(windows: Iterable[tuple[dt.time, dt.time]]) -> list[list[str]]:
    return [[f"{low:%H:%M}", f"{high:%H:%M}"] for low, high in windows]


@transaction.atomic
def do_add_waitlist_entry(
    actor: Actor,
    *,
    patient: Patient,
    clinicians: Iterable[Staff] = (),
    location: Location | None = None,
    weekdays: Iterable[int] = (),
    windows: Iterable[tuple[dt.time, dt.time]] = (),
    earliest: dt.date | None = None,
    latest: dt.date | None = None,
    note: str = "",
) -> WaitlistEntry:
    clinicians = list(clinicians)
    days = _checked_wish(actor, patient, clinicians, location, weekdays, earliest, latest)
    entry = WaitlistEntry.objects.create(
        organisation=actor.organisation,
        patient=patient,
        location=location,
        weekdays=days,
        windows=_stored(windows),
        earliest=earliest,
        latest=latest,
        note=" ".join(note.split())[:200],
        created_by=actor.user,
    )
    entry.clinicians.set(clinicians)
    do_record_audit_event(actor, AuditAction.CREATE, OBJECT_TYPE, entry.pk, patient_id=patient.pk)
    return entry


def _locked(actor: Actor, entry: WaitlistEntry, *allowed: WaitlistStatus) -> WaitlistEntry:
    row = WaitlistEntry.objects.select_for_update().select_related("patient").get(pk=entry.pk)
    _mine(actor, (f"waitlist entry {row.pk}", row.organisation_id))
    if row.status not in allowed:
        raise SchedulingError(f"waitlist entry {row.pk}", f"is {row.get_status_display().lower()}")
    return row


@transaction.atomic
def do_update_waitlist_entry(
    actor: Actor,
    *,
    entry: WaitlistEntry,
    clinicians: Iterable[Staff] = (),
    location: Location | None = None,
    weekdays: Iterable[int] = (),
    windows: Iterable[tuple[dt.time, dt.time]] = (),
    earliest: dt.date | None = None,
    latest: dt.date | None = None,
    note: str = "",
) -> WaitlistEntry:
    """Change what a waiting patient wants (ADR 0615). An open or offered entry only; an offer
    already made stands (the desk withdraws and re-adds to take it back)."""
    row = _locked(actor, entry, WaitlistStatus.OPEN, WaitlistStatus.OFFERED)
    clinicians = list(clinicians)
    row.weekdays = _checked_wish(
        actor, row.patient, clinicians, location, weekdays, earliest, latest
    )
    row.location = location
    row.windows = _stored(windows)
    row.earliest, row.latest = earliest, latest
    row.note = " ".join(note.split())[:200]
    row.save(update_fields=["weekdays", "location", "windows", "earliest", "latest", "note"])
    row.clinicians.set(clinicians)
    do_record_audit_event(actor, AuditAction.UPDATE, OBJECT_TYPE, row.pk, patient_id=row.patient_id)
    return row


@transaction.atomic
def do_withdraw_waitlist_entry(
    actor: Actor, *, entry: WaitlistEntry, reason: str = ""
) -> WaitlistEntry:
    """Take the entry off the waitlist; the person's reason goes in the audit row."""
    row = _locked(actor, entry, WaitlistStatus.OPEN, WaitlistStatus.OFFERED)
    row.status, row.closed_at = WaitlistStatus.WITHDRAWN, timezone.now()
    row.save(update_fields=["status", "closed_at"])
    do_record_audit_event(
        actor,
        AuditAction.UPDATE,
        OBJECT_TYPE,
        row.pk,
        patient_id=row.patient_id,
        reason=f"withdrawn: {' '.join(reason.split())}" if reason.strip() else "withdrawn",
    )
    return row


def offer_channel(patient: Patient) -> tuple[str, str]:
    """How to reach the patient with an offer, by their consent: a text, else an email, else
    a phone call the desk makes (nothing sent)."""
    if patient.sms_consent and patient.phone:
        return "sms", patient.phone
    if patient.email_consent and patient.email:
        return "email", patient.email
    return "phone", ""


def offer_text(actor: Actor, patient: Patient, slot: OpenSlot) -> str:
    """Minimal PHI: the first name, the day and time, the clinician (ADR 0640)."""
    local = timezone.localtime(slot.start)
    at = format_time(local.time(), hour_cycle_of(actor.organisation.hour_cycle))
    return (
        f"Hello {patient.first_name}, an earlier visit is open on {local:%a %b} {local.day} "
        f"at {at} with {slot.staff.display_name} at {slot.location.name}. "
        f"Reply or call {actor.organisation.name} to take it."
    )


@transaction.atomic
def do_offer_slot(actor: Actor, *, entry: WaitlistEntry, slot: OpenSlot) -> WaitlistEntry:
    """Offer the slot to the entry's patient: queued in the outbox (sent once, by the send
    task) when they consented to texts or email, else recorded as a phone offer."""
    row = _locked(actor, entry, WaitlistStatus.OPEN, WaitlistStatus.OFFERED)
    _mine(actor, (f"open slot {slot.pk}", slot.organisation_id))
    channel, to = offer_channel(row.patient)
    message = None
    if channel != "phone":
        message = do_queue_message(
            actor,
            channel=channel,
            to=to,
            subject="An earlier appointment" if channel == "email" else "",
            body=offer_text(actor, row.patient, slot),
            purpose="waitlist offer",
            idempotency_key=f"waitlist-offer:{row.pk}:{slot.pk}:{channel}",
            reference_type=OBJECT_TYPE,
            reference_id=row.pk,
            patient_id=row.patient_id,
        )
        enqueue_sends([message.pk])
    row.status = WaitlistStatus.OFFERED
    row.offered_slot, row.offered_at, row.offered_by = slot, timezone.now(), channel
    row.offer_message = message
    row.save(update_fields=["status", "offered_slot", "offered_at", "offered_by", "offer_message"])
    do_record_audit_event(
        actor,
        AuditAction.UPDATE,
        OBJECT_TYPE,
        row.pk,
        patient_id=row.patient_id,
        reason=f"offered open slot {slot.pk} by {channel}",
    )
    return row


@transaction.atomic
def do_book_from_waitlist(
    actor: Actor,
    *,
    entry: WaitlistEntry,
    slot: OpenSlot,
    appointment_type: AppointmentType | None = None,
) -> Appointment:
    """The patient accepted: book the slot (every check of a booking holds) and close the
    entry."""
    row = _locked(actor, entry, WaitlistStatus.OPEN, WaitlistStatus.OFFERED)
    _mine(actor, (f"open slot {slot.pk}", slot.organisation_id))
    appointment = do_book_appointment(
        actor,
        patient=row.patient,
        staff=slot.staff,
        location=slot.location,
        start=slot.start,
        end=slot.end,
        appointment_type=appointment_type,
        note=f"from the waitlist (entry {row.pk})",
    )
    row.status, row.closed_at = WaitlistStatus.BOOKED, timezone.now()
    row.booked_appointment = appointment
    row.save(update_fields=["status", "closed_at", "booked_appointment"])
    do_record_audit_event(
        actor,
        AuditAction.UPDATE,
        OBJECT_TYPE,
        row.pk,
        patient_id=row.patient_id,
        reason=f"booked appointment {appointment.pk} from open slot {slot.pk}",
    )
    return appointment

"""The writers of the waitlist (ADR 0611): add, edit and withdraw (with a reason) an entry
(ADR 0615), offer an opened slot to
it (a text or an email through the messaging outbox, by the patient's consent; else a phone
call the desk records), and book the slot on acceptance through `do_book_appointment`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.messaging.actions import do_queue_message, enqueue_sends
from cleannote.apps.organisations.models import Location, Room, Staff
from cleannote.apps.patients.models import Patient
from cleannote.apps.scheduling.actions import _refuse_overlaps, do_book_appointment
from cleannote.apps.scheduling.errors import SchedulingError, SchedulingErrorCode
from cleannote.apps.scheduling.models import (
    Appointment,
    AppointmentType,
    HoldStatus,
    OpenSlot,
    SlotHold,
    WaitlistEntry,
    WaitlistStatus,
)
from cleannote.apps.scheduling.slot_holds import OBJECT_TYPE as HOLD_OBJECT
from cleannote.apps.scheduling.slot_holds import close_hold, hold_hours, lapse_hold
from cleannote.platform.clock import format_time, hour_cycle_of

OBJECT_TYPE = "waitlist_entry"
Code = SchedulingErrorCode


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


def offer_text(
    actor: Actor, patient: Patient, slot: OpenSlot, until: dt.datetime | None = None
) -> str:
    """Minimal PHI: the first name, the day and time, the clinician (ADR 0640); how long it is
    kept for them when it is held (ADR 0670)."""
    cycle = hour_cycle_of(actor.organisation.hour_cycle)
    local = timezone.localtime(slot.start)
    at = format_time(local.time(), cycle)
    kept = ""
    if until is not None:
        end = timezone.localtime(until)
        kept = f" We keep it for you until {end:%a} {format_time(end.time(), cycle)}."
    return (
        f"Hello {patient.first_name}, an earlier visit is open on {local:%a %b} {local.day} "
        f"at {at} with {slot.staff.display_name} at {slot.location.name}.{kept} "
        f"Reply or call {actor.organisation.name} to take it."
    )


def _hold_room(slot: OpenSlot) -> Room | None:
    """The room the cancelled visit had, when it is still in use at the slot's location."""
    source = slot.source
    if source is None or source.room is None:
        return None
    room = source.room
    return room if room.active and room.location_id == slot.location_id else None


def _live_hold(entry: WaitlistEntry) -> SlotHold | None:
    return (
        SlotHold.objects.select_related("entry", "patient", "staff__user", "room")
        .filter(entry=entry, status=HoldStatus.HELD)
        .first()
    )


def _hold_slot(actor: Actor, row: WaitlistEntry, slot: OpenSlot, now: dt.datetime) -> SlotHold:
    """The hold that keeps the slot for this entry: the one it already has on this slot (a
    second Offer holds nothing more), else a new one, its clinician's and room's time checked
    against appointments and other holds under the calendar lock; an earlier offer of another
    slot to the same entry is released (one offer out per patient)."""
    current = _live_hold(row)
    if current is not None and not lapse_hold(actor, current, now):
        if current.slot_id == slot.pk:
            return current
        close_hold(actor, current, HoldStatus.RELEASED, now, f"open slot {slot.pk} offered instead")
    room = _hold_room(slot)
    _refuse_overlaps(
        actor, staff=slot.staff, room=room, start=slot.start, end=slot.end, moving=None, now=now
    )
    hold = SlotHold(
        organisation=actor.organisation,
        entry=row,
        slot=slot,
        patient=row.patient,
        staff=slot.staff,
        location=slot.location,
        room=room,
        start=slot.start,
        end=slot.end,
        expires_at=now + dt.timedelta(hours=hold_hours(actor.organisation.pk)),
        created_at=now,
        created_by=actor.user,
    )
    try:
        with transaction.atomic():
            hold.save()
    except IntegrityError as error:  # a hold committed between our check and our insert
        if "slot_hold_" not in str(error):
            raise
        raise SchedulingError(
            f"open slot {slot.pk}", "was held for another patient meanwhile", Code.SLOT_HELD
        ) from None
    do_record_audit_event(
        actor,
        AuditAction.CREATE,
        HOLD_OBJECT,
        hold.pk,
        patient_id=row.patient_id,
        reason=f"open slot {slot.pk} held until {hold.expires_at.isoformat()}",
    )
    return hold


@transaction.atomic
def do_offer_slot(
    actor: Actor, *, entry: WaitlistEntry, slot: OpenSlot, now: dt.datetime | None = None
) -> WaitlistEntry:
    """Offer the slot to the entry's patient and hold it for them (ADR 0670) until they
    accept, decline, the desk releases it or the clinic's hold time runs out from `now`: the
    offer is queued in the outbox (sent once, by the send task) when they consented to texts
    or email, else recorded as a phone offer. A slot held for someone else, or taken, is
    refused before anything is sent."""
    now = now or timezone.now()
    row = _locked(actor, entry, WaitlistStatus.OPEN, WaitlistStatus.OFFERED)
    _mine(actor, (f"open slot {slot.pk}", slot.organisation_id))
    if slot.start <= now:
        raise SchedulingError(f"open slot {slot.pk}", "has already begun", Code.STATUS)
    hold = _hold_slot(actor, row, slot, now)
    channel, to = offer_channel(row.patient)
    message = None
    if channel != "phone":
        message = do_queue_message(
            actor,
            channel=channel,
            to=to,
            subject="An earlier appointment" if channel == "email" else "",
            body=offer_text(actor, row.patient, slot, hold.expires_at),
            purpose="waitlist offer",
            idempotency_key=f"waitlist-offer:{row.pk}:{slot.pk}:{channel}",
            reference_type=OBJECT_TYPE,
            reference_id=row.pk,
            patient_id=row.patient_id,
        )
        enqueue_sends([message.pk])
    row.status = WaitlistStatus.OFFERED
    row.offered_slot, row.offered_at, row.offered_by = slot, now, channel
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
    now: dt.datetime | None = None,
) -> Appointment:
    """The patient accepted: book the slot (every check of a booking holds) and close the
    entry. When the slot is held for this entry, the hold is accepted and exactly its time,
    clinician and room are booked; a slot held for another patient is refused."""
    now = now or timezone.now()
    row = _locked(actor, entry, WaitlistStatus.OPEN, WaitlistStatus.OFFERED)
    _mine(actor, (f"open slot {slot.pk}", slot.organisation_id))
    hold = _live_hold(row)
    if hold is not None and (hold.slot_id != slot.pk or lapse_hold(actor, hold, now)):
        hold = None
    if hold is not None:
        close_hold(actor, hold, HoldStatus.ACCEPTED, now, "")
    appointment = do_book_appointment(
        actor,
        patient=row.patient,
        staff=slot.staff,
        location=slot.location,
        start=slot.start,
        end=slot.end,
        appointment_type=appointment_type,
        room=hold.room if hold is not None else None,
        note=f"from the waitlist (entry {row.pk})",
    )
    if hold is not None:
        SlotHold.objects.filter(pk=hold.pk).update(appointment=appointment)
    row.status, row.closed_at = WaitlistStatus.BOOKED, now
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


def _locked_hold(actor: Actor, hold: SlotHold) -> SlotHold:
    row = (
        SlotHold.objects.select_for_update(of=("self",))
        .select_related("entry", "patient")
        .get(pk=hold.pk)
    )
    _mine(actor, (f"hold {row.pk}", row.organisation_id))
    if row.status != HoldStatus.HELD:
        raise SchedulingError(
            f"hold {row.pk}", f"is {row.get_status_display().lower()} already", Code.STATUS
        )
    return row


@transaction.atomic
def do_decline_offer(actor: Actor, *, hold: SlotHold, now: dt.datetime | None = None) -> SlotHold:
    """The patient said no: the slot is free for the next patient, and the entry waits on."""
    row = _locked_hold(actor, hold)
    close_hold(actor, row, HoldStatus.DECLINED, now or timezone.now(), "the patient declined")
    return row


@transaction.atomic
def do_release_hold(
    actor: Actor, *, hold: SlotHold, reason: str = "", now: dt.datetime | None = None
) -> SlotHold:
    """The desk gives the held time back before the offer ends (to book someone else over it,
    say); the person's reason goes in the audit row, and the entry waits on."""
    row = _locked_hold(actor, hold)
    close_hold(
        actor,
        row,
        HoldStatus.RELEASED,
        now or timezone.now(),
        " ".join(reason.split())[:200] or "released by the desk",
    )
    return row


def do_expire_holds(now: dt.datetime) -> int:
    """The sweep (hourly or nightly, `manage.py cleannote_expire_holds`): lapse every hold
    whose time ran out by `now`, each in its own transaction with its audit row. Idempotent:
    a lapsed hold is not held any more, so a second run changes nothing. How many lapsed."""
    lapsed = 0
    due = SlotHold.objects.filter(status=HoldStatus.HELD, expires_at__lte=now)
    for hold in due.select_related("organisation").order_by("expires_at", "id"):
        with transaction.atomic():
            actor = Actor(user=None, organisation=hold.organisation)
            lapsed += lapse_hold(actor, hold, now)
    return lapsed

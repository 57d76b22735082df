"""Online self-booking for an existing patient with a personal link (ADR 0643).

The clinic turns it on and sets its rules (`FrontDeskSettings`: the appointment types offered,
minimum notice, the most booked visits a patient may hold, which clinicians and locations).
Open slots are each offered clinician's working hours over the next two weeks minus breaks,
time off and appointments that hold their time (`rules.patient_messages.open_slots`); the
booking goes through `do_book_appointment`, so the double-booking checks and the database's
constraints hold as for the desk.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.messaging.actions import do_queue_message, enqueue_sends
from cleannote.apps.messaging.models import Channel
from cleannote.apps.organisations.models import Location, Role, Staff
from cleannote.apps.patients.models import Patient
from cleannote.apps.scheduling.actions import do_book_appointment
from cleannote.apps.scheduling.contact_routes import (
    consented_routes,
    front_desk_settings,
    public_url,
)
from cleannote.apps.scheduling.errors import SchedulingError
from cleannote.apps.scheduling.models import (
    FREED,
    Appointment,
    AppointmentStatus,
    AppointmentType,
    FrontDeskSettings,
    SelfBookingLink,
    StaffBreak,
    TimeOff,
    WorkingHours,
)
from cleannote.apps.scheduling.patient_links import booking_token
from cleannote.rules.patient_messages import Interval, WeeklySpan, booking_refusal, open_slots

DAYS_SHOWN = 14
PURPOSE = "self-booking link"


class BookingRefused(Exception):
    """Why the patient's choice was not booked, in words for the patient."""


@transaction.atomic
def do_issue_self_booking_link(actor: Actor, patient: Patient) -> SelfBookingLink:
    """A new personal link for the patient; any older one stops working."""
    if patient.organisation_id != actor.organisation.pk:
        raise SchedulingError(f"patient {patient.pk}", "belongs to another organisation")
    link, _ = SelfBookingLink.objects.update_or_create(
        patient=patient,
        defaults={
            "organisation": actor.organisation,
            "nonce": secrets.token_hex(16),
            "created_at": timezone.now(),
            "revoked_at": None,
        },
    )
    do_record_audit_event(
        actor, AuditAction.CREATE, "self_booking_link", link.pk, patient_id=patient.pk
    )
    return link


@transaction.atomic
def do_revoke_self_booking_link(actor: Actor, patient: Patient) -> bool:
    changed = SelfBookingLink.objects.filter(
        patient=patient, organisation=actor.organisation, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if changed:
        do_record_audit_event(
            actor, AuditAction.DELETE, "self_booking_link", patient.pk, patient_id=patient.pk
        )
    return bool(changed)


def self_booking_address(link: SelfBookingLink) -> str:
    return public_url(reverse("patient_links:self_booking", args=[booking_token(link)]))


def send_self_booking_link(actor: Actor, patient: Patient) -> list[str]:
    """Queue the patient's live link by each consented channel and send it; the channels used.
    The key names the link's nonce, so pressing Send twice sends once per link."""
    link = SelfBookingLink.objects.filter(patient=patient, revoked_at__isnull=True).first()
    if link is None:
        link = do_issue_self_booking_link(actor, patient)
    address = self_booking_address(link)
    organisation = actor.organisation
    text = (
        f"Hi {patient.first_name}, you can book your next visit at {organisation.name} online: "
        f"{address}"
    )
    routes = [(route.channel, route.to) for route in consented_routes(patient)]
    queued = [
        do_queue_message(
            actor,
            channel=channel,
            to=to,
            subject=f"Book your next visit at {organisation.name}" if channel == "email" else "",
            body=text,
            purpose=PURPOSE,
            idempotency_key=f"self-booking:{link.pk}:{link.nonce}:{channel}",
            reference_type="self_booking_link",
            reference_id=link.pk,
            patient_id=patient.pk,
        )
        for channel, to in routes
    ]
    if queued:
        enqueue_sends([m.pk for m in queued])
    return [Channel(channel).label.lower() for channel, _ in routes]


@dataclass(frozen=True, slots=True)
class Offer:
    """One bookable time: who, where, what, when (the form's value names it)."""

    staff: Staff
    location: Location
    kind: AppointmentType
    start: dt.datetime

    @property
    def value(self) -> str:
        return f"{self.staff.pk}|{self.location.pk}|{self.kind.pk}|{int(self.start.timestamp())}"

    @property
    def clinician_initials(self) -> str:
        user = self.staff.user
        return "".join(f"{p[0].upper()}." for p in (user.first_name, user.last_name) if p)


def _kind_for(staff: Staff, kinds: list[AppointmentType]) -> AppointmentType | None:
    for kind in kinds:
        if not kind.discipline or staff.discipline is None or kind.discipline == staff.discipline:
            return kind
    return None


def _earliest(rules: FrontDeskSettings, now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(hours=rules.min_notice_hours)


def offers(
    rules: FrontDeskSettings, now: dt.datetime, patient: Patient | None = None
) -> list[Offer]:
    """Every open slot the clinic offers online, by time then clinician. For a patient who
    has seen (or is booked with) offered clinicians in the last 180 days, only those: a
    follow-up stays with the patient's own therapists."""
    organisation = rules.organisation
    # A type that needs a room or equipment is never offered: the patient cannot choose one.
    kinds = (
        list(
            rules.booking_types.filter(active=True, needs_room=False, needs_equipment="").order_by(
                "name"
            )
        )
        if rules.pk
        else []
    )
    if not rules.self_booking_on or not kinds:
        return []
    chosen_staff = list(rules.booking_staff.all())
    staff_rows = chosen_staff or list(
        Staff.objects.filter(organisation=organisation, user__is_active=True)
        .exclude(role__in=(Role.FRONT_DESK, Role.BILLER, Role.MANAGER))
        .select_related("user")
    )
    if patient is not None:
        own = set(
            Appointment.objects.filter(
                patient=patient, start__gte=now - dt.timedelta(days=180)
            ).values_list("staff_id", flat=True)
        )
        staff_rows = [s for s in staff_rows if s.pk in own] or staff_rows
    allowed_locations = list(rules.booking_locations.all()) or list(
        Location.objects.filter(organisation=organisation).order_by("pk")
    )
    if not allowed_locations:
        return []
    zone = timezone.get_current_timezone()
    today = timezone.localdate(now)
    days = [today + dt.timedelta(days=n) for n in range(DAYS_SHOWN + 1)]
    window_end = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time.min, zone)
    earliest = _earliest(rules, now)
    found: list[Offer] = []
    for staff in staff_rows:
        kind = _kind_for(staff, kinds)
        if kind is None:
            continue
        hours_rows = list(WorkingHours.objects.filter(staff=staff).select_related("location"))
        breaks = [
            WeeklySpan(b.weekday, b.start, b.end) for b in StaffBreak.objects.filter(staff=staff)
        ]
        days_off = frozenset(
            day
            for off in TimeOff.objects.filter(staff=staff, last_day__gte=today)
            for day in days
            if off.first_day <= day <= off.last_day
        )
        busy = [
            Interval(a.start, a.end)
            for a in Appointment.objects.filter(
                staff=staff, start__lt=window_end, end__gt=now
            ).exclude(status__in=FREED)
        ]
        for location in allowed_locations:
            spans = [
                WeeklySpan(h.weekday, h.start, h.end)
                for h in hours_rows
                if h.location_id in (None, location.pk)
            ]
            for start in open_slots(
                days=days,
                hours=spans,
                breaks=breaks,
                days_off=days_off,
                busy=busy,
                earliest=earliest,
                minutes=kind.default_minutes,
                zone=zone,
            ):
                found.append(Offer(staff, location, kind, start))
            if spans:
                break  # one location per clinician: the first allowed one they work at
    found.sort(key=lambda o: (o.start, o.staff.pk))
    return found


def open_bookings(patient: Patient, now: dt.datetime) -> int:
    return Appointment.objects.filter(
        patient=patient, status=AppointmentStatus.BOOKED, start__gt=now
    ).count()


@transaction.atomic
def do_self_book(link: SelfBookingLink, choice: str, *, now: dt.datetime) -> Appointment:
    """Book the offer the patient chose (`Offer.value`), or BookingRefused saying why."""
    rules = front_desk_settings(link.organisation)
    patient = Patient.objects.select_for_update().get(pk=link.patient_id)
    available = {offer.value: offer for offer in offers(rules, now, patient)}
    offer = available.get(choice)
    try:
        start = dt.datetime.fromtimestamp(int(choice.rsplit("|", 1)[-1]), tz=dt.UTC)
    except (ValueError, OverflowError):
        raise BookingRefused("Please choose one of the times shown.") from None
    refusal = booking_refusal(
        enabled=rules.self_booking_on,
        open_bookings=open_bookings(patient, now),
        max_open_bookings=rules.max_open_bookings,
        start=start,
        earliest=_earliest(rules, now),
        offered=[offer.start] if offer is not None else [],
    )
    if refusal is not None:
        raise BookingRefused(refusal)
    assert offer is not None
    actor = Actor(user=None, organisation=link.organisation)
    try:
        return do_book_appointment(
            actor,
            patient=patient,
            staff=offer.staff,
            location=offer.location,
            start=offer.start,
            appointment_type=offer.kind,
            note="booked by the patient online",
        )
    except SchedulingError:
        raise BookingRefused("That time is no longer free. Please choose another.") from None

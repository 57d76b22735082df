"""A clinician's schedule as an iCalendar feed behind a secret address (ADR 0642).

The address carries a random token; only its SHA-256 is stored, so the database cannot give
the address back: the page shows it once, when it is made. Making a new one replaces the row
(the old address answers 404 from then on); Revoke deletes it. The feed holds the clinician's
appointments from 30 days back to 90 ahead that still hold their time, each titled with the
patient's initials and the appointment type, never a name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.models import Staff
from cleannote.apps.scheduling.models import Appointment, AppointmentStatus, CalendarFeed

DAYS_BACK = 30
DAYS_AHEAD = 90
FREED_STATUSES = (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def do_issue_calendar_feed(actor: Actor, staff: Staff) -> str:
    """A new secret token for the clinician's feed, replacing (revoking) any older one."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        staff=staff, defaults={"token_hash": token_hash(token), "created_at": timezone.now()}
    )
    do_record_audit_event(actor, AuditAction.CREATE, "calendar_feed", staff.pk)
    return token


@transaction.atomic
def do_revoke_calendar_feed(actor: Actor, staff: Staff) -> bool:
    deleted, _ = CalendarFeed.objects.filter(staff=staff).delete()
    if deleted:
        do_record_audit_event(actor, AuditAction.DELETE, "calendar_feed", staff.pk)
    return bool(deleted)


def feed_of(token: str) -> CalendarFeed | None:
    if not token or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.select_related("staff__user", "staff__organisation")
        .filter(token_hash=token_hash(token), staff__user__is_active=True)
        .first()
    )


def patient_initials(first_name: str, last_name: str) -> str:
    return "".join(f"{part[0].upper()}." for part in (first_name, last_name) if part) or "?"


def feed_appointments(staff: Staff, now: dt.datetime) -> list[Appointment]:
    return list(
        Appointment.objects.filter(
            staff=staff,
            start__gte=now - dt.timedelta(days=DAYS_BACK),
            start__lte=now + dt.timedelta(days=DAYS_AHEAD),
        )
        .exclude(status__in=FREED_STATUSES)
        .select_related("patient", "location", "appointment_type")
        .order_by("start", "id")
    )


def feed_calendar(staff: Staff, appointments: list[Appointment], now: dt.datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Cleannote//Clinician schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{staff.organisation.name} schedule")
    calendar.add("refresh-interval;value=duration", "PT1H")
    calendar.add("x-published-ttl", "PT1H")
    for appointment in appointments:
        kind = appointment.appointment_type.name if appointment.appointment_type else "Visit"
        who = patient_initials(appointment.patient.first_name, appointment.patient.last_name)
        event = Event()
        event.add("uid", f"appointment-{appointment.pk}@cleannote")
        event.add("dtstamp", now)
        event.add("dtstart", appointment.start)
        event.add("dtend", appointment.end)
        event.add("summary", f"{who} · {kind}")
        event.add("location", appointment.location.name)
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical


def feed_for(feed: CalendarFeed, now: dt.datetime) -> bytes:
    """The feed's calendar, with the audit row listing the patients it shows."""
    staff = feed.staff
    appointments = feed_appointments(staff, now)
    do_record_audit_event(
        Actor(user=staff.user, organisation=staff.organisation),
        AuditAction.EXPORT,
        "calendar_feed",
        staff.pk,
        shown_patient_ids=sorted({a.patient_id for a in appointments}),
    )
    return feed_calendar(staff, appointments, now)

"""The public pages a patient reaches from a message, with no sign-in (ADRs 0641, 0643).

They show the clinic's name, the date and time and the clinician's initials, and for
self-booking the patient's first name: nothing else of the record. Every page is rate-limited
by address (django-ratelimit): past the limit the answer is a 429 page saying to wait, never a
500. A tampered, expired or stale link is a page saying so (400 or 410), and each opening and
answer is audited as the system acting on the patient's link.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.scheduling.calendar_feeds import feed_for, feed_of
from cleannote.apps.scheduling.contact_routes import front_desk_settings
from cleannote.apps.scheduling.errors import SchedulingError
from cleannote.apps.scheduling.models import Appointment, AppointmentStatus, PatientReply
from cleannote.apps.scheduling.patient_links import (
    LinkRefused,
    appointment_of_reminder,
    link_of_booking,
)
from cleannote.apps.scheduling.reminders import do_record_patient_reply
from cleannote.apps.scheduling.self_booking import BookingRefused, Offer, do_self_book, offers

# Per client address, per page kind: generous for a person, tight for a script.
PAGE_RATE = "30/m"
ANSWER_RATE = "10/m"


def initials(appointment: Appointment) -> str:
    user = appointment.staff.user
    letters = [part[0].upper() for part in (user.first_name, user.last_name) if part]
    return "".join(f"{letter}." for letter in letters) or "your clinician"


def too_many(request: HttpRequest, group: str) -> HttpResponse | None:
    """The 429 page when this address has asked too often, else None (and the ask counted)."""
    rate = ANSWER_RATE if request.method == "POST" else PAGE_RATE
    if is_ratelimited(request, group=group, key="ip", rate=rate, increment=True):
        response = render(request, "scheduling/public_limited.html", status=429)
        response["Retry-After"] = "60"
        return response
    return None


def refused(request: HttpRequest, why: LinkRefused) -> HttpResponse:
    status = 400 if why.reason == "broken" else 410
    return render(request, "scheduling/public_refused.html", {"why": why}, status=status)


@require_http_methods(["GET", "POST"])
def reminder_page(request: HttpRequest, token: str) -> HttpResponse:
    limited = too_many(request, "patient_links.reminder")
    if limited is not None:
        return limited
    try:
        appointment = appointment_of_reminder(token)
    except LinkRefused as why:
        return refused(request, why)
    actor = Actor(user=None, organisation=appointment.organisation)
    problem = ""
    if request.method == "POST":
        answer = request.POST.get("answer", "")
        if answer not in PatientReply.values:
            problem = "Choose Confirm or Cancel."
        else:
            try:
                appointment = do_record_patient_reply(appointment, answer)
            except SchedulingError as error:
                problem = f"This appointment cannot be changed here: it {error.problem}."
    else:
        do_record_audit_event(
            actor,
            AuditAction.VIEW,
            "appointment",
            appointment.pk,
            patient_id=appointment.patient_id,
            reason="opened from a reminder link",
        )
    open_to_answer = (
        appointment.status == AppointmentStatus.BOOKED
        and appointment.start > timezone.now()
        and appointment.patient_reply != PatientReply.CONFIRMED
    )
    return render(
        request,
        "scheduling/public_reminder.html",
        {
            "appointment": appointment,
            "clinic": appointment.organisation,
            "initials": initials(appointment),
            "open_to_answer": open_to_answer,
            "problem": problem,
            "hour_cycle": appointment.organisation.hour_cycle,
        },
        status=400 if problem else 200,
    )


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A clinician's iCalendar feed (ADR 0642); an unknown or revoked token is a plain 404."""
    limited = too_many(request, "patient_links.feed")
    if limited is not None:
        return limited
    feed = feed_of(token)
    if feed is None:
        return HttpResponse(
            "No calendar at this address: it was revoked or replaced.\n",
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(feed_for(feed, timezone.now()), content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="schedule.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def self_booking_page(request: HttpRequest, token: str) -> HttpResponse:
    """A patient's online booking page (ADR 0643): open slots by day, one press books."""
    limited = too_many(request, "patient_links.book")
    if limited is not None:
        return limited
    try:
        link = link_of_booking(token)
    except LinkRefused as why:
        return refused(request, why)
    organisation = link.organisation
    rules = front_desk_settings(organisation)
    now = timezone.now()
    problem, booked = "", None
    if request.method == "POST":
        try:
            booked = do_self_book(link, request.POST.get("slot", ""), now=now)
        except BookingRefused as why:
            problem = str(why)
    else:
        do_record_audit_event(
            Actor(user=None, organisation=organisation),
            AuditAction.VIEW,
            "self_booking_link",
            link.pk,
            patient_id=link.patient_id,
            reason="opened the self-booking page",
        )
    shown = (
        [] if booked is not None or not rules.self_booking_on else offers(rules, now, link.patient)
    )
    by_day: dict[object, list[Offer]] = {}
    for offer in shown:
        by_day.setdefault(timezone.localtime(offer.start).date(), []).append(offer)
    return render(
        request,
        "scheduling/public_booking.html",
        {
            "clinic": organisation,
            "first_name": link.patient.first_name,
            "rules": rules,
            "days": list(by_day.items()),
            "problem": problem,
            "booked": booked,
            "booked_initials": initials(booked) if booked is not None else "",
            "hour_cycle": organisation.hour_cycle,
        },
        status=400 if problem else 200,
    )

"""Booking confirmations (ADR 0940): when a visit is booked, moved or cancelled, one message
tells the patient, through the outbox (ADR 0640), by the first channel the chart's consent
allows in the clinic's order (`contact_routes.consented_routes`, the reminders' own rule).

- One message per booking: a series is one message listing its visits, each visit's
  `BookingConfirmation` row naming it; a move sends a change notice, a cancellation a
  cancellation notice.
- A booking that sent intake forms adds the intake app's line with the portal link
  (`booking_hooks.patient_tasks`, the line the reminder adds too).
- No message when the clinic turned confirmations off, the patient allows no channel with an
  address, or the visit has begun: the row says why and the appointment page shows it.
- What it says: the first name, the day and time in the clinic's time zone, the clinician and
  the place (`scheduling/messages/confirmation.txt`); nothing is logged.

Called inside the booking's, the move's or the cancellation's transaction by the actions; the
send task runs when it commits (`enqueue_sends`), like a waitlist offer's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from django.template.loader import render_to_string
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.messaging.actions import do_queue_message, enqueue_sends
from cleannote.apps.messaging.models import Channel, OutboundMessage
from cleannote.apps.scheduling.booking_hooks import patient_tasks
from cleannote.apps.scheduling.contact_routes import Route, consented_routes, front_desk_settings
from cleannote.apps.scheduling.models import (
    Appointment,
    BookingConfirmation,
    ConfirmationKind,
    ConfirmationOrder,
)
from cleannote.platform.clock import format_date, format_moment, hour_cycle_of

Kind = ConfirmationKind

PURPOSES = {
    Kind.BOOKED: "booking confirmation",
    Kind.CHANGED: "booking changed",
    Kind.CANCELLED: "booking cancelled",
}
# What the appointment page calls each when none went out: "no confirmation sent: ...".
NAMES = {
    Kind.BOOKED: "confirmation",
    Kind.CHANGED: "change notice",
    Kind.CANCELLED: "cancellation notice",
}
SUBJECTS = {
    Kind.BOOKED: "Your visit at {clinic} is booked",
    Kind.CHANGED: "Your visit at {clinic} has changed",
    Kind.CANCELLED: "Your visit at {clinic} is cancelled",
}
NO_ROUTE = "no email or phone the patient allows"
TURNED_OFF = "confirmations are turned off in the front desk settings"
BEGUN = "the visit had already begun"
# A long series lists this many visits, then "and N more, the last on ...".
MOST_LISTED = 12


def confirmation_route(routes: Sequence[Route], order: str) -> Route | None:
    """The first consented channel in the clinic's order, or None."""
    ordered = list(routes)
    if order == ConfirmationOrder.SMS_FIRST:
        ordered.reverse()
    return ordered[0] if ordered else None


def _visit_line(appointment: Appointment) -> str:
    cycle = hour_cycle_of(appointment.organisation.hour_cycle)
    when = format_moment(appointment.start, cycle, "l j F", zone=True)
    place = appointment.location
    return f"{when} with {appointment.staff.display_name} at {place.name}, {place.address_line1}"


def confirmation_message(
    kind: ConfirmationKind, appointments: Sequence[Appointment], channel: str, tasks: str
) -> tuple[str, str]:
    """The subject (email only) and the text of one notice about these visits."""
    first = appointments[0]
    clinic = first.organisation.name
    listed = appointments[:MOST_LISTED]
    more = len(appointments) - len(listed)
    text = render_to_string(
        "scheduling/messages/confirmation.txt",
        {
            "kind": kind.value,
            "first_name": first.patient.first_name,
            "clinic": clinic,
            "lines": [_visit_line(a) for a in listed],
            "more": more,
            "last": format_date(appointments[-1].start) if more else "",
            "tasks": tasks,
            "channel": channel,
        },
    )
    lines = [line.rstrip() for line in text.strip().splitlines()]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
    subject = SUBJECTS[kind].format(clinic=clinic) if channel == Channel.EMAIL else ""
    return subject, body


def not_sent_reason(kind: ConfirmationKind, why: str) -> str:
    return f"no {NAMES[kind]} sent: {why}"


def queue_confirmation(
    actor: Actor,
    kind: ConfirmationKind,
    appointments: Sequence[Appointment],
    *,
    now: dt.datetime | None = None,
) -> OutboundMessage | None:
    """Queue one notice of `kind` about these visits of one patient (a booking, a series, the
    visits a change moved or cancelled) and record it on each visit; the message, or None
    with the reason recorded. Runs inside the caller's transaction, after its audit row."""
    if not appointments:
        return None
    moment = now or timezone.now()
    visits = sorted(appointments, key=lambda a: (a.start, a.pk))
    ahead = [a for a in visits if a.start > moment]
    why, message = BEGUN, None
    if ahead:
        rules = front_desk_settings(actor.organisation)
        route = confirmation_route(consented_routes(ahead[0].patient), rules.confirmation_order)
        why = TURNED_OFF if not rules.confirmations_on else NO_ROUTE if route is None else ""
        if route is not None and not why:
            message = _queue(actor, kind, ahead, route)
    BookingConfirmation.objects.bulk_create(
        BookingConfirmation(
            organisation=actor.organisation,
            appointment=a,
            kind=kind,
            message=message if message is not None and a in ahead else None,
            not_sent=""
            if message is not None and a in ahead
            else not_sent_reason(kind, why or BEGUN),
            created_at=moment,
        )
        for a in visits
    )
    return message


def _queue(
    actor: Actor, kind: ConfirmationKind, visits: Sequence[Appointment], route: Route
) -> OutboundMessage:
    first = visits[0]
    tasks = "" if kind == Kind.CANCELLED else patient_tasks(first)
    subject, body = confirmation_message(kind, visits, route.channel, tasks)
    # Each notice about a visit is the next one on it: a second move is a new message, and a
    # retried transaction (all or nothing) queues it once.
    sequence = BookingConfirmation.objects.filter(appointment=first).count()
    message = do_queue_message(
        actor,
        channel=route.channel,
        to=route.to,
        subject=subject,
        body=body,
        purpose=PURPOSES[kind],
        idempotency_key=f"confirmation:{first.pk}:{sequence}",
        reference_type="appointment",
        reference_id=first.pk,
        patient_id=first.patient_id,
    )
    enqueue_sends([message.pk])
    return message

"""The links a patient gets by email or text, signed with Django's signing (ADR 0641, 0643).

A reminder link names the appointment and the start it was sent for, so a moved appointment's
old link is refused ("moved") and the new reminder carries a new one. A self-booking link names
the patient's `SelfBookingLink` row and its nonce, so a new link or Revoke refuses older ones.
Both expire (`max_age`). A tampered, expired or stale token becomes a `LinkRefused` with the
sentence the public page shows; nothing about the patient is in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing

from cleannote.apps.scheduling.models import Appointment, SelfBookingLink

REMINDER_SALT = "cleannote.scheduling.reminder"
BOOKING_SALT = "cleannote.scheduling.self-booking"
REMINDER_MAX_AGE = dt.timedelta(days=14)
BOOKING_MAX_AGE = dt.timedelta(days=180)


@dataclass(frozen=True, slots=True)
class LinkRefused(Exception):
    """Why a link does not open: `reason` is a short code, `sentence` what the page says."""

    reason: str
    sentence: str


BROKEN = LinkRefused(
    "broken", "This link is not complete or has been changed. Please use the link exactly as sent."
)
EXPIRED = LinkRefused(
    "expired", "This link has expired. Please call the clinic, or use the newest message."
)


def reminder_token(appointment: Appointment) -> str:
    return signing.dumps(
        {"a": appointment.pk, "s": int(appointment.start.timestamp())}, salt=REMINDER_SALT
    )


def _loads(token: str, salt: str, max_age: dt.timedelta) -> dict[str, object]:
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise EXPIRED from None
    except signing.BadSignature:
        raise BROKEN from None
    if not isinstance(value, dict):
        raise BROKEN
    return value


def appointment_of_reminder(token: str) -> Appointment:
    """The appointment a reminder link is for, or LinkRefused."""
    value = _loads(token, REMINDER_SALT, REMINDER_MAX_AGE)
    appointment_id, start = value.get("a"), value.get("s")
    if not isinstance(appointment_id, int) or not isinstance(start, int):
        raise BROKEN
    appointment = (
        Appointment.objects.select_related("organisation", "staff__user", "location")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        raise LinkRefused("gone", "This appointment is no longer on the clinic's calendar.")
    if int(appointment.start.timestamp()) != start:
        raise LinkRefused(
            "moved",
            "This appointment has been moved since this message was sent. "
            "Please use the newest reminder, or call the clinic.",
        )
    return appointment


def booking_token(link: SelfBookingLink) -> str:
    return signing.dumps({"l": link.pk, "n": link.nonce}, salt=BOOKING_SALT)


def link_of_booking(token: str) -> SelfBookingLink:
    """The live self-booking link a token names, or LinkRefused."""
    value = _loads(token, BOOKING_SALT, BOOKING_MAX_AGE)
    link_id, nonce = value.get("l"), value.get("n")
    if not isinstance(link_id, int) or not isinstance(nonce, str):
        raise BROKEN
    link = (
        SelfBookingLink.objects.select_related("organisation", "patient")
        .filter(pk=link_id, nonce=nonce, revoked_at__isnull=True)
        .first()
    )
    if link is None:
        raise LinkRefused(
            "revoked", "This booking link is no longer valid. Please ask the clinic for a new one."
        )
    return link

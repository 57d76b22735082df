"""How the clinic reaches a patient, one rule for every message scheduling sends (ADR 0940):
the clinic's front-desk rules, the public address of a patient's link, and the channels the
chart's communication consent allows (an email with email consent, a phone with text
consent). The reminders (ADR 0641), the self-booking link (ADR 0643) and the booking
confirmations read the same `consented_routes`, so they cannot disagree about who may be
written to.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from cleannote.apps.messaging.models import Channel
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.patients.models import Patient
from cleannote.apps.scheduling.models import FrontDeskSettings


def front_desk_settings(organisation: Organisation) -> FrontDeskSettings:
    """The clinic's row, or the defaults (unsaved) when it has none."""
    found = FrontDeskSettings.objects.filter(organisation=organisation).first()
    return found or FrontDeskSettings(organisation=organisation)


def public_url(path: str) -> str:
    return settings.CLEANNOTE_PUBLIC_URL.rstrip("/") + path


@dataclass(frozen=True, slots=True)
class Route:
    channel: Channel
    to: str


def consented_routes(patient: Patient) -> list[Route]:
    """Every channel the patient consented to in the chart and has an address for: email
    first, then text."""
    found = []
    if patient.email_consent and patient.email:
        found.append(Route(Channel.EMAIL, patient.email))
    if patient.sms_consent and patient.phone:
        found.append(Route(Channel.SMS, patient.phone))
    return found

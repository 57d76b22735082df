"""The intake app's answers to the hooks of lower apps, registered in `IntakeConfig.ready()`:
the forms a booking sends, the line the appointment's message adds, and the signed ABNs the
visit builder puts on a Medicare visit (ADR 0960)."""

from __future__ import annotations

from cleannote.apps.audit.actions import Actor
from cleannote.apps.intake.actions import send_booking_forms
from cleannote.apps.intake.selectors import patient_task_line
from cleannote.apps.scheduling.contact_routes import public_url
from cleannote.apps.scheduling.models import Appointment

PORTAL_PATH = "/portal/"


def forms_at_booking(actor: Actor, appointment: Appointment) -> None:
    send_booking_forms(actor, appointment.patient, appointment.pk)


def tasks_in_message(appointment: Appointment) -> str:
    return patient_task_line(appointment.patient, public_url(PORTAL_PATH))

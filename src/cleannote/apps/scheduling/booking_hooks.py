"""What apps above scheduling add to a booking: forms to send, and a line in the message.

The intake app (above scheduling) sends its forms when a visit is booked and asks the patient,
in the appointment's message, to complete what is still open before the visit (ADR 0960). Both
answers are registered in `IntakeConfig.ready()`; without them a booking sends nothing more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cleannote.platform.hooks import Hook

if TYPE_CHECKING:
    from cleannote.apps.audit.actions import Actor
    from cleannote.apps.scheduling.models import Appointment


def _nothing_booked(actor: Actor, appointment: Appointment) -> None:
    return None


def _no_tasks(appointment: Appointment) -> str:
    return ""


# Called inside the booking's transaction, after the appointment row exists.
appointment_booked: Hook[[Actor, Appointment], None] = Hook(
    "scheduling.appointment_booked", _nothing_booked
)
# One line the appointment's message adds (e.g. "Before your visit, please complete ..."), or "".
patient_tasks: Hook[[Appointment], str] = Hook("scheduling.patient_tasks", _no_tasks)

"""The only writer of appointments."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.models import Location, Staff
from cleannote.apps.patients.models import Patient
from cleannote.apps.scheduling.errors import SchedulingError
from cleannote.apps.scheduling.models import Appointment, AppointmentStatus


@transaction.atomic
def do_book_appointment(
    actor: Actor,
    *,
    patient: Patient,
    staff: Staff,
    location: Location,
    start: dt.datetime,
    end: dt.datetime,
) -> Appointment:
    organisation_id = actor.organisation.pk
    for name, row_org in (
        (f"patient {patient.pk}", patient.organisation_id),
        (f"staff {staff.pk}", staff.organisation_id),
        (f"location {location.pk}", location.organisation_id),
    ):
        if row_org != organisation_id:
            raise SchedulingError(name, "belongs to another organisation")
    if end <= start:
        raise SchedulingError("appointment", f"ends at {end.isoformat()}, not after its start")
    appointment = Appointment.objects.create(
        organisation=actor.organisation,
        patient=patient,
        staff=staff,
        location=location,
        start=start,
        end=end,
    )
    do_record_audit_event(
        actor, AuditAction.CREATE, "appointment", appointment.pk, patient_id=patient.pk
    )
    return appointment


@transaction.atomic
def do_mark_arrived(
    actor: Actor, appointment: Appointment, *, at: dt.datetime | None = None
) -> Appointment:
    """The patient is here: a booked appointment becomes arrived (the desk's check-in)."""
    if appointment.organisation_id != actor.organisation.pk:
        raise SchedulingError(f"appointment {appointment.pk}", "belongs to another organisation")
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if locked.status != AppointmentStatus.BOOKED:
        raise SchedulingError(
            f"appointment {appointment.pk}",
            f"is {locked.get_status_display().lower()}; only a booked one can be marked arrived",
        )
    locked.status = AppointmentStatus.ARRIVED
    locked.save(update_fields=["status"])
    do_record_audit_event(
        actor, AuditAction.UPDATE, "appointment", locked.pk, patient_id=locked.patient_id, at=at
    )
    appointment.status = locked.status
    return locked

"""One appointment row per booked visit; times are aware datetimes in the clinic's zone."""

from __future__ import annotations

from django.db import models

from cleannote.apps.organisations.models import Location, Organisation, Staff
from cleannote.apps.patients.models import Patient


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    ARRIVED = "arrived", "Arrived"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No show"


# Appointments that still expect the patient: the ones an eligibility run checks.
EXPECTED = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)


class Appointment(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="appointments"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="appointments")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointments")
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(
        max_length=9, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )

    class Meta:
        ordering = ("start", "id")
        indexes = (models.Index(fields=["organisation", "start"]),)
        constraints = (
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="appointment_ends_after_start"
            ),
        )

    def __str__(self) -> str:
        return f"Appointment {self.pk} ({self.status})"

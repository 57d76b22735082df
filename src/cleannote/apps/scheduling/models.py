"""The calendar's rows: appointment types, appointments, and each clinician's working hours,
breaks and time off. Times are aware datetimes; hours of the week are wall-clock times in the
clinic's zone.

No two appointments that still hold their time (booked, arrived, completed) overlap for one
clinician or one room: on PostgreSQL two exclusion constraints say so (migration 0002, ADR
0600), on SQLite the booking transaction checks (`actions._refuse_overlaps`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cleannote.apps.organisations.models import Location, Organisation, Room, Staff
from cleannote.apps.patients.models import Patient
from cleannote.rules.visit import Discipline

DISCIPLINE_CHOICES = [(d.value, d.value) for d in Discipline]


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    ARRIVED = "arrived", "Arrived"
    COMPLETED = "completed", "Checked out"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No show"


# Appointments that still expect the patient: the ones an eligibility run checks.
EXPECTED = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)
# Appointments that gave their time back: another visit may take the clinician and the room.
FREED = (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)


class CancelReason(models.TextChoices):
    PATIENT = "patient", "Patient cancelled"
    CLINIC = "clinic", "Clinic cancelled"
    LATE = "late", "Late cancel"


class AppointmentType(models.Model):
    """What a visit is (an evaluation, a follow-up …) for one discipline, its usual length and
    what it needs: any room, or a room with a piece of equipment."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="appointment_types"
    )
    name = models.CharField(max_length=60)
    # Blank: any clinician may give it.
    discipline = models.CharField(max_length=7, choices=DISCIPLINE_CHOICES, blank=True)
    default_minutes = models.PositiveSmallIntegerField()
    needs_room = models.BooleanField(default=False)
    # One tag from Room.equipment the room must hold; implies a room.
    needs_equipment = models.CharField(max_length=40, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ("discipline", "name")
        constraints = (
            models.UniqueConstraint(
                fields=["organisation", "discipline", "name"], name="appointment_type_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(default_minutes__gte=5, default_minutes__lte=480),
                name="appointment_type_minutes_5_to_480",
            ),
        )

    def __str__(self) -> str:
        return f"{self.discipline} {self.name}" if self.discipline else self.name


class Appointment(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="appointments"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="appointments")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointments")
    appointment_type = models.ForeignKey(
        AppointmentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(
        max_length=9, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    # What the desk wrote when booking ("prefers mornings"); never shown outside the clinic.
    booked_note = models.CharField(max_length=200, blank=True)
    # True when someone confirmed booking outside the clinician's hours or in time off (ADR 0601).
    outside_hours = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    arrived_at = models.DateTimeField(null=True, blank=True)
    checked_out_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=7, choices=CancelReason.choices, blank=True)
    cancel_note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("start", "id")
        indexes = (
            models.Index(fields=["organisation", "start"]),
            models.Index(fields=["staff", "start"]),
        )
        constraints = (
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="appointment_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(status="cancelled") | models.Q(cancel_reason=""),
                name="appointment_cancel_reason_only_when_cancelled",
            ),
        )

    def __str__(self) -> str:
        return f"Appointment {self.pk} ({self.status})"

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def holds_time(self) -> bool:
        return self.status not in FREED


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WorkingHours(models.Model):
    """One stretch of a clinician's week (Monday 08:00 to 12:00 at Main Street). A clinician
    with no rows has no hours set, and the schedule does not hold them to any (ADR 0601)."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()
    # Blank: at any of the organisation's locations.
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("staff", "weekday", "start")
        verbose_name_plural = "working hours"
        constraints = (
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="working_hours_end_after_start"
            ),
        )


class StaffBreak(models.Model):
    """A weekly break (lunch, admin time) inside a clinician's hours, never booked over."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="breaks")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()
    label = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ("staff", "weekday", "start")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="staff_break_end_after_start"
            ),
        )


class TimeOff(models.Model):
    """Whole days a clinician is away, first and last day included."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="time_off")
    first_day = models.DateField()
    last_day = models.DateField()
    note = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ("staff", "first_day")
        verbose_name_plural = "time off"
        constraints = (
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="time_off_last_day_not_before_first",
            ),
        )

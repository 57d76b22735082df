"""The calendar's rows: appointment types, appointments, and each clinician's working hours,
breaks and time off. Times are aware datetimes; hours of the week are wall-clock times in the
clinic's zone.

No two appointments that still hold their time (booked, arrived, completed) overlap for one
clinician or one room: on PostgreSQL two exclusion constraints say so (migration 0002, ADR
0600), on SQLite the booking transaction checks (`actions._refuse_overlaps`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from cleannote.apps.organisations.models import Location, Organisation, Room, Staff
from cleannote.apps.patients.models import Patient, PlanOfCare
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
# The longest a visit may last (the booking form's, a series' and a type's limit, and the
# booking action's): the calendar grids read a day's visits as those starting less than this
# before it, a range an index reads (ADR 0676).
LONGEST_VISIT = dt.timedelta(minutes=480)


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


class PatientReply(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed by the patient"
    CANCELLED = "cancelled", "Cancelled by the patient"


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
    # The series it was booked in (ADR 0610); an appointment of a series is still an ordinary
    # appointment: moved, cancelled and checked in one at a time.
    series = models.ForeignKey(
        "AppointmentSeries",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    # The patient's answer from a reminder's link (ADR 0641): confirmed, or cancelled (the
    # cancel itself is the status and its reason); blank when they have not answered.
    patient_reply = models.CharField(max_length=9, choices=PatientReply.choices, blank=True)
    patient_replied_at = models.DateTimeField(null=True, blank=True)

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


class ReminderHours(models.IntegerChoices):
    DAY = 24, "24 hours ahead"
    TWO_DAYS = 48, "2 days ahead"


class ConfirmationOrder(models.TextChoices):
    """Which channel a booking confirmation tries first (ADR 0940): one message, by the first
    the patient's communication consent allows."""

    EMAIL_FIRST = "email_first", "Email, else a text"
    SMS_FIRST = "sms_first", "Text, else an email"


class FrontDeskSettings(models.Model):
    """A clinic's reminder, booking confirmation and online self-booking rules (ADRs 0641,
    0643, 0940); a clinic with no row has the defaults: no reminders, confirmations by email
    first, no self-booking."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="front_desk_settings"
    )
    reminders_on = models.BooleanField("send appointment reminders", default=False)
    reminder_hours = models.PositiveSmallIntegerField(
        "send them", choices=ReminderHours.choices, default=ReminderHours.DAY
    )
    confirmations_on = models.BooleanField("send booking confirmations", default=True)
    confirmation_order = models.CharField(
        "send them by",
        max_length=11,
        choices=ConfirmationOrder.choices,
        default=ConfirmationOrder.EMAIL_FIRST,
    )
    # A patient's cancel this close to the start is a late cancel.
    late_cancel_hours = models.PositiveSmallIntegerField("late cancel inside (hours)", default=24)
    self_booking_on = models.BooleanField("patients may book online", default=False)
    min_notice_hours = models.PositiveSmallIntegerField("minimum notice (hours)", default=24)
    max_open_bookings = models.PositiveSmallIntegerField(
        "most booked visits a patient may hold", default=2
    )
    # How long a waitlist offer holds its slot before it lapses (ADR 0670).
    offer_hold_hours = models.PositiveSmallIntegerField(
        "a waitlist offer holds its slot for (hours)", default=4
    )
    # The types a patient may book online (none: self-booking offers nothing); each offered
    # clinician gets the first of their discipline, at its default length.
    booking_types = models.ManyToManyField(AppointmentType, blank=True, related_name="+")
    # Blank: every clinician / location may be booked online.
    booking_staff = models.ManyToManyField(Staff, blank=True, related_name="+")
    booking_locations = models.ManyToManyField(Location, blank=True, related_name="+")

    class Meta:
        verbose_name_plural = "front desk settings"
        constraints = (
            models.CheckConstraint(
                condition=models.Q(late_cancel_hours__lte=168, min_notice_hours__lte=720),
                name="front_desk_settings_hours_in_range",
            ),
        )

    def __str__(self) -> str:
        return f"Front desk settings of organisation {self.organisation_id}"


class CalendarFeed(models.Model):
    """A clinician's secret iCalendar address (ADR 0642): only the token's SHA-256 is stored;
    making a new one replaces the row, so the old address stops answering."""

    staff = models.OneToOneField(Staff, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Calendar feed of staff {self.staff_id}"


class SelfBookingLink(models.Model):
    """A patient's personal online-booking link (ADR 0643): the signed token names this row,
    and revoking it (a new link, or Revoke) makes every older token refused."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, related_name="self_booking_link"
    )
    nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Self-booking link of patient {self.patient_id}"


class AppointmentSeries(models.Model):
    """Visits booked together, usually from a plan of care: the RFC 5545 rule they were made
    by (`scheduling.series`, ADR 0610). Each visit is an ordinary `Appointment` pointing here;
    "this and following" splits a series, the rest `continues` the first."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="appointment_series"
    )
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="appointment_series"
    )
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    plan_of_care = models.ForeignKey(
        PlanOfCare, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rule = models.TextField()
    minutes = models.PositiveSmallIntegerField()
    ends_because = models.CharField(max_length=30, blank=True)
    continues = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="continuations"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name_plural = "appointment series"

    def __str__(self) -> str:
        return f"Series {self.pk}"


class OpenSlot(models.Model):
    """A clinician's time given back by a cancelled or moved appointment, which the waitlist
    may fill (ADR 0611). Still open while no appointment holds that time again."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    source = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=20)  # "cancelled", "moved"
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("start", "id")
        indexes = (models.Index(fields=["organisation", "start"]),)

    def __str__(self) -> str:
        return f"Open slot {self.pk}"


class WaitlistStatus(models.TextChoices):
    OPEN = "open", "Open"
    OFFERED = "offered", "Offered"
    BOOKED = "booked", "Booked"
    WITHDRAWN = "withdrawn", "Withdrawn"


class WaitlistEntry(models.Model):
    """A patient who wants an earlier visit: with whom (none: anyone), where (none: any
    location), which weekdays and times of day, between which dates (ADR 0611)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="waitlist_entries")
    clinicians = models.ManyToManyField(Staff, blank=True, related_name="+")
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    weekdays = models.JSONField(default=list, blank=True)  # [0, 3]: Monday and Thursday
    windows = models.JSONField(default=list, blank=True)  # [["08:00", "12:00"]]
    earliest = models.DateField(null=True, blank=True)
    latest = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=9, choices=WaitlistStatus.choices, default=WaitlistStatus.OPEN
    )
    offered_slot = models.ForeignKey(
        OpenSlot, on_delete=models.PROTECT, null=True, blank=True, related_name="offers"
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    offered_by = models.CharField(max_length=5, blank=True)  # "sms", "email", "phone"
    offer_message = models.ForeignKey(
        "messaging.OutboundMessage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    booked_appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "id")
        verbose_name_plural = "waitlist entries"
        constraints = (
            models.CheckConstraint(
                condition=models.Q(latest__isnull=True)
                | models.Q(earliest__isnull=True)
                | models.Q(latest__gte=models.F("earliest")),
                name="waitlist_dates_in_order",
            ),
        )

    def __str__(self) -> str:
        return f"Waitlist entry {self.pk} ({self.status})"


class HoldStatus(models.TextChoices):
    HELD = "held", "Held"
    ACCEPTED = "accepted", "Accepted (booked)"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Lapsed"
    RELEASED = "released", "Released by the desk"


class SlotHold(models.Model):
    """An opened slot kept for the waitlist patient it was offered to (ADR 0670): the
    clinician's time, and the room the cancelled visit had, until the patient accepts (booked
    from this row), declines, the desk releases it, or it lapses at `expires_at`.

    No two holds still held overlap for one clinician or one room: on PostgreSQL two exclusion
    constraints say so (migration 0006), on SQLite the offering transaction checks; a booking
    over a held time is refused by `actions._refuse_overlaps` either way."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(WaitlistEntry, on_delete=models.PROTECT, related_name="holds")
    slot = models.ForeignKey(OpenSlot, on_delete=models.PROTECT, related_name="holds")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=8, choices=HoldStatus.choices, default=HoldStatus.HELD)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("start", "id")
        indexes = (
            models.Index(fields=["organisation", "start"]),
            models.Index(fields=["status", "expires_at"]),
        )
        constraints = (
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="slot_hold_ends_after_start"
            ),
        )

    def __str__(self) -> str:
        return f"Slot hold {self.pk} ({self.status})"

    @property
    def initials(self) -> str:
        """Who it is held for, as the calendar shows it: "J. D." (ADR 0670)."""
        return " ".join(
            f"{n[:1].upper()}." for n in (self.patient.first_name, self.patient.last_name) if n
        )


class ConfirmationKind(models.TextChoices):
    BOOKED = "booked", "Booking confirmation"
    CHANGED = "changed", "Booking changed"
    CANCELLED = "cancelled", "Booking cancelled"


class BookingConfirmation(models.Model):
    """What the patient was told about a booking, a move or a cancellation of this visit
    (ADR 0940): the outbox message (one for a whole series: each of its visits has a row
    naming the same message), or, when none was sent, why (`not_sent`, in the desk's words,
    never an address)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="confirmations"
    )
    kind = models.CharField(max_length=9, choices=ConfirmationKind.choices)
    message = models.ForeignKey(
        "messaging.OutboundMessage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    not_sent = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "id")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(message__isnull=False) | ~models.Q(not_sent=""),
                name="booking_confirmation_sent_or_why_not",
            ),
        )

    def __str__(self) -> str:
        return f"BookingConfirmation {self.pk} ({self.kind}, appointment {self.appointment_id})"

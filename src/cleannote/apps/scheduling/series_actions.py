"""The writers of recurring series (ADR 0610). Each occurrence is an ordinary appointment,
booked, moved and cancelled through `scheduling.actions`, so every check of a single booking
(double booking, hours, rooms) holds for a series too.

- `do_book_series(actor, *, patient, staff, location, pattern, limits, plan=None,
  appointment_type=None, room=None, skip_conflicts=False, override_hours=False)`: books every
  occurrence in one transaction, with one booking confirmation listing them (ADR 0940). An
  occurrence that collides (the calendar's busy times, or a refusal of the booking action)
  refuses the whole series with the list of its dates (`SeriesConflict.dates`), unless
  `skip_conflicts`, when it is left out and listed.
- `do_move_following(actor, *, appointment, at=None, staff=None, weekdays=None)`: this
  occurrence and the series' later booked ones move to the new time, clinician or weekdays;
  the series is split at this occurrence (the rest gets its own rule, `continues` the first);
  one change notice lists the visits as they now are.
- `do_cancel_following(actor, *, appointment, reason, note="")`: cancels this occurrence and
  the series' later booked ones, with one cancellation notice. Cancelling one occurrence is
  `do_cancel_appointment`: the others are never touched.
- `book_series_from_plan(actor, plan, *, staff, location, first_day, at, ...)`: the plan's
  own series in one call (weekdays spread by its frequency, skipping collisions), for the
  demo clinic and scripts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.models import Location, Room, Staff
from cleannote.apps.patients.models import Patient, PlanOfCare
from cleannote.apps.scheduling.actions import (
    _check_fit,
    _hours_refusal,
    do_book_appointment,
    do_cancel_appointment,
    do_reschedule_appointment,
    overlap_refusal,
)
from cleannote.apps.scheduling.confirmations import queue_confirmation
from cleannote.apps.scheduling.errors import SchedulingError, SchedulingErrorCode
from cleannote.apps.scheduling.models import (
    Appointment,
    AppointmentSeries,
    AppointmentStatus,
    AppointmentType,
    CancelReason,
    ConfirmationKind,
)
from cleannote.apps.scheduling.series import (
    Busy,
    Occurrence,
    SeriesLimits,
    SeriesPattern,
    SeriesPlan,
    default_weekdays,
    plan_series,
)
from cleannote.apps.scheduling.series_selectors import busy_between, series_limits

OBJECT_TYPE = "appointment_series"


class SeriesConflict(SchedulingError):
    """Occurrences that cannot be booked; `dates` lists them with what stands in the way."""

    def __init__(self, dates: list[tuple[dt.datetime, str]]) -> None:
        days = ", ".join(f"{start:%Y-%m-%d %H:%M}" for start, _ in dates)
        super().__init__("series", f"{len(dates)} occurrence(s) collide: {days}")
        self.dates = dates


@dataclass(frozen=True, slots=True)
class BookedSeries:
    series: AppointmentSeries
    appointments: list[Appointment]
    skipped: list[tuple[dt.datetime, str]]


def _zone() -> ZoneInfo:
    zone = timezone.get_current_timezone()
    assert isinstance(zone, ZoneInfo)
    return zone


def preview_series(
    actor: Actor,
    *,
    patient: Patient,
    staff: Staff,
    pattern: SeriesPattern,
    limits: SeriesLimits,
    exclude_ids: frozenset[int] = frozenset(),
    location: Location | None = None,
    appointment_type: AppointmentType | None = None,
    room: Room | None = None,
    check_hours: bool = True,
) -> SeriesPlan:
    """The occurrences with what each collides with on the clinician's or patient's calendar
    (appointments, time off, breaks); given the location, each one outside the clinician's
    working hours there, judged by the booking action's own rule (ADRs 0601, 0614); and given
    a room, each one the room is taken at or a waitlist offer holds (ADR 0671), judged by the
    booking action's own `overlap_refusal`. A type that needs a room (or equipment) without a
    room that has it, or a room at another location, refuses the whole series, as the booking
    of each visit would (`_check_fit`)."""
    if location is not None:
        _check_fit(staff, location, appointment_type, room)
    first = plan_series(pattern, limits, _zone())
    busy = busy_between(
        actor.organisation,
        staff_id=staff.pk,
        patient_id=patient.pk,
        start=first.occurrences[0].start,
        end=first.occurrences[-1].end,
        exclude_ids=exclude_ids,
    )
    computed = plan_series(pattern, limits, _zone(), busy)
    now = timezone.now()
    occurrences = tuple(
        _with_calendar(actor, staff, room, o, exclude_ids, now) for o in computed.occurrences
    )
    if location is not None and check_hours:
        occurrences = tuple(_with_hours(actor, staff, location, o) for o in occurrences)
    return replace(computed, occurrences=occurrences)


# What the preview calls each refusal of `overlap_refusal` it adds to an occurrence.
_CALENDAR_KINDS = {
    SchedulingErrorCode.ROOM_BOOKED: "room booked",
    SchedulingErrorCode.SLOT_HELD: "held for a waitlist offer",
}


def _with_calendar(
    actor: Actor,
    staff: Staff,
    room: Room | None,
    o: Occurrence,
    exclude_ids: frozenset[int],
    now: dt.datetime,
) -> Occurrence:
    """The occurrence, marked where the room is taken (another clinician's visit in it, or a
    hold on it) or where a waitlist offer holds the clinician: the booking action's own check,
    asked for the room, then the clinician (the clinician's appointments are already on the
    busy list). Nothing is written: a hold whose time ran out is passed over."""
    found = []
    for who, where in ((None, room), (staff, None)):
        if who is None and where is None:
            continue
        refusal = overlap_refusal(
            actor,
            staff=who,
            room=where,
            start=o.start,
            end=o.end,
            now=now,
            lapse=False,
            exclude_ids=exclude_ids,
        )
        if refusal is not None and refusal.code in _CALENDAR_KINDS:
            found.append(Busy(o.start, o.end, _CALENDAR_KINDS[refusal.code], refusal.ref))
    return replace(o, conflicts=(*o.conflicts, *found)) if found else o


def _with_hours(actor: Actor, staff: Staff, location: Location, o: Occurrence) -> Occurrence:
    """The occurrence, marked "outside hours" when the booking action would refuse it so
    (time off and breaks are already on the calendar's busy list)."""
    refusal = _hours_refusal(actor, staff, location, o.start, o.end)
    if refusal is None or refusal.code != SchedulingErrorCode.OUTSIDE_HOURS:
        return o
    return replace(o, conflicts=(*o.conflicts, Busy(o.start, o.end, "outside hours")))


def _why(conflicts: object) -> str:
    kinds = sorted({b.kind for b in conflicts})  # type: ignore[attr-defined]
    return " and ".join(kinds)


@transaction.atomic
def do_book_series(
    actor: Actor,
    *,
    patient: Patient,
    staff: Staff,
    location: Location,
    pattern: SeriesPattern,
    limits: SeriesLimits,
    plan: PlanOfCare | None = None,
    appointment_type: AppointmentType | None = None,
    room: Room | None = None,
    skip_conflicts: bool = False,
    override_hours: bool = False,
) -> BookedSeries:
    if plan is not None and plan.case.patient_id != patient.pk:
        raise SchedulingError(f"plan of care {plan.pk}", "is another patient's")
    computed = preview_series(
        actor,
        patient=patient,
        staff=staff,
        pattern=pattern,
        limits=limits,
        location=location,
        appointment_type=appointment_type,
        room=room,
        check_hours=not override_hours,
    )
    refused: list[tuple[dt.datetime, str]] = [
        (o.start, _why(o.conflicts)) for o in computed.conflicts
    ]
    if refused and not skip_conflicts:
        raise SeriesConflict(refused)
    series = AppointmentSeries.objects.create(
        organisation=actor.organisation,
        patient=patient,
        staff=staff,
        location=location,
        appointment_type=appointment_type,
        plan_of_care=plan,
        rule=computed.rule,
        minutes=pattern.minutes,
        ends_because=computed.ends_because.value,
        created_by=actor.user,
    )
    booked: list[Appointment] = []
    for occurrence in computed.free:
        try:
            with transaction.atomic():
                appointment = do_book_appointment(
                    actor,
                    patient=patient,
                    staff=staff,
                    location=location,
                    start=occurrence.start,
                    end=occurrence.end,
                    appointment_type=appointment_type,
                    room=room,
                    override_hours=override_hours,
                    confirm=False,
                )
        except SchedulingError as refusal:
            refused.append((occurrence.start, refusal.problem))
            continue
        appointment.series = series
        appointment.save(update_fields=["series"])
        booked.append(appointment)
    refused.sort()
    if refused and not skip_conflicts:
        raise SeriesConflict(refused)
    if not booked:
        raise SchedulingError("series", "no occurrence could be booked")
    do_record_audit_event(
        actor,
        AuditAction.CREATE,
        OBJECT_TYPE,
        series.pk,
        patient_id=patient.pk,
        reason=f"{len(booked)} booked, {len(refused)} skipped; ends: {series.ends_because}",
    )
    # one confirmation listing the series' visits, not one per visit (ADR 0940)
    queue_confirmation(actor, ConfirmationKind.BOOKED, booked)
    return BookedSeries(series, booked, refused)


def _following(appointment: Appointment) -> list[Appointment]:
    if appointment.series_id is None:
        raise SchedulingError(f"appointment {appointment.pk}", "is not part of a series")
    return list(
        Appointment.objects.select_for_update()
        .filter(
            series_id=appointment.series_id,
            start__gte=appointment.start,
            status=AppointmentStatus.BOOKED,
        )
        .order_by("start", "id")
    )


@transaction.atomic
def do_move_following(
    actor: Actor,
    *,
    appointment: Appointment,
    at: dt.time | None = None,
    staff: Staff | None = None,
    weekdays: tuple[int, ...] | None = None,
    override_hours: bool = False,
) -> AppointmentSeries:
    """Move this occurrence and the later booked ones; the series is split here."""
    rows = _following(appointment)
    if not rows:
        raise SchedulingError(f"appointment {appointment.pk}", "is not booked any more")
    old = AppointmentSeries.objects.select_for_update().get(appointments=rows[0])
    if old.organisation_id != actor.organisation.pk:
        raise SchedulingError(f"series {old.pk}", "belongs to another organisation")
    zone = _zone()
    first_local = rows[0].start.astimezone(zone)
    new_staff = staff or old.staff
    pattern = SeriesPattern(
        weekdays=weekdays or tuple(sorted({r.start.astimezone(zone).weekday() for r in rows})),
        at=at or first_local.time().replace(tzinfo=None),
        minutes=old.minutes,
        first_day=first_local.date(),
    )
    # The same number of visits, as far as the old series' last day (or the plan's limits).
    last_day = rows[-1].start.astimezone(zone).date()
    limits = SeriesLimits(plan_end=last_day, recertify_by=last_day, visits=len(rows))
    if old.plan_of_care is not None:
        from_plan = series_limits(old.plan_of_care, pattern.first_day)
        limits = SeriesLimits(
            plan_end=max(last_day, from_plan.plan_end),
            recertify_by=max(last_day, from_plan.recertify_by),
            visits=len(rows),
            authorization_end=from_plan.authorization_end,
        )
    moved = preview_series(
        actor,
        patient=old.patient,
        staff=new_staff,
        pattern=pattern,
        limits=limits,
        exclude_ids=frozenset(r.pk for r in rows),
    )
    if moved.conflicts:
        raise SeriesConflict([(o.start, _why(o.conflicts)) for o in moved.conflicts])
    rest = AppointmentSeries.objects.create(
        organisation=old.organisation,
        patient=old.patient,
        staff=new_staff,
        location=old.location,
        appointment_type=old.appointment_type,
        plan_of_care=old.plan_of_care,
        rule=moved.rule,
        minutes=old.minutes,
        ends_because=moved.ends_because.value,
        created_by=actor.user,
        continues=old,
    )
    # A row already at one of the new times keeps it; the others take the remaining new times
    # in order (Mon/Thu to Tue/Thu moves the Mondays only), and rows left over are cancelled.
    new_starts = {o.start: o for o in moved.occurrences}
    kept = [r for r in rows if r.start in new_starts and r.staff_id == new_staff.pk]
    free = [o for o in moved.occurrences if o.start not in {r.start for r in kept}]
    to_move = [r for r in rows if r not in kept]
    for row in kept:
        row.series = rest
        row.save(update_fields=["series"])
    moved_rows = []
    for row, occurrence in zip(to_move, free, strict=False):
        row = do_reschedule_appointment(
            actor,
            appointment=row,
            start=occurrence.start,
            end=occurrence.end,
            staff=new_staff,
            override_hours=override_hours,
            confirm=False,
        )
        row.series = rest
        row.save(update_fields=["series"])
        moved_rows.append(row)
    dropped = [
        do_cancel_appointment(
            actor,
            appointment=row,
            reason=CancelReason.CLINIC,
            note="series changed",
            confirm=False,
        )
        for row in to_move[len(free) :]
    ]
    do_record_audit_event(
        actor,
        AuditAction.UPDATE,
        OBJECT_TYPE,
        old.pk,
        patient_id=old.patient_id,
        reason=f"{len(moved.occurrences)} from appointment {appointment.pk} on moved to "
        f"series {rest.pk}",
    )
    # one change notice listing the series' visits as they now are, and one cancellation
    # notice for any left over (ADR 0940)
    if moved_rows:
        queue_confirmation(actor, ConfirmationKind.CHANGED, [*kept, *moved_rows])
    queue_confirmation(actor, ConfirmationKind.CANCELLED, dropped)
    return rest


@transaction.atomic
def do_cancel_following(
    actor: Actor, *, appointment: Appointment, reason: CancelReason | str, note: str = ""
) -> list[Appointment]:
    """Cancel this occurrence and the series' later booked ones (earlier ones stay)."""
    rows = _following(appointment)
    if not rows:
        raise SchedulingError(f"appointment {appointment.pk}", "is not booked any more")
    if rows[0].organisation_id != actor.organisation.pk:
        raise SchedulingError(f"appointment {appointment.pk}", "belongs to another organisation")
    cancelled = [
        do_cancel_appointment(actor, appointment=row, reason=reason, note=note, confirm=False)
        for row in rows
    ]
    do_record_audit_event(
        actor,
        AuditAction.UPDATE,
        OBJECT_TYPE,
        appointment.series_id,
        patient_id=appointment.patient_id,
        reason=f"cancelled {len(cancelled)} from appointment {appointment.pk} on",
    )
    queue_confirmation(actor, ConfirmationKind.CANCELLED, cancelled)
    return cancelled


def book_series_from_plan(
    actor: Actor,
    plan: PlanOfCare,
    *,
    staff: Staff,
    location: Location,
    first_day: dt.date,
    at: dt.time,
    minutes: int = 45,
    weekdays: tuple[int, ...] | None = None,
    appointment_type: AppointmentType | None = None,
    skip_conflicts: bool = True,
) -> BookedSeries:
    """Book a plan of care's series: its frequency's weekdays (Mon/Thu for 2x a week) at `at`,
    from `first_day` to the plan's or the authorization's end or the visit count, leaving out
    (and listing) the occurrences that collide. For the demo clinic:

        book_series_from_plan(actor, plan, staff=therapist, location=clinic,
                              first_day=today - dt.timedelta(days=14), at=dt.time(10))
    """
    pattern = SeriesPattern(
        weekdays=weekdays or default_weekdays(plan.frequency_per_week),
        at=at,
        minutes=appointment_type.default_minutes if appointment_type else minutes,
        first_day=first_day,
    )
    return do_book_series(
        actor,
        patient=plan.case.patient,
        staff=staff,
        location=location,
        pattern=pattern,
        limits=series_limits(plan, first_day),
        plan=plan,
        appointment_type=appointment_type,
        skip_conflicts=skip_conflicts,
        override_hours=True,
    )

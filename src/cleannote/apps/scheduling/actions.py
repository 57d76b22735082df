"""The only writers of appointments, appointment types and clinicians' hours.

Every action is one transaction with its audit row, takes the acting `Actor` first and the
rest by keyword, and refuses with `SchedulingError` (a `code`, a subject and a problem: "what
and where", never a patient's name). Other apps call these; keep the signatures compatible.

Appointments
- `do_book_appointment(actor, *, patient, staff, location, start, end=None,
  appointment_type=None, room=None, note="", override_hours=False) -> Appointment`:
  `end` defaults to `start` plus the type's minutes. Refused: another organisation's row, a
  naive time, no length, a type of another discipline than the clinician's, a type that needs
  a room (or a piece of equipment) without one, a room at another location, an overlap with
  the clinician's or the room's appointments that hold their time (never overridable, and
  enforced by PostgreSQL's exclusion constraints too, ADR 0600); outside the clinician's
  working hours, in a break or in time off unless `override_hours=True`, which is recorded
  on the appointment (`outside_hours`) and in the audit row (ADR 0601). The patient is sent
  a booking confirmation (`confirmations`, ADR 0940) unless `confirm=False` (a series sends
  one for all its visits).
- `do_reschedule_appointment(actor, *, appointment, start, end=None, staff=None, room=KEEP,
  location=None, override_hours=False) -> Appointment`: move a booked appointment in time
  (the length kept when `end` is None), to another clinician (`staff`), room (`room=None`
  frees it) or location, with the booking's checks; a change of time, clinician or place
  sends a change notice unless `confirm=False`.
- `do_cancel_appointment(actor, *, appointment, reason: CancelReason, note="", at=None,
  confirm=True)`: sends a cancellation notice unless `confirm=False`.
- `do_mark_no_show(actor, *, appointment, at=None)`: not before the appointment's start.
- `do_mark_arrived(actor, appointment, *, at=None)` (the appointment by position or keyword)
- `do_change_appointment_type(actor, *, appointment, appointment_type)`: a booked visit's type,
  its time kept (the forward view plans a progress report this way, ADR 0620).
- `do_check_out(actor, *, appointment, at=None)`: from arrived (or booked, recording the
  arrival at the same moment).
  Each moves the status along `TRANSITIONS` only (booked -> arrived -> completed; booked ->
  cancelled | no_show), else refused with code `status`.

Types and hours
- `do_create_appointment_type(actor, *, name, discipline, default_minutes, needs_room=False,
  needs_equipment="")`, `do_add_standard_appointment_types(actor)` (the `standard_types`
  table, skipping names the clinic already has),
  `do_update_appointment_type(actor, *, appointment_type, name, discipline, default_minutes,
  needs_room=False, needs_equipment="")`, `do_set_appointment_type_active(actor, *,
  appointment_type, active)`.
- `do_add_working_hours(actor, *, staff, weekday, start, end, location=None)`,
  `do_add_break(actor, *, staff, weekday, start, end, label="")`,
  `do_add_time_off(actor, *, staff, first_day, last_day, note="")`,
  `do_remove_availability(actor, *, row)` for any of those three rows.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.models import DISCIPLINE_NAMES, Location, Room, Staff
from cleannote.apps.patients.models import Patient
from cleannote.apps.scheduling.booking_hooks import appointment_booked
from cleannote.apps.scheduling.confirmations import queue_confirmation
from cleannote.apps.scheduling.errors import SchedulingError, SchedulingErrorCode
from cleannote.apps.scheduling.models import (
    FREED,
    LONGEST_VISIT,
    Appointment,
    AppointmentStatus,
    AppointmentType,
    CancelReason,
    ConfirmationKind,
    StaffBreak,
    TimeOff,
    Weekday,
    WorkingHours,
)
from cleannote.apps.scheduling.open_slots import record_opened_slot
from cleannote.apps.scheduling.slot_holds import live_hold_over, lock_calendar
from cleannote.apps.scheduling.standard_types import STANDARD_TYPES
from cleannote.platform.clock import format_date, format_time, hour_cycle_of
from cleannote.rules.visit import Discipline

Code = SchedulingErrorCode


class Keep(Enum):
    """Leave a field as it is (`do_reschedule_appointment(room=KEEP)`)."""

    KEEP = "keep"


KEEP = Keep.KEEP

# Which status each step may leave from, and where it goes.
TRANSITIONS: dict[str, tuple[frozenset[AppointmentStatus], AppointmentStatus]] = {
    "reschedule": (frozenset({AppointmentStatus.BOOKED}), AppointmentStatus.BOOKED),
    "arrive": (frozenset({AppointmentStatus.BOOKED}), AppointmentStatus.ARRIVED),
    "check_out": (
        frozenset({AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED}),
        AppointmentStatus.COMPLETED,
    ),
    "no_show": (frozenset({AppointmentStatus.BOOKED}), AppointmentStatus.NO_SHOW),
    "cancel": (frozenset({AppointmentStatus.BOOKED}), AppointmentStatus.CANCELLED),
}
_STEP_WORDS = {
    "reschedule": "moved",
    "arrive": "marked arrived",
    "check_out": "checked out",
    "no_show": "marked a no-show",
    "cancel": "cancelled",
}


def _when(actor: Actor, start: dt.datetime, end: dt.datetime) -> str:
    """ "Mon 7 Dec 2026 9:00 AM–9:45 AM" in the clinic's zone and hour cycle."""
    cycle = hour_cycle_of(actor.organisation.hour_cycle)
    return f"{format_date(start)} {format_time(start, cycle)}–{format_time(end, cycle)}"


def _clock(actor: Actor, value: dt.time) -> str:
    return format_time(value, hour_cycle_of(actor.organisation.hour_cycle))


def _same_organisation(actor: Actor, *rows: tuple[str, int | None]) -> None:
    for name, row_org in rows:
        if row_org != actor.organisation.pk:
            raise SchedulingError(name, "belongs to another organisation", Code.OTHER_ORGANISATION)


def _times(
    start: dt.datetime, end: dt.datetime | None, kind: AppointmentType | None
) -> tuple[dt.datetime, dt.datetime]:
    for name, value in (("start", start), ("end", end)):
        if value is not None and timezone.is_naive(value):
            raise SchedulingError(
                f"appointment {name}", "give a time with its time zone", Code.NAIVE_TIME
            )
    if end is None:
        if kind is None:
            raise SchedulingError(
                "appointment end", "give an end time or an appointment type", Code.NO_LENGTH
            )
        end = start + dt.timedelta(minutes=kind.default_minutes)
    if end <= start:
        raise SchedulingError(
            "appointment", f"ends at {end.isoformat()}, not after its start", Code.ENDS_BEFORE_START
        )
    if end - start > LONGEST_VISIT:
        raise SchedulingError("appointment", "lasts more than 480 minutes", Code.TOO_LONG)
    return start, end


def _check_fit(
    staff: Staff, location: Location, kind: AppointmentType | None, room: Room | None
) -> None:
    """The type suits the clinician, and the room is where the visit is and holds what it needs."""
    if kind is not None:
        if not kind.active:
            raise SchedulingError(
                f"appointment type {kind.name}", "is no longer offered", Code.INACTIVE
            )
        if kind.discipline and staff.discipline is not None and kind.discipline != staff.discipline:
            raise SchedulingError(
                f"clinician {staff.display_name}",
                f"gives {staff.discipline_name}, and {kind.name} is "
                f"{DISCIPLINE_NAMES[Discipline(kind.discipline)]}",
                Code.DISCIPLINE,
            )
        if (kind.needs_room or kind.needs_equipment) and room is None:
            what = f"a room with {kind.needs_equipment}" if kind.needs_equipment else "a room"
            raise SchedulingError(
                f"appointment type {kind.name}", f"needs {what}", Code.ROOM_NEEDED
            )
    if room is None:
        return
    if not room.active:
        raise SchedulingError(f"room {room.name}", "is out of use", Code.INACTIVE)
    if room.location_id != location.pk:
        raise SchedulingError(
            f"room {room.name}", f"is not at {location.name}", Code.ROOM_ELSEWHERE
        )
    needs = kind.needs_equipment.lower() if kind is not None else ""
    if needs and needs not in room.equipment_tags:
        raise SchedulingError(
            f"room {room.name}",
            f"has no {needs}, which a {kind.name.lower() if kind else 'visit'} needs",
            Code.EQUIPMENT,
        )


def _refuse_overlaps(
    actor: Actor,
    *,
    staff: Staff,
    room: Room | None,
    start: dt.datetime,
    end: dt.datetime,
    moving: int | None,
    now: dt.datetime | None = None,
) -> None:
    """No other appointment holding its time, and no waitlist offer's hold (ADR 0670),
    overlaps the clinician's or the room's [start, end). Takes the calendar lock first, so a
    hold and a booking racing for the same minutes cannot both pass on PostgreSQL. A hold
    whose time ran out by `now` (default: the clock) is lapsed and refuses nothing."""
    lock_calendar(staff.pk, room.pk if room is not None else None)
    refusal = overlap_refusal(
        actor, staff=staff, room=room, start=start, end=end, moving=moving, now=now
    )
    if refusal is not None:
        raise refusal


def overlap_refusal(
    actor: Actor,
    *,
    staff: Staff | None,
    room: Room | None,
    start: dt.datetime,
    end: dt.datetime,
    moving: int | None = None,
    now: dt.datetime | None = None,
    lapse: bool = True,
    exclude_ids: frozenset[int] = frozenset(),
) -> SchedulingError | None:
    """Why the clinician's (None: not asked) or the room's [start, end) is taken: an
    appointment holding its time (ADR 0600), else a waitlist offer's hold (ADR 0670); None
    when free. The one check the booking action and the series preview (ADR 0671) share.
    `lapse=False` (a preview, which writes nothing) passes over a hold whose time ran out
    instead of lapsing it. `exclude_ids`: appointments being moved, which free their time."""
    who = Q(pk__in=[])
    if staff is not None:
        who |= Q(staff=staff)
    if room is not None:
        who |= Q(room=room)
    clash = (
        Appointment.objects.filter(who, start__lt=end, end__gt=start)
        .exclude(status__in=FREED)
        .exclude(pk=moving or 0)
        .exclude(pk__in=exclude_ids)
        .order_by("start")
        .first()
    )
    if clash is None:
        return _hold_refusal(
            actor, staff=staff, room=room, start=start, end=end, now=now, lapse=lapse
        )
    when = _when(actor, clash.start, clash.end)
    if staff is not None and clash.staff_id == staff.pk:
        return SchedulingError(
            f"clinician {staff.display_name}",
            f"is already booked {when} (appointment {clash.pk})",
            Code.CLINICIAN_BOOKED,
        )
    assert room is not None
    return SchedulingError(
        f"room {room.name}",
        f"is already booked {when} (appointment {clash.pk})",
        Code.ROOM_BOOKED,
    )


def _hold_refusal(
    actor: Actor,
    *,
    staff: Staff | None,
    room: Room | None,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime | None,
    lapse: bool,
) -> SchedulingError | None:
    """A time a waitlist offer holds (ADR 0670) is refused until the desk releases the hold;
    a hold whose time ran out refuses nothing."""
    hold = live_hold_over(
        actor,
        staff_id=staff.pk if staff is not None else None,
        room_id=room.pk if room is not None else None,
        start=start,
        end=end,
        now=now or timezone.now(),
        lapse=lapse,
    )
    if hold is None:
        return None
    until = format_time(
        timezone.localtime(hold.expires_at), hour_cycle_of(actor.organisation.hour_cycle)
    )
    subject = (
        f"clinician {staff.display_name}"
        if staff is not None and hold.staff_id == staff.pk
        else f"room {hold.room.name if hold.room else ''}"
    )
    return SchedulingError(
        subject,
        f"is held {_when(actor, hold.start, hold.end)} for a waitlist offer to {hold.initials} "
        f"until {until} (hold {hold.pk}); release the hold to book over it",
        Code.SLOT_HELD,
        ref=hold.pk,
    )


def _hours_refusal(
    actor: Actor, staff: Staff, location: Location, start: dt.datetime, end: dt.datetime
) -> SchedulingError | None:
    """Why the time falls outside the clinician's week (ADR 0601), or None when it fits.

    Time off applies to everyone; hours and breaks only to a clinician who has hours set."""
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    day = local_start.date()
    away = TimeOff.objects.filter(staff=staff, first_day__lte=day, last_day__gte=day).first()
    if away is not None:
        return SchedulingError(
            f"clinician {staff.display_name}",
            f"is off from {away.first_day.isoformat()} to {away.last_day.isoformat()}",
            Code.TIME_OFF,
        )
    hours = list(WorkingHours.objects.filter(staff=staff))
    if not hours:
        return None
    weekday = Weekday(day.weekday())
    begins, ends = local_start.time(), local_end.time()
    same_day = local_end.date() == day or (
        local_end.date() == day + dt.timedelta(days=1) and ends == dt.time.min
    )
    if ends == dt.time.min:
        ends = dt.time.max
    that_day = [h for h in hours if h.weekday == weekday]
    here = [h for h in that_day if h.location_id in (None, location.pk)]
    if not same_day or not any(h.start <= begins and ends <= h.end for h in here):
        if not that_day:
            problem = f"does not work on {weekday.label}s"
        else:
            spans = ", ".join(
                f"{_clock(actor, h.start)}–{_clock(actor, h.end)}"
                + (f" at {h.location.name}" if h.location is not None else "")
                for h in that_day
            )
            problem = (
                f"works {weekday.label} {spans}; {_when(actor, start, end)} at {location.name} "
                "is outside those hours"
            )
        return SchedulingError(f"clinician {staff.display_name}", problem, Code.OUTSIDE_HOURS)
    for pause in StaffBreak.objects.filter(staff=staff, weekday=weekday):
        if pause.start < ends and begins < pause.end:
            label = pause.label or "a break"
            return SchedulingError(
                f"clinician {staff.display_name}",
                f"has {label} {_clock(actor, pause.start)}–{_clock(actor, pause.end)} "
                f"on {weekday.label}s",
                Code.IN_BREAK,
            )
    return None


def _save_holding_time(actor: Actor, appointment: Appointment) -> None:
    """Save in a savepoint; PostgreSQL's exclusion constraints refuse an overlap that a
    concurrent booking committed after our check, and that becomes the same refusal."""
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as error:
        text = str(error)
        if "appointment_staff_no_overlap" not in text and "appointment_room_no_overlap" not in text:
            raise
        _refuse_overlaps(
            actor,
            staff=appointment.staff,
            room=appointment.room,
            start=appointment.start,
            end=appointment.end,
            moving=appointment.pk,
        )
        subject = (
            f"room {appointment.room.name}"
            if "room" in text and appointment.room is not None
            else f"clinician {appointment.staff.display_name}"
        )
        code = Code.ROOM_BOOKED if subject.startswith("room") else Code.CLINICIAN_BOOKED
        raise SchedulingError(
            subject,
            f"was booked {_when(actor, appointment.start, appointment.end)} meanwhile",
            code,
        ) from None


def _place(
    actor: Actor,
    appointment: Appointment,
    *,
    override_hours: bool,
) -> str:
    """Every check before an appointment takes its time; returns the audit reason."""
    staff, room, location = appointment.staff, appointment.room, appointment.location
    _check_fit(staff, location, appointment.appointment_type, room)
    _refuse_overlaps(
        actor,
        staff=staff,
        room=room,
        start=appointment.start,
        end=appointment.end,
        moving=appointment.pk,
    )
    refusal = _hours_refusal(actor, staff, location, appointment.start, appointment.end)
    appointment.outside_hours = refusal is not None
    if refusal is None:
        return ""
    if not override_hours:
        raise refusal
    return f"confirmed past: {refusal}"


@transaction.atomic
def do_book_appointment(
    actor: Actor,
    *,
    patient: Patient,
    staff: Staff,
    location: Location,
    start: dt.datetime,
    end: dt.datetime | None = None,
    appointment_type: AppointmentType | None = None,
    room: Room | None = None,
    note: str = "",
    override_hours: bool = False,
    confirm: bool = True,
) -> Appointment:
    _same_organisation(
        actor,
        (f"patient {patient.pk}", patient.organisation_id),
        (f"staff {staff.pk}", staff.organisation_id),
        (f"location {location.pk}", location.organisation_id),
        *([(f"room {room.pk}", room.organisation_id)] if room is not None else []),
        *(
            [(f"appointment type {appointment_type.pk}", appointment_type.organisation_id)]
            if appointment_type is not None
            else []
        ),
    )
    start, end = _times(start, end, appointment_type)
    appointment = Appointment(
        organisation=actor.organisation,
        patient=patient,
        staff=staff,
        location=location,
        appointment_type=appointment_type,
        room=room,
        start=start,
        end=end,
        booked_note=" ".join(note.split())[:200],
        created_by=actor.user,
    )
    reason = _place(actor, appointment, override_hours=override_hours)
    _save_holding_time(actor, appointment)
    do_record_audit_event(
        actor,
        AuditAction.CREATE,
        "appointment",
        appointment.pk,
        patient_id=patient.pk,
        reason=reason,
    )
    appointment_booked(actor, appointment)
    if confirm:
        queue_confirmation(actor, ConfirmationKind.BOOKED, [appointment])
    return appointment


def _locked(actor: Actor, appointment: Appointment, step: str) -> Appointment:
    row = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("staff__user", "location", "room", "appointment_type")
        .get(pk=appointment.pk)
    )
    _same_organisation(actor, (f"appointment {row.pk}", row.organisation_id))
    allowed, _ = TRANSITIONS[step]
    if row.status not in allowed:
        raise SchedulingError(
            f"appointment {row.pk}",
            f"is {row.get_status_display().lower()}, so it cannot be {_STEP_WORDS[step]}",
            Code.STATUS,
        )
    return row


@transaction.atomic
def do_reschedule_appointment(
    actor: Actor,
    *,
    appointment: Appointment,
    start: dt.datetime,
    end: dt.datetime | None = None,
    staff: Staff | None = None,
    room: Room | Keep | None = KEEP,
    location: Location | None = None,
    override_hours: bool = False,
    confirm: bool = True,
) -> Appointment:
    row = _locked(actor, appointment, "reschedule")
    new_staff = staff if staff is not None else row.staff
    new_location = location if location is not None else row.location
    new_room = row.room if isinstance(room, Keep) else room
    _same_organisation(
        actor,
        (f"staff {new_staff.pk}", new_staff.organisation_id),
        (f"location {new_location.pk}", new_location.organisation_id),
        *([(f"room {new_room.pk}", new_room.organisation_id)] if new_room is not None else []),
    )
    if end is None and timezone.is_aware(start):
        end = start + (row.end - row.start)
    new_start, new_end = _times(start, end, row.appointment_type)
    was = (row.staff_id, row.location_id, row.start, row.end)
    before = f"{_when(actor, row.start, row.end)} with staff {row.staff_id}" + (
        f" in room {row.room_id}" if row.room_id else ""
    )
    row.start, row.end = new_start, new_end
    row.staff, row.location, row.room = new_staff, new_location, new_room
    confirmed = _place(actor, row, override_hours=override_hours)
    _save_holding_time(actor, row)
    after = f"{_when(actor, row.start, row.end)} with staff {row.staff_id}" + (
        f" in room {row.room_id}" if row.room_id else ""
    )
    reason = f"moved from {before} to {after}" + (f"; {confirmed}" if confirmed else "")
    if was != (row.staff_id, row.location_id, row.start, row.end):
        # the time it left may suit someone on the waitlist (ADR 0611)
        record_opened_slot(
            row, "moved", staff_id=was[0], location_id=was[1], start=was[2], end=was[3]
        )
    do_record_audit_event(
        actor,
        AuditAction.UPDATE,
        "appointment",
        row.pk,
        patient_id=row.patient_id,
        reason=reason,
    )
    if confirm and was != (row.staff_id, row.location_id, row.start, row.end):
        queue_confirmation(actor, ConfirmationKind.CHANGED, [row])
    return row


def _step(
    actor: Actor,
    appointment: Appointment,
    step: str,
    *,
    reason: str = "",
    fields: dict[str, object] | None = None,
) -> Appointment:
    fields = fields or {}
    row = _locked(actor, appointment, step)
    _, status = TRANSITIONS[step]
    row.status = status
    for name, value in fields.items():
        setattr(row, name, value)
    row.save(update_fields=["status", *fields])
    # The caller's object follows the row, so a caller that goes on using it sees the step.
    appointment.status = row.status
    for name, value in fields.items():
        setattr(appointment, name, value)
    do_record_audit_event(
        actor,
        AuditAction.UPDATE,
        "appointment",
        row.pk,
        patient_id=row.patient_id,
        reason=reason or f"{_STEP_WORDS[step]}",
    )
    return row


def _aware(at: dt.datetime | None) -> dt.datetime:
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise SchedulingError("time", "give a time with its time zone", Code.NAIVE_TIME)
    return at


@transaction.atomic
def do_cancel_appointment(
    actor: Actor,
    *,
    appointment: Appointment,
    reason: CancelReason | str,
    note: str = "",
    at: dt.datetime | None = None,
    confirm: bool = True,
) -> Appointment:
    try:
        why = CancelReason(reason)
    except ValueError:
        raise SchedulingError(
            "cancel reason",
            "choose patient cancelled, clinic cancelled or late cancel",
            Code.CANCEL_REASON,
        ) from None
    note = " ".join(note.split())[:200]
    row = _step(
        actor,
        appointment,
        "cancel",
        reason=f"cancelled: {why.label}" + (f"; {note}" if note else ""),
        fields={"cancel_reason": why.value, "cancel_note": note, "cancelled_at": _aware(at)},
    )
    # the time it gave back may suit someone on the waitlist (ADR 0611)
    record_opened_slot(
        row,
        "cancelled",
        staff_id=row.staff_id,
        location_id=row.location_id,
        start=row.start,
        end=row.end,
    )
    if confirm:
        queue_confirmation(actor, ConfirmationKind.CANCELLED, [row], now=row.cancelled_at)
    return row


@transaction.atomic
def do_mark_no_show(
    actor: Actor, *, appointment: Appointment, at: dt.datetime | None = None
) -> Appointment:
    moment = _aware(at)
    if moment < appointment.start:
        raise SchedulingError(
            f"appointment {appointment.pk}",
            f"starts {_when(actor, appointment.start, appointment.end)}; "
            "mark a no-show once it has begun",
            Code.STATUS,
        )
    return _step(actor, appointment, "no_show")


@transaction.atomic
def do_mark_arrived(
    actor: Actor, appointment: Appointment, *, at: dt.datetime | None = None
) -> Appointment:
    """The patient is here (the desk's check-in, `ledger.actions.do_check_in`, calls this with
    the appointment positionally; either way works)."""
    return _step(actor, appointment, "arrive", fields={"arrived_at": _aware(at)})


@transaction.atomic
def do_check_out(
    actor: Actor, *, appointment: Appointment, at: dt.datetime | None = None
) -> Appointment:
    moment = _aware(at)
    fields: dict[str, object] = {"checked_out_at": moment}
    if appointment.arrived_at is None:
        fields["arrived_at"] = moment
    return _step(actor, appointment, "check_out", fields=fields)


# -- appointment types ----------------------------------------------------------------------


@transaction.atomic
def do_create_appointment_type(
    actor: Actor,
    *,
    name: str,
    discipline: Discipline | str,
    default_minutes: int,
    needs_room: bool = False,
    needs_equipment: str = "",
) -> AppointmentType:
    name = " ".join(name.split())
    if not name:
        raise SchedulingError("appointment type name", "give the type a name")
    if discipline and discipline not in set(Discipline):
        raise SchedulingError("appointment type discipline", f"{discipline} is not a discipline")
    if not 5 <= default_minutes <= 480:
        raise SchedulingError(
            f"appointment type {name}", f"lasts {default_minutes} minutes; give 5 to 480"
        )
    if AppointmentType.objects.filter(
        organisation=actor.organisation, discipline=discipline, name__iexact=name
    ).exists():
        raise SchedulingError(f"appointment type {name}", "already exists for that discipline")
    kind = AppointmentType.objects.create(
        organisation=actor.organisation,
        name=name,
        discipline=str(discipline),
        default_minutes=default_minutes,
        needs_room=needs_room or bool(needs_equipment),
        needs_equipment=" ".join(needs_equipment.split()).lower(),
    )
    do_record_audit_event(actor, AuditAction.CREATE, "appointment_type", kind.pk)
    return kind


@transaction.atomic
def do_add_standard_appointment_types(actor: Actor) -> list[AppointmentType]:
    """The `standard_types` table for the clinic, skipping any it already has by name."""
    have = {
        (d, n.lower())
        for d, n in AppointmentType.objects.filter(organisation=actor.organisation).values_list(
            "discipline", "name"
        )
    }
    return [
        do_create_appointment_type(
            actor,
            name=row.name,
            discipline=row.discipline,
            default_minutes=row.minutes,
            needs_room=row.needs_room,
            needs_equipment=row.needs_equipment,
        )
        for row in STANDARD_TYPES
        if (row.discipline.value, row.name.lower()) not in have
    ]


@transaction.atomic
def do_update_appointment_type(
    actor: Actor,
    *,
    appointment_type: AppointmentType,
    name: str,
    discipline: Discipline | str,
    default_minutes: int,
    needs_room: bool = False,
    needs_equipment: str = "",
) -> AppointmentType:
    """Change a type's name, discipline, length or what it needs; booked visits keep their
    times. Refused like a new type; audited (`appointment_type`)."""
    kind = appointment_type
    _same_organisation(actor, (f"appointment type {kind.pk}", kind.organisation_id))
    name = " ".join(name.split())
    if not name:
        raise SchedulingError("appointment type name", "give the type a name")
    if discipline and discipline not in set(Discipline):
        raise SchedulingError("appointment type discipline", f"{discipline} is not a discipline")
    if not 5 <= default_minutes <= 480:
        raise SchedulingError(
            f"appointment type {name}", f"lasts {default_minutes} minutes; give 5 to 480"
        )
    clash = AppointmentType.objects.filter(
        organisation=actor.organisation, discipline=discipline, name__iexact=name
    ).exclude(pk=kind.pk)
    if clash.exists():
        raise SchedulingError(f"appointment type {name}", "already exists for that discipline")
    kind.name = name
    kind.discipline = str(discipline)
    kind.default_minutes = default_minutes
    kind.needs_room = needs_room or bool(needs_equipment)
    kind.needs_equipment = " ".join(needs_equipment.split()).lower()
    kind.save()
    do_record_audit_event(actor, AuditAction.UPDATE, "appointment_type", kind.pk)
    return kind


@transaction.atomic
def do_set_appointment_type_active(
    actor: Actor, *, appointment_type: AppointmentType, active: bool
) -> AppointmentType:
    """Stop offering a type for new bookings (booked visits keep it) or offer it again."""
    kind = appointment_type
    _same_organisation(actor, (f"appointment type {kind.pk}", kind.organisation_id))
    kind.active = active
    kind.save(update_fields=["active"])
    do_record_audit_event(
        actor,
        AuditAction.UPDATE,
        "appointment_type",
        kind.pk,
        reason="activated" if active else "deactivated",
    )
    return kind


# -- working hours, breaks, time off -------------------------------------------------------------


def _span(start: dt.time, end: dt.time, what: str) -> None:
    if end <= start:
        raise SchedulingError(what, "ends before it starts", Code.ENDS_BEFORE_START)


@transaction.atomic
def do_add_working_hours(
    actor: Actor,
    *,
    staff: Staff,
    weekday: int,
    start: dt.time,
    end: dt.time,
    location: Location | None = None,
) -> WorkingHours:
    _same_organisation(actor, (f"staff {staff.pk}", staff.organisation_id))
    if location is not None:
        _same_organisation(actor, (f"location {location.pk}", location.organisation_id))
    day = Weekday(weekday)
    _span(start, end, f"{day.label} hours")
    if WorkingHours.objects.filter(staff=staff, weekday=day, start__lt=end, end__gt=start).exists():
        raise SchedulingError(
            f"clinician {staff.display_name}",
            f"already has {day.label} hours overlapping "
            f"{_clock(actor, start)}–{_clock(actor, end)}",
        )
    row = WorkingHours.objects.create(
        staff=staff, weekday=day, start=start, end=end, location=location
    )
    do_record_audit_event(actor, AuditAction.CREATE, "working_hours", row.pk)
    return row


@transaction.atomic
def do_add_break(
    actor: Actor, *, staff: Staff, weekday: int, start: dt.time, end: dt.time, label: str = ""
) -> StaffBreak:
    _same_organisation(actor, (f"staff {staff.pk}", staff.organisation_id))
    day = Weekday(weekday)
    _span(start, end, f"{day.label} break")
    row = StaffBreak.objects.create(
        staff=staff, weekday=day, start=start, end=end, label=" ".join(label.split())[:40]
    )
    do_record_audit_event(actor, AuditAction.CREATE, "staff_break", row.pk)
    return row


@transaction.atomic
def do_add_time_off(
    actor: Actor, *, staff: Staff, first_day: dt.date, last_day: dt.date, note: str = ""
) -> TimeOff:
    _same_organisation(actor, (f"staff {staff.pk}", staff.organisation_id))
    if last_day < first_day:
        raise SchedulingError(
            "time off",
            f"ends {last_day.isoformat()}, before it starts {first_day.isoformat()}",
            Code.ENDS_BEFORE_START,
        )
    row = TimeOff.objects.create(
        staff=staff, first_day=first_day, last_day=last_day, note=" ".join(note.split())[:80]
    )
    do_record_audit_event(actor, AuditAction.CREATE, "time_off", row.pk)
    return row


@transaction.atomic
def do_remove_availability(actor: Actor, *, row: WorkingHours | StaffBreak | TimeOff) -> None:
    staff = Staff.objects.get(pk=row.staff_id)
    _same_organisation(actor, (f"staff {staff.pk}", staff.organisation_id))
    kind = {WorkingHours: "working_hours", StaffBreak: "staff_break", TimeOff: "time_off"}[
        type(row)
    ]
    pk = row.pk
    row.delete()
    do_record_audit_event(actor, AuditAction.DELETE, kind, pk)


@transaction.atomic
def do_change_appointment_type(
    actor: Actor, *, appointment: Appointment, appointment_type: AppointmentType
) -> Appointment:
    """Give a booked appointment another type, its time kept: a follow-up becomes a progress
    report (the forward view's fix, ADR 0620). Refused like a booking: another organisation's
    type, a type of another discipline than the clinician's, or one that needs a room the
    appointment does not have."""
    row = _locked(actor, appointment, "reschedule")
    _same_organisation(
        actor, (f"appointment type {appointment_type.pk}", appointment_type.organisation_id)
    )
    _check_fit(row.staff, row.location, appointment_type, row.room)
    before = row.appointment_type.name if row.appointment_type is not None else "none"
    row.appointment_type = appointment_type
    row.save(update_fields=["appointment_type"])
    do_record_audit_event(
        actor,
        AuditAction.UPDATE,
        "appointment",
        row.pk,
        patient_id=row.patient_id,
        reason=f"type changed from {before} to {appointment_type.name}",
    )
    return row

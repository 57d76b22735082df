"""The calendar's actions: booking and its refusals, moving, the status steps, hours."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.scheduling.actions import (
    KEEP,
    do_book_appointment,
    do_cancel_appointment,
    do_check_out,
    do_mark_arrived,
    do_mark_no_show,
    do_reschedule_appointment,
)
from cleannote.apps.scheduling.errors import SchedulingError, SchedulingErrorCode
from cleannote.apps.scheduling.models import Appointment, AppointmentStatus, CancelReason
from tests.apps.scheduling.conftest import MONDAY, Calendar, at

Code = SchedulingErrorCode
TUESDAY = MONDAY + dt.timedelta(days=1)


def _book(cal: Calendar, **changes: Any) -> Appointment:
    fields: dict[str, Any] = {
        "patient": cal.clinic.patient,
        "staff": cal.clinic.therapist,
        "location": cal.clinic.location,
        "start": at(MONDAY, 10),
        "end": at(MONDAY, 10, 45),
    }
    fields.update(changes)
    return do_book_appointment(cal.desk, **fields)


def test_a_booking_takes_the_types_length_and_is_audited(calendar):
    # given the standard PT evaluation (60 minutes, needs a room)
    evaluation = calendar.types[("PT", "Evaluation")]
    # when it is booked without an end
    booked = _book(
        calendar, end=None, appointment_type=evaluation, room=calendar.room, note="  new  knee "
    )
    # then it lasts an hour and says who booked it
    assert (booked.start, booked.end) == (at(MONDAY, 10), at(MONDAY, 11))
    assert booked.minutes == 60
    assert booked.created_by == calendar.clinic.front_desk.user
    assert booked.booked_note == "new knee"
    assert booked.status == AppointmentStatus.BOOKED
    assert not booked.outside_hours
    event = AuditEvent.objects.get(object_type="appointment", object_id=str(booked.pk))
    assert event.action == "create"
    assert event.patient_id == calendar.clinic.patient.pk


# (case, changes, code, words in the message)
REFUSALS: list[tuple[str, dict[str, Any], Code, str]] = [
    ("naive time", {"start": dt.datetime(2027, 1, 4, 10)}, Code.NAIVE_TIME, "time zone"),
    ("no end and no type", {"end": None}, Code.NO_LENGTH, "give an end time"),
    ("ends at its start", {"end": at(MONDAY, 10)}, Code.ENDS_BEFORE_START, "not after its start"),
    ("OT type for a PT", {"appointment_type": ("OT", "Follow-up")}, Code.DISCIPLINE, "gives"),
    ("evaluation without a room", {"appointment_type": ("PT", "Evaluation")}, Code.ROOM_NEEDED,
     "needs a room"),
    ("aquatic without the pool", {"appointment_type": ("PT", "Aquatic therapy"), "room": "room"},
     Code.EQUIPMENT, "Room 1: has no pool"),
    ("a room at the annex", {"room": "annex_room"}, Code.ROOM_ELSEWHERE, "is not at Riverside"),
    ("Theo at 9:30", {"start": at(MONDAY, 9, 30), "end": at(MONDAY, 10, 15)},
     Code.CLINICIAN_BOOKED, "is already booked Mon 4 Jan 2027 9:00 AM–9:45 AM"),
    ("touching is fine, overlapping one minute is not",
     {"start": at(MONDAY, 9, 44), "end": at(MONDAY, 10, 30)}, Code.CLINICIAN_BOOKED, "already"),
    ("Room 1 with the OT", {"staff": "ot", "room": "room", "start": at(MONDAY, 9, 15)},
     Code.ROOM_BOOKED, "room Room 1: is already booked"),
    ("before Theo's hours", {"start": at(MONDAY, 7, 30), "end": at(MONDAY, 8, 15)},
     Code.OUTSIDE_HOURS, "works Monday 8:00 AM–5:00 PM at Riverside"),
    ("past Theo's hours", {"start": at(MONDAY, 16, 30), "end": at(MONDAY, 17, 15)},
     Code.OUTSIDE_HOURS, "outside those hours"),
    ("Theo at the annex", {"location": "annex", "start": at(MONDAY, 14)},
     Code.OUTSIDE_HOURS, "at Annex is outside those hours"),
    ("Theo on a Tuesday", {"start": at(TUESDAY, 10), "end": at(TUESDAY, 10, 45)},
     Code.OUTSIDE_HOURS, "does not work on Tuesdays"),
    ("Theo at lunch", {"start": at(MONDAY, 11, 30), "end": at(MONDAY, 12, 15)},
     Code.IN_BREAK, "has Lunch 12:00 PM–1:00 PM on Mondays"),
    ("Theo at his conference", {"start": at(MONDAY + dt.timedelta(days=7), 10),
     "end": at(MONDAY + dt.timedelta(days=7), 10, 45)}, Code.TIME_OFF,
     "is off from 2027-01-11 to 2027-01-15"),
]  # fmt: skip


def _resolve(cal: Calendar, changes: dict[str, Any]) -> dict[str, Any]:
    named = {
        "room": cal.room,
        "annex_room": cal.annex_room,
        "annex": cal.annex,
        "ot": cal.ot,
    }
    resolved: dict[str, Any] = {}
    for key, value in changes.items():
        if key == "appointment_type":
            value = cal.types[value]
        elif isinstance(value, str):
            value = named[value]
        resolved[key] = value
    if "start" in changes and "end" not in changes and "appointment_type" not in changes:
        resolved["end"] = resolved["start"] + dt.timedelta(minutes=45)
    return resolved


@pytest.mark.parametrize(("changes", "code", "words"), [r[1:] for r in REFUSALS],
                         ids=[r[0] for r in REFUSALS])  # fmt: skip
def test_refusals_say_what_and_where_and_write_nothing(calendar, changes, code, words):
    before = Appointment.objects.count(), AuditEvent.objects.count()
    with pytest.raises(SchedulingError) as refused:
        _book(calendar, **_resolve(calendar, changes))
    assert refused.value.code == code
    assert words in str(refused.value)
    assert calendar.clinic.patient.last_name not in str(refused.value)
    assert (Appointment.objects.count(), AuditEvent.objects.count()) == before


def test_another_organisations_patient_is_refused(calendar, other_clinic):
    with pytest.raises(SchedulingError) as refused:
        _book(calendar, patient=other_clinic.patient)
    assert refused.value.code == Code.OTHER_ORGANISATION


@pytest.mark.parametrize(
    ("start", "code"),
    [
        (at(MONDAY, 7), Code.OUTSIDE_HOURS),
        (at(MONDAY, 12), Code.IN_BREAK),
        (at(MONDAY + dt.timedelta(days=8), 10), Code.TIME_OFF),
    ],
)
def test_hours_can_be_confirmed_past_and_that_is_recorded(calendar, start, code):
    with pytest.raises(SchedulingError) as refused:
        _book(calendar, start=start, end=start + dt.timedelta(minutes=30))
    assert refused.value.code == code
    assert refused.value.overridable
    booked = _book(calendar, start=start, end=start + dt.timedelta(minutes=30), override_hours=True)
    assert booked.outside_hours
    event = AuditEvent.objects.get(object_type="appointment", object_id=str(booked.pk))
    assert event.reason.startswith("confirmed past: clinician Theo Demo, PT:")


def test_a_double_booking_is_never_overridable(calendar):
    with pytest.raises(SchedulingError) as refused:
        _book(calendar, start=at(MONDAY, 9), override_hours=True)
    assert refused.value.code == Code.CLINICIAN_BOOKED
    assert not refused.value.overridable


def test_a_clinician_without_hours_is_held_to_none(calendar):
    # Otto has no hours set: Sunday evening is his to book.
    sunday = MONDAY - dt.timedelta(days=1)
    booked = _book(calendar, staff=calendar.ot, start=at(sunday, 19), end=at(sunday, 20))
    assert not booked.outside_hours


def test_cancelled_and_no_show_visits_free_their_time(calendar):
    do_cancel_appointment(calendar.desk, appointment=calendar.booked, reason=CancelReason.PATIENT)
    again = _book(calendar, start=at(MONDAY, 9), end=at(MONDAY, 9, 45), room=calendar.room)
    do_mark_no_show(calendar.desk, appointment=again, at=at(MONDAY, 9, 20))
    third = _book(calendar, start=at(MONDAY, 9), end=at(MONDAY, 9, 45), room=calendar.room)
    assert third.status == AppointmentStatus.BOOKED


def test_moving_keeps_the_length_and_checks_the_new_place(calendar):
    # given a second visit at 10:00
    later = _book(calendar)
    # when it is moved onto the 9:00 visit, refused
    with pytest.raises(SchedulingError) as refused:
        do_reschedule_appointment(calendar.desk, appointment=later, start=at(MONDAY, 9, 15))
    assert refused.value.code == Code.CLINICIAN_BOOKED
    # and moving the 9:00 visit by 15 minutes itself is fine (it does not clash with itself)
    moved = do_reschedule_appointment(
        calendar.desk, appointment=calendar.booked, start=at(MONDAY, 9, 15)
    )
    assert (moved.start, moved.end) == (at(MONDAY, 9, 15), at(MONDAY, 10))
    assert moved.room == calendar.room
    event = AuditEvent.objects.filter(object_type="appointment", object_id=str(moved.pk)).latest(
        "pk"
    )
    assert event.action == "update"
    assert "moved from Mon 4 Jan 2027 9:00 AM–9:45 AM" in event.reason


def test_moving_to_another_clinician_and_out_of_the_room(calendar):
    # Ada (PTA) gives physical therapy too, and has no hours set
    moved = do_reschedule_appointment(
        calendar.desk,
        appointment=calendar.booked,
        start=at(MONDAY, 14),
        staff=calendar.clinic.assistant,
        room=None,
    )
    assert moved.staff == calendar.clinic.assistant
    assert moved.room is None
    assert (moved.start, moved.end) == (at(MONDAY, 14), at(MONDAY, 14, 45))
    # and back into the room, keeping the clinician
    back = do_reschedule_appointment(
        calendar.desk, appointment=moved, start=at(MONDAY, 15), room=calendar.room
    )
    assert back.room == calendar.room
    kept = do_reschedule_appointment(
        calendar.desk, appointment=back, start=at(MONDAY, 15, 15), room=KEEP
    )
    assert kept.room == calendar.room
    assert kept.staff == calendar.clinic.assistant


def test_moving_a_pt_type_to_the_ot_is_refused(calendar):
    evaluation = _book(
        calendar,
        start=at(MONDAY, 14),
        end=None,
        appointment_type=calendar.types[("PT", "Evaluation")],
        room=calendar.room,
    )
    with pytest.raises(SchedulingError) as refused:
        do_reschedule_appointment(
            calendar.desk, appointment=evaluation, start=at(MONDAY, 15), staff=calendar.ot
        )
    assert refused.value.code == Code.DISCIPLINE


def test_the_day_of_a_visit(calendar):
    # booked -> arrived -> checked out
    visit = calendar.booked
    arrived = do_mark_arrived(calendar.desk, appointment=visit, at=at(MONDAY, 8, 55))
    assert arrived.status == AppointmentStatus.ARRIVED
    assert arrived.arrived_at == at(MONDAY, 8, 55)
    done = do_check_out(calendar.desk, appointment=arrived, at=at(MONDAY, 9, 50))
    assert done.status == AppointmentStatus.COMPLETED
    assert (done.arrived_at, done.checked_out_at) == (at(MONDAY, 8, 55), at(MONDAY, 9, 50))
    # a checked-out visit still holds its time
    with pytest.raises(SchedulingError):
        _book(calendar, start=at(MONDAY, 9), end=at(MONDAY, 9, 30))


# (step, from status, allowed)
STEPS = [
    ("arrive", AppointmentStatus.BOOKED, True),
    ("arrive", AppointmentStatus.ARRIVED, False),
    ("arrive", AppointmentStatus.CANCELLED, False),
    ("check_out", AppointmentStatus.BOOKED, True),
    ("check_out", AppointmentStatus.ARRIVED, True),
    ("check_out", AppointmentStatus.COMPLETED, False),
    ("no_show", AppointmentStatus.BOOKED, True),
    ("no_show", AppointmentStatus.ARRIVED, False),
    ("no_show", AppointmentStatus.NO_SHOW, False),
    ("cancel", AppointmentStatus.BOOKED, True),
    ("cancel", AppointmentStatus.ARRIVED, False),
    ("cancel", AppointmentStatus.COMPLETED, False),
    ("cancel", AppointmentStatus.CANCELLED, False),
    ("reschedule", AppointmentStatus.ARRIVED, False),
    ("reschedule", AppointmentStatus.NO_SHOW, False),
]


def _do(step: str, cal: Calendar, appointment: Appointment) -> Appointment:
    moment = at(MONDAY, 9, 30)
    if step == "arrive":
        return do_mark_arrived(cal.desk, appointment=appointment, at=moment)
    if step == "check_out":
        return do_check_out(cal.desk, appointment=appointment, at=moment)
    if step == "no_show":
        return do_mark_no_show(cal.desk, appointment=appointment, at=moment)
    if step == "cancel":
        return do_cancel_appointment(
            cal.desk, appointment=appointment, reason=CancelReason.LATE, at=moment
        )
    return do_reschedule_appointment(cal.desk, appointment=appointment, start=at(MONDAY, 14))


@pytest.mark.parametrize(("step", "status", "allowed"), STEPS)
def test_status_steps_follow_the_table(calendar, step, status, allowed):
    Appointment.objects.filter(pk=calendar.booked.pk).update(status=status)
    if allowed:
        assert _do(step, calendar, calendar.booked).status != status
        return
    with pytest.raises(SchedulingError) as refused:
        _do(step, calendar, calendar.booked)
    assert refused.value.code == Code.STATUS
    assert f"appointment {calendar.booked.pk}: is " in str(refused.value)
    assert Appointment.objects.get(pk=calendar.booked.pk).status == status


def test_cancel_records_the_reason_and_note_and_refuses_an_unknown_reason(calendar):
    with pytest.raises(SchedulingError) as refused:
        do_cancel_appointment(calendar.desk, appointment=calendar.booked, reason="weather")
    assert refused.value.code == Code.CANCEL_REASON
    cancelled = do_cancel_appointment(
        calendar.desk,
        appointment=calendar.booked,
        reason="late",
        note="car trouble",
        at=at(MONDAY, 8, 30),
    )
    assert cancelled.cancel_reason == CancelReason.LATE
    assert cancelled.cancel_note == "car trouble"
    assert cancelled.cancelled_at == at(MONDAY, 8, 30)
    event = AuditEvent.objects.filter(object_type="appointment").latest("pk")
    assert event.reason == "cancelled: Late cancel; car trouble"


def test_a_no_show_is_not_marked_before_the_visit_begins(calendar):
    with pytest.raises(SchedulingError) as refused:
        do_mark_no_show(calendar.desk, appointment=calendar.booked, at=at(MONDAY, 8, 59))
    assert "mark a no-show once it has begun" in str(refused.value)


def test_now_is_the_default_moment(calendar):
    before = timezone.now()
    arrived = do_mark_arrived(calendar.desk, appointment=calendar.booked)
    assert arrived.arrived_at is not None
    assert arrived.arrived_at >= before

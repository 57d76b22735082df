"""scheduling.series_actions: booking a plan's series, changing one occurrence or the rest,
cancelling one or the rest (ADR 0610)."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.scheduling.actions import do_book_appointment, do_cancel_appointment
from cleannote.apps.scheduling.errors import SchedulingError
from cleannote.apps.scheduling.models import (
    Appointment,
    AppointmentSeries,
    AppointmentStatus,
    CancelReason,
)
from cleannote.apps.scheduling.series_actions import (
    SeriesConflict,
    book_series_from_plan,
    do_cancel_following,
    do_move_following,
)
from tests.apps.scheduling.series_fixtures import MONDAY, at, series_setup

# Mon/Thu for three weeks from MONDAY.
DAYS = [MONDAY + dt.timedelta(days=d) for d in (0, 3, 7, 10, 14, 17)]


@pytest.fixture
def setup(clinic):  # type: ignore[no-untyped-def]
    return series_setup(clinic)


def _book(setup, **kw):  # type: ignore[no-untyped-def]
    return book_series_from_plan(
        setup.actor,
        setup.plan,
        staff=setup.clinic.therapist,
        location=setup.clinic.location,
        first_day=MONDAY,
        at=dt.time(10),
        **kw,
    )


def _starts(rows) -> list[dt.datetime]:  # type: ignore[no-untyped-def]
    return [r.start for r in rows]


def test_the_plans_series_is_booked_mon_thu_until_the_visit_count(setup) -> None:
    # when
    booked = _book(setup)
    # then six visits at 10:00, each an appointment of the series
    assert _starts(booked.appointments) == [at(d, 10) for d in DAYS]
    assert booked.skipped == []
    series = booked.series
    assert series.ends_because == "plan's visit count"
    assert series.rule.endswith("RRULE:FREQ=WEEKLY;COUNT=6;BYDAY=MO,TH")
    assert series.plan_of_care == setup.plan
    assert Appointment.objects.filter(series=series).count() == 6
    assert all(a.end - a.start == dt.timedelta(minutes=45) for a in booked.appointments)
    audit = AuditEvent.objects.filter(object_type="appointment_series", object_id=str(series.pk))
    assert audit.count() == 1
    assert audit.get().patient_id == setup.clinic.patient.pk


def test_a_collision_refuses_the_whole_series_with_its_dates(setup) -> None:
    # given the patient is booked with the assistant on the second Thursday at 10:15
    do_book_appointment(
        setup.actor,
        patient=setup.clinic.patient,
        staff=setup.clinic.assistant,
        location=setup.clinic.location,
        start=at(DAYS[3], 10, 15),
        end=at(DAYS[3], 11),
    )
    before = Appointment.objects.count()
    # when
    with pytest.raises(SeriesConflict) as refused:
        _book(setup, skip_conflicts=False)
    # then nothing was booked, and the refusal names the date
    assert [start for start, _ in refused.value.dates] == [at(DAYS[3], 10)]
    assert refused.value.dates[0][1] == "appointment"
    assert Appointment.objects.count() == before
    assert not AppointmentSeries.objects.exists()


def test_skipping_books_the_free_dates_and_lists_the_others(setup) -> None:
    other = do_book_appointment(
        setup.actor,
        patient=setup.clinic.patient,
        staff=setup.clinic.therapist,
        location=setup.clinic.location,
        start=at(DAYS[0], 9, 30),
        end=at(DAYS[0], 10, 15),
    )
    booked = _book(setup)
    assert _starts(booked.appointments) == [at(d, 10) for d in DAYS[1:]]
    assert booked.skipped == [(at(DAYS[0], 10), "appointment")]
    assert Appointment.objects.get(pk=other.pk).series is None


def test_cancelling_one_occurrence_leaves_the_others(setup) -> None:
    booked = _book(setup)
    third = booked.appointments[2]
    do_cancel_appointment(setup.actor, appointment=third, reason=CancelReason.PATIENT)
    statuses = list(
        Appointment.objects.filter(series=booked.series).values_list("status", flat=True)
    )
    assert statuses == ["booked", "booked", "cancelled", "booked", "booked", "booked"]


def test_cancelling_the_rest_keeps_the_earlier_ones(setup) -> None:
    booked = _book(setup)
    cancelled = do_cancel_following(
        setup.actor, appointment=booked.appointments[2], reason=CancelReason.CLINIC
    )
    assert len(cancelled) == 4
    statuses = list(
        Appointment.objects.filter(series=booked.series).values_list("status", flat=True)
    )
    assert statuses == ["booked", "booked"] + ["cancelled"] * 4


def test_this_and_following_moves_the_rest_to_a_new_time(setup) -> None:
    booked = _book(setup)
    # when the third visit and the later ones move to 14:00
    rest = do_move_following(setup.actor, appointment=booked.appointments[2], at=dt.time(14))
    # then the first two stay at 10:00 in the first series, the rest are at 14:00 in a new
    # series that continues it
    first = list(Appointment.objects.filter(series=booked.series))
    moved = list(Appointment.objects.filter(series=rest))
    assert _starts(first) == [at(d, 10) for d in DAYS[:2]]
    assert _starts(moved) == [at(d, 14) for d in DAYS[2:]]
    assert rest.continues == booked.series
    assert rest.rule.endswith("BYDAY=MO,TH")


def test_this_and_following_changes_weekdays_and_keeps_the_count(setup) -> None:
    booked = _book(setup)
    # Mon/Thu to Tue/Thu from the first visit: the Mondays move to Tuesdays
    rest = do_move_following(setup.actor, appointment=booked.appointments[0], weekdays=(1, 3))
    moved = list(Appointment.objects.filter(series=rest).order_by("start"))
    assert [a.start.date() for a in moved] == [
        MONDAY + dt.timedelta(days=d) for d in (1, 3, 8, 10, 15, 17)
    ]
    assert all(a.status == AppointmentStatus.BOOKED for a in moved)
    assert {a.pk for a in moved} == {a.pk for a in booked.appointments}


def test_this_and_following_to_another_clinician(setup) -> None:
    booked = _book(setup)
    rest = do_move_following(
        setup.actor, appointment=booked.appointments[4], staff=setup.clinic.owner
    )
    moved = list(Appointment.objects.filter(series=rest))
    assert {a.staff_id for a in moved} == {setup.clinic.owner.pk}
    assert _starts(moved) == [at(d, 10) for d in DAYS[4:]]


def test_this_and_following_refuses_a_collision(setup) -> None:
    booked = _book(setup)
    do_book_appointment(
        setup.actor,
        patient=setup.clinic.patient,
        staff=setup.clinic.assistant,
        location=setup.clinic.location,
        start=at(DAYS[5], 14),
        end=at(DAYS[5], 15),
    )
    with pytest.raises(SeriesConflict) as refused:
        do_move_following(setup.actor, appointment=booked.appointments[2], at=dt.time(14))
    assert [start for start, _ in refused.value.dates] == [at(DAYS[5], 14)]
    assert _starts(Appointment.objects.filter(series=booked.series)) == [at(d, 10) for d in DAYS]


def test_an_appointment_outside_a_series_has_no_following(setup) -> None:
    single = do_book_appointment(
        setup.actor,
        patient=setup.clinic.patient,
        staff=setup.clinic.therapist,
        location=setup.clinic.location,
        start=at(DAYS[0], 8),
        end=at(DAYS[0], 9),
    )
    with pytest.raises(SchedulingError, match="not part of a series"):
        do_cancel_following(setup.actor, appointment=single, reason=CancelReason.CLINIC)

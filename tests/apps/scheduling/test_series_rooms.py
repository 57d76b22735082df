"""The series preview checks the room the type needs (ADR 0671): each date the room is taken
(another clinician's visit in it) or held for a waitlist offer is marked before booking, by the
same function the booking action asks (`actions.overlap_refusal`), and booking refuses exactly
the dates the preview marked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cleannote.apps.organisations.actions import do_create_room
from cleannote.apps.patients.models import Patient
from cleannote.apps.scheduling.actions import do_book_appointment, do_cancel_appointment
from cleannote.apps.scheduling.errors import SchedulingError, SchedulingErrorCode
from cleannote.apps.scheduling.models import AppointmentType, CancelReason, OpenSlot
from cleannote.apps.scheduling.series import SeriesPattern
from cleannote.apps.scheduling.series_actions import (
    SeriesConflict,
    do_book_series,
    preview_series,
)
from cleannote.apps.scheduling.series_selectors import series_limits
from cleannote.apps.scheduling.waitlist_actions import do_add_waitlist_entry, do_offer_slot
from tests.apps.scheduling.series_fixtures import MONDAY, at, series_setup

# Mon/Thu for three weeks from MONDAY, at 10:00 for 45 minutes.
DAYS = [MONDAY + dt.timedelta(days=d) for d in (0, 3, 7, 10, 14, 17)]
PATTERN = SeriesPattern(weekdays=(0, 3), at=dt.time(10), minutes=45, first_day=MONDAY)


@pytest.fixture
def setup(clinic):  # type: ignore[no-untyped-def]
    return series_setup(clinic)


@pytest.fixture
def rooms(setup):  # type: ignore[no-untyped-def]
    location = setup.clinic.location
    return {
        "gym": do_create_room(
            setup.actor, location=location, name="Gym", equipment="parallel bars"
        ),
        "room 2": do_create_room(setup.actor, location=location, name="Room 2"),
    }


def _type(setup, *, needs_room: bool = True, equipment: str = "") -> AppointmentType:  # type: ignore[no-untyped-def]
    return AppointmentType.objects.create(
        organisation=setup.clinic.organisation,
        name=f"Gait training {equipment or 'room'}",
        discipline="PT",
        default_minutes=45,
        needs_room=needs_room,
        needs_equipment=equipment,
    )


def _preview(setup, room, kind=None):  # type: ignore[no-untyped-def]
    return preview_series(
        setup.actor,
        patient=setup.clinic.patient,
        staff=setup.clinic.therapist,
        pattern=PATTERN,
        limits=series_limits(setup.plan, MONDAY),
        location=setup.clinic.location,
        appointment_type=kind,
        room=room,
    )


def _other_patient(setup) -> Patient:  # type: ignore[no-untyped-def]
    return Patient.objects.create(
        organisation=setup.clinic.organisation,
        chart_number="R-1",
        first_name="Rosa",
        last_name="Roomer",
        birth_date=dt.date(1960, 5, 5),
        sex="F",
    )


def _in_gym(setup, rooms, day, hour, minute=0):  # type: ignore[no-untyped-def]
    """Another clinician's visit with another patient in the gym."""
    start = at(day, hour, minute)
    return do_book_appointment(
        setup.actor,
        patient=_other_patient(setup),
        staff=setup.clinic.assistant,
        location=setup.clinic.location,
        start=start,
        end=start + dt.timedelta(minutes=45),
        room=rooms["gym"],
    )


def _held_gym(setup, rooms, day):  # type: ignore[no-untyped-def]
    """The assistant's gym visit at 10:30 cancelled and offered: the gym is held."""
    visit = _in_gym(setup, rooms, day, 10, 30)
    do_cancel_appointment(setup.actor, appointment=visit, reason=CancelReason.PATIENT)
    entry = do_add_waitlist_entry(setup.actor, patient=visit.patient)
    do_offer_slot(setup.actor, entry=entry, slot=OpenSlot.objects.get(), now=timezone.now())


@pytest.mark.parametrize(
    ("case", "room", "arrange", "marked"),
    [
        ("the room free every date", "gym", None, {}),
        ("another clinician in the room on date 4", "gym", "visit", {3: "room booked"}),
        (
            "the room held for a waitlist offer on date 4",
            "gym",
            "hold",
            {3: "held for a waitlist offer"},
        ),
        ("a visit in another room clashes with nothing", "room 2", "visit", {}),
        ("no room asked: the room is not checked", None, "visit", {}),
    ],
)
def test_the_preview_marks_each_date_the_room_is_taken(
    setup, rooms, case, room, arrange, marked
) -> None:
    if arrange == "visit":
        _in_gym(setup, rooms, DAYS[3], 10, 15)
    elif arrange == "hold":
        _held_gym(setup, rooms, DAYS[3])
    preview = _preview(setup, rooms.get(room))
    found = {
        i: " and ".join(b.kind for b in o.conflicts)
        for i, o in enumerate(preview.occurrences)
        if o.conflicts
    }
    assert [o.start for o in preview.occurrences] == [at(d, 10) for d in DAYS]
    assert found == marked


@pytest.mark.parametrize(
    ("case", "equipment", "room", "code"),
    [
        ("a type needing a room, none given", "", None, SchedulingErrorCode.ROOM_NEEDED),
        (
            "bars needed, a room without them",
            "parallel bars",
            "room 2",
            SchedulingErrorCode.EQUIPMENT,
        ),
    ],
)
def test_a_type_the_room_cannot_serve_refuses_the_whole_preview(
    setup, rooms, case, equipment, room, code
) -> None:
    with pytest.raises(SchedulingError) as refused:
        _preview(setup, rooms.get(room), _type(setup, equipment=equipment))
    assert refused.value.code == code


def test_booking_refuses_exactly_the_dates_the_preview_marked(setup, rooms) -> None:
    _in_gym(setup, rooms, DAYS[1], 9, 45)
    kind = _type(setup, equipment="parallel bars")
    marked = [o.start for o in _preview(setup, rooms["gym"], kind).conflicts]
    book = {
        "patient": setup.clinic.patient,
        "staff": setup.clinic.therapist,
        "location": setup.clinic.location,
        "pattern": PATTERN,
        "limits": series_limits(setup.plan, MONDAY),
        "appointment_type": kind,
        "room": rooms["gym"],
    }
    with pytest.raises(SeriesConflict) as refused:
        do_book_series(setup.actor, **book)
    assert [start for start, _ in refused.value.dates] == marked == [at(DAYS[1], 10)]
    assert refused.value.dates[0][1] == "room booked"
    booked = do_book_series(setup.actor, skip_conflicts=True, **book)
    assert [a.start for a in booked.appointments] == [
        at(d, 10) for i, d in enumerate(DAYS) if i != 1
    ]
    assert {a.room for a in booked.appointments} == {rooms["gym"]}


def test_the_series_page_shows_the_room_clash_on_its_date(setup, rooms, login) -> None:
    _in_gym(setup, rooms, DAYS[3], 10, 15)
    page = login(setup.clinic.front_desk).post(
        reverse("scheduling:book_series", args=[setup.plan.pk]),
        {
            "weekdays": ["0", "3"],
            "at": "10:00",
            "minutes": "45",
            "staff": setup.clinic.therapist.pk,
            "location": setup.clinic.location.pk,
            "room": rooms["gym"].pk,
            "first_day": MONDAY.isoformat(),
            "step": "preview",
        },
    )
    html = page.content.decode()
    assert page.status_code == 200
    rows = html.split('id="series-dates"')[1].split("</table>")[0].split("<tr")[2:]
    assert ["room booked" in row for row in rows] == [i == 3 for i in range(6)]
    assert (
        f"room={rooms['gym'].pk}" in html
    )  # the way to book that date at another time keeps the room

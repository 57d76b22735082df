"""A Riverside calendar: two locations, rooms with equipment, the standard appointment types,
Theo's Monday hours with a lunch break, a week of his time off, an OT, and one booked visit;
and the claims app's billing fixture, for the forward view's money flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.core.cache import cache
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.organisations.actions import do_create_location, do_create_room
from cleannote.apps.organisations.models import Location, Role, Room, Staff
from cleannote.apps.scheduling.actions import (
    do_add_break,
    do_add_standard_appointment_types,
    do_add_time_off,
    do_add_working_hours,
    do_book_appointment,
)
from cleannote.apps.scheduling.models import Appointment, AppointmentType, Weekday
from tests.apps.claims.conftest import billing  # noqa: F401 (a fixture)
from tests.personas import VALID_NPIS, Clinic, _staff

MONDAY = dt.date(2027, 1, 4)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request, monkeypatch):
    """The public pages count requests per address in the default cache: each test starts
    with none counted (ADR 0641). django-ratelimit counts in fixed one-minute windows read from
    the clock, so a test's requests that straddle a window's end would be counted in two: its
    clock is held still for the test. The cache is a database table without Redis (ADR 0844),
    so only a test that reaches the database (the only kind that opens a page) clears it."""
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: 1_800_000_000))
    uses_database = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db"} & set(request.fixturenames)
    )
    if uses_database:
        transactional = "transactional_db" in request.fixturenames
        request.getfixturevalue("transactional_db" if transactional else "db")
        cache.clear()
    yield
    if uses_database:
        cache.clear()


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def actor_of(staff: Staff) -> Actor:
    return Actor(user=staff.user, organisation=staff.organisation, ip_address="10.0.0.9")


@dataclass
class Calendar:
    clinic: Clinic
    desk: Actor
    annex: Location
    room: Room
    pool: Room
    annex_room: Room
    ot: Staff
    types: dict[tuple[str, str], AppointmentType]
    booked: Appointment


@pytest.fixture
def calendar(clinic) -> Calendar:
    desk = actor_of(clinic.front_desk)
    annex = do_create_location(
        clinic.organisation,
        name="Annex",
        address_line1="9 Side St",
        city="Springfield",
        state="IL",
        zip="62701",
    )
    room = do_create_room(desk, location=clinic.location, name="Room 1", equipment="Plinth")
    pool = do_create_room(desk, location=clinic.location, name="Pool", equipment="pool, hoist")
    annex_room = do_create_room(desk, location=annex, name="Room A")
    ot = _staff(clinic.organisation, "otto", Role.THERAPIST, "OT", VALID_NPIS[1])
    types = {(t.discipline, t.name): t for t in do_add_standard_appointment_types(desk)}
    theo = clinic.therapist
    do_add_working_hours(
        desk,
        staff=theo,
        weekday=Weekday.MONDAY,
        start=dt.time(8),
        end=dt.time(17),
        location=clinic.location,
    )
    do_add_break(
        desk, staff=theo, weekday=Weekday.MONDAY, start=dt.time(12), end=dt.time(13), label="Lunch"
    )
    do_add_time_off(
        desk,
        staff=theo,
        first_day=MONDAY + dt.timedelta(days=7),
        last_day=MONDAY + dt.timedelta(days=11),
        note="Conference",
    )
    booked = do_book_appointment(
        desk,
        patient=clinic.patient,
        staff=theo,
        location=clinic.location,
        start=at(MONDAY, 9),
        appointment_type=types[("PT", "Follow-up")],
        room=room,
    )
    return Calendar(clinic, desk, annex, room, pool, annex_room, ot, types, booked)

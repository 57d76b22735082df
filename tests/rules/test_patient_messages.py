"""The self-booking slot and refusal rules and the late-cancel window (ADRs 0641, 0643), as
tables of worked examples."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cleannote.rules.patient_messages import (
    Interval,
    WeeklySpan,
    booking_refusal,
    is_late_cancel,
    open_slots,
)

NY = ZoneInfo("America/New_York")
MONDAY = dt.date(2026, 12, 7)
TUESDAY = dt.date(2026, 12, 8)
MORNING = (WeeklySpan(0, dt.time(8), dt.time(10)),)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), NY)


def hhmm(slots: list[dt.datetime]) -> list[str]:
    return [f"{s:%a %H:%M}" for s in slots]


@pytest.mark.parametrize(
    ("case", "kwargs", "expected"),
    [
        (
            "45-minute visits in 30-minute steps inside 8-10",
            {},
            ["Mon 08:00", "Mon 08:30", "Mon 09:00"],
        ),
        (
            "a 60-minute visit",
            {"minutes": 60},
            ["Mon 08:00", "Mon 08:30", "Mon 09:00"],
        ),
        (
            "a 90-minute visit fits only at 8:00 and 8:30",
            {"minutes": 90},
            ["Mon 08:00", "Mon 08:30"],
        ),
        (
            "a booked 8:30-9:15 blocks every overlapping start; 9:15 ends exactly at 10:00",
            {"busy": (Interval(at(MONDAY, 8, 30), at(MONDAY, 9, 15)),), "step_minutes": 15},
            ["Mon 09:15"],
        ),
        (
            "a visit ending at 8:00 does not block an 8:00 start",
            {"busy": (Interval(at(MONDAY, 7), at(MONDAY, 8)),)},
            ["Mon 08:00", "Mon 08:30", "Mon 09:00"],
        ),
        (
            "a 9:00-9:30 break leaves 8:00-8:45 only",
            {"breaks": (WeeklySpan(0, dt.time(9), dt.time(9, 30)),)},
            ["Mon 08:00"],
        ),
        (
            "minimum notice: nothing before 8:30",
            {"earliest": at(MONDAY, 8, 30)},
            ["Mon 08:30", "Mon 09:00"],
        ),
        ("a day off", {"days_off": frozenset({MONDAY})}, []),
        (
            "Tuesday hours only: Monday offers nothing",
            {"hours": (WeeklySpan(1, dt.time(13), dt.time(14)),), "days": [MONDAY, TUESDAY]},
            ["Tue 13:00"],
        ),
    ],
)
def test_open_slots(case, kwargs, expected):
    arguments = {
        "days": [MONDAY],
        "hours": MORNING,
        "earliest": at(MONDAY, 0),
        "minutes": 45,
        "zone": NY,
    }
    arguments.update(kwargs)
    assert hhmm(open_slots(**arguments)) == expected, case


def test_slots_are_aware_in_the_clinic_zone():
    (first, *_) = open_slots(
        days=[MONDAY], hours=MORNING, earliest=at(MONDAY, 0), minutes=45, zone=NY
    )
    assert first == dt.datetime(2026, 12, 7, 13, 0, tzinfo=dt.UTC)


def test_a_length_of_zero_is_refused():
    with pytest.raises(ValueError, match="positive minutes"):
        open_slots(days=[MONDAY], hours=MORNING, earliest=at(MONDAY, 0), minutes=0, zone=NY)


OFFERED = (at(TUESDAY, 9), at(TUESDAY, 10))


@pytest.mark.parametrize(
    ("case", "kwargs", "refusal"),
    [
        ("allowed", {}, None),
        ("online booking off", {"enabled": False}, "not taking online bookings"),
        ("at the cap of 2", {"open_bookings": 2}, "You already have 2 upcoming visits booked"),
        ("one under the cap", {"open_bookings": 1}, None),
        ("cap of 1 reached", {"open_bookings": 1, "max_open_bookings": 1}, "hold 1 at a time"),
        ("too soon", {"start": at(MONDAY, 9)}, "too soon"),
        ("taken meanwhile", {"start": at(TUESDAY, 11)}, "no longer free"),
    ],
)
def test_booking_refusal(case, kwargs, refusal):
    arguments = {
        "enabled": True,
        "open_bookings": 0,
        "max_open_bookings": 2,
        "start": at(TUESDAY, 9),
        "earliest": at(MONDAY, 12),
        "offered": OFFERED,
    }
    arguments.update(kwargs)
    found = booking_refusal(**arguments)
    if refusal is None:
        assert found is None, case
    else:
        assert found is not None
        assert refusal in found, case


@pytest.mark.parametrize(
    ("hours_before", "window", "late"),
    [
        (48, 24, False),
        (24, 24, False),
        (23.5, 24, True),
        (1, 24, True),
        (3, 2, False),
        (1, 2, True),
    ],
)
def test_late_cancel_window(hours_before, window, late):
    start = at(TUESDAY, 9)
    assert is_late_cancel(start, start - dt.timedelta(hours=hours_before), window) is late

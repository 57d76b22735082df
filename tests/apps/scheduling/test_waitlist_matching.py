"""scheduling.waitlist: which wishes an opened slot meets (ADR 0611). Pure: no database."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.apps.scheduling.waitlist import Slot, Wish, matching, meets, parse_windows

# Thursday 10 December 2026, 10:00 to 10:45 with clinician 5 at location 1.
SLOT = Slot(
    staff_id=5,
    location_id=1,
    start=dt.datetime(2026, 12, 10, 10, 0),
    end=dt.datetime(2026, 12, 10, 10, 45),
)
MORNING = ((dt.time(8), dt.time(12)),)
MID_MORNING = ((dt.time(9), dt.time(11)),)


@pytest.mark.parametrize(
    ("case", "wish", "met"),
    [
        ("anything", Wish(), True),
        ("this_clinician", Wish(clinician_ids=frozenset({5, 6})), True),
        ("another_clinician", Wish(clinician_ids=frozenset({6})), False),
        ("this_location", Wish(location_id=1), True),
        ("another_location", Wish(location_id=2), False),
        ("thursday", Wish(weekdays=frozenset({1, 3})), True),
        ("not_thursday", Wish(weekdays=frozenset({0, 4})), False),
        ("morning", Wish(windows=MORNING), True),
        ("afternoon", Wish(windows=((dt.time(13), dt.time(17)),)), False),
        # the slot must fit whole: a window ending at 10:30 does not hold 10:00-10:45
        ("window_ends_inside", Wish(windows=((dt.time(9), dt.time(10, 30)),)), False),
        ("window_exactly", Wish(windows=((dt.time(10), dt.time(10, 45)),)), True),
        (
            "second_window",
            Wish(windows=((dt.time(7), dt.time(8)), (dt.time(9), dt.time(11)))),
            True,
        ),
        ("earliest_same_day", Wish(earliest=dt.date(2026, 12, 10)), True),
        ("earliest_after", Wish(earliest=dt.date(2026, 12, 11)), False),
        ("latest_same_day", Wish(latest=dt.date(2026, 12, 10)), True),
        ("latest_before", Wish(latest=dt.date(2026, 12, 9)), False),
        (
            "all_at_once",
            Wish(frozenset({5}), 1, frozenset({3}), MORNING, dt.date(2026, 12, 1), None),
            True,
        ),
    ],
)
def test_a_slot_meets_a_wish(case: str, wish: Wish, met: bool) -> None:
    assert meets(SLOT, wish) is met, case


def test_matching_keeps_the_entries_order() -> None:
    wishes = [(30, Wish()), (10, Wish(location_id=2)), (20, Wish(windows=MORNING))]
    assert matching(SLOT, wishes) == [30, 20]


@pytest.mark.parametrize(
    ("text", "windows"),
    [
        ("", ()),
        ("08:00-12:00", ((dt.time(8), dt.time(12)),)),
        (
            " 8:00 - 12:00, 14:00–17:30 ",
            ((dt.time(8), dt.time(12)), (dt.time(14), dt.time(17, 30))),
        ),
    ],
)
def test_windows_are_read(text: str, windows: tuple[tuple[dt.time, dt.time], ...]) -> None:
    assert parse_windows(text) == windows


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("mornings", "write it as 08:00-12:00"),
        ("12:00-08:00", "ends before it starts"),
        ("08:00-25:00", "does not exist"),
    ],
)
def test_a_wrong_window_says_which(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_windows(text)

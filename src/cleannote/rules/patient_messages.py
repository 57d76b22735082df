"""The front desk's rules for what a patient may do from a message: book a slot online, and
whether a cancel is late (ADRs 0641, 0643). Pure: every moment comes in as an argument.

`open_slots` lays a clinician's weekly hours over the coming days, in steps, and keeps the
starts whose whole visit fits inside the hours, misses every break, day off and busy interval,
and begins no sooner than the clinic's minimum notice. `booking_refusal` says why a patient may
not book the slot they chose, or None.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WeeklySpan:
    """A stretch of a week in wall-clock time: weekday 0 = Monday."""

    weekday: int
    start: dt.time
    end: dt.time


@dataclass(frozen=True, slots=True)
class Interval:
    start: dt.datetime
    end: dt.datetime


def _overlaps(
    a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime
) -> bool:
    return a_start < b_end and b_start < a_end


def open_slots(
    *,
    days: Iterable[dt.date],
    hours: Sequence[WeeklySpan],
    breaks: Sequence[WeeklySpan] = (),
    days_off: frozenset[dt.date] = frozenset(),
    busy: Sequence[Interval] = (),
    earliest: dt.datetime,
    minutes: int,
    zone: dt.tzinfo,
    step_minutes: int = 30,
) -> list[dt.datetime]:
    """Every start (aware, in `zone`) a `minutes`-long visit could take, in order."""
    if minutes <= 0 or step_minutes <= 0:
        raise ValueError("visit length and step must be positive minutes")
    length, step = dt.timedelta(minutes=minutes), dt.timedelta(minutes=step_minutes)
    found: list[dt.datetime] = []
    for day in sorted(set(days)):
        if day in days_off:
            continue
        pauses = [
            Interval(dt.datetime.combine(day, b.start, zone), dt.datetime.combine(day, b.end, zone))
            for b in breaks
            if b.weekday == day.weekday()
        ]
        for span in sorted((h for h in hours if h.weekday == day.weekday()), key=lambda h: h.start):
            start = dt.datetime.combine(day, span.start, zone)
            close = dt.datetime.combine(day, span.end, zone)
            while start + length <= close:
                end = start + length
                if start >= earliest and not any(
                    _overlaps(start, end, other.start, other.end) for other in (*pauses, *busy)
                ):
                    found.append(start)
                start += step
    return sorted(set(found))


def booking_refusal(
    *,
    enabled: bool,
    open_bookings: int,
    max_open_bookings: int,
    start: dt.datetime,
    earliest: dt.datetime,
    offered: Sequence[dt.datetime],
) -> str | None:
    """Why a patient may not book `start` online, in words for the patient; None when they may."""
    if not enabled:
        return "The clinic is not taking online bookings at the moment. Please call the clinic."
    if open_bookings >= max_open_bookings:
        visits = "visit" if open_bookings == 1 else "visits"
        return (
            f"You already have {open_bookings} upcoming {visits} booked; online you may hold "
            f"{max_open_bookings} at a time. Please call the clinic to book more."
        )
    if start < earliest:
        return "That time is too soon to book online. Please choose a later time."
    if start not in offered:
        return "That time is no longer free. Please choose another."
    return None


def is_late_cancel(start: dt.datetime, at: dt.datetime, window_hours: int) -> bool:
    """A cancel made fewer than `window_hours` before the start is late."""
    return start - at < dt.timedelta(hours=window_hours)

"""Which waitlist wishes an opened slot meets (ADR 0611). Pure: plain values, no Django.

A wish names the clinicians the patient will see (none: any), the location (none: any), the
weekdays (none: any), time windows of the day (none: any time) and the earliest and latest
dates. A slot meets it when all of these hold; the slot must fit inside one window whole
(a 45-minute slot at 11:30 does not fit a window ending at 12:00).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Slot:
    """An opened time: a clinician at a location, local (clinic zone) start and end."""

    staff_id: int
    location_id: int
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True, slots=True)
class Wish:
    clinician_ids: frozenset[int] = frozenset()
    location_id: int | None = None
    weekdays: frozenset[int] = frozenset()
    windows: tuple[tuple[dt.time, dt.time], ...] = ()
    earliest: dt.date | None = None
    latest: dt.date | None = None


def meets(slot: Slot, wish: Wish) -> bool:
    if wish.clinician_ids and slot.staff_id not in wish.clinician_ids:
        return False
    if wish.location_id is not None and slot.location_id != wish.location_id:
        return False
    day = slot.start.date()
    if wish.weekdays and day.weekday() not in wish.weekdays:
        return False
    if wish.earliest is not None and day < wish.earliest:
        return False
    if wish.latest is not None and day > wish.latest:
        return False
    if not wish.windows:
        return True
    if slot.end.date() != day:
        return False
    begins, ends = slot.start.time(), slot.end.time()
    return any(low <= begins and ends <= high for low, high in wish.windows)


def matching(slot: Slot, wishes: Iterable[tuple[int, Wish]]) -> list[int]:
    """The keys of the wishes the slot meets, in the order given (oldest entry first)."""
    return [key for key, wish in wishes if meets(slot, wish)]


_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")
# Either end of a window in either cycle: "8:00 AM-12:00 PM", "8 am - noon" is not one.
_ENDS = re.compile(r"^\s*(?P<low>[^-–]+?)\s*[-–]\s*(?P<high>[^-–]+?)\s*$")


def parse_windows(
    text: str, read_time: Callable[[str], dt.time] | None = None
) -> tuple[tuple[dt.time, dt.time], ...]:
    """`08:00-12:00, 14:00-17:30` into windows; raises ValueError saying which part is wrong.
    Empty text is no window: any time. Given `read_time` (the platform's `parse_time`, which
    reads "2:05 PM" and "14:05" alike), each end is read by it, so a 12-hour clinic writes
    `8:00 AM-12:00 PM` (ADR 0615); without it, 24-hour only."""
    windows = []
    for part in (p for p in text.split(",") if p.strip()):
        low, high = _window(part.strip(), read_time)
        if high <= low:
            raise ValueError(f"{part.strip()!r} ends before it starts")
        windows.append((low, high))
    return tuple(windows)


def _window(part: str, read_time: Callable[[str], dt.time] | None) -> tuple[dt.time, dt.time]:
    if read_time is not None:
        ends = _ENDS.match(part)
        if ends is None:
            raise ValueError(
                f"{part!r} is not a window; write it as 08:00-12:00 or 8:00 AM-12:00 PM"
            )
        try:
            return read_time(ends["low"]), read_time(ends["high"])
        except ValueError:
            raise ValueError(f"{part!r} has a time that does not exist") from None
    found = _WINDOW.match(part)
    if found is None:
        raise ValueError(f"{part!r} is not a window; write it as 08:00-12:00")
    h1, m1, h2, m2 = (int(g) for g in found.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise ValueError(f"{part!r} has a time that does not exist")
    return dt.time(h1, m1), dt.time(h2, m2)


def windows_text(
    windows: Sequence[Sequence[str]], show: Callable[[dt.time], str] | None = None
) -> str:
    """Stored windows (`[["08:00", "12:00"]]`) as the form writes them; given `show` (the
    clinic's `format_time`), each end in the clinic's 12- or 24-hour way (ADR 0615)."""
    if show is None:
        return ", ".join(f"{low}-{high}" for low, high in windows)
    return ", ".join(
        f"{show(dt.time.fromisoformat(low))}–{show(dt.time.fromisoformat(high))}"
        for low, high in windows
    )

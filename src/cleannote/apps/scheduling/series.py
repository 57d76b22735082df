"""A recurring series: the visits a plan of care asks for, as dates and times (ADR 0610).

Pure: plain values in, plain values out; no Django, no clock (the caller gives the first day
and the zone). The recurrence is dateutil's rrule, and the rule stored on a series is its
RFC 5545 text, so the series can be read back and extended by the same library.

A series ends at the first of four limits, and says which one it was so the person booking
sees why it stops there:

- the plan of care's end (`certified_through`), or its 90-day recertification, if earlier;
- the authorization's end (the referral's "valid through");
- the plan's visit count (frequency x duration weeks);
- the visits the authorization has left.

Occurrences that collide with something already on the clinician's or the patient's
calendar (an appointment, time off) are reported with what they collide with, never dropped
silently: the person picks another time or chooses to skip them.

For the demo and for callers that just want the plan's series booked, see
`cleannote.apps.scheduling.series_actions.book_series_from_plan`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule, rrulestr, weekday, weekdays

# Monday first, as `date.weekday()` counts.
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# The weekdays offered for a plan's frequency when the person has not chosen: spread out so
# visits are not on consecutive days where the week allows it.
DEFAULT_WEEKDAYS: dict[int, tuple[int, ...]] = {
    1: (0,),
    2: (0, 3),
    3: (0, 2, 4),
    4: (0, 1, 3, 4),
    5: (0, 1, 2, 3, 4),
    6: (0, 1, 2, 3, 4, 5),
    7: (0, 1, 2, 3, 4, 5, 6),
}


class EndReason(enum.StrEnum):
    """Why a series ends where it does."""

    PLAN_END = "plan end"
    RECERTIFICATION = "recertification due"
    AUTHORIZATION_END = "authorization end"
    VISIT_COUNT = "plan's visit count"
    AUTHORIZED_VISITS = "authorized visits"


class SeriesError(ValueError):
    """A series that cannot be computed; the message names the field and carries no PHI."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True, slots=True)
class SeriesLimits:
    """What bounds a series, read from the plan of care and the authorization in force."""

    plan_end: dt.date
    recertify_by: dt.date
    visits: int
    authorization_end: dt.date | None = None
    authorized_visits_left: int | None = None


@dataclass(frozen=True, slots=True)
class SeriesPattern:
    """When the visits fall: weekdays (0 = Monday), a time of day, a length, a first day."""

    weekdays: tuple[int, ...]
    at: dt.time
    minutes: int
    first_day: dt.date

    def check(self) -> None:
        if not self.weekdays:
            raise SeriesError("weekdays", "choose at least one weekday")
        if any(d not in range(7) for d in self.weekdays):
            raise SeriesError("weekdays", "a weekday is 0 (Monday) to 6 (Sunday)")
        if not 5 <= self.minutes <= 480:
            raise SeriesError("minutes", "a visit lasts 5 to 480 minutes")


@dataclass(frozen=True, slots=True)
class Busy:
    """Something already on the calendar: an appointment or time off (ids only, no PHI)."""

    start: dt.datetime
    end: dt.datetime
    kind: str  # "appointment" or "time off"
    ref: int | None = None


@dataclass(frozen=True, slots=True)
class Occurrence:
    start: dt.datetime
    end: dt.datetime
    conflicts: tuple[Busy, ...] = ()

    @property
    def free(self) -> bool:
        return not self.conflicts


@dataclass(frozen=True, slots=True)
class SeriesPlan:
    """The computed series: each occurrence, where and why it ends, and the rule to store."""

    occurrences: tuple[Occurrence, ...]
    last_day: dt.date | None
    ends_because: EndReason
    rule: str

    @property
    def conflicts(self) -> tuple[Occurrence, ...]:
        return tuple(o for o in self.occurrences if o.conflicts)

    @property
    def free(self) -> tuple[Occurrence, ...]:
        return tuple(o for o in self.occurrences if not o.conflicts)


def default_weekdays(frequency_per_week: int) -> tuple[int, ...]:
    return DEFAULT_WEEKDAYS[max(1, min(7, frequency_per_week))]


def _end(limits: SeriesLimits) -> tuple[dt.date, EndReason, int, EndReason]:
    """The last day and its reason; the most visits and its reason."""
    days = [(limits.plan_end, EndReason.PLAN_END)]
    if limits.recertify_by < limits.plan_end:
        days.append((limits.recertify_by, EndReason.RECERTIFICATION))
    if limits.authorization_end is not None:
        days.append((limits.authorization_end, EndReason.AUTHORIZATION_END))
    last_day, day_reason = min(days, key=lambda pair: pair[0])
    counts = [(limits.visits, EndReason.VISIT_COUNT)]
    if limits.authorized_visits_left is not None:
        counts.append((limits.authorized_visits_left, EndReason.AUTHORIZED_VISITS))
    most, count_reason = min(counts, key=lambda pair: pair[0])
    return last_day, day_reason, most, count_reason


def _byweekday(days: Iterable[int]) -> tuple[weekday, ...]:
    return tuple(weekdays[d] for d in sorted(set(days)))


def plan_series(
    pattern: SeriesPattern,
    limits: SeriesLimits,
    zone: ZoneInfo,
    busy: Sequence[Busy] = (),
) -> SeriesPlan:
    """The occurrences from `pattern.first_day` to the first limit, each with its collisions.

    Local wall-clock times are kept across a daylight-saving change (10:00 stays 10:00).
    """
    pattern.check()
    last_day, day_reason, most, count_reason = _end(limits)
    if most <= 0:
        raise SeriesError("visits", f"no visits left ({count_reason.value})")
    if last_day < pattern.first_day:
        raise SeriesError("first_day", f"after the series' last possible day ({day_reason.value})")
    dtstart = dt.datetime.combine(pattern.first_day, pattern.at)
    until = dt.datetime.combine(last_day, pattern.at)
    by_date = list(
        rrule(WEEKLY, dtstart=dtstart, until=until, byweekday=_byweekday(pattern.weekdays))
    )
    if len(by_date) > most:
        # The visit count ends the series first: the stored rule is a COUNT rule.
        rule = rrule(WEEKLY, dtstart=dtstart, count=most, byweekday=_byweekday(pattern.weekdays))
        starts = list(rule)
        reason = count_reason
    else:
        rule = rrule(WEEKLY, dtstart=dtstart, until=until, byweekday=_byweekday(pattern.weekdays))
        starts = by_date
        reason = day_reason
    if not starts:
        raise SeriesError("weekdays", "none of the chosen weekdays falls before the series ends")
    length = dt.timedelta(minutes=pattern.minutes)
    occurrences = []
    for naive in starts:
        start = naive.replace(tzinfo=zone)
        end = start + length
        occurrences.append(Occurrence(start, end, collisions(start, end, busy)))
    return SeriesPlan(
        occurrences=tuple(occurrences),
        last_day=starts[-1].date(),
        ends_because=reason,
        rule=str(rule),
    )


def collisions(start: dt.datetime, end: dt.datetime, busy: Sequence[Busy]) -> tuple[Busy, ...]:
    """What overlaps [start, end): touching ends do not collide."""
    return tuple(b for b in busy if b.start < end and start < b.end)


def rule_starts(rule: str, zone: ZoneInfo) -> list[dt.datetime]:
    """The aware start times a stored rule gives (the series page and "this and following")."""
    return [naive.replace(tzinfo=zone) for naive in rrulestr(rule)]

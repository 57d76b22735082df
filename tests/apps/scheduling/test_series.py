"""scheduling.series: the dates a plan of care asks for, where the series ends and why, and
which occurrences collide (ADR 0610). Pure: no database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cleannote.apps.scheduling.series import (
    Busy,
    EndReason,
    SeriesError,
    SeriesLimits,
    SeriesPattern,
    default_weekdays,
    plan_series,
    rule_starts,
)

ZONE = ZoneInfo("America/New_York")
MON, TUE, WED, THU, FRI = 0, 1, 2, 3, 4
# 2026-11-02 is a Monday.
FIRST = dt.date(2026, 11, 2)


def _pattern(days: tuple[int, ...] = (MON, THU), first: dt.date = FIRST) -> SeriesPattern:
    return SeriesPattern(weekdays=days, at=dt.time(10, 0), minutes=45, first_day=first)


def _limits(**kw: object) -> SeriesLimits:
    values: dict[str, object] = {
        "plan_end": dt.date(2027, 1, 30),
        "recertify_by": dt.date(2027, 1, 30),
        "visits": 12,
    }
    values.update(kw)
    return SeriesLimits(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("case", "limits", "count", "last_day", "reason"),
    [
        # 2x/week for 6 weeks, plan long enough: twelve visits, the count ends it.
        ("count_first", _limits(), 12, dt.date(2026, 12, 10), EndReason.VISIT_COUNT),
        # The plan ends on Wed 18 Nov: Mon 2, Thu 5, Mon 9, Thu 12, Mon 16.
        (
            "plan_end_first",
            _limits(plan_end=dt.date(2026, 11, 18), recertify_by=dt.date(2026, 11, 18)),
            5,
            dt.date(2026, 11, 16),
            EndReason.PLAN_END,
        ),
        # Recertification (day 90) before the plan's end: Mon 2 and Thu 5 only.
        (
            "recert_first",
            _limits(recertify_by=dt.date(2026, 11, 8)),
            2,
            dt.date(2026, 11, 5),
            EndReason.RECERTIFICATION,
        ),
        # The authorization ends on Thu 12 Nov: that day is still in (10:00 on the last day).
        (
            "authorization_end_first",
            _limits(authorization_end=dt.date(2026, 11, 12)),
            4,
            dt.date(2026, 11, 12),
            EndReason.AUTHORIZATION_END,
        ),
        # Three authorized visits left, though the plan asks for twelve.
        (
            "authorized_visits_first",
            _limits(authorized_visits_left=3),
            3,
            dt.date(2026, 11, 9),
            EndReason.AUTHORIZED_VISITS,
        ),
        # Near miss: the authorization allows more than the plan asks; the plan's count wins.
        (
            "authorized_visits_more_than_plan",
            _limits(authorized_visits_left=20),
            12,
            dt.date(2026, 12, 10),
            EndReason.VISIT_COUNT,
        ),
        # Near miss: the authorization ends after the count is reached.
        (
            "authorization_end_after_count",
            _limits(authorization_end=dt.date(2026, 12, 31)),
            12,
            dt.date(2026, 12, 10),
            EndReason.VISIT_COUNT,
        ),
        # Exactly twelve fit up to the plan's end: the dates end it, by the plan's end.
        (
            "count_and_end_same_day",
            _limits(plan_end=dt.date(2026, 12, 10), recertify_by=dt.date(2026, 12, 10)),
            12,
            dt.date(2026, 12, 10),
            EndReason.PLAN_END,
        ),
    ],
)
def test_series_ends_at_the_first_limit(
    case: str, limits: SeriesLimits, count: int, last_day: dt.date, reason: EndReason
) -> None:
    # given Mon/Thu at 10:00 from Monday 2 November
    # when
    plan = plan_series(_pattern(), limits, ZONE)
    # then
    assert len(plan.occurrences) == count, case
    assert plan.last_day == last_day, case
    assert plan.ends_because is reason, case
    assert [o.start for o in plan.occurrences] == rule_starts(plan.rule, ZONE), case


def test_occurrences_fall_on_the_chosen_weekdays_at_the_time() -> None:
    plan = plan_series(_pattern((MON, WED, FRI)), _limits(visits=6), ZONE)
    assert [o.start.date() for o in plan.occurrences] == [
        dt.date(2026, 11, d) for d in (2, 4, 6, 9, 11, 13)
    ]
    assert {(o.start.hour, o.start.minute) for o in plan.occurrences} == {(10, 0)}
    assert all(o.end - o.start == dt.timedelta(minutes=45) for o in plan.occurrences)


def test_a_first_day_midweek_starts_on_the_next_chosen_weekday() -> None:
    plan = plan_series(_pattern(first=dt.date(2026, 11, 3)), _limits(visits=3), ZONE)
    assert [o.start.date() for o in plan.occurrences] == [
        dt.date(2026, 11, 5),
        dt.date(2026, 11, 9),
        dt.date(2026, 11, 12),
    ]


def test_wall_clock_time_is_kept_across_the_daylight_saving_change() -> None:
    # 2026-11-01 ends daylight saving in New York: before it 10:00 is 14:00 UTC, after 15:00.
    plan = plan_series(_pattern((FRI,), first=dt.date(2026, 10, 30)), _limits(visits=2), ZONE)
    assert [o.start.astimezone(dt.UTC).hour for o in plan.occurrences] == [14, 15]
    assert [o.start.hour for o in plan.occurrences] == [10, 10]


def test_the_stored_rule_is_rfc5545_text() -> None:
    plan = plan_series(_pattern(), _limits(visits=4), ZONE)
    assert plan.rule == "DTSTART:20261102T100000\nRRULE:FREQ=WEEKLY;COUNT=4;BYDAY=MO,TH"
    ended = plan_series(_pattern(), _limits(authorization_end=dt.date(2026, 11, 12)), ZONE)
    assert ended.rule == (
        "DTSTART:20261102T100000\nRRULE:FREQ=WEEKLY;UNTIL=20261112T100000;BYDAY=MO,TH"
    )


@pytest.mark.parametrize(
    ("case", "busy_start", "busy_minutes", "collides"),
    [
        ("same_time", dt.time(10, 0), 45, True),
        ("overlaps_start", dt.time(9, 30), 45, True),
        ("overlaps_end", dt.time(10, 30), 30, True),
        ("inside", dt.time(10, 15), 10, True),
        ("covers", dt.time(8, 0), 240, True),
        # near misses: touching ends do not collide
        ("ends_at_start", dt.time(9, 15), 45, False),
        ("starts_at_end", dt.time(10, 45), 30, False),
    ],
)
def test_collisions_are_reported_not_dropped(
    case: str, busy_start: dt.time, busy_minutes: int, collides: bool
) -> None:
    # given something on Thu 5 November
    start = dt.datetime.combine(dt.date(2026, 11, 5), busy_start, tzinfo=ZONE)
    busy = [Busy(start, start + dt.timedelta(minutes=busy_minutes), "appointment", 7)]
    # when
    plan = plan_series(_pattern(), _limits(visits=4), ZONE, busy)
    # then every occurrence is still there, and the one on the 5th says what it meets
    assert len(plan.occurrences) == 4, case
    hit = [o.start.date() for o in plan.conflicts]
    assert hit == ([dt.date(2026, 11, 5)] if collides else []), case
    assert len(plan.free) == (3 if collides else 4), case
    if collides:
        assert plan.conflicts[0].conflicts == (busy[0],)


def test_time_off_over_several_days_collides_with_each_day() -> None:
    start = dt.datetime(2026, 11, 9, 0, 0, tzinfo=ZONE)
    busy = [Busy(start, start + dt.timedelta(days=5), "time off")]
    plan = plan_series(_pattern(), _limits(visits=6), ZONE, busy)
    assert [o.start.date() for o in plan.conflicts] == [dt.date(2026, 11, 9), dt.date(2026, 11, 12)]


@pytest.mark.parametrize(
    ("case", "pattern", "limits", "field"),
    [
        ("no_weekday", _pattern(()), _limits(), "weekdays"),
        ("weekday_out_of_range", _pattern((7,)), _limits(), "weekdays"),
        ("no_visits_left", _pattern(), _limits(authorized_visits_left=0), "visits"),
        (
            "starts_after_the_end",
            _pattern(first=dt.date(2027, 2, 1)),
            _limits(),
            "first_day",
        ),
        # Only Fridays chosen, and the authorization ends on the Thursday.
        (
            "no_weekday_before_the_end",
            _pattern((FRI,)),
            _limits(authorization_end=dt.date(2026, 11, 5)),
            "weekdays",
        ),
        (
            "too_short",
            SeriesPattern((MON,), dt.time(10), 0, FIRST),
            _limits(),
            "minutes",
        ),
    ],
)
def test_a_series_that_cannot_be_made_says_where(
    case: str, pattern: SeriesPattern, limits: SeriesLimits, field: str
) -> None:
    with pytest.raises(SeriesError) as refused:
        plan_series(pattern, limits, ZONE)
    assert refused.value.field == field, case


@pytest.mark.parametrize(
    ("frequency", "days"),
    [(1, (0,)), (2, (0, 3)), (3, (0, 2, 4)), (5, (0, 1, 2, 3, 4)), (9, (0, 1, 2, 3, 4, 5, 6))],
)
def test_default_weekdays_spread_the_week(frequency: int, days: tuple[int, ...]) -> None:
    assert default_weekdays(frequency) == days

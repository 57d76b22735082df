"""Remote therapeutic monitoring: what an enrolment makes billable, and when (ADR 0570).

An enrolment is one RTM episode on a case: a device or app of one family (musculoskeletal,
respiratory, cognitive behavioural therapy) from a start date. Three kinds of code bill it,
all read from the procedure catalog (`data/procedures.json`, the `rtm` facts of each code):

- set-up and patient education (98975), once per episode, dated the enrolment's first day and
  billable once the device has sent data on as many days as the lowest device-supply tier asks;
- device supply, once per 30-day period counted from the start date, by the days with data in
  the period: 2-15 days bill the 2026 tier (98985 for musculoskeletal), 16-30 days the older
  one (98977); fewer than 2 bill nothing. A period is billed once it is over (its 30th day, or
  the enrolment's end), dated that day, so the tier is final and two periods' codes are always
  30 days apart (the scrubber's `rtm.device-repeat`);
- treatment management per calendar month, only in a month with at least one live interactive
  communication with the patient: 10-19 minutes bill 98979 (2026), 20 minutes or more 98980,
  and each further full 20 minutes one unit of the add-on 98981. A month is billed once it is
  over, dated its last day (or the enrolment's end), so 98979 and 98980 never meet in a month.

Nothing here reads the clock or a database: `rtm_billing(episode, as_of)` is a function of the
enrolment's facts and the day it is asked. What was billed already comes in as the RTM codes
the case's notes carry, so a period or month is never billed twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from cleannote.rules.catalog import RtmRole, all_procedures, procedure

PERIOD_DAYS = 30
SETUP_CODE = "98975"
TEN_MINUTE_CODE = "98979"
TWENTY_MINUTE_CODE = "98980"
ADD_ON_CODE = "98981"
MANAGEMENT_CODES = frozenset({TEN_MINUTE_CODE, TWENTY_MINUTE_CODE, ADD_ON_CODE})


# --- the catalog's RTM facts, read once --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeviceTier:
    code: str
    family: str
    first_day: int
    last_day: int


@cache
def device_supply_tiers() -> tuple[DeviceTier, ...]:
    """Every device-supply code of the catalog with its family and day range, by first day."""
    tiers = [
        DeviceTier(p.code, p.rtm.family, *p.rtm.device_days)
        for p in all_procedures()
        if p.rtm is not None
        and p.rtm.role == RtmRole.DEVICE_SUPPLY.value
        and p.rtm.family
        and p.rtm.device_days
    ]
    return tuple(sorted(tiers, key=lambda t: (t.family, t.first_day)))


def device_supply_code(family: str, days: int) -> str | None:
    """The device-supply code of `family` whose tier covers `days` of data, if any."""
    for tier in device_supply_tiers():
        if tier.family == family and tier.first_day <= days <= tier.last_day:
            return tier.code
    return None


def fewest_device_days(family: str) -> int:
    """The fewest days of data any device-supply tier of `family` bills (2 since 2026)."""
    return min(t.first_day for t in device_supply_tiers() if t.family == family)


def _floor(code: str) -> int:
    rtm = procedure(code).rtm
    assert rtm is not None
    assert rtm.management_minutes_floor is not None
    return rtm.management_minutes_floor


# --- what the shell hands in ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RtmTime:
    """Minutes of treatment management on one day; `interactive` when they were a live call or
    video with the patient (which count toward the month's minutes too)."""

    day: dt.date
    minutes: int
    interactive: bool = False


@dataclass(frozen=True, slots=True)
class BilledCode:
    """An RTM code already on one of the case's notes (signed or draft), with its day."""

    code: str
    date_of_service: dt.date
    signed: bool = True


@dataclass(frozen=True, slots=True)
class RtmEpisode:
    family: str
    start: dt.date
    end: dt.date | None = None
    data_days: frozenset[dt.date] = frozenset()
    time: tuple[RtmTime, ...] = ()
    billed: tuple[BilledCode, ...] = ()


# --- what comes out ----------------------------------------------------------------------------


class Standing(StrEnum):
    BILLABLE = "billable"  # over, meets its code's threshold, not on a note yet
    ON_NOTE = "on_note"  # already on one of the case's notes
    OPEN = "open"  # the period or month is still running
    NOT_BILLABLE = "not_billable"  # over (or waiting), but nothing covers it


@dataclass(frozen=True, slots=True)
class RtmLine:
    """One claim line RTM makes billable: the code, its units and what the note must carry."""

    code: str
    units: int
    date_of_service: dt.date
    device_days: int | None = None
    minutes: int | None = None


@dataclass(frozen=True, slots=True)
class RtmPeriod:
    number: int
    start: dt.date
    end: dt.date
    days: int
    standing: Standing
    why: str
    lines: tuple[RtmLine, ...] = ()


@dataclass(frozen=True, slots=True)
class RtmMonth:
    first_day: dt.date
    minutes: int
    interactive: int
    standing: Standing
    why: str
    lines: tuple[RtmLine, ...] = ()


@dataclass(frozen=True, slots=True)
class RtmSetup:
    standing: Standing
    why: str
    lines: tuple[RtmLine, ...] = ()


@dataclass(frozen=True, slots=True)
class RtmBill:
    """The billable lines of one date of service: one note, then one claim."""

    date_of_service: dt.date
    lines: tuple[RtmLine, ...]


@dataclass(frozen=True, slots=True)
class RtmBilling:
    setup: RtmSetup
    periods: tuple[RtmPeriod, ...]
    months: tuple[RtmMonth, ...]

    @property
    def billable(self) -> tuple[RtmLine, ...]:
        parts: tuple[RtmSetup | RtmPeriod | RtmMonth, ...] = (
            self.setup,
            *self.periods,
            *self.months,
        )
        return tuple(
            line for part in parts if part.standing is Standing.BILLABLE for line in part.lines
        )

    def bills(self) -> tuple[RtmBill, ...]:
        """The billable lines grouped by date of service, oldest first."""
        by_day: dict[dt.date, list[RtmLine]] = {}
        for line in self.billable:
            by_day.setdefault(line.date_of_service, []).append(line)
        return tuple(RtmBill(day, tuple(lines)) for day, lines in sorted(by_day.items()))


# --- the rule -------------------------------------------------------------------------------


def rtm_billing(episode: RtmEpisode, as_of: dt.date) -> RtmBilling:
    """Set-up, each 30-day period and each calendar month of `episode` up to `as_of`, with what
    each makes billable on that day and why."""
    last = as_of if episode.end is None else min(as_of, episode.end)
    periods = tuple(_periods(episode, last, as_of))
    return RtmBilling(
        setup=_setup(episode),
        periods=periods,
        months=tuple(_months(episode, last, as_of)),
    )


def _setup(episode: RtmEpisode) -> RtmSetup:
    if any(b.code == SETUP_CODE for b in episode.billed):
        return RtmSetup(Standing.ON_NOTE, "Set-up and education is billed once per episode.")
    needed = fewest_device_days(episode.family)
    days = len([d for d in episode.data_days if d >= episode.start])
    if days < needed:
        return RtmSetup(
            Standing.OPEN,
            f"Waits for {needed} days of data ({days} so far).",
        )
    line = RtmLine(SETUP_CODE, 1, episode.start)
    return RtmSetup(
        Standing.BILLABLE, "Once per episode, dated the enrolment's first day.", (line,)
    )


def _periods(episode: RtmEpisode, last: dt.date, as_of: dt.date) -> Iterable[RtmPeriod]:
    number, start = 1, episode.start
    while start <= last:
        full_end = start + dt.timedelta(days=PERIOD_DAYS - 1)
        end = full_end if episode.end is None else min(full_end, episode.end)
        days = sum(1 for d in episode.data_days if start <= d <= end)
        yield _period(episode, number, start, end, days, as_of)
        number, start = number + 1, full_end + dt.timedelta(days=1)


def _period(
    episode: RtmEpisode, number: int, start: dt.date, end: dt.date, days: int, as_of: dt.date
) -> RtmPeriod:
    device_codes = {t.code for t in device_supply_tiers()}
    billed = [
        b for b in episode.billed if b.code in device_codes and start <= b.date_of_service <= end
    ]
    code = device_supply_code(episode.family, days)
    if billed:
        why = f"{billed[0].code} is on a note dated {billed[0].date_of_service.isoformat()}."
        return RtmPeriod(number, start, end, days, Standing.ON_NOTE, why)
    if as_of <= end:
        tier = f"{code} so far" if code else "no device-supply code so far"
        return RtmPeriod(
            number, start, end, days, Standing.OPEN, f"Runs to {end.isoformat()}; {tier}."
        )
    if code is None:
        why = (
            f"{days} day{'s' if days != 1 else ''} of data: no device-supply code covers fewer "
            f"than {fewest_device_days(episode.family)}."
        )
        return RtmPeriod(number, start, end, days, Standing.NOT_BILLABLE, why)
    line = RtmLine(code, 1, end, device_days=days)
    return RtmPeriod(number, start, end, days, Standing.BILLABLE, f"{days} days of data.", (line,))


def _month_end(first: dt.date) -> dt.date:
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def _months(episode: RtmEpisode, last: dt.date, as_of: dt.date) -> Iterable[RtmMonth]:
    first = episode.start.replace(day=1)
    while first <= last:
        month_end = _month_end(first)
        end = month_end if episode.end is None else min(month_end, episode.end)
        entries = [t for t in episode.time if max(first, episode.start) <= t.day <= end]
        yield _month(episode, first, end, entries, as_of)
        first = month_end + dt.timedelta(days=1)


def management_lines(minutes: int, day: dt.date) -> tuple[RtmLine, ...]:
    """The management codes `minutes` in a month support (with an interactive contact)."""
    ten, twenty, further = _floor(TEN_MINUTE_CODE), _floor(TWENTY_MINUTE_CODE), _floor(ADD_ON_CODE)
    if minutes < ten:
        return ()
    if minutes < twenty:
        return (RtmLine(TEN_MINUTE_CODE, 1, day, minutes=minutes),)
    extra = minutes - twenty
    units = extra // further
    if not units:
        return (RtmLine(TWENTY_MINUTE_CODE, 1, day, minutes=minutes),)
    return (
        RtmLine(TWENTY_MINUTE_CODE, 1, day, minutes=twenty),
        RtmLine(ADD_ON_CODE, units, day, minutes=extra),
    )


def _month(
    episode: RtmEpisode, first: dt.date, end: dt.date, entries: list[RtmTime], as_of: dt.date
) -> RtmMonth:
    minutes = sum(t.minutes for t in entries)
    interactive = sum(1 for t in entries if t.interactive)
    billed = [
        b
        for b in episode.billed
        if b.code in MANAGEMENT_CODES and first <= b.date_of_service <= end
    ]
    label = first.strftime("%B %Y")

    def month(standing: Standing, why: str, lines: tuple[RtmLine, ...] = ()) -> RtmMonth:
        return RtmMonth(first, minutes, interactive, standing, why, lines)

    if billed:
        codes = ", ".join(sorted({b.code for b in billed}))
        return month(Standing.ON_NOTE, f"{codes} on a note for {label}.")
    lines = management_lines(minutes, end)
    if not entries:
        standing = Standing.OPEN if as_of <= end else Standing.NOT_BILLABLE
        return month(standing, f"No management minutes recorded in {label}.")
    if not interactive:
        standing = Standing.OPEN if as_of <= end else Standing.NOT_BILLABLE
        return month(standing, f"No live interactive communication with the patient in {label}.")
    if not lines:
        standing = Standing.OPEN if as_of <= end else Standing.NOT_BILLABLE
        floor = _floor(TEN_MINUTE_CODE)
        return month(standing, f"{minutes} minutes of management: {floor} are needed.")
    codes = " + ".join(
        f"{line.code}×{line.units}" if line.units > 1 else line.code for line in lines
    )
    if as_of <= end:
        return month(Standing.OPEN, f"Runs to {end.isoformat()}; {codes} so far.")
    return month(Standing.BILLABLE, f"{minutes} minutes with a live contact.", lines)

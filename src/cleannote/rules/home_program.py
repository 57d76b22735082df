"""Home exercise programs as plain values: what changed between two revisions, how many
sessions a program asks for, and how many the patient did (ADR 0970).

Pure: the shell passes the revisions, the logged days and today, so the same arithmetic serves
the chart, the note editor's suggestion, the plan of care page and the portal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class Per(StrEnum):
    DAY = "day"
    WEEK = "week"


@dataclass(frozen=True, slots=True)
class Dose:
    """One exercise of a program and how much of it: the line the patient reads."""

    exercise_id: int
    name: str
    sets: int
    reps: int
    load: str = ""
    hold_seconds: int | None = None
    times: int = 1
    per: Per = Per.DAY
    progression: str = ""

    @property
    def sessions_a_week(self) -> int:
        return self.times * 7 if self.per == Per.DAY else self.times

    def text(self) -> str:
        """`3 × 10, 2 kg, hold 5 s, 2 a day`: the dose in one line."""
        parts = [f"{self.sets} × {self.reps}"]
        if self.load:
            parts.append(self.load)
        if self.hold_seconds:
            parts.append(f"hold {self.hold_seconds} s")
        parts.append(f"{self.times} a {self.per.value}")
        return ", ".join(parts)


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    name: str
    before: str = ""  # the old dose's text (removed, changed)
    after: str = ""  # the new dose's text (added, changed)


def _dose_key(d: Dose) -> tuple[object, ...]:
    return (d.sets, d.reps, d.load, d.hold_seconds, d.times, d.per, d.progression)


def changes(before: Sequence[Dose], after: Sequence[Dose]) -> list[Change]:
    """What a new revision changed, in the new revision's order then the removed ones: an
    exercise added, one removed, or its dose (sets, reps, load, hold, frequency, progression)
    changed. An empty list: the revision repeats the one before it."""
    old = {d.exercise_id: d for d in before}
    new_ids = {d.exercise_id for d in after}
    found: list[Change] = []
    for d in after:
        was = old.get(d.exercise_id)
        if was is None:
            found.append(Change(ChangeKind.ADDED, d.name, after=d.text()))
        elif _dose_key(was) != _dose_key(d):
            found.append(Change(ChangeKind.CHANGED, d.name, before=was.text(), after=d.text()))
    found += [
        Change(ChangeKind.REMOVED, d.name, before=d.text())
        for d in before
        if d.exercise_id not in new_ids
    ]
    return found


@dataclass(frozen=True, slots=True)
class Revision:
    """A revision as adherence needs it: from when, and how many sessions a week it asks."""

    starts_on: dt.date
    sessions_a_week: int


def sessions_a_week(doses: Iterable[Dose]) -> int:
    """A session is one sitting of the program; the most frequent exercise sets how many a
    week the program asks for (a stretch twice a day means fourteen sittings)."""
    return max((d.sessions_a_week for d in doses), default=0)


@dataclass(frozen=True, slots=True)
class Adherence:
    first: dt.date
    last: dt.date
    done: int
    prescribed: int

    @property
    def percent(self) -> int | None:
        if self.prescribed <= 0:
            return None
        return int((Decimal(100 * self.done) / self.prescribed).to_integral_value(ROUND_HALF_UP))

    def text(self) -> str:
        """`5 of 7 (71%)`."""
        if self.prescribed <= 0:
            return f"{self.done} logged, none prescribed"
        return f"{self.done} of {self.prescribed} ({self.percent}%)"


def adherence(
    revisions: Sequence[Revision], session_days: Iterable[dt.date], first: dt.date, last: dt.date
) -> Adherence:
    """Sessions done over sessions prescribed from `first` to `last`, both included.

    Each day asks for a seventh of the weekly sessions of the revision in force that day (the
    newest one started on or before it); days before the first revision ask for none. The total
    is rounded half up to whole sessions. `session_days` holds one date per session the patient
    logged as done (a day may appear twice)."""
    ordered = sorted(revisions, key=lambda r: r.starts_on)
    asked = Decimal(0)
    day = first
    while day <= last:
        weekly = 0
        for r in ordered:
            if r.starts_on <= day:
                weekly = r.sessions_a_week
            else:
                break
        asked += Decimal(weekly) / 7
        day += dt.timedelta(days=1)
    done = sum(1 for d in session_days if first <= d <= last)
    prescribed = int(asked.to_integral_value(ROUND_HALF_UP))
    return Adherence(first, last, done, prescribed)


def recent(
    revisions: Sequence[Revision], session_days: Sequence[dt.date], today: dt.date, days: int
) -> Adherence:
    """The last `days` days up to today."""
    return adherence(revisions, session_days, today - dt.timedelta(days=days - 1), today)


def suggestion(week: Adherence, month: Adherence, pains: Sequence[int], hardest: str | None) -> str:
    """The sentence the note editor offers for the subjective section: the therapist inserts
    it or not; nothing writes it into the note by itself."""
    parts = [
        f"Home exercise program: {week.done} of {week.prescribed} prescribed sessions logged "
        f"in the last 7 days, {month.done} of {month.prescribed} in the last 28."
    ]
    if pains:
        average = (Decimal(sum(pains)) / len(pains)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        parts.append(f"Pain during the exercises averaged {average.normalize():f}/10.")
    if hardest:
        parts.append(f"Most sessions felt {hardest}.")
    return " ".join(parts)

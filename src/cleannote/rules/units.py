"""Timed-code units: how documented minutes become billed units, and when an assistant shows.

Two methods exist because payers disagree. Medicare pools every timed minute of the day and
reads the total units off the 8-minute table (100-04 Ch.5 §20.2; BPM 100-02 Ch.15 §220.3);
many commercial payers follow the CPT "substantial portion" midpoint and judge each code on
its own. docs/decisions/0002-unit-methods.md records which one is the default and why.

Untimed codes never reach these functions: the caller filters with
`cleannote.rules.catalog.is_timed` and bills each untimed code as one unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cleannote.rules.errors import RulesError
from cleannote.rules.visit import UnitMethod

UNIT_MINUTES = 15
# A unit is earned past the 7.5-minute midpoint of a 15-minute block, i.e. at 8 minutes.
MIDPOINT_MINUTES = 8


class MinutesError(RulesError):
    """Minutes that cannot describe a real block of care (negative, or more assistant
    minutes than the service had)."""


@dataclass(frozen=True, slots=True)
class TimedEntry:
    code: str
    minutes: int


def _check_minutes(minutes: int, where: str) -> None:
    if minutes < 0:
        raise MinutesError(f"{where}: minutes must be 0 or more, got {minutes}")


def cms_total_units(total_minutes: int) -> int:
    """Units the day's pooled timed minutes support: 8-22 = 1, 23-37 = 2, ...; under 8 = 0."""
    _check_minutes(total_minutes, "total timed minutes")
    if total_minutes < MIDPOINT_MINUTES:
        return 0
    return (total_minutes + UNIT_MINUTES - MIDPOINT_MINUTES) // UNIT_MINUTES


def per_code_units(minutes: int) -> int:
    """Units one code earns alone under the CPT midpoint rule (minutes are never pooled)."""
    _check_minutes(minutes, "timed minutes")
    if minutes < MIDPOINT_MINUTES:
        return 0
    return (minutes + UNIT_MINUTES - MIDPOINT_MINUTES) // UNIT_MINUTES


def assign_units(entries: Sequence[TimedEntry], method: UnitMethod) -> tuple[int, ...]:
    """Units per timed entry, in the order given.

    CMS method: the day's total comes from the pooled minutes; each entry first takes its
    whole 15-minute blocks, then the units still owed go one each to the entries with the
    largest leftover minutes. Ties go to the entry with more minutes in all, then to the
    earlier entry, so the answer never depends on anything but the note. Because whole
    blocks are handed out first, a code done for 15 minutes or more always keeps at least
    one unit: the day's units can never all land on one code when another code earned one.
    """
    return units_for_minutes(
        [entry.code for entry in entries], [entry.minutes for entry in entries], method
    )


def units_for_minutes(
    codes: Sequence[str], minutes: Sequence[int], method: UnitMethod
) -> tuple[int, ...]:
    """`assign_units` over parallel lists of codes and minutes, for callers (the scrubber)
    that hold them already and need not build a `TimedEntry` per service."""
    if len(codes) != len(minutes) or (minutes and min(minutes) < 0):
        for code, count in zip(codes, minutes, strict=True):  # raises for the first bad one
            if count < 0:
                _check_minutes(count, f"code {code}")
    if method is _PER_CODE:
        return tuple(
            0 if count < MIDPOINT_MINUTES else (count + _ROUND_UP) // UNIT_MINUTES
            for count in minutes
        )
    return _cms_units(minutes)


_PER_CODE = UnitMethod.PER_CODE
_ROUND_UP = UNIT_MINUTES - MIDPOINT_MINUTES


def _cms_units(minutes: Sequence[int]) -> tuple[int, ...]:
    total = sum(minutes)
    units = [count // UNIT_MINUTES for count in minutes]
    owed = (0 if total < MIDPOINT_MINUTES else (total + _ROUND_UP) // UNIT_MINUTES) - sum(units)
    if owed:
        # Leftover minutes of each entry are under 15, so owed never exceeds the number of
        # entries with a leftover: each gets at most one extra unit.
        order = sorted(
            range(len(minutes)),
            key=lambda i: (
                -(minutes[i] % UNIT_MINUTES),
                -minutes[i],
                i,
            ),
        )
        for i in order[:owed]:
            units[i] += 1
    return tuple(units)


def assistant_modifier_needed(minutes: int, assistant_minutes: int) -> bool:
    """Whether a PTA/OTA took part "in part": more than 10% of the service's minutes.

    This is CMS's de minimis standard for CQ/CO (rules-facts §3). CMS applies it per
    15-minute unit; a claim line here carries all of a code's units, so the test runs on the
    line's minutes (docs/decisions/0002-unit-methods.md explains the consequence).
    """
    _check_minutes(minutes, "service minutes")
    _check_minutes(assistant_minutes, "assistant minutes")
    if assistant_minutes > minutes:
        raise MinutesError(
            f"assistant minutes {assistant_minutes} exceed the service's {minutes} minutes"
        )
    return assistant_minutes * 10 > minutes

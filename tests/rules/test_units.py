"""Units from minutes, checked against CMS's own worked examples under both methods."""

from __future__ import annotations

import itertools
import math

import pytest

from cleannote.rules.errors import RulesError
from cleannote.rules.units import (
    TimedEntry,
    assign_units,
    assistant_modifier_needed,
    cms_total_units,
)
from cleannote.rules.visit import UnitMethod

CMS_TABLE = [
    (0, 0),
    (7, 0),
    (8, 1),
    (22, 1),
    (23, 2),
    (37, 2),
    (38, 3),
    (52, 3),
    (53, 4),
    (67, 4),
    (68, 5),
    (82, 5),
    (83, 6),
    (97, 6),
    (98, 7),
    (112, 7),
    (113, 8),
    (127, 8),
    (128, 9),
    (480, 32),
]


@pytest.mark.parametrize(("minutes", "units"), CMS_TABLE, ids=[f"{m}min" for m, _ in CMS_TABLE])
def test_cms_total_units_follows_the_eight_minute_table(minutes: int, units: int) -> None:
    # given the day's pooled timed minutes / when / then
    assert cms_total_units(minutes) == units


# (case id, [(code, minutes)], CMS units, per-code units)
EXAMPLES = [
    ("cms-ex1-24-23", [("97112", 24), ("97110", 23)], (2, 1), (2, 2)),
    ("cms-ex3-33-7", [("97110", 33), ("97140", 7)], (2, 1), (2, 0)),
    (
        "cms-ex4-18-13-10-8",
        [("97110", 18), ("97140", 13), ("97116", 10), ("97035", 8)],
        (1, 1, 1, 0),
        (1, 1, 1, 1),
    ),
    ("cms-ex2-20-20", [("97110", 20), ("97140", 20)], (2, 1), (1, 1)),
    ("cms-ex5-7-7-7", [("97112", 7), ("97110", 7), ("97140", 7)], (1, 0, 0), (0, 0, 0)),
    ("alone-7", [("97110", 7)], (0,), (0,)),
    ("alone-8", [("97110", 8)], (1,), (1,)),
    ("alone-22", [("97110", 22)], (1,), (1,)),
    ("alone-23", [("97110", 23)], (2,), (2,)),
    ("alone-0", [("97110", 0)], (0,), (0,)),
    ("no-entries", [], (), ()),
    ("zero-beside-timed", [("97110", 30), ("97140", 0)], (2, 0), (2, 0)),
    ("large-total", [("97110", 120), ("97530", 61), ("97140", 4)], (8, 4, 0), (8, 4, 0)),
    ("10-10-pooled", [("97110", 10), ("97140", 10)], (1, 0), (1, 1)),
    ("tie-more-minutes-wins", [("97110", 5), ("97140", 20)], (0, 2), (0, 1)),
]


@pytest.mark.parametrize(
    ("entries", "cms", "per_code"),
    [(e, c, p) for _, e, c, p in EXAMPLES],
    ids=[case for case, *_ in EXAMPLES],
)
def test_assign_units_matches_worked_examples(
    entries: list[tuple[str, int]], cms: tuple[int, ...], per_code: tuple[int, ...]
) -> None:
    # given
    timed = [TimedEntry(code, minutes) for code, minutes in entries]
    # when
    cms_units = assign_units(timed, UnitMethod.CMS)
    per_code_units = assign_units(timed, UnitMethod.PER_CODE)
    # then
    assert cms_units == cms
    assert per_code_units == per_code


def test_cms_never_puts_all_units_on_one_code_when_another_reached_fifteen_minutes() -> None:
    # given every pair and triple of blocks from 0 to 50 minutes (step 1 for pairs)
    pairs = itertools.product(range(51), repeat=2)
    triples = itertools.product(range(0, 51, 3), repeat=3)
    for minutes in itertools.chain(pairs, triples):
        entries = [TimedEntry(f"9711{i}", m) for i, m in enumerate(minutes)]
        # when
        units = assign_units(entries, UnitMethod.CMS)
        # then the day's total matches the table, each block of 15+ minutes keeps a unit,
        # and no code gets more than its minutes round up to
        assert sum(units) == cms_total_units(sum(minutes)), minutes
        for m, u in zip(minutes, units, strict=True):
            assert u <= math.ceil(m / 15), minutes
            if m >= 15:
                assert u >= 1, minutes
            if m >= 30:
                assert u >= 2, minutes


def test_negative_minutes_name_the_code() -> None:
    # given / when / then
    with pytest.raises(RulesError, match=r"code 97110.*-3"):
        assign_units([TimedEntry("97110", -3)], UnitMethod.CMS)


ASSISTANT = [
    ("3-of-12", 12, 3, True),
    ("1-of-15", 15, 1, False),
    ("exactly-10pct", 20, 2, False),
    ("just-over-10pct", 20, 3, True),
    ("all-assistant", 30, 30, True),
    ("none", 30, 0, False),
    ("zero-minutes", 0, 0, False),
]


@pytest.mark.parametrize(
    ("minutes", "assistant", "needed"),
    [(m, a, n) for _, m, a, n in ASSISTANT],
    ids=[case for case, *_ in ASSISTANT],
)
def test_assistant_modifier_needed_above_ten_percent(
    minutes: int, assistant: int, needed: bool
) -> None:
    # given / when / then
    assert assistant_modifier_needed(minutes, assistant) is needed


def test_assistant_minutes_above_service_minutes_are_refused() -> None:
    with pytest.raises(RulesError, match="assistant minutes 20"):
        assistant_modifier_needed(15, 20)

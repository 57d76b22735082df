"""The benchmark generator documents like a careful clinic, except where it means not to.

Careful visits must scrub without an error or a warning; each deliberately flawed visit must
raise exactly the rule its flaw names, and nothing else that is loud.
"""

from __future__ import annotations

from collections import Counter

import pytest
from benchmarks.visit_generator import FLAW_RATE, FLAWS, generate_cases

from cleannote.rules.findings import Severity
from cleannote.rules.ncci import bundled_mue, bundled_ptp
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit_format import parse_visit

SAMPLE = 600


@pytest.fixture(scope="module")
def outcomes() -> list[tuple[str | None, list[str]]]:
    """(flaw, rule ids of error and warning findings) for each generated visit."""
    ptp, mue = bundled_ptp(), bundled_mue()
    found = []
    for visit, flaw in generate_cases(SAMPLE, seed=11):
        result = scrub(parse_visit(visit), ptp, mue)
        loud = sorted(f.rule for f in result.findings if f.severity is not Severity.INFO)
        found.append((flaw, loud))
    return found


def test_careful_visits_scrub_without_errors_or_warnings(
    outcomes: list[tuple[str | None, list[str]]],
) -> None:
    # then
    noisy = Counter(rule for flaw, loud in outcomes if flaw is None for rule in loud)
    assert noisy == Counter()


@pytest.mark.parametrize("flaw", sorted(FLAWS))
def test_each_flaw_raises_its_rule_and_nothing_else(
    outcomes: list[tuple[str | None, list[str]]], flaw: str
) -> None:
    # given
    flawed = [loud for carried, loud in outcomes if carried == flaw]
    # then
    assert flawed, f"no visit in the sample carries {flaw}"
    assert all(loud == [FLAWS[flaw]] for loud in flawed)


def test_flawed_visits_stay_near_the_documented_rate(
    outcomes: list[tuple[str | None, list[str]]],
) -> None:
    # when
    share = sum(flaw is not None for flaw, _ in outcomes) / len(outcomes)
    # then: binomial spread for 600 visits at 15% is about 1.5 points
    assert abs(share - FLAW_RATE) < 0.05

"""The claim-format counts a visit can pass only by size (rules/claim_format_limits.py, ADR
0350): `format.line-count` (an 837P claim holds 50 service lines, 2400 LX01) and `format.units`
(a line bills 1 to 999 units, SV104). Each with the visit that trips it and the near miss one
step short, from the clean factory visit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cleannote.rules.claim_format_limits import limit_of
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import Visit
from tests.rules.scrub.factories import findings_of, service, visit


def _lines(count: int) -> Visit:
    """`count` timed services of 16 stamped minutes each: one claim line per service."""
    return visit(*[service("97110") for _ in range(count)])


def _minutes(minutes: int) -> Visit:
    """One 97110 with `minutes` entered (no start and stop): CMS units, 8 minutes or more of a
    last 15 making one more."""
    return visit(service("97110", start=None, end=None, minutes=minutes))


CASES: list[tuple[str, Callable[[], Visit], int, int | None, str]] = [
    # (rule, visit, claim lines, units on the first line or None, expected message or "")
    ("format.line-count", lambda: _lines(51), 51, None,
     "The claim would have 51 service lines; an 837P claim holds 50."),
    ("format.line-count", lambda: _lines(50), 50, None, ""),  # near miss: exactly 50
    ("format.units", lambda: _minutes(14_993), 1, 1_000,
     "97110 bills 1000 units; a line carries 1 to 999."),  # 999 x 15 + 8 minutes
    ("format.units", lambda: _minutes(14_992), 1, 999, ""),  # near miss: 999 x 15 + 7
    ("format.units", lambda: _minutes(8), 1, 1, ""),  # near miss: the least that bills a unit
]  # fmt: skip


def test_the_limits_are_the_tables() -> None:
    assert limit_of("format.line-count") == 50
    assert limit_of("format.units") == 999


@pytest.mark.parametrize(
    ("rule", "make", "lines", "units", "message"),
    CASES,
    ids=[f"{c[0]}-{'trips' if c[4] else 'near-miss'}-{i}" for i, c in enumerate(CASES)],
)
def test_claim_format_count(
    rule: str, make: Callable[[], Visit], lines: int, units: int | None, message: str
) -> None:
    # when
    result = scrub(make())
    # then
    assert len(result.lines) == lines
    if units is not None:
        assert result.lines[0].units == units
    found: list[Any] = findings_of(result, rule)
    if message:
        assert [f.message for f in found] == [message]
        assert found[0].severity.value == "error"
        assert not result.clean
    else:
        assert found == []


def test_under_a_unit_the_service_makes_no_line_rather_than_a_zero_unit_line() -> None:
    # 7 minutes bill nothing under the CMS method: no line, so format.units never sees 0
    result = scrub(visit(service("97110", start=None, end=None, minutes=7)))
    assert result.lines == ()
    assert findings_of(result, "format.units") == []

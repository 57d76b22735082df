"""Coordination of benefits (ADR 0500): which coverages a visit bills, in which order, on its
date of service. A table of cases over unsaved rows: no database."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.apps.patients.coverage_order import claim_order, in_cob_order
from cleannote.apps.patients.models import Case, Coverage

DOS = dt.date(2026, 6, 15)


def _coverage(pk: int, priority: str, kind: str = "commercial", **dates) -> Coverage:
    return Coverage(
        pk=pk,
        priority=priority,
        kind=kind,
        payer_name=f"P{pk}",
        active_from=dates.get("start", dt.date(2026, 1, 1)),
        active_through=dates.get("end"),
    )


HEALTH_1 = _coverage(1, "primary")
HEALTH_2 = _coverage(2, "secondary")
HEALTH_3 = _coverage(3, "tertiary")
ENDED = _coverage(4, "primary", end=dt.date(2026, 5, 31))
LATER = _coverage(5, "primary", start=dt.date(2026, 7, 1))
PIP = _coverage(6, "secondary", "auto_pip")
WC = _coverage(7, "tertiary", "workers_comp")
PIP_ENDED = _coverage(8, "secondary", "auto_pip", end=dt.date(2026, 6, 1))


@pytest.mark.parametrize(
    ("rows", "case_coverage", "expected"),
    [
        pytest.param([HEALTH_2, HEALTH_1], None, [1, 2], id="primary-then-secondary"),
        pytest.param([HEALTH_3, HEALTH_1, HEALTH_2], 2, [1, 2, 3], id="health-case-follows-cob"),
        pytest.param([ENDED, HEALTH_2], None, [2], id="ended-primary-skipped"),
        pytest.param([LATER, HEALTH_2], None, [2], id="not-yet-started-skipped"),
        pytest.param([HEALTH_1, PIP], None, [1], id="unnamed-auto-carrier-never-bills"),
        pytest.param([HEALTH_1, PIP], 6, [6, 1], id="auto-case-bills-pip-first"),
        pytest.param([HEALTH_1, PIP_ENDED], 8, [1], id="exhausted-pip-leaves-health"),
        pytest.param([HEALTH_1, HEALTH_2, WC], 7, [7], id="workers-comp-pays-alone"),
        pytest.param([], None, [], id="self-pay"),
    ],
)
def test_claim_order(rows, case_coverage, expected):
    case = Case(coverage_id=case_coverage)
    assert [c.pk for c in claim_order(case, rows, DOS)] == expected


def test_newer_of_two_primaries_comes_first():
    # two primaries overlapping (before the chart refused it): the newer one is the primary
    older = _coverage(10, "primary", start=dt.date(2025, 1, 1))
    newer = _coverage(11, "primary", start=dt.date(2026, 3, 1))
    assert [c.pk for c in in_cob_order([older, newer], DOS)] == [11, 10]


def test_order_on_the_last_day_in_force_includes_the_coverage():
    last_day = _coverage(12, "primary", end=DOS)
    assert in_cob_order([last_day], DOS) == [last_day]

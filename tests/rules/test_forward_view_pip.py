"""The PIP/MedPay flag counts what the carrier has drawn (posted payments, and the charge of
each claim it has not answered) against the limit (ADR 0770): worked examples as a table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.forward_view import (
    BookedVisit,
    CaseFacts,
    FlagKind,
    PatientFacts,
    forward_flags,
)
from cleannote.rules.visit import Discipline

MONDAY = dt.date(2026, 3, 2)

# (label, limit, drawn, expected per visit, visits booked, flagged visit, severity, message)
CASES = [
    (
        "9600 paid of 10000: the next 450 visit passes it",
        "10000",
        "9600",
        "450",
        3,
        0,
        Severity.WARNING,
        "$400.00 left of the $10,000.00",
    ),
    (
        "9500 paid: the first visit fits, the second passes",
        "10000",
        "9500",
        "450",
        3,
        1,
        Severity.WARNING,
        "$50.00 left of the $10,000.00",
    ),
    (
        "9550 paid: a visit that lands exactly on the limit fits",
        "10000",
        "9550",
        "450",
        2,
        1,
        Severity.ERROR,
        "$0.00 left",
    ),
    (
        "nothing left at all: an error on the first visit",
        "10000",
        "10000",
        "450",
        2,
        0,
        Severity.ERROR,
        "$0.00 left",
    ),
    (
        "paid past the limit (an overpayment) counts as nothing left",
        "10000",
        "10250",
        "450",
        1,
        0,
        Severity.ERROR,
        "$0.00 left",
    ),
    ("far from the limit: no flag", "10000", "2000", "450", 5, None, None, ""),
]


@pytest.mark.parametrize(
    ("limit", "drawn", "per_visit", "booked", "flagged", "severity", "message"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_the_visit_that_exhausts_the_limit(
    limit: str,
    drawn: str,
    per_visit: str,
    booked: int,
    flagged: int | None,
    severity: Severity | None,
    message: str,
) -> None:
    case = CaseFacts(
        "auto",
        Discipline.PT,
        charge_per_visit=Decimal(per_visit),
        pip_limit=Decimal(limit),
        pip_used=Decimal(drawn),
    )
    visits = [
        BookedVisit(f"v{n}", "auto", MONDAY + dt.timedelta(days=2 * n)) for n in range(booked)
    ]
    flags = forward_flags(PatientFacts((case,), 2026), visits)
    if flagged is None:
        assert flags == {}
        return
    assert list(flags) == [f"v{flagged}"]
    (flag,) = flags[f"v{flagged}"]
    assert flag.kind is FlagKind.PIP_LIMIT
    assert flag.severity is severity
    assert message in flag.message

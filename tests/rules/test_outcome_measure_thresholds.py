"""Each instrument's change threshold pinned to its published figure and source (ADR 0540),
checked against the literature in ADR 0393: a figure changed in the data row fails here with
the instrument's name, so a correction is a deliberate one with its source."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cleannote.rules.outcome_measures import all_instruments, instrument

# (instrument, kind, points, baseline low-high or None, first author of the source)
PUBLISHED = [
    ("LEFS", "MCID", "9", None, "Binkley"),  # Binkley 1999: MCID 9 of 80
    ("PSFS", "MCID", "2", None, "Horn"),  # Horn 2012 review: mean score 2 points
    ("DHI", "MCID", "18", None, "Jacobson"),  # Jacobson & Newman 1990: 18 of 100
    ("TUG", "MCID", "0.8", None, "Wright"),  # Wright 2011, hip OA: 0.8 s
    ("30CST", "MCID", "2", None, "Wright"),  # Wright 2011, hip OA: 2 stands
    ("GAIT", "MCID", "0.10", None, "Perera"),  # Perera 2006: substantial change 0.10 m/s
    ("ODI", "MCID", "10", None, "Ostelo"),  # Ostelo 2008: 10 of 100
    # Berg Balance Scale: no MCID in general use; the MDC by baseline (Donoghue & Stokes 2009)
    ("BBS", "MDC", "4", ("45", "56"), "Donoghue"),
    ("BBS", "MDC", "5", ("35", "44"), "Donoghue"),
    ("BBS", "MDC", "7", ("25", "34"), "Donoghue"),
    ("BBS", "MDC", "5", ("0", "24"), "Donoghue"),
]


@pytest.mark.parametrize(
    ("code", "kind", "points", "baseline", "author"),
    PUBLISHED,
    ids=[f"{p[0]}-{p[2]}" for p in PUBLISHED],
)
def test_each_threshold_is_the_published_one(code, kind, points, baseline, author) -> None:
    found = instrument(code)
    matches = [
        t
        for t in found.thresholds
        if baseline is None
        or (t.baseline_low, t.baseline_high) == (Decimal(baseline[0]), Decimal(baseline[1]))
    ]
    assert len(matches) == 1, code
    (threshold,) = matches
    assert (threshold.kind, threshold.points) == (kind, Decimal(points)), code
    assert threshold.source.startswith(author), threshold.source


def test_every_instrument_with_a_threshold_is_pinned_and_the_licensed_rest_have_none() -> None:
    pinned = {row[0] for row in PUBLISHED}
    with_threshold = {i.code for i in all_instruments() if i.thresholds}
    assert with_threshold == pinned
    assert {len(instrument(code).thresholds) for code in pinned - {"BBS"}} == {1}
    assert len(instrument("BBS").thresholds) == 4

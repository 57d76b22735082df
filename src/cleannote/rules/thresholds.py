"""Medicare's per-beneficiary therapy thresholds: the KX amount and targeted medical review.

The amounts change every calendar year, so they are data (data/thresholds.json, each year with
its source and confidence), never constants. A year with no row is refused rather than guessed:
billing KX against last year's amount would attest to the wrong figure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Literal

from cleannote.rules.errors import RulesError
from cleannote.rules.visit import Discipline

ThresholdKind = Literal["kx", "targeted_review"]


class ThresholdYearError(RulesError):
    def __init__(self, kind: str, year: int) -> None:
        super().__init__(f"no {kind} threshold on file for year {year} (data/thresholds.json)")
        self.year = year


class TherapyBucket(StrEnum):
    """Medicare counts PT and SLP together and OT apart; each bucket has the full amount."""

    PT_SLP = "pt_slp"
    OT = "ot"


_BUCKET_OF_DISCIPLINE: dict[Discipline, TherapyBucket] = {
    Discipline.PT: TherapyBucket.PT_SLP,
    Discipline.SLP: TherapyBucket.PT_SLP,
    Discipline.OT: TherapyBucket.OT,
}


def bucket_for(discipline: Discipline) -> TherapyBucket | None:
    """The bucket a discipline's services count against; None for chiropractic and massage."""
    return _BUCKET_OF_DISCIPLINE.get(discipline)


@dataclass(frozen=True, slots=True)
class ThresholdRow:
    first_year: int
    last_year: int
    amount: Decimal
    source: str
    confidence: str


@cache
def _table() -> dict[ThresholdKind, tuple[ThresholdRow, ...]]:
    raw = json.loads(
        resources.files("cleannote.rules.data").joinpath("thresholds.json").read_text("utf-8")
    )
    return {
        "kx": tuple(
            ThresholdRow(r["year"], r["year"], Decimal(r["amount"]), r["source"], r["confidence"])
            for r in raw["kx"]
        ),
        "targeted_review": tuple(
            ThresholdRow(
                r["first_year"],
                r["last_year"],
                Decimal(r["amount"]),
                r["source"],
                r["confidence"],
            )
            for r in raw["targeted_review"]
        ),
    }


def find_threshold_row(kind: ThresholdKind, year: int) -> ThresholdRow | None:
    """The row in force for `kind` in `year`, or None: for callers that can carry on without
    the amount (the modifier engine skips KX and the scrubber says so) rather than stop a batch.
    """
    return _by_year(kind).get(year)


def threshold_row(kind: ThresholdKind, year: int) -> ThresholdRow:
    """The row in force for `kind` ("kx" or "targeted_review") in `year`, with its source."""
    row = _by_year(kind).get(year)
    if row is None:
        raise ThresholdYearError(kind.replace("_", " "), year)
    return row


@cache
def _by_year(kind: ThresholdKind) -> dict[int, ThresholdRow]:
    """Each year's row, spread out once: every Medicare visit asks, so no scan per visit."""
    return {
        year: row
        for row in reversed(_table()[kind])  # the first row listed wins an overlap, as before
        for year in range(row.first_year, row.last_year + 1)
    }


def kx_threshold(year: int) -> Decimal:
    """Per-bucket amount above which a Medicare therapy line needs KX."""
    return threshold_row("kx", year).amount


def targeted_review_threshold(year: int) -> Decimal:
    """Per-bucket amount above which claims may be picked for targeted medical review."""
    return threshold_row("targeted_review", year).amount

"""KX and targeted-review thresholds by year, and which bucket a discipline counts against."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cleannote.rules.errors import RulesError
from cleannote.rules.thresholds import (
    TherapyBucket,
    bucket_for,
    kx_threshold,
    targeted_review_threshold,
    threshold_row,
)
from cleannote.rules.visit import Discipline

KX = [(2022, "2150"), (2023, "2230"), (2024, "2330"), (2025, "2410"), (2026, "2480")]


@pytest.mark.parametrize(("year", "amount"), KX, ids=[str(y) for y, _ in KX])
def test_kx_threshold_by_year(year: int, amount: str) -> None:
    # given / when / then
    assert kx_threshold(year) == Decimal(amount)
    assert targeted_review_threshold(year) == Decimal("3000")


@pytest.mark.parametrize("year", [2021, 2027], ids=["before-data", "after-data"])
def test_kx_threshold_refuses_a_year_without_data(year: int) -> None:
    with pytest.raises(RulesError, match=str(year)):
        kx_threshold(year)


def test_every_threshold_row_names_its_source() -> None:
    for year, _ in KX:
        row = threshold_row("kx", year)
        assert row.source
        assert row.confidence in {"H", "M", "L"}


BUCKETS = [
    (Discipline.PT, TherapyBucket.PT_SLP),
    (Discipline.SLP, TherapyBucket.PT_SLP),
    (Discipline.OT, TherapyBucket.OT),
    (Discipline.CHIRO, None),
    (Discipline.MASSAGE, None),
]


@pytest.mark.parametrize(("discipline", "bucket"), BUCKETS, ids=[d.value for d, _ in BUCKETS])
def test_bucket_for_discipline(discipline: Discipline, bucket: TherapyBucket | None) -> None:
    assert bucket_for(discipline) is bucket

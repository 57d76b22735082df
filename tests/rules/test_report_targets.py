"""A clinic's report targets as typed on the targets page (ADR 0802): what is kept, what is
refused and how the refusal names the figure, and how the clinic's and a location's values lay
over the defaults."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cleannote.rules.reporting import (
    DEFAULT_TARGETS,
    TargetError,
    parse_target,
    targets_with,
)

# (figure, typed, kept) : kept None = blank, back to the default
KEPT = [
    ("visits_per_day", "12", Decimal("12")),
    ("visits_per_day", " 12.00 ", Decimal("12")),
    ("units_per_visit", "3.75", Decimal("3.75")),
    ("units_per_visit", "4.50", Decimal("4.5")),
    ("cancellation_rate", "8%", Decimal("8")),
    ("net_collection_rate", "97.5 %", Decimal("97.5")),
    ("days_in_ar", "35", Decimal("35")),
    ("days_in_ar", "1,2", Decimal("12")),  # a thousands comma is dropped
    ("unsigned_72h", "0", Decimal("0")),
    ("signed_within_24h", "100", Decimal("100")),
    ("visits_per_fte_week", "", None),
    ("no_show_rate", "   ", None),
]

# (figure, typed, the error's words): every refusal starts with the figure's label
REFUSED = [
    ("visits_per_day", "ten", "Visits per day: enter a number, e.g. 10"),
    ("visits_per_day", "-1", "Visits per day: must be from 0 to 60"),
    ("visits_per_day", "61", "Visits per day: must be from 0 to 60"),
    ("cancellation_rate", "101", "Cancellation rate: must be from 0 to 100%"),
    ("units_per_visit", "3.755", "Units per visit: at most 2 decimal places"),
    ("unsigned_72h", "1.5", "Unsigned after 72 h: must be a whole number"),
    ("days_in_ar", "NaN", "Days in A/R: enter a number, e.g. 40"),
    ("days_in_ar", "Infinity", "Days in A/R: enter a number, e.g. 40"),
    ("days_in_ar", "400", "Days in A/R: must be from 0 to 365"),
    ("units_per_visit", "3.5%", "Units per visit: enter a number, e.g. 3.5"),  # not a percent
]


@pytest.mark.parametrize(("key", "typed", "kept"), KEPT)
def test_a_target_typed_is_kept(key: str, typed: str, kept: Decimal | None) -> None:
    assert parse_target(key, typed) == kept


@pytest.mark.parametrize(("key", "typed", "words"), REFUSED)
def test_a_bad_target_is_refused_naming_the_figure(key: str, typed: str, words: str) -> None:
    with pytest.raises(TargetError) as refused:
        parse_target(key, typed)
    assert str(refused.value) == words
    assert refused.value.field == key


def test_the_location_s_value_wins_over_the_clinic_s_over_the_default() -> None:
    targets = targets_with(
        {"visits_per_day": Decimal("12"), "days_in_ar": Decimal("30")},
        {"visits_per_day": Decimal("9")},
    )
    assert targets["visits_per_day"].value == Decimal("9")
    assert targets["days_in_ar"].value == Decimal("30")
    assert targets["units_per_visit"] == DEFAULT_TARGETS["units_per_visit"]
    # the direction is the figure's, whatever the value
    assert targets["days_in_ar"].text == "at most 30"
    assert targets["days_in_ar"].missed_by(Decimal("31"))
    assert not targets["visits_per_day"].missed_by(9)


def test_every_target_is_a_figure_with_a_maximum() -> None:
    from cleannote.rules.reporting import FIGURES, TARGET_MAXIMUM

    assert set(DEFAULT_TARGETS) <= set(FIGURES)
    assert set(TARGET_MAXIMUM) == set(DEFAULT_TARGETS)
    for key, target in DEFAULT_TARGETS.items():
        assert parse_target(key, str(target.value)) == target.value

"""A rented unit's monthly line: RR, and for Medicare the month's modifier (ADR 0823)."""

from __future__ import annotations

import pytest

from cleannote.rules.dme_rentals import month_rows, rental_month
from cleannote.rules.modifiers import modifier


@pytest.mark.parametrize(
    ("_case", "code", "month", "medicare", "capped", "modifiers", "refused"),
    [
        ("commercial: RR alone, any month", "E0730", 7, False, None, ("RR",), False),
        ("Medicare TENS month 1", "E0730", 1, True, None, ("RR", "KH"), False),
        ("Medicare TENS month 2", "E0720", 2, True, None, ("RR", "KI"), False),
        ("Medicare TENS month 3: past the trial", "E0730", 3, True, None, (), True),
        ("Medicare heat pad month 3", "E0210", 3, True, None, ("RR", "KI"), False),
        ("Medicare heat pad month 4: not capped, no row", "E0210", 4, True, None, (), True),
        ("capped rental month 4", "E0210", 4, True, True, ("RR", "KJ"), False),
        ("capped rental month 15", "E0210", 15, True, True, ("RR", "KJ"), False),
        ("capped rental month 16: the cap", "E0210", 16, True, True, (), True),
    ],
)
def test_month_modifiers(
    _case: str, code: str, month: int, medicare: bool, capped: bool | None,
    modifiers: tuple[str, ...], refused: bool,
):  # fmt: skip
    line = rental_month(code, month, medicare=medicare, capped=capped)
    assert line.modifiers == modifiers
    assert bool(line.refused) is refused
    if medicare and not refused:
        assert line.source


def test_every_month_modifier_is_in_the_catalog_and_the_rows_do_not_overlap():
    rows = month_rows()
    months = [m for row in rows for m in range(row.first, row.last + 1)]
    assert months == list(range(1, 16))
    for row in rows:
        assert modifier(row.modifier).kind.value == "dme"
        assert row.source


def test_a_month_counts_from_one():
    with pytest.raises(ValueError, match="from 1"):
        rental_month("E0730", 0, medicare=True)

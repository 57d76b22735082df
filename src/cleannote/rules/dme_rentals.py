"""The modifiers of a rented unit's monthly line: RR always, and for Medicare the month's.

A clinic lends a patient a durable-equipment unit (a TENS, a heat pad) and bills each month of
the rental as a line with RR. Medicare also wants the month on the line: KH for the first, KI
for the second and third, KJ for months four to fifteen of a capped-rental item. Medicare pays
a TENS rental only for a trial of two months at most, so a third month is refused: the patient
buys the unit (NU) or returns it. Other payers get RR alone. The table is data with a source per
row (`data/dme_rentals.json`, ADR 0823); no code this clinic bills is known here as capped
rental, so KJ stays unused until a row with its source says one is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from cleannote.rules.supplies import DME_MODIFIERS, DmeMode

RENTAL = DME_MODIFIERS[DmeMode.RENTAL]


@dataclass(frozen=True, slots=True)
class MonthRow:
    first: int
    last: int
    modifier: str
    capped_only: bool
    source: str


@dataclass(frozen=True, slots=True)
class RentalMonth:
    """A month's line: its modifiers in claim order, or why it cannot be billed (`refused`),
    with the table row relied on."""

    modifiers: tuple[str, ...]
    refused: str = ""
    source: str = ""


@cache
def _table() -> tuple[tuple[MonthRow, ...], frozenset[str], dict[str, tuple[int, str]]]:
    raw = json.loads(
        resources.files("cleannote.rules.data").joinpath("dme_rentals.json").read_text("utf-8")
    )
    rows = tuple(
        MonthRow(e["from"], e["to"], e["modifier"], e["capped_only"], e["source"])
        for e in raw["month_modifiers"]
    )
    limits = {e["code"]: (e["months"], e["source"]) for e in raw["medicare_rental_months"]}
    return rows, frozenset(raw["capped_rental_codes"]), limits


def month_rows() -> tuple[MonthRow, ...]:
    return _table()[0]


def rental_month(
    code: str, month: int, *, medicare: bool, capped: bool | None = None
) -> RentalMonth:
    """The modifiers of month `month` (1 = the month the unit went out) of a rented `code`.
    `capped` overrides the table's capped-rental list (for a clinic's own row; tests)."""
    if month < 1:
        raise ValueError("a rental's months count from 1")
    if not medicare:
        return RentalMonth((RENTAL,))
    rows, capped_codes, limits = _table()
    limit = limits.get(code)
    if limit is not None and month > limit[0]:
        return RentalMonth(
            (),
            f"Medicare pays a {code} rental for {limit[0]} months at most; bill the purchase "
            "(NU) or take the unit back.",
            limit[1],
        )
    is_capped = code in capped_codes if capped is None else capped
    for row in rows:
        if row.first <= month <= row.last and (is_capped or not row.capped_only):
            return RentalMonth((RENTAL, row.modifier), source=row.source)
    return RentalMonth(
        (),
        f"Cleannote's table has no Medicare month modifier for month {month} of {code}"
        + (" (a capped rental ends after month 15)" if is_capped else " (not a capped-rental item)")
        + "; bill it by hand or take the unit back.",
    )

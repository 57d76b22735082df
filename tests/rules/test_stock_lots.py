"""First expiring, first out: which lots a dispense takes from (ADR 0822)."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.rules.stock_lots import LotStock, allocate, expiring, fefo, is_expired

TODAY = dt.date(2026, 12, 6)
OLD = LotStock(1, "L1", dt.date(2026, 12, 5), 4)  # expired yesterday
SOON = LotStock(2, "L2", dt.date(2026, 12, 20), 2)
LATER = LotStock(3, "L3", dt.date(2027, 6, 30), 5)
UNDATED = LotStock(4, "L4", None, 3)
LOOSE = LotStock(None, "", None, 1)  # received without a lot


@pytest.mark.parametrize(
    ("_case", "expires", "expired"),
    [
        ("no date never expires", None, False),
        ("good through today", TODAY, False),
        ("expired yesterday", TODAY - dt.timedelta(days=1), True),
        ("good through tomorrow", TODAY + dt.timedelta(days=1), False),
    ],
)
def test_a_lot_is_good_through_the_date_printed(_case: str, expires, expired: bool):
    assert is_expired(expires, TODAY) is expired


def test_fefo_orders_dated_lots_soonest_first_then_undated_then_loose():
    assert fefo([LOOSE, LATER, UNDATED, SOON, OLD]) == [OLD, SOON, LATER, UNDATED, LOOSE]


@pytest.mark.parametrize(
    ("_case", "quantity", "takes", "usable", "expired"),
    [
        ("one from the first to expire", 1, [("L2", 1)], 11, 4),
        ("spills into the next lot", 4, [("L2", 2), ("L3", 2)], 11, 4),
        ("through every usable lot", 11, [("L2", 2), ("L3", 5), ("L4", 3), ("", 1)], 11, 4),
        ("short: the expired lot is never taken", 12, [], 11, 4),
    ],
)
def test_allocate_takes_first_expiring_first(
    _case: str, quantity: int, takes: list, usable: int, expired: int
):
    plan = allocate([LOOSE, LATER, UNDATED, SOON, OLD], quantity, TODAY)
    assert [(s.number, n) for s, n in plan.takes] == takes
    assert (plan.usable, plan.expired, plan.short) == (usable, expired, not takes)


def test_empty_lots_are_skipped():
    empty = LotStock(5, "L5", dt.date(2026, 12, 7), 0)
    assert [s.number for s, _ in allocate([empty, LATER], 1, TODAY).takes] == ["L3"]


def test_expiring_lists_lots_within_30_days_and_the_expired():
    edge = LotStock(6, "L6", TODAY + dt.timedelta(days=30), 1)
    past = LotStock(7, "L7", TODAY + dt.timedelta(days=31), 1)
    gone = LotStock(8, "L8", dt.date(2026, 12, 1), 0)  # none left: not listed
    assert expiring([LATER, edge, past, SOON, OLD, gone, UNDATED], TODAY) == [OLD, SOON, edge]

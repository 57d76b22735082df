"""Which lots a dispense takes from: first expiring, first out (FEFO), never an expired lot.

Electrodes, tape and gels carry a lot number and an expiry date on the box. The inventory app
sums the stock of an item at a location per lot and asks this module which lots to take from;
stock received without a lot, and lots with no expiry date, go after every dated lot. A lot is
expired the day after its expiry date (the box is good through the date printed on it). The
day is the clinic's, given by the caller (ADR 0822).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

EXPIRING_WITHIN_DAYS = 30  # the "expiring soon" list beside low stock


@dataclass(frozen=True, slots=True)
class LotStock:
    """What an item has on the shelf at one location in one lot (`lot` None: no lot kept)."""

    lot: int | None
    number: str
    expires: dt.date | None
    on_hand: int


@dataclass(frozen=True, slots=True)
class Allocation:
    """The lots to take from, in order, with how many from each; `short` when the usable
    stock does not cover the quantity (then `takes` is empty)."""

    takes: tuple[tuple[LotStock, int], ...]
    usable: int  # on hand in lots not expired
    expired: int  # on hand in expired lots, which are never taken

    @property
    def short(self) -> bool:
        return not self.takes


def is_expired(expires: dt.date | None, today: dt.date) -> bool:
    return expires is not None and expires < today


def fefo(stock: Iterable[LotStock]) -> list[LotStock]:
    """Lots in the order they are taken: dated ones soonest first, then the undated (by id,
    stock with no lot last)."""

    def key(s: LotStock) -> tuple[int, dt.date, int, int]:
        return (
            0 if s.expires is not None else 1,
            s.expires or dt.date.max,
            0 if s.lot is not None else 1,
            s.lot or 0,
        )

    return sorted(stock, key=key)


def allocate(stock: Sequence[LotStock], quantity: int, today: dt.date) -> Allocation:
    """Take `quantity` from the usable lots in FEFO order, spilling into the next lot when
    one runs out."""
    usable = [s for s in fefo(stock) if s.on_hand > 0 and not is_expired(s.expires, today)]
    expired = sum(s.on_hand for s in stock if s.on_hand > 0 and is_expired(s.expires, today))
    total = sum(s.on_hand for s in usable)
    if quantity > total:
        return Allocation((), total, expired)
    takes: list[tuple[LotStock, int]] = []
    left = quantity
    for s in usable:
        if left == 0:
            break
        taken = min(left, s.on_hand)
        takes.append((s, taken))
        left -= taken
    return Allocation(tuple(takes), total, expired)


def expiring(
    stock: Iterable[LotStock], today: dt.date, within_days: int = EXPIRING_WITHIN_DAYS
) -> list[LotStock]:
    """Lots with stock that expire within `within_days` of today, or already have; soonest
    first."""
    until = today + dt.timedelta(days=within_days)
    return fefo(s for s in stock if s.on_hand > 0 and s.expires is not None and s.expires <= until)

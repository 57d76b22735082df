"""A 271 response in the plain terms the front desk asks about: covered? until when? how many
therapy visits are left, and what will the patient owe?

Payers answer the same question with different EB shapes, so the summary prefers the most
specific answer: a therapy service type over the plan-wide one, in network over out of network,
the individual over the family. Anything the payer did not say stays None rather than guessed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources

from cleannote.edi.x12_271 import (
    Benefit,
    DateRange,
    EligibilityResponse,
    UnknownAaaCodeError,
    explain_aaa,
    explain_follow_up,
)

__all__ = ["EligibilitySummary", "RejectionExplained", "summarise_271"]

_REMAINING = "29"
_LIFETIME_REMAINING = "33"
_VISITS = "VS"
_PLAN_STARTS = frozenset({"346", "291", "307", "356"})
_PLAN_ENDS = frozenset({"347", "291", "307", "357"})
_SINGLE_ENDED = {"346": "start", "356": "start", "347": "end", "357": "end"}


@dataclass(frozen=True, slots=True)
class RejectionExplained:
    """An AAA reject with its meaning and what to do next, ready to show a person."""

    loop: str
    code: str
    meaning: str
    action: str
    follow_up: str
    may_resubmit: bool | None


@dataclass(frozen=True, slots=True)
class EligibilitySummary:
    """`coinsurance` is the patient's share as a fraction (0.20 is 20%), as EB08 carries it."""

    active: bool | None
    plan_start: date | None
    plan_end: date | None
    visit_limit: int | None
    visits_remaining: int | None
    copay: Decimal | None
    coinsurance: Decimal | None
    deductible_remaining: Decimal | None
    rejections: tuple[RejectionExplained, ...]
    messages: tuple[str, ...]

    @property
    def rejected(self) -> bool:
        return bool(self.rejections)


@cache
def _service_types() -> tuple[frozenset[str], frozenset[str]]:
    path = resources.files("cleannote.edi").joinpath("data/therapy_benefit_service_types.json")
    table = json.loads(path.read_text(encoding="utf-8"))
    return frozenset(table["therapy"]), frozenset(table["plan_wide"])


def _explain(rejection_loop: str, code: str, follow_up_code: str) -> RejectionExplained:
    try:
        reason = explain_aaa(code)
        meaning, action = reason.meaning, reason.action
    except UnknownAaaCodeError:
        meaning = f"The payer rejected the request with reason code {code}, which we do not list."
        action = "Call the payer or check its portal, and record what it says."
    follow = explain_follow_up(follow_up_code)
    return RejectionExplained(
        loop=rejection_loop,
        code=code,
        meaning=meaning,
        action=action,
        follow_up=follow.meaning if follow else follow_up_code,
        may_resubmit=follow.resubmit if follow else None,
    )


def _rank(benefit: Benefit, therapy: frozenset[str]) -> tuple[bool, bool, bool]:
    """Higher is better: therapy-specific, not out of network, individual (or unstated) level."""
    return (
        bool(therapy.intersection(benefit.service_types)),
        benefit.in_network is not False,
        benefit.coverage_level in ("", "IND"),
    )


def _best(
    benefits: Iterable[Benefit], info_code: str, wanted: Callable[[Benefit], bool]
) -> Benefit | None:
    therapy, plan_wide = _service_types()
    relevant = [
        b
        for b in benefits
        if b.info_code == info_code
        and wanted(b)
        and (
            therapy.intersection(b.service_types)
            or not b.service_types
            or plan_wide.intersection(b.service_types)
        )
    ]
    if not relevant:
        return None
    # max() keeps the first of equals, so the payer's own order breaks ties.
    return max(relevant, key=lambda b: _rank(b, therapy))


def _whole(value: Decimal | None) -> int | None:
    return int(value) if value is not None else None


def _plan_dates(ranges: Iterable[DateRange]) -> tuple[date | None, date | None]:
    starts: list[date] = []
    ends: list[date] = []
    for period in ranges:
        side = _SINGLE_ENDED.get(period.qualifier)
        if period.qualifier in _PLAN_STARTS and side != "end":
            starts.append(period.start)
        if period.qualifier in _PLAN_ENDS and side != "start":
            ends.append(period.end)
    return (min(starts) if starts else None, max(ends) if ends else None)


def summarise_271(response: EligibilityResponse) -> EligibilitySummary:
    """The plain-terms answer for one person in a 271 (or for a request-level reject)."""
    benefits = response.benefits
    limit = _best(
        benefits,
        "F",
        lambda b: (
            b.quantity_qualifier == _VISITS
            and b.time_period not in (_REMAINING, _LIFETIME_REMAINING)
            and b.quantity is not None
        ),
    )
    remaining = _best(
        benefits,
        "F",
        lambda b: (
            b.quantity_qualifier == _VISITS
            and b.time_period in (_REMAINING, _LIFETIME_REMAINING)
            and b.quantity is not None
        ),
    )
    copay = _best(benefits, "B", lambda b: b.amount is not None)
    coinsurance = _best(benefits, "A", lambda b: b.percent is not None)
    deductible = _best(
        benefits, "C", lambda b: b.time_period == _REMAINING and b.amount is not None
    )
    therapy, _ = _service_types()
    messages = tuple(
        dict.fromkeys(
            m for b in benefits if therapy.intersection(b.service_types) for m in b.messages if m
        )
    )
    start, end = _plan_dates(response.plan_dates)
    return EligibilitySummary(
        active=response.active,
        plan_start=start,
        plan_end=end,
        visit_limit=_whole(limit.quantity) if limit else None,
        visits_remaining=_whole(remaining.quantity) if remaining else None,
        copay=copay.amount if copay else None,
        coinsurance=coinsurance.percent if coinsurance else None,
        deductible_remaining=deductible.amount if deductible else None,
        rejections=tuple(
            _explain(r.loop, r.reason_code, r.follow_up_code) for r in response.rejections
        ),
        messages=messages,
    )

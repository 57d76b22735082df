"""A 271 response in the plain terms the front desk asks about: covered? until when? how many
therapy visits are left, and what will the patient owe?

Payers answer the same question with different EB shapes, so the summary prefers the most
specific answer: a therapy service type over the plan-wide one, in network over out of network,
the individual over the family. Anything the payer did not say stays None rather than guessed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
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

__all__ = ["EligibilitySummary", "OtherPayer", "RejectionExplained", "summarise_271"]

_REMAINING = "29"
_LIFETIME_REMAINING = "33"
_REMAINING_PERIODS = frozenset({_REMAINING, _LIFETIME_REMAINING})
_VISITS = "VS"
_OTHER_PAYER = "R"
_PLAN_STARTS = frozenset({"346", "291", "307", "356"})
_PLAN_ENDS = frozenset({"347", "291", "307", "357"})
_SINGLE_ENDED = {"346": "start", "356": "start", "347": "end", "357": "end"}
_AUTHORIZATION = {"Y": True, "N": False}


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
    service_type: str = ""
    authorization_required: bool | None = None
    other_payers: tuple[OtherPayer, ...] = ()

    @property
    def rejected(self) -> bool:
        return bool(self.rejections)

    @property
    def medicare_advantage(self) -> bool:
        """The answer names a Medicare Advantage plan (EB04 HN on an EB*R): bill that plan,
        not Medicare."""
        return any(p.medicare_advantage for p in self.other_payers)


@dataclass(frozen=True, slots=True)
class OtherPayer:
    """Another payer the answer names (EB*R with its loop 2120 NM1, or EB05 alone)."""

    name: str
    identifier: str
    entity_code: str
    insurance_type: str
    medicare_advantage: bool
    plan_description: str


@dataclass(frozen=True, slots=True)
class _Table:
    therapy: frozenset[str]
    plan_wide: frozenset[str]
    for_request: dict[str, tuple[str, ...]]
    medicare_advantage: frozenset[str]
    other_payer_entities: frozenset[str]


@cache
def _table() -> _Table:
    path = resources.files("cleannote.edi").joinpath("data/therapy_benefit_service_types.json")
    table = json.loads(path.read_text(encoding="utf-8"))
    return _Table(
        therapy=frozenset(table["therapy"]),
        plan_wide=frozenset(table["plan_wide"]),
        for_request={k: tuple(v) for k, v in table["for_request"].items()},
        medicare_advantage=frozenset(table["medicare_advantage_insurance_types"]),
        other_payer_entities=frozenset(table["other_payer_entities"]),
    )


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


@dataclass(frozen=True, slots=True)
class _Ask:
    """What counts as an answer to the question asked, and which answer is better."""

    weights: dict[str, int]  # service types that answer it: the higher, the better the fit
    plan_wide: frozenset[str]
    in_network: bool  # the clinic is in the payer's network (contracted)

    def relevant(self, benefit: Benefit) -> bool:
        types = benefit.service_types
        return not types or any(t in self.weights or t in self.plan_wide for t in types)

    def fits(self, benefit: Benefit) -> bool:
        """About the service asked, not only the plan as a whole."""
        return any(t in self.weights for t in benefit.service_types)

    def rank(self, benefit: Benefit) -> tuple[int, int, bool]:
        """Higher is better: the service type asked (then its alternates, then plan-wide),
        the clinic's side of the network (stated first, then unstated), individual level."""
        fit = max((self.weights.get(t, 0) for t in benefit.service_types), default=0)
        if benefit.in_network is None:
            network = 1
        else:
            network = 2 if benefit.in_network is self.in_network else 0
        return (fit, network, benefit.coverage_level in ("", "IND"))


def _ask(service_type: str | None, in_network: bool) -> _Ask:
    table = _table()
    if not service_type or service_type in table.plan_wide:
        # No discipline asked: any therapy benefit answers, in the payer's order (ADR 0160).
        return _Ask(dict.fromkeys(table.therapy, 1), table.plan_wide, in_network)
    preferred = table.for_request.get(service_type, (service_type,))
    weights = {code: len(preferred) - i for i, code in enumerate(preferred)}
    return _Ask(weights, table.plan_wide, in_network)


def _best(
    benefits: Iterable[Benefit], info_code: str, wanted: Callable[[Benefit], bool], ask: _Ask
) -> Benefit | None:
    relevant = [b for b in benefits if b.info_code == info_code and wanted(b) and ask.relevant(b)]
    if not relevant:
        return None
    # max() keeps the first of equals, so the payer's own order breaks ties.
    return max(relevant, key=ask.rank)


def _whole(value: Decimal | None) -> int | None:
    return int(value) if value is not None else None


def _visit_counts(benefit: Benefit) -> Iterator[tuple[str, Decimal]]:
    """(time period, visits) from EB09/EB10 and from each HSD under the EB; an HSD without
    its own time period (HSD05) takes the EB's (EB06)."""
    if benefit.quantity_qualifier == _VISITS and benefit.quantity is not None:
        yield benefit.time_period, benefit.quantity
    for limit in benefit.limits:
        if limit.quantity_qualifier == _VISITS and limit.quantity is not None:
            yield limit.time_period or benefit.time_period, limit.quantity


def _visits(benefits: Iterable[Benefit], ask: _Ask, *, remaining: bool) -> int | None:
    best: tuple[tuple[int, int, bool], Decimal] | None = None
    for benefit in benefits:
        if benefit.info_code != "F" or not ask.relevant(benefit):
            continue
        rank = ask.rank(benefit)
        for period, count in _visit_counts(benefit):
            if (period in _REMAINING_PERIODS) is remaining and (best is None or rank > best[0]):
                best = (rank, count)
    return _whole(best[1]) if best else None


def _other_payers(benefits: Iterable[Benefit]) -> tuple[OtherPayer, ...]:
    table = _table()
    found: list[OtherPayer] = []
    for benefit in benefits:
        if benefit.info_code != _OTHER_PAYER:
            continue
        advantage = benefit.insurance_type in table.medicare_advantage
        named = [e for e in benefit.related if e.entity_code in table.other_payer_entities]
        for entity in named:
            found.append(
                OtherPayer(
                    name=entity.name,
                    identifier=entity.identifier,
                    entity_code=entity.entity_code,
                    insurance_type=benefit.insurance_type,
                    medicare_advantage=advantage,
                    plan_description=benefit.plan_description,
                )
            )
        if not named:
            found.append(
                OtherPayer(
                    name=benefit.plan_description,
                    identifier="",
                    entity_code="",
                    insurance_type=benefit.insurance_type,
                    medicare_advantage=advantage,
                    plan_description=benefit.plan_description,
                )
            )
    return tuple(dict.fromkeys(found))


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


def summarise_271(
    response: EligibilityResponse, service_type: str | None = None, *, in_network: bool = True
) -> EligibilitySummary:
    """The plain-terms answer for one person in a 271 (or for a request-level reject).

    `service_type` is the EQ01 the 270 asked for the visit's discipline (PT, AD, AF, 33; 30
    or None when no discipline was asked): only that service's benefits (and its listed
    alternates, then the plan-wide ones) are read, so a PT patient is never shown the
    chiropractic limit. `in_network` says whether the clinic is in the payer's network: its
    side of EB12 is preferred, then a benefit that does not say (ADR 0631).
    """
    benefits = response.benefits
    ask = _ask(service_type, in_network)
    copay = _best(benefits, "B", lambda b: b.amount is not None, ask)
    coinsurance = _best(benefits, "A", lambda b: b.percent is not None, ask)
    deductible = _best(
        benefits, "C", lambda b: b.time_period == _REMAINING and b.amount is not None, ask
    )
    authorization = max(
        (
            b
            for b in benefits
            if b.authorization_required in _AUTHORIZATION and b.service_types and ask.fits(b)
        ),
        key=ask.rank,
        default=None,
    )
    messages = tuple(dict.fromkeys(m for b in benefits if ask.fits(b) for m in b.messages if m))
    start, end = _plan_dates(response.plan_dates)
    return EligibilitySummary(
        active=response.active,
        plan_start=start,
        plan_end=end,
        visit_limit=_visits(benefits, ask, remaining=False),
        visits_remaining=_visits(benefits, ask, remaining=True),
        copay=copay.amount if copay else None,
        coinsurance=coinsurance.percent if coinsurance else None,
        deductible_remaining=deductible.amount if deductible else None,
        rejections=tuple(
            _explain(r.loop, r.reason_code, r.follow_up_code) for r in response.rejections
        ),
        messages=messages,
        service_type=service_type or "",
        authorization_required=(
            _AUTHORIZATION[authorization.authorization_required] if authorization else None
        ),
        other_payers=_other_payers(benefits),
    )

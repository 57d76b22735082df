"""The arithmetic and the rules of patient statements, with no database and no clock (ADR 0760):
how old a balance is, which patients a batch run takes, and which dunning step is due on a
given day. The actions load rows into these values and pass the day in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal("0.00")

# Age buckets of a statement, by the days since the amount was charged to the patient.
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-30", 0, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("over 90", 91, None),
)


def age_balance(movements: Iterable[tuple[dt.date, Decimal]], as_of: dt.date) -> dict[str, Decimal]:
    """The balance split by age: each credit (payment, adjustment, negative amount) pays the
    oldest charge first, so what remains is the newest part of what was charged. The buckets
    add up to the balance whenever it is positive; a credit balance is all "0-30"."""
    days_charged: list[dt.date] = []
    remaining: list[Decimal] = []
    credit = ZERO
    for day, amount in sorted(movements, key=lambda m: m[0]):
        if amount > 0:
            days_charged.append(day)
            remaining.append(amount)
        else:
            credit += -amount
    for i, left in enumerate(remaining):  # oldest first
        take = min(credit, left)
        remaining[i] = left - take
        credit -= take
    buckets = {name: ZERO for name, _, _ in AGE_BUCKETS}
    for day, left in zip(days_charged, remaining, strict=True):
        days = max((as_of - day).days, 0)  # charged after as_of: counts as current
        for name, low, high in AGE_BUCKETS:
            if days >= low and (high is None or days <= high):
                buckets[name] += left
                break
    if credit > 0:
        buckets["0-30"] -= credit
    return buckets


class Exclusion(StrEnum):
    """Why a batch run leaves a patient out; shown on the run's page."""

    BALANCE_TOO_SMALL = "balance at or below the minimum"
    STATEMENTED_RECENTLY = "statemented within the quiet days"
    INSURANCE_PENDING = "a claim still waits for the insurer"
    PAYMENT_PLAN = "on a payment plan"
    COLLECTIONS_REVIEW = "held for collections review"


@dataclass(frozen=True, slots=True)
class BatchRules:
    """A clinic's batch settings: statement balances above `minimum`, not statemented within
    `quiet_days`, and (when `skip_insurance_pending`) not while a claim waits for a payer."""

    minimum: Decimal
    quiet_days: int
    skip_insurance_pending: bool


@dataclass(frozen=True, slots=True)
class Candidate:
    """What a batch run knows of one patient with ledger entries."""

    balance: Decimal
    last_statement_on: dt.date | None
    insurance_pending: bool
    on_payment_plan: bool = False
    in_collections_review: bool = False


def batch_exclusion(candidate: Candidate, rules: BatchRules, day: dt.date) -> Exclusion | None:
    """None when the batch run of `day` makes this patient a statement, else why not."""
    if candidate.balance <= rules.minimum:
        return Exclusion.BALANCE_TOO_SMALL
    if candidate.in_collections_review:
        return Exclusion.COLLECTIONS_REVIEW
    if candidate.on_payment_plan:
        return Exclusion.PAYMENT_PLAN
    if (
        candidate.last_statement_on is not None
        and (day - candidate.last_statement_on).days < rules.quiet_days
    ):
        return Exclusion.STATEMENTED_RECENTLY
    if rules.skip_insurance_pending and candidate.insurance_pending:
        return Exclusion.INSURANCE_PENDING
    return None


class StepAction(StrEnum):
    STATEMENT = "statement"  # a statement carrying the step's message
    COLLECTIONS_REVIEW = "collections"  # flag for a person to decide; never sends anything


@dataclass(frozen=True, slots=True)
class Step:
    number: int
    day: int  # days after the first statement of the sequence
    action: StepAction


def due_step(steps: Sequence[Step], at_step: int, started_on: dt.date, day: dt.date) -> Step | None:
    """The step a patient at step `at_step` (started `started_on`) moves to on `day`, or None.

    The latest step whose day has come is taken, so a run missed for weeks sends one letter,
    not two on consecutive days; a step already reached is never taken again, which makes a
    second run on the same day do nothing."""
    due = [s for s in steps if s.number > at_step and started_on + dt.timedelta(days=s.day) <= day]
    return max(due, key=lambda s: s.number) if due else None

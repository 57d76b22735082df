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
AGE_NAMES = tuple(name for name, _, _ in AGE_BUCKETS)


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
    TOO_NEW = "no balance in the ages statemented"


@dataclass(frozen=True, slots=True)
class BatchRules:
    """A clinic's batch settings: statement balances above `minimum`, not statemented within
    `quiet_days`, and (when `skip_insurance_pending`) not while a claim waits for a payer."""

    minimum: Decimal
    quiet_days: int
    skip_insurance_pending: bool
    ages: tuple[str, ...] = AGE_NAMES
    """The age buckets statemented; a balance younger than all of them waits (ADR 0763)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """What a batch run knows of one patient with ledger entries."""

    balance: Decimal
    last_statement_on: dt.date | None
    insurance_pending: bool
    on_payment_plan: bool = False
    in_collections_review: bool = False
    aged: dict[str, Decimal] | None = None
    """The balance by age (`age_balance`), when the clinic statements only some ages."""


def batch_exclusion(candidate: Candidate, rules: BatchRules, day: dt.date) -> Exclusion | None:
    """None when the batch run of `day` makes this patient a statement, else why not."""
    if candidate.balance <= rules.minimum:
        return Exclusion.BALANCE_TOO_SMALL
    if (
        set(rules.ages) != set(AGE_NAMES)
        and candidate.aged is not None
        and in_ages(candidate.aged, rules.ages) <= rules.minimum
    ):
        return Exclusion.TOO_NEW
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


# --- the owner's or biller's settings page (ADR 0763) -------------------------------------------

MAX_STEPS = 6
MAX_STEP_DAY = 365
MAX_TITLE = 40
MAX_MESSAGE = 1000
LAST_CYCLE_DAY = 28  # the 29th to the 31st are missing from some months


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong on the settings page: `field` is the input's name, `where` says which
    part of the page in words, `what` what is wrong with it."""

    field: str
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


@dataclass(frozen=True, slots=True)
class StepDraft:
    """One dunning step as typed on the page."""

    day: str
    action: str
    title: str
    message: str


@dataclass(frozen=True, slots=True)
class CycleDraft:
    """The batch settings as typed on the page."""

    cycle_day: str
    minimum_balance: str
    ages: tuple[str, ...]
    quiet_days: str


@dataclass(frozen=True, slots=True)
class Cycle:
    cycle_day: int | None
    minimum_balance: Decimal
    ages: tuple[str, ...]
    quiet_days: int


def _whole(text: str, low: int, high: int) -> int | None:
    text = text.strip()
    if not text.isdigit():
        return None
    value = int(text)
    return value if low <= value <= high else None


def check_cycle(draft: CycleDraft) -> tuple[Cycle | None, list[Problem]]:
    """The batch settings, or what is wrong with each."""
    problems: list[Problem] = []
    day: int | None = None
    if draft.cycle_day.strip():
        day = _whole(draft.cycle_day, 1, LAST_CYCLE_DAY)
        if day is None:
            problems.append(
                Problem(
                    "cycle_day",
                    "Statement cycle, day of the month",
                    f"give a day from 1 to {LAST_CYCLE_DAY}, or leave it empty to run by hand",
                )
            )
    minimum = ZERO
    try:
        minimum = Decimal(draft.minimum_balance.strip().lstrip("$").replace(",", ""))
        if not minimum.is_finite() or minimum != minimum.quantize(Decimal("0.01")):
            raise ValueError
        if not ZERO <= minimum <= Decimal("1000"):
            problems.append(
                Problem(
                    "minimum_balance",
                    "Statement cycle, minimum balance",
                    "must be from $0.00 to $1,000.00",
                )
            )
    except (ArithmeticError, ValueError):
        problems.append(
            Problem(
                "minimum_balance",
                "Statement cycle, minimum balance",
                "give an amount in dollars and cents, e.g. 5.00",
            )
        )
    unknown = [a for a in draft.ages if a not in AGE_NAMES]
    if unknown or not draft.ages:
        problems.append(
            Problem(
                "ages",
                "Statement cycle, ages included",
                "tick at least one age: " + ", ".join(AGE_NAMES),
            )
        )
    quiet = _whole(draft.quiet_days, 0, 90)
    if quiet is None:
        problems.append(
            Problem(
                "quiet_days",
                "Statement cycle, days between statements",
                "give a whole number of days from 0 to 90",
            )
        )
    if problems:
        return None, problems
    ages = tuple(a for a in AGE_NAMES if a in draft.ages)
    return Cycle(day, minimum.quantize(Decimal("0.01")), ages, quiet or 0), []


def check_steps(drafts: Sequence[StepDraft]) -> tuple[list[tuple[int, StepDraft]], list[Problem]]:
    """The dunning steps numbered from 1 with their days, or what is wrong with each: step 1 is
    the first statement (day 0); each later step's day comes after the one before; a
    collections review can only be the last step; titles are needed, messages are short."""
    problems: list[Problem] = []
    if not drafts:
        return [], [Problem("steps", "Dunning steps", "keep at least the first statement")]
    if len(drafts) > MAX_STEPS:
        problems.append(Problem("steps", "Dunning steps", f"at most {MAX_STEPS} steps"))
    previous: int | None = None
    out: list[tuple[int, StepDraft]] = []
    for number, draft in enumerate(drafts, start=1):
        where = f"Step {number}"
        day = _whole(draft.day, 0, MAX_STEP_DAY)
        if day is None:
            problems.append(
                Problem(
                    f"step-{number}-day",
                    f"{where}, days after the first statement",
                    f"give a whole number of days from 0 to {MAX_STEP_DAY}",
                )
            )
        elif number == 1 and day != 0:
            problems.append(
                Problem(
                    f"step-{number}-day",
                    f"{where}, days after the first statement",
                    "the first step is the first statement itself: day 0",
                )
            )
        elif previous is not None and day <= previous:
            problems.append(
                Problem(
                    f"step-{number}-day",
                    f"{where}, days after the first statement",
                    f"must be after step {number - 1}'s day ({previous})",
                )
            )
        if day is not None:
            previous = day
        if draft.action not in {a.value for a in StepAction}:
            problems.append(
                Problem(f"step-{number}-action", f"{where}, what it does", "choose one")
            )
        elif draft.action == StepAction.COLLECTIONS_REVIEW and number != len(drafts):
            problems.append(
                Problem(
                    f"step-{number}-action",
                    f"{where}, what it does",
                    "a collections review can only be the last step",
                )
            )
        elif draft.action == StepAction.COLLECTIONS_REVIEW and number == 1:
            problems.append(
                Problem(
                    f"step-{number}-action",
                    f"{where}, what it does",
                    "the first step sends the first statement",
                )
            )
        title = draft.title.strip()
        if not title or len(title) > MAX_TITLE:
            problems.append(
                Problem(
                    f"step-{number}-title",
                    f"{where}, title",
                    f"give a title of 1 to {MAX_TITLE} characters, e.g. Final notice",
                )
            )
        if len(draft.message.strip()) > MAX_MESSAGE:
            problems.append(
                Problem(
                    f"step-{number}-message",
                    f"{where}, message",
                    f"keep it under {MAX_MESSAGE:,} characters "
                    f"(it has {len(draft.message.strip()):,})",
                )
            )
        out.append((number, draft))
    return ([] if problems else out), problems


def in_ages(buckets: dict[str, Decimal], ages: Iterable[str]) -> Decimal:
    """The part of an aged balance in the ages a clinic statements."""
    return sum((buckets.get(name, ZERO) for name in ages), ZERO)

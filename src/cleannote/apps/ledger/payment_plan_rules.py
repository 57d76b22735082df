"""A payment plan's schedule and which installments its payments paid, with no database and no
clock (ADR 0764). The actions load the plan and the patient's payments and pass `today` in.

The schedule: `payments` installments of the plan's amount from the first due day, weekly,
every two weeks or monthly (a month later on the same day, or the month's last day when it is
shorter: 31 January, 28 February, 31 March); when the plan covers a total, the last
installment is what is left of it. Payments pay the oldest installment not yet paid first, so a
payment that is short leaves that installment part paid and a larger one pays ahead. An
installment is missed when its grace days have passed and it is not paid in full.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from dateutil.relativedelta import relativedelta

ZERO = Decimal("0.00")
GRACE_DAYS = 10  # a payment can take a week in the post; a plan is missed after this
MAX_PAYMENTS = 60


class Frequency(StrEnum):
    WEEKLY = "weekly"
    EVERY_TWO_WEEKS = "biweekly"
    MONTHLY = "monthly"


FREQUENCY_LABELS = {
    Frequency.WEEKLY: "every week",
    Frequency.EVERY_TWO_WEEKS: "every two weeks",
    Frequency.MONTHLY: "every month",
}


class InstallmentState(StrEnum):
    PAID = "paid"
    PART_PAID = "part paid"
    DUE = "due"  # due, within its grace days
    MISSED = "missed"
    UPCOMING = "upcoming"


@dataclass(frozen=True, slots=True)
class Installment:
    number: int
    due_on: dt.date
    amount: Decimal
    paid: Decimal
    state: InstallmentState

    @property
    def short(self) -> Decimal:
        return max(self.amount - self.paid, ZERO)


def due_days(first: dt.date, frequency: Frequency, count: int) -> list[dt.date]:
    """The due day of each installment; monthly ones keep the first's day of the month where
    the month has it."""
    if frequency is Frequency.MONTHLY:
        return [first + relativedelta(months=n) for n in range(count)]
    step = 7 if frequency is Frequency.WEEKLY else 14
    return [first + dt.timedelta(days=step * n) for n in range(count)]


def schedule(
    first: dt.date,
    frequency: Frequency,
    amount: Decimal,
    payments: int,
    total: Decimal | None = None,
) -> list[tuple[int, dt.date, Decimal]]:
    """(number, due day, amount) of each installment. With a `total`, the installments add up
    to it: the last is the rest (never more than `amount` when `amount * payments` covers it)."""
    days = due_days(first, frequency, payments)
    amounts = [amount] * payments
    if total is not None and payments:
        amounts[-1] = max(total - amount * (payments - 1), ZERO)
    return [(n, day, a) for n, (day, a) in enumerate(zip(days, amounts, strict=True), start=1)]


def match_payments(
    planned: Iterable[tuple[int, dt.date, Decimal]],
    paid: Iterable[Decimal],
    today: dt.date,
    grace_days: int = GRACE_DAYS,
) -> list[Installment]:
    """Each installment with what the payments paid of it (oldest installment first) and its
    state on `today`."""
    money = sum((p for p in paid if p > 0), ZERO)
    out = []
    for number, due_on, amount in planned:
        take = min(money, amount)
        money -= take
        if take >= amount:
            state = InstallmentState.PAID
        elif today > due_on + dt.timedelta(days=grace_days):
            state = InstallmentState.MISSED
        elif take > 0:
            state = InstallmentState.PART_PAID
        elif today >= due_on:
            state = InstallmentState.DUE
        else:
            state = InstallmentState.UPCOMING
        out.append(Installment(number, due_on, amount, take, state))
    return out


@dataclass(frozen=True, slots=True)
class PlanTerms:
    amount: Decimal
    frequency: Frequency
    first_due_on: dt.date
    payments: int


def check_terms(
    amount: str, frequency: str, first_due_on: str, payments: str, *, balance: Decimal,
    today: dt.date,
) -> tuple[PlanTerms | None, dict[str, str]]:  # fmt: skip
    """The plan's terms as typed, or what is wrong with each (by input name)."""
    problems: dict[str, str] = {}
    value = ZERO
    try:
        value = Decimal(amount.strip().lstrip("$").replace(",", ""))
    except (ArithmeticError, ValueError):
        problems["amount_per_month"] = "enter an amount such as 50.00"
    else:
        if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
            problems["amount_per_month"] = "enter a positive amount to the cent"
    if frequency not in {f.value for f in Frequency}:
        problems["frequency"] = "choose every week, every two weeks or every month"
    start: dt.date | None = None
    try:
        start = dt.date.fromisoformat(first_due_on.strip())
    except ValueError:
        problems["first_due_on"] = "give the first payment's date, e.g. 2026-07-01"
    if start is not None and not today - dt.timedelta(days=31) <= start <= today + dt.timedelta(
        days=90
    ):
        problems["first_due_on"] = "the first payment falls within a month back or 90 days ahead"
    count = int(payments) if payments.strip().isdigit() else 0
    if not 1 <= count <= MAX_PAYMENTS:
        problems["payments"] = f"give the number of payments, 1 to {MAX_PAYMENTS}"
    if not problems and value * count < balance:
        problems["payments"] = (
            f"{count} payments of ${value:,.2f} make ${value * count:,.2f}, less than the "
            f"balance of ${balance:,.2f}: more payments, or a larger amount"
        )
    if balance <= 0:
        problems["amount_per_month"] = "the patient owes nothing: no plan is needed"
    if problems or start is None:
        return None, problems
    return PlanTerms(value, Frequency(frequency), start, count), {}

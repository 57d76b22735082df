"""The statement rules without a database (ADR 0760): a balance's age, the batch run's
selection table, and which dunning step is due on a given day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cleannote.apps.ledger.statement_rules import (
    BatchRules,
    Candidate,
    Exclusion,
    Step,
    StepAction,
    age_balance,
    batch_exclusion,
    due_step,
)

DAY = dt.date(2026, 6, 30)
D = Decimal
RULES = BatchRules(minimum=D("5.00"), quiet_days=25, skip_insurance_pending=True)


@pytest.mark.parametrize(
    ("case", "candidate", "rules", "left_out"),
    [
        ("owes_enough", Candidate(D("14.00"), None, False), RULES, None),
        ("at_the_minimum", Candidate(D("5.00"), None, False), RULES, Exclusion.BALANCE_TOO_SMALL),
        ("credit", Candidate(D("-3.00"), None, False), RULES, Exclusion.BALANCE_TOO_SMALL),
        ("statemented_24_days_ago", Candidate(D("14"), DAY - dt.timedelta(24), False), RULES,
         Exclusion.STATEMENTED_RECENTLY),
        ("statemented_25_days_ago", Candidate(D("14"), DAY - dt.timedelta(25), False), RULES, None),
        ("insurance_pending", Candidate(D("14"), None, True), RULES, Exclusion.INSURANCE_PENDING),
        ("insurance_pending_not_skipped", Candidate(D("14"), None, True),
         BatchRules(D("5.00"), 25, skip_insurance_pending=False), None),
        ("payment_plan", Candidate(D("14"), None, False, on_payment_plan=True), RULES,
         Exclusion.PAYMENT_PLAN),
        ("collections_review", Candidate(D("14"), None, False, in_collections_review=True), RULES,
         Exclusion.COLLECTIONS_REVIEW),
        ("zero_minimum", Candidate(D("0.01"), None, False), BatchRules(D("0"), 0, True), None),
    ],
)  # fmt: skip
def test_batch_selection(case, candidate, rules, left_out):
    assert batch_exclusion(candidate, rules, DAY) == left_out


STEPS = [
    Step(1, 0, StepAction.STATEMENT),
    Step(2, 30, StepAction.STATEMENT),
    Step(3, 60, StepAction.STATEMENT),
    Step(4, 90, StepAction.COLLECTIONS_REVIEW),
]
START = dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("case", "at_step", "days_after_start", "moves_to"),
    [
        ("day_29_nothing", 1, 29, None),
        ("day_30_reminder", 1, 30, 2),
        ("reminder_sent_nothing_more_that_day", 2, 30, None),
        ("day_59_nothing", 2, 59, None),
        ("day_60_final_notice", 2, 60, 3),
        ("day_90_collections_review", 3, 90, 4),
        ("after_the_last_step_nothing", 4, 400, None),
        ("a_missed_month_takes_the_latest_step_once", 1, 65, 3),
    ],
)
def test_dunning_step_by_date(case, at_step, days_after_start, moves_to):
    step = due_step(STEPS, at_step, START, START + dt.timedelta(days=days_after_start))
    assert (step.number if step else None) == moves_to


def test_age_pays_the_oldest_charge_first():
    # given 24 charged 100 days ago, 40 charged 45 days ago, 10 charged 5 days ago, 30 paid
    movements = [
        (DAY - dt.timedelta(100), D("24.00")),
        (DAY - dt.timedelta(45), D("40.00")),
        (DAY - dt.timedelta(5), D("10.00")),
        (DAY - dt.timedelta(2), D("-30.00")),
    ]
    # then the payment clears the oldest 24 and 6 of the 40
    assert age_balance(movements, DAY) == {
        "0-30": D("10.00"),
        "31-60": D("34.00"),
        "61-90": D("0.00"),
        "over 90": D("0.00"),
    }


def test_a_credit_balance_is_current():
    movements = [(DAY - dt.timedelta(40), D("10.00")), (DAY, D("-15.00"))]
    assert age_balance(movements, DAY)["0-30"] == D("-5.00")
    assert sum(age_balance(movements, DAY).values()) == D("-5.00")

"""Payment plans with a schedule (ADR 0764): the schedule and the matching of payments as tables,
then the worked example on the ledger: $24.00 owed (the visit's coinsurance), three monthly
payments of $8.00; the patient pays the first, misses the second; the nightly check lists it
once; the biller records the call, adjusts the plan; the reminders stay paused until it ends."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from cleannote.apps.ledger.actions import do_record_patient_payment
from cleannote.apps.ledger.errors import LedgerRefused
from cleannote.apps.ledger.payment_plan_rules import (
    Frequency,
    InstallmentState,
    check_terms,
    due_days,
    match_payments,
    schedule,
)
from cleannote.apps.ledger.statement_actions import (
    do_check_payment_plans,
    do_create_statement,
    do_end_payment_plan,
    do_record_plan_contact,
    do_run_dunning,
    do_start_payment_plan,
)
from cleannote.apps.ledger.statement_models import Dunning, MissStatus, PaymentPlan, PlanMiss
from cleannote.apps.ledger.statement_selectors import plan_installments
from tests.apps.claims.conftest import billing, sent_claim  # noqa: F401
from tests.apps.ledger.test_statements import posted  # noqa: F401
from tests.personas import TODAY

S = InstallmentState


@pytest.mark.parametrize(
    ("case", "first", "frequency", "count", "days"),
    [
        ("monthly", dt.date(2026, 1, 15), Frequency.MONTHLY, 3,
         [dt.date(2026, 1, 15), dt.date(2026, 2, 15), dt.date(2026, 3, 15)]),
        ("month_end", dt.date(2026, 1, 31), Frequency.MONTHLY, 4,
         [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31), dt.date(2026, 4, 30)]),
        ("leap_year", dt.date(2028, 1, 30), Frequency.MONTHLY, 2,
         [dt.date(2028, 1, 30), dt.date(2028, 2, 29)]),
        ("weekly", dt.date(2026, 6, 1), Frequency.WEEKLY, 3,
         [dt.date(2026, 6, 1), dt.date(2026, 6, 8), dt.date(2026, 6, 15)]),
        ("every_two_weeks", dt.date(2026, 12, 21), Frequency.EVERY_TWO_WEEKS, 3,
         [dt.date(2026, 12, 21), dt.date(2027, 1, 4), dt.date(2027, 1, 18)]),
    ],
)  # fmt: skip
def test_due_days(case, first, frequency, count, days):
    assert due_days(first, frequency, count) == days


def test_the_last_installment_is_the_rest_of_the_total():
    planned = schedule(dt.date(2026, 1, 1), Frequency.MONTHLY, D("40.00"), 3, D("100.00"))
    assert [a for _, _, a in planned] == [D("40.00"), D("40.00"), D("20.00")]


DUE = [(1, dt.date(2026, 3, 1), D("8")), (2, dt.date(2026, 4, 1), D("8")),
       (3, dt.date(2026, 5, 1), D("8"))]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "paid", "today", "states", "paid_each"),
    [
        ("before_the_first", [], dt.date(2026, 2, 20), [S.UPCOMING] * 3, ["0", "0", "0"]),
        ("first_due_today", [], dt.date(2026, 3, 1), [S.DUE, S.UPCOMING, S.UPCOMING],
         ["0", "0", "0"]),
        ("within_grace", [], dt.date(2026, 3, 11), [S.DUE, S.UPCOMING, S.UPCOMING],
         ["0", "0", "0"]),
        ("missed_after_grace", [], dt.date(2026, 3, 12), [S.MISSED, S.UPCOMING, S.UPCOMING],
         ["0", "0", "0"]),
        ("first_paid", [D("8")], dt.date(2026, 4, 12), [S.PAID, S.MISSED, S.UPCOMING],
         ["8", "0", "0"]),
        ("short_payment", [D("5")], dt.date(2026, 3, 5), [S.PART_PAID, S.UPCOMING, S.UPCOMING],
         ["5", "0", "0"]),
        ("short_then_missed", [D("5")], dt.date(2026, 3, 20), [S.MISSED, S.UPCOMING, S.UPCOMING],
         ["5", "0", "0"]),
        ("paid_ahead", [D("20")], dt.date(2026, 3, 5), [S.PAID, S.PAID, S.PART_PAID],
         ["8", "8", "4"]),
        ("two_payments_one_installment", [D("3"), D("5")], dt.date(2026, 3, 20),
         [S.PAID, S.UPCOMING, S.UPCOMING], ["8", "0", "0"]),
        ("all_paid", [D("24")], dt.date(2026, 9, 1), [S.PAID] * 3, ["8", "8", "8"]),
    ],
)  # fmt: skip
def test_payments_pay_the_oldest_installment_first(case, paid, today, states, paid_each):
    installments = match_payments(DUE, paid, today)
    assert [i.state for i in installments] == states
    assert [i.paid for i in installments] == [D(p) for p in paid_each]


@pytest.mark.parametrize(
    ("case", "typed", "field"),
    [
        ("fine", ("8.00", "monthly", "2026-03-01", "3"), None),
        ("amount_words", ("eight", "monthly", "2026-03-01", "3"), "amount_per_month"),
        ("amount_zero", ("0", "monthly", "2026-03-01", "3"), "amount_per_month"),
        ("frequency", ("8.00", "daily", "2026-03-01", "3"), "frequency"),
        ("date", ("8.00", "monthly", "March", "3"), "first_due_on"),
        ("date_far", ("8.00", "monthly", "2026-12-01", "3"), "first_due_on"),
        ("no_payments", ("8.00", "monthly", "2026-03-01", "0"), "payments"),
        ("too_little", ("8.00", "monthly", "2026-03-01", "2"), "payments"),
    ],
)
def test_the_plans_terms(case, typed, field):
    terms, problems = check_terms(*typed, balance=D("24.00"), today=dt.date(2026, 3, 1))
    assert (next(iter(problems), None)) == field
    assert (terms is None) == (field is not None)


def _pay(billing, amount: str, day: dt.date) -> None:  # noqa: F811
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    do_record_patient_payment(
        billing.actor, billing.clinic.patient, amount=amount, method="cash", at=at
    )


def _plan(billing) -> PaymentPlan:  # noqa: F811
    return do_start_payment_plan(
        billing.actor, billing.clinic.patient, amount_per_month="8.00", day=TODAY,
        frequency="monthly", first_due_on=TODAY, payments="3",
    )  # fmt: skip


@pytest.mark.django_db
def test_a_missed_installment_reaches_the_worklist_once_and_the_biller_works_it(
    billing,  # noqa: F811
    posted,  # noqa: F811
):
    # given a plan of three monthly payments of $8.00 for the $24.00 owed
    plan = _plan(billing)
    assert (plan.total, plan.payments) == (D("24.00"), 3)
    # when the patient pays the first, and the second's grace days pass unpaid
    _pay(billing, "8.00", TODAY + dt.timedelta(days=2))
    second_due = plan_installments(plan, TODAY)[1].due_on
    night = second_due + dt.timedelta(days=11)
    missed = do_check_payment_plans(billing.actor, today=night)
    # then installment 2 is on the worklist, once
    assert [(m.number, m.short) for m in missed] == [(2, D("8.00"))]
    assert do_check_payment_plans(billing.actor, today=night) == []
    assert [i.state for i in plan_installments(plan, night)] == [S.PAID, S.MISSED, S.UPCOMING]
    # the biller records the call; the worklist empties
    miss = PlanMiss.objects.get()
    with pytest.raises(LedgerRefused, match="say what the patient said"):
        do_record_plan_contact(billing.actor, miss, note="  ", day=night)
    do_record_plan_contact(billing.actor, miss, note="will pay Friday", day=night)
    assert PlanMiss.objects.get().status == MissStatus.CONTACTED


@pytest.mark.django_db
def test_a_late_payment_takes_the_miss_off_and_adjusting_replaces_the_plan(billing, posted):  # noqa: F811
    plan = _plan(billing)
    first_due = plan_installments(plan, TODAY)[0].due_on
    do_check_payment_plans(billing.actor, today=first_due + dt.timedelta(days=11))
    assert PlanMiss.objects.get().status == MissStatus.OPEN
    _pay(billing, "8.00", first_due + dt.timedelta(days=12))
    do_check_payment_plans(billing.actor, today=first_due + dt.timedelta(days=12))
    assert PlanMiss.objects.get().status == MissStatus.PAID
    # adjusting: a new schedule for what is owed that day ($16.00), the old plan closed
    day = first_due + dt.timedelta(days=12)
    new = do_start_payment_plan(
        billing.actor, billing.clinic.patient, amount_per_month="4.00", day=day,
        frequency="biweekly", first_due_on=day, payments="4", adjusting=True,
    )  # fmt: skip
    plan.refresh_from_db()
    assert plan.ended_on == day
    assert "adjusted" in plan.end_reason
    assert (new.total, new.frequency, new.payments) == (D("16.00"), "biweekly", 4)
    with pytest.raises(LedgerRefused, match="a plan already"):
        _plan(billing)


@pytest.mark.django_db
def test_the_reminders_stay_paused_while_the_plan_runs_and_resume_when_it_ends(
    billing,  # noqa: F811
    posted,  # noqa: F811
):
    patient = billing.clinic.patient
    do_create_statement(billing.actor, patient, day=TODAY)
    _plan(billing)
    dunning = Dunning.objects.get(patient=patient)
    assert dunning.paused_on == TODAY
    # a missed installment does not restart the letters: a person decides
    do_check_payment_plans(billing.actor, today=TODAY + dt.timedelta(days=45))
    assert do_run_dunning(billing.actor, day=TODAY + dt.timedelta(days=45)) is None
    do_end_payment_plan(billing.actor, patient, day=TODAY + dt.timedelta(days=50), reason="broke")
    assert PlanMiss.objects.filter(status=MissStatus.ENDED).count() == 2
    dunning.refresh_from_db()
    assert dunning.paused_on is None
    assert dunning.started_on == TODAY + dt.timedelta(days=50)


@pytest.mark.django_db
def test_the_ledger_page_shows_the_schedule_and_the_worklist_links_to_it(
    billing,  # noqa: F811
    posted,  # noqa: F811
    login,
):
    client = login(billing.clinic.biller)
    patient = billing.clinic.patient
    answer = client.post(
        reverse("ledger:payment_plan", args=[patient.pk]),
        {"amount_per_month": "8.00", "frequency": "monthly", "first_due_on": TODAY.isoformat(),
         "payments": "2"},
        follow=True,
    )  # fmt: skip
    assert b"Payment plan, number of payments: 2 payments of $8.00 make $16.00" in answer.content
    answer = client.post(
        reverse("ledger:payment_plan", args=[patient.pk]),
        {"amount_per_month": "8.00", "frequency": "monthly", "first_due_on": TODAY.isoformat(),
         "payments": "3"},
        follow=True,
    )  # fmt: skip
    body = answer.content.decode()
    assert 'id="plan-schedule"' in body
    assert body.count('data-state="') == 3
    plan = PaymentPlan.objects.get()
    do_check_payment_plans(billing.actor, today=TODAY + dt.timedelta(days=11))
    worklist = client.get(reverse("ledger:missed_installments")).content.decode()
    assert f"{reverse('ledger:patient', args=[patient.pk])}#payment-plan" in worklist
    assert "1 of 3" in worklist
    page = client.get(reverse("ledger:patient", args=[patient.pk])).content.decode()
    assert 'id="plan-missed"' in page
    assert plan.misses.count() == 1

"""`scheduling.copay.copay_due(appointment)`: the copay check-in asks for, and its source."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cleannote.apps.eligibility.actions import Question, do_build_270, do_record_271
from cleannote.apps.scheduling.copay import CopaySource, copay_due, copay_from_coverage
from tests.apps.eligibility.test_eligibility import BENEFITS, actor_for, book
from tests.apps.x12_files import eligibility_271

DAY = dt.date(2026, 3, 2)
ANSWERED = timezone.make_aware(dt.datetime(2026, 2, 27, 16, 0))


def _answer(clinic, benefits: list[str], appointment=None, day: dt.date = DAY):
    coverage = clinic.patient.coverages.get()
    (check,) = do_build_270(
        actor_for(clinic.front_desk), [Question(coverage, day, appointment=appointment)]
    )
    data = eligibility_271([(check.trace_number, benefits)])
    do_record_271(actor_for(clinic.front_desk), data, file_name=f"{check.pk}.271", at=ANSWERED)
    return check


def test_the_hook_is_answered_by_eligibility():
    assert copay_due.registered


def test_without_an_answer_or_a_recorded_copay_it_is_unknown(clinic):
    appointment = book(clinic, DAY, 9)
    due = copay_due(appointment)
    assert (due.amount, due.source, due.known) == (None, CopaySource.UNKNOWN, False)
    assert "not known" in due.explained


def test_the_coverages_recorded_copay_when_no_answer_states_one(clinic):
    clinic.patient.coverages.update(copay=Decimal("30.00"))
    appointment = book(clinic, DAY, 9)
    due = copay_due(appointment)
    assert (due.amount, due.source) == (Decimal("30.00"), CopaySource.COVERAGE)
    assert due.coverage_id == clinic.patient.coverages.get().pk


def test_the_newest_active_answer_wins_over_the_coverage(clinic):
    # given a recorded $30 copay and a 271 saying $25 in network for PT
    clinic.patient.coverages.update(copay=Decimal("30.00"))
    appointment = book(clinic, DAY, 9)
    check = _answer(clinic, BENEFITS, appointment)
    # when
    due = copay_due(appointment)
    # then
    assert (due.amount, due.source) == (Decimal("25.00"), CopaySource.ELIGIBILITY)
    assert (due.answered_on, due.check_id) == (dt.date(2026, 2, 27), check.pk)
    assert due.explained == "from the payer's eligibility answer of 2026-02-27"


@pytest.mark.parametrize(
    ("benefits", "why"),
    [
        pytest.param(["EB*6*IND*30"], "inactive", id="inactive-answer"),
        pytest.param(["EB*1*IND*30"], "no copay stated", id="active-without-copay"),
    ],
)
def test_an_answer_without_a_usable_copay_falls_back_to_the_coverage(clinic, benefits, why):
    clinic.patient.coverages.update(copay=Decimal("30.00"))
    appointment = book(clinic, DAY, 9)
    _answer(clinic, benefits, appointment)
    assert copay_due(appointment).source == CopaySource.COVERAGE, why


def test_an_answer_about_a_later_day_is_not_used(clinic):
    appointment = book(clinic, DAY, 9)
    _answer(clinic, BENEFITS, day=DAY + dt.timedelta(days=7))
    assert copay_due(appointment).source == CopaySource.UNKNOWN


def test_the_default_answer_reads_only_the_coverage(clinic):
    clinic.patient.coverages.update(copay=Decimal("15.00"))
    appointment = book(clinic, DAY, 9)
    _answer(clinic, BENEFITS, appointment)
    assert copay_from_coverage(appointment).amount == Decimal("15.00")

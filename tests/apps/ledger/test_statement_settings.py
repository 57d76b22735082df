"""The statement cycle and dunning steps a biller or the owner sets on a page (ADR 0763): the
rules as tables, the page's refusals saying where and what, the audit row, the batch that
waits for older balances, and the nightly batch on the cycle day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.ledger.models import DunningStep
from cleannote.apps.ledger.statement_models import RunKind, StatementRun, StatementSettings
from cleannote.apps.ledger.statement_rules import (
    BatchRules,
    Candidate,
    CycleDraft,
    Exclusion,
    StepDraft,
    batch_exclusion,
    check_cycle,
    check_steps,
)
from cleannote.apps.ledger.statement_selectors import batch_candidates
from cleannote.apps.ledger.tasks import run_dunning_steps
from tests.apps.claims.conftest import billing, sent_claim  # noqa: F401
from tests.apps.ledger.test_statements import posted  # noqa: F401
from tests.personas import TODAY

GOOD_CYCLE = CycleDraft("5", "5.00", ("0-30", "31-60", "61-90", "over 90"), "25")
STANDARD = [
    StepDraft("0", "statement", "Statement", ""),
    StepDraft("30", "statement", "Reminder", "Past due."),
    StepDraft("60", "statement", "Final notice", "Final notice."),
    StepDraft("90", "collections", "Review for collections", ""),
]


@pytest.mark.parametrize(
    ("case", "draft", "problems"),
    [
        ("all_right", GOOD_CYCLE, []),
        ("run_by_hand", CycleDraft("", "0", ("31-60",), "0"), []),
        ("day_29", CycleDraft("29", "5.00", ("0-30",), "25"), ["cycle_day"]),
        ("day_zero", CycleDraft("0", "5.00", ("0-30",), "25"), ["cycle_day"]),
        ("minimum_words", CycleDraft("5", "five", ("0-30",), "25"), ["minimum_balance"]),
        ("minimum_fraction", CycleDraft("5", "5.001", ("0-30",), "25"), ["minimum_balance"]),
        ("minimum_negative", CycleDraft("5", "-1", ("0-30",), "25"), ["minimum_balance"]),
        ("no_age", CycleDraft("5", "5", (), "25"), ["ages"]),
        ("unknown_age", CycleDraft("5", "5", ("0-30", "120+"), "25"), ["ages"]),
        ("quiet_100", CycleDraft("5", "5", ("0-30",), "100"), ["quiet_days"]),
        ("all_wrong", CycleDraft("31", "x", (), "-1"),
         ["cycle_day", "minimum_balance", "ages", "quiet_days"]),
    ],
)  # fmt: skip
def test_the_cycle_rules(case, draft, problems):
    checked, found = check_cycle(draft)
    assert [p.field for p in found] == problems
    assert (checked is None) == bool(problems)


@pytest.mark.parametrize(
    ("case", "steps", "problems"),
    [
        ("standard", STANDARD, []),
        ("one_statement", STANDARD[:1], []),
        ("none", [], [("steps", "keep at least the first statement")]),
        ("first_not_day_0", [StepDraft("5", "statement", "Statement", "")],
         [("step-1-day", "day 0")]),
        ("days_not_rising", [STANDARD[0], StepDraft("30", "statement", "R", ""),
                             StepDraft("30", "statement", "F", "")],
         [("step-3-day", "after step 2's day (30)")]),
        ("day_words", [STANDARD[0], StepDraft("a month", "statement", "R", "")],
         [("step-2-day", "whole number of days from 0 to 365")]),
        ("collections_not_last", [STANDARD[0], StepDraft("30", "collections", "C", ""),
                                  StepDraft("60", "statement", "F", "")],
         [("step-2-action", "only be the last step")]),
        ("collections_first", [StepDraft("0", "collections", "C", "")],
         [("step-1-action", "the first step sends the first statement")]),
        ("no_title", [STANDARD[0], StepDraft("30", "statement", "  ", "")],
         [("step-2-title", "1 to 40 characters")]),
        ("long_message", [STANDARD[0], StepDraft("30", "statement", "R", "x" * 1001)],
         [("step-2-message", "(it has 1,001)")]),
        ("seven_steps", [STANDARD[0], *(StepDraft(str(d), "statement", "R", "")
                                        for d in range(10, 70, 10))],
         [("steps", "at most 6 steps")]),
    ],
)  # fmt: skip
def test_the_step_rules(case, steps, problems):
    numbered, found = check_steps(steps)
    assert [p.field for p in found] == [field for field, _ in problems]
    for problem, (_, part) in zip(found, problems, strict=True):
        assert part in problem.what
    assert all(str(p).startswith(p.where + ": ") for p in found)
    assert (numbered == []) == bool(problems)


@pytest.mark.parametrize(
    ("case", "aged", "ages", "left_out"),
    [
        ("all_ages_new_balance", {"0-30": D("40")}, ("0-30", "31-60", "61-90", "over 90"), None),
        ("only_older_new_balance", {"0-30": D("40")}, ("31-60", "61-90", "over 90"),
         Exclusion.TOO_NEW),
        ("only_older_old_balance", {"0-30": D("10"), "31-60": D("30")},
         ("31-60", "61-90", "over 90"), None),
        ("old_part_at_the_minimum", {"0-30": D("35"), "31-60": D("5")},
         ("31-60", "61-90", "over 90"), Exclusion.TOO_NEW),
    ],
)  # fmt: skip
def test_a_batch_statements_only_the_ages_included(case, aged, ages, left_out):
    balance = sum(aged.values(), D("0"))
    candidate = Candidate(balance, None, False, aged=aged)
    rules = BatchRules(D("5.00"), 25, True, ages)
    assert batch_exclusion(candidate, rules, TODAY) == left_out


def _form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "cycle_day": "5", "minimum_balance": "10.00", "ages": ["31-60", "61-90", "over 90"],
        "quiet_days": "20", "step_count": "4",
        "step-1-day": "0", "step-1-action": "statement", "step-1-title": "Statement",
        "step-1-message": "",
        "step-2-day": "21", "step-2-action": "statement", "step-2-title": "Reminder",
        "step-2-message": "Please pay or call us.",
        "step-3-day": "45", "step-3-action": "statement", "step-3-title": "Final notice",
        "step-3-message": "Final notice: pay within 10 days.",
        "step-4-day": "75", "step-4-action": "collections", "step-4-title": "Collections review",
        "step-4-message": "",
        "step-5-day": "", "step-5-action": "statement", "step-5-title": "", "step-5-message": "",
    }  # fmt: skip
    data.update(changes)
    return data


@pytest.mark.django_db
def test_the_biller_saves_the_cycle_and_steps_and_it_is_audited(billing, login):  # noqa: F811
    client = login(billing.clinic.biller)
    statements = client.get(reverse("ledger:statements")).content.decode()
    assert reverse("ledger:statement_settings") in statements
    page = client.get(reverse("ledger:statement_settings")).content.decode()
    assert 'value="Reminder"' in page
    response = client.post(reverse("ledger:statement_settings"), _form())
    assert response.status_code == 302
    settings = StatementSettings.objects.get(organisation=billing.clinic.organisation)
    assert (settings.cycle_day, settings.minimum_balance, settings.quiet_days) == (
        5,
        D("10.00"),
        20,
    )
    assert settings.ages_included == ["31-60", "61-90", "over 90"]
    assert list(DunningStep.objects.values_list("number", "day", "action", "title")) == [
        (1, 0, "statement", "Statement"),
        (2, 21, "statement", "Reminder"),
        (3, 45, "statement", "Final notice"),
        (4, 75, "collections", "Collections review"),
    ]
    event = AuditEvent.objects.filter(object_type="statement_settings").latest("pk")
    assert "cycle_day" in event.reason
    assert "steps" in event.reason


@pytest.mark.django_db
def test_a_step_removed_and_one_added(billing, login):  # noqa: F811
    client = login(billing.clinic.owner)
    client.post(
        reverse("ledger:statement_settings"),
        _form(**{"step-3-remove": "1", "step-5-day": "100", "step-5-title": "Last word",
                 "step-4-day": "60", "step-4-action": "statement", "step-4-title": "Second"}),
    )  # fmt: skip
    assert list(DunningStep.objects.values_list("number", "day", "title")) == [
        (1, 0, "Statement"),
        (2, 21, "Reminder"),
        (3, 60, "Second"),
        (4, 100, "Last word"),
    ]


@pytest.mark.django_db
def test_refusals_say_where_and_what_and_nothing_is_saved(billing, login):  # noqa: F811
    client = login(billing.clinic.biller)
    client.get(reverse("ledger:statement_settings"))  # writes the standard steps
    response = client.post(
        reverse("ledger:statement_settings"),
        _form(cycle_day="31", **{"step-3-day": "15", "step-2-title": ""}),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was saved. Fix 3 things" in body
    assert (
        '<a href="#cycle_day">Statement cycle, day of the month</a>: give a day from 1 to 28'
        in body
    )
    assert '<a href="#step-2-title">Step 2, title</a>' in body
    assert "must be after step 2&#x27;s day (21)" in body
    assert 'value="31"' in body  # what was typed stays
    assert list(DunningStep.objects.values_list("day", flat=True)) == [0, 30, 60, 90]
    assert StatementSettings.objects.get().cycle_day is None


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "status"), [("therapist", 403), ("front_desk", 403)])
def test_only_billers_and_the_owner_reach_the_page(billing, login, persona, status):  # noqa: F811
    client = login(getattr(billing.clinic, persona))
    assert client.get(reverse("ledger:statement_settings")).status_code == status


@pytest.mark.django_db
def test_a_balance_too_new_waits_and_the_nightly_job_runs_the_cycle_day_once(billing, posted):  # noqa: F811
    organisation = billing.clinic.organisation
    StatementSettings.objects.update_or_create(
        organisation=organisation,
        defaults={"cycle_day": TODAY.day if TODAY.day <= 28 else 28, "ages_included": ["31-60"]},
    )
    day = TODAY if TODAY.day <= 28 else TODAY.replace(day=28)
    ((_, candidate, why),) = batch_candidates(organisation, day)
    assert candidate.balance == D("24.00")
    assert why == Exclusion.TOO_NEW
    later = day + dt.timedelta(days=40)
    later = later.replace(day=day.day)
    assert batch_candidates(organisation, later)[0][2] is None
    result = run_dunning_steps(organisation.pk, later.isoformat())
    assert result["batch_statements"] == 1
    again = run_dunning_steps(organisation.pk, later.isoformat())
    assert again["batch"] is None
    assert StatementRun.objects.filter(kind=RunKind.BATCH).count() == 1
    off_day = run_dunning_steps(organisation.pk, (later + dt.timedelta(days=1)).isoformat())
    assert off_day["batch"] is None

"""Referral and plan-of-care rules: the order, its limits, certification and progress reports."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import Credential, Episode, PayerKind
from tests.rules.scrub.factories import (
    DOS,
    findings_of,
    payer,
    rendering,
    replace,
    rules_of,
    service,
    visit,
)

_REFERRAL = visit().referral
_PLAN = visit().plan_of_care
_PENDING, _LATE = "poc.certification-pending", "poc.not-certified"

_NEEDS_REFERRAL = [
    PayerKind.AUTO_PIP,
    PayerKind.AUTO_MEDPAY,
    PayerKind.AUTO_LIABILITY,
    PayerKind.WORKERS_COMP,
    PayerKind.MEDICAID,
    PayerKind.MEDICARE_ADVANTAGE,
]


@pytest.mark.parametrize("kind", _NEEDS_REFERRAL, ids=[k.value for k in _NEEDS_REFERRAL])
def test_a_payer_that_needs_a_referral_without_one_is_an_error(kind):
    # given
    v = visit(payer=payer(kind), referral=None)

    # when
    found = findings_of(scrub(v), "referral.missing")

    # then
    assert [(f.severity, f.line) for f in found] == [(Severity.ERROR, None)]
    assert kind.value.replace("_", " ") in found[0].message


@pytest.mark.parametrize("kind", _NEEDS_REFERRAL, ids=[k.value for k in _NEEDS_REFERRAL])
def test_a_payer_that_needs_a_referral_with_one_passes(kind):
    assert "referral.missing" not in rules_of(scrub(visit(payer=payer(kind))))


@pytest.mark.parametrize(
    "kind",
    [PayerKind.MEDICARE, PayerKind.COMMERCIAL, PayerKind.SELF_PAY],
    ids=["medicare", "commercial", "self-pay"],
)
def test_a_payer_that_needs_no_referral_passes_without_one(kind):
    assert "referral.missing" not in rules_of(scrub(visit(payer=payer(kind), referral=None)))


def test_a_visit_after_the_referral_expired_is_an_error():
    # given
    v = visit(referral=replace(_REFERRAL, expires=DOS - dt.timedelta(days=1)))

    # when
    found = findings_of(scrub(v), "referral.expired")

    # then
    assert [(f.severity, f.line) for f in found] == [(Severity.ERROR, None)]
    assert "2026-03-09" in found[0].message


def test_a_visit_on_the_referral_s_last_day_passes():
    v = visit(referral=replace(_REFERRAL, expires=DOS))

    assert "referral.expired" not in rules_of(scrub(v))


def test_a_visit_past_the_authorized_count_is_an_error():
    # given
    v = visit(referral=replace(_REFERRAL, authorized_visits=12, visit_number=13))

    # when
    found = findings_of(scrub(v), "referral.visits-used")

    # then
    assert [(f.severity, f.line) for f in found] == [(Severity.ERROR, None)]
    assert "13 of 12" in found[0].message


@pytest.mark.parametrize(
    ("authorized", "number"),
    [(12, 12), (12, None), (None, 40)],
    ids=["last-authorized", "number-unknown", "no-limit"],
)
def test_a_visit_within_the_authorized_count_passes(authorized, number):
    v = visit(referral=replace(_REFERRAL, authorized_visits=authorized, visit_number=number))

    assert "referral.visits-used" not in rules_of(scrub(v))


def test_medicare_therapy_without_a_plan_of_care_is_an_error():
    # given
    v = visit(plan_of_care=None)

    # when
    found = findings_of(scrub(v), "poc.missing")

    # then
    assert [(f.severity, f.line) for f in found] == [(Severity.ERROR, None)]
    assert "plan of care" in found[0].message


@pytest.mark.parametrize(
    ("changes", "services"),
    [
        ({"payer": payer(PayerKind.COMMERCIAL)}, (service(),)),
        ({}, (service("97161", "08:00", "08:45"),)),
        (
            {"rendering_provider": rendering(Credential.DC, taxonomy="111N00000X")},
            (service("98940", None, None, body_regions=("lumbar",), laterality=None),),
        ),
    ],
    ids=["commercial", "initial-evaluation", "chiropractic-cmt"],
)
def test_a_visit_that_needs_no_plan_of_care_passes_without_one(changes, services):
    v = visit(*services, plan_of_care=None, **changes)

    assert "poc.missing" not in rules_of(scrub(v))


def test_a_re_evaluation_still_needs_the_plan_of_care():
    v = visit(service("97164", "08:00", "08:30"), plan_of_care=None)

    assert "poc.missing" in rules_of(scrub(v))


@pytest.mark.parametrize(
    ("day", "rule", "severity", "says"),
    [
        # the physician/NPP has 30 days from the plan's start (100-02 Ch.15 §220.1.3, ADR 0392)
        pytest.param(0, _PENDING, Severity.WARNING, "30 days left", id="day-0"),
        pytest.param(29, _PENDING, Severity.WARNING, "1 day left", id="day-29"),
        pytest.param(30, _PENDING, Severity.WARNING, "0 days left", id="day-30-last"),
        pytest.param(31, _LATE, Severity.ERROR, "1 day after the 30", id="day-31-late"),
        pytest.param(75, _LATE, Severity.ERROR, "45 days after the 30", id="day-75"),
    ],
)  # fmt: skip
def test_an_uncertified_plan_warns_within_30_days_of_its_start_and_is_an_error_after(
    day: int, rule: str, severity: Severity, says: str
) -> None:
    # given a plan started `day` days before the visit, not certified
    v = visit(plan_of_care=replace(_PLAN, certified=False, start=DOS - dt.timedelta(days=day)))
    # when
    result = scrub(v)
    # then exactly one of the two rules, at its severity, with the count
    found = findings_of(result, rule)
    assert [(f.severity, f.line) for f in found] == [(severity, None)]
    assert says in found[0].message
    other = {"poc.certification-pending", "poc.not-certified"} - {rule}
    assert not other & rules_of(result)


def test_a_certified_plan_has_neither_finding_on_any_day() -> None:
    for day in (0, 30, 31, 80):
        v = visit(plan_of_care=replace(_PLAN, start=DOS - dt.timedelta(days=day)))
        assert not {"poc.certification-pending", "poc.not-certified"} & rules_of(scrub(v))


def test_an_uncertified_plan_is_no_error_for_a_payer_without_certification():
    late = replace(_PLAN, certified=False, start=DOS - dt.timedelta(days=60))
    v = visit(plan_of_care=late, payer=payer(PayerKind.COMMERCIAL))

    assert not {"poc.certification-pending", "poc.not-certified"} & rules_of(scrub(v))


def test_a_visit_after_the_certified_period_is_an_error():
    # given
    v = visit(plan_of_care=replace(_PLAN, certified_through=DOS - dt.timedelta(days=1)))

    # when
    found = findings_of(scrub(v), "poc.certification-lapsed")

    # then
    assert [(f.severity, f.line) for f in found] == [(Severity.ERROR, None)]
    assert "2026-03-09" in found[0].message


def test_a_visit_on_the_last_certified_day_passes():
    v = visit(plan_of_care=replace(_PLAN, certified_through=DOS))

    assert "poc.certification-lapsed" not in rules_of(scrub(v))


# CMS 100-02 Ch.15 §220.3.D: a progress report at least once every 10 treatment days, the
# first period starting on day 1 of the episode.
@pytest.mark.parametrize(
    ("treatment_day", "last_report", "rule", "severity"),
    [
        (10, None, "poc.progress-report-due", Severity.ERROR),
        (12, None, "poc.progress-report-due", Severity.ERROR),
        (20, 10, "poc.progress-report-due", Severity.ERROR),
        (9, None, "poc.progress-report-soon", Severity.INFO),
        (8, None, "poc.progress-report-soon", Severity.INFO),
        (18, 10, "poc.progress-report-soon", Severity.INFO),
    ],
    ids=["day-10", "overdue", "second-period", "day-9", "day-8", "day-18-after-10"],
)
def test_progress_report_due_or_near(treatment_day, last_report, rule, severity):
    # given
    v = visit(episode=Episode(treatment_day=treatment_day, last_progress_report_day=last_report))

    # when
    found = findings_of(scrub(v), rule)

    # then
    assert [(f.severity, f.line) for f in found] == [(severity, None)]
    assert f"Treatment day {treatment_day}" in found[0].message


@pytest.mark.parametrize(
    ("treatment_day", "last_report", "kind"),
    [
        (7, None, PayerKind.MEDICARE),
        (17, 10, PayerKind.MEDICARE),
        (10, 10, PayerKind.MEDICARE),
        (25, None, PayerKind.COMMERCIAL),
    ],
    ids=["day-7", "day-17-after-10", "this-visit-is-the-report", "payer-sets-no-interval"],
)
def test_progress_report_not_yet_near(treatment_day, last_report, kind):
    v = visit(
        episode=Episode(treatment_day=treatment_day, last_progress_report_day=last_report),
        payer=payer(kind),
    )

    found = rules_of(scrub(v))

    assert not {"poc.progress-report-due", "poc.progress-report-soon"} & found

"""Timely filing: the day the claim is made (`as_of`, from the caller) minus the date of service,
against the payer record's limit or its kind's default (Medicare 365 days, Medicaid 365 days).
Past the limit is an error; within 14 days of it, a warning (ADR 0370)."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.payer_policy import default_policy, policy_for
from cleannote.rules.scrub.checks_timely_filing import TIMELY_FILING_WARNING_DAYS
from cleannote.rules.scrub.rule_catalog import RULES
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import PayerKind
from tests.rules.scrub.factories import DOS, findings_of, payer, rules_of, visit

LATE, SOON = "payer.timely-filing", "payer.timely-filing-soon"
DAY = dt.timedelta(days=1)
MEDICARE = payer(PayerKind.MEDICARE)
RECORD_90 = payer(PayerKind.COMMERCIAL, timely_filing_days=90)


def test_the_rules_are_in_the_catalog_with_their_severity() -> None:
    assert RULES[LATE].severity is Severity.ERROR
    assert RULES[SOON].severity is Severity.WARNING
    for rule_id in (LATE, SOON):
        assert RULES[rule_id].source
        assert RULES[rule_id].why
    assert "424.44" in RULES[LATE].source
    assert TIMELY_FILING_WARNING_DAYS == 14


@pytest.mark.parametrize(
    ("kind", "days"),
    [
        (PayerKind.MEDICARE, 365),
        (PayerKind.MEDICAID, 365),
        (PayerKind.MEDICARE_ADVANTAGE, None),
        (PayerKind.COMMERCIAL, None),
        (PayerKind.WORKERS_COMP, None),
        (PayerKind.AUTO_PIP, None),
        (PayerKind.SELF_PAY, None),
    ],
)
def test_defaults_by_kind_only_where_a_rule_sets_one(kind: PayerKind, days: int | None) -> None:
    assert default_policy(kind).timely_filing_days == days


@pytest.mark.parametrize(
    ("the_payer", "days_after", "expected"),
    [
        # Medicare: one calendar year, held as 365 days
        pytest.param(MEDICARE, 366, LATE, id="medicare-one-day-late"),
        pytest.param(MEDICARE, 400, LATE, id="medicare-well-late"),
        pytest.param(MEDICARE, 365, SOON, id="medicare-last-day"),
        pytest.param(MEDICARE, 351, SOON, id="medicare-14-days-left"),
        pytest.param(MEDICARE, 350, None, id="near-miss-medicare-15-days-left"),
        pytest.param(MEDICARE, 0, None, id="near-miss-medicare-same-day"),
        # Medicaid's federal 12 months
        pytest.param(payer(PayerKind.MEDICAID), 366, LATE, id="medicaid-late"),
        pytest.param(payer(PayerKind.MEDICAID), 350, None, id="near-miss-medicaid"),
        # The payer record's figure wins over the kind's default
        pytest.param(RECORD_90, 91, LATE, id="record-90-late"),
        pytest.param(RECORD_90, 80, SOON, id="record-90-soon"),
        pytest.param(RECORD_90, 75, None, id="near-miss-record-90"),
        pytest.param(
            payer(PayerKind.MEDICARE, timely_filing_days=180), 181, LATE, id="record-180-medicare"
        ),
        # No limit known: the rule is silent however late
        pytest.param(payer(PayerKind.COMMERCIAL), 2000, None, id="near-miss-commercial-no-limit"),
    ],
)  # fmt: skip
def test_timely_filing(the_payer, days_after: int, expected: str | None) -> None:
    # given
    the_visit = visit(payer=the_payer)
    # when
    result = scrub(the_visit, as_of=DOS + days_after * DAY)
    # then
    found = rules_of(result) & {LATE, SOON}
    assert found == ({expected} if expected else set())


def test_the_messages_give_day_counts_never_dates() -> None:
    late = findings_of(scrub(visit(), as_of=DOS + 400 * DAY), LATE)[0]
    assert late.message == (
        "The claim is made 400 days after the date of service, 35 days past this payer's "
        "filing limit of 365 days."
    )
    soon = findings_of(scrub(visit(), as_of=DOS + 360 * DAY), SOON)[0]
    assert (
        soon.message
        == "5 days left of this payer's filing limit of 365 days from the date of service."
    )
    last = findings_of(scrub(visit(), as_of=DOS + 365 * DAY), SOON)[0]
    assert last.message.startswith("This is the last day of this payer's filing limit")
    assert str(DOS.year) not in late.message + soon.message + last.message


def test_without_a_creation_date_or_for_a_future_service_the_rule_is_silent() -> None:
    assert rules_of(scrub(visit(), as_of=None)).isdisjoint({LATE, SOON})
    future = rules_of(scrub(visit(), as_of=DOS - 3 * DAY))
    assert "date.future-service" in future
    assert future.isdisjoint({LATE, SOON})


def test_the_record_figure_reaches_the_policy() -> None:
    assert policy_for(payer(PayerKind.COMMERCIAL, timely_filing_days=120)).timely_filing_days == 120
    assert policy_for(MEDICARE).timely_filing_days == 365

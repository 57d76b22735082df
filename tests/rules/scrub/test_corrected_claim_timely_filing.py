"""A replacement claim (frequency 7) is judged again for timely filing: by the payer's
corrected-claim rule when it has one, counted from its determination of the claim replaced
(Medicare: a reopening within one year of the initial determination, 42 CFR 405.980(b)(1)),
else by the original filing limit from the date of service (ADR 0391)."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.rules.payer_policy import default_policy
from cleannote.rules.scrub.context import Replacement
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import PayerKind
from tests.rules.scrub.factories import DOS, findings_of, payer, rules_of, visit

LATE, SOON = "payer.timely-filing", "payer.timely-filing-soon"
DAY = dt.timedelta(days=1)
MEDICARE = payer(PayerKind.MEDICARE)
COMMERCIAL_90 = payer(PayerKind.COMMERCIAL, timely_filing_days=90)
CORRECTED_180 = payer(
    PayerKind.COMMERCIAL, timely_filing_days=90, policy_overrides=(("corrected_claim_days", 180),)
)
# The payer decided the original claim 30 days after the date of service.
DECIDED = Replacement(determined_on=DOS + 30 * DAY)


def test_the_corrected_claim_rules_by_kind() -> None:
    assert default_policy(PayerKind.MEDICARE).corrected_claim_days == 365
    for kind in PayerKind:
        if kind is not PayerKind.MEDICARE:
            assert default_policy(kind).corrected_claim_days is None, kind


@pytest.mark.parametrize(
    ("the_payer", "replaces", "days_after_service", "expected"),
    [
        # Medicare: one year from the determination, not from the date of service
        pytest.param(MEDICARE, DECIDED, 30 + 366, LATE, id="medicare-366-days-after"),
        pytest.param(MEDICARE, DECIDED, 30 + 365, SOON, id="medicare-last-day"),
        pytest.param(MEDICARE, DECIDED, 30 + 350, None, id="near-miss-medicare-inside"),
        pytest.param(MEDICARE, Replacement(None), 800, None, id="near-miss-undecided"),
        # The directory's corrected-claim rule for a commercial payer
        pytest.param(CORRECTED_180, DECIDED, 30 + 181, LATE, id="record-180-late"),
        pytest.param(CORRECTED_180, DECIDED, 30 + 170, SOON, id="record-180-soon"),
        pytest.param(CORRECTED_180, DECIDED, 30 + 120, None, id="near-miss-record-180"),
        # No corrected-claim rule: the original limit from the date of service
        pytest.param(COMMERCIAL_90, DECIDED, 91, LATE, id="no-rule-90-late"),
        pytest.param(COMMERCIAL_90, DECIDED, 70, None, id="near-miss-no-rule-90"),
        pytest.param(payer(PayerKind.COMMERCIAL), DECIDED, 2000, None, id="near-miss-no-limit"),
    ],
)  # fmt: skip
def test_a_replacement_is_judged_by_the_corrected_claim_rule(
    the_payer, replaces, days_after_service: int, expected: str | None
) -> None:
    # given a replacement made some days after the service
    as_of = DOS + days_after_service * DAY
    # when
    result = scrub(visit(payer=the_payer), as_of=as_of, replaces=replaces)
    # then
    assert rules_of(result) & {LATE, SOON} == ({expected} if expected else set())


def test_the_original_of_the_same_day_is_judged_from_the_date_of_service() -> None:
    # the near miss above, as an original claim: a year and a half after the service is late
    result = scrub(visit(payer=MEDICARE), as_of=DOS + (30 + 350) * DAY)
    assert LATE in rules_of(result)


def test_the_messages_say_what_the_count_starts_from() -> None:
    medicare = findings_of(
        scrub(visit(payer=MEDICARE), as_of=DOS + 400 * DAY, replaces=DECIDED), LATE
    )[0]
    assert medicare.message == (
        "The corrected claim is made 370 days after the payer's determination of the claim it "
        "replaces, 5 days past this payer's corrected-claim limit of 365 days."
    )
    original = findings_of(
        scrub(visit(payer=COMMERCIAL_90), as_of=DOS + 95 * DAY, replaces=DECIDED), LATE
    )[0]
    assert original.message == (
        "The corrected claim is made 95 days after the date of service, 5 days past this "
        "payer's filing limit of 90 days (it states no corrected-claim rule)."
    )
    assert str(DOS.year) not in medicare.message + original.message

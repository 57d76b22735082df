"""A claim to a payer after another (secondary, tertiary) is in time within the payer's window
after the prior payer's remittance or its limit from the date of service, whichever ends
later, and is judged by that one (ADR 0705). The windows are the payer policy table's
(`after_prior_payer_days`), overridable per payer."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.rules.payer_policy import default_policy
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import PayerKind
from tests.rules.scrub.factories import DOS, findings_of, payer, rules_of, visit

LATE, SOON = "payer.timely-filing", "payer.timely-filing-soon"
DAY = dt.timedelta(days=1)
MEDICAID = payer(PayerKind.MEDICAID)  # 365 from the service, 180 after the prior payer
MEDICARE = payer(PayerKind.MEDICARE)  # 365 from the service, no later window
COMMERCIAL = payer(PayerKind.COMMERCIAL)  # no limit of its own: the contract decides
# A contract: 90 days after the prior payer's remittance, no limit from the service
COMMERCIAL_90 = payer(PayerKind.COMMERCIAL, policy_overrides=(("after_prior_payer_days", 90),))
# A contract: 90 days from the service, or 45 after the prior payer, whichever ends later
COMMERCIAL_45 = payer(
    PayerKind.COMMERCIAL, timely_filing_days=90, policy_overrides=(("after_prior_payer_days", 45),)
)


@pytest.mark.parametrize(
    ("kind", "days"),
    [(PayerKind.MEDICARE, None), (PayerKind.MEDICARE_ADVANTAGE, None),
     (PayerKind.MEDICAID, 180), (PayerKind.COMMERCIAL, None), (PayerKind.AUTO_PIP, None),
     (PayerKind.WORKERS_COMP, None), (PayerKind.SELF_PAY, None)],
)  # fmt: skip
def test_the_windows_after_a_prior_payer_by_kind(kind, days) -> None:
    assert default_policy(kind).after_prior_payer_days == days


# (payer, prior payer's remittance: days after the service, claim made: days after the
# service, the finding)
@pytest.mark.parametrize(
    ("the_payer", "remitted", "made", "expected"),
    [
        # Medicaid: the primary answered late in the year; six months after it still counts
        pytest.param(MEDICAID, 300, 300 + 181, LATE, id="medicaid-181-after-remittance"),
        pytest.param(MEDICAID, 300, 300 + 170, SOON, id="medicaid-10-days-left"),
        pytest.param(MEDICAID, 300, 300 + 100, None, id="near-miss-medicaid-past-a-year-of-dos"),
        # The date-of-service limit ends later: it is the one that judges
        pytest.param(MEDICAID, 20, 20 + 200, None, id="near-miss-dos-limit-ends-later"),
        pytest.param(MEDICAID, 20, 366, LATE, id="medicaid-dos-limit-late"),
        # Medicare has no window after a prior payer: one year from the service
        pytest.param(MEDICARE, 300, 366, LATE, id="medicare-from-dos"),
        pytest.param(MEDICARE, 300, 340, None, id="near-miss-medicare-inside-year"),
        # A contract's 90 days after the prior payer's remittance, whatever the service date
        pytest.param(COMMERCIAL_90, 400, 400 + 91, LATE, id="contract-91-after-remittance"),
        pytest.param(COMMERCIAL_90, 400, 400 + 80, SOON, id="contract-10-left"),
        pytest.param(COMMERCIAL_90, 400, 400 + 30, None, id="near-miss-contract-30-after"),
        # 45 after a remittance on day 60 ends on day 105, after the 90 from the service
        pytest.param(COMMERCIAL_45, 60, 60 + 46, LATE, id="contract-45-late"),
        pytest.param(COMMERCIAL_45, 60, 100, SOON, id="contract-45-soon"),
        # 45 after a remittance on day 10 ends before the 90 from the service: that one judges
        pytest.param(COMMERCIAL_45, 10, 85, SOON, id="contract-service-limit-later"),
        pytest.param(COMMERCIAL_45, 10, 91, LATE, id="contract-service-limit-late"),
        # No window of its own: a commercial payer without a contract figure judges nothing
        pytest.param(COMMERCIAL, 400, 2000, None, id="near-miss-no-contract-figure"),
        pytest.param(COMMERCIAL_90, None, 2000, None, id="near-miss-primary-claim"),
    ],
)  # fmt: skip
def test_a_claim_after_another_payer_counts_from_its_remittance(
    the_payer, remitted: int | None, made: int, expected: str | None
) -> None:
    # given a claim to the next payer, made some days after the service
    prior = DOS + remitted * DAY if remitted is not None else None
    # when
    result = scrub(visit(payer=the_payer), as_of=DOS + made * DAY, prior_remitted_on=prior)
    # then
    assert rules_of(result) & {LATE, SOON} == ({expected} if expected else set())


def test_the_message_says_the_count_starts_at_the_prior_payers_remittance() -> None:
    result = scrub(visit(payer=MEDICAID), as_of=DOS + 500 * DAY, prior_remitted_on=DOS + 300 * DAY)
    [late] = findings_of(result, LATE)
    assert late.message == (
        "The claim is made 200 days after the prior payer's remittance, 20 days past this "
        "payer's filing limit after another payer of 180 days."
    )

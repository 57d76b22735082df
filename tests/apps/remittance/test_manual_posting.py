"""A paper check keyed in by a biller posts through the 835's own posting, balanced to the
cent, or not at all (ADR 0750). The claim: $130 for 97110 × 2 (line 1), $60 for 97140 (line 2);
the contract pays 97110 at $30.12 a unit and 97140 at $28.00."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.models import Claim, ClaimAdjustment, ClaimStatus
from cleannote.apps.remittance.errors import RemittanceError
from cleannote.apps.remittance.manual_posting import (
    EnteredCheck,
    EnteredClaim,
    EnteredLine,
    do_post_manual_check,
    parse_adjustments,
)
from cleannote.apps.remittance.models import (
    ClaimPosting,
    EraFile,
    LedgerKind,
    LinePosting,
    MatchedBy,
    PatientLedgerEntry,
)
from cleannote.apps.remittance.selectors import denials_worklist, underpayments
from tests.personas import TODAY


def _check(claim: Claim, line2: tuple[str, str, str], *, total: str = "120.00") -> EnteredCheck:
    one, two = claim.lines.order_by("number")
    allowed, paid, adjustments = line2
    return EnteredCheck(
        payer_name="Medicare Part B",
        check_number="0047111",
        paid_on=TODAY,
        total=D(total),
        claims=(
            EnteredClaim(
                claim.pk,
                (
                    EnteredLine(
                        one.pk,
                        D("80.00"),
                        D("100.00"),
                        parse_adjustments("CO-45 30.00; PR-2 20.00", "l1"),
                    ),
                    EnteredLine(two.pk, D(paid), D(allowed), parse_adjustments(adjustments, "l2")),
                ),
                payer_claim_number="EOB-9",
            ),
        ),
    )


def test_a_balanced_check_posts_like_an_835(billing, claim):
    era = do_post_manual_check(
        billing.actor, _check(claim, ("50.00", "40.00", "CO-45 10, PR-1 10.00"))
    )
    claim.refresh_from_db()
    assert era.entered_manually
    assert era.payment_amount == D("120.00")
    assert era.content == ""
    assert (claim.status, claim.paid_amount, claim.payer_claim_number) == (
        ClaimStatus.PAID,
        D("120.00"),
        "EOB-9",
    )
    assert sorted(
        ClaimAdjustment.objects.filter(claim=claim).values_list("group", "reason", "amount")
    ) == [
        ("CO", "45", D("10.00")),
        ("CO", "45", D("30.00")),
        ("PR", "1", D("10.00")),
        ("PR", "2", D("20.00")),
    ]
    lines = LinePosting.objects.filter(claim_posting__era_file=era).order_by("claim_line__number")
    assert [(row.matched_by, row.paid, row.allowed) for row in lines] == [
        (MatchedBy.MANUAL, D("80.00"), D("100.00")),
        (MatchedBy.MANUAL, D("40.00"), D("50.00")),
    ]
    share = PatientLedgerEntry.objects.get(claim=claim)
    assert (share.kind, share.amount, share.era_file_id) == (
        LedgerKind.PATIENT_RESPONSIBILITY,
        D("30.00"),
        era.pk,
    )
    assert not ClaimPosting.objects.get(era_file=era).balance_problem


def test_an_underpaid_line_is_listed_like_an_835_one(billing, claim):
    do_post_manual_check(
        billing.actor, _check(claim, ("20.00", "20.00", "CO-45 40.00"), total="100.00")
    )
    (row,) = underpayments(billing.clinic.organisation)
    assert (row.claim_line.code, row.expected, row.shortfall) == ("97140", D("28.00"), D("8.00"))


def test_a_denied_check_lands_on_the_denials_list(billing, claim):
    one, two = claim.lines.order_by("number")
    entered = EnteredCheck(
        "Medicare Part B",
        "0047112",
        TODAY,
        D("0.00"),
        (
            EnteredClaim(
                claim.pk,
                (
                    EnteredLine(one.pk, D("0"), None, (("CO", "50", D("130.00")),)),
                    EnteredLine(two.pk, D("0"), None, (("CO", "50", D("60.00")),)),
                ),
            ),
        ),
    )
    do_post_manual_check(billing.actor, entered)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DENIED
    (group,) = denials_worklist(billing.clinic.organisation)
    assert group.reason == "50"
    assert [row.claim_id for row in group.claims] == [claim.pk]


LINE_SHORT = "line 2: billed 60.00, but paid 40.00 + adjustments 10.00 = 50.00 (off by 10.00)"
TOTAL_OFF = "total 125.00, but the lines' payments add up to 120.00 (off by 5.00)"


@pytest.mark.parametrize(
    ("line2", "total", "where"),
    [
        (("50.00", "40.00", "CO-45 10.00"), "120.00", LINE_SHORT),
        (("50.00", "40.00", "CO-45 10.00; PR-1 10.00"), "125.00", TOTAL_OFF),
    ],
)
def test_a_check_that_does_not_balance_is_refused_with_where(billing, claim, line2, total, where):
    two = claim.lines.get(number=2)
    with pytest.raises(RemittanceError) as refused:
        do_post_manual_check(billing.actor, _check(claim, line2, total=total))
    assert where.format(two=two.pk) in refused.value.problem
    assert not EraFile.objects.exists()
    assert not ClaimAdjustment.objects.exists()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACCEPTED


def test_the_same_check_twice_and_other_refusals(billing, claim, other_clinic):
    entered = _check(claim, ("50.00", "40.00", "CO-45 10; PR-1 10"))
    do_post_manual_check(billing.actor, entered)
    with pytest.raises(RemittanceError, match="check with that number is posted"):
        do_post_manual_check(billing.actor, entered)
    therapist = Actor(user=billing.clinic.therapist.user, organisation=billing.clinic.organisation)
    with pytest.raises(RemittanceError, match="only billers and owners"):
        do_post_manual_check(therapist, entered)
    with pytest.raises(RemittanceError, match="is not an adjustment"):
        parse_adjustments("CO45 10", "claim 1 line 1")
    with pytest.raises(RemittanceError, match="is not an adjustment"):
        parse_adjustments("XX-45 10.00", "claim 1 line 1")

"""The claims app judges timely filing on the clinic's today (the core never reads the clock):
the payer record's limit, else its kind's default (ADR 0370). The fixture's note is three days
old and billed to the directory's Medicare record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cleannote.apps.claims.actions import (
    LineOutcome,
    do_build_batch,
    do_change_claim_status,
    do_create_claim_from_note,
    do_create_corrected_claim,
    do_mark_ready,
    do_record_adjudication,
)
from cleannote.apps.claims.errors import ClaimRefusedError
from cleannote.apps.claims.models import Claim, ClaimStatus, Frequency
from cleannote.apps.patients.models import Coverage, PlanOfCare
from cleannote.apps.payers.actions import do_update_payer
from cleannote.apps.payers.models import Payer as PayerRecord
from tests.apps.claims.conftest import signed_note
from tests.personas import TODAY


def _limit(billing, days: int | None) -> None:
    record = billing.clinic.case.coverage.payer_record
    do_update_payer(billing.actor, record, timely_filing_days=days)


def test_past_the_records_limit_the_claim_is_refused(billing):
    # given a two-day limit and a three-day-old note
    _limit(billing, 2)
    # when
    with pytest.raises(ClaimRefusedError) as refused:
        do_create_claim_from_note(billing.actor, billing.note)
    # then
    errors = {f.rule for f in refused.value.findings if f.severity.value == "error"}
    assert errors == {"payer.timely-filing"}


def test_near_the_limit_the_claim_is_made_with_a_warning(billing):
    # given a ten-day limit: seven days left
    _limit(billing, 10)
    # when
    claim = do_create_claim_from_note(billing.actor, billing.note)
    # then
    soon = claim.findings.get(rule="payer.timely-filing-soon")
    assert soon.severity == "warning"
    assert soon.message.startswith("7 days left")


def test_near_miss_well_inside_the_limit_says_nothing(billing):
    _limit(billing, 30)
    claim = do_create_claim_from_note(billing.actor, billing.note)
    assert not claim.findings.filter(rule__startswith="payer.timely-filing").exists()


def test_without_a_record_limit_medicare_gets_its_year(billing):
    # given no figure on the record and a Medicare note a year and a day old
    _limit(billing, None)
    note = signed_note(billing.clinic, TODAY - dt.timedelta(days=366))
    # when
    with pytest.raises(ClaimRefusedError) as refused:
        do_create_claim_from_note(billing.actor, note)
    # then
    assert "payer.timely-filing" in {f.rule for f in refused.value.findings}


# --- corrected claims (ADR 0391) -------------------------------------------------------------


def _plan_from(billing, days_ago: int) -> None:
    """The case's plan started `days_ago` days back and certified five days later."""
    start = TODAY - dt.timedelta(days=days_ago)
    PlanOfCare.objects.filter(pk=billing.clinic.plan.pk).update(
        start_date=start, signature_received_on=start + dt.timedelta(days=5)
    )


def _commercial(billing, overrides: dict[str, int]) -> None:
    """The patient's payer made a commercial one (no corrected-claim rule of its kind)."""
    coverage = billing.clinic.case.coverage
    Coverage.objects.filter(pk=coverage.pk).update(kind="commercial")
    PayerRecord.objects.filter(pk=coverage.payer_record_id).update(
        kind="commercial", policy_overrides=overrides
    )


def _decided(billing, note, decided_days_ago: int):
    """The note's claim sent and decided by the payer `decided_days_ago` days back."""
    claim = do_create_claim_from_note(billing.actor, note, as_of=note.date_of_service)
    do_mark_ready(billing.actor, claim)
    do_build_batch(billing.actor, [claim.pk])
    do_change_claim_status(billing.actor, claim, ClaimStatus.ACCEPTED, reason="277CA")
    lines = {line.number: LineOutcome(paid=Decimal("10")) for line in claim.lines.all()}
    return do_record_adjudication(
        billing.actor, claim, adjudicated_on=TODAY - dt.timedelta(days=decided_days_ago),
        payer_claim_number="PCN-9", lines=lines,
    )  # fmt: skip


def test_a_medicare_correction_a_year_after_the_decision_is_refused(billing):
    # given Medicare (no record figure) decided the claim 366 days ago
    _limit(billing, None)
    _plan_from(billing, 385)
    note = signed_note(billing.clinic, TODAY - dt.timedelta(days=380))
    claim = _decided(billing, note, 366)
    # when the biller corrects it
    with pytest.raises(ClaimRefusedError, match=f"claim {claim.pk}: 1 error") as refused:
        do_create_corrected_claim(billing.actor, claim, reason="wrong units")
    # then the finding counts from the decision, and no corrected claim is made
    late = next(f for f in refused.value.findings if f.rule == "payer.timely-filing")
    assert "366 days after the payer's determination" in late.message
    assert not Claim.objects.filter(original_claim=claim).exists()


def test_near_miss_past_the_service_year_but_inside_the_decision_year(billing):
    # given a service 380 days ago, decided by Medicare 300 days ago: an original would be late
    _limit(billing, None)
    _plan_from(billing, 385)
    note = signed_note(billing.clinic, TODAY - dt.timedelta(days=380))
    claim = _decided(billing, note, 300)
    # when
    corrected = do_create_corrected_claim(billing.actor, claim, reason="wrong units")
    # then the replacement is made, clean of timely filing
    assert corrected.frequency == Frequency.REPLACEMENT
    assert not corrected.findings.filter(rule__startswith="payer.timely-filing").exists()


def test_without_a_corrected_claim_rule_the_original_limit_applies(billing):
    # given a commercial payer with the record's 30-day limit and no corrected-claim rule, and
    # a 40-day-old service
    _limit(billing, 30)
    _commercial(billing, {})
    note = signed_note(billing.clinic, TODAY - dt.timedelta(days=40))
    claim = _decided(billing, note, 5)
    # when / then
    with pytest.raises(ClaimRefusedError) as refused:
        do_create_corrected_claim(billing.actor, claim)
    assert "payer.timely-filing" in {f.rule for f in refused.value.findings}


def test_the_directorys_corrected_claim_rule_is_read_as_it_stands(billing):
    # given the same, and then the clinic records the payer's 90-day corrected-claim rule
    _limit(billing, 30)
    _commercial(billing, {"corrected_claim_days": 90})
    note = signed_note(billing.clinic, TODAY - dt.timedelta(days=40))
    claim = _decided(billing, note, 80)
    # when
    corrected = do_create_corrected_claim(billing.actor, claim)
    # then 80 of its 90 days have passed: made, with the warning
    soon = corrected.findings.get(rule="payer.timely-filing-soon")
    assert soon.message.startswith("10 days left of this payer's corrected-claim limit")

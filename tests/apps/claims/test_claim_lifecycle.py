"""Status changes through the one transition table; corrected, void, secondary and split claims."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from cleannote.apps.claims.actions import (
    LineOutcome,
    do_change_claim_status,
    do_create_corrected_claim,
    do_create_secondary_claim,
    do_record_adjudication,
    do_split_claim,
    do_void_claim,
)
from cleannote.apps.claims.claim_export import claim_to_send
from cleannote.apps.claims.errors import ClaimError
from cleannote.apps.claims.models import ClaimStatus, Frequency, Origin
from cleannote.apps.claims.status import TRANSITIONS, Settlement, can_move, settlement_status
from cleannote.apps.patients.models import Coverage
from tests.apps.claims.conftest import adjudicated_claim, new_claim, sent_claim

S = ClaimStatus


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        (S.DRAFT, S.READY, True),
        (S.DRAFT, S.IN_BATCH, False),
        (S.READY, S.IN_BATCH, True),
        (S.IN_BATCH, S.REJECTED, True),
        (S.ACCEPTED, S.REJECTED, True),
        (S.IN_BATCH, S.PAID, True),
        (S.REJECTED, S.READY, True),
        (S.ACCEPTED, S.DRAFT, False),
        (S.DENIED, S.APPEALED, True),
        (S.PAID, S.APPEALED, False),
        (S.CLOSED, S.READY, False),
    ],
    ids=lambda v: v.value if isinstance(v, S) else str(v),
)
def test_transition_table(current, new, allowed):
    assert can_move(current, new) is allowed


def test_every_status_has_a_row_in_the_table():
    assert set(TRANSITIONS) == set(S)


def test_each_status_change_is_a_history_row(billing):
    # when
    claim = sent_claim(billing)
    # then
    history = [(e.previous_status, e.status, e.by_username) for e in claim.events.all()]
    assert history == [
        ("", "draft", "bill"),
        ("draft", "ready", "bill"),
        ("ready", "in_batch", "bill"),
        ("in_batch", "accepted", "bill"),
    ]


def test_a_move_outside_the_table_is_refused(billing):
    claim = new_claim(billing)
    with pytest.raises(ClaimError, match=rf"claim {claim.pk}: cannot go from draft to paid"):
        do_change_claim_status(billing.actor, claim, S.PAID)
    assert claim.events.count() == 1


@pytest.mark.parametrize(
    ("paid", "status"),
    [(("130.00", "60.00"), S.PAID), (("100.00", "0"), S.PAID), (("0", "0"), S.DENIED)],
    ids=["paid", "paid-with-a-denied-line", "denied"],
)
def test_adjudication_sets_the_status_from_what_was_paid(billing, paid, status):
    # the helper writes off the rest of each line (CO-45, or CO-50 when nothing was paid), so
    # every answer settles the claim: only a claim paid nothing at all is denied
    claim = adjudicated_claim(billing, paid)
    assert claim.status == status
    assert claim.paid_amount == sum(Decimal(p) for p in paid)


def _line(paid: str, *adjustments: tuple[str, str, str]) -> LineOutcome:
    return LineOutcome(
        paid=Decimal(paid), adjustments=tuple((g, r, Decimal(a)) for g, r, a in adjustments)
    )


SETTLEMENTS = {
    # Medicare at the contracted rate: CO-45 above the fee schedule, PR-2 coinsurance
    "contracted-rate-with-coinsurance": (
        {1: _line("48.19", ("CO", "45", "69.76"), ("PR", "2", "12.05")),
         2: _line("22.40", ("CO", "45", "32.00"), ("PR", "2", "5.60"))},
        S.PAID,
    ),
    # nothing paid, all of it applied to the deductible: settled, the patient owes it
    "all-to-the-deductible": (
        {1: _line("0", ("PR", "1", "130.00")), 2: _line("0", ("PR", "1", "60.00"))},
        S.PAID,
    ),
    # line 2 not answered yet: the payer still owes $60
    "payer-still-owes": ({1: _line("100.00", ("CO", "45", "30.00"))}, S.PARTIALLY_PAID),
    "denied": (
        {1: _line("0", ("CO", "50", "130.00")), 2: _line("0", ("CO", "50", "60.00"))},
        S.DENIED,
    ),
    "other-adjustment-settles": (
        {1: _line("130.00"), 2: _line("50.00", ("OA", "23", "10.00"))},
        S.PAID,
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", SETTLEMENTS, ids=list(SETTLEMENTS))
def test_status_follows_the_settlement_not_the_charge(billing, case):
    # given a sent claim of $190 (97110 $130, 97140 $60)
    claim = sent_claim(billing)
    lines, status = SETTLEMENTS[case]
    # when the payer's answer is recorded
    claim = do_record_adjudication(
        billing.actor, claim, adjudicated_on=dt.date(2026, 1, 20), payer_claim_number="P1",
        lines=lines,
    )  # fmt: skip
    # then
    assert claim.status == status


@pytest.mark.parametrize(
    ("paid", "patient", "written_off", "denied", "status"),
    [
        ("70.59", "17.65", "101.76", False, S.PAID),
        ("0", "190", "0", False, S.PAID),
        ("0", "0", "190", False, S.DENIED),
        ("0", "0", "190", True, S.DENIED),
        ("0", "0", "0", True, S.DENIED),
        ("100", "0", "30", False, S.PARTIALLY_PAID),
        ("0", "0", "0", False, S.ACCEPTED),
        ("200", "0", "0", False, S.PAID),
    ],
    ids=["settled", "deductible", "written-off", "clp02-4", "clp02-4-no-cas",
         "payer-owes", "all-reversed", "overpaid"],
)  # fmt: skip
def test_settlement_status_table(paid, patient, written_off, denied, status):
    settlement = Settlement(
        charge=Decimal("190"), paid=Decimal(paid), written_off=Decimal(written_off),
        patient_share=Decimal(patient),
    )  # fmt: skip
    assert settlement_status(settlement, payer_denied=denied) == status


def test_corrected_claim_is_frequency_7_with_the_payer_claim_number(billing):
    # given
    original = adjudicated_claim(billing, ("100.00", "60.00"), payer_claim_number="PCN-555")
    # when
    corrected = do_create_corrected_claim(billing.actor, original, reason="wrong units")
    # then
    assert (corrected.frequency, corrected.origin) == (Frequency.REPLACEMENT, Origin.CORRECTED)
    assert corrected.original_claim_id == original.pk
    assert corrected.payer_claim_number == "PCN-555"
    sent = claim_to_send(corrected)
    assert sent.frequency == "7"
    assert sent.original_reference == "PCN-555"
    assert [line.code for line in sent.lines] == ["97110", "97140"]


def test_void_claim_is_frequency_8(billing):
    original = adjudicated_claim(billing, ("130.00", "60.00"))
    voided = do_void_claim(billing.actor, original, reason="billed to the wrong payer")
    assert (voided.frequency, voided.origin, voided.status) == ("8", Origin.VOID, S.DRAFT)


def test_corrected_claim_needs_a_claim_the_payer_took(billing):
    claim = new_claim(billing)
    with pytest.raises(ClaimError, match="only a claim the payer has taken can be corrected"):
        do_create_corrected_claim(billing.actor, claim)


def _secondary_coverage(billing) -> Coverage:
    return Coverage.objects.create(
        patient=billing.clinic.patient, priority="secondary", payer_name="Lakeshore Mutual",
        payer_id="LSM01", kind="commercial", member_id="LSM998877", active_from=dt.date(2025, 1, 1),
    )  # fmt: skip


def test_secondary_claim_reports_the_primary_payment(billing):
    # given a primary that paid $100 of $130 on line 1 and $60 of $60 on line 2
    primary = adjudicated_claim(billing, ("100.00", "60.00"))
    coverage = _secondary_coverage(billing)
    # when
    secondary = do_create_secondary_claim(billing.actor, primary)
    # then
    assert (secondary.origin, secondary.primary_claim_id) == (Origin.SECONDARY, primary.pk)
    assert (secondary.coverage_id, secondary.payer_id) == (coverage.pk, "LSM01")
    sent = claim_to_send(secondary)
    (prior,) = sent.prior_payments
    assert prior.payer.payer_id == "MCR"
    assert prior.paid == Decimal("160.00")
    assert [(p.line, p.paid, [(a.group, a.reason, a.amount) for a in p.adjustments])
            for p in prior.lines] == [
        (0, Decimal("100.00"), [("CO", "45", Decimal("30.00"))]),
        (1, Decimal("60.00"), [("CO", "45", Decimal("0.00"))]),
    ]  # fmt: skip
    assert sent.visit.subscriber.member_id == "LSM998877"


def test_secondary_claim_waits_for_the_primary_payment(billing):
    _secondary_coverage(billing)
    claim = sent_claim(billing)
    with pytest.raises(ClaimError, match="bill a secondary after the primary paid"):
        do_create_secondary_claim(billing.actor, claim)


def test_secondary_claim_needs_a_secondary_coverage(billing):
    primary = adjudicated_claim(billing, ("100.00", "60.00"))
    with pytest.raises(ClaimError, match="no secondary coverage"):
        do_create_secondary_claim(billing.actor, primary)


def test_split_rebills_only_the_denied_lines(billing):
    # given line 2 (97140) denied, line 1 paid
    claim = adjudicated_claim(billing, ("100.00", "0"))
    # when
    split = do_split_claim(billing.actor, claim)
    # then
    assert [(line.number, line.code, line.charge) for line in split.lines.all()] == [
        (1, "97140", Decimal("60.00"))
    ]
    assert (split.origin, split.frequency, split.original_claim_id) == ("split", "1", claim.pk)
    assert split.total_charge == Decimal("60.00")
    assert claim_to_send(split).lines[0].service_index == 1


def test_split_needs_a_denied_line(billing):
    claim = adjudicated_claim(billing, ("100.00", "60.00"))
    with pytest.raises(ClaimError, match="has no denied line"):
        do_split_claim(billing.actor, claim)


def test_split_needs_an_answered_claim(billing):
    claim = sent_claim(billing)
    with pytest.raises(ClaimError, match="is accepted; only denied lines can be split off"):
        do_split_claim(billing.actor, claim)


def test_a_line_applied_to_the_deductible_is_not_split_off(billing):
    # given line 2 paid nothing, all of it to the deductible (PR-1): settled, not denied
    claim = do_record_adjudication(
        billing.actor, sent_claim(billing), adjudicated_on=dt.date(2026, 1, 20),
        payer_claim_number="P1",
        lines={1: _line("130.00"), 2: _line("0", ("PR", "1", "60.00"))},
    )  # fmt: skip
    assert claim.status == S.PAID
    with pytest.raises(ClaimError, match="has no denied line"):
        do_split_claim(billing.actor, claim)


_cents = st.integers(min_value=0, max_value=100_000).map(lambda n: Decimal(n).scaleb(-2))


@given(paid=_cents, written_off=_cents, patient=_cents, owed=_cents)
def test_only_a_balance_the_payer_owes_keeps_a_claim_open(paid, written_off, patient, owed):
    # any answer: the charge is what was paid, written off, left to the patient, and still owed
    assume(paid + written_off + patient + owed > 0)  # a claim line is never free
    settlement = Settlement(
        charge=paid + written_off + patient + owed, paid=paid, written_off=written_off,
        patient_share=patient,
    )  # fmt: skip
    status = settlement_status(settlement)
    if owed == 0:
        assert status in (S.PAID, S.DENIED)
        assert (status == S.DENIED) == (paid == 0 and patient == 0 and written_off > 0)
    elif paid or patient or written_off:
        assert status == S.PARTIALLY_PAID
    else:
        assert status == S.ACCEPTED
